import { describe, expect, it } from 'vitest'
import { parseUnits } from 'viem'
import { evaluateWarningSignals, gateUnitCapacity, PORTFOLIO_ALERT_CODES, type WarningSignalConfig, type WarningSignalFacts } from '../../../src/domain/portfolio/signals.js'
import { WAD } from '../../../src/domain/money.js'

const t0 = new Date('2026-01-01T00:00:00Z')
const at = (hours: number) => new Date(t0.getTime() + hours * 3_600_000)
const config: WarningSignalConfig = { navDrop: { maxDropBps: 500n }, navReport: { maxAgeSeconds: 26 * 3600 }, redemption: { maxDelaySeconds: 3 * 86_400 } }
const facts = (over: Partial<WarningSignalFacts> = {}): WarningSignalFacts => ({
  now: at(24),
  latest: { navPerShareWad: WAD, reportedAt: at(24) },
  previous: { navPerShareWad: WAD, reportedAt: at(0) },
  openedAt: t0,
  pendingRedemptions: [],
  ...over,
})
const codes = (f: WarningSignalFacts, c = config) => evaluateWarningSignals(c, f).map((s) => s.code)

describe('Portfolio unit warning signals (seed 000 Emergency Procedures)', () => {
  it('healthy unit: no signals, capacity passes through', () => {
    expect(codes(facts())).toEqual([])
    expect(gateUnitCapacity({ subscribeCapacity: 100n, redeemCapacity: 50n }, [], 0n)).toEqual({ subscribeCapacity: 100n, redeemCapacity: 50n, halted: false, signals: [] })
  })

  it('a NAV drop beyond the bound signals; exactly the bound does not', () => {
    expect(codes(facts({ latest: { navPerShareWad: parseUnits('0.95', 18), reportedAt: at(24) } }))).toEqual([])
    expect(codes(facts({ latest: { navPerShareWad: parseUnits('0.95', 18) - 1n, reportedAt: at(24) } }))).toEqual([PORTFOLIO_ALERT_CODES.navDrop])
  })

  it('a missed NAV report signals once the allowed age passes, and clears with a fresh report', () => {
    const missed = facts({ now: at(24 + 26) , latest: { navPerShareWad: WAD, reportedAt: at(24) } })
    expect(codes(missed)).toEqual([])
    expect(codes({ ...missed, now: new Date(at(50).getTime() + 1000) })).toEqual(['PORTFOLIO_NAV_REPORT_MISSED'])
    expect(codes({ ...missed, now: at(51), latest: { navPerShareWad: WAD, reportedAt: at(51) }, previous: { navPerShareWad: WAD, reportedAt: at(24) } })).toEqual([])
  })

  it('before the first report the missed-report clock runs from the unit opening', () => {
    expect(codes(facts({ now: at(27), latest: null, previous: null }))).toEqual(['PORTFOLIO_NAV_REPORT_MISSED'])
  })

  it('a redemption not honoured in time signals, naming it', () => {
    const signals = evaluateWarningSignals(config, facts({ now: at(24 * 3 + 1), latest: { navPerShareWad: WAD, reportedAt: at(72) }, pendingRedemptions: [{ redemptionId: 'r-1', requestedAt: at(0) }, { redemptionId: 'r-2', requestedAt: at(48) }] }))
    expect(signals.map((s) => [s.code, s.meta.redemptionIds])).toEqual([['PORTFOLIO_REDEMPTION_OVERDUE', 'r-1']])
  })

  it('only the configured signals are watched', () => {
    const stale = facts({ now: at(24 * 10), pendingRedemptions: [{ redemptionId: 'r-1', requestedAt: at(0) }] })
    expect(codes(stale)).toEqual(['PORTFOLIO_NAV_REPORT_MISSED', 'PORTFOLIO_REDEMPTION_OVERDUE'])
    expect(codes(stale, { navDrop: { maxDropBps: 100n } })).toEqual([])
  })

  it('on a signal the unit takes no subscription capacity but keeps settling redemptions the returned liquidity pays for', () => {
    const signals = evaluateWarningSignals(config, facts({ now: at(60) }))
    const gated = gateUnitCapacity({ subscribeCapacity: 100n, redeemCapacity: 50n }, signals, 30n)
    expect(gated).toMatchObject({ subscribeCapacity: 0n, redeemCapacity: 30n, halted: true })
    expect(gateUnitCapacity({ subscribeCapacity: 100n, redeemCapacity: 50n }, signals, 80n).redeemCapacity).toBe(50n)
  })

  it('refuses a malformed configuration', () => {
    expect(() => evaluateWarningSignals({ navDrop: { maxDropBps: 10_001n } }, facts())).toThrow(/maxDropBps/)
    expect(() => evaluateWarningSignals({ navReport: { maxAgeSeconds: 0 } }, facts())).toThrow(/positive integer/)
  })
})
