/**
 * CRR and required capital of Portfolio Halo books and units (NAV-reported assets), worked
 * numbers. Book alpha: senior 80M (rank 0), junior 20M (rank 1), assets 100M USDS; Prime A holds
 * 50M senior shares, B 20M senior, C 10M senior and all 20M junior. Framework treatment: 15%
 * stressed loss while the NAV report is at most 2 days old, +5% per started day after, max 50%.
 */
import { describe, expect, it } from 'vitest'
import { parseUnits } from 'viem'
import { openBook, subscribe, type HaloBook } from '../../../src/domain/portfolio/book.js'
import { parseRiskFramework } from '../../../src/domain/risk/framework.js'
import { computePortfolioBookRisk, navStalenessSteps, type PortfolioRiskBook } from '../../../src/domain/risk/portfolio.js'
import { buildRiskReport, riskReportToJson } from '../../../src/domain/risk/report.js'
import { TEST_FRAMEWORK } from './fixtures.js'

const m = (v: string) => parseUnits(v, 18)
const opened = new Date('2026-12-01T00:00:00Z')
const hours = (h: number) => new Date(opened.getTime() + h * 3_600_000)
const treatment = { navReported: { rate: '0.15', staleAfter: '2d', stepRate: '0.05', every: '1d', maxRate: '0.5' } }
const framework = parseRiskFramework({ ...TEST_FRAMEWORK, portfolio: treatment }, 'test-portfolio')
const withoutTreatment = parseRiskFramework(TEST_FRAMEWORK, 'test-no-portfolio')

function alpha(bookId = 'alpha'): HaloBook {
  let book = openBook({ bookId, openedAt: opened, accrualSeconds: 0, units: [{ unitId: `${bookId}-senior`, rank: 0, yield: { kind: 'target', rateBps: 500n } }, { unitId: `${bookId}-junior`, rank: 1, yield: { kind: 'residual' } }] })
  book = subscribe({ book, unitId: `${bookId}-senior`, amount: m('80000000'), at: opened }).book
  return subscribe({ book, unitId: `${bookId}-junior`, amount: m('20000000'), at: opened }).book
}
const holders = (bookId = 'alpha', senior: [string, string][] = [['0xa', '50000000'], ['0xb', '20000000'], ['0xc', '10000000']]) =>
  new Map([
    [`${bookId}-senior`, new Map(senior.map(([p, s]) => [p, m(s)]))],
    [`${bookId}-junior`, new Map([['0xc', m('20000000')]])],
  ])
const input = (over: Partial<PortfolioRiskBook> = {}): PortfolioRiskBook => ({ classId: 'clo', book: alpha(), holders: holders(), ...over })
const unit = (risk: ReturnType<typeof computePortfolioBookRisk>, id: string) => risk.units.find((u) => u.unitId === id)!

