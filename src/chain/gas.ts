/**
 * Gas limits for the transactions we send: the node's estimate plus headroom.
 *
 * Why: anvil (like geth) estimates the exact minimum for the state and timestamp it simulates
 * in. A transaction mined one second later can take a dearer branch: a rate limit whose
 * `lastUpdated` was written in the same second costs a warm no-op SSTORE at estimate time and
 * a real one at execution, and the transaction then runs out of gas by a few hundred units
 * (seen in CI as a claim that simulated fine and reverted on chain). Receipts report the gas
 * actually used, so the headroom changes no measured figure; unused gas is refunded.
 */
export const GAS_HEADROOM_BASIS_POINTS = 2_500n // +25%

export function gasLimitWithHeadroom(estimateGas: bigint): bigint {
  if (estimateGas <= 0n) throw new RangeError(`gas estimate must be positive: ${estimateGas}`)
  return estimateGas + (estimateGas * GAS_HEADROOM_BASIS_POINTS + 9_999n) / 10_000n
}
