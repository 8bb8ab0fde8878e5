import { z } from 'zod'
import { STATE_TIMESTAMP_KEYS, checkSleeveAssetChange, checkTransition, derivedTransitionAssets, gateAttestation, offboardingRound, type SleeveAsset } from '../../domain/sleeve.js'
import type { SleeveRecord } from '../records.js'
import { sleeveAttestations } from '../riskData.js'
import { linkedUnits, loadSleeve, putSleeve, putUnit, sleeveTarget, unitView } from './helpers.js'
import { validateAssetsRiskData } from './sleeveAssets.js'
import { assets, entityId } from './schemas.js'
import { defineCommand } from './types.js'

/**
 * lpha-nfat's explicit transitions FILLING → OFFBOARDING → DEPLOYING → AT_REST → UNWINDING →
 * CLOSED, each with its gate from src/domain/sleeve.ts. The asset list the sleeve enters with
 * (given, or derived by `derivedTransitionAssets`) passes the same asset gate as every other
 * asset change (`checkSleeveAssetChange`).
 * Side effects: entering OFFBOARDING starts a new offboarding round; entering DEPLOYING makes
 * the units ACTIVE and links the round's PRE_DEPLOYMENT attestation; entering AT_REST links
 * its AT_REST attestation; CLOSED empties the asset list.
 */
export const transitionSleeve = defineCommand({
  name: 'transitionSleeve',
  role: 'nfat',
  summary: 'Move a sleeve to the next lifecycle state (gated by attestations, unit states and the asset gate)',
  schema: z.strictObject({
    sleeveId: entityId,
    to: z.enum(['OFFBOARDING', 'DEPLOYING', 'AT_REST', 'UNWINDING', 'CLOSED']),
    assets: assets.optional(),
  }),
  target: (state, payload) => sleeveTarget(state, payload.sleeveId),
  reads: (payload) => [{ type: 'sleeve', id: payload.sleeveId }],
  async apply(state, payload, ctx) {
    const sleeve = await loadSleeve(state, payload.sleeveId)
    const attestations = await sleeveAttestations(state, sleeve.sleeveId)
    const units = await linkedUnits(state, sleeve)
    const refused = checkTransition({ sleeve, to: payload.to, attestations, units: units.map(unitView) })
    if (refused) throw refused
    const nextAssets: SleeveAsset[] = payload.assets ?? derivedTransitionAssets(sleeve, payload.to, attestations)
    await validateAssetsRiskData(state, sleeve, nextAssets)
    const assetsRefused = checkSleeveAssetChange(sleeve, nextAssets, { attestations, to: payload.to, operation: `transition to ${payload.to}` }, ctx.now)
    if (assetsRefused) throw assetsRefused
    const linkType = payload.to === 'DEPLOYING' ? 'PRE_DEPLOYMENT' : payload.to === 'AT_REST' ? 'AT_REST' : undefined
    const link = linkType ? gateAttestation(sleeve, attestations, linkType) : undefined
    const next: SleeveRecord = {
      ...sleeve,
      state: payload.to,
      assets: nextAssets,
      attestations: link && !sleeve.attestations.includes(link.attestationId) ? [...sleeve.attestations, link.attestationId] : sleeve.attestations,
      timestamps: { ...sleeve.timestamps, [STATE_TIMESTAMP_KEYS[payload.to]]: ctx.time },
      offboardingRound: payload.to === 'OFFBOARDING' ? offboardingRound(sleeve) + 1 : offboardingRound(sleeve),
    }
    putSleeve(state, next)
    if (payload.to === 'DEPLOYING') {
      for (const unit of units) if (unit.state === 'CREATED') putUnit(state, { ...unit, state: 'ACTIVE', timestamps: { ...unit.timestamps, active: ctx.time } })
    }
    return { sleeveId: sleeve.sleeveId, from: sleeve.state, to: payload.to, offboardingRound: next.offboardingRound }
  },
})
