import type { z } from 'zod'
import { getAddress, type Address } from 'viem'
import { assertAddressFree, assertNotRevoked } from '../../../domain/identity/attestation.js'
import { PreconditionFailedError } from '../../../domain/errors.js'
import { defineCommand, type StateAccess } from '../types.js'
import { registerCommands } from '../registry.js'
import {
  IDENTITY_ADDRESS, IDENTITY_ENTITY, identityAttestationSchema, identityRevocationSchema, seconds,
  type IdentityAddressRecord, type IdentityEntityRecord,
} from './records.js'

/**
 * Identity Network Halo commands (issue 18). The network's legal entity — holding the `attest`
 * role scoped to the network's Halo class — records a verified entity's attestation and linked
 * addresses, renews or relinks it, and revokes it; lpha-identity only reads these and syncs the
 * registry. The class of an existing entity comes from its record, never from the payload, so
 * an attestor of another network cannot touch it by naming its id.
 * Pass IDENTITY_COMMANDS to `createSynome({ commands })` or call registerIdentityCommands().
 */
async function loadEntity(state: StateAccess, entityId: string): Promise<IdentityEntityRecord | undefined> {
  return (await state.get<IdentityEntityRecord>(IDENTITY_ENTITY, entityId))?.data
}

export const recordIdentityAttestation = defineCommand({
  name: 'recordIdentityAttestation',
  role: 'attest',
  summary: 'Record or renew a verified entity of an Identity Network: attestation type, level, issue and expiry dates, jurisdiction and linked addresses (no personal data)',
  schema: identityAttestationSchema,
  async target(state, payload) {
    const existing = await loadEntity(state, payload.entityId)
    return { type: IDENTITY_ENTITY, id: payload.entityId, haloClass: existing?.networkId ?? payload.networkId }
  },
  async apply(state, payload, ctx) {
    const existing = await loadEntity(state, payload.entityId)
    assertNotRevoked(existing)
    if (existing && existing.networkId !== payload.networkId) {
      throw new PreconditionFailedError(`entity ${payload.entityId} belongs to network ${existing.networkId}`, { meta: { gate: 'OTHER_NETWORK', field: 'networkId' } })
    }
    const now = BigInt(Math.floor(ctx.now.getTime() / 1000))
    if (seconds(payload.expiresAt) <= now) throw new PreconditionFailedError('the attestation has already expired', { meta: { gate: 'EXPIRED', field: 'expiresAt' } })
    for (const raw of payload.addresses) {
      const account: Address = getAddress(raw)
      const link = await state.get<IdentityAddressRecord>(IDENTITY_ADDRESS, `${payload.networkId}:${raw}`)
      const holder = link && link.data.entityId !== payload.entityId ? await loadEntity(state, link.data.entityId) : undefined
      assertAddressFree(payload.entityId, account, holder && { ...holder, expiresAt: seconds(holder.expiresAt) }, now)
    }
    const record: IdentityEntityRecord = { ...payload, revoked: false, revokedAt: null, revocationReason: null, recordedAt: ctx.time }
    state.put({ type: IDENTITY_ENTITY, id: payload.entityId, data: record, haloClass: payload.networkId, state: 'ACTIVE' })
    for (const raw of payload.addresses) {
      const link: IdentityAddressRecord = { networkId: payload.networkId, address: raw, entityId: payload.entityId }
      state.put({ type: IDENTITY_ADDRESS, id: `${payload.networkId}:${raw}`, data: link, haloClass: payload.networkId })
    }
    return { entityId: payload.entityId, addresses: payload.addresses.length }
  },
})

export const revokeIdentityEntity = defineCommand({
  name: 'revokeIdentityEntity',
  role: 'attest',
  summary: 'Revoke a verified entity of an Identity Network: every linked address leaves the registry at the next lpha-identity tick; final',
  schema: identityRevocationSchema,
  async target(state, payload) {
    const existing = await state.require<IdentityEntityRecord>(IDENTITY_ENTITY, payload.entityId)
    return { type: IDENTITY_ENTITY, id: payload.entityId, haloClass: existing.data.networkId }
  },
  async apply(state, payload, ctx) {
    const existing = (await state.require<IdentityEntityRecord>(IDENTITY_ENTITY, payload.entityId)).data
    assertNotRevoked(existing)
    const record: IdentityEntityRecord = { ...existing, revoked: true, revokedAt: ctx.time, revocationReason: payload.reason }
    state.put({ type: IDENTITY_ENTITY, id: payload.entityId, data: record, haloClass: existing.networkId, state: 'REVOKED' })
    return { entityId: payload.entityId, removed: existing.addresses.length }
  },
})

export const IDENTITY_COMMANDS = [recordIdentityAttestation, revokeIdentityEntity] as const

export function registerIdentityCommands(): void {
  registerCommands(IDENTITY_COMMANDS)
}

type IdentityCommand = (typeof IDENTITY_COMMANDS)[number]
declare module '../../client/types.js' {
  interface SynomeCommands extends IdentityCommandPayloads {}
}
export type IdentityCommandPayloads = { [C in IdentityCommand as C['name']]: z.input<C['schema']> }

export * from './records.js'
