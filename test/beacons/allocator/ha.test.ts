/**
 * The allocator's high availability: two `halo beacon allocator --prime spark` processes with
 * the same key and config, one lease `allocator:spark` in the Synome. The leader freezes with its
 * deposit into the facility's queue signed and journaled (not broadcast), then is SIGKILLed or
 * resumed after the standby took over. Either way the queue holds exactly the 1,000 target, in
 * one transaction — the journaled bytes — and the decision record says the target is met.
 * Harness: test/support/haProcess.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { toHex } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { nfatFacilityAbi } from '../../../src/chain/generated/index.js'
import { parseUnitsExact, USDS_DECIMALS } from '../../../src/domain/money.js'
import { ALLOCATOR_DECISION, type AllocatorDecisionRecord } from '../../../src/synome/commands/allocator/records.js'
import { useDevnet, type Devnet } from '../../fixtures/devnet.js'
import { serveSynomeHttp } from '../../support/beaconProcess.js'
import { HA_TEST_TIMEOUT_MS, haInstances, killLeaderExpectTakeover, leaderAndStandby, writeInstanceConfig, resumeDeposedExpectNothing, until, waitForLeader, type HaReads } from '../../support/haProcess.js'
import { ARTIFACT, IRL, onboardPrimeDeposit, POLICY, setupWorld, type World } from './support.js'

const LEASE = 'allocator:spark'
const usds = (v: string) => parseUnitsExact(v, USDS_DECIMALS)

let devnet: Devnet
beforeAll(async () => {
  devnet = await useDevnet()
})

type Line = { epoch: number; line: { kind: string; key?: string; hash?: string } }

function allocatorHaScenario() {
  const ctx: { w: World; url: string; dir: string; close: () => Promise<void> } = {} as never
  const instances = haInstances('allocator', ['--prime', 'spark'])
  const spark = () => ctx.w.primes.find((p) => p.prime === 'spark')!
  beforeAll(async () => {
    ctx.w = await setupWorld(devnet)
    const served = await serveSynomeHttp(ctx.w.synome)
    ctx.url = served.url
    ctx.close = served.close
    ctx.dir = mkdtempSync(join(tmpdir(), 'allocator-ha-'))
    const facility = ctx.w.deployment.facility
    await ctx.w.council.send('registerHaloClass', { haloClass: 'facility-A', facility, metadata: { artifact: ARTIFACT, inventory: { codeHash: await ctx.w.codeHash(facility) } } })
    await onboardPrimeDeposit(devnet, { base: ctx.w.deployment, accounts: devnet.accounts, primes: [spark()], key: (p) => ctx.w.key(p, facility), init: IRL })
    await devnet.increaseTime(3600n)
  }, 180_000)
  afterAll(async () => {
    await ctx.close?.()
    await ctx.w?.close()
    if (ctx.w) rmSync(ctx.w.stateDir, { recursive: true, force: true })
    if (ctx.dir) rmSync(ctx.dir, { recursive: true, force: true })
  })
  const config = (name: 'A' | 'B') =>
    writeInstanceConfig(ctx.dir, name, (stateDir) => {
      const w = ctx.w
      return {
        prime: 'spark', rpcUrl: devnet.rpcUrl, privateKey: toHex(spark().allocator.getHdKey().privateKey!), synome: { url: ctx.url },
        chain: { configurator: w.deployment.configuratorUnit.configurator, almProxy: spark().almProxy, controller: spark().controller, rateLimits: spark().rateLimits, usds: w.deployment.usds, finalityDepth: 0 },
        policy: { ...POLICY, perUnitCap: '1000' }, stateDir, intervalSeconds: 0.5,
      }
    })
  const reads: HaReads = { leases: () => ctx.w.synome.leases.list(), journal: async (name) => (await ctx.w.synome.leases.journal(spark().allocator.address, name)).lines }
  const intents = async () => ((await reads.journal(`${LEASE}/txs`)) as Line[]).filter((l) => l.line.kind === 'intent')
  const queued = () => devnet.publicClient.readContract({ address: ctx.w.deployment.facility, abi: nfatFacilityAbi, functionName: 'queuedBalanceOf', args: [spark().almProxy] })
  const allocatorTxs = () => devnet.publicClient.getTransactionCount({ address: spark().allocator.address, blockTag: 'latest' })
  /** A leads; once sleeve-7 opens A decides to deposit 1,000 and freezes with it journaled; B is a running standby. */
  const leaderFrozenAtDeposit = async () => {
    const before = await allocatorTxs()
    const pair = await leaderAndStandby({ instances, reads, lease: LEASE, configA: config('A'), configB: config('B'), pauseAt: 'tx-intent#1' })
    await ctx.w.nfat.send('createSleeve', { sleeveId: 'sleeve-7', haloClass: 'facility-A' })
    await pair.a.waitFor('tx-intent#1: SIGSTOP')
    expect(await queued()).toBe(0n)
    expect(await intents()).toHaveLength(1)
    return { ...pair, before }
  }
  /** The queue holds exactly the target, one transaction (the journaled one), and the record says the target is met. */
  const depositedOnce = async (before: number) => {
    await until('the deposit', queued, (q) => q > 0n, 60_000)
    const record = await until('the decision record says met', async () => (await ctx.w.synome.get<AllocatorDecisionRecord>(ALLOCATOR_DECISION, 'spark')).data.units[0], (u) => u?.current === '1000', 60_000)
    expect(record).toMatchObject({ unitId: 'facility-A', eligible: true, current: '1000', target: '1000', order: { kind: 'none' } })
    expect(await queued()).toBe(usds('1000'))
    expect((await allocatorTxs()) - before).toBe(1)
    const journaled = await intents()
    expect(journaled).toHaveLength(1)
    const receipt = await devnet.publicClient.getTransactionReceipt({ hash: journaled[0]!.line.hash as `0x${string}` })
    expect(receipt.status).toBe('success')
  }
  return { reads, leaderFrozenAtDeposit, depositedOnce }
}

describe('HA allocator: the acting instance is SIGKILLed mid-cycle', () => {
  const h = allocatorHaScenario()
  it('the standby takes over within the bound and resolves the journaled deposit: 1,000 queued in one transaction', async () => {
    const { a, before } = await h.leaderFrozenAtDeposit()
    await killLeaderExpectTakeover({ reads: h.reads, lease: LEASE, leader: a })
    await h.depositedOnce(before)
  }, HA_TEST_TIMEOUT_MS)
})

describe('HA allocator: a paused leader resumes after the standby took over', () => {
  const h = allocatorHaScenario()
  it('the deposed instance, resumed (SIGCONT), acts on nothing: no transaction, no record, no journal line', async () => {
    const { a, before } = await h.leaderFrozenAtDeposit()
    await waitForLeader(h.reads, LEASE, 'B')
    await h.depositedOnce(before)
    await resumeDeposedExpectNothing({ reads: h.reads, lease: LEASE, deposed: a, journals: [`${LEASE}/txs`] })
    await h.depositedOnce(before)
  }, HA_TEST_TIMEOUT_MS)
})
