import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { targetAllocation, type AllocationPolicy, type AllocationUnit } from '../../../src/domain/allocator/allocation.js'
import { checkOnboarding, type UnitOnboarding } from '../../../src/domain/allocator/eligibility.js'

const M = 10n ** 6n * 10n ** 18n // 1M USDS in base units
const NOW = 1_780_000_000n
const policy = { beaconSilenceSeconds: 2n * 86_400n, minYieldBps: 400n }
const onboarded: UnitOnboarding = {
  unitId: 'clo-senior', haloClass: 'clo', provenance: 'factory', beaconLastActiveAt: NOW - 3_600n, artifactMissing: [],
  rateLimit: { maxAmount: 100n * M, available: 100n * M }, yieldBps: 500n,
}

describe('proper onboarding (seed 000): what makes a Unit eligible, and the reason codes when it is not', () => {
  it('a factory-deployed Unit with a live beacon, a complete Artifact and a rate limit is eligible', () => {
    expect(checkOnboarding(onboarded, policy, NOW)).toEqual({ unitId: 'clo-senior', eligible: true })
  })
  it('names every missing requirement', () => {
    const unit = { ...onboarded, provenance: undefined, beaconLastActiveAt: NOW - 3n * 86_400n, artifactMissing: ['recourse'], rateLimit: undefined, yieldBps: 300n, paused: true }
    expect(checkOnboarding(unit, policy, NOW)).toEqual({
      unitId: 'clo-senior', eligible: false,
      reasons: ['NOT_FACTORY_DEPLOYED', 'BEACON_SILENT', 'ARTIFACT_INCOMPLETE', 'NO_RATE_LIMIT', 'YIELD_BELOW_MINIMUM', 'UNIT_PAUSED'],
    })
  })
  it('a pre-factory inventory entry counts only when its code conforms; a beacon that never acted is silent; a zero limit is none', () => {
    expect(checkOnboarding({ ...onboarded, provenance: 'inventory', conforming: true }, policy, NOW).eligible).toBe(true)
    expect(checkOnboarding({ ...onboarded, provenance: 'inventory', conforming: false }, policy, NOW)).toMatchObject({ reasons: ['INVENTORY_NON_CONFORMING'] })
    expect(checkOnboarding({ ...onboarded, beaconLastActiveAt: undefined }, policy, NOW)).toMatchObject({ reasons: ['BEACON_SILENT'] })
    expect(checkOnboarding({ ...onboarded, rateLimit: { maxAmount: 0n, available: 0n } }, policy, NOW)).toMatchObject({ reasons: ['NO_RATE_LIMIT'] })
  })
})

const unit = (over: Partial<AllocationUnit> & { unitId: string }): AllocationUnit => ({
  haloClass: 'clo', yieldBps: 500n, crrBps: 1_000n, current: 0n, capacity: 1_000n * M, depositAvailable: 1_000n * M, ...over,
})
const base: AllocationPolicy = { deployable: 100n * M, perUnitCap: 50n * M, perClassCap: 80n * M, maxShareBps: 4_000n, capitalBudget: 20n * M }

