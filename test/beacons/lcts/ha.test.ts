/**
 * lpha-lcts high availability: two `halo beacon lcts` processes for the srUSDS pair with the
 * same key and config, one lease `lpha-lcts:srUSDS` in the Synome. The leader is frozen at an
 * exact step of the 13:00 lock, then SIGKILLed, resumed, or (PostgreSQL) cut off from the
 * database; in each case the standby takes over within the bound and the epoch is locked once,
 * decided once (the standby settles with the leader's journaled decision), settled once and
 * recorded once. Harness: test/support/haProcess.ts.
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { getAbiItem, keccak256, toHex, type Account, type Address } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { settlementRecords } from '../../../src/beacons/lcts/reconcile.js'
import { lctsQueueAbi } from '../../../src/chain/generated/index.js'
import { LCTS_COMMANDS } from '../../../src/synome/commands/lcts/index.js'
import { createSynome } from '../../../src/synome/create.js'
import type { SynomeService } from '../../../src/synome/service.js'
import { approve, deploySrUsds, extraAccounts, fundSusds, t, type SrUsds } from '../../contracts/lcts/pair.js'
import { useDevnet, type Devnet } from '../../fixtures/devnet.js'
import { createTestDatabase, storeBackends } from '../../fixtures/store.js'
import { serveSynomeHttp } from '../../support/beaconProcess.js'
import { HA_TEST_TIMEOUT_MS, HA_TEST_TIMING as HA, SCHEDULING_SLACK_MS, haInstances, leaseOf, killLeaderExpectTakeover, leaderAndStandby, writeInstanceConfig, resumeDeposedExpectNothing, until, waitForLeader, type HaReads } from '../../support/haProcess.js'

const PAIR = 'srUSDS'
const LEASE = `lpha-lcts:${PAIR}`
const HOUR = 3600_000
const beaconKey = keccak256(toHex('lpha-lcts-0')) // the key deploySrUsds made the pBEAM
const beacon = privateKeyToAccount(beaconKey)

let devnet: Devnet
beforeAll(async () => {
  devnet = await useDevnet()
})

type Line = { seq: number; epoch: number; line: { kind: string; key?: string; hash?: string; epoch?: string; decidedAt?: string } }

/**
 * A fresh srUSDS pair with one subscription queued, a Synome (PGlite, or two services on one
 * PostgreSQL database — A's and B's — when `databaseUrl` is given) served over HTTP, and config
 * files for instances A and B.
 */
