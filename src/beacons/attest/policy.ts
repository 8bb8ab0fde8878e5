import { ATTESTATION_CONTENT_SCHEMAS, parseAttestationContent, type AttestationContent } from '../../domain/attestation.js'
import { InvalidInputError } from '../../domain/errors.js'
import { ATTESTATION_TYPES, checkAttestationPost, offboardingRound, type AttestationType, type SleeveView } from '../../domain/sleeve.js'

/**
 * lpha-attest decisions. The attestor only ever writes attestations: it reads sleeve state
 * to know when one is due, never moves capital and never changes a sleeve's state (the
 * Synome refuses those commands from the attest role anyway).
 *
 * Evidence: what the attestor vouches for, per type (seed "Attestation Types"). In human mode
 * it comes from a file the attestor prepared; in rule mode (devnets) from the config's
 * templates. Either way it is validated here before anything is posted.
 */
/** Evidence is attestation content: the domain's shape per type (one definition with the Synome, lpha-nfat and lpla-verify). */
export const evidenceSchemas = ATTESTATION_CONTENT_SCHEMAS['1']

export type Evidence<T extends AttestationType> = AttestationContent<T>

/** Validate evidence before anything is posted; the error names each wrong field as `content.<field>`. */
export function parseEvidence<T extends AttestationType>(type: T, input: unknown): Evidence<T> {
  return parseAttestationContent(type, input)
}

export function parseAttestationType(input: string): AttestationType {
  const normalised = input.toUpperCase().replace(/-/g, '_')
  if ((ATTESTATION_TYPES as readonly string[]).includes(normalised)) return normalised as AttestationType
  throw new InvalidInputError('unknown attestation type', { details: input, meta: { allowed: ATTESTATION_TYPES } })
}

export type AttestRuleConfig = {
  /** Quarterly in the seed. Periodic attestations fall due on the sleeve's own calendar: created + k × cadence. */
  periodicCadenceSeconds: number
  /** Devnet diligence time between DEPLOYING and the AT_REST attestation (seed: day 7 → day 21). */
  atRestAfterSeconds: number
  evidence: { [T in AttestationType]: Evidence<T> }
}

/** What the attestor knows about one sleeve. */
export type AttestSleeve = SleeveView & {
  timestamps: Record<string, string | undefined>
  /** This sleeve's attestations with their times and offboarding rounds. */
  posted: readonly { type: AttestationType; timestamp: string; round?: number | undefined }[]
}

export type AttestDecision = { sleeveId: string; type: AttestationType; reason: string } | { sleeveId: string; type?: undefined; reason: string }

const last = (sleeve: AttestSleeve, types: readonly AttestationType[]) =>
  sleeve.posted.filter((p) => types.includes(p.type)).reduce<number | undefined>((latest, p) => Math.max(latest ?? 0, Date.parse(p.timestamp)), undefined)

/** The next periodic due time strictly after `after`, on the sleeve's created + k × cadence calendar. */
export function nextPeriodicDue(createdAt: string, cadenceSeconds: number, after: number): number {
  const start = Date.parse(createdAt)
  const step = cadenceSeconds * 1000
  const k = Math.floor((after - start) / step) + 1
  return start + Math.max(k, 1) * step
}

/** Rule mode: which attestation, if any, is due for this sleeve now. */
export function decideAttestation(sleeve: AttestSleeve, config: AttestRuleConfig, now: Date): AttestDecision {
  const { sleeveId } = sleeve
  // Only this offboarding round counts: after an operator revert the attestor attests afresh.
  const round = offboardingRound(sleeve)
  const has = (type: AttestationType) => sleeve.posted.some((p) => p.type === type && (p.round ?? 1) === round)
  if (sleeve.state === 'OFFBOARDING') {
    if (has('PRE_DEPLOYMENT')) return { sleeveId, reason: `PRE_DEPLOYMENT already posted in offboarding round ${round}` }
    const refused = checkAttestationPost(sleeve, 'PRE_DEPLOYMENT')
    if (refused) return { sleeveId, reason: `waiting: ${refused.shortMessage}` }
    return { sleeveId, type: 'PRE_DEPLOYMENT', reason: 'offboarding and the USDC conversion is complete' }
  }
  if (sleeve.state === 'DEPLOYING') {
    if (has('AT_REST')) return { sleeveId, reason: 'AT_REST already posted' }
    const since = Date.parse(sleeve.timestamps.deployingStarted ?? now.toISOString())
    if (now.getTime() - since < config.atRestAfterSeconds * 1000) return { sleeveId, reason: 'deployment diligence still running' }
    return { sleeveId, type: 'AT_REST', reason: 'deployment complete and diligence done' }
  }
  if (sleeve.state === 'AT_REST') {
    const created = sleeve.timestamps.created
    const previous = last(sleeve, ['AT_REST', 'PERIODIC'])
    if (!created || previous === undefined) return { sleeveId, reason: 'no schedule anchor yet' }
    const due = nextPeriodicDue(created, config.periodicCadenceSeconds, previous)
    if (now.getTime() < due) return { sleeveId, reason: `next PERIODIC due ${new Date(due).toISOString()}` }
    return { sleeveId, type: 'PERIODIC', reason: `PERIODIC was due ${new Date(due).toISOString()}` }
  }
  return { sleeveId, reason: `nothing to attest in ${sleeve.state}` }
}
