import { InvalidInputError } from './errors.js'

/**
 * Exact decimal strings at the edges, bigint base units inside. No floating point anywhere:
 * "75000000" with 18 decimals is 75000000n * 10n ** 18n.
 */
export const USDS_DECIMALS = 18
export const USDC_DECIMALS = 6
/** Off-chain USD is kept at 6 decimals, like USDC, so a bank receipt maps 1:1 to on-ramped USDC. */
export const USD_DECIMALS = 6
export const WAD = 10n ** 18n

const DECIMAL = /^(0|[1-9]\d*)(\.\d+)?$/

/** Parse an exact, non-negative decimal string into base units. Refuses extra precision. */
export function parseUnitsExact(value: string, decimals: number, field = 'amount'): bigint {
  if (typeof value !== 'string' || !DECIMAL.test(value)) {
    throw new InvalidInputError(`${field} is not a non-negative decimal string`, { details: JSON.stringify(value), meta: { field } })
  }
  const [whole = '0', fraction = ''] = value.split('.')
  const digits = fraction.replace(/0+$/, '')
  if (digits.length > decimals) {
    throw new InvalidInputError(`${field} has more than ${decimals} decimal places`, { details: value, meta: { field } })
  }
  return BigInt(whole) * 10n ** BigInt(decimals) + BigInt(digits.padEnd(decimals, '0') || '0')
}

/** Format base units as the shortest exact decimal string ("31500000", "0.5"). */
export function formatUnitsExact(value: bigint, decimals: number): string {
  const negative = value < 0n
  const abs = negative ? -value : value
  const scale = 10n ** BigInt(decimals)
  const whole = abs / scale
  const fraction = (abs % scale).toString().padStart(decimals, '0').replace(/0+$/, '')
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`
}

/** Convert between decimal scales; refuses to silently drop precision when scaling down. */
export function rescale(value: bigint, fromDecimals: number, toDecimals: number): bigint {
  if (toDecimals >= fromDecimals) return value * 10n ** BigInt(toDecimals - fromDecimals)
  const factor = 10n ** BigInt(fromDecimals - toDecimals)
  if (value % factor !== 0n) throw new InvalidInputError('amount does not fit the target precision', { details: `${value} at ${fromDecimals} → ${toDecimals}` })
  return value / factor
}

/** floor(a * b / d) for non-negative bigints; `d` must be positive. */
export function mulDiv(a: bigint, b: bigint, d: bigint): bigint {
  if (d <= 0n) throw new RangeError('mulDiv: divisor must be positive')
  if (a < 0n || b < 0n) throw new RangeError('mulDiv: operands must be non-negative')
  return (a * b) / d
}

/** ceil(a * b / d) for non-negative bigints. */
export function mulDivUp(a: bigint, b: bigint, d: bigint): bigint {
  if (d <= 0n) throw new RangeError('mulDivUp: divisor must be positive')
  if (a < 0n || b < 0n) throw new RangeError('mulDivUp: operands must be non-negative')
  const product = a * b
  return product === 0n ? 0n : (product - 1n) / d + 1n
}
