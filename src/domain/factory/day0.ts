/**
 * The Factory Day-0 gate (seed 002 "Operational Factory Day-0 Checklist"): what must hold before
 * Primes allocate into a new Halo Unit. Pure: the observations come from src/factory/day0.ts
 * (chain, fork dry run, artifact, Synome); this function only decides. Every failing item is
 * named, so `halo day0` lists all of them at once. One rule for both unit kinds: a Term unit
 * (NFAT Facility) enters by a claim, a Portfolio unit (LCTS queue pair) by a lock and settle of
 * its subscribe queue; the kind only names that dry run's item (`claim` or `lockSettle`).
 */

/** Day-0 defaults: the first N settlement cycles need a human's daily sign-off; initial limits stay at or below the bound. */
export const DAY0_REVIEW_CYCLES = 7
/** Conservative initial rate limit for a new unit's keys: 25M USDS (18 decimals). */
export const DAY0_CONSERVATIVE_BOUND = 25_000_000n * 10n ** 18n

export type Day0Item = 'artifact' | 'artifactHash' | 'beacon' | 'claim' | 'lockSettle' | 'redemption' | 'rateLimits' | 'review'
export type Day0UnitKind = 'term' | 'portfolio'

export type Day0Observations = {
  /** Term: NFAT Facility (entry = claim); Portfolio: LCTS unit (entry = lock and settle). */
  kind: Day0UnitKind
  /** Required artifact sections or fields that are missing, empty or still "to be completed". */
  artifactMissing: readonly string[]
  /** keccak256 of the artifact checked, and the hash the factory's metadata event carries. */
  artifactHash: string
  recordedArtifactHash: string
  /** On-chain wiring of the unit's beacon (lpha-nfat; lpha-lcts): what is not connected. */
  beaconProblems: readonly string[]
  /** Fork dry run of the way in (Term: claim; Portfolio: subscribe, lock, NAV report, settle) and out: undefined = passed, else why it failed. */
  entryDryRun: string | undefined
  redemptionDryRun: string | undefined
  /** Each rate limit of the unit (on chain and its init), in base units. */
  rateLimits: ReadonlyArray<{ key: string; name: string; maxAmount: bigint }>
  conservativeBound: bigint
  /** Sign-offs recorded so far, of `reviewCycles`. */
  reviewsSigned: number
  reviewCycles: number
}

export type Day0Failure = { item: Day0Item; message: string }
export type Day0Result = { ok: boolean; failures: Day0Failure[]; notes: string[] }

export function evaluateDay0(o: Day0Observations): Day0Result {
  const failures: Day0Failure[] = []
  for (const field of o.artifactMissing) failures.push({ item: 'artifact', message: `artifact: ${field} is missing or to be completed` })
  if (o.artifactHash.toLowerCase() !== o.recordedArtifactHash.toLowerCase()) {
    failures.push({ item: 'artifactHash', message: `artifact hash ${o.artifactHash} is not the one the deployment recorded (${o.recordedArtifactHash})` })
  }
  for (const problem of o.beaconProblems) failures.push({ item: 'beacon', message: `beacon: ${problem}` })
  if (o.entryDryRun !== undefined) {
    failures.push(o.kind === 'term' ? { item: 'claim', message: `claim dry run: ${o.entryDryRun}` } : { item: 'lockSettle', message: `lock/settle dry run: ${o.entryDryRun}` })
  }
  if (o.redemptionDryRun !== undefined) failures.push({ item: 'redemption', message: `redemption dry run: ${o.redemptionDryRun}` })
  for (const limit of o.rateLimits) {
    if (limit.maxAmount > o.conservativeBound) {
      failures.push({ item: 'rateLimits', message: `initial rate limit ${limit.name} is ${limit.maxAmount}, above the conservative bound ${o.conservativeBound}` })
    }
  }
  const notes = [`daily human review: ${Math.min(o.reviewsSigned, o.reviewCycles)} of the first ${o.reviewCycles} cycles signed off`]
  return { ok: failures.length === 0, failures, notes }
}
