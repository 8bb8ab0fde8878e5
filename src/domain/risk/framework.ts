import { Ajv, type ValidateFunction } from 'ajv'
import { z } from 'zod'
import { InvalidInputError } from '../errors.js'
import { WAD, parseUnitsExact } from '../money.js'
import { ATTESTATION_CONTENT_VERSIONS, DEFAULT_ATTESTATION_CONTENT_VERSION } from '../attestation.js'
import { parseDuration, isZeroDuration, type Duration } from './duration.js'

/**
 * The risk framework lpha-council publishes and lpla-verify computes with (seed 004 "CRR",
 * "Missed Re-attestation", "Aggregate Risk Data"; reference capital-formula.md).
 *
 * The published document is plain JSON (rates as exact decimal strings, durations as strings);
 * `parseRiskFramework` validates it and returns the compiled form (rates as WAD bigints,
 * durations parsed, each risk-data JSON Schema compiled once). The Synome stores the JSON;
 * everyone who computes uses the compiled form.
 */

/** Where the assets of an OFFBOARDING or UNWINDING sleeve sit, least to most opaque. */
export const SUB_STEPS = ['usds-at-almproxy', 'usdc-at-almproxy', 'usds-at-redeem', 'in-transit', 'at-bank'] as const
export type SubStep = (typeof SUB_STEPS)[number]

export type { SleeveState } from '../sleeve.js'

const RATE = /^(0|1)(\.\d{1,18})?$/
/** A capital rate in [0, 1] as an exact decimal string ("0.25") → WAD bigint. */
const rate = z
  .string()
  .regex(RATE, 'a rate is a decimal string between "0" and "1"')
  .transform((value) => parseUnitsExact(value, 18, 'rate'))
  .refine((value) => value <= WAD, 'a rate is at most "1"')

const duration = z.string().transform((value, ctx): Duration => {
  try {
    return parseDuration(value)
  } catch {
    ctx.addIssue({ code: 'custom', message: `"${value}" is not a duration like "90d" or "P3M"` })
    return z.NEVER
  }
})
const positiveDuration = duration.refine((value) => !isZeroDuration(value), 'duration must be longer than zero')

const usdAmount = z
  .string()
  .regex(/^(0|[1-9]\d*)(\.\d{1,18})?$/, 'an amount is a non-negative decimal string')
  .transform((value) => parseUnitsExact(value, 18, 'capUsd'))

const subStepRates = z.strictObject(Object.fromEntries(SUB_STEPS.map((step) => [step, rate])) as Record<SubStep, typeof rate>)

const riskDataSchemaVersion = z.strictObject({
  /** JSON Schema (draft-07) that `riskData.data` of this version must satisfy. */
  jsonSchema: z.record(z.string(), z.unknown()),
  /**
   * Optional name of a field in `riskData.data` holding the attested CRR (a rate string). When
   * present, an AT_REST sleeve's CRR is the larger of the framework's AT_REST rate and it.
   */
  crrField: z.string().min(1).optional(),
})

const riskModel = z.discriminatedUnion('kind', [
  /** Position Capital = size × risk weight. */
  z.strictObject({ kind: z.literal('risk-weight'), riskWeight: rate, category: z.string().min(1) }),
  /** Liquid, tradable without pull-to-par: size × max(risk weight, FRTB drawdown). */
  z.strictObject({ kind: z.literal('liquid'), riskWeight: rate, frtbDrawdown: rate, category: z.string().min(1) }),
  /** Collateralized lending: size × max(risk weight, gap-risk CRR). */
  z.strictObject({ kind: z.literal('collateralized'), riskWeight: rate, gapRiskCrr: rate, category: z.string().min(1) }),
])

