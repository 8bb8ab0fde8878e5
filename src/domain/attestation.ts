import { z } from 'zod'
import { InvalidInputError } from './errors.js'
import { parseDuration } from './risk/duration.js'
import { USDC_DECIMALS, parseUnitsExact } from './money.js'
import type { SleeveAsset } from './sleeve.js'

/**
 * Attestation content, one shape per type and content schema version (seed 004 "Attestation
 * Types": att-101, att-102, att-103). The Synome validates every posted attestation with these,
 * lpha-attest validates its evidence with them before posting, lpha-nfat and lpla-verify read
 * attestations through them: one definition, so the three cannot disagree on a field name.
 *
 * Validation accepts negative findings (an attestor may record "bank account NOT verified");
 * a gate opens only on a POSITIVE attestation (`isPositiveAttestation`).
 *
 * Which content schema version applies, and which risk-data schemaVersion the attested risk
 * parameters follow, is published by lpha-council in the risk framework (`attestations`), as
 * the risk-data schemas are.
 */

export const ATTESTATION_CONTENT_VERSIONS = ['1'] as const
export type AttestationContentVersion = (typeof ATTESTATION_CONTENT_VERSIONS)[number]
export const DEFAULT_ATTESTATION_CONTENT_VERSION: AttestationContentVersion = '1'

const parameters = z.record(z.string().max(200), z.unknown())
const duration = z.string().refine((value) => {
  try {
    parseDuration(value)
    return true
  } catch {
    return false
  }
}, 'a duration like "90d" or "P3M"')

/** Explicit risk data inside an attestation (the attestor names the schemaVersion). */
export const attestedRiskDataShape = z.strictObject({
  schemaVersion: z.string().min(1).max(64),
  data: z.unknown().optional(),
  /** lpha-attest may name its own attestation; it must then be this attestation's id. */
  attestationRef: z.string().min(1).max(128).optional(),
  _comment: z.string().max(2000).optional(),
})

export const ATTESTATION_CONTENT_SCHEMAS = {
  '1': {
    PRE_DEPLOYMENT: z.strictObject({
      legalStructureVerified: z.boolean(),
      bankAccountVerified: z.boolean(),
      expectedRiskParameters: parameters,
      maximumDeploymentDuration: duration,
      riskData: attestedRiskDataShape.optional(),
    }),
    AT_REST: z.strictObject({
      confirmedRiskParameters: parameters,
      legalClaimsVerified: z.boolean(),
      deploymentComplete: z.boolean(),
      /** Optional: without it, the confirmed risk parameters are the attested risk data (framework's schemaVersion). */
      riskData: attestedRiskDataShape.optional(),
    }),
    PERIODIC: z.strictObject({
      statusNominal: z.boolean(),
      /** `{}` or absent: no change. Explicit `{ schemaVersion, data }`, or plain parameters under the framework's schemaVersion. */
      riskDataUpdate: parameters.optional(),
    }),
  },
} as const

export type AttestationTypeName = 'PRE_DEPLOYMENT' | 'AT_REST' | 'PERIODIC'
export type AttestationContent<T extends AttestationTypeName> = z.output<(typeof ATTESTATION_CONTENT_SCHEMAS)['1'][T]>

/** Parse posted content; an InvalidInputError names each missing or wrong field as `content.<field>`. */
export function parseAttestationContent<T extends AttestationTypeName>(type: T, content: unknown, version: string = DEFAULT_ATTESTATION_CONTENT_VERSION): AttestationContent<T> {
  const schemas = (ATTESTATION_CONTENT_SCHEMAS as Record<string, Record<AttestationTypeName, z.ZodType> | undefined>)[version]
  if (!schemas) throw new InvalidInputError(`attestation content schema version ${version} is unknown`, { meta: { field: 'attestations.contentVersion', known: ATTESTATION_CONTENT_VERSIONS } })
  const result = schemas[type].safeParse(content)
  if (!result.success) {
    const issues = result.error.issues.slice(0, 20).map((i) => ({ path: ['content', ...i.path.map(String)].join('.'), message: i.message }))
    throw new InvalidInputError(`${type} attestation content does not match schema version ${version}: ${issues.map((i) => i.path).join(', ')}`, {
      details: issues.map((i) => `${i.path}: ${i.message}`).join('; '),
      meta: { field: issues[0]?.path ?? 'content', issues, type, contentVersion: version },
    })
  }
  return result.data as AttestationContent<T>
}

/**
 * Does this attestation say yes? PRE_DEPLOYMENT: legal structure and bank account verified;
 * AT_REST: deployment complete and legal claims verified; PERIODIC: status nominal. Content
 * that does not parse is never positive.
 */
