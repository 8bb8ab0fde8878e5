/**
 * lpha-amm's pure rules: what one cycle does with a pool observation, and the pool report's
 * figures — the seed's T-bill story in numbers.
 */
import { describe, expect, it } from 'vitest'
import { parseUnitsExact } from '../../../src/domain/money.js'
import {
  MAX_CLOSES_PER_CYCLE,
  WAD,
  checkPoolReportArithmetic,
  checkPoolReportSuccession,
  planAmmCycle,
  poolReportFigures,
  redeemCapacityShares,
  shareValue,
  sharesForSubscription,
  usdsForRedemption,
  validateAmmPolicy,
  type AmmObservation,
  type AmmPolicy,
  type SharesObservation,
} from '../../../src/domain/trading/index.js'

const usds = (v: string) => parseUnitsExact(v, 18)
const tb = (v: string) => parseUnitsExact(v, 6)
const NOW = 1_800_000_000n
const DAY = 86_400n

const policy: AmmPolicy = { redeemThreshold: tb('50000'), usdsCeiling: null, redemptionDueSeconds: DAY, redemptionGraceSeconds: 3_600n, minRedeemAmount: tb('1'), minReturnAmount: usds('1') }

function observation(over: Partial<AmmObservation> = {}): AmmObservation {
  return {
    now: NOW,
    paused: false,
    oracle: { priceWad: WAD, updatedAt: NOW - 60n },
    referencePriceWad: WAD,
    params: { maxOracleAgeSeconds: DAY, maxDeviationBps: 100n, maxInventory: tb('3000000') },
    assetHeld: 0n,
    usdsHeld: usds('200000'),
    pendingRedemption: 0n,
    openRequests: [],
    available: { redeem: tb('10000000'), return: usds('10000000') },
    ...over,
  }
}

