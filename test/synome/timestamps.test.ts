/**
 * Timestamps read from the database (src/synome/sql/timestamps.ts): both adapters hand
 * timestamptz columns back as the Synome's timestamp text, turned from PostgreSQL's UTC text by
 * string surgery instead of a Date. It must be exactly what `isoTimestamp(new Date(…))` gave
 * before — every stored record, event and hash reads the same — over random instants, in each
 * text form it meets (a UTC session's, jsonb's, its own, another time zone's), and on a real
 * round trip through each backend, a session in another time zone included.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isoTimestamp } from '../../src/domain/sleeve.js'
import { timestampText } from '../../src/synome/sql/timestamps.js'
import { storeBackends, useStore } from '../fixtures/store.js'

/** An instant as PostgreSQL prints it in a UTC session: microseconds, trailing zeros dropped, `+00`. */
function pgText(date: Date, micros: number): string {
  const [day, time] = date.toISOString().slice(0, 19).split('T')
  const fraction = String(date.getUTCMilliseconds() * 1000 + micros).padStart(6, '0').replace(/0+$/, '')
  return `${day} ${time}${fraction ? `.${fraction}` : ''}+00`
}

const instant = fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true })

describe('timestampText', () => {
  it('is isoTimestamp of the instant for PostgreSQL’s text (microseconds cut), jsonb’s and its own form', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 0, max: 999 }), (date, micros) => {
        const expected = isoTimestamp(date)
        const text = pgText(date, micros)
        expect(timestampText(text)).toBe(expected)
        expect(timestampText(`${text.replace(' ', 'T')}:00`)).toBe(expected)
        expect(timestampText(expected)).toBe(expected)
        expect(timestampText(date.toISOString())).toBe(expected)
        expect(timestampText(date)).toBe(expected)
      }),
      { numRuns: 2000 },
    )
  })

  it('every millisecond of a second, including the ones a float parse of the fraction could round down', () => {
    for (let ms = 0; ms < 1000; ms++) {
      const date = new Date(Date.UTC(2026, 2, 15, 10, 0, 0, ms))
      expect(timestampText(pgText(date, 0))).toBe(isoTimestamp(date))
    }
  })

  it('another time zone’s text (offsets of hours, minutes or seconds) is the same instant', () => {
    fc.assert(
      // a day inside the four-digit years, so the local time stays in them too
      fc.property(fc.date({ min: new Date('1970-01-02T00:00:00Z'), max: new Date('9999-12-30T23:59:59.999Z'), noInvalidDate: true }), fc.integer({ min: 0, max: 999 }), fc.integer({ min: -15 * 3600, max: 15 * 3600 }), (date, micros, offsetSeconds) => {
        const local = new Date(date.getTime() + offsetSeconds * 1000)
        const abs = Math.abs(offsetSeconds)
        const [h, m, sec] = [Math.floor(abs / 3600), Math.floor((abs % 3600) / 60), abs % 60].map((n) => String(n).padStart(2, '0'))
        // as PostgreSQL prints it: +HH, +HH:MM, +HH:MM:SS — only the parts that are not zero
        const offset = `${offsetSeconds < 0 ? '-' : '+'}${h}${m !== '00' || sec !== '00' ? `:${m}` : ''}${sec !== '00' ? `:${sec}` : ''}`
        const text = pgText(local, micros).replace(/\+00$/, offset)
        expect(timestampText(text)).toBe(isoTimestamp(date))
      }),
      { numRuns: 2000 },
    )
    expect(timestampText('2026-03-15 15:30:00.5+05:30')).toBe('2026-03-15T10:00:00.500Z')
    // JavaScript's own parser reads this one as 10:30
    expect(timestampText('2026-03-15 15:00:00+05')).toBe('2026-03-15T10:00:00Z')
    for (const bad of ['infinity', '2026-03-15 10:00:00 BC', 'not a time']) expect(() => timestampText(bad)).toThrow(RangeError)
  })
})

describe.each(storeBackends())('timestamptz round trip on $name', (backend) => {
  const store = useStore(backend)

  it('reads back what was written, as the Synome’s text, for random instants', async () => {
    const dates = fc.sample(instant, 200)
    const rows = await store.sql.query<{ t: unknown; j: { t: unknown } }>(
      "SELECT x.t, jsonb_build_object('t', x.t) AS j FROM jsonb_array_elements_text($1::jsonb) AS a(v) CROSS JOIN LATERAL (SELECT a.v::timestamptz AS t) x",
      [JSON.stringify(dates.map((d) => d.toISOString()))],
    )
    expect(rows.map((r) => r.t)).toEqual(dates.map(isoTimestamp))
    expect(rows.map((r) => timestampText(r.j.t))).toEqual(dates.map(isoTimestamp))
  })

  it('a session in another time zone reads the same text', async () => {
    const [row] = await store.sql.transaction((tx) =>
      tx.query("SET LOCAL TimeZone = 'Asia/Kolkata'").then(() => tx.query<{ t: unknown; shown: string }>("SELECT timestamptz '2026-03-15T10:00:00.25Z' AS t, timestamptz '2026-03-15T10:00:00.25Z'::text AS shown")),
    )
    expect(row!.shown).toBe('2026-03-15 15:30:00.25+05:30')
    expect(row!.t).toBe('2026-03-15T10:00:00.250Z')
  })
})
