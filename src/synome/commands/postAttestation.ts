import { z } from 'zod'
import { attestedRiskData, parseAttestationContent } from '../../domain/attestation.js'
import { InvalidInputError } from '../../domain/errors.js'
import { attestationContentHash } from '../../chain/attestation.js'
import { checkAttestationPost, isoTimestamp, offboardingRound } from '../../domain/sleeve.js'
import type { AttestationRecord } from '../records.js'
import { currentFramework, validateRiskDataSchema } from '../riskData.js'
import { loadSleeve, refuseExisting, sleeveTarget } from './helpers.js'
import { attestationType, entityId, isoUtc, jsonObject } from './schemas.js'
import { defineCommand } from './types.js'

/**
 * lpha-attest's record of what it attested and when, stored on its own for a clean audit
 * trail. The attestor writes attestations only: the sleeve record is not touched (lpha-nfat
 * links the attestation when its transition uses it). The content is validated with the
 * domain's shape for its type (`parseAttestationContent`, content version from the risk
 * framework); the risk data it vouches for is derived by the domain rule `attestedRiskData`
 * and stored on the record, so lpha-nfat writes exactly that. The record carries the sleeve's
 * offboarding round: only attestations of the current round open gates.
 * `timestamp` is when the attestor attested, which may precede the post (the seed's att-101 is
 * dated 09:00, before the sleeve entered OFFBOARDING at 10:00); the event keeps the Synome's own time.
 */
export const postAttestation = defineCommand({
  name: 'postAttestation',
  role: 'attest',
  summary: 'Post a PRE_DEPLOYMENT (OFFBOARDING, USDC converted), AT_REST (DEPLOYING) or PERIODIC (AT_REST) attestation',
  schema: z.strictObject({
    attestationId: entityId,
    type: attestationType,
    sleeveId: entityId,
    content: jsonObject,
    /** When the attestor attested (its own claim); default: when the Synome records it. */
    timestamp: isoUtc.optional(),
    /** The attestor's on-chain registry record of this content (contracts/attestation/AttestationRegistry.sol). */
    onChain: z.strictObject({ registry: z.string().regex(/^0x[0-9a-fA-F]{40}$/), txHash: z.string().regex(/^0x[0-9a-fA-F]{64}$/).optional(), contentHash: z.string().regex(/^0x[0-9a-fA-F]{64}$/), amount: z.string().regex(/^[0-9]+$/) }).optional(),
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
    if (payload.onChain && attestationContentHash(payload.content).toLowerCase() !== payload.onChain.contentHash.toLowerCase()) {
      throw new InvalidInputError('onChain.contentHash is not the hash of this content', { meta: { field: 'onChain.contentHash', expected: attestationContentHash(payload.content) } })
    }
    const framework = await currentFramework(state)
    const contentVersion = framework?.attestations.contentVersion
    const content = parseAttestationContent(payload.type, payload.content, contentVersion) as Record<string, unknown>
    const explicit = content.riskData as { schemaVersion: string; data?: unknown; attestationRef?: string } | undefined
    if (explicit?.attestationRef !== undefined && explicit.attestationRef !== payload.attestationId) {
      throw new InvalidInputError(`content.riskData.attestationRef must be this attestation (${payload.attestationId})`, { meta: { field: 'content.riskData.attestationRef' } })
    }
    if (explicit) await validateRiskDataSchema(state, { schemaVersion: explicit.schemaVersion, attestationRef: payload.attestationId, data: explicit.data }, 'content.riskData')
    const attested = attestedRiskData(payload.type, content, framework?.attestations.riskParametersSchemaVersion)
    const riskData = attested && { schemaVersion: attested.schemaVersion, attestationRef: payload.attestationId, data: attested.data }
    if (riskData) await validateRiskDataSchema(state, riskData, payload.type === 'AT_REST' ? (explicit ? 'content.riskData' : 'content.confirmedRiskParameters') : 'content.riskDataUpdate')
    const record: AttestationRecord = {
      attestationId: payload.attestationId,
      type: payload.type,
      sleeveId: sleeve.sleeveId,
      content: payload.content,
      timestamp: payload.timestamp ? isoTimestamp(new Date(payload.timestamp)) : ctx.time,
      round: offboardingRound(sleeve),
      contentVersion: contentVersion ?? '1',
      ...(riskData ? { riskData } : {}),
      ...(payload.onChain ? { onChain: payload.onChain } : {}),
    }
    state.put({ type: 'attestation', id: record.attestationId, data: record, haloClass: sleeve.haloClass, sleeveId: sleeve.sleeveId, state: record.type })
    return { attestationId: record.attestationId, type: record.type, sleeveId: sleeve.sleeveId, round: record.round }
  },
})
