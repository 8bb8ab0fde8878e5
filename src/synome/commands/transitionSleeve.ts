import { z } from 'zod'
import { PreconditionFailedError } from '../../domain/errors.js'
import { STATE_TIMESTAMP_KEYS, checkTransition, type SleeveAsset } from '../../domain/sleeve.js'
import type { SleeveRecord } from '../records.js'
import { sleeveAttestations } from '../riskData.js'
import { linkedUnits, loadSleeve, putSleeve, putUnit, sleeveTarget, unitView } from './helpers.js'
import { validateAssetsRiskData } from './sleeveAssets.js'
import { assets, entityId } from './schemas.js'
import { defineCommand } from './types.js'

/**
 * lpha-nfat's explicit transitions FILLING → OFFBOARDING → DEPLOYING → AT_REST → UNWINDING →
 * CLOSED, each with its gate from src/domain/sleeve.ts. `assets`, when given, is written in
 * the same event (DEPLOYING's single "deploying" entry; AT_REST's aggregate risk data).
 * Side effects: entering DEPLOYING makes the units ACTIVE (their capital is deployed);
 * entering AT_REST links the sleeve's AT_REST attestations; CLOSED empties the asset list.
 */
export const transitionSleeve = defineCommand({
  name: 'transitionSleeve',
  role: 'nfat',
  summary: 'Move a sleeve to the next lifecycle state (gated by attestations and unit states)',
  schema: z.strictObject({
    sleeveId: entityId,
    to: z.enum(['OFFBOARDING', 'DEPLOYING', 'AT_REST', 'UNWINDING', 'CLOSED']),
    assets: assets.optional(),
  }),
  target: (state, payload) => sleeveTarget(state, payload.sleeveId),
  async apply(state, payload, ctx) {
    const sleeve = await loadSleeve(state, payload.sleeveId)
    const attestations = await sleeveAttestations(state, sleeve.sleeveId)
    const units = await linkedUnits(state, sleeve)
    const refused = checkTransition({ sleeve, to: payload.to, attestations, units: units.map(unitView) })
    if (refused) throw refused
    if (payload.to === 'CLOSED' && payload.assets && payload.assets.length > 0) {
      throw new PreconditionFailedError('a CLOSED sleeve holds no assets', { meta: { gate: 'SLEEVE_STATE', sleeveId: sleeve.sleeveId } })
    }
    const nextAssets: SleeveAsset[] = payload.to === 'CLOSED' ? [] : (payload.assets ?? sleeve.assets)
    if (payload.assets) await validateAssetsRiskData(state, sleeve, payload.assets)
    const linked = payload.to === 'AT_REST' ? attestations.filter((a) => a.type === 'AT_REST' && !sleeve.attestations.includes(a.attestationId)).map((a) => a.attestationId) : []
    const next: SleeveRecord = {
      ...sleeve,
      state: payload.to,
      assets: nextAssets,
      attestations: [...sleeve.attestations, ...linked],
      timestamps: { ...sleeve.timestamps, [STATE_TIMESTAMP_KEYS[payload.to]]: ctx.time },
    }
    putSleeve(state, next)
    if (payload.to === 'DEPLOYING') {
      for (const unit of units) if (unit.state === 'CREATED') putUnit(state, { ...unit, state: 'ACTIVE', timestamps: { ...unit.timestamps, active: ctx.time } })
    }
    return { sleeveId: sleeve.sleeveId, from: sleeve.state, to: payload.to }
  },
})
