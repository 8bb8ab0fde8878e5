import { InvalidInputError } from '../errors.js'
import { mulDiv } from '../money.js'
import { BPS, DAYS_PER_YEAR } from './parameters.js'

export type DistributionTier = 0 | 1 | 2 | 3 | 4

/** Annual Distribution Reward rate per tier, in bps; tier 0 earns nothing and is not tracked. */
export const DISTRIBUTION_TIER_BPS: Record<DistributionTier, bigint | null> = { 0: null, 1: 0n, 2: 10n, 3: 20n, 4: 50n }

/** The facts about a tagged balance that decide its tier (seed 001, Distribution Reward Tiers). */
export type DistributionCriteria = {
  /** Excluded or ineligible address (tier 0). */
  excluded?: boolean | undefined
  /** No Prime has tagged it (tier 1: tracked, unpaid, still counts for duration rewards). */
  tagged: boolean
  /** Tagged by a Pioneer Star's auto-tagging rather than explicitly: never Boosted (tier 4). */
  autoTagged?: boolean | undefined
  /** Direct USDS/sUSDS holding (not a product wrapping it). */
  directHolding: boolean
  /** Clear Sky branding in the frontend. */
  skyBranding: boolean
  /** The product uses "USDS" in its name. */
  nameUsesUsds: boolean
  /** Subscribe/redeem currency is USDS. */
  subscribeRedeemInUsds: boolean
  /** Share of the product's backing held in sUSDS, in bps (0–10,000). */
  susdsBackingBps: bigint
}

const HIGH_BACKING_BPS = 9_000n

/**
 * Tier from criteria. Direct holdings with Sky branding are tier 4 (Boosted) unless the tag came
 * from Pioneer auto-tagging, which the seed excludes from Boosted DR. A direct holding without
 * Sky branding is USDS itself, so it meets path 3a (USDS name and currency) and is tier 3.
 */
export function distributionTier(criteria: DistributionCriteria): DistributionTier {
  if (criteria.excluded) return 0
  if (!criteria.tagged) return 1
  if (criteria.susdsBackingBps < 0n || criteria.susdsBackingBps > BPS) {
    throw new InvalidInputError('susdsBackingBps must be between 0 and 10000', { meta: { field: 'susdsBackingBps' } })
  }
  if (criteria.directHolding && criteria.skyBranding && !criteria.autoTagged) return 4
  if (criteria.directHolding) return 3
  const branded = criteria.nameUsesUsds && criteria.subscribeRedeemInUsds
  if (branded || criteria.susdsBackingBps >= HIGH_BACKING_BPS) return 3
  return 2
}

export type DistributionRewardParameters = {
  tier: DistributionTier
  /** Average tagged balance over the period (USDS base units). */
  averageBalance: bigint
  days: bigint
}

/**
 * Reward = average balance × tier rate × days / 365, rounded down: Sky pays it, so the
 * rounding unit stays with Sky.
 */
export function distributionReward({ tier, averageBalance, days }: DistributionRewardParameters): bigint {
  const bps = DISTRIBUTION_TIER_BPS[tier]
  if (bps === null || bps === 0n) return 0n
  return mulDiv(averageBalance * bps, days, BPS * DAYS_PER_YEAR)
}
