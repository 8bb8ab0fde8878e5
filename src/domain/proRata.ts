import { mulDiv } from './money.js'

/**
 * Pro-rata splits, the one place the project divides an amount by weights (repayments by
 * principal, fees and rewards by share, required capital by unit). Every share is floored so
 * the shares never add up to more than the amount; the caller says who keeps what is left.
 */

export type SplitProRataReturnType = {
  /** floor(amount × weight / Σweights) for each weight, in input order. */
  shares: bigint[]
  /** What flooring left over (always < number of weights); the caller names who keeps it. */
  remainder: bigint
}

/**
 * Split `amount` pro rata by `weights`, rounding every share down. The caller decides who
 * keeps the remainder (usually Sky, or the party the seed makes absorb first), so a split
 * always balances to the unit. All weights zero: nothing is shared, everything remains.
 */
export function splitProRata(amount: bigint, weights: readonly bigint[]): SplitProRataReturnType {
  const total = weights.reduce((sum, weight) => sum + weight, 0n)
  if (total === 0n) return { shares: weights.map(() => 0n), remainder: amount }
  const shares = weights.map((weight) => mulDiv(amount, weight, total))
  return { shares, remainder: amount - shares.reduce((sum, share) => sum + share, 0n) }
}

/**
 * Split `amount` so the shares add up to exactly `amount`: floored shares, then the few base
 * units of remainder to the largest fractional remainders (earliest weight first on ties).
 * Used where nothing may be lost to rounding, e.g. a sleeve's required capital over its units.
 */
export function allocateProRata(amount: bigint, weights: readonly bigint[]): bigint[] {
  const total = weights.reduce((sum, weight) => sum + weight, 0n)
  if (total === 0n || amount === 0n) return weights.map(() => 0n)
  const split = splitProRata(amount, weights)
  const shares = split.shares
  let remainder = split.remainder
  // remainder < weights.length, so this loop is bounded by the number of weights.
  const order = weights
    .map((weight, i) => ({ i, fraction: (amount * weight) % total }))
    .sort((a, b) => (a.fraction === b.fraction ? a.i - b.i : a.fraction > b.fraction ? -1 : 1))
  for (const { i } of order) {
    if (remainder === 0n) break
    shares[i] = shares[i]! + 1n
    remainder -= 1n
  }
  return shares
}
