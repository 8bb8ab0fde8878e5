import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { useDevnet, type Devnet } from '../fixtures/devnet.js'
import { U, createScenario, fillAndOffboard, type Scenario } from './harness.js'
import { CRASH_TEST_TIMEOUT_MS, expectClean, expectKilled, handOverToProcess, runBeaconProcess } from './process.js'

/** `halo beacon nfat` killed with SIGKILL around the off-ramp transfer and the DEPLOYING step. */
let devnet: Devnet
let s: Scenario
let configFile: string
let release: (() => Promise<void>) | undefined

beforeAll(async () => {
  devnet = await useDevnet()
  s = await createScenario(devnet)
  // Filling and the USDC conversion in-process (covered elsewhere), then hand over to the process.
  await fillAndOffboard(s)
  const handover = await handOverToProcess(s)
  configFile = handover.configFile
  release = handover.release
})
afterAll(async () => {
  await release?.()
  await s?.close()
})

describe('crash-safe off-ramp (kill -9 after each step, restart)', () => {
  it('killed after announcing the transfer, after broadcasting it, after recording the bank receipt — one 75M transfer, then DEPLOYING', async () => {
    await s.at(2, '10:00')
    await s.attestTick()
    await s.at(2, '10:30')
    expectKilled(await runBeaconProcess(configFile, 'ledger-write#1')) // announced to the bank, not sent
    expect(await s.usdcBalance(s.offRamp)).toBe(0n)
    expectKilled(await runBeaconProcess(configFile, 'tx-broadcast#1')) // sent, not recorded
    expect(await s.usdcBalance(s.offRamp)).toBe(U('75'))
    expectClean(await runBeaconProcess(configFile))
    expect((await s.sleeve()).assets).toEqual([{ type: 'USDC', amount: '75000000', location: 'in-transit', destination: 'halo-bank-account-ref', initiatedAt: s.iso(2, '10:30') }])

    await s.at(3, '10:00')
    expectKilled(await runBeaconProcess(configFile, 'synome-write#1')) // receipt recorded as USD at the bank, killed before DEPLOYING
    expect((await s.sleeve()).assets).toEqual([{ type: 'USD', amount: '75000000', location: 'halo-bank-account', confirmedAt: s.iso(3) }])
    expectClean(await runBeaconProcess(configFile))
    expect(await s.sleeve()).toMatchObject({ state: 'DEPLOYING', assets: [{ type: 'USD', amount: '75000000', location: 'deploying' }] })
    expect(await s.usdcBalance(s.offRamp)).toBe(U('75'))
    expect(await s.usdcBalance(s.world.almProxy)).toBe(0n)
    s.restartBeacon()
    expect(s.ledger.transfersFor('sleeve-7').map((t) => [t.transferId, t.amountUsdc])).toEqual([['sleeve-7:r1:offramp:1', U('75')]])
    expect(s.txs.all().filter((t) => t.key.startsWith('offramp:')).length).toBe(1)
    s.suspendBeacon()
  }, CRASH_TEST_TIMEOUT_MS)
})
