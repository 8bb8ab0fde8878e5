import { mulDiv } from '../money.js'

export type SplitProRataReturnType = {
  /** floor(amount × weight / Σweights) for each weight, in input order. */
  shares: bigint[]
  /** What flooring left over (always < number of weights); the caller names who keeps it. */
  remainder: bigint
}

/**
 * Split `amount` pro rata by `weights`, rounding every share down so the shares never add up
 * to more than the amount. The caller decides who keeps the remainder (usually Sky, or the
 * party the seed makes absorb first), so a split always balances to the unit.
 */
export function splitProRata(amount: bigint, weights: readonly bigint[]): SplitProRataReturnType {
  const total = weights.reduce((sum, weight) => sum + weight, 0n)
  if (total === 0n) return { shares: weights.map(() => 0n), remainder: amount }
  const shares = weights.map((weight) => mulDiv(amount, weight, total))
  return { shares, remainder: amount - shares.reduce((sum, share) => sum + share, 0n) }
}