export function isPositiveAttestation(type: AttestationTypeName, content: unknown): boolean {
  const parsed = ATTESTATION_CONTENT_SCHEMAS['1'][type].safeParse(content)
  if (!parsed.success) return false
  const c = parsed.data as Record<string, unknown>
  if (type === 'PRE_DEPLOYMENT') return c.legalStructureVerified === true && c.bankAccountVerified === true
  if (type === 'AT_REST') return c.deploymentComplete === true && c.legalClaimsVerified === true
  return c.statusNominal === true
}

/** The risk data an attestation vouches for, before its attestationRef is added. */
export type AttestedRiskData = { schemaVersion: string; data: unknown }

/**
 * The rule that derives the risk data an attestation carries (seed "Aggregate Risk Data"):
 * an explicit `riskData` (AT_REST) / `{ schemaVersion, data }` `riskDataUpdate` (PERIODIC) is
 * taken as is; otherwise the attested parameters (AT_REST `confirmedRiskParameters`, a
 * non-empty PERIODIC `riskDataUpdate`) are the data, under the framework's
 * `riskParametersSchemaVersion`. Undefined: the attestation carries no risk data. Throws an
 * InvalidInputError naming the missing field when the parameters cannot be placed under a
 * schema version (the framework names none).
 */
export function attestedRiskData(type: AttestationTypeName, content: Record<string, unknown>, riskParametersSchemaVersion: string | undefined): AttestedRiskData | undefined {
  if (type === 'PRE_DEPLOYMENT') return undefined
  const explicit = type === 'AT_REST' ? content.riskData : content.riskDataUpdate
  if (explicit && typeof explicit === 'object' && typeof (explicit as { schemaVersion?: unknown }).schemaVersion === 'string') {
    const { schemaVersion, data } = explicit as { schemaVersion: string; data?: unknown }
    return { schemaVersion, data: data ?? {} }
  }
  const params = type === 'AT_REST' ? content.confirmedRiskParameters : content.riskDataUpdate
  if (!params || typeof params !== 'object' || Object.keys(params).length === 0) {
    if (type === 'PERIODIC') return undefined
  }
  if (riskParametersSchemaVersion === undefined) {
    const field = type === 'AT_REST' ? 'content.riskData' : 'content.riskDataUpdate.schemaVersion'
    throw new InvalidInputError(`${type} attestation needs ${field}: the risk framework names no schemaVersion for attested risk parameters`, { meta: { field } })
  }
  return { schemaVersion: riskParametersSchemaVersion, data: params ?? {} }
}

/**
 * The amount a PRE_DEPLOYMENT record lets leave on chain (USDC base units): the sleeve's USDC
 * and USD, wherever it sits (at the ALMProxy after the PSM conversion, or already sent). The
 * Controller's `transferForSleeve` keeps the round's off-ramps within it.
 */
export function attestedOffRampAmountUsdc(assets: readonly Pick<SleeveAsset, 'type' | 'amount'>[]): bigint {
  return assets.filter((a) => a.type === 'USDC' || a.type === 'USD').reduce((total, a) => total + parseUnitsExact(a.amount, USDC_DECIMALS), 0n)
}

/** What the Synome says was recorded on chain for an attestation (lpha-attest writes it with the post). */
export type AttestationOnChain = { registry: string; txHash?: string | undefined; contentHash: string; amount: string }

/**
 * Does the on-chain registry back a PRE_DEPLOYMENT attestation? `contentHash` is the hash of the
 * Synome's content, `record` what `registry` holds for (sleeve, PRE_DEPLOYMENT, round), `claimed`
 * what the Synome's attestation says was recorded (its `onChain`, absent in records posted
 * without a registry). Undefined when they agree; otherwise why not (lpla-verify raises
 * ATTESTATION_ONCHAIN_MISMATCH).
 */
export function onChainAttestationProblem(
  p: { registry: string; contentHash: string; record: { contentHash: string; amount: bigint; revoked: boolean } | undefined; claimed?: AttestationOnChain | undefined },
): string | undefined {
  const { registry, contentHash, record, claimed } = p
  if (!record) return 'no on-chain registry record for its round'
  if (record.revoked) return 'its on-chain registry record was revoked'
  if (record.contentHash.toLowerCase() !== contentHash.toLowerCase()) return `its on-chain record has content hash ${record.contentHash}, the Synome's content hashes to ${contentHash}`
  if (claimed) {
    if (claimed.registry.toLowerCase() !== registry.toLowerCase()) return `the Synome names registry ${claimed.registry}, the deployment's is ${registry}`
    if (claimed.contentHash.toLowerCase() !== record.contentHash.toLowerCase()) return `the Synome names content hash ${claimed.contentHash}, the on-chain record ${record.contentHash}`
    if (BigInt(claimed.amount) !== record.amount) return `the Synome names amount ${claimed.amount}, the on-chain record ${record.amount}`
  }
  return undefined
}
