import { describe, expect, it } from 'vitest'
import { decideUnitCapacity, type UnitCapacityInputs } from '../../../src/domain/portfolio/capacity.js'
import { PORTFOLIO_ALERT_CODES, type WarningSignal } from '../../../src/domain/portfolio/signals.js'

const u = (n: number) => BigInt(n) * 10n ** 18n
const base: UnitCapacityInputs = {
  subscribeQueued: u(500), redeemQueuedShares: u(200), navPerShareWad: u(1) * 11n / 10n, unitNav: u(9_000), maxNav: u(10_000),
  returnedLiquidity: u(50), deployLimit: u(1_000_000), fundLimit: u(1_000_000),
}
const missed: WarningSignal = { code: PORTFOLIO_ALERT_CODES.navReportMissed, message: 'missed', meta: {} }

describe('decideUnitCapacity (lpha-lcts, one Portfolio unit)', () => {
  it('nets subscriptions against redemptions first, then the unit’s remaining capacity, then returned liquidity', () => {
    // 200 shares at 1.1 = 220 matched against 500 subscribed; 280 new subscription fits the 1 000 left
    const d = decideUnitCapacity(base, [])
    expect(d).toMatchObject({ redeemValue: u(220), matchedValue: u(220), newSubscription: u(280), remainingCapacity: u(1000), subscribeCapacity: u(500), fundAmount: 0n, redeemCapacity: u(200), halted: false })
  })

  it('capacity, not capital raising: new subscriptions stop at the unit’s maximum NAV', () => {
    const d = decideUnitCapacity({ ...base, unitNav: u(9_900) }, [])
    expect(d.newSubscription).toBe(u(100))
    expect(d.subscribeCapacity).toBe(u(320))
  })

  it('redemptions beyond the matched value are limited by the liquidity the manager returned', () => {
    // 1 000 shares at 1.1 = 1 100; 500 matched, 50 returned: 550 paid → floor(550 / 1.1) = 500 shares
    const d = decideUnitCapacity({ ...base, redeemQueuedShares: u(1000) }, [])
    expect(d).toMatchObject({ redeemValue: u(1100), matchedValue: u(500), fundAmount: u(50), redeemCapacity: u(500) })
  })

  it('PAU rate limits are guardrails: deploy limit caps new subscriptions, fund limit caps funded redemptions', () => {
    const d = decideUnitCapacity({ ...base, deployLimit: u(30), redeemQueuedShares: u(1000), fundLimit: u(11) }, [])
    expect(d.newSubscription).toBe(0n) // all 500 matched against 1 100 of redemptions
    expect(d.fundAmount).toBe(u(11))
    expect(d.redeemCapacity).toBe((u(511) * 10n ** 18n) / (u(11) / 10n)) // (500 matched + 11 funded) / 1.1
  })

  it('a warning signal: no new subscriptions and no netting, redemptions still settle from returned liquidity', () => {
    const d = decideUnitCapacity(base, [missed])
    expect(d).toMatchObject({ halted: true, subscribeCapacity: 0n, matchedValue: 0n, fundAmount: u(50) })
    expect(d.redeemCapacity).toBe((u(50) * 10n ** 18n) / (u(11) / 10n)) // 45.45… shares
    expect(d.signals.map((s) => s.code)).toEqual(['PORTFOLIO_NAV_REPORT_MISSED'])
  })

  it('a wiped unit takes no subscriptions and redeems every queued share for nothing', () => {
    const d = decideUnitCapacity({ ...base, navPerShareWad: 0n }, [])
    expect(d).toMatchObject({ subscribeCapacity: 0n, redeemValue: 0n, redeemCapacity: u(200), fundAmount: 0n })
  })

  it('refuses negative inputs', () => {
    expect(() => decideUnitCapacity({ ...base, returnedLiquidity: -1n }, [])).toThrow(/returnedLiquidity/)
  })
})
