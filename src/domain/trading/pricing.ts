import { BaseError, InvalidInputError } from '../errors.js'

/**
 * Trading Halo pricing (reference `halo-agents/trading-halo.md`, "AMM Design"): a swap is
 * priced at the asset's oracle NAV plus or minus a governance-configured spread, not along a
 * constant-product curve. The rule is written once here; contracts/trading/TradingAMM.sol does
 * the same integer arithmetic and the contract tests use these functions as the oracle.
 *
 * Units: USDS in base units (18 decimals); the asset in its own base units (`assetDecimals`);
 * the oracle price `priceWad` is USDS per whole asset unit, scaled by 1e18 (NAV 1.00 = 1e18).
 * Every rounding goes against the trader: the pool pays floor, the pool is paid ceil.
 */

export const BPS = 10_000n
export const WAD = 10n ** 18n

/** Governance-configured parameters of one onboarded asset (the AMM's `AssetConfig`). */
export type AssetParams = {
  assetDecimals: number
  /** Discount below NAV when the pool buys the asset (a trader sells), in bps. */
  bidSpreadBps: bigint
  /** Premium above NAV when the pool sells the asset (a trader buys), in bps. */
  askSpreadBps: bigint
  /** Inventory (asset base units, held plus pending redemption) above which buys stop. */
  maxInventory: bigint
  /** A reading older than this pauses swaps. */
  maxOracleAgeSeconds: bigint
  /** A reading further than this from the reference price pauses swaps, in bps of the reference. */
  maxDeviationBps: bigint
}

export type OracleReading = { priceWad: bigint; updatedAt: bigint }

/**
 * Why a swap or a price sync is refused. The names are the AMM's custom errors, so an
 * off-chain plan and an on-chain revert carry the same word.
 */
export type TradeRefusalReason =
  | 'OracleStale'
  | 'OracleDeviation'
  | 'InventoryLimitReached'
  | 'InsufficientInventory'
  | 'InsufficientLiquidity'
  | 'SlippageExceeded'
  | 'RateLimitExceeded'
  | 'AssetNotOnboarded'
  | 'PoolValueZero'

export class TradeRefusedError extends BaseError {
  override name = 'TradeRefusedError'
  override readonly code: string = 'TRADE_REFUSED'
  override readonly status: number = 409
  readonly reason: TradeRefusalReason
  constructor(reason: TradeRefusalReason, shortMessage: string, meta: Record<string, unknown> = {}) {
    super(shortMessage, { meta: { reason, ...meta } })
    this.reason = reason
  }
}

export function validateAssetParams(p: AssetParams): AssetParams {
  if (!Number.isInteger(p.assetDecimals) || p.assetDecimals < 0 || p.assetDecimals > 36) throw new InvalidInputError('assetDecimals must be an integer in [0, 36]')
  if (p.bidSpreadBps < 0n || p.bidSpreadBps >= BPS) throw new InvalidInputError('bidSpreadBps must be in [0, 10000)')
  if (p.askSpreadBps < 0n || p.askSpreadBps >= BPS) throw new InvalidInputError('askSpreadBps must be in [0, 10000)')
  if (p.maxInventory < 0n) throw new InvalidInputError('maxInventory must not be negative')
  if (p.maxOracleAgeSeconds <= 0n) throw new InvalidInputError('maxOracleAgeSeconds must be positive')
  if (p.maxDeviationBps <= 0n || p.maxDeviationBps > BPS) throw new InvalidInputError('maxDeviationBps must be in (0, 10000]')
  return p
}

const scale = (decimals: number) => 10n ** BigInt(decimals)

/** USDS a trader receives for selling `assetIn` to the pool: floor(assetIn · price · (1 − bid) / 10^dec). */
export function quoteSell(assetIn: bigint, priceWad: bigint, p: Pick<AssetParams, 'assetDecimals' | 'bidSpreadBps'>): bigint {
  if (assetIn < 0n || priceWad <= 0n) throw new InvalidInputError('assetIn must not be negative and price must be positive')
  return (assetIn * priceWad * (BPS - p.bidSpreadBps)) / (BPS * scale(p.assetDecimals))
}

/** USDS a trader pays to buy `assetOut` from the pool: ceil(assetOut · price · (1 + ask) / 10^dec). */
export function quoteBuy(assetOut: bigint, priceWad: bigint, p: Pick<AssetParams, 'assetDecimals' | 'askSpreadBps'>): bigint {
  if (assetOut < 0n || priceWad <= 0n) throw new InvalidInputError('assetOut must not be negative and price must be positive')
  const numerator = assetOut * priceWad * (BPS + p.askSpreadBps)
  const denominator = BPS * scale(p.assetDecimals)
  return numerator === 0n ? 0n : (numerator - 1n) / denominator + 1n
}

/** Value of `amount` of the asset at `priceWad`, in USDS scaled by 10^assetDecimals (exact, no rounding). */
export function valueScaled(amount: bigint, priceWad: bigint): bigint {
  return amount * priceWad
}

/**
 * The oracle gate (one function for swaps and price syncs): a reading older than
 * `maxOracleAgeSeconds` or further than `maxDeviationBps` from `referenceWad` is refused.
 * Boundaries are inclusive: exactly the maximum age or deviation still trades.
 */
export function checkOracle(reading: OracleReading, referenceWad: bigint, p: Pick<AssetParams, 'maxOracleAgeSeconds' | 'maxDeviationBps'>, now: bigint): bigint {
  if (reading.priceWad <= 0n || now < reading.updatedAt || now - reading.updatedAt > p.maxOracleAgeSeconds) {
    throw new TradeRefusedError('OracleStale', 'The oracle reading is stale', { updatedAt: String(reading.updatedAt), now: String(now) })
  }
  if (exceedsDeviation(reading.priceWad, referenceWad, p.maxDeviationBps)) {
    throw new TradeRefusedError('OracleDeviation', 'The oracle price deviates from the reference beyond the bound', {
      priceWad: String(reading.priceWad),
      referenceWad: String(referenceWad),
    })
  }
  return reading.priceWad
}

/** |price − reference| · 10000 > maxDeviationBps · reference, exactly. */
export function exceedsDeviation(priceWad: bigint, referenceWad: bigint, maxDeviationBps: bigint): boolean {
  const diff = priceWad > referenceWad ? priceWad - referenceWad : referenceWad - priceWad
  return diff * BPS > maxDeviationBps * referenceWad
}

/** The inventory gate: a buy by the pool may not take inventory (held + pending) past the limit. */
export function checkInventory(inventory: bigint, assetIn: bigint, maxInventory: bigint): void {
  if (inventory + assetIn > maxInventory) {
    throw new TradeRefusedError('InventoryLimitReached', 'The pool would hold more of the asset than its inventory limit', {
      inventory: String(inventory),
      assetIn: String(assetIn),
      maxInventory: String(maxInventory),
    })
  }
}