describe('Portfolio book risk: NAV-reported assets through the tranche waterfall', () => {
  it('fresh report: 15% of 100M = 15M, all carried by the junior (CRR 0.75); the senior carries nothing', () => {
    const risk = computePortfolioBookRisk({ framework, input: input(), now: hours(24) })
    expect(risk).toMatchObject({ crrWad: m('0.15'), requiredCapitalWad: m('15000000'), stale: false, steps: 0, alerts: [] })
    expect(unit(risk, 'alpha-junior')).toMatchObject({ requiredCapitalWad: m('15000000'), crrWad: m('0.75'), primes: [{ prime: '0xc', requiredCapitalWad: m('15000000') }], unattributedCapitalWad: 0n })
    expect(unit(risk, 'alpha-senior')).toMatchObject({ requiredCapitalWad: 0n, crrWad: 0n })
  })

  it('report 3 days 1 hour old: 2 started days past staleAfter → 25%; junior 20M (CRR 1), senior 5M (CRR 0.0625) split 3.125M / 1.25M / 0.625M', () => {
    const risk = computePortfolioBookRisk({ framework, input: input(), now: hours(73) })
    expect(risk).toMatchObject({ stale: true, steps: 2, baseRateWad: m('0.15'), escalationWad: m('0.1'), crrWad: m('0.25'), requiredCapitalWad: m('25000000') })
    expect(risk.alerts.map((a) => a.code)).toEqual(['PORTFOLIO_NAV_STALE'])
    expect(unit(risk, 'alpha-junior')).toMatchObject({ requiredCapitalWad: m('20000000'), crrWad: m('1') })
    expect(unit(risk, 'alpha-senior')).toMatchObject({
      requiredCapitalWad: m('5000000'),
      crrWad: m('0.0625'),
      primes: [{ prime: '0xa', requiredCapitalWad: m('3125000') }, { prime: '0xb', requiredCapitalWad: m('1250000') }, { prime: '0xc', requiredCapitalWad: m('625000') }],
    })
  })

  it('staleness escalation is capped at maxRate (50%): senior 30M, CRR 0.375; exactly at staleAfter is not stale', () => {
    const risk = computePortfolioBookRisk({ framework, input: input(), now: hours(24 * 30) })
    expect(risk).toMatchObject({ steps: 7, crrWad: m('0.5'), requiredCapitalWad: m('50000000') })
    expect(unit(risk, 'alpha-senior')).toMatchObject({ requiredCapitalWad: m('30000000'), crrWad: m('0.375') })
    expect(navStalenessSteps(framework.portfolio!.navReported, opened, hours(48))).toBe(0)
    expect(navStalenessSteps(framework.portfolio!.navReported, opened, hours(48.001))).toBe(1)
  })

  it('without a NAV-reported treatment in the framework the book is charged 100% and PORTFOLIO_TREATMENT_MISSING is raised', () => {
    const risk = computePortfolioBookRisk({ framework: withoutTreatment, input: input(), now: hours(1) })
    expect(risk).toMatchObject({ crrWad: m('1'), requiredCapitalWad: m('100000000') })
    expect(risk.alerts.map((a) => a.code)).toEqual(['PORTFOLIO_TREATMENT_MISSING'])
    expect(unit(risk, 'alpha-senior').requiredCapitalWad).toBe(m('80000000'))
  })

  it('a book record that does not balance is charged the larger of assets and units’ NAV, with PORTFOLIO_BOOK_INVALID', () => {
    const book = { ...alpha(), assets: m('90000000') }
    const risk = computePortfolioBookRisk({ framework, input: input({ book }), now: hours(1) })
    expect(risk.requiredCapitalWad).toBe(m('100000000'))
    expect(risk.alerts.map((a) => a.code)).toEqual(['PORTFOLIO_BOOK_INVALID'])
  })

  it('shares no Prime is recorded for leave their capital unattributed: A holds 50M of 80M senior → 3.125M, 1.875M unattributed', () => {
    const risk = computePortfolioBookRisk({ framework, input: input({ holders: holders('alpha', [['0xa', '50000000']]) }), now: hours(73) })
    expect(unit(risk, 'alpha-senior')).toMatchObject({ primes: [{ prime: '0xa', requiredCapitalWad: m('3125000') }], unattributedCapitalWad: m('1875000') })
  })

  it('stressed loss rounds up: assets of 100M + 1 base unit at 15% carry 15M + 1 base unit', () => {
    let book = alpha()
    book = subscribe({ book, unitId: 'alpha-junior', amount: 1n, at: opened }).book
    expect(computePortfolioBookRisk({ framework, input: input({ book }), now: hours(1) }).requiredCapitalWad).toBe(m('15000000') + 1n)
  })
})

describe('the risk report per unit, per book and per Prime', () => {
  it('adds Portfolio capital to each Prime; a second book is computed on its own; totals add up', () => {
    const beta: PortfolioRiskBook = { classId: 'clo', book: alpha('beta'), holders: new Map([['beta-senior', new Map([['0xa', m('80000000')]])], ['beta-junior', new Map([['0xb', m('20000000')]])]]) }
    // alpha is stale (25%), beta fresh from a later report: beta's own 15% only
    const betaBook = { ...beta.book, lastReportMs: hours(72).getTime() }
    const report = buildRiskReport({ framework, sleeves: [], units: [], portfolioBooks: [input(), { ...beta, book: betaBook }], now: hours(73) })
    expect(report.portfolioBooks.map((b) => [b.bookId, b.requiredCapitalWad])).toEqual([['alpha', m('25000000')], ['beta', m('15000000')]])
    expect(report.primes.map((p) => [p.prime, p.portfolioCapitalWad, p.requiredCapitalWad])).toEqual([
      ['0xa', m('3125000'), m('3125000')],
      ['0xb', m('1250000') + m('15000000'), m('16250000')],
      ['0xc', m('20625000'), m('20625000')],
    ])
    expect(report.totals).toMatchObject({ requiredCapitalWad: m('40000000'), unattributedCapitalWad: 0n })
    const json = riskReportToJson(report)
    expect(json.portfolioBooks[0]).toMatchObject({ bookId: 'alpha', crr: '0.25', requiredCapitalUsd: '25000000', stale: true, units: [{ unitId: 'alpha-senior', crr: '0.0625', requiredCapitalUsd: '5000000' }, { unitId: 'alpha-junior', crr: '1', requiredCapitalUsd: '20000000' }] })
    expect(json.primes[2]).toMatchObject({ prime: '0xc', portfolioCapitalUsd: '20625000' })
  })

  it('the framework refuses a NAV-reported treatment with a rate above 1 or a zero staleness step', () => {
    expect(() => parseRiskFramework({ ...TEST_FRAMEWORK, portfolio: { navReported: { ...treatment.navReported, rate: '1.5' } } }, 'x')).toThrow(/invalid/)
    expect(() => parseRiskFramework({ ...TEST_FRAMEWORK, portfolio: { navReported: { ...treatment.navReported, every: '0d' } } }, 'x')).toThrow(/invalid/)
  })
})
