import { readFileSync, writeFileSync } from 'node:fs'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadNfatBeaconConfig } from '../../src/beacons/nfat/config.js'
import { startNfatBeacon, type NfatBeacon } from '../../src/beacons/nfat/main.js'
import { signBankPayload } from '../../src/bank/webhook.js'
import { useDevnet, type Devnet } from '../fixtures/devnet.js'
import { M, createScenario, type Scenario } from './harness.js'
import { serveSynome, writeBeaconConfig } from './process.js'

/** The lpha-nfat process's HTTP side: Prometheus metrics and the signed bank webhook. */
let devnet: Devnet
let s: Scenario
let synome: { url: string; close: () => Promise<void> }
let beacon: NfatBeacon
const secret = 'shared-with-the-halo-bank'

beforeAll(async () => {
  devnet = await useDevnet()
  s = await createScenario(devnet)
  s.suspendBeacon()
  synome = await serveSynome(s)
  const file = writeBeaconConfig(s, synome.url)
  const json = JSON.parse(readFileSync(file, 'utf8'))
  writeFileSync(file, JSON.stringify({ ...json, httpPort: 0, bank: { ...json.bank, secret } }))
  beacon = await startNfatBeacon(loadNfatBeaconConfig(file, {}), pino({ level: 'silent' }))
})
afterAll(async () => {
  await beacon?.close()
  await synome?.close()
  s?.restartBeacon()
  await s?.close()
})

describe('lpha-nfat HTTP: /metrics and the bank webhook', () => {
  it('a tick sweeps Spark’s 30M and the decision shows in Prometheus metrics', async () => {
    await s.at(0, '09:00')
    await s.world.deposit(s.world.people.spark, M('30'))
    await s.at(0, '10:00')
    const report = await beacon.tick()
    expect(report.errors).toEqual([])
    expect(report.actions.map((a) => a.kind)).toEqual(['create-sleeve', 'claim', 'record-unit'])
    const metrics = await (await fetch(`http://127.0.0.1:${beacon.httpPort}/metrics`)).text()
    expect(metrics).toContain('lpha_nfat_decisions_total{halo_class="facility-A",action="claim"} 1')
    expect(metrics).toContain('lpha_nfat_sleeves{halo_class="facility-A",state="FILLING"} 1')
    expect(metrics).toContain('lpha_nfat_ticks_total{halo_class="facility-A"} 1')
  })

  it('a bank confirmation naming an unknown transfer is refused (422) and a forged one (401); nothing is recorded', async () => {
    const post = (body: string, signature: string) => fetch(`http://127.0.0.1:${beacon.httpPort}/bank/receipts`, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-bank-signature': signature } })
    const unknown = JSON.stringify({ transferId: 'sleeve-7:offramp:9', amountUsd: '1', confirmedAt: '2026-03-16T10:00:00Z' })
    const refused = await post(unknown, signBankPayload(secret, unknown))
    expect(refused.status).toBe(422)
    expect(await refused.json()).toMatchObject({ code: 'UNKNOWN_TRANSFER' })
    expect((await post(unknown, signBankPayload('not-the-secret', unknown))).status).toBe(401)
    await beacon.close()
    s.restartBeacon()
    expect(s.ledger.receipt('sleeve-7:offramp:9')).toBeUndefined()
    s.suspendBeacon()
    beacon = await startNfatBeacon(loadNfatBeaconConfig(`${s.dir}/lpha-nfat.json`, {}), pino({ level: 'silent' }))
  })
})
