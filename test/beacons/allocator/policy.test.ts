/**
 * The allocator's pure pieces: the Artifact check, the CRR rate from the capital formula, the
 * tick decision (caps, capacity, idle cash, rate limit) and what it proposes to GovOps; the
 * config refuses a bad file naming the field.
 */
import { describe, expect, it } from 'vitest'
import { artifactMissing, crrBpsOf } from '../../../src/domain/allocator/artifact.js'
import { parseAllocatorBeaconConfig } from '../../../src/beacons/allocator/config.js'
import { decideAllocation, wantedLimit, type AllocatorPolicy, type UnitObservation } from '../../../src/beacons/allocator/policy.js'
import type { DetectedUnit } from '../../../src/beacons/allocator/units.js'
import { parseRatePerPeriod } from '../../../src/domain/allocator/rampPlan.js'
import { parseRiskFramework } from '../../../src/domain/risk/framework.js'
import { ARTIFACT, FRAMEWORK, POLICY } from './support.js'

const M = 10n ** 24n
const NOW = 1_780_000_000n
const framework = parseRiskFramework(FRAMEWORK, 'devnet-alloc-1')
const policy: AllocatorPolicy = {
  eligibility: { beaconSilenceSeconds: 172_800n, minYieldBps: 400n },
  perUnitCap: 5n * M, perClassCap: 8n * M, maxShareBps: 5000n, capitalBudget: 1n * M, initialLimit: parseRatePerPeriod('100K/day', 18),
}
const unit = (unitId: string, artifact: Record<string, unknown> = ARTIFACT): DetectedUnit => ({
  unitId, haloClass: unitId, target: { kind: 'nfat-facility', facility: '0x0000000000000000000000000000000000000001' },
  provenance: { kind: 'inventory', codeHash: `0x${'11'.repeat(32)}` }, artifact, beaconLastActiveAt: NOW - 3600n, paused: false, claimedBy: new Map(), source: 'test',
})
const observed = (u: DetectedUnit, over: Partial<UnitObservation> = {}): UnitObservation => ({
  unit: u, conforming: true, rateLimit: { maxAmount: 100n * M, slope: 0n, available: 100n * M }, current: 0n, outstanding: 0n, ...over,
})

describe('Unit Artifact and CRR (pure)', () => {
  it('a missing or malformed field counts as missing, in the fixed order; none missing when complete', () => {
    expect(artifactMissing(ARTIFACT, 18)).toEqual([])
    expect(artifactMissing(undefined, 18)).toHaveLength(7)
    expect(artifactMissing({ ...ARTIFACT, yieldBps: 5.5, capacity: '1e8', legalRecourse: '  ' }, 18)).toEqual(['legalRecourse', 'yieldBps', 'capacity'])
  })
  it('the CRR is the model rate of the capital formula in basis points, rounded up; an unknown model has none', () => {
    expect(crrBpsOf(framework, 'senior-secured')).toBe(800n)
    expect(crrBpsOf({ capitalFormula: { riskModels: { x: { kind: 'liquid', riskWeight: 10n ** 16n, frtbDrawdown: 10n ** 14n + 1n, category: 'c' } }, categoryCaps: {} } }, 'x')).toBe(100n)
    expect(crrBpsOf(framework, 'unrated')).toBeUndefined()
  })
})

