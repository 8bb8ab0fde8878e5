import { InvalidInputError } from '../errors.js'
import { mulDiv } from '../money.js'
import { BPS, DAYS_PER_YEAR, GOVERNANCE_ACCESS_BPS } from './parameters.js'
import { splitProRata } from '../proRata.js'

const WAD = 10n ** 18n

/**
 * Simple interest on an average balance: balance × annual rate × days / 365, rounded down.
 * Used where Sky pays a rate (Integration Boost, Pioneer Rewards), so dust stays with Sky.
 * `annualRateWad` is the period's SSR as an 18-decimal fraction (0.045 = 4.5% a year).
 */
export function accrueSimple({ balance, annualRateWad, days }: { balance: bigint; annualRateWad: bigint; days: bigint }): bigint {
  if (balance < 0n || annualRateWad < 0n || days < 0n) throw new InvalidInputError('accrual inputs must not be negative', { meta: { field: 'accrual' } })
  return mulDiv(balance * annualRateWad, days, WAD * DAYS_PER_YEAR)
}

export type IntegrationBoostParameters = {
  /** Average naked USDS held in the integration's contract. */
  averageBalance: bigint
  annualRateWad: bigint
  days: bigint
  /** Governance approves each integration; unapproved ones earn nothing. */
  approved: boolean
}

/** Integration Boost: the SSR paid on naked USDS in an approved contract, to that contract. */
export function integrationBoost({ averageBalance, annualRateWad, days, approved }: IntegrationBoostParameters): bigint {
  return approved ? accrueSimple({ balance: averageBalance, annualRateWad, days }) : 0n
}

export type GovernanceAccessRewardParameters = {
  /** Sky's net revenue for the period (USDS base units). */
  netRevenue: bigint
  /** SKY staked through each eligible Prime's compliant frontend. */
  stakedByPrime: readonly { prime: string; staked: bigint; eligible: boolean }[]
}
export type GovernanceAccessRewardReturnType = {
  pool: bigint
  shares: { prime: string; staked: bigint; amount: bigint }[]
  /** Pool not paid out (no eligible stake, or rounding dust): stays with Sky. */
  retainedBySky: bigint
}

/** Governance Access Reward: 1% of net revenue, split by SKY staked through each eligible frontend. */
export function governanceAccessReward({ netRevenue, stakedByPrime }: GovernanceAccessRewardParameters): GovernanceAccessRewardReturnType {
  if (netRevenue < 0n) throw new InvalidInputError('netRevenue must not be negative', { meta: { field: 'netRevenue' } })
  const pool = mulDiv(netRevenue, GOVERNANCE_ACCESS_BPS, BPS)
  const eligible = stakedByPrime.filter((entry) => entry.eligible)
  const { shares, remainder } = splitProRata(pool, eligible.map((entry) => entry.staked))
  return {
    pool,
    shares: eligible.map((entry, index) => ({ prime: entry.prime, staked: entry.staked, amount: shares[index] ?? 0n })),
    retainedBySky: remainder,
  }
}

export type StakingRewardsParameters = {
  /** Amount the agent's treasury distributes this period. */
  amount: bigint
  stakers: readonly { staker: string; staked: bigint }[]
}

/** Staking rewards: a treasury amount split pro rata by stake; dust stays in the treasury. */
export function stakingRewards({ amount, stakers }: StakingRewardsParameters) {
  const { shares, remainder } = splitProRata(amount, stakers.map((entry) => entry.staked))
  return { payouts: stakers.map((entry, index) => ({ staker: entry.staker, amount: shares[index] ?? 0n })), retainedByTreasury: remainder }
}

export type BuybackParameters = {
  /** Revenue spent on the open-market buyback (USDS base units). */
  spend: bigint
  /** Average execution price, USD per whole token (18-decimal fixed point). */
  priceWad: bigint
  destination: 'burn' | 'stakers'
  supplyBefore: bigint
}

/**
 * Buyback: tokens bought = spend / price (rounded down: the market never delivers more than was
 * paid for). Burned tokens leave the supply; distributed ones stay in it and go to stakers.
 */
export function buyback({ spend, priceWad, destination, supplyBefore }: BuybackParameters) {
  if (priceWad <= 0n) throw new InvalidInputError('buyback price must be positive', { meta: { field: 'priceWad' } })
  const tokensBought = mulDiv(spend, WAD, priceWad)
  if (destination === 'burn' && tokensBought > supplyBefore) {
    throw new InvalidInputError('cannot burn more tokens than exist', { meta: { field: 'spend' } })
  }
  return { tokensBought, supplyAfter: destination === 'burn' ? supplyBefore - tokensBought : supplyBefore }
}
