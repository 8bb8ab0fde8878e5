import { z } from 'zod'
import { InvalidInputError, PreconditionFailedError } from '../../domain/errors.js'
import { parseRiskFramework } from '../../domain/risk/framework.js'
import { ALL_HALO_CLASSES, ROLES, type Role } from '../../domain/roles.js'
import type { CoreHaloRecord, HaloClassRecord, RiskFrameworkRecord, RoleRecord } from '../records.js'
import { refuseExisting } from './helpers.js'
import { address, entityId, jsonObject } from './schemas.js'
import { defineCommand, type StateAccess } from './types.js'

/** lpha-council's commands: risk framework, Halo classes, Core Halos, writer roles. */

export const publishRiskFramework = defineCommand({
  name: 'publishRiskFramework',
  role: 'council',
  summary: 'Publish a new risk framework version (its risk-data JSON Schemas validate sleeves from now on)',
  // The document's shape is the domain's (parseRiskFramework, below): one definition for the
  // Synome, lpha-council and lpla-verify, so nothing is published that verify cannot compute with.
  schema: z.strictObject({ version: entityId, document: jsonObject }),
  async target(_state, payload) {
    return { type: 'riskFramework', id: payload.version }
  },
  async apply(state, payload, ctx) {
    refuseExisting(await state.get('riskFramework', payload.version), `risk framework ${payload.version}`)
    parseRiskFramework(payload.document, payload.version)
    const record: RiskFrameworkRecord = { version: payload.version, document: payload.document as RiskFrameworkRecord['document'], publishedAt: ctx.time }
    state.put({ type: 'riskFramework', id: payload.version, data: record })
    return { version: payload.version }
  },
})

export const registerHaloClass = defineCommand({
  name: 'registerHaloClass',
  role: 'council',
  summary: 'Register a Halo class (NFAT Facility) that sleeves belong to',
  schema: z.strictObject({ haloClass: entityId, prime: entityId.optional(), facility: address.optional(), description: z.string().max(2000).optional(), metadata: jsonObject.optional() }),
  async target(_state, payload) {
    return { type: 'haloClass', id: payload.haloClass }
  },
  async apply(state, payload) {
    refuseExisting(await state.get('haloClass', payload.haloClass), `Halo class ${payload.haloClass}`)
    const record: HaloClassRecord = { haloClass: payload.haloClass, prime: payload.prime ?? null, facility: payload.facility ?? null, description: payload.description ?? null, metadata: payload.metadata ?? {} }
    state.put({ type: 'haloClass', id: record.haloClass, data: record, haloClass: record.haloClass, prime: record.prime })
    return { haloClass: record.haloClass }
  },
})

export const registerCoreHalo = defineCommand({
  name: 'registerCoreHalo',
  role: 'council',
  summary: 'Register a Core Halo entry (static collateral: risk model and data model references)',
  schema: z.strictObject({
    coreHaloId: entityId,
    prime: entityId,
    collateralType: z.string().min(1).max(200),
    description: z.string().max(2000),
    addresses: z.array(address).max(50).default([]),
    riskModelRef: z.string().min(1).max(200),
    dataModelRef: z.string().min(1).max(200),
    parameters: jsonObject.default({}),
  }),
  async target(_state, payload) {
    return { type: 'coreHalo', id: payload.coreHaloId }
  },
  async apply(state, payload, ctx) {
    refuseExisting(await state.get('coreHalo', payload.coreHaloId), `Core Halo ${payload.coreHaloId}`)
    const record: CoreHaloRecord = { ...payload, registeredAt: ctx.time }
    state.put({ type: 'coreHalo', id: record.coreHaloId, data: record, prime: record.prime })
    return { coreHaloId: record.coreHaloId }
  },
})

const grant = z.strictObject({ address, role: z.enum(ROLES), haloClasses: z.array(z.union([entityId, z.literal(ALL_HALO_CLASSES)])).max(100).default([]) })

/** Write one grant into the role projection (shared with the bootstrap from the config file). */
export async function applyGrant(state: StateAccess, input: { address: string; role: Role; haloClasses: readonly string[] }): Promise<RoleRecord> {
  const current = (await state.get<RoleRecord>('role', input.address))?.data ?? { address: input.address, grants: [] }
  const haloClasses = input.role === 'council' ? [] : [...new Set(input.haloClasses)]
  if (input.role !== 'council' && haloClasses.length === 0) throw new InvalidInputError(`role ${input.role} needs at least one Halo class (or "*")`, { meta: { field: 'haloClasses' } })
  const grants = [...current.grants.filter((g) => g.role !== input.role), { role: input.role, haloClasses }]
  const record: RoleRecord = { address: input.address, grants }
  state.put({ type: 'role', id: input.address, data: record, state: grants.map((g) => g.role).sort().join(',') })
  return record
}

export const grantRole = defineCommand({
  name: 'grantRole',
  role: 'council',
  summary: 'Grant (or re-scope) a writer role to an address',
  schema: grant,
  async target(_state, payload) {
    return { type: 'role', id: payload.address }
  },
  async apply(state, payload) {
    const record = await applyGrant(state, payload)
    return { address: record.address, grants: record.grants }
  },
})

export const revokeRole = defineCommand({
  name: 'revokeRole',
  role: 'council',
  summary: 'Revoke a writer role from an address (the last council grant cannot be revoked)',
  schema: z.strictObject({ address, role: z.enum(ROLES) }),
  async target(_state, payload) {
    return { type: 'role', id: payload.address }
  },
  async apply(state, payload) {
    const current = (await state.require<RoleRecord>('role', payload.address)).data
    if (!current.grants.some((g) => g.role === payload.role)) throw new PreconditionFailedError(`${payload.address} does not hold ${payload.role}`, { meta: { gate: 'ROLE_NOT_HELD' } })
    if (payload.role === 'council') {
      const councils = (await state.children<RoleRecord>('role', {}, 10_000)).filter((r) => r.data.grants.some((g) => g.role === 'council'))
      if (councils.length <= 1) throw new PreconditionFailedError('refusing to revoke the last council grant', { meta: { gate: 'LAST_COUNCIL' } })
    }
    const grants = current.grants.filter((g) => g.role !== payload.role)
    state.put({ type: 'role', id: payload.address, data: { address: payload.address, grants }, state: grants.map((g) => g.role).sort().join(',') })
    return { address: payload.address, grants }
  },
})
