/**
 * Tranches on chain (issue 14 "Done when"): a book with a senior and a 20% junior unit, a
 * second book beside it. A 10% loss halves the junior NAV and leaves the senior whole; a 30%
 * loss wipes the junior and takes the rest from the senior; the second book's units are
 * untouched by either. Every figure on chain equals the pure model (src/domain/portfolio).
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { applyNavReport, openBook, subscribe, type HaloBook } from '../../src/domain/portfolio/book.js'
import { useDevnet, type Devnet } from '../fixtures/devnet.js'
import { actions, deployWorld, usd, type PortfolioWorld } from './world.js'

let devnet: Devnet
let w: PortfolioWorld
let a: ReturnType<typeof actions>
let model: HaloBook
const WAD = 10n ** 18n
const DAY = 86_400n
const terms = { accrualSeconds: 0, units: [{ name: 'CLO Senior', symbol: 'CLO-S', rank: 0, targetRateBps: 500n }, { name: 'CLO Junior', symbol: 'CLO-J', rank: 1 }] }

async function subscribeAndSettle(unitIndex: number, amount: bigint) {
  const unit = w.units[unitIndex]!
  await a.subscribe(w.primes[0]!, unit, amount)
  await a.lock(unit.unitId)
  await a.settle(unit.unitId, amount, 0n)
  await a.claim(unit.subscribeQueue, w.primes[0]!.pau.proxy)
}

beforeAll(async () => {
  devnet = await useDevnet()
  w = await deployWorld(devnet, { books: [terms, terms], primes: 1 })
  a = actions(devnet, w)
  await a.mint(w.primes[0]!.pau.proxy, usd('2100'))
  const opened = await a.book(0n)
  model = openBook({ bookId: '0', openedAt: new Date(opened.lastReportMs), accrualSeconds: 0, units: opened.units.map((u) => ({ unitId: u.unitId, rank: u.rank, yield: u.yield })) })
  // book 0: 800 senior, 200 junior (20% junior); book 1: 600 senior, 400 junior
  for (const [i, amount] of [[0, usd('800')], [1, usd('200')], [2, usd('600')], [3, usd('400')]] as const) {
    await subscribeAndSettle(i, amount)
    if (i < 2) model = subscribe({ book: model, unitId: String(w.units[i]!.unitId), amount, at: new Date(Number(await devnet.now()) * 1000) }).book
  }
  expect(await a.book(0n)).toEqual(model)
})
beforeEach(() => devnet.isolate())

async function report(fraction: bigint) {
  const reportedAt = (await devnet.now()) + DAY
  await devnet.setNextBlockTimestamp(reportedAt)
  const reported = (usd('1000') * (100n - fraction)) / 100n
  await a.reportNav(0n, reported, reportedAt)
  return applyNavReport({ book: model, reportedAssets: reported, reportedAt: new Date(Number(reportedAt) * 1000) }).book
}

describe('Portfolio tranches on chain', () => {
  it('a 10% loss on a book with 20% junior halves the junior NAV and leaves the senior whole; the other book is untouched', async () => {
    const other = await a.book(1n)
    const expected = await report(10n)
    const chain = await a.book(0n)
    expect(chain).toEqual(expected)
    expect(chain.units.map((u) => u.nav)).toEqual([usd('800'), usd('100')])
    expect(await a.navPerShare(w.units[0]!.unitId)).toBe(WAD)
    expect(await a.navPerShare(w.units[1]!.unitId)).toBe(WAD / 2n)
    expect(await a.book(1n)).toEqual(other)
    expect(await a.navPerShare(w.units[2]!.unitId)).toBe(WAD)
    expect(await a.navPerShare(w.units[3]!.unitId)).toBe(WAD)
  })

  it('a 30% loss wipes the junior and takes the rest (100 of 800) from the senior; the other book is untouched', async () => {
    const other = await a.book(1n)
    const expected = await report(30n)
    const chain = await a.book(0n)
    expect(chain).toEqual(expected)
    expect(chain.units.map((u) => u.nav)).toEqual([usd('700'), 0n])
    expect(await a.navPerShare(w.units[0]!.unitId)).toBe(usd('0.875'))
    expect(await a.navPerShare(w.units[1]!.unitId)).toBe(0n)
    expect(await a.book(1n)).toEqual(other)
  })

  it('a wiped junior takes no subscriptions: settling its queue at a positive capacity reverts UnitWiped and changes nothing', async () => {
    await report(30n)
    const junior = w.units[1]!
    await a.subscribe(w.primes[0]!, junior, usd('10'))
    await a.lock(junior.unitId)
    const before = await a.book(0n)
    await expect(a.settle(junior.unitId, usd('10'), 0n)).rejects.toThrow(/UnitWiped/)
    expect(await a.book(0n)).toEqual(before)
  })

  it('a gain pays the senior its 5% target for the period and the junior the rest', async () => {
    const reportedAt = BigInt(model.lastReportMs / 1000) + 73n * DAY // 73 days since the book opened = 1/5 year: senior due 800 × 5% / 5 = 8
    await devnet.setNextBlockTimestamp(reportedAt)
    await a.reportNav(0n, usd('1020'), reportedAt)
    const expected = applyNavReport({ book: model, reportedAssets: usd('1020'), reportedAt: new Date(Number(reportedAt) * 1000) }).book
    const chain = await a.book(0n)
    expect(chain).toEqual(expected)
    expect(chain.units.map((u) => u.nav)).toEqual([usd('808'), usd('212')])
  })
})
