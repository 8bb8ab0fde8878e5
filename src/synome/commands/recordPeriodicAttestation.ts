import { z } from 'zod'
import { PreconditionFailedError } from '../../domain/errors.js'
import { checkRiskDataWrite } from '../../domain/sleeve.js'
import type { AttestationRecord } from '../records.js'
import { sleeveAttestations, validateRiskDataSchema } from '../riskData.js'
import { loadSleeve, putSleeve, sleeveTarget } from './helpers.js'
import { entityId, riskData } from './schemas.js'
import { defineCommand } from './types.js'

export const recordPeriodicAttestation = defineCommand({
  name: 'recordPeriodicAttestation',
  role: 'nfat',
  summary: 'Link a new PERIODIC attestation to its AT_REST sleeve, optionally refreshing the risk data',
  schema: z.strictObject({ sleeveId: entityId, attestationId: entityId, riskData: riskData.optional() }),
  target: (state, payload) => sleeveTarget(state, payload.sleeveId),
  reads: (payload) => [{ type: 'sleeve', id: payload.sleeveId }],
  async apply(state, payload) {
    const sleeve = await loadSleeve(state, payload.sleeveId)
    const attestation = (await state.require<AttestationRecord>('attestation', payload.attestationId)).data
    if (attestation.sleeveId !== sleeve.sleeveId || attestation.type !== 'PERIODIC' || sleeve.attestations.includes(attestation.attestationId)) {
      throw new PreconditionFailedError(`${payload.attestationId} is not a new PERIODIC attestation of ${sleeve.sleeveId}`, {
        meta: { gate: 'ATTESTATION_REF', sleeveId: sleeve.sleeveId, attestationId: payload.attestationId, type: attestation.type },
      })
    }
    let nextAssets = sleeve.assets
    if (payload.riskData) {
      const refused = checkRiskDataWrite(sleeve, payload.riskData, await sleeveAttestations(state, sleeve.sleeveId))
      if (refused) throw refused
      await validateRiskDataSchema(state, payload.riskData)
      nextAssets = sleeve.assets.map((a) => (a.type === 'aggregate-deployed' ? { ...a, riskData: payload.riskData } : a))
    } else if (sleeve.state !== 'AT_REST') {
      throw new PreconditionFailedError(`${sleeve.sleeveId} is ${sleeve.state}, not AT_REST`, { meta: { gate: 'SLEEVE_STATE', sleeveId: sleeve.sleeveId, state: sleeve.state } })
    }
    putSleeve(state, { ...sleeve, assets: nextAssets, attestations: [...sleeve.attestations, attestation.attestationId] })
    return { sleeveId: sleeve.sleeveId, attestationId: attestation.attestationId }
  },
})
