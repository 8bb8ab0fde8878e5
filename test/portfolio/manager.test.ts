import { describe, expect, it } from 'vitest'
import { parseUnits } from 'viem'
import { createDevnetAssetManager } from '../../src/portfolio/manager/simulator.js'
import { applyNavReport, isBalanced, openBook, subscribe } from '../../src/domain/portfolio/book.js'
import { evaluateWarningSignals, gateUnitCapacity } from '../../src/domain/portfolio/signals.js'
import { WAD } from '../../src/domain/money.js'

const usds = (value: string) => parseUnits(value, 18)
const t0 = new Date('2026-01-01T00:00:00Z')
const day = (n: number, hours = 0) => new Date(t0.getTime() + n * 86_400_000 + hours * 3_600_000)

function manager() {
  const m = createDevnetAssetManager()
  m.openBook({ bookId: 'alpha', openedAt: t0, annualYieldBps: 730n, redemptionDelaySeconds: 2 * 86_400 }) // 0.02%/day
  m.openBook({ bookId: 'beta', openedAt: t0, annualYieldBps: 0n, redemptionDelaySeconds: 86_400 })
  return m
}

describe('devnet asset manager', () => {
  it('takes subscriptions (idempotent per id) and reports NAV daily with yield accrued, floored', async () => {
    const m = manager()
    await m.subscribe({ subscriptionId: 's-1', bookId: 'alpha', amount: usds('100'), at: t0 })
    await m.subscribe({ subscriptionId: 's-1', bookId: 'alpha', amount: usds('100'), at: t0 })
    await expect(m.subscribe({ subscriptionId: 's-1', bookId: 'alpha', amount: usds('1'), at: t0 })).rejects.toThrow(/another amount/)
    await m.tick(day(2, 1))
    const reports = m.navReports('alpha')
    expect(reports.map((r) => [r.reportId, r.reportedAt, r.assets])).toEqual([
      ['alpha:nav:1', '2026-01-02T00:00:00Z', usds('100.02')],
      ['alpha:nav:2', '2026-01-03T00:00:00Z', usds('100.040004')],
    ])
    await m.tick(day(2, 5)) // same day: nothing new
    expect(m.navReports('alpha')).toHaveLength(2)
  })

  it('can be told to lose value: the next report carries the loss', async () => {
    const m = manager()
    await m.subscribe({ subscriptionId: 's-1', bookId: 'beta', amount: usds('100'), at: t0 })
    m.loseValue({ bookId: 'beta', bps: 1000n })
    await m.tick(day(1))
    expect(m.navReports('beta').at(-1)!.assets).toBe(usds('90'))
  })

  it('can be told to miss reports; reporting resumes after', async () => {
    const m = manager()
    await m.subscribe({ subscriptionId: 's-1', bookId: 'beta', amount: usds('100'), at: t0 })
    m.missReports({ bookId: 'beta', count: 1 })
    await m.tick(day(1))
    expect(m.navReports('beta')).toEqual([])
    await m.tick(day(2))
    expect(m.navReports('beta').map((r) => r.reportId)).toEqual(['beta:nav:2'])
  })

  it('returns a redemption after its delay, and can be told to delay it (or hold it indefinitely)', async () => {
    const m = manager()
    await m.subscribe({ subscriptionId: 's-1', bookId: 'beta', amount: usds('100'), at: t0 })
    await m.requestRedemption({ redemptionId: 'r-1', bookId: 'beta', amount: usds('10'), at: t0 })
    await m.requestRedemption({ redemptionId: 'r-2', bookId: 'beta', amount: usds('5'), at: t0 })
    m.delayRedemption({ redemptionId: 'r-2', extraSeconds: 86_400 })
    await m.tick(day(1))
    expect(m.returnedRedemptions('beta').map((r) => [r.redemptionId, r.amount])).toEqual([['r-1', usds('10')]])
    expect(m.pendingRedemptions('beta').map((r) => r.redemptionId)).toEqual(['r-2'])
    expect(m.assetsOf('beta')).toBe(usds('90'))
    m.delayRedemption({ redemptionId: 'r-2', extraSeconds: null })
    await m.tick(day(30))
    expect(m.pendingRedemptions('beta').map((r) => r.redemptionId)).toEqual(['r-2'])
    // a repeated request is the same request
    expect((await m.requestRedemption({ redemptionId: 'r-1', bookId: 'beta', amount: usds('10'), at: day(30) })).requestedAt).toBe('2026-01-01T00:00:00Z')
  })

  it('a redemption larger than the book returns only what the book holds', async () => {
    const m = manager()
    await m.subscribe({ subscriptionId: 's-1', bookId: 'beta', amount: usds('10'), at: t0 })
    await m.requestRedemption({ redemptionId: 'r-1', bookId: 'beta', amount: usds('15'), at: t0 })
    await m.tick(day(1))
    expect(m.returnedRedemptions('beta')[0]!.amount).toBe(usds('10'))
    expect(m.assetsOf('beta')).toBe(0n)
  })

  it('refuses an unknown book, a non-positive amount and a tick that would loop without bound', async () => {
    const m = manager()
    await expect(m.subscribe({ subscriptionId: 's', bookId: 'gamma', amount: 1n, at: t0 })).rejects.toThrow(/no book gamma/)
    await expect(m.subscribe({ subscriptionId: 's', bookId: 'alpha', amount: 0n, at: t0 })).rejects.toThrow(/positive/)
    await expect(m.tick(day(401))).rejects.toThrow(/more than 400 days/)
  })

  it('a missed report raises PORTFOLIO_NAV_REPORT_MISSED, halting subscriptions; the next report resumes the unit', async () => {
    const m = manager()
    await m.subscribe({ subscriptionId: 's-1', bookId: 'beta', amount: usds('100'), at: t0 })
    let book = subscribe({ book: openBook({ bookId: 'beta', openedAt: t0, accrualSeconds: 0, units: [{ unitId: 'beta-1', rank: 0, yield: { kind: 'residual' } }] }), unitId: 'beta-1', amount: usds('100'), at: t0 }).book
    const config = { navReport: { maxAgeSeconds: 26 * 3600 } }
    const signalsAt = (now: Date) => {
      const reports = m.navReports('beta')
      const point = (r: (typeof reports)[number] | undefined) => (r ? { navPerShareWad: WAD, reportedAt: new Date(r.reportedAt) } : null)
      return evaluateWarningSignals(config, { now, latest: point(reports.at(-1)), previous: point(reports.at(-2)), openedAt: t0, pendingRedemptions: [] })
    }
    await m.tick(day(1))
    m.missReports({ bookId: 'beta', count: 1 })
    await m.tick(day(2, 3))
    const signals = signalsAt(day(2, 3))
    expect(signals.map((s) => s.code)).toEqual(['PORTFOLIO_NAV_REPORT_MISSED'])
    expect(gateUnitCapacity({ subscribeCapacity: usds('50'), redeemCapacity: usds('5') }, signals, usds('5'))).toMatchObject({ subscribeCapacity: 0n, redeemCapacity: usds('5') })
    await m.tick(day(3, 1))
    const fresh = m.navReports('beta').at(-1)!
    book = applyNavReport({ book, reportedAssets: fresh.assets, reportedAt: new Date(fresh.reportedAt) }).book
    expect(isBalanced(book)).toBe(true)
    expect(signalsAt(day(3, 1))).toEqual([])
  })
})
