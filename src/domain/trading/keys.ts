import { keccak256, toBytes, type Address, type Hex } from 'viem'
import { rateLimitKey } from '../rateLimits.js'

/**
 * Rate-limit actions a trading pool consumes on its Halo Class PAU's RateLimits, as
 * contracts/trading/TradingPool.sol names them; key = keccak256(abi.encode(action, asset, pool)).
 */
export const LIMIT_AMM = {
  /** USDS the pool pays when it buys the asset (a trader sells): per-swap size and depth. */
  POOL_BUY: keccak256(toBytes('LIMIT_AMM_POOL_BUY')),
  /** Asset the pool pays when it sells (a trader buys). */
  POOL_SELL: keccak256(toBytes('LIMIT_AMM_POOL_SELL')),
  /** Asset sent to the issuer's redemption endpoint. */
  REDEEM: keccak256(toBytes('LIMIT_AMM_REDEEM')),
  /** USDS returned to the PAU's ALMProxy. */
  RETURN: keccak256(toBytes('LIMIT_AMM_RETURN')),
  /** USDS entering the pool through its LCTS SubscribeQueue (a Prime's capital in). */
  SUBSCRIBE: keccak256(toBytes('LIMIT_AMM_SUBSCRIBE')),
  /** USDS leaving the pool through its LCTS RedeemQueue (a Prime's capital out). */
  UNSUBSCRIBE: keccak256(toBytes('LIMIT_AMM_UNSUBSCRIBE')),
} as const

export type PoolRateLimitKeys = { poolBuy: Hex; poolSell: Hex; redeem: Hex; return: Hex; subscribe: Hex; unsubscribe: Hex }

export function poolRateLimitKeys(asset: Address, pool: Address): PoolRateLimitKeys {
  return {
    poolBuy: rateLimitKey(LIMIT_AMM.POOL_BUY, asset, pool),
    poolSell: rateLimitKey(LIMIT_AMM.POOL_SELL, asset, pool),
    redeem: rateLimitKey(LIMIT_AMM.REDEEM, asset, pool),
    return: rateLimitKey(LIMIT_AMM.RETURN, asset, pool),
    subscribe: rateLimitKey(LIMIT_AMM.SUBSCRIBE, asset, pool),
    unsubscribe: rateLimitKey(LIMIT_AMM.UNSUBSCRIBE, asset, pool),
  }
}
