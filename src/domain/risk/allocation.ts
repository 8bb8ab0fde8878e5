import { mulDiv } from '../money.js'

/**
 * Split a sleeve's required capital over its units pro rata by principal (seed 004: units
 * sharing a sleeve share fate). Each share is floored and the few base units of remainder go
 * to the largest fractional remainders (earliest unit first on ties), so the shares always
 * add up to exactly the sleeve's figure: no capital requirement is lost to rounding.
 */
export function allocateProRata(total: bigint, weights: readonly bigint[]): bigint[] {
  const sum = weights.reduce((a, b) => a + b, 0n)
  if (sum === 0n || total === 0n) return weights.map(() => 0n)
  const shares = weights.map((w) => mulDiv(total, w, sum))
  let remainder = total - shares.reduce((a, b) => a + b, 0n)
  // remainder < weights.length, so this loop is bounded by the number of units.
  const order = weights.map((w, i) => ({ i, frac: (total * w) % sum })).sort((a, b) => (a.frac === b.frac ? a.i - b.i : a.frac > b.frac ? -1 : 1))
  for (const { i } of order) {
    if (remainder === 0n) break
    shares[i] = shares[i]! + 1n
    remainder -= 1n
  }
  return shares
}
