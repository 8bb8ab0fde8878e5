import { InvalidInputError } from '../errors.js'

/**
 * Durations in the risk framework and in attestations. Two spellings are accepted because the
 * seed uses both kinds of source: the attestor writes `"90d"`, while a re-attestation cadence
 * of "quarterly" is a calendar quarter (2026-04-15 → 2026-07-15, which is exactly the seed's
 * att-102 → att-103 gap), so the framework may use ISO-8601 calendar durations such as `P3M`.
 *
 * Calendar arithmetic is UTC, and months clamp to the last day (Jan 31 + P1M = Feb 28/29).
 */
export type Duration = { months: number; seconds: number }

const SHORT = /^(\d{1,6})([smhdw])$/
const ISO = /^P(?:(\d{1,4})Y)?(?:(\d{1,4})M)?(?:(\d{1,4})W)?(?:(\d{1,6})D)?(?:T(?:(\d{1,6})H)?(?:(\d{1,6})M)?(?:(\d{1,9})S)?)?$/
const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 } as const

/** Parse `"90d"`, `"12h"`, `"P3M"`, `"P7DT12H"`… Throws InvalidInputError on anything else. */
export function parseDuration(value: unknown, field = 'duration'): Duration {
  if (typeof value !== 'string') throw new InvalidInputError(`${field} is not a duration string`, { details: JSON.stringify(value), meta: { field } })
  const short = SHORT.exec(value)
  if (short) return { months: 0, seconds: Number(short[1]) * UNIT_SECONDS[short[2] as keyof typeof UNIT_SECONDS] }
  const iso = value === 'P' || value.endsWith('T') ? null : ISO.exec(value)
  if (!iso) throw new InvalidInputError(`${field} is not a duration like "90d" or "P3M"`, { details: value, meta: { field } })
  const n = (i: number) => Number(iso[i] ?? 0)
  return { months: n(1) * 12 + n(2), seconds: n(3) * 604_800 + n(4) * 86_400 + n(5) * 3600 + n(6) * 60 + n(7) }
}

/** `start + duration`, calendar months first (clamped), then seconds. */
export function addDuration(start: Date, duration: Duration): Date {
  const result = new Date(start.getTime())
  if (duration.months > 0) {
    const day = result.getUTCDate()
    result.setUTCDate(1)
    result.setUTCMonth(result.getUTCMonth() + duration.months)
    const lastDay = new Date(Date.UTC(result.getUTCFullYear(), result.getUTCMonth() + 1, 0)).getUTCDate()
    result.setUTCDate(Math.min(day, lastDay))
  }
  return new Date(result.getTime() + duration.seconds * 1000)
}

/** True when the duration is zero (used to refuse a zero escalation step). */
export function isZeroDuration(duration: Duration): boolean {
  return duration.months === 0 && duration.seconds === 0
}
