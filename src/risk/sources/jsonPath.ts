import { InvalidInputError } from '../../domain/errors.js'

/**
 * The small JSON path subset a data model needs to point at one number: `$.data.nav`,
 * `data.positions[0].value`, `$['odd key'].x`. No wildcards or filters: a data model names
 * exactly one value, so anything that could match several is refused.
 */
export function parseJsonPath(path: string): (string | number)[] {
  const segments: (string | number)[] = []
  let rest = path.startsWith('$') ? path.slice(1) : path.startsWith('[') ? path : `.${path}`
  const step = /^(?:\.([A-Za-z_$][\w$-]*)|\[(\d{1,9})\]|\['((?:[^'\\]|\\.)*)'\]|\["((?:[^"\\]|\\.)*)"\])/
  // Bounded by the path length (≤ 200 characters in a data model).
  while (rest.length > 0) {
    const match = step.exec(rest)
    if (!match) throw new InvalidInputError('jsonPath is not a simple path like "$.data.nav" or "items[0].value"', { details: path })
    if (match[1] !== undefined) segments.push(match[1])
    else if (match[2] !== undefined) segments.push(Number(match[2]))
    else segments.push((match[3] ?? match[4] ?? '').replace(/\\(.)/g, '$1'))
    rest = rest.slice(match[0].length)
  }
  return segments
}

/**
 * The value at `path`, or undefined when any step is missing. Keys are looked up only in
 * plain objects (a parsed JSON object), never inside a value such as a lossless number.
 */
export function readJsonPath(document: unknown, path: string): unknown {
  let current: unknown = document
  for (const segment of parseJsonPath(path)) {
    if (typeof segment === 'number') {
      if (!Array.isArray(current)) return undefined
      current = current[segment]
    } else {
      if (current === null || typeof current !== 'object' || Object.getPrototypeOf(current) !== Object.prototype || !Object.hasOwn(current, segment)) return undefined
      current = (current as Record<string, unknown>)[segment]
    }
  }
  return current
}
