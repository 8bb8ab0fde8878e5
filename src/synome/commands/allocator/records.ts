import { z } from 'zod'
import { INELIGIBLE_REASONS, type IneligibleReason } from '../../../domain/allocator/eligibility.js'
import { decimalString, entityId, isoUtc, txHash } from '../schemas.js'

/**
 * Synome record of a Prime's allocator (issue 16):
 *   allocatorDecision  `<prime>`  the latest tick's decision — per Unit: eligible or the reason
 *                                 codes, the target, the order, what was executed — and the
 *                                 SORL-paced rate-limit increases it proposes to its GovOps.
 * Every tick is one event, so the Synome's history holds every decision. Amounts are USDS
 * decimal strings (18 decimals).
 */
export const ALLOCATOR_DECISION = 'allocatorDecision'
export const ALLOCATOR_DECIMALS = 18
export const MAX_DECISION_UNITS = 200

const reasonCodes = Object.keys(INELIGIBLE_REASONS) as [IneligibleReason, ...IneligibleReason[]]

const unitDecision = z.strictObject({
  unitId: entityId,
  haloClass: entityId,
  kind: z.enum(['nfat-facility', 'lcts']),
  eligible: z.boolean(),
  reasons: z.array(z.enum(reasonCodes)).max(reasonCodes.length),
  current: decimalString,
  target: decimalString,
  limitedBy: z.enum(['DEPLOYABLE', 'UNIT_CAP', 'CLASS_CAP', 'SHARE_CAP', 'CAPACITY', 'CRR_BUDGET', 'INELIGIBLE']),
  /** This Prime's rate limit into the Unit when read (null: none configured). */
  rateLimit: z.strictObject({ maxAmount: decimalString, available: decimalString }).nullable(),
  order: z.strictObject({ kind: z.enum(['deposit', 'redeem', 'none']), amount: decimalString, rateLimited: z.boolean() }),
  /** The transaction sent for the order this tick (null: none sent), or why the order waits. */
  executed: z.strictObject({ amount: decimalString, txHash }).nullable(),
  waiting: z.string().max(500).nullable(),
})

const proposal = z.strictObject({
  unitId: entityId,
  /** 'schedule-init': governance must first approve an init (timelocked); 'set': GovOps (cBEAM) may set it at `at`. */
  kind: z.enum(['schedule-init', 'set']),
  at: isoUtc,
  maxAmount: decimalString,
  slope: decimalString,
  /** When the ramp planned from here reaches the wanted limit. */
  reachedAt: isoUtc,
})

export const allocatorDecisionSchema = z.strictObject({
  prime: entityId,
  /** Chain time of the tick. */
  at: isoUtc,
  deployable: decimalString,
  requiredCapital: decimalString,
  units: z.array(unitDecision).max(MAX_DECISION_UNITS),
  proposals: z.array(proposal).max(MAX_DECISION_UNITS),
})
export type AllocatorDecisionPayload = z.output<typeof allocatorDecisionSchema>
export type AllocatorUnitDecision = z.output<typeof unitDecision>
export type AllocatorDecisionRecord = AllocatorDecisionPayload & { signer: string; recordedAt: string }
