/**
 * Canonical JSON (src/synome/log/canonical.ts): signatures and the hash chain are over its text,
 * so its output must never change. Checked against the reference definition — keys sorted by
 * UTF-16 code units, undefined members dropped, no whitespace — over random JSON values, and
 * each refusal by its message.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { canonicalJson } from '../../../src/synome/log/canonical.js'

/** The definition, written plainly. */
function reference(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value)
  if (Array.isArray(value)) return `[${value.map(reference).join(',')}]`
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${reference(v)}`).join(',')}}`
}

const noNul = (s: string) => !s.includes('\u0000')
const json = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.integer(),
    fc.string({ unit: 'grapheme' }).filter(noNul),
    fc.string({ unit: 'binary' }).filter(noNul),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(fc.string({ unit: 'binary' }).filter(noNul), fc.option(tie('value'), { nil: undefined }), { maxKeys: 6 }),
  ),
})).value

describe('canonical JSON', () => {
  it('equals the reference definition on random JSON values, and parses back to the same value', () => {
    fc.assert(
      fc.property(json, (value) => {
        const text = canonicalJson(value)
        expect(text).toBe(reference(value))
        expect(canonicalJson(JSON.parse(text))).toBe(text)
      }),
      { numRuns: 2000 },
    )
  })

  it('sorts keys by code unit, drops undefined members, keeps -0 as 0', () => {
    expect(canonicalJson({ b: 1, a: [true, null, { d: undefined, c: 'x' }], B: -0, é: 2, '\u{1F600}': 3, '\uFFFF': 4 })).toBe('{"B":0,"a":[true,null,{"c":"x"}],"b":1,"é":2,"\u{1F600}":3,"\uFFFF":4}')
  })

  it('refuses what JSON cannot carry faithfully', () => {
    const refusals: [unknown, RegExp][] = [
      [1n, /bigint is not JSON/],
      [[undefined], /undefined is not JSON/],
      [Number.NaN, /finite/],
      [{ a: Number.POSITIVE_INFINITY }, /finite/],
      ['a\u0000b', /NUL/],
      [{ 'a\u0000': 1 }, /NUL/],
      [new Date(0), /object is not JSON/],
      [() => 1, /function is not JSON/],
    ]
    for (const [value, message] of refusals) expect(() => canonicalJson(value)).toThrow(message)
    let deep: unknown = 1
    for (let i = 0; i < 40; i++) deep = [deep]
    expect(() => canonicalJson(deep)).toThrow(/nested deeper than 32/)
  })
})
