import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { useDevnet, type Devnet } from '../fixtures/devnet.js'
import { HA_TEST_TIMEOUT_MS as TEST_TIMEOUT_MS, HA_TEST_TIMING as HA, SCHEDULING_SLACK_MS, haInstances, killLeaderExpectTakeover, leaderAndStandby, resumeDeposedExpectNothing, until, waitForLeader, type HaReads } from '../support/haProcess.js'
import { M, createScenario, type Scenario } from './harness.js'
import { serveSynome, tcpProxy, writeBeaconConfig } from './process.js'

/**
 * lpha-nfat high availability: two `halo beacon nfat` processes with the same key and config,
 * one lease in the Synome (src/domain/lease.ts). The leader is frozen (SIGSTOP at an exact
 * step: its claim of NFAT #43 signed and journaled in the shared journal, not yet broadcast),
 * then killed, resumed or cut off from the Synome; in each case the standby takes over within
 * the bound and the sweep of three deposits ends with NFATs 42/43/44 once each, units once.
 * The harness is test/support/haProcess.ts (shared with the other beacons' takeover tests).
 */
const LEASE = 'lpha-nfat:facility-A'

let devnet: Devnet
beforeAll(async () => {
  devnet = await useDevnet()
})

function haScenario() {
  const ctx: { s: Scenario; url: string; closeSynome: () => Promise<void> } = {} as never
  const instances = haInstances('nfat')
  beforeAll(async () => {
    ctx.s = await createScenario(devnet)
    ctx.s.suspendBeacon()
    const served = await serveSynome(ctx.s)
    ctx.url = served.url
    ctx.closeSynome = served.close
  })
  afterAll(async () => {
    await ctx.closeSynome?.()
    await ctx.s?.close()
  })
  const config = (name: string, synomeUrl = ctx.url) => writeBeaconConfig(ctx.s, synomeUrl, { name, ha: { ...HA, holder: name }, intervalSeconds: 0.5 })
  const reads: HaReads = { leases: () => ctx.s.synome.leases.list(), journal: async (name) => (await ctx.s.synome.leases.journal(ctx.s.devnet.accounts.relayer.address, name)).lines }
  const units = async () => (await ctx.s.synome.list<{ unitId: number; principal: string; depositorPrime: string }>({ type: 'unit', haloClass: 'facility-A' })).items.map((u) => [u.data.unitId, u.data.principal, u.data.depositorPrime])
  const journalLines = async () => (await reads.journal(`${LEASE}/txs`)) as Array<{ seq: number; epoch: number; line: { kind: string; key: string; hash?: string } }>
  const claimIntents = async () => (await journalLines()).filter((l) => l.line.kind === 'intent' && l.line.key.startsWith('claim:')).map((l) => l.line.key.split(':').at(-1))
  /** Three deposits, a leader A frozen with claim #43 journaled but not broadcast, a standby B. */
  const leaderFrozenAtSecondClaim = async (aUrl = ctx.url, bUrl = ctx.url) => {
    const { world } = ctx.s
    await ctx.s.at(0, '09:00')
    const { a, b } = await leaderAndStandby({ instances, reads, lease: LEASE, configA: config('A', aUrl), configB: config('B', bUrl), pauseAt: 'tx-intent#2' })
    for (const [prime, amount] of [['spark', M('30')], ['grove', M('25')], ['keel', M('20')]] as const) await world.deposit(world.people[prime], amount)
    await ctx.s.at(0, '10:00')
    await a.waitFor('tx-intent#2: SIGSTOP')
    expect(await world.view('nextTokenId')).toBe(43n)
    expect(await claimIntents()).toEqual(['42', '43'])
    return { a, b }
  }
  const sweptOnce = async () => {
    await until('three units', units, (u) => u.length === 3)
    expect(await ctx.s.world.view('nextTokenId')).toBe(45n)
    expect((await units()).sort()).toEqual([
      [42, '30000000', 'spark'],
      [43, '25000000', 'grove'],
      [44, '20000000', 'keel'],
    ])
    const { world } = ctx.s
    expect([await world.ownerOf(42n), await world.ownerOf(43n), await world.ownerOf(44n)]).toEqual([world.people.spark.address, world.people.grove.address, world.people.keel.address])
    // one intent per NFAT across both instances: #43 was resolved from A's journaled bytes, not claimed again
    expect(await claimIntents()).toEqual(['42', '43', '44'])
    const journaled = (await journalLines()).filter((l) => l.line.kind === 'intent' && l.line.key.startsWith('claim:')).map((l) => l.line.hash)
    expect((await ctx.s.chain.claimed()).map((e) => e.ref.txHash)).toEqual(journaled)
  }
  return { ctx, reads, units, leaderFrozenAtSecondClaim, sweptOnce, journalLines }
}

describe('HA lpha-nfat: the acting instance is SIGKILLed mid-sweep', () => {
  const h = haScenario()
  it('the standby takes over within TTL + one retry interval, and the sweep completes once (NFATs 42/43/44, units once)', async () => {
    const { a } = await h.leaderFrozenAtSecondClaim()
    await killLeaderExpectTakeover({ reads: h.reads, lease: LEASE, leader: a })
    await h.sweptOnce()
  }, TEST_TIMEOUT_MS)
})

describe('HA lpha-nfat: a paused leader resumes after the standby took over', () => {
  const h = haScenario()
  it('the deposed instance, resumed (SIGCONT), acts on nothing: no transaction, no Synome write, no journal line', async () => {
    const { a } = await h.leaderFrozenAtSecondClaim()
    await waitForLeader(h.reads, LEASE, 'B')
    await h.sweptOnce()
    // it decided and sent nothing (B goes on offboarding meanwhile): no action logged, no broadcast of its frozen claim
    await resumeDeposedExpectNothing({ reads: h.reads, lease: LEASE, deposed: a, actionPrefix: '"msg":"lpha-nfat ', journals: [`${LEASE}/txs`] })
    expect(a.output()).toContain('LEASE_LOST')
    await h.sweptOnce()
  }, TEST_TIMEOUT_MS)
})

describe('HA lpha-nfat: the leader is partitioned from the Synome while it holds a signed claim', () => {
  const h = haScenario()
  it('it stands down within the renew deadline on its own; the standby resolves its journaled, signed claim once — no double action', async () => {
    const proxyA = await tcpProxy(await Promise.resolve().then(() => h.ctx.url))
    const { a } = await h.leaderFrozenAtSecondClaim(proxyA.url)
    await proxyA.cut()
    const cutAt = Date.now()
    a.kill('SIGCONT')
    await a.waitFor('lease lost: standing down')
    // it stood down on its own before the TTL lapsed on the Synome (renew deadline < TTL)
    expect(Date.now() - cutAt).toBeLessThan(HA.ttlSeconds * 1000 + SCHEDULING_SLACK_MS)
    await waitForLeader(h.reads, LEASE, 'B')
    // A's claim of #43 landed (the same signed bytes B found journaled) and B recorded it, not a second claim
    await h.sweptOnce()
  }, TEST_TIMEOUT_MS)
})
