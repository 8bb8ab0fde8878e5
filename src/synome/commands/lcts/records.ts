import { z } from 'zod'
import { parseUnitsExact } from '../../../domain/money.js'
import type { CapacityInputs, CapacityFallback } from '../../../domain/lcts/capacity.js'
import { decimalString, entityId, txHash } from '../schemas.js'

/**
 * Synome records of LCTS pairs. Token amounts are exact decimal strings of the token (18
 * decimals); rates and accumulators are integer strings in their unit (Wad = 1e18, Ray = 1e27).
 *   lctsCapacityInputs  `<pairId>:<epoch>`  what Core Council set for one epoch (signed statement)
 *   lctsSettlement      `<pairId>:<epoch>`  what lpha-lcts decided and the chain did at one settlement
 */
export const LCTS_CAPACITY_INPUTS = 'lctsCapacityInputs'
export const LCTS_SETTLEMENT = 'lctsSettlement'
export const LCTS_DECIMALS = 18

export const epoch = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a UTC date like 2026-12-01')
export const integerString = z.string().max(100).regex(/^(0|[1-9]\d*)$/, 'a non-negative integer string')
const bps = z.number().int().min(0).max(100_000)

export const capacityInputsSchema = z.strictObject({
  originationCapacity: decimalString,
  clearingSpreadBps: bps,
  riskCapitalDemand: decimalString,
  targetSpreadBps: bps,
  redemptionLimit: decimalString,
})
export type CapacityInputsRecord = z.output<typeof capacityInputsSchema>

export type LctsCapacityInputsEntity = { pairId: string; epoch: string; inputs: CapacityInputsRecord; setAt: string }

const queueSettlement = z.strictObject({
  generationId: integerString,
  capacity: decimalString,
  converted: decimalString,
  reward: decimalString,
  rewardPerTokenRay: integerString,
  totalUnderlyingBefore: decimalString,
  totalShares: decimalString,
  finalized: z.boolean(),
  txHash,
})

export const settlementSchema = z.strictObject({
  pairId: entityId,
  epoch,
  /** Chain time the decision was made (right after the locks were final). */
  decidedAt: z.iso.datetime(),
  /** Chain time the settlement was recorded. */
  recordedAt: z.iso.datetime(),
  fallback: z.enum(['none', 'previous-epoch', 'net-flow-only']),
  /** The inputs the capacity used (this epoch's, the previous epoch's, or none). */
  inputsUsed: capacityInputsSchema.nullable(),
  exchangeRateBeforeWad: integerString,
  exchangeRateWad: integerString,
  tokenSupply: decimalString,
  matchedValue: decimalString,
  originationAllowed: decimalString,
  subscribe: queueSettlement.nullable(),
  redeem: queueSettlement.nullable(),
})
export type LctsSettlementRecord = z.output<typeof settlementSchema>

export function capacityInputsOf(record: CapacityInputsRecord): CapacityInputs {
  const amount = (value: string, field: string) => parseUnitsExact(value, LCTS_DECIMALS, field)
  return {
    originationCapacity: amount(record.originationCapacity, 'originationCapacity'),
    clearingSpreadBps: BigInt(record.clearingSpreadBps),
    riskCapitalDemand: amount(record.riskCapitalDemand, 'riskCapitalDemand'),
    targetSpreadBps: BigInt(record.targetSpreadBps),
    redemptionLimit: amount(record.redemptionLimit, 'redemptionLimit'),
  }
}

export type { CapacityFallback }
