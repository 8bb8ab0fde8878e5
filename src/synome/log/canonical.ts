import { InvalidInputError } from '../../domain/errors.js'

/**
 * Canonical JSON: object keys sorted, no whitespace. Signatures and the hash chain are over
 * this text, so a payload that went through jsonb (which reorders keys) hashes the same.
 * Refuses what JSON cannot carry faithfully (bigint, undefined in arrays, non-finite numbers,
 * NUL characters, which PostgreSQL text cannot store) and bounds depth.
 */
const MAX_DEPTH = 32

export function canonicalJson(value: unknown): string {
  return encode(value, 0)
}

/**
 * One pass with string concatenation and sorted Object.keys (the default sort and `<` both
 * order by UTF-16 code units): the Synome encodes every payload, event and entity write, and
 * the entries/filter/map/join version cost 6 % of its CPU under load (docs/synome.md).
 */
function encode(value: unknown, depth: number): string {
  if (depth > MAX_DEPTH) throw new InvalidInputError(`JSON nested deeper than ${MAX_DEPTH}`)
  switch (typeof value) {
    case 'string':
      if (value.includes('\u0000')) throw new InvalidInputError('strings must not contain NUL characters')
      return JSON.stringify(value)
    case 'number':
      if (!Number.isFinite(value)) throw new InvalidInputError('JSON numbers must be finite')
      return JSON.stringify(value)
    case 'boolean':
      return value ? 'true' : 'false'
    case 'object': {
      if (value === null) return 'null'
      if (Array.isArray(value)) {
        let out = '['
        for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + encode(value[i], depth + 1)
        return `${out}]`
      }
      const proto = Object.getPrototypeOf(value)
      if (proto !== Object.prototype && proto !== null) break
      const record = value as Record<string, unknown>
      let out = '{'
      let first = true
      for (const key of Object.keys(record).sort()) {
        const item = record[key]
        if (item === undefined) continue
        if (key.includes('\u0000')) throw new InvalidInputError('keys must not contain NUL characters')
        out += `${first ? '' : ','}${JSON.stringify(key)}:${encode(item, depth + 1)}`
        first = false
      }
      return `${out}}`
    }
  }
  throw new InvalidInputError(`value of type ${typeof value} is not JSON`)
}

/** A JSON value as it comes back from storage (plain objects, keys in any order). */
export function toJsonValue<T>(value: T): T {
  return JSON.parse(canonicalJson(value)) as T
}
