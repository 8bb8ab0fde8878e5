import { InvalidInputError } from '../errors.js'
import { mulDiv } from '../money.js'
import { DURATION_BUCKET_COUNT, DURATION_BUCKET_DAYS, DURATION_REWARD_SPLIT } from './parameters.js'
import { splitProRata } from '../proRata.js'

export const LAST_BUCKET = DURATION_BUCKET_COUNT - 1

/** Bucket for a liability duration in days: 15 days per bucket; 1,500 days and longer is bucket 100. */
export function bucketForDays(days: number): number {
  if (!Number.isInteger(days) || days < 0) throw new InvalidInputError('days must be a non-negative integer', { meta: { field: 'days' } })
  return Math.min(LAST_BUCKET, Math.floor(days / DURATION_BUCKET_DAYS))
}

/** Shortest duration a bucket holds, in days (bucket 84 → 1,260 days; bucket 100 → 1,500+). */
export function bucketStartDays(bucket: number): number {
  assertBucket(bucket)
  return bucket * DURATION_BUCKET_DAYS
}

export function assertBucket(bucket: number, field = 'bucket'): void {
  if (!Number.isInteger(bucket) || bucket < 0 || bucket > LAST_BUCKET) {
    throw new InvalidInputError(`${field} must be an integer from 0 to ${LAST_BUCKET}`, { details: String(bucket), meta: { field } })
  }
}

/** Order in which a reservation tugs: its target, then neighbours by distance, longer side first. */
export function tugOrder(target: number): number[] {
  assertBucket(target, 'target')
  const order = [target]
  for (let distance = 1; distance <= LAST_BUCKET; distance++) {
    if (target + distance <= LAST_BUCKET) order.push(target + distance)
    if (target - distance >= 0) order.push(target - distance)
  }
  return order
}

export type TugParameters = {
  target: number
  amount: bigint
  /** USDS still available (untugged) in each bucket; missing buckets are empty. */
  available: ReadonlyMap<number, bigint>
}
export type TugReturnType = { tugs: { bucket: number; amount: bigint }[]; unfilled: bigint }

/**
 * A reservation tugs its target bucket first; when the target lacks capacity it tugs the
 * nearest buckets (a longer bucket before a shorter one at the same distance, because longer
 * liabilities still cover a shorter need). What no bucket can supply is reported as unfilled.
 */
export function tugReservation({ target, amount, available }: TugParameters): TugReturnType {
  const tugs: { bucket: number; amount: bigint }[] = []
  let left = amount
  for (const bucket of tugOrder(target)) {
    if (left === 0n) break
    const capacity = available.get(bucket) ?? 0n
    const take = capacity < left ? capacity : left
    if (take > 0n) tugs.push({ bucket, amount: take })
    left -= take
  }
  return { tugs, unfilled: left }
}

export type BucketContents = {
  /** All USDS in the bucket. */
  total: bigint
  /** USDS tagged by each Prime (sum ≤ total; the rest is untagged). */
  taggedByPrime: ReadonlyMap<string, bigint>
}

export type DurationFeeShare = { prime: string; tagged: bigint; amount: bigint }
export type BucketFeeDistributionReturnType = {
  primeShares: DurationFeeShare[]
  /** The fee minus what the Primes receive: the 1/3 split, untagged USDS's share, rounding dust. */
  skyAmount: bigint
}

/**
 * Fees attributed to one tugged bucket: each tagging Prime receives fee × its tagged share ×
 * 2/3, rounded down; Sky receives the rest. Seed example: $400K on a $100M bucket of which
 * Prime A tagged $30M → 30% × 2/3 × $400K = $80K.
 */
export function distributeBucketFee({ fee, contents }: { fee: bigint; contents: BucketContents }): BucketFeeDistributionReturnType {
  const tagged = [...contents.taggedByPrime.values()].reduce((sum, value) => sum + value, 0n)
  if (tagged > contents.total) throw new InvalidInputError('tagged USDS exceeds the bucket total', { meta: { field: 'taggedByPrime' } })
  const { numerator, denominator } = DURATION_REWARD_SPLIT
  const primeShares = [...contents.taggedByPrime].map(([prime, amount]) => ({
    prime,
    tagged: amount,
    amount: contents.total === 0n ? 0n : mulDiv(fee * amount, numerator, contents.total * denominator),
  }))
  const paid = primeShares.reduce((sum, share) => sum + share.amount, 0n)
  return { primeShares, skyAmount: fee - paid }
}

/**
 * Fees follow the actual tugging: a reservation's fee is attributed to buckets in proportion
 * to what was tugged from each (rounded down; the dust goes to the target bucket's line so
 * the attribution always adds up to the fee).
 */
export function attributeFee({ fee, tugs }: { fee: bigint; tugs: readonly { bucket: number; amount: bigint }[] }): { bucket: number; fee: bigint }[] {
  const { shares, remainder } = splitProRata(fee, tugs.map((tug) => tug.amount))
  return tugs.map((tug, index) => ({ bucket: tug.bucket, fee: (shares[index] ?? 0n) + (index === 0 ? remainder : 0n) }))
}
