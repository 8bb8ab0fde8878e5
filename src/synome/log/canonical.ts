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

function encode(value: unknown, depth: number): string {
  if (depth > MAX_DEPTH) throw new InvalidInputError(`JSON nested deeper than ${MAX_DEPTH}`)
  if (value === null || typeof value === 'boolean') return JSON.stringify(value)
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new InvalidInputError('JSON numbers must be finite')
    return JSON.stringify(value)
  }
  if (typeof value === 'string') {
    if (value.includes('\u0000')) throw new InvalidInputError('strings must not contain NUL characters')
    return JSON.stringify(value)
  }
  if (Array.isArray(value)) return `[${value.map((item) => encode(item, depth + 1)).join(',')}]`
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype || (typeof value === 'object' && Object.getPrototypeOf(value) === null)) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    for (const [key] of entries) if (key.includes('\u0000')) throw new InvalidInputError('keys must not contain NUL characters')
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${encode(v, depth + 1)}`).join(',')}}`
  }
  throw new InvalidInputError(`value of type ${typeof value} is not JSON`)
}

/** A JSON value as it comes back from storage (plain objects, keys in any order). */
export function toJsonValue<T>(value: T): T {
  return JSON.parse(canonicalJson(value)) as T
}
