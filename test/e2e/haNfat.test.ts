import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { takeoverBoundMs } from '../../src/domain/lease.js'
import { useDevnet, type Devnet } from '../fixtures/devnet.js'
import { M, createScenario, type Scenario } from './harness.js'
import { serveSynome, startBeaconProcess, tcpProxy, writeBeaconConfig, type BeaconProcess } from './process.js'

/**
 * lpha-nfat high availability: two `halo beacon nfat` processes with the same key and config,
 * one lease in the Synome (src/domain/lease.ts). The leader is frozen (SIGSTOP at an exact
 * step: its claim of NFAT #43 signed and journaled in the shared journal, not yet broadcast),
 * then killed, resumed or cut off from the Synome; in each case the standby takes over within
 * the bound and the sweep of three deposits ends with NFATs 42/43/44 once each, units once.
 */
const HA = { ttlSeconds: 3, renewDeadlineSeconds: 2, renewIntervalSeconds: 0.5 }
const BOUND_MS = takeoverBoundMs({ ttlMs: HA.ttlSeconds * 1000, retryIntervalMs: HA.renewIntervalSeconds * 1000 })
/** What a loaded shared 2-core box adds to a timer and an HTTP round trip (not part of the bound's logic). */
const SCHEDULING_SLACK_MS = 2_000
const TEST_TIMEOUT_MS = 240_000

let devnet: Devnet
beforeAll(async () => {
  devnet = await useDevnet()
})

async function until<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await read()
    if (done(value)) return value
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

function haScenario() {
  const ctx: { s: Scenario; url: string; closeSynome: () => Promise<void>; procs: BeaconProcess[] } = { procs: [] } as never
  beforeAll(async () => {
    ctx.s = await createScenario(devnet)
    ctx.s.suspendBeacon()
    const served = await serveSynome(ctx.s)
    ctx.url = served.url
    ctx.closeSynome = served.close
  })
  afterAll(async () => {
    for (const p of ctx.procs) p.kill('SIGKILL')
    await Promise.all(ctx.procs.map((p) => p.exited))
    await ctx.closeSynome?.()
    await ctx.s?.close()
  })
  const start = (name: string, synomeUrl = ctx.url, env: Record<string, string> = {}) => {
    const proc = startBeaconProcess(writeBeaconConfig(ctx.s, synomeUrl, { name, ha: { ...HA, holder: name }, intervalSeconds: 0.5 }), env)
    ctx.procs.push(proc)
    return proc
  }
  const lease = async () => (await ctx.s.synome.leases.list())[0]
  const units = async () => (await ctx.s.synome.list<{ unitId: number; principal: string; depositorPrime: string }>({ type: 'unit', haloClass: 'facility-A' })).items.map((u) => [u.data.unitId, u.data.principal, u.data.depositorPrime])
  const journalLines = async () => (await ctx.s.synome.leases.journal(ctx.s.devnet.accounts.relayer.address, 'lpha-nfat:facility-A/txs')).lines as Array<{ seq: number; epoch: number; line: { kind: string; key: string; hash?: string } }>
  const claimIntents = async () => (await journalLines()).filter((l) => l.line.kind === 'intent' && l.line.key.startsWith('claim:')).map((l) => l.line.key.split(':').at(-1))
  /** Three deposits, a leader A frozen with claim #43 journaled but not broadcast, a standby B. */
  const leaderFrozenAtSecondClaim = async (aUrl = ctx.url, bUrl = ctx.url) => {
    const { world } = ctx.s
    await ctx.s.at(0, '09:00')
    const a = start('A', aUrl, { HALO_PAUSE_AT: 'tx-intent#2' })
    await until('A leads', lease, (l) => l?.holder === 'A' && l.live)
    const b = start('B', bUrl)
    // the bound is for a standby that is running: B has started and seen A's lease
    await b.waitFor('lease held by another instance: standby')
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
  return { ctx, lease, units, leaderFrozenAtSecondClaim, sweptOnce, journalLines }
}

describe('HA lpha-nfat: the acting instance is SIGKILLed mid-sweep', () => {
  const h = haScenario()
  it('the standby takes over within TTL + one retry interval, and the sweep completes once (NFATs 42/43/44, units once)', async () => {
    const { a } = await h.leaderFrozenAtSecondClaim()
    a.kill('SIGKILL')
    const killedAt = Date.now()
    const taken = await h.ctx.s.synome.leases.list().then(() => until('B leads', h.lease, (l) => l?.holder === 'B' && l.live))
    const tookMs = Date.now() - killedAt
    expect(taken).toMatchObject({ holder: 'B', epoch: 2, takeovers: 1 })
    expect(tookMs).toBeLessThanOrEqual(BOUND_MS + SCHEDULING_SLACK_MS)
    await h.sweptOnce()
  }, TEST_TIMEOUT_MS)
})

describe('HA lpha-nfat: a paused leader resumes after the standby took over', () => {
  const h = haScenario()
  it('the deposed instance, resumed (SIGCONT), acts on nothing: no transaction, no Synome write, no journal line', async () => {
    const { a } = await h.leaderFrozenAtSecondClaim()
    await until('B leads', h.lease, (l) => l?.holder === 'B' && l.live)
    await h.sweptOnce()
    const resumedAt = a.output().length
    const linesBefore = (await h.journalLines()).length
    a.kill('SIGCONT')
    await a.waitFor('lease lost: standing down')
    // a few of its tick intervals and renew attempts later (B goes on offboarding meanwhile)
    await new Promise((r) => setTimeout(r, 3_000))
    const after = a.output().slice(resumedAt)
    // it decided and sent nothing: no action logged, no broadcast of its frozen claim
    expect(after.split('\n').filter((l) => l.includes('"msg":"lpha-nfat '))).toEqual([])
    expect(after).toContain('"reason":"deadline"')
    expect(after).toContain('LEASE_LOST')
    // every journal line since is B's epoch; the lease stayed B's
    expect((await h.journalLines()).slice(linesBefore).filter((l) => l.epoch !== 2)).toEqual([])
    expect(await h.lease()).toMatchObject({ holder: 'B', epoch: 2 })
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
    await until('B leads', h.lease, (l) => l?.holder === 'B' && l.live)
    // A's claim of #43 landed (the same signed bytes B found journaled) and B recorded it, not a second claim
    await h.sweptOnce()
  }, TEST_TIMEOUT_MS)
})