describe('the tick decision (pure)', () => {
  it('caps by unit and share, counts what others hold against capacity, and never deposits more than the idle USDS', () => {
    const a = unit('a')
    const b = unit('b', { ...ARTIFACT, capacity: '1000000', yieldBps: 450 })
    const d = decideAllocation({ observations: [observed(a), observed(b, { outstanding: 400_000n * 10n ** 18n })], policy, framework, idle: 5_300_000n * 10n ** 18n, now: NOW })
    expect(d.deployable).toBe(5_300_000n * 10n ** 18n)
    // a: share cap 50% of 5.3M = 2.65M; b: the 600K of capacity others left
    expect(d.units.map((u) => [u.allocation.target, u.allocation.limitedBy])).toEqual([[2_650_000n * 10n ** 18n, 'SHARE_CAP'], [600_000n * 10n ** 18n, 'CAPACITY']])
    const spent = d.units.reduce((s, u) => s + u.allocation.order.amount, 0n)
    expect(spent).toBeLessThanOrEqual(5_300_000n * 10n ** 18n)
    // The CRR: 8% of what is allocated, rounded up
    expect(d.requiredCapital).toBe(((2_650_000n + 600_000n) * 10n ** 18n * 800n) / 10_000n)
  })
  it('with less idle USDS than the orders, later orders are cut to what is left', () => {
    const d = decideAllocation({ observations: [observed(unit('a')), observed(unit('b'), { current: 9n * M })], policy: { ...policy, perClassCap: 100n * M }, framework, idle: 1n * M, now: NOW })
    expect(d.units[0]!.allocation.order).toEqual({ kind: 'deposit', amount: 1n * M, rateLimited: false })
  })
  it('proposes a larger limit only when the remaining target exceeds the limit’s max; the initial limit when the limit is the only thing missing', () => {
    const small = decideAllocation({ observations: [observed(unit('a'), { rateLimit: { maxAmount: 100_000n * 10n ** 18n, slope: 1n, available: 10n } })], policy, framework, idle: 10n * M, now: NOW }).units[0]!
    expect(wantedLimit(small, policy)).toEqual({ maxAmount: 5n * M, slope: (5n * M) / 86_400n })
    const enough = decideAllocation({ observations: [observed(unit('a'))], policy, framework, idle: 10n * M, now: NOW }).units[0]!
    expect(wantedLimit(enough, policy)).toBeUndefined()
    const none = decideAllocation({ observations: [observed(unit('a'), { rateLimit: undefined })], policy, framework, idle: 10n * M, now: NOW }).units[0]!
    expect(none.eligibility).toEqual({ unitId: 'a', eligible: false, reasons: ['NO_RATE_LIMIT'] })
    expect(wantedLimit(none, policy)).toEqual(policy.initialLimit)
    const silent = decideAllocation({ observations: [observed({ ...unit('a'), beaconLastActiveAt: undefined }, { rateLimit: undefined })], policy, framework, idle: 10n * M, now: NOW }).units[0]!
    expect(wantedLimit(silent, policy)).toBeUndefined()
  })
})

describe('allocator config', () => {
  const base = { prime: 'spark', rpcUrl: 'http://127.0.0.1:8545', privateKey: `0x${'5a'.repeat(32)}`, synome: { url: 'http://127.0.0.1:8787' }, chain: { configurator: `0x${'01'.repeat(20)}`, almProxy: `0x${'02'.repeat(20)}`, controller: `0x${'03'.repeat(20)}`, rateLimits: `0x${'04'.repeat(20)}`, usds: `0x${'05'.repeat(20)}` }, policy: POLICY }
  it('accepts the documented shape; the environment key wins', () => {
    expect(parseAllocatorBeaconConfig(base, { HALO_ALLOCATOR_PRIVATE_KEY: `0x${'6b'.repeat(32)}` }).privateKey).toBe(`0x${'6b'.repeat(32)}`)
  })
  it('a float amount, a bad rate or an unknown field is refused naming the field', () => {
    for (const [bad, field] of [[{ ...base, policy: { ...POLICY, perUnitCap: 5e6 } }, 'policy.perUnitCap'], [{ ...base, policy: { ...POLICY, initialLimit: 'fast' } }, 'policy.initialLimit'], [{ ...base, cBEAM: 'x' }, '']] as const) {
      expect(() => parseAllocatorBeaconConfig(bad, {})).toThrow(expect.objectContaining({ code: 'INVALID_INPUT', meta: { fields: [field] } }))
    }
  })
})
