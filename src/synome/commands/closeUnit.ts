import { z } from 'zod'
import { checkUnitClose } from '../../domain/sleeve.js'
import type { UnitRecord } from '../records.js'
import { putUnit } from './helpers.js'
import { unitId } from './schemas.js'
import { defineCommand } from './types.js'

export const closeUnit = defineCommand({
  name: 'closeUnit',
  role: 'nfat',
  summary: 'Close a unit whose NFAT was burned and repayment claimed',
  schema: z.strictObject({ unitId }),
  async target(state, payload) {
    const unit = await state.require<UnitRecord>('unit', String(payload.unitId))
    return { type: 'unit', id: unit.id, haloClass: unit.data.haloClass }
  },
  async apply(state, payload, ctx) {
    const unit = (await state.require<UnitRecord>('unit', String(payload.unitId))).data
    const refused = checkUnitClose(unit)
    if (refused) throw refused
    putUnit(state, { ...unit, state: 'CLOSED', timestamps: { ...unit.timestamps, closed: ctx.time } })
    return { unitId: unit.unitId, state: 'CLOSED' }
  },
})
