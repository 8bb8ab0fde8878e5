import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseUnitsExact, USDS_DECIMALS } from '../../../src/domain/money.js'
import { UNLIMITED, type RateLimitData } from '../../../src/domain/rateLimits.js'
import {
  buyFromPool,
  checkInventory,
  checkOracle,
  contributeAsset,
  contributeUsds,
  emptyPool,
  markToPrice,
  poolValueScaled,
  quoteBuy,
  quoteSell,
  requestRedemption,
  sellToPool,
  settleRedemption,
  syncPrice,
  TradeRefusedError,
  validateAssetParams,
  WAD,
  type AssetParams,
  type PoolState,
} from '../../../src/domain/trading/index.js'

const usds = (v: string) => parseUnitsExact(v, USDS_DECIMALS)
const DAY = 86_400n
const unlimited: RateLimitData = { maxAmount: UNLIMITED, slope: 0n, lastAmount: UNLIMITED, lastUpdated: 0n }
const limits = { poolBuy: unlimited, poolSell: unlimited, redeem: unlimited }

/** A tokenised T-bill with 6 decimals (like most on-chain fund shares), NAV 1.00, 5 bps each side. */
const tbill: AssetParams = validateAssetParams({
  assetDecimals: 6,
  bidSpreadBps: 5n,
  askSpreadBps: 5n,
  maxInventory: 10_000_000n * 10n ** 6n,
  maxOracleAgeSeconds: DAY,
  maxDeviationBps: 100n,
})
const tb = (v: string) => parseUnitsExact(v, 6)

function refusal(fn: () => unknown): string {
  try {
    fn()
  } catch (error) {
    if (error instanceof TradeRefusedError) return error.reason
    throw error
  }
  throw new Error('expected a refusal')
}

describe('pricing: oracle ± spread, rounding against the trader', () => {
  it('the seed T-bill story: a user sells 100K T-bills for 99.95K USDS at 5 bps, the issuer pays 100K, the pool keeps 50 USDS', () => {
    const now = 1_000_000n
    let pool = contributeUsds(emptyPool(WAD, limits), usds('50000000'), tbill)
    const sale = sellToPool(pool, tb('100000'), usds('99950'), { priceWad: WAD, updatedAt: now }, tbill, now)
    expect(sale.usds).toBe(usds('99950'))
    pool = sale.state
    expect(pool.held).toBe(tb('100000'))
    expect(pool.usds).toBe(usds('50000000') - usds('99950'))
    // lpha-amm sends the book to the issuer, who settles T+1 at NAV 1.00.
    pool = requestRedemption(pool, tb('100000'), now + 60n)
    pool = settleRedemption(pool, tb('100000'), usds('100000'), WAD, tbill)
    expect(pool.held + pool.pending).toBe(0n)
    expect(pool.usds - usds('50000000')).toBe(usds('50'))
    expect(pool.books.spreadScaled).toBe(usds('50') * 10n ** 6n)
    expect(poolValueScaled(pool, WAD, 6)).toBe(pool.books.contributedScaled + pool.books.spreadScaled + pool.books.marksScaled)
  })

  it("trading-halo.md's JAAA story: buy 500K, sell 300K at 10 bps total (5 each side): net 200K sold, 400 USDS earned on 800K volume", () => {
    const jaaa: AssetParams = { ...tbill, assetDecimals: 18, maxInventory: usds('5000000') }
    const now = 2_000_000n
    const reading = { priceWad: WAD, updatedAt: now }
    let pool = contributeUsds(emptyPool(WAD, limits), usds('1000000'), jaaa)
    pool = contributeAsset(pool, usds('1000000'), WAD)
    const buy = buyFromPool(pool, usds('500000'), usds('500250'), reading, jaaa, now)
    expect(buy.usds).toBe(usds('500250'))
    const sell = sellToPool(buy.state, usds('300000'), 0n, reading, jaaa, now)
    expect(sell.usds).toBe(usds('299850'))
    pool = sell.state
    expect(usds('1000000') - pool.held).toBe(usds('200000'))
    expect(pool.books.spreadScaled).toBe(usds('400') * WAD)
    expect(pool.usds).toBe(usds('1000000') + usds('500250') - usds('299850'))
  })

  it('quotes are exact: sell floors, buy ceils (one base unit against the trader)', () => {
    // 1 base unit of a 6-decimal asset at NAV 1.00 is worth 1e12 USDS base units.
    expect(quoteSell(1n, WAD, tbill)).toBe(999_500_000_000n)
    expect(quoteBuy(1n, WAD, tbill)).toBe(1_000_500_000_000n)
    // A price that does not divide: 1 wei of an 18-decimal asset at 1.000000000000000001.
    const odd = { assetDecimals: 18, bidSpreadBps: 5n, askSpreadBps: 5n }
    expect(quoteSell(1n, WAD + 1n, odd)).toBe(0n)
    expect(quoteBuy(1n, WAD + 1n, odd)).toBe(2n)
  })

  it('a trader cannot get more by splitting a sale into pieces, nor pay less by splitting a purchase', () => {
    fc.assert(
      fc.property(
        fc.array(fc.bigInt({ min: 1n, max: 10n ** 24n }), { minLength: 1, maxLength: 8 }),
        fc.bigInt({ min: 1n, max: 10n ** 21n }),
        fc.bigInt({ min: 0n, max: 9_999n }),
        fc.integer({ min: 0, max: 18 }),
        (pieces, priceWad, spreadBps, assetDecimals) => {
          const p = { assetDecimals, bidSpreadBps: spreadBps, askSpreadBps: spreadBps }
          const whole = pieces.reduce((a, b) => a + b, 0n)
          const sold = pieces.reduce((a, piece) => a + quoteSell(piece, priceWad, p), 0n)
          const paid = pieces.reduce((a, piece) => a + quoteBuy(piece, priceWad, p), 0n)
          expect(sold).toBeLessThanOrEqual(quoteSell(whole, priceWad, p))
          expect(paid).toBeGreaterThanOrEqual(quoteBuy(whole, priceWad, p))
          // Never better than fair value: scaled by 10^dec, what the pool pays ≤ value, what it gets ≥ value.
          const scale = 10n ** BigInt(assetDecimals)
          expect(quoteSell(whole, priceWad, p) * scale).toBeLessThanOrEqual(whole * priceWad)
          expect(quoteBuy(whole, priceWad, p) * scale).toBeGreaterThanOrEqual(whole * priceWad)
        },
      ),
    )
  })
})

