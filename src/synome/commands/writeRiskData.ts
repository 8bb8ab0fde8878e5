import { z } from 'zod'
import { PreconditionFailedError } from '../../domain/errors.js'
import { checkRiskDataWrite } from '../../domain/sleeve.js'
import { sleeveAttestations, validateRiskDataSchema } from '../riskData.js'
import { loadSleeve, putSleeve, sleeveTarget } from './helpers.js'
import { entityId, riskData } from './schemas.js'
import { defineCommand } from './types.js'

export const writeRiskData = defineCommand({
  name: 'writeRiskData',
  role: 'nfat',
  summary: "Write attested aggregate risk data on an AT_REST sleeve's aggregate-deployed asset",
  schema: z.strictObject({ sleeveId: entityId, riskData }),
  target: (state, payload) => sleeveTarget(state, payload.sleeveId),
  reads: (payload) => [{ type: 'sleeve', id: payload.sleeveId }],
  async apply(state, payload) {
    const sleeve = await loadSleeve(state, payload.sleeveId)
    const refused = checkRiskDataWrite(sleeve, payload.riskData, await sleeveAttestations(state, sleeve.sleeveId))
    if (refused) throw refused
    await validateRiskDataSchema(state, payload.riskData)
    if (!sleeve.assets.some((a) => a.type === 'aggregate-deployed')) {
      throw new PreconditionFailedError(`${sleeve.sleeveId} has no aggregate-deployed asset to carry risk data`, { meta: { gate: 'NO_AGGREGATE_ASSET', sleeveId: sleeve.sleeveId } })
    }
    putSleeve(state, { ...sleeve, assets: sleeve.assets.map((a) => (a.type === 'aggregate-deployed' ? { ...a, riskData: payload.riskData } : a)) })
    return { sleeveId: sleeve.sleeveId, attestationRef: payload.riskData.attestationRef }
  },
})
