import { beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_PORTFOLIO_SCENARIO } from '../../src/cli/demo.js'
import { formatPortfolioOutcome } from '../../src/devnet/format.js'
import { runPortfolioScenario, type PortfolioScenarioOutcome, type PortfolioTimelineEntry } from '../../src/devnet/runPortfolioScenario.js'
import { loadAnyScenario, parseAnyScenario, ScenarioInvalidError, type PortfolioScenario } from '../../src/devnet/scenario.js'
import { parseUnitsExact } from '../../src/domain/money.js'

/**
 * `halo demo`'s Portfolio part (examples/scenarios/day-one.json), run for real: the Portfolio
 * class and book deployed through the Halo Factory, spark's, grove's and keel's PAUs, their real
 * allocators (src/beacons/allocator: detection, onboarding checks, the domain's target
 * allocation, execution through each PAU) ticking at 09:00, lpha-lcts's cycle at 13:00, GovOps
 * applying each SORL step the allocators propose. Block times are deterministic once the book
 * opens, so every amount is exact to the wei.
 */
const u = (amount: string) => parseUnitsExact(amount, 18, 'amount')
type Allocation = Extract<PortfolioTimelineEntry, { kind: 'allocation' }>
type Ramp = Extract<PortfolioTimelineEntry, { kind: 'ramp' }>
const PRIMES = ['spark', 'grove', 'keel'] as const
/** Each Prime's subscribe limit into the senior unit, as governance approved it (the init). */
const INIT = { spark: '2000000', grove: '1500000', keel: '1000000' }

let outcome: PortfolioScenarioOutcome
const allocations = (prime: string) => outcome.timeline.filter((e): e is Allocation => e.kind === 'allocation' && e.prime === prime)
const ramps = (prime: string) => outcome.timeline.filter((e): e is Ramp => e.kind === 'ramp' && e.prime === prime)

beforeAll(async () => {
  outcome = await runPortfolioScenario({ scenario: loadAnyScenario(DEFAULT_PORTFOLIO_SCENARIO) as PortfolioScenario })
}, 120_000)

