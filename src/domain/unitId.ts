import { BaseError } from './errors.js'

/**
 * The Synome's unitId is the NFAT tokenId (seed 004: the join key), held as a JSON number in
 * signed payloads and records. A JSON number is exact only up to 2^53 − 1: above it
 * `Number(tokenId)` silently names another token (2^53 + 1 becomes 2^53), so a unit would be
 * recorded, funded or closed under the wrong id. This is the one conversion: exact, or refused.
 */
export const MAX_UNIT_ID = BigInt(Number.MAX_SAFE_INTEGER)

/** A tokenId the Synome cannot hold exactly (above 2^53 − 1). Nothing is recorded under it. */
export class UnsafeTokenIdError extends BaseError {
  override name = 'UnsafeTokenIdError'
  override readonly code: string = 'TOKEN_ID_UNSAFE'
  override readonly status: number = 400
}

/** The unitId of an NFAT tokenId; throws UnsafeTokenIdError rather than round. */
export function unitIdOfTokenId(tokenId: bigint): number {
  if (tokenId < 0n || tokenId > MAX_UNIT_ID) {
    throw new UnsafeTokenIdError(`NFAT tokenId ${tokenId} has no exact unitId (a unitId is at most 2^53 − 1)`, { meta: { tokenId: tokenId.toString(), maxUnitId: MAX_UNIT_ID.toString() } })
  }
  return Number(tokenId)
}
