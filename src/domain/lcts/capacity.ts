import { InvalidInputError } from '../errors.js'
import { mulDiv, WAD } from '../money.js'

/**
 * Settlement capacity of a subscribe/redeem queue pair (daily-settlement-cycle.md Part 5).
 * Everything is in base units of the subscribe side's underlying ("value", sUSDS for srUSDS);
 * the redeem queue's underlying (the LCTS token) is valued at `exchangeRateWad` = value per
 * 1e18 tokens, the same number the token's exchangeRate() view returns.
 *
 *   1. Net-flow netting: matched = min(subscribe queued, redeem queued value). Both sides
 *      convert `matched` against each other; the token supply does not change.
 *   2. Subscribe side: + min(subscribe left, origination capacity throttled by target spread).
 *   3. Redeem side:    + min(redeem left, redemption limit).
 */

/** Capacity inputs published for one epoch (srUSDS: set by Core Council as signed Synome statements). */
export type CapacityInputs = {
  /** Most new token value that may be originated this epoch beyond netting. */
  originationCapacity: bigint
  /** Annual premium over SSR the risk capital is rented at (OSRC clearing rate), bps. */
  clearingSpreadBps: bigint
  /** Risk capital the Primes rent at that premium, in value. */
  riskCapitalDemand: bigint
  /** Governance-set annual target spread over SSR for token holders, bps. */
  targetSpreadBps: bigint
  /** Most redeem value beyond netting this epoch. */
  redemptionLimit: bigint
}

export type CapacityFallback = 'none' | 'previous-epoch' | 'net-flow-only'

export type PairCapacityParameters = {
  /** Underlying in the subscribe queue's current generation (value). */
  subscribeQueued: bigint
  /** Underlying in the redeem queue's current generation (tokens). */
  redeemQueued: bigint
  /** Token supply outside the queues' reach (value of tokens outstanding), for the spread throttle. */
  tokenSupply: bigint
  exchangeRateWad: bigint
  /** This epoch's inputs, or null when they were not published by lock time. */
  inputs: CapacityInputs | null
  /** Inputs used by the previous epoch (the fallback), or null. */
  previousInputs: CapacityInputs | null
}

export type PairCapacity = {
  /** Value matched by netting (both sides). */
  matchedValue: bigint
  /** Capacity to pass to SubscribeQueue.settle (subscribe underlying, value). */
  subscribeCapacity: bigint
  /** Capacity to pass to RedeemQueue.settle (redeem underlying, tokens). */
  redeemCapacity: bigint
  /** New origination allowed after the target-spread throttle (value). */
  originationAllowed: bigint
  fallback: CapacityFallback
  inputsUsed: CapacityInputs | null
}

/** Token value of `tokens` at `exchangeRateWad` (floored). */
export function tokensToValue(tokens: bigint, exchangeRateWad: bigint): bigint {
  return mulDiv(tokens, exchangeRateWad, WAD)
}

/** Tokens worth `value` at `exchangeRateWad` (floored: a subscriber never gets more than paid for). */
export function valueToTokens(value: bigint, exchangeRateWad: bigint): bigint {
  return mulDiv(value, WAD, exchangeRateWad)
}

/**
 * Target-spread throttle: holders earn clearingSpread × min(demand, supply') ÷ supply'. Keeping
 * that ≥ targetSpread caps supply' at demand × clearingSpread ÷ targetSpread, so new origination
 * is min(originationCapacity, max(0, cap − supply)). clearing ≥ target and enough demand → full.
 */
export function throttledOrigination(inputs: CapacityInputs, tokenSupply: bigint): bigint {
  if (inputs.targetSpreadBps === 0n) return inputs.originationCapacity
  const supplyCap = mulDiv(inputs.riskCapitalDemand, inputs.clearingSpreadBps, inputs.targetSpreadBps)
  const room = supplyCap > tokenSupply ? supplyCap - tokenSupply : 0n
  return room < inputs.originationCapacity ? room : inputs.originationCapacity
}

const min = (a: bigint, b: bigint) => (a < b ? a : b)

function assertInputs(inputs: CapacityInputs | null, field: string) {
  if (inputs === null) return
  for (const [name, value] of Object.entries(inputs)) {
    if (typeof value !== 'bigint' || value < 0n) throw new InvalidInputError(`${field}.${name} must be a non-negative bigint`, { meta: { field: `${field}.${name}` } })
  }
}

/** The capacities lpha-lcts passes to settle() for one epoch of a queue pair. Pure. */
export function pairCapacity(parameters: PairCapacityParameters): PairCapacity {
  const { subscribeQueued, redeemQueued, tokenSupply, exchangeRateWad } = parameters
  if (exchangeRateWad <= 0n) throw new InvalidInputError('exchangeRateWad must be positive')
  if (subscribeQueued < 0n || redeemQueued < 0n || tokenSupply < 0n) throw new InvalidInputError('queue totals must be non-negative')
  assertInputs(parameters.inputs, 'inputs')
  assertInputs(parameters.previousInputs, 'previousInputs')
  const fallback: CapacityFallback = parameters.inputs ? 'none' : parameters.previousInputs ? 'previous-epoch' : 'net-flow-only'
  const inputsUsed = parameters.inputs ?? parameters.previousInputs

  const redeemValue = tokensToValue(redeemQueued, exchangeRateWad)
  const matchedValue = min(subscribeQueued, redeemValue)
  // redeem tokens that netting matches: all of them when the redeem side is the smaller one
  const matchedTokens = matchedValue === redeemValue ? redeemQueued : valueToTokens(matchedValue, exchangeRateWad)

  const subscribeLeft = subscribeQueued - matchedValue
  const redeemLeftTokens = redeemQueued - matchedTokens
  const originationAllowed = inputsUsed ? throttledOrigination(inputsUsed, tokenSupply) : 0n
  const redemptionTokens = inputsUsed ? valueToTokens(inputsUsed.redemptionLimit, exchangeRateWad) : 0n

  return {
    matchedValue,
    subscribeCapacity: matchedValue + min(subscribeLeft, originationAllowed),
    redeemCapacity: matchedTokens + min(redeemLeftTokens, redemptionTokens),
    originationAllowed,
    fallback,
    inputsUsed,
  }
}
