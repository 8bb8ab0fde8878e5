import { z } from 'zod'
import { checkSleeveAssetChange } from '../../domain/sleeve.js'
import { sleeveAttestations } from '../riskData.js'
import { loadSleeve, putSleeve, sleeveTarget } from './helpers.js'
import { validateAssetsRiskData } from './sleeveAssets.js'
import { assets, entityId } from './schemas.js'
import { defineCommand } from './types.js'

export const updateSleeveAssets = defineCommand({
  name: 'updateSleeveAssets',
  role: 'nfat',
  summary: 'Replace the asset list of an OFFBOARDING or UNWINDING sleeve (one sub-step), through the asset gate',
  schema: z.strictObject({ sleeveId: entityId, assets }),
  target: (state, payload) => sleeveTarget(state, payload.sleeveId),
  reads: (payload) => [{ type: 'sleeve', id: payload.sleeveId }],
  async apply(state, payload, ctx) {
    const sleeve = await loadSleeve(state, payload.sleeveId)
    const refused = checkSleeveAssetChange(sleeve, payload.assets, { attestations: await sleeveAttestations(state, sleeve.sleeveId), operation: 'update assets' }, ctx.now)
    if (refused) throw refused
    await validateAssetsRiskData(state, sleeve, payload.assets)
    putSleeve(state, { ...sleeve, assets: payload.assets })
    return { sleeveId: sleeve.sleeveId, assets: payload.assets.length }
  },
})
