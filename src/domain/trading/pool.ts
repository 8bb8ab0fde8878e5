import { InvalidInputError } from '../errors.js'
import { consumeRateLimit, currentRateLimit, type RateLimitData } from '../rateLimits.js'
import { checkInventory, checkOracle, quoteBuy, quoteSell, TradeRefusedError, type AssetParams, type OracleReading } from './pricing.js'

/**
 * A pure model of one Trading Halo Unit (one USDS/asset pool, contracts/trading/TradingPool.sol):
 * the same gates in the same order, so a property test can drive the contract and this model
 * with the same steps and compare every state. It also keeps the books that show where the
 * pool's value came from, in USDS scaled by 10^assetDecimals (exact, no rounding):
 *
 *   value = contributed + spread earned + marks (oracle moves on inventory, settlement rounding)
 *
 * where value = USDS · 10^dec + (held + pending) · oracle price. Spread earned is what every
 * swap left in the pool over the fair value at its price; it is never negative, so no value
 * leaks to traders.
 */
export type PoolState = {
  usds: bigint
  /** Asset held by the pool (its book). */
  held: bigint
  /** Asset sent to the issuer for redemption, not yet settled. */
  pending: bigint
  /** The last price lpha-amm synced; swaps refuse readings deviating from it. */
  referenceWad: bigint
  /** PAU rate limits the pool consumes: USDS it pays on buys, asset it pays on sells, asset sent to redemption. */
  limits: { poolBuy: RateLimitData; poolSell: RateLimitData; redeem: RateLimitData }
  books: { contributedScaled: bigint; spreadScaled: bigint; nominalSpreadScaled: bigint; marksScaled: bigint; lastPriceWad: bigint }
}

export type SwapResult = { state: PoolState; usds: bigint }

const BPS = 10_000n

function limited(data: RateLimitData, amount: bigint, now: bigint): RateLimitData {
  const available = currentRateLimit(data, now)
  if (amount > available) throw new TradeRefusedError('RateLimitExceeded', 'The swap exceeds the PAU rate limit', { amount: String(amount), available: String(available) })
  return consumeRateLimit(data, amount, now)
}

/** Marks inventory to a new oracle price (books only; the chain's state does not change). */
export function markToPrice(s: PoolState, priceWad: bigint): PoolState {
  const inventory = s.held + s.pending
  const marksScaled = s.books.marksScaled + inventory * (priceWad - s.books.lastPriceWad)
  return { ...s, books: { ...s.books, marksScaled, lastPriceWad: priceWad } }
}

export function poolValueScaled(s: PoolState, priceWad: bigint, assetDecimals: number): bigint {
  return s.usds * 10n ** BigInt(assetDecimals) + (s.held + s.pending) * priceWad
}

/** USDS arriving from the PAU (Controller.transferAsset to the pool). */
export function contributeUsds(s: PoolState, amount: bigint, p: AssetParams): PoolState {
  if (amount <= 0n) throw new InvalidInputError('amount must be positive')
  return { ...s, usds: s.usds + amount, books: { ...s.books, contributedScaled: s.books.contributedScaled + amount * 10n ** BigInt(p.assetDecimals) } }
}

/** Asset inventory arriving from the PAU, valued at the current oracle price. */
export function contributeAsset(s: PoolState, amount: bigint, priceWad: bigint): PoolState {
  if (amount <= 0n) throw new InvalidInputError('amount must be positive')
  const marked = markToPrice(s, priceWad)
  return { ...marked, held: marked.held + amount, books: { ...marked.books, contributedScaled: marked.books.contributedScaled + amount * priceWad } }
}

/** A trader sells `assetIn` to the pool for at least `minUsdsOut`. */
export function sellToPool(s: PoolState, assetIn: bigint, minUsdsOut: bigint, reading: OracleReading, p: AssetParams, now: bigint): SwapResult {
  if (assetIn <= 0n) throw new InvalidInputError('assetIn must be positive')
  const priceWad = checkOracle(reading, s.referenceWad, p, now)
  checkInventory(s.held + s.pending, assetIn, p.maxInventory)
  const usdsOut = quoteSell(assetIn, priceWad, p)
  if (usdsOut < minUsdsOut) throw new TradeRefusedError('SlippageExceeded', 'The pool pays less than the trader asked', { usdsOut: String(usdsOut) })
  if (usdsOut > s.usds) throw new TradeRefusedError('InsufficientLiquidity', 'The pool holds less USDS than the swap pays', { usdsOut: String(usdsOut) })
  if (usdsOut === 0n) throw new TradeRefusedError('SlippageExceeded', 'The swap is too small to pay anything')
  const poolBuy = limited(s.limits.poolBuy, usdsOut, now)
  const marked = markToPrice(s, priceWad)
  const scale = 10n ** BigInt(p.assetDecimals)
  const gain = assetIn * priceWad - usdsOut * scale
  const nominal = (assetIn * priceWad * p.bidSpreadBps) / BPS
  return {
    usds: usdsOut,
    state: {
      ...marked,
      usds: marked.usds - usdsOut,
      held: marked.held + assetIn,
      limits: { ...marked.limits, poolBuy },
      books: { ...marked.books, spreadScaled: marked.books.spreadScaled + gain, nominalSpreadScaled: marked.books.nominalSpreadScaled + nominal },
    },
  }
}