describe('one lpha-amm cycle', () => {
  it('a quiet pool at the reference price does nothing and raises nothing', () => {
    expect(planAmmCycle(observation(), policy)).toEqual({ actions: [], alerts: [] })
  })

  it('after a user sells 100K T-bills the pool sends all of them to the issuer', () => {
    const plan = planAmmCycle(observation({ assetHeld: tb('100000'), usdsHeld: usds('100050') }), policy)
    expect(plan.actions).toEqual([{ kind: 'requestRedemption', amount: tb('100000') }])
  })

  it('inventory below the threshold stays in the pool', () => {
    expect(planAmmCycle(observation({ assetHeld: tb('49999.999999') }), policy).actions).toEqual([])
  })

  it('the redeem key bounds the redemption and the binding limit is an alert', () => {
    const plan = planAmmCycle(observation({ assetHeld: tb('100000'), available: { redeem: tb('60000'), return: 0n } }), policy)
    expect(plan.actions).toEqual([{ kind: 'requestRedemption', amount: tb('60000') }])
    expect(plan.alerts.map((a) => a.code)).toEqual(['AMM_RATE_LIMIT_BINDING'])
  })

  it('a dust redemption below minRedeemAmount is not sent', () => {
    const plan = planAmmCycle(observation({ assetHeld: tb('100000'), available: { redeem: tb('0.5'), return: 0n } }), policy)
    expect(plan.actions).toEqual([])
  })

  it('a settled redemption is closed first, and its amount leaves the pending book', () => {
    const o = observation({ pendingRedemption: tb('100000'), openRequests: [{ requestId: 7n, amount: tb('100000'), requestedAt: NOW - DAY, settled: true }] })
    expect(planAmmCycle(o, policy).actions).toEqual([{ kind: 'closeRedemption', requestId: 7n }])
  })

  it(`closes at most ${MAX_CLOSES_PER_CYCLE} redemptions per cycle (bounded)`, () => {
    const openRequests = Array.from({ length: MAX_CLOSES_PER_CYCLE + 5 }, (_, i) => ({ requestId: BigInt(i + 1), amount: 1n, requestedAt: NOW - DAY, settled: true }))
    expect(planAmmCycle(observation({ openRequests, pendingRedemption: BigInt(openRequests.length) }), policy).actions).toHaveLength(MAX_CLOSES_PER_CYCLE)
  })

  it('a redemption unsettled one second past T+1 plus grace is missed; exactly at the bound it is not', () => {
    const request = { requestId: 3n, amount: tb('100000'), requestedAt: NOW - DAY - 3_600n, settled: false }
    expect(planAmmCycle(observation({ openRequests: [request], pendingRedemption: request.amount }), policy).alerts).toEqual([])
    const late = planAmmCycle(observation({ now: NOW + 1n, openRequests: [request], pendingRedemption: request.amount, oracle: { priceWad: WAD, updatedAt: NOW } }), policy)
    expect(late.alerts).toEqual([expect.objectContaining({ code: 'AMM_REDEMPTION_MISSED', severity: 'critical', subject: 'request-3' })])
  })

  it('follows the oracle within the deviation bound', () => {
    const price = (WAD * 10_050n) / 10_000n
    expect(planAmmCycle(observation({ oracle: { priceWad: price, updatedAt: NOW } }), policy).actions).toEqual([{ kind: 'syncPrice', priceWad: price }])
  })

  it('does not follow a jump beyond the bound: swaps stay paused and the deviation is an alert', () => {
    const plan = planAmmCycle(observation({ oracle: { priceWad: (WAD * 10_101n) / 10_000n, updatedAt: NOW } }), policy)
    expect(plan.actions).toEqual([])
    expect(plan.alerts.map((a) => a.code)).toEqual(['AMM_ORACLE_DEVIATION'])
  })

  it('a stale oracle is an alert and no sync', () => {
    const plan = planAmmCycle(observation({ oracle: { priceWad: (WAD * 101n) / 100n, updatedAt: NOW - DAY - 1n } }), policy)
    expect(plan.actions).toEqual([])
    expect(plan.alerts.map((a) => a.code)).toEqual(['AMM_ORACLE_STALE'])
  })

  it('an inventory breach (held + pending at the limit) is an alert', () => {
    const plan = planAmmCycle(observation({ assetHeld: tb('1000000'), pendingRedemption: tb('2000000'), available: { redeem: 0n, return: 0n } }), policy)
    expect(plan.alerts.map((a) => a.code)).toContain('AMM_INVENTORY_LIMIT_REACHED')
  })

  it('returns USDS above the ceiling, within the return key', () => {
    const plan = planAmmCycle(observation({ usdsHeld: usds('250000'), available: { redeem: 0n, return: usds('30000') } }), { ...policy, usdsCeiling: usds('200000') })
    expect(plan.actions).toEqual([{ kind: 'returnCapital', amount: usds('30000') }])
    expect(plan.alerts.map((a) => a.code)).toEqual(['AMM_RATE_LIMIT_BINDING'])
  })

  it('a paused pool is an alert and no price sync (the pool would refuse it)', () => {
    const plan = planAmmCycle(observation({ paused: true, oracle: { priceWad: (WAD * 1_001n) / 1_000n, updatedAt: NOW } }), policy)
    expect(plan.actions).toEqual([])
    expect(plan.alerts.map((a) => a.code)).toEqual(['AMM_POOL_PAUSED'])
  })

  it('refuses a policy that would act on nothing or never count a miss', () => {
    expect(() => validateAmmPolicy({ ...policy, redeemThreshold: 0n })).toThrow(/redeemThreshold/)
    expect(() => validateAmmPolicy({ ...policy, redemptionDueSeconds: 0n })).toThrow(/redemptionDueSeconds/)
    expect(() => validateAmmPolicy({ ...policy, minRedeemAmount: 0n })).toThrow(/minRedeemAmount/)
  })
})

