import { InvalidInputError } from '../errors.js'
import { mulDiv, mulDivUp } from '../money.js'
import { BPS, DAYS_PER_YEAR, ISSUANCE_FEE_BPS, UPKEEP_BPS_PER_YEAR } from './parameters.js'

/**
 * Rounding rule for fees: every fee an agent owes Sky rounds UP to the next base unit, and
 * every rebate that reduces it rounds DOWN. So a rounding unit is never kept by the payer.
 */

export type IssuanceFeeParameters = { issuedAmount: bigint }
export type IssuanceFeeReturnType = { feeAmount: bigint }

/** 5% of any issuance (genesis, team, incentives, fundraising) goes to Sky Core. */
export function issuanceFee({ issuedAmount }: IssuanceFeeParameters): IssuanceFeeReturnType {
  if (issuedAmount < 0n) throw new InvalidInputError('issuedAmount must not be negative', { meta: { field: 'issuedAmount' } })
  return { feeAmount: mulDivUp(issuedAmount, ISSUANCE_FEE_BPS, BPS) }
}

export type UpkeepFeeParameters = {
  /** Total token supply on each day of the period (one entry per day, base units). */
  dailySupplies: readonly bigint[]
}
export type UpkeepFeeReturnType = { feeAmount: bigint; supplyDays: bigint }

/**
 * Upkeep: 25 bps a year of total supply, in the agent's own tokens, accrued per day.
 * Each day accrues supply × 25 / 10,000 / 365 exactly (as a fraction); the period's sum is
 * rounded up once, so splitting a period into days never changes the total by more than 1 unit.
 */
export function upkeepFee({ dailySupplies }: UpkeepFeeParameters): UpkeepFeeReturnType {
  let supplyDays = 0n
  for (const supply of dailySupplies) {
    if (supply < 0n) throw new InvalidInputError('a daily supply is negative', { meta: { field: 'dailySupplies' } })
    supplyDays += supply
  }
  return { feeAmount: mulDivUp(supplyDays, UPKEEP_BPS_PER_YEAR, BPS * DAYS_PER_YEAR), supplyDays }
}

export type TokenHolding = {
  /** Amount of another agent's token held (base units, 18 decimals). */
  amount: bigint
  /** The conservative (bid-side) USD price per whole token, 18-decimal fixed point. */
  bidPriceWad: bigint
}

export type UpkeepRebateParameters = {
  /** Upkeep owed this period before rebates, in the agent's own tokens. */
  upkeepAmount: bigint
  /** The agent's own total supply the upkeep was computed on (average over the period). */
  ownSupply: bigint
  /** The agent's own token at its ask-side USD price (18-decimal fixed point). */
  ownAskPriceWad: bigint
  holdings: readonly TokenHolding[]
}
export type UpkeepRebateReturnType = {
  /** Σ amount × bid price, rounded down (USD, 18 decimals). */
  holdingsValue: bigint
  /** ownSupply × ask price, rounded up (USD, 18 decimals). */
  ownSupplyValue: bigint
  /** The uncapped rebate; may exceed the upkeep. */
  uncappedRebate: bigint
  /** The rebate actually granted: never more than the upkeep (cap 100%). */
  rebateAmount: bigint
  /** Upkeep left to pay: upkeepAmount − rebateAmount, never negative. */
  netUpkeep: bigint
  capped: boolean
}

const WAD = 10n ** 18n

/**
 * Upkeep rebate: a proportional discount equal to the share that the agent's holdings of other
 * agents' tokens make up of its own supply's value. The spread favours Sky twice: held tokens
 * are valued at the bid (low) price and the agent's own supply at the ask (high) price, and
 * the rebate rounds down. The rebate is capped at 100% of the upkeep: best case zero, never income.
 */
export function upkeepRebate(parameters: UpkeepRebateParameters): UpkeepRebateReturnType {
  const { upkeepAmount, ownSupply, ownAskPriceWad, holdings } = parameters
  if (upkeepAmount < 0n || ownSupply < 0n || ownAskPriceWad < 0n) {
    throw new InvalidInputError('upkeep rebate inputs must not be negative', { meta: { field: 'upkeepRebate' } })
  }
  let holdingsValue = 0n
  for (const holding of holdings) holdingsValue += mulDiv(holding.amount, holding.bidPriceWad, WAD)
  const ownSupplyValue = mulDivUp(ownSupply, ownAskPriceWad, WAD)
  const uncappedRebate = ownSupplyValue === 0n ? 0n : mulDiv(upkeepAmount, holdingsValue, ownSupplyValue)
  const capped = uncappedRebate > upkeepAmount
  const rebateAmount = capped ? upkeepAmount : uncappedRebate
  return { holdingsValue, ownSupplyValue, uncappedRebate, rebateAmount, netUpkeep: upkeepAmount - rebateAmount, capped }
}
