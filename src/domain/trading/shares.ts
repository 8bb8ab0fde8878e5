import { TradeRefusedError, WAD } from './pricing.js'

/**
 * Primes' capital in a Trading Halo Unit, held as LCTS shares (contracts/trading/TradingPool.sol
 * is the Holding System of its share token and the converter of its LCTS queue pair). One rule
 * for the pool's value and the share conversions, used by the contract tests (as the oracle),
 * lpha-amm (settlement capacities) and the Synome's pool report:
 *
 *   value          = USDS held + floor((asset held + pending not yet paid) × NAV ÷ 10^dec)
 *   share value    = floor((value + V) × 1e18 ÷ (supply + V))
 *   shares minted  = floor(USDS in × (supply + V) ÷ (value before + V))  (1:1 into an empty pool)
 *   USDS paid      = floor(shares in × (value + V) ÷ (supply + V))
 *
 * with V = VIRTUAL_SHARES = VIRTUAL_VALUE = 10^6 base units: a virtual holder of 10^6 shares
 * worth 10^6 wei that nobody owns (OpenZeppelin ERC4626's virtual offset, kept 1:1 so a share
 * starts at 1 USDS). It is the defence against the first-depositor inflation attack: a donation
 * to the pool is shared with the virtual holder, so inflating the value of a 1-wei first share
 * until a later subscription rounds to nothing costs the attacker ~10^6 times what the victim
 * loses (test/contracts/trading/inflation.test.ts). It keeps V ÷ (supply + V) of every gain
 * (≤ 10^-15 of it for 1,000 USDS of shares).
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

/** The virtual offset (see above): 10^6 shares and 10^6 wei of value nobody owns. */
export const VIRTUAL_SHARES = 10n ** 6n
export const VIRTUAL_VALUE = 10n ** 6n

export type ShareValue = { poolValue: bigint; supply: bigint; shareValueWad: bigint }

/** The pool's value, its share supply and the USDS one whole share (1e18) is worth. */
export function shareValue(h: PoolHoldings, supply: bigint): ShareValue {
  const poolValue = poolValueOf(h)
  return { poolValue, supply, shareValueWad: ((poolValue + VIRTUAL_VALUE) * WAD) / (supply + VIRTUAL_SHARES) }
}

/**
 * Shares a SubscribeQueue settlement of `usdsIn` mints, given the value before the USDS arrived.
 * 0 for a generation worth less than one share unit: its wei stay with the holders (refusing it
 * would leave the generation LOCKED for good, since every settlement would refuse it again).
 */
export function sharesForSubscription(usdsIn: bigint, valueBefore: bigint, supply: bigint): bigint {
  if (supply !== 0n && valueBefore === 0n) throw new TradeRefusedError('PoolValueZero', 'the pool is worth nothing: no share can be priced')
  return (usdsIn * (supply + VIRTUAL_SHARES)) / (valueBefore + VIRTUAL_VALUE)
}

/** USDS a RedeemQueue settlement of `sharesIn` pays (the shares still in the supply). */
export function usdsForRedemption(sharesIn: bigint, value: bigint, supply: bigint): bigint {
  if (sharesIn === 0n) return 0n
  if (sharesIn > supply) throw new TradeRefusedError('InsufficientLiquidity', 'more shares than the supply', { sharesIn: String(sharesIn), supply: String(supply) })
  return (sharesIn * (value + VIRTUAL_VALUE)) / (supply + VIRTUAL_SHARES)
}

/**
 * The most shares a redemption may convert so that the USDS it pays stays within `usdsLimit`
 * (the UNSUBSCRIBE key's availability and the pool's USDS): floor(limit × (supply + V) ÷ (value + V))
 * pays floor(shares × (value + V) ÷ (supply + V)) ≤ limit; never more than the supply.
 */
export function redeemCapacityShares(usdsLimit: bigint, value: bigint, supply: bigint): bigint {
  const shares = (usdsLimit * (supply + VIRTUAL_SHARES)) / (value + VIRTUAL_VALUE)
  return shares < supply ? shares : supply
}
