import { z } from 'zod'
import { STATE_TIMESTAMP_KEYS, checkOverrideToFilling } from '../../domain/sleeve.js'
import { loadSleeve, putSleeve, sleeveTarget } from './helpers.js'
import { assets, entityId } from './schemas.js'
import { defineCommand } from './types.js'

/**
 * Operator emergency override (seed "Offboarding Failure"): after a failed off-ramp the funds
 * are converted back to USDS (the asset gate: USDS in the facility ALMProxy only) and the sleeve reverts OFFBOARDING → FILLING. The reason is kept
 * in the event and on the sleeve; history marks the version `override: true`.
 */
export const overrideSleeveState = defineCommand({
  name: 'overrideSleeveState',
  role: 'operator',
  summary: 'Emergency override: revert an OFFBOARDING sleeve to FILLING, with a reason',
  schema: z.strictObject({ sleeveId: entityId, to: z.literal('FILLING'), reason: z.string().min(1).max(2000), assets: assets.optional() }),
  target: (state, payload) => sleeveTarget(state, payload.sleeveId),
  reads: (payload) => [{ type: 'sleeve', id: payload.sleeveId }],
  async apply(state, payload, ctx) {
    const sleeve = await loadSleeve(state, payload.sleeveId)
    const nextAssets = payload.assets ?? sleeve.assets
    const refused = checkOverrideToFilling(sleeve, payload.reason, nextAssets, ctx.now)
    if (refused) throw refused
    const override = { from: sleeve.state, to: payload.to, reason: payload.reason, by: ctx.actor, at: ctx.time }
    const overrides = Array.isArray(sleeve.metadata.overrides) ? sleeve.metadata.overrides : []
    putSleeve(state, {
      ...sleeve,
      state: 'FILLING',
      assets: nextAssets,
      // FILLING starts again now (the fill wait restarts, so the next tick does not offboard at
      // once); the first start stays in history. The offboarding round stays: the next
      // OFFBOARDING opens a new one, and attestations of this one open no gate there.
      timestamps: { ...sleeve.timestamps, revertedToFilling: ctx.time, [STATE_TIMESTAMP_KEYS.FILLING]: ctx.time },
      metadata: { ...sleeve.metadata, overrides: [...overrides, override] },
    })
    return { sleeveId: sleeve.sleeveId, from: sleeve.state, to: 'FILLING', override: true }
  },
})
