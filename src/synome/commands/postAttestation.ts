import { z } from 'zod'
import { InvalidInputError } from '../../domain/errors.js'
import { checkAttestationPost, isoTimestamp } from '../../domain/sleeve.js'
import type { AttestationRecord } from '../records.js'
import { validateRiskDataSchema } from '../riskData.js'
import { loadSleeve, putSleeve, refuseExisting, sleeveTarget } from './helpers.js'
import { attestationType, entityId, isoUtc, jsonObject, riskData } from './schemas.js'
import { defineCommand } from './types.js'

/**
 * lpha-attest's record of what it attested and when, stored on its own for a clean audit
 * trail. A PRE_DEPLOYMENT attestation is linked to the sleeve at once; an AT_REST one is
 * linked by the DEPLOYING → AT_REST transition (the DEPLOYING sleeve stays untouched); a
 * PERIODIC one by lpha-nfat's recordPeriodicAttestation. `timestamp` is when the attestor
 * attested, which may precede the post (the seed's att-101 is dated 09:00, before the sleeve
 * entered OFFBOARDING at 10:00); the event keeps the Synome's own time.
 */
export const postAttestation = defineCommand({
  name: 'postAttestation',
  role: 'attest',
  summary: 'Post a PRE_DEPLOYMENT (OFFBOARDING, USDC converted), AT_REST (DEPLOYING) or PERIODIC (AT_REST) attestation',
  schema: z.strictObject({
    attestationId: entityId,
    type: attestationType,
    sleeveId: entityId,
    content: jsonObject.and(z.object({ riskData: riskData.optional() })),
    /** When the attestor attested (its own claim); default: when the Synome records it. */
    timestamp: isoUtc.optional(),
  }),
  target: (state, payload) => sleeveTarget(state, payload.sleeveId).then((t) => ({ ...t, type: 'attestation', id: payload.attestationId })),
  async apply(state, payload, ctx) {
    const sleeve = await loadSleeve(state, payload.sleeveId)
    refuseExisting(await state.get('attestation', payload.attestationId), `attestation ${payload.attestationId}`)
    const refused = checkAttestationPost(sleeve, payload.type)
    if (refused) throw refused
    if (payload.timestamp !== undefined && new Date(payload.timestamp).getTime() > ctx.now.getTime()) {
      throw new InvalidInputError('attestation timestamp is in the future', { meta: { field: 'timestamp', timestamp: payload.timestamp, now: ctx.time } })
    }
    if (payload.content.riskData) await validateRiskDataSchema(state, payload.content.riskData, 'content.riskData')
    const record: AttestationRecord = { attestationId: payload.attestationId, type: payload.type, sleeveId: sleeve.sleeveId, content: payload.content, timestamp: payload.timestamp ? isoTimestamp(new Date(payload.timestamp)) : ctx.time }
    state.put({ type: 'attestation', id: record.attestationId, data: record, haloClass: sleeve.haloClass, sleeveId: sleeve.sleeveId, state: record.type })
    if (payload.type === 'PRE_DEPLOYMENT') putSleeve(state, { ...sleeve, attestations: [...sleeve.attestations, record.attestationId] })
    return { attestationId: record.attestationId, type: record.type, sleeveId: sleeve.sleeveId }
  },
})