/** The framework document. Its version label travels beside it (the Synome's record id). */
export const RiskFrameworkSchema = z.strictObject({
  crr: z.strictObject({
    CREATED: rate,
    FILLING: rate,
    OFFBOARDING: subStepRates,
    DEPLOYING: rate,
    AT_REST: rate,
    UNWINDING: subStepRates,
    CLOSED: rate,
  }),
  reattestation: z.strictObject({
    /** How often an AT_REST sleeve must be re-attested ("P3M" = quarterly). */
    cadence: positiveDuration,
    /** Slack after the due date before the sleeve counts as overdue. */
    grace: duration,
    escalation: z.strictObject({
      /** CRR added per started `every` overdue. */
      stepRate: rate,
      every: positiveDuration,
      /** The escalated CRR never exceeds this. */
      maxRate: rate,
    }),
  }),
  offboarding: z.strictObject({
    /** An in-transit transfer not confirmed by the bank within this raises an alert. */
    receiptTimeout: positiveDuration,
    /** Per Halo Class overrides (seed: "operational parameter configured per Halo Class"). */
    receiptTimeoutByHaloClass: z.record(z.string(), positiveDuration).default({}),
  }),
  riskData: z.strictObject({
    schemaVersions: z.record(z.string().min(1), riskDataSchemaVersion).refine((v) => Object.keys(v).length > 0, 'at least one accepted schemaVersion'),
  }),
  /**
   * Attestation content (src/domain/attestation.ts): which content schema version posts are
   * validated with, and under which risk-data schemaVersion the attested risk parameters
   * (AT_REST confirmedRiskParameters, PERIODIC riskDataUpdate) are validated and carried.
   */
  attestations: z
    .strictObject({
      contentVersion: z.enum(ATTESTATION_CONTENT_VERSIONS).default(DEFAULT_ATTESTATION_CONTENT_VERSION),
      riskParametersSchemaVersion: z.string().min(1).optional(),
    })
    .default({ contentVersion: DEFAULT_ATTESTATION_CONTENT_VERSION }),
  /**
   * Portfolio Halos (issue 14): the treatment of NAV-reported assets — a book's assets as the
   * asset manager values them, which nothing on chain can verify. Optional so frameworks
   * published before Portfolio Halos still validate; without it a Portfolio book is charged
   * 100% and PORTFOLIO_TREATMENT_MISSING is raised (src/domain/risk/portfolio.ts).
   */
  portfolio: z
    .strictObject({
      navReported: z.strictObject({
        /** Stressed loss rate on the book's reported assets while the report is fresh. */
        rate,
        /** A book whose last NAV report is older than this is stale. */
        staleAfter: positiveDuration,
        /** Rate added per started `every` once stale (like missed re-attestation). */
        stepRate: rate,
        every: positiveDuration,
        /** The escalated rate never exceeds this (nor 100%). */
        maxRate: rate,
      }),
    })
    .optional(),
  capitalFormula: z.strictObject({
    riskModels: z.record(z.string().min(1), riskModel),
    /** Per Prime and category: exposure above the cap carries 100% CRR. */
    categoryCaps: z.record(z.string().min(1), z.strictObject({ capUsd: usdAmount })).default({}),
  }),
}).superRefine((value, ctx) => {
  const version = value.attestations.riskParametersSchemaVersion
  if (version !== undefined && !(version in value.riskData.schemaVersions)) {
    ctx.addIssue({ code: 'custom', path: ['attestations', 'riskParametersSchemaVersion'], message: `${version} is not one of riskData.schemaVersions` })
  }
})

export type RiskFrameworkDocument = z.input<typeof RiskFrameworkSchema>
export type RiskModel = z.output<typeof riskModel>
export type RiskFramework = z.output<typeof RiskFrameworkSchema> & {
  /** Version label council published it under ("2026.11-1"). */
  readonly version: string
  /** Compiled validators of `riskData.schemaVersions`, same keys. */
  readonly validators: ReadonlyMap<string, ValidateFunction>
}

const ajv = new Ajv({ allErrors: true, strict: false })

/**
 * Validate a published framework document and compile it. Throws InvalidInputError (with the
 * zod or Ajv message) for anything malformed, including a JSON Schema that does not compile.
 */
export function parseRiskFramework(document: unknown, version: string): RiskFramework {
  const parsed = RiskFrameworkSchema.safeParse(document)
  if (!parsed.success) {
    throw new InvalidInputError('risk framework is invalid', { details: z.prettifyError(parsed.error), meta: { issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) } })
  }
  const validators = new Map<string, ValidateFunction>()
  for (const [version, entry] of Object.entries(parsed.data.riskData.schemaVersions)) {
    try {
      validators.set(version, ajv.compile(entry.jsonSchema))
    } catch (cause) {
      throw new InvalidInputError(`risk data schemaVersion ${version} has an invalid JSON Schema`, { details: String((cause as Error).message), cause, meta: { schemaVersion: version } })
    }
  }
  return { ...parsed.data, version, validators }
}

/** The receipt timeout that applies to a sleeve of this Halo Class. */
export function receiptTimeoutFor(framework: RiskFramework, haloClass: string): Duration {
  return framework.offboarding.receiptTimeoutByHaloClass[haloClass] ?? framework.offboarding.receiptTimeout
}
