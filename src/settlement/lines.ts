/** Sky Core as a party in statements (agent ids cannot take this name). */
export const SKY_CORE = 'sky-core'
export const USDS = 'USDS'

/** Everything a settlement line can be; each kind is produced by exactly one rule. */
export type LineKind =
  | 'issuanceFee'
  | 'upkeepFee'
  | 'upkeepRebate'
  | 'distributionReward'
  | 'durationReward'
  | 'durationFeeToSky'
  | 'integrationBoost'
  | 'governanceAccessReward'
  | 'pioneerReward'
  | 'unbalancedSupplyFee'
  | 'stakingReward'
  | 'buybackSpend'
  | 'buybackTokens'
  | 'buybackDestination'

/**
 * One movement of value: who pays whom, how much of which asset, and how it was computed.
 * `source` groups the lines that split one input amount (one reservation's fee, one pool), so
 * a reader can check that the parts add up to the whole.
 */
export type SettlementLine = {
  kind: LineKind
  source: string
  payer: string
  payee: string
  asset: string
  amount: bigint
  formula: string
  inputs: Record<string, string>
  rounding: string
}