function lctsHaScenario(options: { databaseUrls?: () => { a: string; b: string } } = {}) {
  const ctx: { s: SrUsds; user: Account; dir: string; synome: SynomeService; services: SynomeService[]; urls: string[]; closers: Array<() => Promise<void>>; chainNow: Date; day: number; epoch: string } = { closers: [], services: [], urls: [] } as never
  const instances = haInstances('lcts')
  const setTime = async (ms: number) => {
    ctx.chainNow = new Date(ms)
    await devnet.testClient.setNextBlockTimestamp({ timestamp: BigInt(Math.floor(ms / 1000)) })
    await devnet.testClient.mine({ blocks: 1 })
  }
  beforeAll(async () => {
    // the devnet is shared and its time only moves forward: the first Monday after its latest block
    const latest = Number((await devnet.publicClient.getBlock({ blockTag: 'latest' })).timestamp) * 1000
    const midnight = Math.floor(latest / (24 * HOUR)) * 24 * HOUR + 24 * HOUR
    ctx.day = midnight + ((8 - new Date(midnight).getUTCDay()) % 7) * 24 * HOUR
    ctx.epoch = new Date(ctx.day).toISOString().slice(0, 10)
    ctx.s = await deploySrUsds(devnet, { subscribeDustThreshold: 10n ** 6n })
    ctx.user = (await extraAccounts(devnet, 1, 'lcts-ha'))[0]!
    await fundSusds(devnet, ctx.s, [ctx.user!.address], t('1000'))
    await fundSusds(devnet, ctx.s, [ctx.s.holdingSystem], t('100000'))
    await approve(devnet, ctx.user!, ctx.s.susds, ctx.s.subscribeQueue)
    ctx.dir = mkdtempSync(join(tmpdir(), 'lpha-lcts-ha-'))
    await setTime(ctx.day + 8 * HOUR)
    await devnet.write(ctx.user!, { address: ctx.s.subscribeQueue, abi: lctsQueueAbi, functionName: 'deposit', args: [t('400')] } as never)
    const common = { clock: () => ctx.chainNow, commands: [...LCTS_COMMANDS], roles: [{ address: beacon.address.toLowerCase(), role: 'lcts' as const, haloClasses: ['*'] }] }
    // PostgreSQL: A's Synome and B's are two services (two pools) on one database, A's under its own role
    const urls = options.databaseUrls?.()
    const stores = urls ? [{ databaseUrl: urls.a }, { databaseUrl: urls.b }] : [{ dataDir: null }]
    for (const store of stores) {
      const service = await createSynome({ ...common, ...store })
      ctx.services.push(service)
      const served = await serveSynomeHttp(service)
      ctx.urls.push(served.url)
      ctx.closers.push(served.close, () => service.close())
    }
    ctx.synome = ctx.services.at(-1)!
  }, 120_000)
  afterAll(async () => {
    for (const close of ctx.closers.reverse()) await close().catch(() => {})
    if (ctx.dir) rmSync(ctx.dir, { recursive: true, force: true })
  })
  const config = (name: 'A' | 'B') =>
    writeInstanceConfig(ctx.dir, name, (stateDir) => {
      const { s } = ctx
      return {
        pairId: PAIR,
        rpcUrl: devnet.rpcUrl,
        privateKey: beaconKey,
        synome: { url: ctx.urls[name === 'A' ? 0 : ctx.urls.length - 1] },
        chain: { subscribeQueue: s.subscribeQueue, redeemQueue: s.redeemQueue, holdingSystem: s.holdingSystem, token: s.token, finalityDepth: 0 },
        schedule: { lockAt: '13:00', settleAt: '16:00' },
        stateDir,
        clock: { chainOffsetSeconds: 0 },
        intervalSeconds: 0.5,
      }
    })
  const reads: HaReads = { leases: () => ctx.synome.leases.list(), journal: async (name) => (await ctx.synome.leases.journal(beacon.address, name)).lines }
  const txLines = async () => (await reads.journal(`${LEASE}/txs`)) as Line[]
  const decisionLines = async () => (await reads.journal(`${LEASE}/decisions`)) as Line[]
  const events = async (queue: Address, name: 'Locked' | 'Settled'): Promise<Array<{ transactionHash: string }>> => devnet.publicClient.getLogs({ address: queue, event: getAbiItem({ abi: lctsQueueAbi, name }) as never, fromBlock: 0n, toBlock: 'latest' })

  /** A leads and, at 13:00, freezes at `pauseAt`; B is a running standby. */
  const leaderFrozenAtLock = async (pauseAt: string) => {
    const pair = await leaderAndStandby({ instances, reads, lease: LEASE, configA: config('A'), configB: config('B'), pauseAt })
    await setTime(ctx.day + 13 * HOUR + 5_000)
    await pair.a.waitFor(`${pauseAt}: SIGSTOP`)
    return pair
  }
  /** 16:00: the epoch ends locked once, decided once, settled once, recorded once. */
  const settledOnce = async (decidedBy: { decidedAt: string } | undefined) => {
    await setTime(ctx.day + 16 * HOUR + 5_000)
    await stillSettledOnce(decidedBy)
  }
  /** The same checks without moving the clock (the chain has mined past 16:00:05 by then). */
  const stillSettledOnce = async (decidedBy: { decidedAt: string } | undefined) => {
    const records = await until('the settlement record', () => settlementRecords(ctx.synome, PAIR), (r) => r.length > 0, 60_000)
    expect(records.map((r) => r.epoch)).toEqual([ctx.epoch])
    const decisions = await decisionLines()
    expect(decisions.map((d) => d.line.epoch)).toEqual([ctx.epoch])
    if (decidedBy) expect(new Date(records[0]!.decidedAt).toISOString()).toBe(new Date(decidedBy.decidedAt).toISOString())
    const locked = await events(ctx.s.subscribeQueue, 'Locked')
    const settled = await events(ctx.s.subscribeQueue, 'Settled')
    expect([locked.length, settled.length]).toEqual([1, 1])
    // one intent per key across both instances, and what the chain holds is the journaled bytes
    const intents = (await txLines()).filter((l) => l.line.kind === 'intent')
    const keys = intents.map((l) => l.line.key!)
    expect(new Set(keys).size).toBe(keys.length)
    const hashOf = (prefix: string) => intents.find((l) => l.line.key!.startsWith(prefix))?.line.hash
    expect(locked[0]!.transactionHash).toBe(hashOf(`lock:${PAIR}:${ctx.epoch}:subscribe`))
    expect(settled[0]!.transactionHash).toBe(hashOf(`settle:${PAIR}:${ctx.epoch}:subscribe`))
    expect(records[0]!.subscribe?.txHash).toBe(settled[0]!.transactionHash)
  }
  return { ctx, reads, leaderFrozenAtLock, settledOnce, stillSettledOnce, decisionLines, txLines, events }
}

