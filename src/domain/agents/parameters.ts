/**
 * The agent framework's fixed parameters (seed 001, Appendix B), named once so every rule
 * and every statement line quotes the same number. Rates are basis points (1 bp = 1/10,000)
 * or exact fractions; nothing here is a float.
 */
export const BPS = 10_000n
/** Accrual year used for every "per year" rate: 365 days (a fixed, documented convention). */
export const DAYS_PER_YEAR = 365n
export const SECONDS_PER_DAY = 86_400n

/** 5% of any token issuance goes to Sky Core. */
export const ISSUANCE_FEE_BPS = 500n
/** Upkeep: 25 bps a year of total supply, paid in the agent's own tokens, accrued per day. */
export const UPKEEP_BPS_PER_YEAR = 25n
/** First Loss Capital: 10% of total JRC, taken from the Prime's IJRC. */
export const FIRST_LOSS_CAPITAL_BPS = 1_000n
/** Prime creation mints a 10B genesis token supply (whole tokens). */
export const PRIME_GENESIS_SUPPLY_TOKENS = 10_000_000_000n

/** Liability Duration Rewards: the tagging Prime keeps 2/3, Sky keeps the rest (initial setting). */
export const DURATION_REWARD_SPLIT = { numerator: 2n, denominator: 3n } as const
/** 101 duration buckets of 15 days: 0 = immediate, 100 = 1,500 days and longer. */
export const DURATION_BUCKET_COUNT = 101
export const DURATION_BUCKET_DAYS = 15

/** Governance Access Reward pool: 1% of Sky's net revenue. */
export const GOVERNANCE_ACCESS_BPS = 100n

/** Pioneer Phase: 3 years of designated time per Pioneer Chain (3 × 365 days). */
export const PIONEER_PHASE_DAYS = 3n * DAYS_PER_YEAR
/** Unbalanced supply fee a Pioneer Star may charge: 20 bps a year. */
export const UNBALANCED_SUPPLY_FEE_BPS_PER_YEAR = 20n
/** ASC liquidity counts as demand at 3× its average daily trading volume. */
export const ASC_LIQUIDITY_MULTIPLIER = 3n
/** Tags last 10 years from tagging (10 × 365 days). */
export const TAG_DURATION_DAYS = 10n * DAYS_PER_YEAR
