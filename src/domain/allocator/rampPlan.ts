import { BaseError, InvalidInputError } from '../errors.js'
import { parseUnitsExact } from '../money.js'
import { sorlBound } from '../sorl.js'

/**
 * The ramp planner for Prime GovOps (seed 002 "Prime Integration Remains Manual": GovOps
 * create the rate limit for a new Unit and stage its ramp within SORL). Given where a
 * (PAU, key) rate limit is now and where GovOps want it, it lists every `setRateLimit` the
 * Configurator will accept, at the earliest time it will accept it, up to the target:
 *
 *   - no init approved for the key → governance first schedules one in the BEAM timelock
 *     (`addInitRateLimits`), usable `timelockDelaySeconds` later;
 *   - creating the limit sets it to the init (creation counts as a raise);
 *   - every later increase waits max(hop, cadence) since the last raise and is at most
 *     old × (1 + maxChange) for max and slope alike (floored, exactly as
 *     Configurator._bound), clamped to the target on the last step;
 *   - a decrease (target below the current value) is instant.
 *
 * `cadenceSeconds` lets GovOps ramp slower than SORL allows (reference
 * rate-limit-attacks.md: one SORL step a day in peacetime); it is never faster than `hop`.
 * Pure: `now` is passed in; every loop is bounded by `maxSteps`.
 */
export type RateLimitSetting = { maxAmount: bigint; slope: bigint }

export type RampStep =
  | { kind: 'schedule-init'; at: bigint; readyAt: bigint; init: RateLimitSetting }
  | { kind: 'set'; at: bigint; setting: RateLimitSetting; increase: boolean }

export type PlanRampParameters = {
  /** The limit as it is now ({0, 0} when the key has no limit). */
  current: RateLimitSetting
  /** The init approved for this key and PAU; undefined when none exists yet. */
  init: RateLimitSetting | undefined
  /** The init governance would approve when none exists (the conservative initial limit). */
  proposedInit?: RateLimitSetting | undefined
  target: RateLimitSetting
  /** When the key was last raised (0n: never). */
  lastIncreaseAt: bigint
  now: bigint
  hopSeconds: bigint
  maxChangeBps: bigint
  timelockDelaySeconds: bigint
  /** Seconds between two planned increases; at least `hopSeconds` (default: `hopSeconds`). */
  cadenceSeconds?: bigint | undefined
  /** Refuse a plan that reaches the target after this time. */
  by?: bigint | undefined
  /** Upper bound on planned steps (TigerBeetle habit: every loop has a bound). */
  maxSteps?: number | undefined
}

export type PlanRampReturnType = { steps: RampStep[]; reachedAt: bigint; increases: number }

export type PlanRampErrorType = RampInfeasibleError | InvalidInputError

/** The target cannot be reached (at all, or by the date asked). `meta.earliestAt` names when it can. */
export class RampInfeasibleError extends BaseError {
  override name = 'RampInfeasibleError'
  override readonly code: string = 'RAMP_INFEASIBLE'
  override readonly status: number = 422
}

export const RAMP_MAX_STEPS = 1_000

const min = (a: bigint, b: bigint) => (a < b ? a : b)
const max = (a: bigint, b: bigint) => (a > b ? a : b)
const same = (a: RateLimitSetting, b: RateLimitSetting) => a.maxAmount === b.maxAmount && a.slope === b.slope

export function planRamp(p: PlanRampParameters): PlanRampReturnType {
  if (p.hopSeconds <= 0n) throw new InvalidInputError('hopSeconds must be positive')
  if (p.target.maxAmount < 0n || p.target.slope < 0n) throw new InvalidInputError('target must not be negative')
  const cadence = max(p.cadenceSeconds ?? p.hopSeconds, p.hopSeconds)
  const maxSteps = p.maxSteps ?? RAMP_MAX_STEPS
  const steps: RampStep[] = []

  let earliest = p.now
  let init = p.init
  if (!init) {
    if (!p.proposedInit) throw new RampInfeasibleError('No init exists for this key and none was proposed', { meta: { reason: 'NO_INIT' } })
    init = p.proposedInit
    earliest = p.now + p.timelockDelaySeconds
    steps.push({ kind: 'schedule-init', at: p.now, readyAt: earliest, init })
  }

  let current = p.current
  let last = p.lastIncreaseAt
  let increases = 0
  while (!same(current, p.target)) {
    if (steps.length >= maxSteps) {
      throw new RampInfeasibleError(`The ramp needs more than ${maxSteps} steps`, { meta: { reason: 'TOO_MANY_STEPS', maxSteps } })
    }
    const next = {
      maxAmount: min(p.target.maxAmount, sorlBound(current.maxAmount, init.maxAmount, p.maxChangeBps)),
      slope: min(p.target.slope, sorlBound(current.slope, init.slope, p.maxChangeBps)),
    }
    const increase = next.maxAmount > current.maxAmount || next.slope > current.slope
    if (same(next, current)) {
      throw new RampInfeasibleError('SORL allows no further growth towards the target', {
        details: `stuck at max ${current.maxAmount}, slope ${current.slope}`,
        meta: { reason: 'NO_GROWTH' },
      })
    }
    const at = increase && last !== 0n ? max(earliest, last + cadence) : earliest
    steps.push({ kind: 'set', at, setting: next, increase })
    if (increase) {
      last = at
      increases++
    }
    earliest = at
    current = next
  }

  const reachedAt = steps.length === 0 ? p.now : earliest
  if (p.by !== undefined && reachedAt > p.by) {
    throw new RampInfeasibleError('SORL cannot reach the target by the date asked', {
      details: `earliest feasible: ${new Date(Number(reachedAt) * 1000).toISOString()}`,
      meta: { reason: 'TOO_LATE', earliestAt: reachedAt.toString(), by: p.by.toString() },
    })
  }
  return { steps, reachedAt, increases }
}

const SUFFIX: Record<string, bigint> = { '': 1n, K: 1_000n, M: 1_000_000n, B: 1_000_000_000n }
const RATE = /^(\d+(?:\.\d+)?)([KMB]?)\/(day|hour)$/i
export const DAY_SECONDS = 86_400n

/**
 * "100M/day" → { maxAmount: 100M, slope: 100M ÷ 86,400 per second (floored) } in base units:
 * a limit that refills to its max in one period, as the reference's "100M/day" means.
 */
export function parseRatePerPeriod(value: string, decimals: number, field = 'rate'): RateLimitSetting {
  const match = RATE.exec(value.trim())
  if (!match) throw new InvalidInputError(`${field} must look like 100M/day or 250K/hour`, { details: JSON.stringify(value), meta: { field } })
  const [, amount = '', suffix = '', period = 'day'] = match
  const maxAmount = parseUnitsExact(amount, decimals, field) * (SUFFIX[suffix.toUpperCase()] ?? 1n)
  const periodSeconds = period.toLowerCase() === 'hour' ? 3_600n : DAY_SECONDS
  return { maxAmount, slope: maxAmount / periodSeconds }
}
