import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { parseUnits } from 'viem'
import { applyNavReport, isBalanced, navPerShareWad, openBook, recognisedNav, redeem, subscribe, SECONDS_PER_YEAR, type HaloBook } from '../../../src/domain/portfolio/book.js'
import { WAD } from '../../../src/domain/money.js'

const usds = (value: string) => parseUnits(value, 18)
const t0 = new Date('2026-01-01T00:00:00Z')
const day = (n: number) => new Date(t0.getTime() + n * 86_400_000)

/** A CLO-style book: senior (5% target) and junior (residual), funded 80/20 at 1:1. */
function tranched(bookId: string, total = '100', juniorShare = '20', accrualSeconds = 0): HaloBook {
  let book = openBook({
    bookId,
    units: [
      { unitId: `${bookId}-senior`, rank: 0, yield: { kind: 'target', rateBps: 500n } },
      { unitId: `${bookId}-junior`, rank: 1, yield: { kind: 'residual' } },
    ],
    openedAt: t0,
    accrualSeconds,
  })
  book = subscribe({ book, unitId: `${bookId}-senior`, amount: usds(total) - usds(juniorShare), at: t0 }).book
  if (usds(juniorShare) > 0n) book = subscribe({ book, unitId: `${bookId}-junior`, amount: usds(juniorShare), at: t0 }).book
  return book
}
const nav = (book: HaloBook, unitId: string) => book.units.find((u) => u.unitId === unitId)!.nav