describe('the pool report', () => {
  it('T-bill story: 100K sold at 5 bps earns 50 USDS of spread; after the issuer pays 100K the pool holds 50 more than it was given', () => {
    const trades = [{ side: 'sell' as const, assetAmount: tb('100000'), usdsAmount: usds('99950'), priceWad: WAD }]
    const pending = poolReportFigures({ usdsHeld: usds('100050'), assetHeld: 0n, pendingRedemption: tb('100000'), priceWad: WAD, assetDecimals: 6, trades })
    expect(pending).toMatchObject({ inventoryValue: usds('100000'), poolValue: usds('200050'), spreadEarned: usds('50'), trades: 1n, volumeUsds: usds('99950') })
    const paid = poolReportFigures({ usdsHeld: usds('200050'), assetHeld: 0n, pendingRedemption: 0n, priceWad: WAD, assetDecimals: 6, trades })
    expect(paid.poolValue - usds('200000')).toBe(usds('50'))
  })

  it('JAAA market making: buy 500K, sell 300K at 5 bps a side earns 400 USDS on 800K volume', () => {
    const trades = [
      { side: 'sell' as const, assetAmount: tb('500000'), usdsAmount: usds('499750'), priceWad: WAD },
      { side: 'buy' as const, assetAmount: tb('300000'), usdsAmount: usds('300150'), priceWad: WAD },
    ]
    expect(poolReportFigures({ usdsHeld: 0n, assetHeld: 0n, pendingRedemption: 0n, priceWad: WAD, assetDecimals: 6, trades }).spreadEarned).toBe(usds('400'))
  })

  it('the Synome re-checks the arithmetic: a report whose pool value does not add up is named', () => {
    const f = poolReportFigures({ usdsHeld: usds('100050'), assetHeld: 0n, pendingRedemption: tb('100000'), priceWad: WAD, assetDecimals: 6, trades: [] })
    expect(checkPoolReportArithmetic(f, 6)).toBeUndefined()
    expect(checkPoolReportArithmetic({ ...f, poolValue: f.poolValue + 1n }, 6)).toMatch(/poolValue/)
    expect(checkPoolReportArithmetic({ ...f, inventoryValue: usds('1') }, 6)).toMatch(/inventoryValue/)
  })

  it('a report older than the last, or about another pool, is refused with its gate', () => {
    const prev = { haloClass: 'tbill-class', pool: '0xaa', asset: '0xbb', asOfBlock: 10n }
    expect(checkPoolReportSuccession(undefined, prev)).toBeUndefined()
    expect(checkPoolReportSuccession(prev, { ...prev, asOfBlock: 11n })).toBeUndefined()
    expect(checkPoolReportSuccession(prev, { ...prev, asOfBlock: 10n })?.gate).toBe('REPORT_NOT_NEWER')
    expect(checkPoolReportSuccession(prev, { ...prev, asOfBlock: 11n, haloClass: 'other' })?.gate).toBe('OTHER_CLASS')
    expect(checkPoolReportSuccession(prev, { ...prev, asOfBlock: 11n, pool: '0xcc' })?.gate).toBe('POOL_MISMATCH')
  })
})

