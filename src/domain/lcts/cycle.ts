import { InvalidInputError } from '../errors.js'
import { mulDiv } from '../money.js'
import type { CapacityInputs } from './capacity.js'

/**
 * The LCTS daily cycle on chain time (daily-settlement-cycle.md Part 5): lock at 13:00 UTC,
 * settle by 16:00 UTC, days that are skipped (weekends, holidays) have no cycle at all.
 * Pure: `now` is passed in.
 */
export type CycleSchedule = {
  /** Seconds after 00:00 UTC the lock happens (13:00 = 46,800). */
  lockAtSecondsUtc: number
  /** Seconds after 00:00 UTC the settlement happens (16:00 = 57,600); after the lock. */
  settleAtSecondsUtc: number
  /** UTC weekdays without a cycle (0 = Sunday … 6 = Saturday). */
  skipWeekdaysUtc: readonly number[]
  /** UTC dates ("2026-12-25") without a cycle. */
  skipDates: readonly string[]
}

export const DEFAULT_SCHEDULE: CycleSchedule = { lockAtSecondsUtc: 13 * 3600, settleAtSecondsUtc: 16 * 3600, skipWeekdaysUtc: [], skipDates: [] }

const DAY_MS = 86_400_000

export function assertSchedule(schedule: CycleSchedule): void {
  const { lockAtSecondsUtc: lock, settleAtSecondsUtc: settle } = schedule
  if (!Number.isInteger(lock) || !Number.isInteger(settle) || lock < 0 || settle >= 86_400 || settle <= lock) {
    throw new InvalidInputError('the schedule must lock before it settles, both within one UTC day', { meta: { lock, settle } })
  }
  if (settle - lock > 3 * 3600) throw new InvalidInputError('the lock window is bounded to 3 hours (lcts.md)', { meta: { lock, settle } })
}

/** The epoch (UTC date) a moment belongs to: "2026-12-01". */
export function epochOf(now: Date): string {
  return now.toISOString().slice(0, 10)
}

export function epochStart(epoch: string): Date {
  return new Date(`${epoch}T00:00:00.000Z`)
}

export function lockTime(epoch: string, schedule: CycleSchedule): Date {
  return new Date(epochStart(epoch).getTime() + schedule.lockAtSecondsUtc * 1000)
}

export function settleTime(epoch: string, schedule: CycleSchedule): Date {
  return new Date(epochStart(epoch).getTime() + schedule.settleAtSecondsUtc * 1000)
}

export function isSkipped(epoch: string, schedule: CycleSchedule): boolean {
  return schedule.skipWeekdaysUtc.includes(epochStart(epoch).getUTCDay()) || schedule.skipDates.includes(epoch)
}

/** Whole days between two epochs (the previous settlement's and this one's). */
export function daysBetween(fromEpoch: string, toEpoch: string): bigint {
  return BigInt(Math.round((epochStart(toEpoch).getTime() - epochStart(fromEpoch).getTime()) / DAY_MS))
}

const BPS = 10_000n
const DAYS_PER_YEAR = 365n

/**
 * The LCTS token's exchange rate after `days` of yield: holders earn the clearing spread on the
 * risk capital actually rented, clearingSpread × min(demand, supply) ÷ supply (all of it when
 * no tokens are out yet), simple interest per epoch, floored (holders never get more than paid).
 * Losses are applied as a haircut by governance, not here.
 */
export function accrueExchangeRate(parameters: { exchangeRateWad: bigint; inputs: CapacityInputs | null; supplyValue: bigint; days: bigint }): bigint {
  const { exchangeRateWad, inputs, supplyValue, days } = parameters
  if (inputs === null || days <= 0n) return exchangeRateWad
  const rented = supplyValue === 0n || inputs.riskCapitalDemand >= supplyValue ? supplyValue : inputs.riskCapitalDemand
  const numerator = supplyValue === 0n ? inputs.clearingSpreadBps : inputs.clearingSpreadBps * rented
  const denominator = supplyValue === 0n ? 1n : supplyValue
  return exchangeRateWad + mulDiv(exchangeRateWad, numerator * days, denominator * BPS * DAYS_PER_YEAR)
}
