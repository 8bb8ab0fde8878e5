import { describe, expect, it } from 'vitest'
import { DAY_SECONDS, RampInfeasibleError, parseRatePerPeriod, planRamp, type RampStep } from '../../../src/domain/allocator/rampPlan.js'
import { formatUnitsExact, USDS_DECIMALS } from '../../../src/domain/money.js'
import { SORL_DEFAULTS } from '../../../src/domain/sorl.js'

// reference/smart-contracts/rate-limit-attacks.md, "Bootstrap Timeline at Adopted Parameters":
// IRL $100K, SORL 25%, one SORL step a day; the 100M/day target is reached on day 31.
const irl = parseRatePerPeriod('100K/day', USDS_DECIMALS)
const target = parseRatePerPeriod('100M/day', USDS_DECIMALS)
const T0 = 1_780_000_000n
const sorl = { hopSeconds: SORL_DEFAULTS.hopSeconds, maxChangeBps: SORL_DEFAULTS.maxChangeBps, timelockDelaySeconds: SORL_DEFAULTS.timelockDelaySeconds }
const usds = (v: bigint) => formatUnitsExact(v, USDS_DECIMALS)
const sets = (steps: RampStep[]) => steps.filter((s): s is Extract<RampStep, { kind: 'set' }> => s.kind === 'set')

describe('ramp planner: Prime GovOps stage a new Unit within SORL', () => {
  it('parses 100M/day as a 100M max refilling in one day', () => {
    expect(target.maxAmount).toBe(100_000_000n * 10n ** 18n)
    expect(target.slope).toBe((100_000_000n * 10n ** 18n) / 86_400n)
    expect(() => parseRatePerPeriod('100M per day', 18)).toThrow(/100M\/day/)
    expect(() => parseRatePerPeriod('1.5e6/day', 18)).toThrow()
  })

  it("follows the reference's bootstrap timeline at one step a day: day 7 ≈ $476K, day 30 ≈ $80M, target on day 31", () => {
    const plan = planRamp({ ...sorl, current: { maxAmount: 0n, slope: 0n }, init: irl, target, lastIncreaseAt: 0n, now: T0, cadenceSeconds: DAY_SECONDS })
    const byDay = new Map(sets(plan.steps).map((s) => [(s.at - T0) / DAY_SECONDS, s.setting.maxAmount]))
    expect(usds(byDay.get(0n)!)).toBe('100000')
    expect(usds(byDay.get(7n)!)).toBe('476837.158203125') // 100K × 1.25^7, exact
    expect(usds(byDay.get(14n)!).startsWith('2273736.7544')).toBe(true) // ~$2.27M
    expect(usds(byDay.get(21n)!).startsWith('10842021.724')).toBe(true) // ~$10.8M
    expect(usds(byDay.get(28n)!).startsWith('51698788.284')).toBe(true) // ~$51.7M (table: ~$51.4M)
    expect(usds(byDay.get(30n)!).startsWith('80779356.694')).toBe(true) // ~$80M
    expect(byDay.get(31n)).toBe(target.maxAmount)
    expect(plan.reachedAt).toBe(T0 + 31n * DAY_SECONDS)
    expect(plan.increases).toBe(32) // the creation at the init counts as a raise, then 31 increases
  })

  it('at the earliest SORL pace (every 18 h) reaches 100M/day after 31 hops', () => {
    const plan = planRamp({ ...sorl, current: { maxAmount: 0n, slope: 0n }, init: irl, target, lastIncreaseAt: 0n, now: T0 })
    expect(plan.reachedAt).toBe(T0 + 31n * sorl.hopSeconds)
    const steps = sets(plan.steps)
    for (let i = 1; i < steps.length; i++) {
      const [prev, next] = [steps[i - 1]!, steps[i]!]
      expect(next.at - prev.at).toBeGreaterThanOrEqual(sorl.hopSeconds)
      expect(next.setting.maxAmount * 10_000n).toBeLessThanOrEqual(prev.setting.maxAmount * 12_500n)
      expect(next.setting.slope * 10_000n).toBeLessThanOrEqual(prev.setting.slope * 12_500n)
    }
    expect(steps.at(-1)!.setting).toEqual(target)
  })

  it('starts with a timelocked init when governance has approved none, and ramps only once it is ready', () => {
    const plan = planRamp({ ...sorl, current: { maxAmount: 0n, slope: 0n }, init: undefined, proposedInit: irl, target, lastIncreaseAt: 0n, now: T0 })
    expect(plan.steps[0]).toEqual({ kind: 'schedule-init', at: T0, readyAt: T0 + 14n * DAY_SECONDS, init: irl })
    expect(sets(plan.steps)[0]!.at).toBe(T0 + 14n * DAY_SECONDS)
    expect(plan.reachedAt).toBe(T0 + 14n * DAY_SECONDS + 31n * sorl.hopSeconds)
    expect(() => planRamp({ ...sorl, current: { maxAmount: 0n, slope: 0n }, init: undefined, target, lastIncreaseAt: 0n, now: T0 })).toThrow(RampInfeasibleError)
  })

  it('waits out the cooldown of a limit raised recently', () => {
    const current = { maxAmount: 1_000_000n * 10n ** 18n, slope: (1_000_000n * 10n ** 18n) / 86_400n }
    const plan = planRamp({ ...sorl, current, init: irl, target, lastIncreaseAt: T0 - 3_600n, now: T0 })
    expect(sets(plan.steps)[0]!.at).toBe(T0 - 3_600n + sorl.hopSeconds)
  })

  it('refuses a target SORL cannot reach by the date asked, naming the earliest feasible date', () => {
    const by = T0 + 30n * DAY_SECONDS
    let error: unknown
    try {
      planRamp({ ...sorl, current: { maxAmount: 0n, slope: 0n }, init: irl, target, lastIncreaseAt: 0n, now: T0, cadenceSeconds: DAY_SECONDS, by })
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(RampInfeasibleError)
    expect((error as RampInfeasibleError).code).toBe('RAMP_INFEASIBLE')
    expect((error as RampInfeasibleError).meta).toMatchObject({ reason: 'TOO_LATE', earliestAt: (T0 + 31n * DAY_SECONDS).toString() })
    expect((error as RampInfeasibleError).details).toContain(new Date(Number(T0 + 31n * DAY_SECONDS) * 1000).toISOString())
  })

  it('lowers a limit above the target at once, and refuses a ramp SORL cannot grow', () => {
    const above = { maxAmount: target.maxAmount * 2n, slope: target.slope * 2n }
    const plan = planRamp({ ...sorl, current: above, init: irl, target, lastIncreaseAt: T0 - 60n, now: T0 })
    expect(plan.steps).toEqual([{ kind: 'set', at: T0, setting: target, increase: false }])
    expect(() =>
      planRamp({ ...sorl, maxChangeBps: 0n, current: irl, init: irl, target, lastIncreaseAt: T0, now: T0 }),
    ).toThrow(/no further growth/)
  })

  it('bounds the number of steps', () => {
    expect(() => planRamp({ ...sorl, maxChangeBps: 1n, current: { maxAmount: 0n, slope: 0n }, init: irl, target, lastIncreaseAt: 0n, now: T0, maxSteps: 50 })).toThrow(/more than 50 steps/)
  })
})
