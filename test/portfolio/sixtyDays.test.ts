/**
 * Issue 14 "Done when": a Portfolio class with a senior and a junior unit over one book on
 * anvil, 60 simulated days. Three Primes subscribe through their own PAUs within their rate
 * limits, lpha-lcts (src/beacons/lcts/portfolio.ts) settles daily, the devnet manager reports
 * NAV with yield, one Prime redeems; the manager misses two NAV reports (the warning signal:
 * no new subscriptions converted, redemptions still settle, alert PORTFOLIO_NAV_REPORT_MISSED),
 * then a fresh report resumes the unit. Every figure on chain equals the Synome's records and
 * the pure model replayed from them. A beacon that dies mid-epoch (after a lock before the
 * settle; after the NAV report before the settle) is replaced by a fresh one reading the same
 * journals, which finishes the epoch with nothing sent or recorded twice. (An in-process crash:
 * the tick stops at that point and its journals are reopened, not a SIGKILLed process.)
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import { erc20Abi, keccak256, toHex } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PortfolioDecisionJournal, portfolioCycleTick, type PortfolioCycleConfig, type PortfolioTickReport } from '../../src/beacons/lcts/portfolio.js'
import { TxJournal } from '../../src/beacons/shared/txJournal.js'
import { usdsAbi } from '../../src/chain/generated/index.js'
import { readChainBook } from '../../src/chain/portfolio.js'
import { parseUnitsExact } from '../../src/domain/money.js'
import type { HaloBook } from '../../src/domain/portfolio/book.js'
import { createDevnetAssetManager } from '../../src/portfolio/manager/simulator.js'
import type { AssetManager } from '../../src/portfolio/manager/adapter.js'
import { createInProcessClient } from '../../src/synome/client/index.js'
import { bookOf, PORTFOLIO_BOOK, PORTFOLIO_COMMANDS, PORTFOLIO_SETTLEMENT, type PortfolioBookRecord } from '../../src/synome/commands/portfolio/index.js'
import { createSynome } from '../../src/synome/create.js'
import type { SynomeService } from '../../src/synome/service.js'
import { useDevnet, type Devnet } from '../fixtures/devnet.js'
import { actions, balanceOf, deployWorld, replayBookFromSynome, usd, type PortfolioWorld } from './world.js'

const DAY = 86_400_000
const START = Date.parse('2027-01-04T00:00:00Z')
const settlerKey = keccak256(toHex('portfolio-lpha-lcts'))
const council = privateKeyToAccount(keccak256(toHex('portfolio-council')))

let devnet: Devnet
let w: PortfolioWorld
let a: ReturnType<typeof actions>
let synome: SynomeService
let dir: string
let chainNow = new Date(START)
/** Day → the transaction after which the beacon crashes (between lock and settle; between NAV report and settle). */
const CRASHES: Record<number, string> = { 5: 'lock:clo-junior:', 31: 'nav:clo:' }

/** The journal, but the tick "dies" (throws) once the transaction whose key starts with `prefix` is final. */
function crashingTxs(txs: TxJournal, prefix: string): TxJournal {
  return {
    recover: () => txs.recover(),
    get: (key: string) => txs.get(key),
    all: () => txs.all(),
    async send(key: string, request: Parameters<TxJournal['send']>[1]) {
      const state = await txs.send(key, request)
      if (key.startsWith(prefix) && state.status === 'final') throw new Error(`crash after ${key}`)
      return state
    },
  } as unknown as TxJournal
}

async function setTime(ms: number) {
  chainNow = new Date(ms)
  await devnet.testClient.setNextBlockTimestamp({ timestamp: BigInt(Math.floor(ms / 1000)) })
  await devnet.testClient.mine({ blocks: 1 })
}