describe("halo demo's Portfolio part: Day-1 capital from every Prime, then a SORL-paced ramp", () => {
  it('runs on a fresh devnet; chain = Synome, the Synome log verifies', () => {
    expect({ chainEqualsSynome: outcome.chainEqualsSynome, synomeLogVerified: outcome.synomeLogVerified }).toEqual({ chainEqualsSynome: true, synomeLogVerified: true })
    expect(formatPortfolioOutcome(outcome)).toContain("spark's allocator (senior): first allocation day 1 09:00: 2000000 USDS")
  })

  it('before onboarding completes (lpha-lcts has not settled the unit yet) every allocator says BEACON_SILENT and sends nothing', () => {
    for (const prime of PRIMES) {
      const [first] = allocations(prime)
      expect(first).toMatchObject({ day: 0, at: '2027-01-04T09:00:00Z', eligible: false, reasons: ['BEACON_SILENT'], executed: null, current: '0', limitMax: INIT[prime], available: INIT[prime] })
    }
    // lpha-lcts's first cycle (day 0, 13:00) is the beacon integration the allocators wait for.
    expect(outcome.timeline.find((e) => e.kind === 'settlement')).toMatchObject({ day: 0, at: '2027-01-04T13:00:00Z', unit: 'junior', subscribed: '4500000' })
  })

  it('the first tick after onboarding (day 1, 09:00) lands each Prime’s first allocation: exactly its full limit, through its own PAU', () => {
    for (const prime of PRIMES) {
      const [, second] = allocations(prime)
      expect(second).toMatchObject({ day: 1, at: '2027-01-05T09:00:00Z', eligible: true, reasons: [], order: 'deposit', executed: INIT[prime], available: INIT[prime], limitMax: INIT[prime] })
      expect(second!.txHash).toMatch(/^0x[0-9a-f]{64}$/)
      // The junior unit has no Unit Artifact: every allocator records why it gets nothing from it.
      expect(second!.ineligible).toEqual([{ unit: 'junior', reasons: ['ARTIFACT_INCOMPLETE'] }])
    }
    expect(outcome.allocators.map((a) => [a.prime, a.firstAllocation])).toEqual([
      ['spark', { day: 1, at: '2027-01-05T09:00:00Z', amount: '2000000' }],
      ['grove', { day: 1, at: '2027-01-05T09:00:00Z', amount: '1500000' }],
      ['keel', { day: 1, at: '2027-01-05T09:00:00Z', amount: '1000000' }],
    ])
    expect(outcome.allocators.map((a) => [a.prime, a.target])).toEqual([['spark', '12000000'], ['grove', '6000000'], ['keel', '3000000']])
    // lpha-lcts converts the three in full that afternoon.
    expect(outcome.timeline.find((e) => e.kind === 'settlement' && e.day === 1)).toMatchObject({ unit: 'senior', subscribed: '4500000' })
  })

  it('no allocation ever exceeds the rate limit available at its block, nor the limit itself', () => {
    const all = PRIMES.flatMap(allocations).filter((e) => e.executed !== null && e.order === 'deposit')
    expect(all.length).toBe(12)
    for (const e of all) {
      expect(u(e.executed!)).toBeLessThanOrEqual(u(e.available!))
      expect(u(e.available!)).toBeLessThanOrEqual(u(e.limitMax!))
    }
  })

  it('later increases are paced by SORL: each raise is exactly +25% of the last, at least 18 h after it, once a day at 09:00', () => {
    expect(ramps('spark').map((r) => [r.day, r.maxAmount])).toEqual([[2, '2500000'], [3, '3125000'], [4, '3906250'], [5, '4882812.5']])
    expect(ramps('grove').map((r) => [r.day, r.maxAmount])).toEqual([[2, '1875000'], [3, '2343750'], [4, '2929687.5']])
    expect(ramps('keel').map((r) => [r.day, r.maxAmount])).toEqual([[2, '1250000'], [3, '1562500']])
    for (const prime of PRIMES) {
      let previous = { max: u(INIT[prime]), at: 0 }
      for (const r of ramps(prime)) {
        expect(u(r.maxAmount) * 10_000n).toBe(previous.max * 12_500n)
        const at = Date.parse(r.at)
        if (previous.at) expect(at - previous.at).toBeGreaterThanOrEqual(18 * 3_600_000)
        previous = { max: u(r.maxAmount), at }
      }
    }
    // Grove and keel stop asking once the limit covers what is left to their target.
    expect(outcome.allocators.map((a) => a.limitRaises.length)).toEqual([4, 3, 2])
  })

  it('deposits follow the raised limits, exact to the wei; once at its target an allocator only trims what NAV accrual added', () => {
    const executed = (prime: string) => allocations(prime).flatMap((e) => (e.executed ? [[e.day, e.order, e.executed]] : []))
    // Day 2: 86,400 s of refill at the 2M/day slope (floored per second), then 2 s at the raised 2.5M/day slope.
    expect(u('2000057.87037037037035757')).toBe((u('2000000') / 86_400n) * 86_400n + (u('2500000') / 86_400n) * 2n)
    expect(executed('spark')).toEqual([
      [1, 'deposit', '2000000'],
      [2, 'deposit', '2000057.87037037037035757'],
      [3, 'deposit', '2500014.467592592592576592'],
      [4, 'deposit', '3124972.873263888888847289'],
      [5, 'deposit', '2373179.5985387490926654'],
    ])
    expect(executed('grove')).toEqual([
      [1, 'deposit', '1500000'],
      [2, 'deposit', '1500043.402777777777768176'],
      [3, 'deposit', '1875010.850694444444367644'],
      [4, 'deposit', '1124325.996399589938839924'],
      [5, 'redeem', '652.556609054342952606'],
    ])
    expect(executed('keel')).toEqual([
      [1, 'deposit', '1000000'],
      [2, 'deposit', '1000028.935185185185178784'],
      [3, 'deposit', '999834.078513444952190527'],
      [4, 'redeem', '266.347415053412820434'],
      [5, 'redeem', '367.996898966266592302'],
    ])
    // What each subscribed into the senior unit is the sum of its allocator's deposits.
    expect(outcome.primes.map((p) => [p.name, p.subscribed.senior])).toEqual(outcome.allocators.map((a) => [a.prime, a.subscribed]))
    expect(outcome.allocators.map((a) => [a.prime, a.subscribed, a.redeemed])).toEqual([
      ['spark', '11998224.809765600944446851', '0'],
      ['grove', '5999380.249871812160975744', '652.556609054342952606'],
      ['keel', '2999863.013698630137369311', '634.344314019679412736'],
    ])
    expect(outcome.primes.map((p) => [p.name, p.shares.senior])).toEqual([
      ['spark', '11995723.562734233313299441'],
      ['grove', '5997949.798319742543307731'],
      ['keel', '2998974.899159871271653866'],
    ])
  })
})

