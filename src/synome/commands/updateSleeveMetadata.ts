import { z } from 'zod'
import { checkSleeveWritable } from '../../domain/sleeve.js'
import { loadSleeve, putSleeve, sleeveTarget } from './helpers.js'
import { entityId, jsonObject } from './schemas.js'
import { defineCommand } from './types.js'

/** E.g. flag an offboarding failure (seed "Offboarding Failure"). Refused while DEPLOYING or CLOSED. */
export const updateSleeveMetadata = defineCommand({
  name: 'updateSleeveMetadata',
  role: 'nfat',
  summary: "Replace a sleeve's metadata (operational notes, flags)",
  schema: z.strictObject({ sleeveId: entityId, metadata: jsonObject }),
  target: (state, payload) => sleeveTarget(state, payload.sleeveId),
  reads: (payload) => [{ type: 'sleeve', id: payload.sleeveId }],
  async apply(state, payload) {
    const sleeve = await loadSleeve(state, payload.sleeveId)
    const refused = checkSleeveWritable(sleeve, 'update metadata')
    if (refused) throw refused
    putSleeve(state, { ...sleeve, metadata: payload.metadata })
    return { sleeveId: sleeve.sleeveId }
  },
})
