import { z } from 'zod'
import { USDS_DECIMALS, formatUnitsExact } from '../../domain/money.js'
import { checkRepaymentAvailable, checkRepaymentTotal, proRataRepayment } from '../../domain/sleeve.js'
import { linkedUnits, loadSleeve, putSleeve, putUnit, sleeveTarget, unitView } from './helpers.js'
import { amountOf, decimalString, entityId } from './schemas.js'
import { defineCommand } from './types.js'

/**
 * The sleeve's USDS has reached the redeem contract: every linked unit becomes
 * REPAYMENT_AVAILABLE with its pro-rata share of `total` — which must be the USDS recorded at
 * the redeem contract (plus a recorded rounding remainder) — (seed "Loss Distribution": floor
 * each share). The remainder is recorded on the sleeve and returned, never paid to a unit.
 */
export const markRepaymentAvailable = defineCommand({
  name: 'markRepaymentAvailable',
  role: 'nfat',
  summary: 'Split the returned USDS pro rata by principal and mark every linked unit REPAYMENT_AVAILABLE',
  schema: z.strictObject({ sleeveId: entityId, total: decimalString }),
  target: (state, payload) => sleeveTarget(state, payload.sleeveId),
  reads: (payload) => [{ type: 'sleeve', id: payload.sleeveId }],
  async apply(state, payload, ctx) {
    const total = amountOf('USDS', payload.total, 'total')
    const sleeve = await loadSleeve(state, payload.sleeveId)
    const units = await linkedUnits(state, sleeve)
    const refused = checkRepaymentAvailable(sleeve, units.map(unitView)) ?? checkRepaymentTotal(sleeve, total)
    if (refused) throw refused
    const { entitlements, remainder } = proRataRepayment(total, units.map((u) => ({ unitId: u.unitId, principal: amountOf('USDS', u.principal, 'principal') })))
    const repayments = entitlements.map((e) => ({ unitId: e.unitId, amount: formatUnitsExact(e.amount, USDS_DECIMALS) }))
    units.forEach((unit, i) => {
      putUnit(state, { ...unit, state: 'REPAYMENT_AVAILABLE', repaymentAmount: repayments[i]!.amount, timestamps: { ...unit.timestamps, repaymentAvailable: ctx.time } })
    })
    const repayment = { total: payload.total, remainder: formatUnitsExact(remainder, USDS_DECIMALS), asset: 'USDS' }
    putSleeve(state, { ...sleeve, metadata: { ...sleeve.metadata, repayment } })
    return { sleeveId: sleeve.sleeveId, repayments, remainder: repayment.remainder }
  },
})
