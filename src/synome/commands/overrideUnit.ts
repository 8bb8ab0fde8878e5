import { z } from 'zod'
import { checkUnitOverride } from '../../domain/sleeve.js'
import type { UnitRecord } from '../records.js'
import { putUnit } from './helpers.js'
import { decimalString, entityId, unitId, unitPrincipalOf } from './schemas.js'
import { defineCommand } from './types.js'

/**
 * Operator correction of a unit record (e.g. a principal keyed in wrong by hand), with a
 * reason. It exists because operators need an escape hatch, and it is deliberately visible:
 * history marks the version `override: true` with the reason, and lpla-verify compares every
 * unit with its NFAT on chain, so an override that makes the Synome disagree with the chain
 * raises a position alert instead of going unnoticed. A CLOSED unit is archived: refused.
 */
export const overrideUnit = defineCommand({
  name: 'overrideUnit',
  role: 'operator',
  summary: 'Operator correction of a unit (principal and/or depositor Prime), with a reason',
  schema: z
    .strictObject({ unitId, principal: decimalString.optional(), depositorPrime: entityId.optional(), reason: z.string().trim().min(1).max(2000) })
    .refine((p) => p.principal !== undefined || p.depositorPrime !== undefined, 'name at least one field to correct: principal or depositorPrime'),
  async target(state, payload) {
    const unit = await state.require<UnitRecord>('unit', String(payload.unitId))
    return { type: 'unit', id: unit.id, haloClass: unit.data.haloClass }
  },
  async apply(state, payload) {
    const unit = (await state.require<UnitRecord>('unit', String(payload.unitId))).data
    const refused = checkUnitOverride(unit)
    if (refused) throw refused
    if (payload.principal !== undefined) unitPrincipalOf(payload.principal, 'principal')
    putUnit(state, { ...unit, principal: payload.principal ?? unit.principal, depositorPrime: payload.depositorPrime ?? unit.depositorPrime })
    return { unitId: unit.unitId, override: true }
  },
})
