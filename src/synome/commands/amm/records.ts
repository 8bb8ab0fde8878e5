import { z } from 'zod'
import { AMM_ALERT_CODES, type AmmAlertCode } from '../../../domain/trading/amm.js'
import { address, decimalString, entityId, isoUtc } from '../schemas.js'

/**
 * Synome records of a Trading Halo Unit (a pool), written by lpha-amm (reference
 * `halo-agents/trading-halo.md`: "reports pool state, inventory and P&L to Synome").
 *   ammPool   `<poolId>`                     the pool's latest report; every earlier one is a version
 *   ammAlert  `<poolId>:<code>:<subject>`    one raised alert (a missed redemption, an inventory breach, …), once
 * USDS amounts are exact decimal strings of USDS (18 decimals); asset amounts of the asset
 * (`assetDecimals`); prices integer strings in Wad (USDS per whole asset unit × 1e18).
 */
export const AMM_POOL = 'ammPool'
export const AMM_ALERT = 'ammAlert'
export const USDS_DECIMALS_AMM = 18

export const integerString = z.string().max(100).regex(/^(0|[1-9]\d*)$/, 'a non-negative integer string')
const signedDecimal = z.string().max(80).regex(/^-?(0|[1-9]\d*)(\.\d+)?$/, 'an exact decimal string')

export const poolReportSchema = z.strictObject({
  poolId: entityId,
  haloClass: entityId,
  pool: address,
  asset: address,
  assetDecimals: z.number().int().min(0).max(36),
  /** The block the figures were read at, and its timestamp. */
  asOfBlock: integerString,
  asOfTime: isoUtc,
  usdsHeld: decimalString,
  assetHeld: decimalString,
  pendingRedemption: decimalString,
  openRedemptions: z.number().int().min(0).max(100_000),
  priceWad: integerString,
  referencePriceWad: integerString,
  inventoryValue: decimalString,
  poolValue: decimalString,
  /** Spread earned on every trade at its own price (negative would be a leak to traders). */
  spreadEarned: signedDecimal,
  trades: integerString,
  volumeUsds: decimalString,
  paused: z.boolean(),
})
export type PoolReportRecord = z.output<typeof poolReportSchema> & { recordedAt: string }

const alertCodes = Object.keys(AMM_ALERT_CODES) as [AmmAlertCode, ...AmmAlertCode[]]
export const ammAlertSchema = z.strictObject({
  poolId: entityId,
  haloClass: entityId,
  code: z.enum(alertCodes),
  subject: z.string().min(1).max(64).regex(/^[A-Za-z0-9._-]+$/),
  message: z.string().min(1).max(500),
  details: z.record(z.string().max(64), z.string().max(200)).refine((d) => Object.keys(d).length <= 16, 'at most 16 details'),
  /** Chain time the condition was observed. */
  observedAt: isoUtc,
})
export type AmmAlertRecord = z.output<typeof ammAlertSchema> & { severity: string; raisedAt: string }

export const ammAlertId = (poolId: string, code: string, subject: string) => `${poolId}:${code}:${subject}`