describe('gates', () => {
  const now = 10n * DAY
  it('a stale oracle reading refuses the swap (OracleStale); exactly the maximum age still trades', () => {
    expect(checkOracle({ priceWad: WAD, updatedAt: now - DAY }, WAD, tbill, now)).toBe(WAD)
    expect(refusal(() => checkOracle({ priceWad: WAD, updatedAt: now - DAY - 1n }, WAD, tbill, now))).toBe('OracleStale')
    expect(refusal(() => checkOracle({ priceWad: 0n, updatedAt: now }, WAD, tbill, now))).toBe('OracleStale')
    expect(refusal(() => checkOracle({ priceWad: WAD, updatedAt: now + 1n }, WAD, tbill, now))).toBe('OracleStale')
  })

  it('a manipulated oracle beyond the deviation bound refuses the swap (OracleDeviation); exactly 1% still trades', () => {
    expect(checkOracle({ priceWad: (WAD * 101n) / 100n, updatedAt: now }, WAD, tbill, now)).toBe((WAD * 101n) / 100n)
    expect(checkOracle({ priceWad: (WAD * 99n) / 100n, updatedAt: now }, WAD, tbill, now)).toBe((WAD * 99n) / 100n)
    expect(refusal(() => checkOracle({ priceWad: (WAD * 101n) / 100n + 1n, updatedAt: now }, WAD, tbill, now))).toBe('OracleDeviation')
    expect(refusal(() => checkOracle({ priceWad: (WAD * 99n) / 100n - 1n, updatedAt: now }, WAD, tbill, now))).toBe('OracleDeviation')
  })

  it('buys pause at the inventory limit (held plus pending redemption): a seller cannot overfill the book', () => {
    checkInventory(tb('9000000'), tb('1000000'), tbill.maxInventory)
    expect(refusal(() => checkInventory(tb('9000000'), tb('1000000') + 1n, tbill.maxInventory))).toBe('InventoryLimitReached')
    let pool = contributeUsds(emptyPool(WAD, limits), usds('20000000'), tbill)
    pool = sellToPool(pool, tb('9000000'), 0n, { priceWad: WAD, updatedAt: now }, tbill, now).state
    pool = requestRedemption(pool, tb('9000000'), now)
    expect(refusal(() => sellToPool(pool, tb('1000001'), 0n, { priceWad: WAD, updatedAt: now }, tbill, now))).toBe('InventoryLimitReached')
  })

  it('a swap beyond the PAU rate limit is refused (RateLimitExceeded) and the refill follows the slope', () => {
    const capped: RateLimitData = { maxAmount: usds('1000000'), slope: usds('1'), lastAmount: usds('1000000'), lastUpdated: 0n }
    let pool = contributeUsds(emptyPool(WAD, { ...limits, poolBuy: capped }), usds('5000000'), tbill)
    const reading = { priceWad: WAD, updatedAt: now }
    pool = sellToPool(pool, tb('1000000'), 0n, reading, tbill, now).state // pays 999,500
    expect(refusal(() => sellToPool(pool, tb('1000'), 0n, reading, tbill, now))).toBe('RateLimitExceeded')
    expect(sellToPool(pool, tb('500'), 0n, reading, tbill, now).usds).toBe(usds('499.75'))
  })

  it('lpha-amm cannot move the reference price beyond the bound in one sync', () => {
    const pool = emptyPool(WAD, limits)
    expect(syncPrice(pool, { priceWad: (WAD * 1005n) / 1000n, updatedAt: now }, tbill, now).referenceWad).toBe((WAD * 1005n) / 1000n)
    expect(refusal(() => syncPrice(pool, { priceWad: (WAD * 102n) / 100n, updatedAt: now }, tbill, now))).toBe('OracleDeviation')
  })
})