beforeAll(async () => {
  devnet = await useDevnet()
  // the class opens the day before the 60 days start (deployWorld lets one day pass to fill the limits)
  await setTime(START - DAY - 3600_000)
  w = await deployWorld(devnet, {
    primes: 3,
    primeLimit: usd('50000'),
    books: [{ accrualSeconds: 86_400, units: [{ name: 'CLO Senior', symbol: 'CLO-S', rank: 0, targetRateBps: 500n }, { name: 'CLO Junior', symbol: 'CLO-J', rank: 1 }] }],
  })
  a = actions(devnet, w)
  for (const prime of w.primes) await a.mint(prime.pau.proxy, usd('200000'))
  dir = mkdtempSync(join(tmpdir(), 'lpha-lcts-portfolio-'))
  synome = await createSynome({
    dataDir: null,
    clock: () => chainNow,
    commands: [...PORTFOLIO_COMMANDS],
    roles: [
      { address: w.settler.address.toLowerCase(), role: 'lcts', haloClasses: ['*'] },
      { address: council.address.toLowerCase(), role: 'council', haloClasses: ['*'] },
    ],
  })
}, 120_000)

afterAll(async () => {
  await synome?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

/** The devnet manager, with its money on chain: returns arrive at the class PAU as USDS (yield minted). */
function onChainManager(): AssetManager & ReturnType<typeof createDevnetAssetManager> {
  const sim = createDevnetAssetManager()
  const mirrored = new Set<string>()
  return {
    ...sim,
    async tick(now) {
      await sim.tick(now)
      for (const r of sim.returnedRedemptions('clo')) {
        if (mirrored.has(r.redemptionId)) continue
        mirrored.add(r.redemptionId)
        const held = await balanceOf(devnet, w.usds, w.manager.address)
        if (held < r.amount) await a.mint(w.manager.address, r.amount - held) // the manager's yield
        await devnet.write(w.manager, { address: w.usds, abi: erc20Abi, functionName: 'transfer', args: [w.classPau.proxy, r.amount] })
      }
    },
  }
}

describe('lpha-lcts for a Portfolio Halo Class: 60 simulated days', () => {
  it('three Primes, daily settlement, NAV with yield, one redemption, a missed-report signal and a resume; chain = Synome = pure model', { timeout: 600_000 }, async () => {
    const [senior, junior] = w.units as [(typeof w.units)[0], (typeof w.units)[0]]
    // the Council defines the class and the book in the Synome, opened at the chain book's time
    const opened = await readChainBook(devnet.publicClient, w.haloClass, 0n)
    chainNow = new Date(opened.lastReportMs)
    const councilClient = createInProcessClient({ service: synome, account: council, clock: () => chainNow })
    await councilClient.send('createPortfolioClass', { classId: 'clo', name: 'CLO Tranched' }, { idempotencyKey: 'class' })
    const signals = { navReport: { maxAgeSeconds: 40 * 3600 }, redemption: { maxDelaySeconds: 4 * 86_400 } }
    await councilClient.send('createPortfolioBook', {
      classId: 'clo', bookId: 'clo', accrualSeconds: 86_400,
      units: [
        { unitId: 'clo-senior', rank: 0, yield: { kind: 'target', rateBps: 500 }, warningSignals: signals },
        { unitId: 'clo-junior', rank: 1, yield: { kind: 'residual' }, warningSignals: signals },
      ],
    }, { idempotencyKey: 'book' })
    await setTime(START)

    const manager = onChainManager()
    manager.openBook({ bookId: 'clo', openedAt: new Date(START), annualYieldBps: 800n, redemptionDelaySeconds: 86_400 })
    const config: PortfolioCycleConfig = {
      classId: 'clo', bookId: 'clo', chainBookId: 0n, haloClass: w.haloClass, usds: w.usds, controller: w.classPau.controller, rateLimits: w.classPau.rateLimits,
      almProxy: w.classPau.proxy, managerEndpoint: w.manager.address, settleWindowSeconds: 3600,
      units: [
        { unitId: 'clo-senior', chainUnitId: senior.unitId, maxNav: usd('500000'), warningSignals: signals },
        { unitId: 'clo-junior', chainUnitId: junior.unitId, maxNav: usd('100000'), warningSignals: signals },
      ],
    }
    const account = privateKeyToAccount(settlerKey)
    const open = () => {
      const txs = new TxJournal({ path: join(dir, 'txs.jsonl'), account, publicClient: devnet.publicClient, finalityDepth: 0, clock: () => chainNow, receiptTimeoutMs: 5_000 })
      const decisions = new PortfolioDecisionJournal(join(dir, 'decisions.jsonl'))
      const client = createInProcessClient({ service: synome, account, clock: () => chainNow })
      return { txs, decisions, deps: { config, publicClient: devnet.publicClient, synome: client, manager, txs, decisions, now: async () => chainNow, log: pino({ level: 'silent' }) } }
    }
    let beacon = open()
    const restart = () => {
      beacon.txs.close()
      beacon.decisions.close()
      beacon = open()
    }
    const reports: Record<number, PortfolioTickReport[]> = {}
    const settlementOf = async (unitId: string, day: number) =>
      (await synome.get<{ subscribed: string; redeemedShares: string; decision: { halted: boolean; signals: { code: string }[] } }>(PORTFOLIO_SETTLEMENT, `clo:${unitId}:${new Date(START + day * DAY).toISOString().slice(0, 10)}`)).data

    for (let day = 0; day < 60; day++) {
      const base = START + day * DAY
      await setTime(base + 9 * 3600_000)
      // Primes act in the morning, through their own PAUs (rate limited: 50 000 a day each)
      if (day < 3) {
        for (const [i, prime] of w.primes.entries()) {
          await a.subscribe(prime, senior, usd(String(20_000 + 5_000 * i)))
          await a.subscribe(prime, junior, usd(String(4_000 + 1_000 * i)))
        }
      }
      if (day === 30) await a.redeem(w.primes[0]!, senior, (await balanceOf(devnet, senior.token, w.primes[0]!.pau.proxy)) / 2n)
      if (day === 36) manager.missReports({ bookId: 'clo', count: 2 }) // no reports dated days 36 and 37
      if (day === 36) await a.redeem(w.primes[1]!, junior, (await balanceOf(devnet, junior.token, w.primes[1]!.pau.proxy)) / 4n)
      if (day === 37) await a.subscribe(w.primes[2]!, senior, usd('10000'))
      await setTime(base + 13 * 3600_000)
      reports[day] = []
      const crashAfter = CRASHES[day]
      if (crashAfter) {
        // the beacon dies right after this transaction is final; a fresh one resumes from the journals
        const crashing = { ...beacon.deps, txs: crashingTxs(beacon.txs, crashAfter) }
        await expect(portfolioCycleTick(crashing)).rejects.toThrow(/crash after/)
        restart()
      }
      for (let attempt = 0; attempt < 3; attempt++) {
        const r = await portfolioCycleTick(beacon.deps)
        reports[day]!.push(r)
        if (r.steps.includes('epoch recorded')) break
      }
      expect(reports[day]!.at(-1)!.steps, `day ${day}`).toContain('epoch recorded')
      for (const prime of w.primes) {
        for (const u of [senior, junior]) {
          for (const q of [u.subscribeQueue, u.redeemQueue]) {
            const position = await devnet.publicClient.readContract({ address: q, abi: (await import('../../src/chain/generated/index.js')).lctsQueueAbi, functionName: 'positionOf', args: [prime.pau.proxy] })
            if (position.shares > 0n) await a.claim(q, prime.pau.proxy)
          }
        }
      }
    }

    // the first days converted every subscription (within capacity), the redemption settled a day after its request
    expect(parseUnitsExact((await settlementOf('clo-senior', 0)).subscribed, 18, 's')).toBe(usd('75000'))
    expect(parseUnitsExact((await settlementOf('clo-junior', 0)).subscribed, 18, 's')).toBe(usd('15000'))
    expect((await settlementOf('clo-senior', 30)).redeemedShares).toBe('0')
    expect(parseUnitsExact((await settlementOf('clo-senior', 31)).redeemedShares, 18, 's') > 0n).toBe(true)
    // the missed-report signal: on day 37 the last report is 61 h old (> 40 h): halted, no new subscription,
    // the junior redemption (returned by the manager that day) still settles, alert raised
    expect((await settlementOf('clo-senior', 36)).decision.halted).toBe(false)
    for (const day of [37]) {
      const s = await settlementOf('clo-senior', day)
      expect(s.decision.halted).toBe(true)
      expect(s.decision.signals.map((x) => x.code)).toEqual(['PORTFOLIO_NAV_REPORT_MISSED'])
      expect(s.subscribed).toBe('0')
      expect(reports[day]!.flatMap((r) => r.alerts.map((x) => x.code))).toContain('PORTFOLIO_NAV_REPORT_MISSED')
    }
    expect((await settlementOf('clo-junior', 37)).decision.halted).toBe(true)
    expect(parseUnitsExact((await settlementOf('clo-junior', 37)).redeemedShares, 18, 's') > 0n).toBe(true)
    // a fresh report (dated day 38) resumes the unit: the 10 000 waiting since day 37 convert on day 38
    const resumed = await settlementOf('clo-senior', 38)
    expect(resumed.decision.halted).toBe(false)
    expect(resumed.subscribed).toBe('10000')
    expect(reports[38]!.flatMap((r) => r.alerts)).toEqual([])

    // chain = Synome record = pure model replayed from the Synome's records
    const chain = await readChainBook(devnet.publicClient, w.haloClass, 0n)
    const record = bookOf((await synome.get<PortfolioBookRecord>(PORTFOLIO_BOOK, 'clo')).data)
    const byChainId = (id: string) => (id === String(senior.unitId) ? 'clo-senior' : 'clo-junior')
    const chainAsSynome: HaloBook = { ...chain, bookId: 'clo', units: chain.units.map((u) => ({ ...u, unitId: byChainId(u.unitId) })) }
    expect(chainAsSynome).toEqual(record)
    const replay = await replayBookFromSynome(synome, { bookId: 'clo', openedAtMs: opened.lastReportMs, accrualSeconds: 86_400, units: [{ unitId: 'clo-senior', rank: 0, yield: { kind: 'target', rateBps: 500n } }, { unitId: 'clo-junior', rank: 1, yield: { kind: 'residual' } }] })
    expect(replay.navReports).toBeGreaterThan(50)
    expect(replay.settlements).toBe(120)
    expect(replay.model).toEqual(record)
    // yield: both tranches gained, the junior more per share (residual over a 5% senior on an 8% book)
    const price = (id: bigint) => a.navPerShare(id)
    const seniorPrice = await price(senior.unitId)
    const juniorPrice = await price(junior.unitId)
    expect(seniorPrice > 10n ** 18n).toBe(true)
    expect(juniorPrice > seniorPrice).toBe(true)
    // nothing doubled: every settle, lock and NAV transaction was sent once per key; the class holds no USDS
    const keys = beacon.txs.all().map((t) => t.key)
    expect(new Set(keys).size).toBe(keys.length)
    expect(await balanceOf(devnet, w.usds, w.haloClass)).toBe(0n)
    // shares on chain = unit tokens outstanding
    for (const u of [senior, junior]) {
      const supply = await devnet.publicClient.readContract({ address: u.token, abi: usdsAbi, functionName: 'totalSupply' })
      expect(supply).toBe(chain.units.find((x) => x.unitId === String(u.unitId))!.shares)
    }
    restart()
    beacon.txs.close()
    beacon.decisions.close()
  })
})
