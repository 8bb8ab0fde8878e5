import { z } from 'zod'
import { USDS_DECIMALS, USD_DECIMALS, formatUnitsExact, rescale } from '../../domain/money.js'
import { checkEntitlementsReturned, proRataRepayment } from '../../domain/sleeve.js'
import { linkedUnits, loadSleeve, putSleeve, putUnit, sleeveTarget } from './helpers.js'
import { amountOf, decimalString, entityId } from './schemas.js'
import { defineCommand } from './types.js'

/**
 * A partial (non-final) return (seed "Partial Return"): lpha-nfat writes each unit its pro-rata
 * entitlement of the USD returned so far, where a resolution process looks for it (the unit),
 * and a summary on the sleeve. `returned` must be the USD recorded at the bank; units stay in
 * their state (repayment comes with the final return). Rewritten when a later return adds to it.
 */
export const recordEntitlements = defineCommand({
  name: 'recordEntitlements',
  role: 'nfat',
  summary: 'Write pro-rata entitlements of a partial return (USD at the bank) to every linked unit',
  schema: z.strictObject({ sleeveId: entityId, returned: decimalString, final: z.literal(false) }),
  target: (state, payload) => sleeveTarget(state, payload.sleeveId),
  reads: (payload) => [{ type: 'sleeve', id: payload.sleeveId }],
  async apply(state, payload, ctx) {
    const returnedUsd = amountOf('USD', payload.returned, 'returned')
    const sleeve = await loadSleeve(state, payload.sleeveId)
    const refused = checkEntitlementsReturned(sleeve, returnedUsd)
    if (refused) throw refused
    const units = await linkedUnits(state, sleeve)
    const { entitlements, remainder } = proRataRepayment(rescale(returnedUsd, USD_DECIMALS, USDS_DECIMALS), units.map((u) => ({ unitId: u.unitId, principal: amountOf('USDS', u.principal, 'principal') })))
    const amounts = entitlements.map((e) => formatUnitsExact(e.amount, USDS_DECIMALS))
    units.forEach((unit, i) => putUnit(state, { ...unit, entitlement: { amount: amounts[i]!, returnedTotal: payload.returned, final: false, recordedAt: ctx.time } }))
    const summary = { returnedUsd: payload.returned, final: false, units: units.map((u, i) => ({ unitId: u.unitId, amount: amounts[i]! })), remainder: formatUnitsExact(remainder, USDS_DECIMALS) }
    putSleeve(state, { ...sleeve, metadata: { ...sleeve.metadata, entitlements: summary } })
    return { sleeveId: sleeve.sleeveId, entitlements: summary.units, remainder: summary.remainder }
  },
})
