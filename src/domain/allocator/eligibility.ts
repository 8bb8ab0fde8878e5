/**
 * Seed 000 "What Proper Onboarding Means": a Prime allocates to a Halo Unit only when it is
 * factory-deployed (or a conforming pre-factory inventory entry), its beacon is live, its
 * Artifact is complete and a rate limit exists for this Prime's PAU. For each Unit it passes
 * over, the allocator says why with a stable reason code (as Yearn's debt allocator answers
 * `shouldUpdateDebt` with a reason). Pure: `now` is passed in.
 */
export const INELIGIBLE_REASONS = {
  NOT_FACTORY_DEPLOYED: 'not deployed from a factory template and not a conforming inventory entry',
  INVENTORY_NON_CONFORMING: "the pre-factory inventory entry's code does not match its template",
  BEACON_SILENT: "the Unit's beacon has not acted (settled or claimed) recently",
  ARTIFACT_INCOMPLETE: 'the Unit Artifact is missing required fields',
  NO_RATE_LIMIT: "no rate limit for this Prime's PAU into the Unit",
  YIELD_BELOW_MINIMUM: "the Unit's yield is below the Prime's minimum",
  UNIT_PAUSED: 'the Unit raised a warning signal and takes no new capital',
  RISK_MODEL_UNKNOWN: "the Artifact's risk model is not in the published risk framework, so its required capital cannot be computed",
} as const
export type IneligibleReason = keyof typeof INELIGIBLE_REASONS

export type UnitOnboarding = {
  unitId: string
  haloClass: string
  /** 'factory': deployed by the Halo Factory; 'inventory': registered by hand; undefined: neither. */
  provenance: 'factory' | 'inventory' | undefined
  /** For inventory entries: whether the runtime code matches the template's. */
  conforming?: boolean | undefined
  /** Last time the Unit's beacon acted (lock/settle or claim), unix seconds; undefined = never. */
  beaconLastActiveAt: bigint | undefined
  /** Required Artifact fields that are still missing (empty = complete). */
  artifactMissing: readonly string[]
  /** This Prime's rate limit into the Unit; undefined = none configured. */
  rateLimit: { maxAmount: bigint; available: bigint } | undefined
  /** The Unit's yield in basis points a year. */
  yieldBps: bigint
  /** A warning signal is active (seed 000 "Emergency Procedures"). */
  paused?: boolean | undefined
  /** The Artifact's risk model is in the current risk framework (undefined or true = yes). */
  riskModelKnown?: boolean | undefined
}

export type EligibilityPolicy = {
  /** How long a beacon may be silent before the Unit counts as not integrated. */
  beaconSilenceSeconds: bigint
  minYieldBps: bigint
}

export type Eligibility = { unitId: string; eligible: true } | { unitId: string; eligible: false; reasons: IneligibleReason[] }

/** Every reason that applies, in a fixed order, so a record always says all that is wrong. */
export function checkOnboarding(unit: UnitOnboarding, policy: EligibilityPolicy, now: bigint): Eligibility {
  const reasons: IneligibleReason[] = []
  if (unit.provenance === undefined) reasons.push('NOT_FACTORY_DEPLOYED')
  if (unit.provenance === 'inventory' && unit.conforming !== true) reasons.push('INVENTORY_NON_CONFORMING')
  if (unit.beaconLastActiveAt === undefined || now - unit.beaconLastActiveAt > policy.beaconSilenceSeconds) reasons.push('BEACON_SILENT')
  if (unit.artifactMissing.length > 0) reasons.push('ARTIFACT_INCOMPLETE')
  if (!unit.rateLimit || unit.rateLimit.maxAmount === 0n) reasons.push('NO_RATE_LIMIT')
  if (unit.yieldBps < policy.minYieldBps) reasons.push('YIELD_BELOW_MINIMUM')
  if (unit.paused) reasons.push('UNIT_PAUSED')
  if (unit.riskModelKnown === false) reasons.push('RISK_MODEL_UNKNOWN')
  return reasons.length === 0 ? { unitId: unit.unitId, eligible: true } : { unitId: unit.unitId, eligible: false, reasons }
}
