import { describe, expect, it } from 'vitest'
import { InvalidInputError } from '../../src/domain/errors.js'
import { formatUnitsExact, mulDiv, mulDivUp, parseUnitsExact, rescale } from '../../src/domain/money.js'

describe('money: exact decimal strings at the edges, bigint inside', () => {
  it('round-trips the seed figures exactly', () => {
    for (const value of ['78750000', '31500000', '26250000', '21', '0.5', '0.000001']) {
      expect(formatUnitsExact(parseUnitsExact(value, 18), 18)).toBe(value)
    }
    expect(parseUnitsExact('26.25', 6)).toBe(26_250_000n)
  })

  it('refuses floats in disguise, negatives and excess precision with a typed error', () => {
    for (const bad of ['-1', '1e6', '1.', '.5', '01', ' 1', '1.0000001']) {
      expect(() => parseUnitsExact(bad, 6)).toThrow(InvalidInputError)
    }
  })

  it('rescales USDS (18) to USDC (6) only when nothing is dropped', () => {
    expect(rescale(75_000_000n * 10n ** 18n, 18, 6)).toBe(75_000_000n * 10n ** 6n)
    expect(() => rescale(1n, 18, 6)).toThrow(InvalidInputError)
    expect(rescale(1n, 6, 18)).toBe(10n ** 12n)
  })

  it('mulDiv floors and mulDivUp ceils', () => {
    expect(mulDiv(60n, 30n, 75n)).toBe(24n)
    expect(mulDiv(10n, 1n, 3n)).toBe(3n)
    expect(mulDivUp(10n, 1n, 3n)).toBe(4n)
    expect(mulDivUp(0n, 1n, 3n)).toBe(0n)
  })
})
