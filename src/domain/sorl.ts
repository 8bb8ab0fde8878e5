import { InvalidInputError } from './errors.js'
import { mulDiv } from './money.js'
import { UNLIMITED } from './rateLimits.js'

/**
 * Second-order rate limit (seed 001 "SORL"; reference configurator-unit.md): how fast a rate
 * limit may grow. An increase of the max or the slope waits `hopSeconds` since the last
 * increase of that key and is at most max(old × (1 + maxChange), init); decreases are always
 * instant. Mirrors contracts/configurator/Configurator.sol (`_checkIncrease`, `_bound`).
 */
export const BPS = 10_000n
export const SORL_DEFAULTS = { hopSeconds: 18n * 3600n, maxChangeBps: 2_500n, timelockDelaySeconds: 14n * 86_400n } as const

export type SorlParameters = { hopSeconds: bigint; maxChangeBps: bigint }
const STORABLE = 2n ** 128n - 1n
export const DAY_SECONDS = 86_400n

/**
 * A finite limit refills at most its max per day (slope × 1 day ≤ max), for inits
 * (BEAMState.addInitRateLimits) and for every increase (Configurator `_checkIncrease`): the
 * Type 1 exposure within a 24 h time to freeze is then IRL × (1 + SORL / 4).
 */
export function slopeWithinDailyMax(maxAmount: bigint, slope: bigint): boolean {
  return maxAmount === UNLIMITED || slope <= maxAmount / DAY_SECONDS
}

/** The highest value an increase may reach from `old`, given the approved `init`. */
export function sorlBound(old: bigint, init: bigint, maxChangeBps: bigint): bigint {
  if (old >= STORABLE) return old
  const grown = mulDiv(old, BPS + maxChangeBps, BPS)
  return grown > init ? grown : init
}

export type SorlCheck =
  | { ok: true; increase: boolean }
  | { ok: false; reason: 'NO_INIT' | 'COOLDOWN' | 'EXCEEDED' | 'SLOPE_ABOVE_DAILY_MAX'; nextIncreaseAt?: bigint }

export type CheckSorlParameters = SorlParameters & {
  old: { maxAmount: bigint; slope: bigint }
  next: { maxAmount: bigint; slope: bigint }
  /** The init that applies to the PAU, or undefined when none exists. */
  init: { maxAmount: bigint; slope: bigint } | undefined
  /** When the key was last raised (0n: never). */
  lastIncreaseAt: bigint
  now: bigint
}

/** Whether `setRateLimit(old → next)` is allowed at `now`. */
export function checkSorl(p: CheckSorlParameters): SorlCheck {
  const increase = p.next.maxAmount > p.old.maxAmount || p.next.slope > p.old.slope
  if (!increase) return { ok: true, increase }
  if (!p.init) return { ok: false, reason: 'NO_INIT' }
  const nextIncreaseAt = p.lastIncreaseAt + p.hopSeconds
  if (p.lastIncreaseAt !== 0n && p.now < nextIncreaseAt) return { ok: false, reason: 'COOLDOWN', nextIncreaseAt }
  const maxOk = p.next.maxAmount <= sorlBound(p.old.maxAmount, p.init.maxAmount, p.maxChangeBps)
  const slopeOk = p.next.slope <= sorlBound(p.old.slope, p.init.slope, p.maxChangeBps)
  if (!maxOk || !slopeOk) return { ok: false, reason: 'EXCEEDED' }
  if (!slopeWithinDailyMax(p.next.maxAmount, p.next.slope)) return { ok: false, reason: 'SLOPE_ABOVE_DAILY_MAX' }
  return { ok: true, increase }
}

/**
 * rate-limit-attacks.md, Type 1 "configuration theft": the most an attacker holding relayer
 * and cBEAM keys can pull through a freshly onboarded limit (starting empty, slope =
 * IRL per day) before the freeze, raising max and slope by SORL at the earliest hop.
 * Returns base units; for IRL $100K, SORL 25%, hop 18 h, freeze at 24 h this is
 * IRL × (1 + 0.25 × SORL) = $106,250 (up to the slope's integer rounding). `slopePerSecond`
 * overrides the daily slope to show what an init refilling faster would expose (it is capped
 * by the raised max: IRL × 1.25), which is why such inits are refused.
 */
export function typeOneTheftMax(p: {
  irl: bigint
  maxChangeBps: bigint
  hopSeconds: bigint
  timeToFreezeSeconds: bigint
  daySeconds?: bigint
  slopePerSecond?: bigint
}): { slope: bigint; raisedSlope: bigint; maxTaken: bigint } {
  if (p.irl <= 0n || p.hopSeconds <= 0n || p.timeToFreezeSeconds < p.hopSeconds) {
    throw new InvalidInputError('typeOneTheftMax needs irl > 0 and hop ≤ time to freeze')
  }
  const slope = p.slopePerSecond ?? p.irl / (p.daySeconds ?? DAY_SECONDS)
  const raisedSlope = sorlBound(slope, 0n, p.maxChangeBps)
  const raisedMax = sorlBound(p.irl, 0n, p.maxChangeBps)
  const accrued = slope * p.hopSeconds
  const beforeHop = accrued < p.irl ? accrued : p.irl
  const total = beforeHop + raisedSlope * (p.timeToFreezeSeconds - p.hopSeconds)
  return { slope, raisedSlope, maxTaken: total < raisedMax ? total : raisedMax }
}

export { UNLIMITED }