describe('Portfolio scenario files: the Primes’ allocator parameters are validated, a bad one is refused naming the field', () => {
  const example = () => JSON.parse(JSON.stringify(loadAnyScenario(DEFAULT_PORTFOLIO_SCENARIO))) as Record<string, unknown> & { primes: Array<Record<string, unknown> & { allocator: Record<string, unknown> & { policy: Record<string, unknown> } }> }
  const refusal = (mutate: (s: ReturnType<typeof example>) => void) => {
    const s = example()
    mutate(s)
    try {
      parseAnyScenario(s)
    } catch (error) {
      expect(error).toBeInstanceOf(ScenarioInvalidError)
      return (error as Error).message
    }
    throw new Error('accepted')
  }

  it('the example parses with every Prime’s allocator', () => {
    const s = parseAnyScenario(example()) as PortfolioScenario
    expect(s.primes.map((p) => [p.name, p.allocator?.unit, p.allocator?.subscribeLimit, p.allocator?.policy.initialLimit])).toEqual([
      ['spark', 'senior', '2M/day', '100K/day'],
      ['grove', 'senior', '1.5M/day', '100K/day'],
      ['keel', 'senior', '1M/day', '100K/day'],
    ])
  })

  it('bad caps, shares, rates, units and unknown fields', () => {
    expect(refusal((s) => (s.primes[1]!.allocator.policy.maxShareBps = 20_000))).toMatch(/^scenario field primes\[1\]\.allocator\.policy\.maxShareBps: /)
    expect(refusal((s) => (s.primes[0]!.allocator.policy.perUnitCap = '12M'))).toMatch(/^scenario field primes\[0\]\.allocator\.policy\.perUnitCap: a USDS amount/)
    expect(refusal((s) => delete s.primes[2]!.allocator.policy.capitalBudget)).toMatch(/^scenario field primes\[2\]\.allocator\.policy\.capitalBudget: /)
    expect(refusal((s) => (s.primes[0]!.allocator.policy.minYield = 400))).toMatch(/^scenario field primes\[0\]\.allocator\.policy: .*minYield/)
    expect(refusal((s) => (s.primes[0]!.allocator.subscribeLimit = '2M'))).toMatch(/^scenario field primes\[0\]\.allocator\.subscribeLimit: a rate like 2M\/day/)
    expect(refusal((s) => (s.primes[0]!.allocator.unit = 'mezzanine'))).toMatch(/^scenario field primes\[0\]\.allocator\.unit: /)
    expect(refusal((s) => (s.primes[0]!.allocator.capital = '-1'))).toMatch(/^scenario field primes\[0\]\.allocator\.capital: /)
    expect(refusal((s) => (s.primes[0]!.subscriptions = [{ day: 1, unit: 'senior', amount: '1000000' }]))).toBe("scenario field primes[0].allocator.unit: the allocator decides spark's subscriptions into the senior unit: drop the scripted ones")
    expect(refusal((s) => ((s.book as { senior: Record<string, unknown> }).senior.riskWeight = '1.5'))).toMatch(/^scenario field book\.senior\.riskWeight: /)
  })
})
