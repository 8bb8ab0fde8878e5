import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { InvalidInputError } from '../../../src/domain/errors.js'
import { parseUnitsExact } from '../../../src/domain/money.js'
import { attributeFee, bucketForDays, bucketStartDays, distributeBucketFee, LAST_BUCKET, tugOrder, tugReservation } from '../../../src/domain/agents/duration.js'
import { DURATION_BUCKET_COUNT } from '../../../src/domain/agents/parameters.js'

const usds = (value: string) => parseUnitsExact(value, 18)

describe('101 duration buckets of 15 days', () => {
  it('bucket 0 is immediate, bucket 84 is 1,260 days (JAAA CLO AAA), bucket 100 is 1,500+ days', () => {
    expect(DURATION_BUCKET_COUNT).toBe(101)
    expect(bucketForDays(0)).toBe(0)
    expect(bucketForDays(14)).toBe(0)
    expect(bucketForDays(15)).toBe(1)
    expect(bucketStartDays(84)).toBe(1_260)
    expect(bucketForDays(1_260)).toBe(84)
    expect(bucketStartDays(100)).toBe(1_500)
    expect(bucketForDays(1_500)).toBe(100)
    expect(bucketForDays(10_000)).toBe(LAST_BUCKET)
  })

  it('refuses buckets and durations outside the range', () => {
    expect(() => bucketStartDays(101)).toThrow(InvalidInputError)
    expect(() => bucketForDays(-1)).toThrow(InvalidInputError)
  })
})

describe('Liability Duration Rewards: the seed’s Bucket 42 example', () => {
  // Prime B reserves $100M targeting Bucket 42; 42 has only $40M available, so it tugs 43 then 41.
  const available = new Map([[41, usds('60000000')], [42, usds('40000000')], [43, usds('35000000')]])
  const tug = tugReservation({ target: 42, amount: usds('100000000'), available })
  const attribution = attributeFee({ fee: usds('1000000'), tugs: tug.tugs })

  it('tugs its target first, then neighbouring buckets 43 and 41 by availability', () => {
    expect(tug.tugs).toEqual([
      { bucket: 42, amount: usds('40000000') },
      { bucket: 43, amount: usds('35000000') },
      { bucket: 41, amount: usds('25000000') },
    ])
    expect(tug.unfilled).toBe(0n)
  })

  it('attributes the $1M fee by actual tugging: $400K to Bucket 42', () => {
    expect(attribution).toEqual([
      { bucket: 42, fee: usds('400000') },
      { bucket: 43, fee: usds('350000') },
      { bucket: 41, fee: usds('250000') },
    ])
  })

  it('Bucket 42 holds $100M, Prime A tagged $30M → Prime A receives 30% × 2/3 × $400K = $80K', () => {
    const result = distributeBucketFee({ fee: usds('400000'), contents: { total: usds('100000000'), taggedByPrime: new Map([['prime-a', usds('30000000')]]) } })
    expect(result.primeShares).toEqual([{ prime: 'prime-a', tagged: usds('30000000'), amount: usds('80000') }])
    expect(result.skyAmount).toBe(usds('320000'))
  })

  it('reports what no bucket could supply as unfilled', () => {
    expect(tugReservation({ target: 0, amount: 10n, available: new Map([[0, 3n], [1, 4n]]) })).toEqual({ tugs: [{ bucket: 0, amount: 3n }, { bucket: 1, amount: 4n }], unfilled: 3n })
  })

  it('tug order covers every bucket exactly once, nearest first', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: LAST_BUCKET }), (target) => {
      const order = tugOrder(target)
      expect(new Set(order).size).toBe(DURATION_BUCKET_COUNT)
      for (let i = 1; i < order.length; i++) expect(Math.abs(order[i]! - target) >= Math.abs(order[i - 1]! - target)).toBe(true)
    }), { numRuns: 50 })
  })

  it('properties: attribution adds up to the fee; Primes + Sky add up to each bucket’s fee', () => {
    const amount = fc.bigInt({ min: 0n, max: 10n ** 27n })
    fc.assert(fc.property(amount, fc.array(fc.record({ bucket: fc.integer({ min: 0, max: 100 }), amount: fc.bigInt({ min: 1n, max: 10n ** 27n }) }), { minLength: 1, maxLength: 5 }), fc.array(amount, { maxLength: 4 }), (fee, tugs, tagged) => {
      const lines = attributeFee({ fee, tugs })
      expect(lines.reduce((sum, line) => sum + line.fee, 0n)).toBe(fee)
      const total = tagged.reduce((sum, value) => sum + value, 0n) + 1n
      const split = distributeBucketFee({ fee, contents: { total, taggedByPrime: new Map(tagged.map((value, index) => [`p${index}`, value])) } })
      expect(split.primeShares.reduce((sum, share) => sum + share.amount, 0n) + split.skyAmount).toBe(fee)
      expect(split.skyAmount * 3n >= fee).toBe(true)
    }), { numRuns: 200 })
  })
})
