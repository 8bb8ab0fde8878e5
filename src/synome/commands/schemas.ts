import { z } from 'zod'
import { InvalidInputError } from '../../domain/errors.js'
import { parseUnitsExact } from '../../domain/money.js'
import { ASSET_DECIMALS, ASSET_LOCATIONS, ASSET_TYPES, ATTESTATION_TYPES, SLEEVE_STATES, type AssetType } from '../../domain/sleeve.js'

/** Zod building blocks shared by the command payloads. */

export const entityId = z.string().min(1).max(128).regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'ids use letters, digits and . _ : -')
export const isoUtc = z.iso.datetime({ message: 'an ISO-8601 UTC timestamp like 2026-03-15T10:00:00Z' })
export const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'a 20-byte hex address').transform((a) => a.toLowerCase())
export const txHash = z.string().regex(/^0x[0-9a-fA-F]{64}$/, 'a 32-byte hex transaction hash').transform((h) => h.toLowerCase())
export const decimalString = z.string().max(80).regex(/^(0|[1-9]\d*)(\.\d+)?$/, 'an exact non-negative decimal string like "75000000"')
export const jsonObject = z.record(z.string().max(200), z.unknown())
export const sleeveState = z.enum(SLEEVE_STATES)
export const attestationType = z.enum(ATTESTATION_TYPES)
export const unitId = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER)

/** A decimal string that fits the asset's decimals. */
export function amountOf(type: AssetType, value: string, field: string): bigint {
  return parseUnitsExact(value, ASSET_DECIMALS[type], field)
}

/** A unit's principal: USDS within its decimals, and more than zero. */
export function unitPrincipalOf(value: string, field: string): bigint {
  const principal = amountOf('USDS', value, field)
  if (principal === 0n) throw new InvalidInputError('principal must be positive', { meta: { field } })
  return principal
}

export const riskData = z.strictObject({
  schemaVersion: z.string().min(1).max(64),
  attestationRef: entityId,
  data: z.unknown().optional(),
  _comment: z.string().max(2000).optional(),
})

export const asset = z
  .strictObject({
    type: z.enum(ASSET_TYPES as [AssetType, ...AssetType[]]),
    amount: decimalString,
    location: z.enum(ASSET_LOCATIONS).optional(),
    destination: z.string().min(1).max(200).optional(),
    initiatedAt: isoUtc.optional(),
    confirmedAt: isoUtc.optional(),
    riskData: riskData.optional(),
    note: z.string().max(2000).optional(),
  })
  .superRefine((value, ctx) => {
    try {
      amountOf(value.type, value.amount, 'amount')
    } catch (error) {
      ctx.addIssue({ code: 'custom', path: ['amount'], message: (error as InvalidInputError).shortMessage })
    }
    if (value.type === 'aggregate-deployed' && !value.riskData) ctx.addIssue({ code: 'custom', path: ['riskData'], message: 'aggregate-deployed assets carry riskData' })
    if (value.type !== 'aggregate-deployed' && !value.location) ctx.addIssue({ code: 'custom', path: ['location'], message: 'location is required' })
  })

export const assets = z.array(asset).max(100)
