import { isoTimestamp } from '../../domain/sleeve.js'

/** PostgreSQL's type OID of `timestamptz`. */
export const TIMESTAMPTZ_OID = 1184

/**
 * A timestamp as PostgreSQL prints it in any session time zone (`2026-01-01 00:01:00.12+00`,
 * `+05`, `+05:30`, `-03:12:45` for historical zones), as jsonb prints it
 * (`2026-01-01T00:01:00.12+00:00`), or already in the Synome's form (`2026-01-01T00:01:00.120Z`).
 */
const PG_TIMESTAMP = /^((\d{4})-(\d{2})-(\d{2}))[ T]((\d{2}):(\d{2}):(\d{2}))(?:\.(\d{1,6}))?(?:Z|([+-])(\d{2})(?::?(\d{2}))?(?::?(\d{2}))?)$/

/** The fraction's milliseconds as three digits: beyond them cut, as a Date would. */
const millis = (fraction: string | undefined) => (fraction ?? '').padEnd(3, '0').slice(0, 3)

/**
 * The Synome's form of a timestamp read from the database (isoTimestamp: milliseconds, `Z`,
 * no `.000`), by string surgery when it is UTC — no Date, no date parser. Why: a 100-row list
 * page spent a fifth of its CPU on timestamps (pg's date parser, then `toISOString` to turn
 * the Date back into text; docs/synome.md). Another offset is applied exactly (JavaScript's
 * Date parser reads `+05` as something else than five hours); what is neither (`infinity`,
 * BC) throws RangeError, as isoTimestamp of it would.
 */
export function timestampText(value: unknown): string {
  if (value instanceof Date) return isoTimestamp(value)
  const m = PG_TIMESTAMP.exec(String(value))
  if (!m) return isoTimestamp(new Date(Number.NaN))
  const [, day, year, month, dayOfMonth, time, hours, minutes, seconds, fraction, sign, offsetHours, offsetMinutes, offsetSeconds] = m
  const offsetMs = ((Number(offsetHours ?? 0) * 60 + Number(offsetMinutes ?? 0)) * 60 + Number(offsetSeconds ?? 0)) * 1000
  if (offsetMs === 0) {
    const ms = millis(fraction)
    return ms === '000' ? `${day}T${time}Z` : `${day}T${time}.${ms}Z`
  }
  const date = new Date(0)
  // setUTCFullYear, not Date.UTC: Date.UTC reads years 0–99 as 1900–1999
  date.setUTCFullYear(Number(year), Number(month) - 1, Number(dayOfMonth))
  date.setUTCHours(Number(hours), Number(minutes), Number(seconds), Number(millis(fraction)))
  return isoTimestamp(new Date(date.getTime() - (sign === '-' ? -offsetMs : offsetMs)))
}