describe('Halo Book tranches (issue 14)', () => {
  it('a 10% loss on a book with 20% junior halves the junior NAV and leaves the senior whole', () => {
    const alpha = tranched('alpha')
    const beta = tranched('beta')
    const { book, kind, amount } = applyNavReport({ book: alpha, reportedAssets: usds('90'), reportedAt: day(1) })
    expect([kind, amount]).toEqual(['loss', usds('10')])
    expect(nav(book, 'alpha-junior')).toBe(usds('10'))
    expect(nav(book, 'alpha-senior')).toBe(usds('80'))
    expect(navPerShareWad(book, 'alpha-junior', day(1))).toBe(WAD / 2n)
    expect(navPerShareWad(book, 'alpha-senior', day(1))).toBe(WAD)
    expect(isBalanced(book)).toBe(true)
    // a second book's units are untouched
    expect(beta).toEqual(tranched('beta'))
    expect(nav(beta, 'beta-junior')).toBe(usds('20'))
  })

  it('a 30% loss wipes the junior and takes the rest from the senior; a second book is untouched', () => {
    const alpha = tranched('alpha')
    const beta = tranched('beta')
    const { book, movements } = applyNavReport({ book: alpha, reportedAssets: usds('70'), reportedAt: day(1) })
    expect(nav(book, 'alpha-junior')).toBe(0n)
    expect(nav(book, 'alpha-senior')).toBe(usds('70'))
    expect(navPerShareWad(book, 'alpha-junior', day(1))).toBe(0n)
    expect(navPerShareWad(book, 'alpha-senior', day(1))).toBe(usds('0.875'))
    expect(movements.map((m) => m.change)).toEqual([-usds('10'), -usds('20')])
    expect(isBalanced(book)).toBe(true)
    expect(beta).toEqual(tranched('beta'))
  })

  it('the input book is not mutated by a report (isolation is by value)', () => {
    const alpha = tranched('alpha')
    applyNavReport({ book: alpha, reportedAssets: usds('70'), reportedAt: day(1) })
    expect(alpha).toEqual(tranched('alpha'))
  })

  it('a gain pays the senior its target for the period first and the junior the rest', () => {
    const alpha = tranched('alpha')
    // one year later the book is worth 110: senior target 5% of 80 = 4, junior takes 6
    const { book } = applyNavReport({ book: alpha, reportedAssets: usds('110'), reportedAt: new Date(t0.getTime() + Number(SECONDS_PER_YEAR) * 1000) })
    expect(nav(book, 'alpha-senior')).toBe(usds('84'))
    expect(nav(book, 'alpha-junior')).toBe(usds('26'))
  })

  it('a gain smaller than the senior target all goes to the senior', () => {
    const { book } = applyNavReport({ book: tranched('alpha'), reportedAssets: usds('101'), reportedAt: new Date(t0.getTime() + Number(SECONDS_PER_YEAR) * 1000) })
    expect(nav(book, 'alpha-senior')).toBe(usds('81'))
    expect(nav(book, 'alpha-junior')).toBe(usds('20'))
  })

  it('a gain accrues into the price over the accrual window; a loss is applied at once', () => {
    const alpha = tranched('alpha', '100', '20', 86_400)
    const year = new Date(t0.getTime() + Number(SECONDS_PER_YEAR) * 1000)
    const gained = applyNavReport({ book: alpha, reportedAssets: usds('110'), reportedAt: year }).book
    expect(recognisedNav(gained, 'alpha-junior', year)).toBe(usds('20'))
    const half = new Date(year.getTime() + 43_200_000)
    expect(recognisedNav(gained, 'alpha-junior', half)).toBe(usds('23'))
    expect(recognisedNav(gained, 'alpha-junior', new Date(year.getTime() + 86_400_000))).toBe(usds('26'))
    // half-way, a loss of 5 (unaccrued junior gain is 3): the loss eats the 3 first, the price drops by 2 at once
    const lost = applyNavReport({ book: gained, reportedAssets: usds('105'), reportedAt: half }).book
    expect(nav(lost, 'alpha-junior')).toBe(usds('21'))
    expect(recognisedNav(lost, 'alpha-junior', half)).toBe(usds('21'))
    expect(recognisedNav(lost, 'alpha-senior', half)).toBe(usds('82')) // senior's 2 unaccrued left, accruing
    expect(recognisedNav(lost, 'alpha-senior', new Date(half.getTime() + 86_400_000))).toBe(usds('84'))
  })

  it('subscriptions and redemptions settle at the recognised price, rounding down for the holders who stay', () => {
    const alpha = applyNavReport({ book: tranched('alpha'), reportedAssets: usds('90'), reportedAt: day(1) }).book
    const sub = subscribe({ book: alpha, unitId: 'alpha-junior', amount: usds('1'), at: day(1) })
    expect(sub.sharesMinted).toBe(usds('2')) // price 0.5
    const red = redeem({ book: sub.book, unitId: 'alpha-junior', shares: usds('2'), at: day(1) })
    expect(red.amountPaid).toBe(usds('1'))
    expect(isBalanced(red.book)).toBe(true)
  })

  it('refuses an unbalanced book, a report older than the last, and a wiped unit taking subscriptions', () => {
    const alpha = tranched('alpha')
    expect(() => applyNavReport({ book: { ...alpha, assets: alpha.assets + 1n }, reportedAssets: usds('90'), reportedAt: day(1) })).toThrow(/unbalanced/)
    const later = applyNavReport({ book: alpha, reportedAssets: usds('70'), reportedAt: day(2) }).book
    expect(() => applyNavReport({ book: later, reportedAssets: usds('70'), reportedAt: day(1) })).toThrow(/older/)
    expect(() => subscribe({ book: later, unitId: 'alpha-junior', amount: 1n, at: day(2) })).toThrow(/wiped/)
  })

  it('refuses terms where the residual unit is not the most junior rank', () => {
    expect(() => openBook({ bookId: 'x', openedAt: t0, accrualSeconds: 0, units: [
      { unitId: 'a', rank: 0, yield: { kind: 'residual' } },
      { unitId: 'b', rank: 1, yield: { kind: 'target', rateBps: 100n } },
    ] })).toThrow(/most junior/)
  })

  it('property: any report sequence keeps the book balanced and losses reach the senior only after the junior is wiped', () => {
    fc.assert(fc.property(fc.array(fc.bigInt({ min: 0n, max: usds('300') }), { minLength: 1, maxLength: 10 }), fc.bigInt({ min: 1n, max: usds('100') }), (reports, junior) => {
      let book = tranched('p', '100', '0', 3600)
      book = subscribe({ book, unitId: 'p-junior', amount: junior, at: t0 }).book
      reports.forEach((reportedAssets, i) => {
        const before = book
        const result = applyNavReport({ book, reportedAssets, reportedAt: day(i + 1) })
        book = result.book
        expect(isBalanced(book)).toBe(true)
        const [senior, jun] = result.movements
        if (senior!.change < 0n) expect(jun!.navAfter).toBe(0n)
        if (result.kind === 'loss') expect(nav(before, 'p-junior') + nav(before, 'p-senior') - reportedAssets).toBe(-(senior!.change + jun!.change))
      })
    }), { numRuns: 200 })
  })
})