/** A trader buys `assetOut` from the pool for at most `maxUsdsIn`. */
export function buyFromPool(s: PoolState, assetOut: bigint, maxUsdsIn: bigint, reading: OracleReading, p: AssetParams, now: bigint): SwapResult {
  if (assetOut <= 0n) throw new InvalidInputError('assetOut must be positive')
  const priceWad = checkOracle(reading, s.referenceWad, p, now)
  if (assetOut > s.held) throw new TradeRefusedError('InsufficientInventory', 'The pool holds less of the asset than the trader buys', { held: String(s.held) })
  const usdsIn = quoteBuy(assetOut, priceWad, p)
  if (usdsIn > maxUsdsIn) throw new TradeRefusedError('SlippageExceeded', 'The pool asks more than the trader offered', { usdsIn: String(usdsIn) })
  const poolSell = limited(s.limits.poolSell, assetOut, now)
  const marked = markToPrice(s, priceWad)
  const scale = 10n ** BigInt(p.assetDecimals)
  const gain = usdsIn * scale - assetOut * priceWad
  const nominal = (assetOut * priceWad * p.askSpreadBps) / BPS
  return {
    usds: usdsIn,
    state: {
      ...marked,
      usds: marked.usds + usdsIn,
      held: marked.held - assetOut,
      limits: { ...marked.limits, poolSell },
      books: { ...marked.books, spreadScaled: marked.books.spreadScaled + gain, nominalSpreadScaled: marked.books.nominalSpreadScaled + nominal },
    },
  }
}

/** lpha-amm records the oracle price as the new reference (refused when it deviates beyond the bound). */
export function syncPrice(s: PoolState, reading: OracleReading, p: AssetParams, now: bigint): PoolState {
  const priceWad = checkOracle(reading, s.referenceWad, p, now)
  return { ...markToPrice(s, priceWad), referenceWad: priceWad }
}

/** lpha-amm sends `amount` of the book to the issuer for redemption, within the redeem limit. */
export function requestRedemption(s: PoolState, amount: bigint, now: bigint): PoolState {
  if (amount <= 0n) throw new InvalidInputError('amount must be positive')
  if (amount > s.held) throw new TradeRefusedError('InsufficientInventory', 'The pool holds less of the asset than the redemption', { held: String(s.held) })
  const redeem = limited(s.limits.redeem, amount, now)
  return { ...s, held: s.held - amount, pending: s.pending + amount, limits: { ...s.limits, redeem } }
}

/** The issuer paid `usdsPaid` for `amount` pending: the difference to the oracle value is a mark. */
export function settleRedemption(s: PoolState, amount: bigint, usdsPaid: bigint, priceWad: bigint, p: AssetParams): PoolState {
  if (amount <= 0n || amount > s.pending) throw new InvalidInputError('amount must be positive and at most what is pending')
  const marked = markToPrice(s, priceWad)
  const scale = 10n ** BigInt(p.assetDecimals)
  const marksScaled = marked.books.marksScaled + usdsPaid * scale - amount * priceWad
  return { ...marked, usds: marked.usds + usdsPaid, pending: marked.pending - amount, books: { ...marked.books, marksScaled } }
}

/** A fresh pool: no capital, reference = the first oracle price governance onboarded it at. */
export function emptyPool(referenceWad: bigint, limits: PoolState['limits']): PoolState {
  return {
    usds: 0n,
    held: 0n,
    pending: 0n,
    referenceWad,
    limits,
    books: { contributedScaled: 0n, spreadScaled: 0n, nominalSpreadScaled: 0n, marksScaled: 0n, lastPriceWad: referenceWad },
  }
}
