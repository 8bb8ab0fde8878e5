import { z } from 'zod'
import { InvalidInputError } from '../../domain/errors.js'
import { formatUnitsExact } from '../../domain/money.js'
import { ASSET_DECIMALS, STATE_TIMESTAMP_KEYS, checkSweep, checkSweepFacility, type SleeveAsset } from '../../domain/sleeve.js'
import type { HaloClassRecord, UnitRecord } from '../records.js'
import { loadSleeve, putSleeve, putUnit, refuseExisting, sleeveTarget } from './helpers.js'
import { address, amountOf, decimalString, entityId, isoUtc, txHash, unitId, unitPrincipalOf } from './schemas.js'
import { defineCommand } from './types.js'

const STAGING = { type: 'USDS', location: 'facility-ALMProxy' } as const

/** The sleeve's USDS at the facility ALMProxy grows by the swept principal (seed "FILLING"). */
function addToStaging(assets: readonly SleeveAsset[], principal: bigint): SleeveAsset[] {
  const index = assets.findIndex((a) => a.type === STAGING.type && a.location === STAGING.location)
  if (index === -1) return [...assets, { ...STAGING, amount: formatUnitsExact(principal, ASSET_DECIMALS.USDS) }]
  return assets.map((a, i) => (i === index ? { ...a, amount: formatUnitsExact(amountOf('USDS', a.amount, 'assets.amount') + principal, ASSET_DECIMALS.USDS) } : a))
}

export const sweepUnit = defineCommand({
  name: 'sweepUnit',
  role: 'nfat',
  summary: 'Record a swept deposit: create the unit (unitId = NFAT tokenId) and add it and its USDS to the sleeve',
  schema: z.strictObject({
    sleeveId: entityId,
    unit: z.strictObject({
      unitId,
      nfat: z.strictObject({ tokenId: z.string().regex(/^(0|[1-9]\d*)$/, 'a decimal token id'), facility: address, txHash }),
      principal: decimalString,
      dealTerms: z.strictObject({ apy: decimalString, maturity: isoUtc, paymentSchedule: z.literal('bullet') }),
      depositorPrime: entityId,
    }),
  }),
  target: (state, payload) => sleeveTarget(state, payload.sleeveId),
  reads: (payload) => [{ type: 'sleeve', id: payload.sleeveId }, { type: 'unit', id: String(payload.unit.unitId) }],
  async apply(state, payload, ctx) {
    const { unit } = payload
    if (unit.nfat.tokenId !== String(unit.unitId)) throw new InvalidInputError('unitId must equal the NFAT tokenId', { meta: { field: 'unit.unitId', unitId: unit.unitId, tokenId: unit.nfat.tokenId } })
    const principal = unitPrincipalOf(unit.principal, 'unit.principal')
    const sleeve = await loadSleeve(state, payload.sleeveId)
    const haloClass = (await state.require<HaloClassRecord>('haloClass', sleeve.haloClass)).data
    const refused = checkSweep(sleeve) ?? checkSweepFacility(haloClass.facility, unit.nfat.facility)
    if (refused) throw refused
    refuseExisting(await state.get('unit', String(unit.unitId)), `unit ${unit.unitId}`)
    const record: UnitRecord = {
      unitId: unit.unitId,
      nfat: unit.nfat,
      sleeveId: sleeve.sleeveId,
      haloClass: sleeve.haloClass,
      principal: unit.principal,
      dealTerms: unit.dealTerms,
      depositorPrime: unit.depositorPrime,
      state: 'CREATED',
      repaymentAmount: null,
      timestamps: { created: ctx.time },
    }
    putUnit(state, record)
    const filling = sleeve.state === 'CREATED'
    putSleeve(state, {
      ...sleeve,
      state: 'FILLING',
      linkedUnits: [...sleeve.linkedUnits, unit.unitId],
      assets: addToStaging(sleeve.assets, principal),
      timestamps: filling ? { ...sleeve.timestamps, [STATE_TIMESTAMP_KEYS.FILLING]: ctx.time } : sleeve.timestamps,
    })
    return { sleeveId: sleeve.sleeveId, unitId: unit.unitId, sleeveState: 'FILLING' }
  },
})
