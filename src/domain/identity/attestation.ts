import { getAddress, type Address } from 'viem'
import { PreconditionFailedError } from '../errors.js'

/**
 * The Synome-side gates of an Identity Network entity (reference `halo-agents/identity-network.md`
 * "Linked Addresses"): one address belongs to one verified entity while that entity can still
 * admit it, and a revoked entity stays revoked. Pure; `now` in seconds.
 */
export type IdentityHolder = { entityId: string; addresses: readonly string[]; expiresAt: bigint; revoked: boolean }

/** Does `holder` claim `account` now or later (not revoked, not yet expired)? */
export function claimsAddress(holder: IdentityHolder, account: Address, now: bigint): boolean {
  return !holder.revoked && now < holder.expiresAt && holder.addresses.some((a) => getAddress(a) === account)
}

/**
 * Refuses linking `account` to `entityId` while another entity claims it: the registry maps an
 * address to one entity, and planIdentitySync refuses two active claimants, which would stall
 * lpha-identity's sync for the whole network.
 */
export function assertAddressFree(entityId: string, account: Address, holder: IdentityHolder | undefined, now: bigint): void {
  if (!holder || holder.entityId === entityId || !claimsAddress(holder, account, now)) return
  throw new PreconditionFailedError(`address ${account} is linked to another verified entity`, { meta: { gate: 'ADDRESS_LINKED', account, entityId: holder.entityId } })
}

/** Refuses any change to a revoked entity: a revocation is final, a new attestation is a new entity. */
export function assertNotRevoked(holder: Pick<IdentityHolder, 'entityId' | 'revoked'> | undefined): void {
  if (holder?.revoked) throw new PreconditionFailedError(`entity ${holder.entityId} is revoked`, { meta: { gate: 'ENTITY_REVOKED', entityId: holder.entityId } })
}
