import { targetAllocation, type AllocationUnit, type UnitAllocation } from '../../domain/allocator/allocation.js'
import { artifactMissing, artifactTerms, crrBpsOf } from '../../domain/allocator/artifact.js'
import { checkOnboarding, type Eligibility, type EligibilityPolicy } from '../../domain/allocator/eligibility.js'
import { DAY_SECONDS, planRamp, RampInfeasibleError, type RateLimitSetting, type RampStep } from '../../domain/allocator/rampPlan.js'
import { USDS_DECIMALS } from '../../domain/money.js'
import type { RiskFramework } from '../../domain/risk/framework.js'
import type { ReadRampStateReturnType } from '../../chain/rateLimits/readRampState.js'
import type { DetectedUnit } from './units.js'

/**
 * The allocator's pure decisions for one tick (no I/O; `now` is chain time, passed in):
 *   1. onboarding: each detected Unit checked with the domain's reason codes;
 *   2. targets: the domain's `targetAllocation` over the Prime's capital (idle USDS + what it
 *      holds), with required capital by lpla-verify's capital formula for the Artifact's model;
 *   3. orders clipped to what the rate limit has available now and to the idle USDS;
 *   4. the next SORL-paced rate-limit setting the Prime's GovOps could make, for Units the
 *      current limit cannot fill (the allocator holds no cBEAM: it only proposes).
 */
export type RateLimitObservation = RateLimitSetting & { available: bigint }

export type UnitObservation = {
  unit: DetectedUnit
  /** For inventory entries: does the code on chain hash to the entry's code hash. */
  conforming: boolean | undefined
  /** This Prime's deposit (subscribe) limit into the Unit; undefined when none is configured. */
  rateLimit: RateLimitObservation | undefined
  /** What this Prime holds in the Unit (queued + claimed, or queued + token value). */
  current: bigint
  /** What everyone holds in the Unit (its used capacity). */
  outstanding: bigint
}

export type AllocatorPolicy = {
  eligibility: EligibilityPolicy
  perUnitCap: bigint
  perClassCap: bigint
  maxShareBps: bigint
  capitalBudget: bigint
  /** At most this much of the Prime's capital in Halo Units (undefined: all it has). */
  maxDeployable?: bigint | undefined
  /** The conservative initial limit the allocator proposes for a Unit with no limit yet. */
  initialLimit: RateLimitSetting
}

export type UnitDecision = { observation: UnitObservation; eligibility: Eligibility; allocation: UnitAllocation }

export type TickDecision = { units: UnitDecision[]; deployable: bigint; requiredCapital: bigint }

const min = (a: bigint, b: bigint) => (a < b ? a : b)

export function decideAllocation(p: { observations: readonly UnitObservation[]; policy: AllocatorPolicy; framework: Pick<RiskFramework, 'capitalFormula'> | undefined; idle: bigint; now: bigint }): TickDecision {
  const held = p.observations.reduce((sum, o) => sum + o.current, 0n)
  const deployable = p.policy.maxDeployable === undefined ? p.idle + held : min(p.idle + held, p.policy.maxDeployable)
  const eligibility: Eligibility[] = []
  const units: AllocationUnit[] = []
  for (const o of p.observations) {
    const missing = artifactMissing(o.unit.artifact, USDS_DECIMALS)
    const terms = missing.length === 0 ? artifactTerms(o.unit.artifact!, USDS_DECIMALS) : undefined
    const crrBps = terms && p.framework ? crrBpsOf(p.framework, terms.riskModelRef) : undefined
    eligibility.push(
      checkOnboarding(
        {
          unitId: o.unit.unitId,
          haloClass: o.unit.haloClass,
          provenance: o.unit.provenance?.kind,
          conforming: o.conforming,
          beaconLastActiveAt: o.unit.beaconLastActiveAt,
          artifactMissing: missing,
          rateLimit: o.rateLimit,
          // An incomplete Artifact has no yield to compare: ARTIFACT_INCOMPLETE says why.
          yieldBps: terms?.yieldBps ?? p.policy.eligibility.minYieldBps,
          paused: o.unit.paused,
          riskModelKnown: terms ? crrBps !== undefined : undefined,
        },
        p.policy.eligibility,
        p.now,
      ),
    )
    const capacity = terms ? terms.capacity + o.current - min(o.outstanding, terms.capacity + o.current) : 0n
    units.push({ unitId: o.unit.unitId, haloClass: o.unit.haloClass, yieldBps: terms?.yieldBps ?? 0n, crrBps: crrBps ?? 0n, current: o.current, capacity, depositAvailable: o.rateLimit?.available ?? 0n })
  }
  const result = targetAllocation(units, eligibility, { deployable, perUnitCap: p.policy.perUnitCap, perClassCap: p.policy.perClassCap, maxShareBps: p.policy.maxShareBps, capitalBudget: p.policy.capitalBudget })
  // Deposits never spend more than the idle USDS (redeems are not counted as cash until they settle).
  let idle = p.idle
  const decided = result.units.map((allocation, i): UnitDecision => {
    let order = allocation.order
    if (order.kind === 'deposit') {
      const amount = min(order.amount, idle)
      idle -= amount
      order = { kind: amount === 0n ? 'none' : 'deposit', amount, rateLimited: order.rateLimited }
    }
    return { observation: p.observations[i]!, eligibility: eligibility[i]!, allocation: { ...allocation, order } }
  })
  return { units: decided, deployable, requiredCapital: result.requiredCapital }
}

/** The limit a Unit's remaining allocation needs, or undefined when the current limit will do. */
export function wantedLimit(decision: UnitDecision, policy: Pick<AllocatorPolicy, 'initialLimit'>): RateLimitSetting | undefined {
  const { eligibility, allocation, observation } = decision
  if (!eligibility.eligible) {
    // A Unit whose only shortcoming is the missing limit: propose the conservative initial one.
    return eligibility.reasons.length === 1 && eligibility.reasons[0] === 'NO_RATE_LIMIT' ? policy.initialLimit : undefined
  }
  const remaining = allocation.target > allocation.current ? allocation.target - allocation.current : 0n
  const limit = observation.rateLimit
  if (!limit || remaining <= limit.maxAmount) return undefined
  const slope = remaining / DAY_SECONDS
  return { maxAmount: remaining, slope: slope > limit.slope ? slope : limit.slope }
}

export type RampProposal = { unitId: string; step: RampStep; reachedAt: bigint }

/** The next step of the SORL-paced ramp towards `wanted` (planRamp), or undefined when none applies. */
export function proposeRamp(unitId: string, state: ReadRampStateReturnType, wanted: RateLimitSetting, initialLimit: RateLimitSetting, cadenceSeconds?: bigint): RampProposal | undefined {
  try {
    const plan = planRamp({ ...state, proposedInit: initialLimit, target: wanted, cadenceSeconds })
    const step = plan.steps[0]
    return step ? { unitId, step, reachedAt: plan.reachedAt } : undefined
  } catch (error) {
    if (error instanceof RampInfeasibleError) return undefined
    throw error
  }
}
