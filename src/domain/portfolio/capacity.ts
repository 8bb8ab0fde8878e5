import { InvalidInputError } from '../errors.js'
import { mulDiv, WAD } from '../money.js'
import { gateUnitCapacity, type WarningSignal } from './signals.js'

/**
 * lpha-lcts's daily capacity for one Portfolio unit (issue 14, seed 000 "your constraint becomes
 * capacity, not capital raising"). Pure; amounts are USDS base units, shares unit-share base
 * units, the price USDS per 1e18 shares. In order:
 *  1. net flow: subscriptions and redemptions of the same settlement net against each other
 *     (`matchedValue`): they swap holders, the unit does not grow, no capital moves;
 *  2. new subscriptions beyond that: at most the unit's remaining capacity (its configured
 *     maximum NAV less its NAV) and what the PAU may send on to the manager today;
 *  3. redemptions beyond that: at most the liquidity the manager has returned to the PAU and
 *     what the PAU may send to the class for redemptions today;
 *  4. warning signals (gateUnitCapacity, the one emergency rule): with any signal up nothing is
 *     matched and no new subscription is taken; redemptions settle from returned liquidity.
 * Redemption capacity is in shares, priced at `navPerShareWad`: pass the highest price the
 * settlement can see (the price at the end of the settlement window: a gain accrues upwards),
 * so what the class pays never exceeds the value matched plus the liquidity funded.
 */
export type UnitCapacityInputs = {
  /** USDS in the unit's locked subscribe generation. */
  subscribeQueued: bigint
  /** Shares in the unit's locked redeem generation. */
  redeemQueuedShares: bigint
  navPerShareWad: bigint
  /** The unit's NAV now. */
  unitNav: bigint
  /** The most NAV the manager takes into the unit; null = no maximum. */
  maxNav: bigint | null
  /** USDS the manager has returned to the PAU, not yet used for redemptions. */
  returnedLiquidity: bigint
  /** Rate-limit capacity available now: PAU → manager (deploys), PAU → class (redemption funding). */
  deployLimit: bigint
  fundLimit: bigint
}

export type UnitCapacityDecision = {
  matchedValue: bigint
  newSubscription: bigint
  remainingCapacity: bigint | null
  subscribeCapacity: bigint
  redeemValue: bigint
  redeemCapacity: bigint
  /** USDS the PAU sends to the class for these redemptions (beyond the matched value). */
  fundAmount: bigint
  halted: boolean
  signals: WarningSignal[]
}

const min = (...values: bigint[]) => values.reduce((a, b) => (b < a ? b : a))

export function decideUnitCapacity(inputs: UnitCapacityInputs, signals: readonly WarningSignal[]): UnitCapacityDecision {
  for (const [field, value] of Object.entries(inputs)) {
    if (typeof value === 'bigint' && value < 0n) throw new InvalidInputError(`${field} must not be negative`, { meta: { field } })
  }
  const price = inputs.navPerShareWad
  const halted = signals.length > 0
  const redeemValue = mulDiv(inputs.redeemQueuedShares, price, WAD)
  const matchedValue = halted || price === 0n ? 0n : min(inputs.subscribeQueued, redeemValue)
  const remainingCapacity = inputs.maxNav === null ? null : inputs.maxNav > inputs.unitNav ? inputs.maxNav - inputs.unitNav : 0n
  const unmatched = inputs.subscribeQueued - matchedValue
  const newSubscription = price === 0n ? 0n : remainingCapacity === null ? min(unmatched, inputs.deployLimit) : min(unmatched, remainingCapacity, inputs.deployLimit)
  const fundAmount = min(redeemValue - matchedValue, inputs.returnedLiquidity, inputs.fundLimit)
  const paidValue = matchedValue + fundAmount
  // a wiped unit (price 0) redeems every queued share for nothing
  const redeemCapacity = price === 0n || paidValue === redeemValue ? inputs.redeemQueuedShares : mulDiv(paidValue, WAD, price)
  const gated = gateUnitCapacity({ subscribeCapacity: matchedValue + newSubscription, redeemCapacity }, signals, redeemCapacity)
  return { matchedValue, newSubscription, remainingCapacity, subscribeCapacity: gated.subscribeCapacity, redeemValue, redeemCapacity: gated.redeemCapacity, fundAmount, halted: gated.halted, signals: gated.signals }
}
