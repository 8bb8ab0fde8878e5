/**
 * Portfolio lpha-lcts high availability (issue 19): two `halo beacon lcts` processes
 * (`"kind": "portfolioClass"`, the devnet manager) with the same key and config, one lease
 * `lpha-lcts:clo:clo`. A leads day 0 (lock, settle, deploy 10 000 USDS to the manager and
 * subscribe them in the simulated manager's book — journaled in the Synome's shared
 * `<lease>/manager-simulator`), then on day 1 freezes after journaling the decision (the day's
 * NAV applied and recorded, the unit locked, nothing settled) and is SIGKILLed. The standby B
 * leads within the bound, settles day 1 with A's decision, and on day 2 its manager — rebuilt
 * from the shared journal, with A's subscription — reports the NAV the pure model has: one lock
 * and one settle per epoch, one NAV record per report, the manager paid once; Synome = chain =
 * the pure model. Harness: test/support/haProcess.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { getAbiItem } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { portfolioHaloClassAbi } from '../../../src/chain/generated/index.js'
import { readChainBook } from '../../../src/chain/portfolio.js'
import { formatUnitsExact } from '../../../src/domain/money.js'
import { bookOf, PORTFOLIO_BOOK, PORTFOLIO_NAV_REPORT, PORTFOLIO_SETTLEMENT, type PortfolioBookRecord } from '../../../src/synome/commands/portfolio/index.js'
import type { SynomeService } from '../../../src/synome/service.js'
import { useDevnet, type Devnet } from '../../fixtures/devnet.js'
import { type actions, balanceOf, replayBookFromSynome, usd, type PortfolioWorld } from '../../portfolio/world.js'
import type { serveSynomeHttp } from '../../support/beaconProcess.js'
import { DAY, deployPortfolioProcessWorld, epochOf, HOUR, portfolioBeaconConfig, START } from './portfolioProcessWorld.js'
import { HA_TEST_TIMEOUT_MS, haInstances, killLeaderExpectTakeover, leaderAndStandby, writeInstanceConfig, until, type HaReads } from '../../support/haProcess.js'

const LEASE = 'lpha-lcts:clo:clo'
/** The simulator's daily yield at 8 % a year, floored to the base unit. */
const accrue = (assets: bigint) => assets + (assets * 800n) / (10_000n * 365n)

let devnet: Devnet
let w: PortfolioWorld
let a: ReturnType<typeof actions>
let synome: SynomeService
let server: Awaited<ReturnType<typeof serveSynomeHttp>>
let dir: string
let openedAtMs: number
let chainNow = new Date(START)

async function setTime(ms: number) {
  chainNow = new Date(ms)
  await devnet.testClient.setNextBlockTimestamp({ timestamp: BigInt(Math.floor(ms / 1000)) })
  await devnet.testClient.mine({ blocks: 1 })
}

const instances = haInstances('lcts')
const reads: HaReads = { leases: () => synome.leases.list(), journal: async (name) => (await synome.leases.journal(w.settler.address, name)).lines }
type Line = { seq: number; epoch: number; line: { kind?: string; op?: string; key?: string; hash?: string; value?: { epoch?: string; decidedAt?: string } } }
const lines = async (name: string) => (await reads.journal(`${LEASE}/${name}`)) as Line[]
const events = (name: 'UnitSettled' | 'UnitLocked' | 'NavReported') =>
  devnet.publicClient.getLogs({ address: w.haloClass, event: getAbiItem({ abi: portfolioHaloClassAbi, name }) as never, fromBlock: 0n, toBlock: 'latest' })
const settlement = async (day: number) => {
  try {
    return (await synome.get<{ subscribed: string; decision: { decidedAt: string } }>(PORTFOLIO_SETTLEMENT, `clo:clo-senior:${epochOf(day)}`)).data
  } catch {
    return undefined
  }
}

beforeAll(async () => {
  devnet = await useDevnet()
  await setTime(START - DAY - HOUR)
  ;({ w, a, synome, server, openedAtMs } = await deployPortfolioProcessWorld(devnet, { now: () => chainNow, set: (ms) => void (chainNow = new Date(ms)) }))
  dir = mkdtempSync(join(tmpdir(), 'lpha-lcts-portfolio-ha-'))
}, 120_000)

