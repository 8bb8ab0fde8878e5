import type { z } from 'zod'
import { PreconditionFailedError } from '../../../domain/errors.js'
import { parseUnitsExact } from '../../../domain/money.js'
import { AMM_ALERT_CODES, checkPoolReportArithmetic, checkPoolReportSuccession } from '../../../domain/trading/amm.js'
import { refuseExisting } from '../helpers.js'
import { registerCommands } from '../registry.js'
import { defineCommand } from '../types.js'
import { AMM_ALERT, AMM_POOL, ammAlertId, ammAlertSchema, poolReportSchema, USDS_DECIMALS_AMM, type AmmAlertRecord, type PoolReportRecord } from './records.js'

/**
 * Trading Halo commands (issue 18): lpha-amm — the `amm` role, scoped to the pool's Halo class —
 * reports a pool's state, inventory and P&L, and raises alerts. The class of a known pool comes
 * from its record, never from the payload, so lpha-amm of another class cannot write it.
 * Pass AMM_COMMANDS to `createSynome({ commands })` or call registerAmmCommands().
 */
export const recordAmmPoolReport = defineCommand({
  name: 'recordAmmPoolReport',
  role: 'amm',
  summary: 'Record a Trading Halo pool’s state as of a block: USDS and asset held, pending issuer redemptions, prices, inventory value, pool value, spread earned; refused when older than the last report or when the figures do not add up',
  schema: poolReportSchema,
  async target(state, payload) {
    const existing = await state.get<PoolReportRecord>(AMM_POOL, payload.poolId)
    return { type: AMM_POOL, id: payload.poolId, haloClass: existing?.data.haloClass ?? payload.haloClass }
  },
  async apply(state, payload, ctx) {
    const previous = (await state.get<PoolReportRecord>(AMM_POOL, payload.poolId))?.data
    const succession = checkPoolReportSuccession(previous && { ...previous, asOfBlock: BigInt(previous.asOfBlock) }, { ...payload, asOfBlock: BigInt(payload.asOfBlock) })
    if (succession) throw new PreconditionFailedError(succession.message, { meta: { gate: succession.gate, field: succession.gate === 'REPORT_NOT_NEWER' ? 'asOfBlock' : 'poolId' } })
    const usds = (v: string, field: string) => parseUnitsExact(v, USDS_DECIMALS_AMM, field)
    const asset = (v: string, field: string) => parseUnitsExact(v, payload.assetDecimals, field)
    const wrong = checkPoolReportArithmetic(
      {
        usdsHeld: usds(payload.usdsHeld, 'usdsHeld'),
        assetHeld: asset(payload.assetHeld, 'assetHeld'),
        pendingRedemption: asset(payload.pendingRedemption, 'pendingRedemption'),
        priceWad: BigInt(payload.priceWad),
        inventoryValue: usds(payload.inventoryValue, 'inventoryValue'),
        poolValue: usds(payload.poolValue, 'poolValue'),
      },
      payload.assetDecimals,
    )
    if (wrong) throw new PreconditionFailedError(`the report does not add up: ${wrong}`, { meta: { gate: 'REPORT_ARITHMETIC' } })
    const record: PoolReportRecord = { ...payload, recordedAt: ctx.time }
    state.put({ type: AMM_POOL, id: payload.poolId, data: record, haloClass: payload.haloClass, prime: payload.poolId, state: payload.paused ? 'PAUSED' : 'ACTIVE' })
    return { poolId: payload.poolId, asOfBlock: payload.asOfBlock }
  },
})

export const raiseAmmAlert = defineCommand({
  name: 'raiseAmmAlert',
  role: 'amm',
  summary: 'Raise one lpha-amm alert (a missed issuer redemption, an inventory breach, a stale or deviating oracle, a binding rate limit); once per pool, code and subject',
  schema: ammAlertSchema,
  async target(state, payload) {
    const pool = await state.get<PoolReportRecord>(AMM_POOL, payload.poolId)
    return { type: AMM_ALERT, id: ammAlertId(payload.poolId, payload.code, payload.subject), haloClass: pool?.data.haloClass ?? payload.haloClass }
  },
  async apply(state, payload, ctx) {
    const id = ammAlertId(payload.poolId, payload.code, payload.subject)
    refuseExisting(await state.get(AMM_ALERT, id), `alert ${id}`)
    const pool = await state.get<PoolReportRecord>(AMM_POOL, payload.poolId)
    if (pool && pool.data.haloClass !== payload.haloClass) throw new PreconditionFailedError(`the pool belongs to Halo class ${pool.data.haloClass}`, { meta: { gate: 'OTHER_CLASS', field: 'haloClass' } })
    const record: AmmAlertRecord = { ...payload, severity: AMM_ALERT_CODES[payload.code], raisedAt: ctx.time }
    state.put({ type: AMM_ALERT, id, data: record, haloClass: payload.haloClass, prime: payload.poolId, state: record.severity })
    return { id }
  },
})

export const AMM_COMMANDS = [recordAmmPoolReport, raiseAmmAlert] as const

export function registerAmmCommands(): void {
  registerCommands(AMM_COMMANDS)
}

type AmmCommand = (typeof AMM_COMMANDS)[number]
declare module '../../client/types.js' {
  interface SynomeCommands extends AmmCommandPayloads {}
}
export type AmmCommandPayloads = { [C in AmmCommand as C['name']]: z.input<C['schema']> }

export * from './records.js'
