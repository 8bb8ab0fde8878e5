import { isoTimestamp } from '../../domain/sleeve.js'

/** PostgreSQL's type OID of `timestamptz`. */
export const TIMESTAMPTZ_OID = 1184

/**
 * A UTC timestamp as PostgreSQL prints it in a UTC session (`2026-01-01 00:01:00.12+00`), as
 * jsonb prints it (`2026-01-01T00:01:00.12+00:00`), or already in the Synome's form
 * (`2026-01-01T00:01:00.120Z`). Fractions beyond milliseconds are cut, as a Date would.
 */
const UTC_TIMESTAMP = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?(?:Z|\+00(?::00)?)$/

/** PostgreSQL's ISO text in any session time zone: offsets `+05`, `+05:30`, `-03:12:45` (historical zones) or `Z`. */
const PG_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(?:Z|([+-])(\d{2})(?::?(\d{2}))?(?::?(\d{2}))?)$/

/**
 * The Synome's form of a timestamp read from the database (isoTimestamp: milliseconds, `Z`,
 * no `.000`), by string surgery when it is UTC — no Date, no date parser. Why: a 100-row list
 * page spent a fifth of its CPU on timestamps (pg's date parser, then `toISOString` to turn
 * the Date back into text; docs/synome.md). Another session time zone goes through
 * `parseTimestamptz`; what is neither (`infinity`, BC) throws, as isoTimestamp of it would.
 */
export function timestampText(value: unknown): string {
  if (value instanceof Date) return isoTimestamp(value)
  const text = String(value)
  const match = UTC_TIMESTAMP.exec(text)
  if (!match) return isoTimestamp(parseTimestamptz(text))
  const ms = (match[3] ?? '').padEnd(3, '0').slice(0, 3)
  return ms === '000' ? `${match[1]}T${match[2]}Z` : `${match[1]}T${match[2]}.${ms}Z`
}

/**
 * PostgreSQL's timestamptz text with any offset, exactly (JavaScript's Date parser reads
 * `+05` as something else than five hours); an invalid Date for anything else.
 */
export function parseTimestamptz(text: string): Date {
  const m = PG_TIMESTAMP.exec(text)
  if (!m) return new Date(Number.NaN)
  const [, year, month, day, hours, minutes, seconds, fraction, sign, offsetHours, offsetMinutes, offsetSeconds] = m
  const date = new Date(0)
  // setUTCFullYear, not Date.UTC: Date.UTC reads years 0–99 as 1900–1999
  date.setUTCFullYear(Number(year), Number(month) - 1, Number(day))
  date.setUTCHours(Number(hours), Number(minutes), Number(seconds), Number((fraction ?? '').padEnd(3, '0').slice(0, 3)))
  const offsetMs = ((Number(offsetHours ?? 0) * 60 + Number(offsetMinutes ?? 0)) * 60 + Number(offsetSeconds ?? 0)) * 1000
  return new Date(date.getTime() - (sign === '-' ? -offsetMs : offsetMs))
}