afterAll(async () => {
  await server?.close()
  await synome?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

const config = (name: 'A' | 'B') => writeInstanceConfig(dir, name, (stateDir) => portfolioBeaconConfig(devnet, { w, server }, { stateDir, intervalSeconds: 0.5 }))

describe('HA lpha-lcts (Portfolio): the acting instance is SIGKILLed mid-cycle', () => {
  it('the standby leads within the bound, settles with the journaled decision, and its manager (rebuilt from the shared journal) reports the model’s NAV; one lock, one settle per epoch, one NAV record per report, the manager paid once', async () => {
    const unit = w.units[0]!
    const prime = w.primes[0]!
    await setTime(START + 9 * HOUR)
    await a.subscribe(prime, unit, usd('10000'))
    await setTime(START + 13 * HOUR)
    // day 0: A leads and settles (its first decision); it freezes at its second, day 1's
    const { a: leader } = await leaderAndStandby({ instances, reads, lease: LEASE, configA: config('A'), configB: config('B'), pauseAt: 'ledger-write#2' })
    await until('day 0 settled and deployed', async () => ({ settled: (await settlement(0)) !== undefined, manager: await balanceOf(devnet, w.usds, w.manager.address) }), (v) => v.settled && v.manager === usd('10000'))
    // A's manager journaled its book in the shared journal: opened, the day's 10 000 subscribed (all in epoch 1)
    const managerLines = await until('the subscription in the shared manager journal', () => lines('manager-simulator'), (l) => l.some((x) => x.line.op === 'subscribe'))
    expect(managerLines.filter((l) => l.line.op !== 'tick').map((l) => [l.epoch, l.line.op])).toEqual([[1, 'open'], [1, 'subscribe']])

    await setTime(START + DAY + 13 * HOUR)
    await leader.waitFor('ledger-write#2: SIGSTOP')
    const decisions = (await lines('decisions')).filter((l) => l.line.kind === 'decision')
    expect(decisions.map((d) => [d.epoch, d.line.value?.epoch])).toEqual([[1, epochOf(0)], [1, epochOf(1)]])
    expect(await events('UnitLocked')).toHaveLength(2)
    expect(await events('UnitSettled')).toHaveLength(1)
    await killLeaderExpectTakeover({ reads, lease: LEASE, leader })

    // B settles day 1 with A's decision
    const day1 = await until('day 1 settled by B', () => settlement(1), (s) => s !== undefined)
    expect(day1!.decision.decidedAt).toBe(decisions[1]!.line.value!.decidedAt)
    // day 2: B's manager has A's subscription: its report is the book's 10 000 with two days of yield
    await setTime(START + 2 * DAY + 13 * HOUR)
    await until('day 2 settled by B', () => settlement(2), (s) => s !== undefined)
    const navs = await events('NavReported')
    const reported = navs.map((e) => (e as unknown as { args: { reportedAssets: bigint; reportedAt: bigint } }).args)
    expect(reported.map((r) => [Number(r.reportedAt) * 1000, r.reportedAssets])).toEqual([
      [START + DAY, accrue(usd('10000'))],
      [START + 2 * DAY, accrue(accrue(usd('10000')))],
    ])
    expect(accrue(accrue(usd('10000')))).toBe(usd('10004.384042034152749108'))
    const records = (await synome.list<{ reportedAssets: string; reportedAt: string }>({ type: PORTFOLIO_NAV_REPORT, limit: 100 })).items.map((r) => r.data)
    expect(records.map((r) => [r.reportedAt, r.reportedAssets])).toEqual(reported.map((r) => [new Date(Number(r.reportedAt) * 1000).toISOString(), formatUnitsExact(r.reportedAssets, 18)]))
    // one lock and one settle per epoch, the manager paid once (day 0's 10 000), one intent per key
    expect([(await events('UnitLocked')).length, (await events('UnitSettled')).length]).toEqual([3, 3])
    expect(await balanceOf(devnet, w.usds, w.manager.address)).toBe(usd('10000'))
    const keys = (await lines('txs')).filter((l) => l.line.kind === 'intent').map((l) => l.line.key!)
    expect(new Set(keys).size).toBe(keys.length)
    const book = await until('B’s manager journal', () => lines('manager-simulator'), (l) => l.length > 0)
    expect(book.filter((l) => l.line.op === 'subscribe' || l.line.op === 'open').map((l) => [l.epoch, l.line.op])).toEqual([[1, 'open'], [1, 'subscribe']])
    expect(book.filter((l) => l.epoch === 2).every((l) => l.line.op === 'tick')).toBe(true)
    // Synome = chain = the pure model
    const chain = await readChainBook(devnet.publicClient, w.haloClass, 0n)
    const record = bookOf((await synome.get<PortfolioBookRecord>(PORTFOLIO_BOOK, 'clo')).data)
    expect({ ...chain, bookId: 'clo', units: chain.units.map((u) => ({ ...u, unitId: 'clo-senior' })) }).toEqual(record)
    const replay = await replayBookFromSynome(synome, { bookId: 'clo', openedAtMs, accrualSeconds: 86_400, units: [{ unitId: 'clo-senior', rank: 0, yield: { kind: 'residual' } }] })
    expect({ navReports: replay.navReports, settlements: replay.settlements }).toEqual({ navReports: 2, settlements: 3 })
    expect(replay.model).toEqual(record)
  }, HA_TEST_TIMEOUT_MS)
})
