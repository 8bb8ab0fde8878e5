/**
 * `halo beacon allocator` as a real OS process against anvil and a Synome served over HTTP:
 * SIGKILLed after journaling its deposit (before broadcasting it) and, separately, right after
 * broadcasting it, a restarted process converges — the Prime's queue holds exactly its target,
 * one transaction per deposit, none sent twice.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { toHex, type Address } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { nfatFacilityAbi } from '../../../src/chain/generated/index.js'
import { parseUnitsExact, USDS_DECIMALS } from '../../../src/domain/money.js'
import { ALLOCATOR_DECISION, type AllocatorDecisionRecord } from '../../../src/synome/commands/allocator/records.js'
import { useDevnet, type Devnet } from '../../fixtures/devnet.js'
import { expectKilledAt, runHaloProcess, serveSynomeHttp } from '../../support/beaconProcess.js'
import { ARTIFACT, IRL, onboardPrimeDeposit, POLICY, setupWorld, type World } from './support.js'

let devnet: Devnet
let w: World
let server: Awaited<ReturnType<typeof serveSynomeHttp>>
let dir: string
let configFile: string
let facility: Address
const usds = (v: string) => parseUnitsExact(v, USDS_DECIMALS)

function writeConfig(perUnitCap: string) {
  const spark = w.primes.find((p) => p.prime === 'spark')!
  writeFileSync(configFile, JSON.stringify({
    prime: 'spark', rpcUrl: devnet.rpcUrl, privateKey: toHex(spark.allocator.getHdKey().privateKey!), synome: { url: server.url },
    chain: { configurator: w.deployment.configuratorUnit.configurator, almProxy: spark.almProxy, controller: spark.controller, rateLimits: spark.rateLimits, usds: w.deployment.usds, finalityDepth: 0 },
    policy: { ...POLICY, perUnitCap }, stateDir: dir,
  }))
}


const runProcess = (crashAt = '') => runHaloProcess(['beacon', 'allocator', '--prime', 'spark', '--config', configFile, '--once'], { crashAt })

const spark = () => w.primes.find((p) => p.prime === 'spark')!
const queued = () => devnet.publicClient.readContract({ address: facility, abi: nfatFacilityAbi, functionName: 'queuedBalanceOf', args: [spark().almProxy] })
const allocatorTxs = () => devnet.publicClient.getTransactionCount({ address: spark().allocator.address, blockTag: 'latest' })

beforeAll(async () => {
  devnet = await useDevnet()
  w = await setupWorld(devnet)
  facility = w.deployment.facility
  server = await serveSynomeHttp(w.synome)
  dir = mkdtempSync(join(tmpdir(), 'allocator-process-'))
  configFile = join(dir, 'allocator.json')
  await w.council.send('registerHaloClass', { haloClass: 'facility-A', facility, metadata: { artifact: ARTIFACT, inventory: { codeHash: await w.codeHash(facility) } } })
  await onboardPrimeDeposit(devnet, { base: w.deployment, accounts: devnet.accounts, primes: [spark()], key: (p) => w.key(p, facility), init: IRL })
  await w.nfat.send('createSleeve', { sleeveId: 'sleeve-7', haloClass: 'facility-A' })
  await devnet.increaseTime(3600n)
}, 180_000)
afterAll(async () => {
  await server?.close()
  await w?.close()
  if (w) rmSync(w.stateDir, { recursive: true, force: true })
  if (dir) rmSync(dir, { recursive: true, force: true })
})

describe('halo beacon allocator (a real process)', () => {
  it('SIGKILLed after journaling its first deposit and before broadcasting it, a restart sends that same transaction once and nothing more', async () => {
    writeConfig('1000')
    const before = await allocatorTxs()
    const killed = await runProcess('tx-intent#1')
    expectKilledAt(killed, 'tx-intent#1')
    expect(await queued()).toBe(0n)
    expect(await allocatorTxs()).toBe(before)
    const run = await runProcess()
    expect({ code: run.code, signal: run.signal, stderr: run.stderr }).toEqual({ code: 0, signal: null, stderr: '' })
    expect(await queued()).toBe(usds('1000'))
    expect((await allocatorTxs()) - before).toBe(1)
    // converged: one more run changes nothing, and the record says the target is met
    expect((await runProcess()).code).toBe(0)
    expect((await allocatorTxs()) - before).toBe(1)
    const record = (await w.synome.get<AllocatorDecisionRecord>(ALLOCATOR_DECISION, 'spark')).data
    expect(record.units[0]).toMatchObject({ unitId: 'facility-A', eligible: true, current: '1000', target: '1000', order: { kind: 'none' }, executed: null })
  }, 180_000)

  it('SIGKILLed right after broadcasting the next deposit (the target raised to 2,500), a restart finds it mined and sends no second one', async () => {
    writeConfig('2500')
    const before = await allocatorTxs()
    const killed = await runProcess('tx-broadcast#1')
    expect(killed.signal).toBe('SIGKILL')
    const run = await runProcess()
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' })
    expect(await queued()).toBe(usds('2500'))
    expect((await allocatorTxs()) - before).toBe(1)
    expect((await runProcess()).code).toBe(0)
    expect((await allocatorTxs()) - before).toBe(1)
  }, 180_000)
})