describe('target allocation across eligible Units', () => {
  it('fills by yield within unit, class and share caps, and the rest waits for the rate limit', () => {
    const units = [
      unit({ unitId: 'clo-junior', yieldBps: 900n, crrBps: 2_500n }),
      unit({ unitId: 'clo-senior', yieldBps: 550n, depositAvailable: 10n * M }),
      unit({ unitId: 'tbill', haloClass: 'tbills', yieldBps: 420n, crrBps: 200n }),
      unit({ unitId: 'silent', haloClass: 'tbills', yieldBps: 2_000n, current: 5n * M }),
    ]
    const eligibility = units.map((u) => (u.unitId === 'silent' ? { unitId: u.unitId, eligible: false as const, reasons: ['BEACON_SILENT' as const] } : { unitId: u.unitId, eligible: true as const }))
    const plan = targetAllocation(units, eligibility, base)
    const byId = Object.fromEntries(plan.units.map((u) => [u.unitId, u]))
    // The silent unit keeps its 5M (no new capital, no forced exit): 95M left, 19.5M capital left.
    expect(byId.silent).toMatchObject({ target: 5n * M, limitedBy: 'INELIGIBLE', order: { kind: 'none' } })
    // Junior first (9%): share cap 40M; CRR 25% → 10M capital.
    expect(byId['clo-junior']).toMatchObject({ target: 40n * M, limitedBy: 'SHARE_CAP', order: { kind: 'deposit', amount: 40n * M, rateLimited: false } })
    // Senior: class cap 80M − 40M = 40M; CRR 10% → 4M capital; only 10M deposit limit today.
    expect(byId['clo-senior']).toMatchObject({ target: 40n * M, limitedBy: 'CLASS_CAP', order: { kind: 'deposit', amount: 10n * M, rateLimited: true } })
    // T-bills: 95M − 80M = 15M left to deploy; capital 19.5M − 14M = 5.5M covers 275M at 2%.
    expect(byId.tbill).toMatchObject({ target: 15n * M, limitedBy: 'DEPLOYABLE' })
    expect(plan.deployed).toBe(100n * M)
    expect(plan.requiredCapital).toBe(10n * M + 4n * M + 3n * M / 10n + 5n * M / 10n)
  })

  it('a position above a cap that shrank is redeemed down to it', () => {
    const plan = targetAllocation([unit({ unitId: 'a', current: 60n * M })], [{ unitId: 'a', eligible: true }], base)
    expect(plan.units[0]).toMatchObject({ target: 40n * M, limitedBy: 'SHARE_CAP', order: { kind: 'redeem', amount: 20n * M } })
  })

  it('the CRR budget binds: a 25% CRR unit gets what 2M of capital covers', () => {
    const plan = targetAllocation([unit({ unitId: 'a', crrBps: 2_500n })], [{ unitId: 'a', eligible: true }], { ...base, capitalBudget: 2n * M })
    expect(plan.units[0]).toMatchObject({ target: 8n * M, limitedBy: 'CRR_BUDGET' })
  })

  it('property: no cap, budget, capacity or rate limit is ever exceeded', () => {
    const amount = fc.bigInt({ min: 0n, max: 200n * M })
    const arbUnit = fc.record({
      unitId: fc.constantFrom('u1', 'u2', 'u3', 'u4', 'u5', 'u6'),
      haloClass: fc.constantFrom('a', 'b'),
      yieldBps: fc.bigInt({ min: 0n, max: 2_000n }),
      crrBps: fc.bigInt({ min: 0n, max: 10_000n }),
      current: amount, capacity: amount, depositAvailable: amount,
      eligible: fc.boolean(),
    })
    const arbPolicy = fc.record({ deployable: amount, perUnitCap: amount, perClassCap: amount, maxShareBps: fc.bigInt({ min: 0n, max: 10_000n }), capitalBudget: amount })
    fc.assert(
      fc.property(fc.uniqueArray(arbUnit, { selector: (u) => u.unitId, maxLength: 6 }), arbPolicy, (raw, p) => {
        const units = raw.map(({ eligible: _, ...u }) => u)
        const eligibility = raw.map((u) => (u.eligible ? { unitId: u.unitId, eligible: true as const } : { unitId: u.unitId, eligible: false as const, reasons: ['BEACON_SILENT' as const] }))
        const plan = targetAllocation(units, eligibility, p)
        const held = raw.filter((u) => !u.eligible).reduce((s, u) => s + u.current, 0n)
        let newCapital = 0n
        for (const [i, out] of plan.units.entries()) {
          const u = raw[i]!
          if (!u.eligible) {
            expect(out.target).toBe(u.current)
            expect(out.order.kind).toBe('none')
            continue
          }
          expect(out.target <= p.perUnitCap && out.target <= u.capacity && out.target * 10_000n <= p.deployable * p.maxShareBps).toBe(true)
          if (out.order.kind === 'deposit') expect(out.order.amount <= u.depositAvailable && out.order.amount > 0n).toBe(true)
          if (out.order.kind === 'redeem') expect(out.target + out.order.amount).toBe(u.current)
          newCapital += (out.target * u.crrBps + 9_999n) / 10_000n
        }
        for (const cls of ['a', 'b']) {
          const inClass = plan.units.filter((_, i) => raw[i]!.eligible && raw[i]!.haloClass === cls).reduce((s, u) => s + u.target, 0n)
          const heldInClass = raw.filter((u) => !u.eligible && u.haloClass === cls).reduce((s, u) => s + u.current, 0n)
          expect(inClass <= (p.perClassCap > heldInClass ? p.perClassCap - heldInClass : 0n)).toBe(true)
        }
        expect(plan.deployed - held <= (p.deployable > held ? p.deployable - held : 0n)).toBe(true)
        const heldCapital = raw.filter((u) => !u.eligible).reduce((s, u) => s + (u.current * u.crrBps + 9_999n) / 10_000n, 0n)
        expect(newCapital <= (p.capitalBudget > heldCapital ? p.capitalBudget - heldCapital : 0n)).toBe(true)
      }),
      { numRuns: 500 },
    )
  })
})
