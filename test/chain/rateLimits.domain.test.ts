import { describe, expect, it } from 'vitest'
import { InvalidInputError } from '../../src/domain/errors.js'
import { UNLIMITED, configureRateLimit, consumeRateLimit, currentRateLimit, refundRateLimit, type RateLimitData } from '../../src/domain/rateLimits.js'
import { BPS, SORL_DEFAULTS, checkSorl, slopeWithinDailyMax, sorlBound, typeOneTheftMax } from '../../src/domain/sorl.js'
import { mulDiv } from '../../src/domain/money.js'

const usd = (n: bigint) => n * 10n ** 18n

describe('rate limits (seed 001 "Rate Limit System")', () => {
  const limit: RateLimitData = { maxAmount: 1_000n, slope: 10n, lastAmount: 100n, lastUpdated: 50n }

  it('refills linearly from the last consumed level up to the max', () => {
    expect(currentRateLimit(limit, 50n)).toBe(100n)
    expect(currentRateLimit(limit, 60n)).toBe(200n)
    expect(currentRateLimit(limit, 140n)).toBe(1_000n)
    expect(currentRateLimit(limit, 10_000n)).toBe(1_000n)
  })

  it('consumption lowers what is available; more than available is refused and changes nothing', () => {
    expect(consumeRateLimit(limit, 150n, 60n)).toEqual({ ...limit, lastAmount: 50n, lastUpdated: 60n })
    const copy = { ...limit }
    expect(() => consumeRateLimit(limit, 201n, 60n)).toThrow(InvalidInputError)
    expect(limit).toEqual(copy)
  })

  it('unlimited never runs out and is never written', () => {
    const unlimited = { maxAmount: UNLIMITED, slope: 0n, lastAmount: UNLIMITED, lastUpdated: 0n }
    expect(consumeRateLimit(unlimited, usd(10n ** 12n), 5n)).toBe(unlimited)
  })

  it('a refund gives capacity back up to the max only', () => {
    expect(refundRateLimit(limit, 50n, 60n).lastAmount).toBe(250n)
    expect(refundRateLimit(limit, 5_000n, 60n).lastAmount).toBe(1_000n)
  })

  it('a new limit starts empty; reconfiguring keeps what is available, capped', () => {
    expect(configureRateLimit(undefined, 1_000n, 10n, 7n)).toEqual({ maxAmount: 1_000n, slope: 10n, lastAmount: 0n, lastUpdated: 7n })
    expect(configureRateLimit(limit, 150n, 10n, 60n).lastAmount).toBe(150n)
    expect(configureRateLimit(limit, 2_000n, 20n, 60n).lastAmount).toBe(200n)
  })
})

describe('SORL (25% per 18 h)', () => {
  const init = { maxAmount: usd(10_000_000n), slope: usd(115n) } // 10M per ~24.2 h (see stories.test.ts)
  const base = { ...SORL_DEFAULTS, init, lastIncreaseAt: 1_000n }

  it('exactly +25% after exactly one hop; sooner or more is refused; decreases always pass', () => {
    const old = init
    const plus25 = { maxAmount: usd(12_500_000n), slope: mulDiv(init.slope, 12_500n, BPS) }
    expect(checkSorl({ ...base, old, next: plus25, now: 1_000n + SORL_DEFAULTS.hopSeconds })).toEqual({ ok: true, increase: true })
    expect(checkSorl({ ...base, old, next: plus25, now: 999n + SORL_DEFAULTS.hopSeconds })).toMatchObject({ ok: false, reason: 'COOLDOWN' })
    expect(checkSorl({ ...base, old, next: { ...plus25, maxAmount: plus25.maxAmount + 1n }, now: 1_000n + SORL_DEFAULTS.hopSeconds })).toMatchObject({ ok: false, reason: 'EXCEEDED' })
    expect(checkSorl({ ...base, old, next: { maxAmount: 0n, slope: 0n }, now: 1_001n })).toEqual({ ok: true, increase: false })
    expect(checkSorl({ ...base, init: undefined, old, next: plus25, now: 10n ** 9n })).toMatchObject({ ok: false, reason: 'NO_INIT' })
  })

  it('an increase may not refill faster than its max per day (slope × 1 day ≤ max)', () => {
    const at = 1_000n + SORL_DEFAULTS.hopSeconds
    const daily = { maxAmount: usd(8_640_000n), slope: usd(100n) } // exactly max / 1 day
    expect(slopeWithinDailyMax(daily.maxAmount, daily.slope)).toBe(true)
    expect(slopeWithinDailyMax(daily.maxAmount, daily.slope + 1n)).toBe(false)
    expect(slopeWithinDailyMax(UNLIMITED, usd(1n))).toBe(true)
    const slopeOnly = { maxAmount: daily.maxAmount, slope: mulDiv(daily.slope, 12_500n, BPS) }
    expect(checkSorl({ ...base, init: daily, old: daily, next: slopeOnly, now: at })).toMatchObject({ ok: false, reason: 'SLOPE_ABOVE_DAILY_MAX' })
  })

  it('story 2: 10M → 12.5M → 15.625M, and ~47.7M after seven steps', () => {
    let max = init.maxAmount
    for (let day = 0; day < 7; day++) max = sorlBound(max, init.maxAmount, SORL_DEFAULTS.maxChangeBps)
    expect(sorlBound(init.maxAmount, 0n, 2_500n)).toBe(usd(12_500_000n))
    expect(sorlBound(usd(12_500_000n), 0n, 2_500n)).toBe(usd(15_625_000n))
    expect(max).toBe(47_683_715_820_312_500n * 10n ** 9n) // 47,683,715.8203125
  })

  it('bootstrap timeline at IRL $100K, one 25% step a day (rate-limit-attacks.md)', () => {
    const after = (days: number) => {
      let v = usd(100_000n)
      for (let d = 0; d < days; d++) v = sorlBound(v, 0n, 2_500n)
      return v / 10n ** 18n
    }
    expect(after(7)).toBe(476_837n) // ~$476K
    expect(after(14)).toBe(2_273_736n) // ~$2.27M
    expect(after(21)).toBe(10_842_021n) // ~$10.8M
    expect(after(28)).toBe(51_698_788n) // the table prints ~$51.4M; 1.25^28 × $100K is $51.7M
    expect(after(30)).toBe(80_779_356n) // ~$80M
  })

  it('Type 1 theft: IRL × (1 + 0.25 × SORL) = IRL × 1.0625', () => {
    // With a slope that divides the day exactly the result is exact.
    const exact = typeOneTheftMax({ irl: 86_400_000n, maxChangeBps: 2_500n, hopSeconds: 18n * 3600n, timeToFreezeSeconds: 24n * 3600n })
    expect(exact.maxTaken).toBe(91_800_000n) // 86,400,000 × 1.0625
    const irl = usd(100_000n)
    const theft = typeOneTheftMax({ irl, maxChangeBps: 2_500n, hopSeconds: 18n * 3600n, timeToFreezeSeconds: 24n * 3600n })
    expect(usd(106_250n) - theft.maxTaken).toBeGreaterThanOrEqual(0n)
    expect(usd(106_250n) - theft.maxTaken).toBeLessThan(10n ** 6n)
    // Operational risk capital for N₁ = 10 surfaces: ≈ $1.06M.
    expect((theft.maxTaken * 10n) / 10n ** 18n).toBe(1_062_499n)
  })
})
