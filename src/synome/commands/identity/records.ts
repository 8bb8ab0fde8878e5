import { z } from 'zod'
import { keccak256, toHex, type Address, type Hex } from 'viem'
import type { IdentityEntity } from '../../../domain/identity/sync.js'
import { address, entityId, isoUtc } from '../schemas.js'

/**
 * Synome records of an Identity Network Halo (reference `halo-agents/identity-network.md`
 * "Heavy Lifting in Synome"): attestation details and linked addresses of one verified entity,
 * never personal data (names, emails, documents stay with the network's legal entity — the
 * payload schema is strict, so any other field is refused).
 *   identityEntity   `<entityId>`                  one verified entity (haloClass = the network)
 *   identityAddress  `<networkId>:<address>`       which entity last linked an address (the one-owner gate's index)
 */
export const IDENTITY_ENTITY = 'identityEntity'
export const IDENTITY_ADDRESS = 'identityAddress'
/** Linked addresses per entity (bounded: an institution's wallets, not a custodian's book). */
export const IDENTITY_MAX_ADDRESSES = 50

export const IDENTITY_ATTESTATION_TYPES = ['KYC', 'KYB', 'ACCREDITED_INVESTOR', 'QUALIFIED_PURCHASER', 'QUALIFIED_INSTITUTIONAL_BUYER', 'PROFESSIONAL_CLIENT', 'NON_US_PERSON'] as const
export const IDENTITY_REVOCATION_REASONS = ['FRAUD', 'SANCTIONS', 'VOLUNTARY', 'REGULATORY', 'OTHER'] as const

export const identityAttestationSchema = z
  .strictObject({
    networkId: entityId,
    entityId,
    attestationType: z.enum(IDENTITY_ATTESTATION_TYPES),
    level: z.number().int().min(1).max(5),
    issuedAt: isoUtc,
    expiresAt: isoUtc,
    /** ISO 3166-1 alpha-2 of the entity's primary jurisdiction. */
    jurisdiction: z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 code like CH'),
    addresses: z.array(address).min(1).max(IDENTITY_MAX_ADDRESSES),
  })
  .refine((p) => Date.parse(p.issuedAt) < Date.parse(p.expiresAt), { message: 'expiresAt must be after issuedAt', path: ['expiresAt'] })
  .refine((p) => new Set(p.addresses).size === p.addresses.length, { message: 'addresses must be distinct', path: ['addresses'] })

export const identityRevocationSchema = z.strictObject({ entityId, reason: z.enum(IDENTITY_REVOCATION_REASONS) })

export type IdentityEntityRecord = Omit<z.output<typeof identityAttestationSchema>, never> & {
  revoked: boolean
  revokedAt: string | null
  revocationReason: (typeof IDENTITY_REVOCATION_REASONS)[number] | null
  recordedAt: string
}

export type IdentityAddressRecord = { networkId: string; address: string; entityId: string }

export const seconds = (iso: string): bigint => BigInt(Math.floor(Date.parse(iso) / 1000))

/** The registry's bytes32 for a Synome entity id (a hash: the id itself is not put on chain). */
export function registryEntityId(id: string): Hex {
  return keccak256(toHex(id))
}

/** What the sync rule needs from a record. */
export function identityEntityOf(record: IdentityEntityRecord): IdentityEntity {
  return {
    entityId: registryEntityId(record.entityId),
    attestationType: record.attestationType,
    level: record.level,
    issuedAt: seconds(record.issuedAt),
    expiresAt: seconds(record.expiresAt),
    jurisdiction: record.jurisdiction,
    addresses: record.addresses as Address[],
    revoked: record.revoked,
  }
}