describe('HA lpha-lcts: the acting instance is SIGKILLed mid-cycle', () => {
  const h = lctsHaScenario()
  it('frozen with the lock final and its decision journaled, then killed: the standby leads within the bound and settles with that decision, once', async () => {
    const { a } = await h.leaderFrozenAtLock('ledger-write#1')
    const [decision] = await h.decisionLines()
    expect(decision).toMatchObject({ epoch: 1, line: { epoch: h.ctx.epoch } })
    await killLeaderExpectTakeover({ reads: h.reads, lease: LEASE, leader: a })
    await h.settledOnce(decision!.line as { decidedAt: string })
  }, HA_TEST_TIMEOUT_MS)
})

describe('HA lpha-lcts: a paused leader resumes after the standby took over', () => {
  const h = lctsHaScenario()
  it('the deposed instance, resumed (SIGCONT), acts on nothing: no transaction, no decision, no Synome write', async () => {
    const { a } = await h.leaderFrozenAtLock('ledger-write#1')
    const [decision] = await h.decisionLines()
    await waitForLeader(h.reads, LEASE, 'B')
    await h.settledOnce(decision!.line as { decidedAt: string })
    await resumeDeposedExpectNothing({ reads: h.reads, lease: LEASE, deposed: a, journals: [`${LEASE}/txs`, `${LEASE}/decisions`] })
    await h.stillSettledOnce(decision!.line as { decidedAt: string })
  }, HA_TEST_TIMEOUT_MS)
})

const postgres = storeBackends().find((b) => b.name === 'postgres')
describe.skipIf(!postgres)('HA lpha-lcts on PostgreSQL: the leader is cut off from the database (pg_terminate_backend) while it holds a signed lock', () => {
  // A's Synome connects as its own role, so the partition can stop its connections and keep them stopped
  const role = `halo_ha_a_${randomBytes(4).toString('hex')}`
  let db: { url: string; drop: () => Promise<void> } | undefined
  let admin: pg.Client | undefined
  beforeAll(async () => {
    db = await createTestDatabase(postgres!.databaseUrl!)
    // on the server's own database: dropping the test database (WITH FORCE) must not cut this client
    admin = new pg.Client({ connectionString: postgres!.databaseUrl! })
    admin.on('error', () => {})
    await admin.connect()
    await admin.query(`CREATE ROLE ${role} LOGIN SUPERUSER`)
  })
  afterAll(async () => {
    await db?.drop()
    await admin?.query(`DROP ROLE IF EXISTS ${role}`).catch(() => {})
    await admin?.end()
  }, 60_000)
  const h = lctsHaScenario({
    databaseUrls: () => {
      const a = new URL(db!.url)
      a.username = role
      return { a: a.toString(), b: db!.url }
    },
  })
  it('no double action: A stands down on its own, B resolves the journaled lock exactly once and finishes the epoch', async () => {
    // A signed the lock and journaled it (through its Synome's connections), then froze before broadcasting
    const { a } = await h.leaderFrozenAtLock('tx-intent#1')
    expect((await h.txLines()).filter((l) => l.line.kind === 'intent').map((l) => l.line.key)).toEqual([`lock:${PAIR}:${h.ctx.epoch}:subscribe`])
    // the partition: A's role may no longer log in, and every backend it has is terminated
    await admin!.query(`ALTER ROLE ${role} NOLOGIN`)
    const { rows } = await admin!.query('SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity WHERE usename = $1', [role])
    expect(rows.length).toBeGreaterThan(0)
    const cutAt = Date.now()
    a.kill('SIGCONT')
    await a.waitFor('lease lost: standing down')
    // it stood down on its own before the TTL could lapse on the Synome (renew deadline < TTL)
    expect(Date.now() - cutAt).toBeLessThan(HA.ttlSeconds * 1000 + SCHEDULING_SLACK_MS)
    await waitForLeader(h.reads, LEASE, 'B')
    // B found A's journaled lock and resolved it (A's bytes, not a second lock), then decided and settled, once
    await h.settledOnce(undefined)
    expect(await leaseOf(h.reads, LEASE)).toMatchObject({ holder: 'B', epoch: 2, takeovers: 1 })
  }, HA_TEST_TIMEOUT_MS)
})
