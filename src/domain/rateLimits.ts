import { encodeAbiParameters, keccak256, toBytes, type Address, type Hex } from 'viem'
import { InvalidInputError } from './errors.js'

/**
 * PAU rate limits (seed 001 "Rate Limit System"): capacity refills linearly from the last
 * consumed level at `slope` per second up to `maxAmount`; consuming more than is available
 * fails. This module is the rule written once: contracts/pau/RateLimits.sol implements the
 * same arithmetic, and tests use these functions as the oracle; beacons use them to plan
 * actions that fit.
 */

/** `maxAmount` meaning "no limit" (type(uint256).max on chain). */
export const UNLIMITED = 2n ** 256n - 1n

export type RateLimitData = {
  maxAmount: bigint
  /** Refill per second, in the key's units. */
  slope: bigint
  lastAmount: bigint
  /** Seconds (chain time) when lastAmount was recorded. */
  lastUpdated: bigint
}

/** What can be consumed at `now`. */
export function currentRateLimit(data: RateLimitData, now: bigint): bigint {
  if (data.maxAmount === UNLIMITED) return UNLIMITED
  if (now < data.lastUpdated) throw new InvalidInputError('now is before the last update', { details: `${now} < ${data.lastUpdated}` })
  const refilled = data.lastAmount + data.slope * (now - data.lastUpdated)
  return refilled < data.maxAmount ? refilled : data.maxAmount
}

/** State after consuming `amount` at `now`; throws (changing nothing) when it does not fit. */
export function consumeRateLimit(data: RateLimitData, amount: bigint, now: bigint): RateLimitData {
  if (amount <= 0n) throw new InvalidInputError('amount must be positive', { details: String(amount) })
  const available = currentRateLimit(data, now)
  if (available === UNLIMITED) return data
  if (amount > available) {
    throw new InvalidInputError('amount exceeds the available rate limit', {
      details: `${amount} > ${available}`,
      meta: { amount: String(amount), available: String(available) },
    })
  }
  return { ...data, lastAmount: available - amount, lastUpdated: now }
}

/** State after a paired reverse path gives `amount` back (capped at the maximum). */
export function refundRateLimit(data: RateLimitData, amount: bigint, now: bigint): RateLimitData {
  const available = currentRateLimit(data, now)
  if (data.maxAmount === 0n || available === UNLIMITED) return data
  const refilled = available + amount
  return { ...data, lastAmount: refilled < data.maxAmount ? refilled : data.maxAmount, lastUpdated: now }
}

/**
 * State after (re)configuration. A key without a limit starts empty (a new target only gets
 * what the slope accrues); an existing key keeps what is available, capped at the new max.
 */
export function configureRateLimit(data: RateLimitData | undefined, maxAmount: bigint, slope: bigint, now: bigint): RateLimitData {
  const current = data && data.maxAmount !== 0n ? currentRateLimit(data, now) : 0n
  const lastAmount = maxAmount === UNLIMITED ? UNLIMITED : current < maxAmount ? current : maxAmount
  return { maxAmount, slope, lastAmount, lastUpdated: now }
}

/**
 * Named rate-limit actions, as in Spark ALM's `LIMIT_*` constants. The key for a target is
 * keccak256(abi.encode(action, ...targets)), exactly as contracts/pau/RateLimitKeys.sol.
 */
export const LIMIT = {
  USDS_TO_USDC: keccak256(toBytes('LIMIT_USDS_TO_USDC')),
  USDC_TO_USDS: keccak256(toBytes('LIMIT_USDC_TO_USDS')),
  ASSET_TRANSFER: keccak256(toBytes('LIMIT_ASSET_TRANSFER')),
  ERC4626_DEPOSIT: keccak256(toBytes('LIMIT_4626_DEPOSIT')),
  ERC4626_WITHDRAW: keccak256(toBytes('LIMIT_4626_WITHDRAW')),
  FACILITY_DEPOSIT: keccak256(toBytes('LIMIT_FACILITY_DEPOSIT')),
  FACILITY_WITHDRAW: keccak256(toBytes('LIMIT_FACILITY_WITHDRAW')),
  /** Prime side: NFAT redemptions, keyed by facility, measured by USDS received. */
  FACILITY_REDEEM: keccak256(toBytes('LIMIT_FACILITY_REDEEM')),
  /** Halo side: claims, consumed by the facility itself on the Halo PAU's RateLimits, keyed by facility. */
  NFAT_CLAIM: keccak256(toBytes('LIMIT_NFAT_CLAIM')),
  /** Halo side: funding an NFAT's redemption, principal part and interest part on separate keys, keyed by facility. */
  REDEEM_FUND_PRINCIPAL: keccak256(toBytes('LIMIT_REDEEM_FUND_PRINCIPAL')),
  REDEEM_FUND_INTEREST: keccak256(toBytes('LIMIT_REDEEM_FUND_INTEREST')),
  APPROVE_AND_CALL: keccak256(toBytes('LIMIT_APPROVE_AND_CALL')),
  /** Attestation-gated off-ramp for a sleeve, keyed by (asset, destination) like ASSET_TRANSFER. */
  SLEEVE_OFFRAMP: keccak256(toBytes('LIMIT_SLEEVE_OFFRAMP')),
} as const

export function rateLimitKey(action: Hex, target: Address): Hex
export function rateLimitKey(action: Hex, asset: Address, target: Address): Hex
export function rateLimitKey(action: Hex, asset: Address, target: Address, selector: Hex): Hex
export function rateLimitKey(action: Hex, ...targets: [Address] | [Address, Address] | [Address, Address, Hex]): Hex {
  const types = [{ type: 'bytes32' }, ...targets.map((_, i) => ({ type: i === 2 ? 'bytes4' : 'address' }))]
  return keccak256(encodeAbiParameters(types, [action, ...targets]))
}
