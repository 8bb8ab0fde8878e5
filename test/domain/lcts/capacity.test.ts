import { describe, expect, it } from 'vitest'
import { parseUnits } from 'viem'
import { pairCapacity, throttledOrigination, type CapacityInputs } from '../../../src/domain/lcts/capacity.js'
import { WAD } from '../../../src/domain/money.js'

const m = (millions: string) => parseUnits(millions, 24) // $1M = 1e6 × 1e18
const inputs = (over: Partial<CapacityInputs> = {}): CapacityInputs => ({
  originationCapacity: m('30'),
  clearingSpreadBps: 300n,
  riskCapitalDemand: m('1000'),
  targetSpreadBps: 200n,
  redemptionLimit: m('10'),
  ...over,
})

describe('LCTS pair capacity (daily-settlement-cycle.md Part 5)', () => {
  it('the netting example: $100M subscribe, $30M redeem, $30M capacity → redeem fully processed, $60M subscribed, $40M left', () => {
    const c = pairCapacity({ subscribeQueued: m('100'), redeemQueued: m('30'), tokenSupply: m('500'), exchangeRateWad: WAD, inputs: inputs({ redemptionLimit: 0n }), previousInputs: null })
    expect(c.matchedValue).toBe(m('30'))
    expect(c.redeemCapacity).toBe(m('30'))
    expect(c.subscribeCapacity).toBe(m('60'))
    expect(m('100') - c.subscribeCapacity).toBe(m('40'))
    expect(c.fallback).toBe('none')
  })

  it('redeem side larger: subscribe clears, redeem gets netting + the redemption limit, in tokens at the exchange rate', () => {
    const rate = parseUnits('1.25', 18) // 1 srUSDS = 1.25 sUSDS
    const c = pairCapacity({ subscribeQueued: m('25'), redeemQueued: m('100'), tokenSupply: m('500'), exchangeRateWad: rate, inputs: inputs(), previousInputs: null })
    expect(c.subscribeCapacity).toBe(m('25'))
    expect(c.redeemCapacity).toBe(m('20') + m('8')) // 25M value = 20M tokens, + 10M value = 8M tokens
  })

  it('target spread throttle: full capacity while the spread holds, reduced to keep it, zero when already diluted', () => {
    // cap = 1,000 × 300 ÷ 200 = 1,500; supply 1,480 → room 20 < 30
    expect(throttledOrigination(inputs(), m('1480'))).toBe(m('20'))
    expect(throttledOrigination(inputs(), m('1000'))).toBe(m('30'))
    expect(throttledOrigination(inputs(), m('1600'))).toBe(0n)
    expect(throttledOrigination(inputs({ clearingSpreadBps: 100n }), m('600'))).toBe(0n) // 500 cap
  })

  it('a missing input uses the previous epoch’s parameters, and net-flow-only without them', () => {
    const base = { subscribeQueued: m('100'), redeemQueued: m('30'), tokenSupply: m('500'), exchangeRateWad: WAD }
    const prev = pairCapacity({ ...base, inputs: null, previousInputs: inputs({ originationCapacity: m('5') }) })
    expect(prev.fallback).toBe('previous-epoch')
    expect(prev.subscribeCapacity).toBe(m('35'))
    const netOnly = pairCapacity({ ...base, inputs: null, previousInputs: null })
    expect(netOnly.fallback).toBe('net-flow-only')
    expect(netOnly.subscribeCapacity).toBe(m('30'))
    expect(netOnly.redeemCapacity).toBe(m('30'))
  })

  it('refuses negative inputs and a zero exchange rate', () => {
    const base = { subscribeQueued: 1n, redeemQueued: 1n, tokenSupply: 0n, exchangeRateWad: WAD, previousInputs: null }
    expect(() => pairCapacity({ ...base, inputs: inputs({ redemptionLimit: -1n }) })).toThrow(/redemptionLimit/)
    expect(() => pairCapacity({ ...base, exchangeRateWad: 0n, inputs: null })).toThrow(/exchangeRate/)
  })
})

describe('LCTS daily cycle and exchange rate', async () => {
  const { accrueExchangeRate, assertSchedule, daysBetween, DEFAULT_SCHEDULE, epochOf, isSkipped, lockTime, settleTime } = await import('../../../src/domain/lcts/cycle.js')
  it('locks at 13:00 and settles at 16:00 UTC of the epoch; weekends skipped when configured', () => {
    expect(lockTime('2026-12-01', DEFAULT_SCHEDULE).toISOString()).toBe('2026-12-01T13:00:00.000Z')
    expect(settleTime('2026-12-01', DEFAULT_SCHEDULE).toISOString()).toBe('2026-12-01T16:00:00.000Z')
    expect(epochOf(new Date('2026-12-05T23:59:59Z'))).toBe('2026-12-05')
    const weekends = { ...DEFAULT_SCHEDULE, skipWeekdaysUtc: [0, 6], skipDates: ['2026-12-25'] }
    expect(['2026-12-04', '2026-12-05', '2026-12-06', '2026-12-07', '2026-12-25'].map((d) => isSkipped(d, weekends))).toEqual([false, true, true, false, true])
    expect(daysBetween('2026-12-04', '2026-12-07')).toBe(3n)
  })

  it('refuses a schedule that settles before it locks or locks longer than 3 hours', () => {
    expect(() => assertSchedule({ ...DEFAULT_SCHEDULE, settleAtSecondsUtc: 12 * 3600 })).toThrow(/lock before/)
    expect(() => assertSchedule({ ...DEFAULT_SCHEDULE, settleAtSecondsUtc: 17 * 3600 })).toThrow(/3 hours/)
  })

  it('accrues the clearing spread on the rented share: 365 bps on all of it for one day is +0.01%', () => {
    const r = accrueExchangeRate({ exchangeRateWad: WAD, inputs: inputs({ clearingSpreadBps: 365n, riskCapitalDemand: m('100') }), supplyValue: m('100'), days: 1n })
    expect(r).toBe(WAD + WAD / 10_000n)
    const half = accrueExchangeRate({ exchangeRateWad: WAD, inputs: inputs({ clearingSpreadBps: 365n, riskCapitalDemand: m('50') }), supplyValue: m('100'), days: 1n })
    expect(half).toBe(WAD + WAD / 20_000n)
    expect(accrueExchangeRate({ exchangeRateWad: WAD, inputs: null, supplyValue: m('1'), days: 3n })).toBe(WAD)
  })
})
