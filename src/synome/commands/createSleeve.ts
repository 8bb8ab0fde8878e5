import { z } from 'zod'
import type { SleeveRecord } from '../records.js'
import { putSleeve, refuseExisting } from './helpers.js'
import { entityId, jsonObject } from './schemas.js'
import { defineCommand } from './types.js'

export const createSleeve = defineCommand({
  name: 'createSleeve',
  role: 'nfat',
  summary: 'Create an empty sleeve (CREATED) in a registered Halo class',
  schema: z.strictObject({ sleeveId: entityId, haloClass: entityId, metadata: jsonObject.optional() }),
  async target(_state, payload) {
    return { type: 'sleeve', id: payload.sleeveId, haloClass: payload.haloClass }
  },
  reads: (payload) => [{ type: 'haloClass', id: payload.haloClass }, { type: 'sleeve', id: payload.sleeveId }],
  async apply(state, payload, ctx) {
    await state.require('haloClass', payload.haloClass)
    refuseExisting(await state.get('sleeve', payload.sleeveId), `sleeve ${payload.sleeveId}`)
    const sleeve: SleeveRecord = {
      sleeveId: payload.sleeveId,
      haloClass: payload.haloClass,
      state: 'CREATED',
      assets: [],
      linkedUnits: [],
      attestations: [],
      timestamps: { created: ctx.time },
      metadata: payload.metadata ?? {},
      offboardingRound: 0,
    }
    putSleeve(state, sleeve)
    return { sleeveId: sleeve.sleeveId, state: sleeve.state }
  },
})
