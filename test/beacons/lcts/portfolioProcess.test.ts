/**
 * `halo beacon lcts --config <file>` with `"kind": "portfolioClass"` as a real OS process
 * against anvil and a Synome served over HTTP: a Portfolio class with one book and one unit,
 * the devnet manager (durable simulator) as the NAV source. A Prime subscribes through its own
 * PAU; the process (`--once`, one tick a run) settles the subscription and mints the unit
 * shares on day 0, applies the manager's NAV report on day 1; the Synome's records equal the
 * chain and the pure model replayed from them. On day 2 the process SIGKILLs itself at
 * `ledger-write#1` (the unit locked, the decision journaled, nothing settled); restarts settle
 * the epoch once (one lock, one settle, one deploy to the manager) and converge to the model.
 * Then the window between the manager's NAV report and the settlement: on day 3 the process
 * dies at the `tx-broadcast` of the day's `reportNav` (the NAV is on chain, not recorded,
 * nothing locked), on day 4 at the `synome-write` right after `recordPortfolioNavReport` (the
 * NAV recorded, nothing locked or settled); restarts converge with one NavReported per report
 * on chain, one NAV record in the Synome, one lock and one settle for the epoch and the
 * manager paid once. Crash-point numbers are from a `HALO_CRASH_TRACE=1` run of a clean day
 * (tx-broadcast#1 reportNav, synome-write#1 the NAV record, tx-broadcast#2 the lock, …).
 * The tests share one chain and run in order.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { getAbiItem } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { portfolioHaloClassAbi, usdsAbi } from '../../../src/chain/generated/index.js'
import { readChainBook } from '../../../src/chain/portfolio.js'
import { navPerShareWad, type HaloBook } from '../../../src/domain/portfolio/book.js'
import { bookOf, PORTFOLIO_BOOK, PORTFOLIO_NAV_REPORT, PORTFOLIO_SETTLEMENT, type PortfolioBookRecord } from '../../../src/synome/commands/portfolio/index.js'
import type { SynomeService } from '../../../src/synome/service.js'
import { useDevnet, type Devnet } from '../../fixtures/devnet.js'
import { formatUnitsExact } from '../../../src/domain/money.js'
import { type actions, balanceOf, replayBookFromSynome, usd, type PortfolioWorld } from '../../portfolio/world.js'
import { expectClean, expectKilledAt, runHaloProcess, type serveSynomeHttp } from '../../support/beaconProcess.js'
import { DAY, deployPortfolioProcessWorld, epochOf, HOUR, portfolioBeaconConfig, START } from './portfolioProcessWorld.js'


let devnet: Devnet
let w: PortfolioWorld
let a: ReturnType<typeof actions>
let synome: SynomeService
let server: Awaited<ReturnType<typeof serveSynomeHttp>>
let dir: string
let configFile: string
let openedAtMs: number
let chainNow = new Date(START)

async function setTime(ms: number) {
  chainNow = new Date(ms)
  await devnet.testClient.setNextBlockTimestamp({ timestamp: BigInt(Math.floor(ms / 1000)) })
  await devnet.testClient.mine({ blocks: 1 })
}

const runProcess = (crashAt = '') => runHaloProcess(['beacon', 'lcts', '--config', configFile, '--once'], { crashAt, timeoutMs: 90_000 })
const text = (value: bigint) => formatUnitsExact(value, 18)
type SettlementData = { subscribed: string; redeemedShares: string; settledAt: string; decision: { halted: boolean; subscribeQueued: string } }

beforeAll(async () => {
  devnet = await useDevnet()
  await setTime(START - DAY - HOUR)
  ;({ w, a, synome, server, openedAtMs } = await deployPortfolioProcessWorld(devnet, { now: () => chainNow, set: (ms) => void (chainNow = new Date(ms)) }))
  dir = mkdtempSync(join(tmpdir(), 'lpha-lcts-portfolio-proc-'))
  configFile = join(dir, 'portfolio.json')
  writeFileSync(configFile, JSON.stringify(portfolioBeaconConfig(devnet, { w, server }, { stateDir: dir })))
}, 120_000)

afterAll(async () => {
  await server?.close()
  await synome?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

describe('halo beacon lcts, kind portfolioClass (a real process)', () => {
  it('settles a Prime’s subscription, mints its unit shares, applies the manager’s NAV; Synome = chain = pure model', { timeout: 300_000 }, async () => {
    const unit = w.units[0]!
    const prime = w.primes[0]!
    await setTime(START + 9 * HOUR)
    await a.subscribe(prime, unit, usd('10000'))
    await setTime(START + 13 * HOUR)
    expectClean(await runProcess())

    const settlement = async (day: number) => (await synome.get<SettlementData>(PORTFOLIO_SETTLEMENT, `clo:clo-senior:${epochOf(day)}`)).data
    const day0 = await settlement(0)
    expect(day0.subscribed).toBe('10000')
    expect(day0.redeemedShares).toBe('0')
    expect(day0.decision.subscribeQueued).toBe('10000')
    await a.claim(unit.subscribeQueue, prime.pau.proxy)
    const shares = await balanceOf(devnet, unit.token, prime.pau.proxy)
    const supply = await devnet.publicClient.readContract({ address: unit.token, abi: usdsAbi, functionName: 'totalSupply' })
    expect(supply).toBe(shares)
    // the book opened at NAV 1 per share: 10 000 USDS buy exactly 10 000 shares; the PAU's cash went to the manager
    expect(shares).toBe(usd('10000'))
    expect(await balanceOf(devnet, w.usds, w.manager.address)).toBe(usd('10000'))
    expect(await balanceOf(devnet, w.usds, w.classPau.proxy)).toBe(0n)

    // day 1: the manager's report (with yield) is applied on chain and recorded; the epoch settles nothing
    await setTime(START + DAY + 13 * HOUR)
    expectClean(await runProcess())
    const day1 = await settlement(1)
    expect({ subscribed: day1.subscribed, redeemedShares: day1.redeemedShares }).toEqual({ subscribed: '0', redeemedShares: '0' })
    const navs = (await synome.list<{ bookId: string; reportedAssets: string; reportedAt: string; units: { unitId: string; nav: string }[] }>({ type: PORTFOLIO_NAV_REPORT, limit: 100 })).items.map((r) => r.data)
    const chain = await readChainBook(devnet.publicClient, w.haloClass, 0n)
    // the simulator's day-1 report: 10 000 at 8 % a year for one day (floored to the base unit)
    const reported = usd('10000') + (usd('10000') * 800n) / (10_000n * 365n)
    expect(reported).toBe(usd('10002.191780821917808219'))
    expect(navs.map((n) => ({ reportedAssets: n.reportedAssets, reportedAt: n.reportedAt, units: n.units }))).toEqual([
      { reportedAssets: '10002.191780821917808219', reportedAt: new Date(START + DAY).toISOString(), units: [{ unitId: 'clo-senior', nav: '10002.191780821917808219' }] },
    ])
    expect({ assets: chain.assets, lastReportMs: chain.lastReportMs, nav: chain.units[0]!.nav, shares: chain.units[0]!.shares }).toEqual({ assets: reported, lastReportMs: START + DAY, nav: reported, shares: usd('10000') })
    const record = bookOf((await synome.get<PortfolioBookRecord>(PORTFOLIO_BOOK, 'clo')).data)
    const chainAsSynome: HaloBook = { ...chain, bookId: 'clo', units: chain.units.map((u) => ({ ...u, unitId: 'clo-senior' })) }
    expect(chainAsSynome).toEqual(record)
    const replay = await replayBookFromSynome(synome, { bookId: 'clo', openedAtMs, accrualSeconds: 86_400, units: [{ unitId: 'clo-senior', rank: 0, yield: { kind: 'residual' } }] })
    expect({ navReports: replay.navReports, settlements: replay.settlements }).toEqual({ navReports: navs.length, settlements: 2 })
    expect(replay.model).toEqual(record)
    // the contract's price now = the pure model's at the same chain time (the gain accrues over the day)
    const block = await devnet.publicClient.getBlock({ blockTag: 'latest' })
    const modelPrice = navPerShareWad(replay.model, 'clo-senior', new Date(Number(block.timestamp) * 1000))
    expect(await a.navPerShare(unit.unitId)).toBe(modelPrice)
    expect(modelPrice > 10n ** 18n && modelPrice < reported / 10_000n).toBe(true)
  })

  it('SIGKILLed after journaling the day-2 decision (units locked, nothing settled), a restart settles once and converges', { timeout: 300_000 }, async () => {
    const unit = w.units[0]!
    const prime = w.primes[0]!
    const settledEvents = () => devnet.publicClient.getLogs({ address: w.haloClass, event: getAbiItem({ abi: portfolioHaloClassAbi, name: 'UnitSettled' }) as never, fromBlock: 0n, toBlock: 'latest' })
    const lockedEvents = () => devnet.publicClient.getLogs({ address: w.haloClass, event: getAbiItem({ abi: portfolioHaloClassAbi, name: 'UnitLocked' }) as never, fromBlock: 0n, toBlock: 'latest' })
    expect(await settledEvents()).toHaveLength(2)
    await setTime(START + 2 * DAY + 9 * HOUR)
    await a.subscribe(prime, unit, usd('5000'))
    await setTime(START + 2 * DAY + 13 * HOUR)
    expectKilledAt(await runProcess('ledger-write#1'), 'ledger-write#1')
    // the lock is on chain, the settle is not, the Synome has no day-2 settlement
    expect(await lockedEvents()).toHaveLength(3)
    expect(await settledEvents()).toHaveLength(2)
    await expect(synome.get(PORTFOLIO_SETTLEMENT, `clo:clo-senior:${epochOf(2)}`)).rejects.toMatchObject({ code: 'NOT_FOUND' })
    expectClean(await runProcess())
    expectClean(await runProcess())
    expect(await lockedEvents()).toHaveLength(3)
    expect(await settledEvents()).toHaveLength(3)
    const day2 = (await synome.get<SettlementData>(PORTFOLIO_SETTLEMENT, `clo:clo-senior:${epochOf(2)}`)).data
    expect(day2.subscribed).toBe('5000')
    // the manager got the day's 5 000 once (10 000 on day 0 + 5 000)
    expect(await balanceOf(devnet, w.usds, w.manager.address)).toBe(usd('15000'))
    await a.claim(unit.subscribeQueue, prime.pau.proxy)
    const chain = await readChainBook(devnet.publicClient, w.haloClass, 0n)
    const record = bookOf((await synome.get<PortfolioBookRecord>(PORTFOLIO_BOOK, 'clo')).data)
    expect({ ...chain, bookId: 'clo', units: chain.units.map((u) => ({ ...u, unitId: 'clo-senior' })) }).toEqual(record)
    const replay = await replayBookFromSynome(synome, { bookId: 'clo', openedAtMs, accrualSeconds: 86_400, units: [{ unitId: 'clo-senior', rank: 0, yield: { kind: 'residual' } }] })
    expect({ navReports: replay.navReports, settlements: replay.settlements }).toEqual({ navReports: 2, settlements: 3 })
    expect(replay.model).toEqual(record)
    // every share minted is the Prime's, and more than 5 000 USDS buy fewer than 5 000 shares now (NAV > 1)
    const held = await balanceOf(devnet, unit.token, prime.pau.proxy)
    expect(held).toBe(chain.units[0]!.shares)
    expect(held > usd('14000') && held < usd('15000')).toBe(true)
  })

  type NavRecordData = { reportId: string; reportedAt: string; reportedAssets: string }
  const events = (name: 'UnitSettled' | 'UnitLocked' | 'NavReported') =>
    devnet.publicClient.getLogs({ address: w.haloClass, event: getAbiItem({ abi: portfolioHaloClassAbi, name }) as never, fromBlock: 0n, toBlock: 'latest' })
  const navRecords = async () => (await synome.list<NavRecordData>({ type: PORTFOLIO_NAV_REPORT, limit: 100 })).items.map((r) => r.data)
  const reportedAtOf = (e: unknown) => Number((e as { args: { reportedAt: bigint } }).args.reportedAt) * 1000

  /** The state before a crash day: what the restarts must add exactly once. */
  async function before() {
    return { navs: (await events('NavReported')).length, records: (await navRecords()).length, locks: (await events('UnitLocked')).length, settles: (await events('UnitSettled')).length, managerUsds: await balanceOf(devnet, w.usds, w.manager.address) }
  }

  /** After restarts: one NAV per report (chain and Synome), one lock + one settle for the day, the day's subscription deployed once, Synome = chain = model. */
  async function expectConverged(day: number, was: Awaited<ReturnType<typeof before>>, subscribed: bigint) {
    const unit = w.units[0]!
    const prime = w.primes[0]!
    const navs = await events('NavReported')
    expect(navs).toHaveLength(was.navs + 1)
    const chainReportTimes = navs.map(reportedAtOf)
    expect(new Set(chainReportTimes).size).toBe(chainReportTimes.length)
    expect(chainReportTimes.at(-1)).toBe(START + day * DAY)
    const records = await navRecords()
    expect(records).toHaveLength(was.records + 1)
    expect(records.filter((r) => r.reportedAt === new Date(START + day * DAY).toISOString())).toHaveLength(1)
    expect(records.map((r) => Date.parse(r.reportedAt)).sort((x, y) => x - y)).toEqual(chainReportTimes)
    expect(await events('UnitLocked')).toHaveLength(was.locks + 1)
    expect(await events('UnitSettled')).toHaveLength(was.settles + 1)
    const settled = (await synome.get<SettlementData>(PORTFOLIO_SETTLEMENT, `clo:clo-senior:${epochOf(day)}`)).data
    expect(settled.subscribed).toBe(text(subscribed))
    expect(await balanceOf(devnet, w.usds, w.manager.address)).toBe(was.managerUsds + subscribed)
    await a.claim(unit.subscribeQueue, prime.pau.proxy)
    const chain = await readChainBook(devnet.publicClient, w.haloClass, 0n)
    const record = bookOf((await synome.get<PortfolioBookRecord>(PORTFOLIO_BOOK, 'clo')).data)
    expect({ ...chain, bookId: 'clo', units: chain.units.map((u) => ({ ...u, unitId: 'clo-senior' })) }).toEqual(record)
    expect(chain.lastReportMs).toBe(START + day * DAY)
    const replay = await replayBookFromSynome(synome, { bookId: 'clo', openedAtMs, accrualSeconds: 86_400, units: [{ unitId: 'clo-senior', rank: 0, yield: { kind: 'residual' } }] })
    expect({ navReports: replay.navReports, settlements: replay.settlements }).toEqual({ navReports: records.length, settlements: was.settles + 1 })
    expect(replay.model).toEqual(record)
    // every share minted is the Prime's but the queue's reward-per-share flooring (≤ 1 wei a claim stays in the queue)
    const held = await balanceOf(devnet, unit.token, prime.pau.proxy)
    const dust = await balanceOf(devnet, unit.token, unit.subscribeQueue)
    expect(held + dust).toBe(chain.units[0]!.shares)
    expect(dust <= BigInt(was.settles + 1)).toBe(true)
  }

  it('SIGKILLed at the broadcast of the day-3 reportNav (NAV on chain, not recorded, nothing locked), restarts record it once and settle once', { timeout: 300_000 }, async () => {
    const was = await before()
    await setTime(START + 3 * DAY + 9 * HOUR)
    await a.subscribe(w.primes[0]!, w.units[0]!, usd('2000'))
    await setTime(START + 3 * DAY + 13 * HOUR)
    expectKilledAt(await runProcess('tx-broadcast#1'), 'tx-broadcast#1')
    // the report reached the chain; the Synome has no record of it; no lock, no settle
    const navs = await events('NavReported')
    expect(navs).toHaveLength(was.navs + 1)
    expect(reportedAtOf(navs.at(-1))).toBe(START + 3 * DAY)
    expect(await navRecords()).toHaveLength(was.records)
    expect(await events('UnitLocked')).toHaveLength(was.locks)
    expect(await events('UnitSettled')).toHaveLength(was.settles)
    expectClean(await runProcess())
    expectClean(await runProcess())
    await expectConverged(3, was, usd('2000'))
  })

  it('SIGKILLed at the Synome write right after the day-4 NAV record (nothing locked or settled), restarts do not record it again and settle once', { timeout: 300_000 }, async () => {
    const was = await before()
    await setTime(START + 4 * DAY + 9 * HOUR)
    await a.subscribe(w.primes[0]!, w.units[0]!, usd('3000'))
    await setTime(START + 4 * DAY + 13 * HOUR)
    expectKilledAt(await runProcess('synome-write#1'), 'synome-write#1')
    const records = await navRecords()
    expect(records).toHaveLength(was.records + 1)
    expect(records.filter((r) => r.reportedAt === new Date(START + 4 * DAY).toISOString())).toHaveLength(1)
    expect(await events('NavReported')).toHaveLength(was.navs + 1)
    expect(await events('UnitLocked')).toHaveLength(was.locks)
    expect(await events('UnitSettled')).toHaveLength(was.settles)
    await expect(synome.get(PORTFOLIO_SETTLEMENT, `clo:clo-senior:${epochOf(4)}`)).rejects.toMatchObject({ code: 'NOT_FOUND' })
    expectClean(await runProcess())
    expectClean(await runProcess())
    await expectConverged(4, was, usd('3000'))
  })
})