describe('the pool’s LCTS queues (planShareSettlements through planAmmCycle)', () => {
  const queue = (status: 'DORMANT' | 'ACTIVE' | 'LOCKED', totalUnderlying: bigint) => ({ status, generationId: 1n, totalUnderlying })
  const shares = (over: Partial<SharesObservation> = {}): SharesObservation => ({
    supply: usds('1000000'),
    assetDecimals: 6,
    subscribe: queue('DORMANT', 0n),
    redeem: queue('DORMANT', 0n),
    available: { subscribe: usds('10000000'), unsubscribe: usds('10000000') },
    ...over,
  })

  it('locks an ACTIVE queue, settles a LOCKED one (one settlement per cycle), at most its key allows', () => {
    const o = observation({ usdsHeld: usds('1000050'), shares: shares({ subscribe: queue('LOCKED', usds('500')), redeem: queue('LOCKED', usds('600000')) }) })
    expect(planAmmCycle(o, policy).actions).toEqual([{ kind: 'settleQueue', side: 'subscribe', capacity: usds('500') }])
    const redeemOnly = observation({ usdsHeld: usds('1000050'), shares: shares({ redeem: queue('LOCKED', usds('600000')), available: { subscribe: 0n, unsubscribe: usds('700000') } }) })
    expect(planAmmCycle(redeemOnly, policy).actions).toEqual([{ kind: 'settleQueue', side: 'redeem', capacity: usds('600000') }])
    const active = observation({ shares: shares({ subscribe: queue('ACTIVE', usds('1')) }) })
    expect(planAmmCycle(active, policy).actions).toEqual([{ kind: 'lockQueue', side: 'subscribe' }])
  })

  it('a redemption is capped by the UNSUBSCRIBE key and the pool’s USDS, in shares at the share value; capacity 0 sends nothing and alerts', () => {
    // value 1,000,050 over 1M shares; 700K USDS available → floor(700K × 1M ÷ 1,000,050) shares
    const o = observation({ usdsHeld: usds('1000050'), shares: shares({ redeem: queue('LOCKED', usds('1000000')), available: { subscribe: 0n, unsubscribe: usds('700000') } }) })
    const plan = planAmmCycle(o, policy)
    expect(plan.actions).toEqual([{ kind: 'settleQueue', side: 'redeem', capacity: redeemCapacityShares(usds('700000'), usds('1000050'), usds('1000000')) }])
    expect(usdsForRedemption(redeemCapacityShares(usds('700000'), usds('1000050'), usds('1000000')), usds('1000050'), usds('1000000'))).toBeLessThanOrEqual(usds('700000'))
    expect(plan.alerts.map((a) => a.code)).toContain('AMM_RATE_LIMIT_BINDING')
    const spent = observation({ shares: shares({ redeem: queue('LOCKED', usds('1')), available: { subscribe: 0n, unsubscribe: 0n } }) })
    expect(planAmmCycle(spent, policy).actions).toEqual([])
  })

  it('no lock or settle at a stale or deviating oracle or while paused', () => {
    const s = shares({ subscribe: queue('ACTIVE', usds('1')) })
    expect(planAmmCycle(observation({ shares: s, paused: true }), policy).actions).toEqual([])
    expect(planAmmCycle(observation({ shares: s, oracle: { priceWad: WAD, updatedAt: NOW - DAY - 1n } }), policy).actions).toEqual([])
    expect(planAmmCycle(observation({ shares: s, oracle: { priceWad: (WAD * 102n) / 100n, updatedAt: NOW } }), policy).actions).toEqual([])
  })

  it('share value: the T-bill story numbers, and a paid-but-unclosed request is not counted', () => {
    expect(shareValue({ usdsHeld: usds('900050'), assetHeld: 0n, pendingUnpaid: tb('100000'), priceWad: WAD, assetDecimals: 6 }, usds('1000000'))).toEqual({
      poolValue: usds('1000050'),
      supply: usds('1000000'),
      // the virtual offset: floor((1,000,050e18 + 10^6) × 1e18 ÷ (1e24 + 10^6))
      shareValueWad: usds('1.00005') - 1n,
    })
    // 600K of 1M shares: 600,030 less the virtual holder's 10^6 ÷ (1e24 + 10^6) of its 30 USDS gain
    expect(usdsForRedemption(usds('600000'), usds('1000050'), usds('1000000'))).toBe(usds('600030') - 30n)
    expect(sharesForSubscription(usds('100'), 0n, 0n)).toBe(usds('100'))
    // 1 wei into a pool where one share unit is worth (2e18 + 10^6) ÷ (1 + 10^6) wei mints nothing (and is not refused)
    expect(sharesForSubscription(1n, usds('2'), 1n)).toBe(0n)
  })
})