describe('pool model property: no value leaks to traders', () => {
  type Step =
    | { kind: 'sell'; amount: bigint }
    | { kind: 'buy'; amount: bigint }
    | { kind: 'move'; bps: number }
    | { kind: 'redeem'; amount: bigint }
    | { kind: 'settle' }
  const step: fc.Arbitrary<Step> = fc.oneof(
    fc.record({ kind: fc.constant('sell' as const), amount: fc.bigInt({ min: 1n, max: tb('2000000') }) }),
    fc.record({ kind: fc.constant('buy' as const), amount: fc.bigInt({ min: 1n, max: tb('2000000') }) }),
    fc.record({ kind: fc.constant('move' as const), bps: fc.integer({ min: -150, max: 150 }) }),
    fc.record({ kind: fc.constant('redeem' as const), amount: fc.bigInt({ min: 1n, max: tb('2000000') }) }),
    fc.record({ kind: fc.constant('settle' as const) }),
  )

  it('value at the oracle = contributed + spread earned + marks, spread ≥ its nominal bps, every refusal changes nothing', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        let now = 1_000n
        let priceWad = WAD
        let pool: PoolState = contributeAsset(contributeUsds(emptyPool(WAD, limits), usds('5000000'), tbill), tb('1000000'), WAD)
        for (const s of steps) {
          now += 60n
          const reading = { priceWad, updatedAt: now }
          const before = pool
          try {
            if (s.kind === 'sell') pool = sellToPool(pool, s.amount, 0n, reading, tbill, now).state
            else if (s.kind === 'buy') pool = buyFromPool(pool, s.amount, UNLIMITED, reading, tbill, now).state
            else if (s.kind === 'move') {
              priceWad = (priceWad * BigInt(10_000 + s.bps)) / 10_000n
              pool = syncPrice(pool, { priceWad, updatedAt: now }, tbill, now)
            } else if (s.kind === 'redeem') pool = requestRedemption(pool, s.amount < pool.held ? s.amount : pool.held || 1n, now)
            else if (pool.pending > 0n) pool = settleRedemption(pool, pool.pending, quoteSell(pool.pending, priceWad, { assetDecimals: 6, bidSpreadBps: 0n }), priceWad, tbill)
          } catch (error) {
            if (!(error instanceof TradeRefusedError)) throw error
            expect(pool).toBe(before)
          }
          const marked = markToPrice(pool, priceWad)
          const { contributedScaled, spreadScaled, nominalSpreadScaled, marksScaled } = marked.books
          expect(poolValueScaled(marked, priceWad, 6)).toBe(contributedScaled + spreadScaled + marksScaled)
          expect(spreadScaled).toBeGreaterThanOrEqual(nominalSpreadScaled)
          expect(pool.usds).toBeGreaterThanOrEqual(0n)
          expect(pool.held).toBeGreaterThanOrEqual(0n)
        }
      }),
      { numRuns: 200 },
    )
  })
})
