import { TradeRefusedError, WAD } from './pricing.js'

/**
 * Primes' capital in a Trading Halo Unit, held as LCTS shares (contracts/trading/TradingPool.sol
 * is the Holding System of its share token and the converter of its LCTS queue pair). One rule
 * for the pool's value and the share conversions, used by the contract tests (as the oracle),
 * lpha-amm (settlement capacities) and the Synome's pool report:
 *
 *   value          = USDS held + floor((asset held + pending not yet paid) × NAV ÷ 10^dec)
 *   share value    = floor(value × 1e18 ÷ supply)            (1e18 before the first share)
 *   shares minted  = floor(USDS in × supply ÷ value before)  (1:1 into an empty pool)
 *   USDS paid      = floor(shares in × value ÷ supply)
 *
 * Every division rounds against the Prime who acts and in favour of the holders who stay.
 * "Pending not yet paid" excludes issuer redemptions already paid but not yet closed: their USDS
 * is in the pool's balance, so counting them twice would overpay a redemption.
 */

export type PoolHoldings = {
  usdsHeld: bigint
  assetHeld: bigint
  /** Asset at the issuer whose redemption is not yet paid. */
  pendingUnpaid: bigint
  priceWad: bigint
  assetDecimals: number
}

/** (held + pending not yet paid) at the oracle price, USDS base units, rounded down. */
export function inventoryValueOf(assetAmount: bigint, priceWad: bigint, assetDecimals: number): bigint {
  return (assetAmount * priceWad) / 10n ** BigInt(assetDecimals)
}

export function poolValueOf(h: PoolHoldings): bigint {
  return h.usdsHeld + inventoryValueOf(h.assetHeld + h.pendingUnpaid, h.priceWad, h.assetDecimals)
}

export type ShareValue = { poolValue: bigint; supply: bigint; shareValueWad: bigint }

/** The pool's value, its share supply and the USDS one whole share (1e18) is worth. */
export function shareValue(h: PoolHoldings, supply: bigint): ShareValue {
  const poolValue = poolValueOf(h)
  return { poolValue, supply, shareValueWad: supply === 0n ? WAD : (poolValue * WAD) / supply }
}

/** Shares a SubscribeQueue settlement of `usdsIn` mints, given the value before the USDS arrived. */
export function sharesForSubscription(usdsIn: bigint, valueBefore: bigint, supply: bigint): bigint {
  let shares: bigint
  if (supply === 0n) shares = usdsIn
  else {
    if (valueBefore === 0n) throw new TradeRefusedError('PoolValueZero', 'the pool is worth nothing: no share can be priced')
    shares = (usdsIn * supply) / valueBefore
  }
  if (shares === 0n) throw new TradeRefusedError('ZeroShares', 'the subscription is too small to mint a share', { usdsIn: String(usdsIn) })
  return shares
}

/** USDS a RedeemQueue settlement of `sharesIn` pays (the shares still in the supply). */
export function usdsForRedemption(sharesIn: bigint, value: bigint, supply: bigint): bigint {
  if (sharesIn === 0n) return 0n
  if (sharesIn > supply) throw new TradeRefusedError('InsufficientLiquidity', 'more shares than the supply', { sharesIn: String(sharesIn), supply: String(supply) })
  return (sharesIn * value) / supply
}

/**
 * The most shares a redemption may convert so that the USDS it pays stays within `usdsLimit`
 * (the UNSUBSCRIBE key's availability and the pool's USDS): floor(limit × supply ÷ value) pays
 * floor(shares × value ÷ supply) ≤ limit.
 */
export function redeemCapacityShares(usdsLimit: bigint, value: bigint, supply: bigint): bigint {
  if (value === 0n) return supply
  return (usdsLimit * supply) / value
}
