/**
 * Property run on anvil over the share path: random LCTS subscriptions and redemptions by three
 * Primes (settled by lpha-amm's key, sometimes first asking for everything), trades and oracle
 * moves, sent to a TradingPool with LCTS shares and applied to the pure rules — the pool model
 * (src/domain/trading/pool.ts), the share conversions (src/domain/trading/shares.ts), the LCTS
 * queue (src/domain/lcts/queue.ts) and the rate limits — at the same block times. After every
 * step:
 *  - every settlement the pool emitted (USDS in / shares out / value and supply before) equals
 *    the pure rule's, and a settlement the rules refuse reverts and moves nothing;
 *  - balances, share supply, every Prime's shares and USDS, and the state of all four keys the
 *    path consumes (SUBSCRIBE, UNSUBSCRIBE, POOL_BUY, POOL_SELL) equal the model: nothing moves
 *    outside the rate-limit keys;
 *  - no Prime's redeemable value (its shares at the share value) falls through another
 *    Prime's subscription or redemption.
 */
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { parseEventLogs, type Account, type TransactionReceipt } from 'viem'
import { devnetNavOracleAbi, rateLimitsAbi, tradingPoolAbi } from '../../../src/chain/generated/index.js'
import * as lcts from '../../../src/domain/lcts/queue.js'
import { consumeRateLimit, currentRateLimit, type RateLimitData } from '../../../src/domain/rateLimits.js'
import {
  TradeRefusedError,
  buyFromPool,
  checkOracle,
  emptyPool,
  poolValueOf,
  redeemCapacityShares,
  sellToPool,
  sharesForSubscription,
  syncPrice,
  usdsForRedemption,
  type OracleReading,
  type PoolState,
} from '../../../src/domain/trading/index.js'
import { UNLIMITED } from '../../../src/domain/rateLimits.js'
import { useDevnet, type Devnet } from '../../fixtures/devnet.js'
import { extraAccounts } from '../lcts/pair.js'
import { blockClock, createTradingWorld, onBoth, tb, usds, type TradingWorld } from './pool.js'

let devnet: Devnet
let world: TradingWorld
let primes: Account[]
const HOUR = 3_600n

beforeAll(async () => {
  devnet = await useDevnet()
  world = await createTradingWorld(devnet, { shares: true, bidSpreadBps: 5, askSpreadBps: 7 })
  primes = await extraAccounts(devnet, 3, 'trading-share-prop')
  const s = world.shares!
  // two Primes already hold shares, and the pool some T-bills, before every run
  await s.subscribe(primes[0]!, usds('1000000'))
  await s.subscribe(primes[1]!, usds('500000'))
  await s.settleAll('subscribe')
  for (const prime of primes.slice(0, 2)) await s.claim('subscribe', prime)
  const { alice, govOps } = devnet.accounts
  await world.approveTrader(alice)
  await world.mintTBill(alice.address, tb('100000000'))
  await world.mintUsds(alice.address, usds('100000000'))
  await world.sell(alice, tb('300000'))
  // then the Configurator caps the four keys (capping an unlimited key starts it full)
  const caps: [keyof typeof world.keys, bigint, bigint][] = [
    ['subscribe', usds('800000'), usds('10')],
    ['unsubscribe', usds('600000'), usds('10')],
    ['poolBuy', usds('900000'), usds('10')],
    ['poolSell', tb('500000'), tb('5')],
  ]
  for (const [key, max, slope] of caps) {
    await devnet.write(govOps, { address: world.pau.rateLimits, abi: rateLimitsAbi, functionName: 'setRateLimitData', args: [world.keys[key], max, slope] })
  }
}, 180_000)

type Side = 'subscribe' | 'redeem'
type Step =
  | { kind: 'subscribe'; prime: number; amount: bigint; greedy: boolean }
  | { kind: 'redeem'; prime: number; bps: number; greedy: boolean }
  | { kind: 'sell'; amount: bigint }
  | { kind: 'buy'; amount: bigint }
  | { kind: 'move'; bps: number }
  | { kind: 'wait'; hours: number }
const prime = fc.integer({ min: 0, max: 2 })
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('subscribe' as const), prime, amount: fc.bigInt({ min: 1n, max: usds('1200000') }), greedy: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('redeem' as const), prime, bps: fc.integer({ min: 1, max: 10_000 }), greedy: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('sell' as const), amount: fc.bigInt({ min: 1n, max: tb('1000000') }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('buy' as const), amount: fc.bigInt({ min: 1n, max: tb('600000') }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('move' as const), bps: fc.integer({ min: -130, max: 130 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('wait' as const), hours: fc.integer({ min: 1, max: 10 }) }) },
)

/** Everything the property compares: the pool model plus the share path's state. */
type Model = {
  pool: PoolState
  supply: bigint
  keys: { subscribe: RateLimitData; unsubscribe: RateLimitData }
  queues: Record<Side, lcts.QueueState>
  shares: bigint[]
  usds: bigint[]
}

describe('TradingPool shares equal the pure rules; no holder loses by another’s settlement; nothing outside the keys', () => {
  it('random subscriptions, redemptions, trades and oracle moves', async () => {
    const { alice } = devnet.accounts
    const p = world.assetParams
    const s = world.shares!
    const read = devnet.publicClient
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 8 }), (steps) =>
        devnet.withSnapshot(async () => {
          const clock = await blockClock(devnet)
          const nav = await read.readContract({ address: world.oracle, abi: devnetNavOracleAbi, functionName: 'latestPrice' })
          let reading: OracleReading = { priceWad: nav[0], updatedAt: nav[1] }
          const limits = { poolBuy: await world.rateLimit(world.keys.poolBuy), poolSell: await world.rateLimit(world.keys.poolSell), redeem: await world.rateLimit(world.keys.redeem) }
          const pool0 = emptyPool(await world.reference(), limits)
          let m: Model = {
            pool: { ...pool0, usds: await world.usdsOf(world.pool), held: await world.tbillOf(world.pool) },
            supply: await s.supply(),
            keys: { subscribe: await world.rateLimit(world.keys.subscribe), unsubscribe: await world.rateLimit(world.keys.unsubscribe) },
            queues: { subscribe: lcts.emptyQueue(), redeem: lcts.emptyQueue() },
            shares: await Promise.all(primes.map((x) => s.sharesOf(x.address))),
            usds: await Promise.all(primes.map((x) => world.usdsOf(x.address))),
          }
          const value = (x: Model) => poolValueOf({ usdsHeld: x.pool.usds, assetHeld: x.pool.held, pendingUnpaid: 0n, priceWad: reading.priceWad, assetDecimals: 6 })
          const redeemable = (x: Model) => x.shares.map((held) => usdsForRedemption(held, value(x), x.supply))

          /** The conversion of `amount` by `side` at clock.now, by the rules (throws TradeRefusedError when the pool refuses). */
          const convert = (x: Model, side: Side, amount: bigint): { next: Model; out: bigint; event: readonly bigint[] } => {
            checkOracle(reading, x.pool.referenceWad, p, clock.now)
            const v = value(x)
            if (side === 'subscribe') {
              const out = sharesForSubscription(amount, v, x.supply)
              if (amount > currentRateLimit(x.keys.subscribe, clock.now)) throw new TradeRefusedError('RateLimitExceeded', 'SUBSCRIBE')
              const next = { ...x, pool: { ...x.pool, usds: x.pool.usds + amount }, supply: x.supply + out, keys: { ...x.keys, subscribe: consumeRateLimit(x.keys.subscribe, amount, clock.now) } }
              return { next, out, event: [amount, out, v, x.supply] }
            }
            const out = usdsForRedemption(amount, v, x.supply)
            if (out > x.pool.usds) throw new TradeRefusedError('InsufficientLiquidity', 'USDS')
            if (out > currentRateLimit(x.keys.unsubscribe, clock.now)) throw new TradeRefusedError('RateLimitExceeded', 'UNSUBSCRIBE')
            const next = { ...x, pool: { ...x.pool, usds: x.pool.usds - out }, supply: x.supply - amount, keys: { ...x.keys, unsubscribe: consumeRateLimit(x.keys.unsubscribe, out, clock.now) } }
            return { next, out, event: [amount, out, v, x.supply] }
          }

          /** lpha-amm's key settles `side` with `capacity`; the pool's settlement event must equal the rule's. */
          const settleWith = async (side: Side, capacity: bigint) => {
            let event: readonly bigint[] = []
            let receipt: TransactionReceipt | undefined
            const next = await clock.at(() =>
              onBoth(
                () => {
                  let after = m
                  const settled = lcts.settle(m.queues[side], capacity, (amount) => {
                    const c = convert(m, side, amount)
                    after = c.next
                    event = c.event
                    return c.out
                  })
                  return { ...after, queues: { ...after.queues, [side]: settled.state } }
                },
                async () => {
                  receipt = await s.settle(side, capacity)
                },
              ),
            )
            if (!next) return false
            const logs = parseEventLogs({ abi: tradingPoolAbi, logs: receipt!.logs, eventName: side === 'subscribe' ? 'SharesSubscribed' : 'SharesRedeemed' })
            expect(logs.map((l) => Object.values(l.args))).toEqual([event])
            m = next
            return true
          }

          /** What lpha-amm may settle now (src/domain/trading/amm.ts's capacities). */
          const capacityOf = (side: Side) => {
            const queued = m.queues[side].current?.totalUnderlying ?? 0n
            try {
              checkOracle(reading, m.pool.referenceWad, p, clock.now + 13n)
            } catch {
              return 0n
            }
            const min = (a: bigint, b: bigint) => (a < b ? a : b)
            if (side === 'subscribe') return min(queued, currentRateLimit(m.keys.subscribe, clock.now + 13n))
            const usdsOut = min(currentRateLimit(m.keys.unsubscribe, clock.now + 13n), m.pool.usds)
            return min(queued, redeemCapacityShares(usdsOut, value(m), m.supply))
          }

          /** Lock and settle `side` (greedy: first ask for everything), then every position claims. */
          const settleSide = async (side: Side, greedy: boolean) => {
            const q = m.queues[side]
            if (q.current === null || q.current.totalUnderlying === 0n) return
            if (q.current.status === 'ACTIVE') {
              await clock.at(() => s.lock(side))
              m = { ...m, queues: { ...m.queues, [side]: lcts.lock(q) } }
            }
            const before = redeemable(m)
            const actors = [...m.queues[side].positions.keys()]
            let done = greedy ? await settleWith(side, UNLIMITED) : false
            if (!done) {
              const capacity = capacityOf(side)
              if (capacity > 0n) done = await settleWith(side, capacity)
            }
            // the others' redeemable value never falls through this settlement
            const after = redeemable(m)
            primes.forEach((x, i) => {
              if (!actors.includes(x.address.toLowerCase())) expect(after[i]).toBeGreaterThanOrEqual(before[i]!)
            })
            if (m.queues[side].current?.status === 'LOCKED') return // waits for its key; nobody can claim from it
            for (const [i, x] of primes.entries()) {
              if (lcts.previewPosition(m.queues[side], x.address).where === 'NONE') continue
              const c = lcts.claim(m.queues[side], x.address)
              await clock.at(() => s.claim(side, x))
              m = { ...m, queues: { ...m.queues, [side]: c.state } }
              if (side === 'subscribe') m.shares = m.shares.map((v, j) => (j === i ? v + c.reward : v))
              else m.usds = m.usds.map((v, j) => (j === i ? v + c.reward : v))
            }
          }

          for (const st of steps) {
            if (st.kind === 'subscribe' || st.kind === 'redeem') {
              const side: Side = st.kind
              const who = primes[st.prime]!
              if (m.queues[side].current?.status === 'LOCKED') await settleSide(side, false) // lpha-amm's turn first
              const amount = st.kind === 'subscribe' ? st.amount : (m.shares[st.prime]! * BigInt(st.bps)) / 10_000n
              if (amount > 0n) {
                if (m.queues[side].current?.status === 'LOCKED') {
                  await expect(side === 'subscribe' ? s.subscribe(who, amount) : s.redeem(who, amount)).rejects.toThrow(/GenerationLocked/)
                  if (side === 'subscribe') m.usds = m.usds.map((v, j) => (j === st.prime ? v + amount : v)) // the helper minted it first
                } else {
                  const d = lcts.deposit(m.queues[side], who.address, amount)
                  await clock.at(() => (side === 'subscribe' ? s.subscribe(who, amount) : s.redeem(who, amount)))
                  m = { ...m, queues: { ...m.queues, [side]: d.state } }
                  if (side === 'redeem') m.shares = m.shares.map((v, j) => (j === st.prime ? v - amount : v))
                  // a deposit pays the pending reward of the position first
                  if (side === 'subscribe') m.shares = m.shares.map((v, j) => (j === st.prime ? v + d.reward : v))
                  else m.usds = m.usds.map((v, j) => (j === st.prime ? v + d.reward : v))
                  await settleSide(side, st.greedy)
                }
              }
            } else if (st.kind === 'sell') {
              m.pool = (await clock.at(() => onBoth(() => sellToPool(m.pool, st.amount, 0n, reading, p, clock.now).state, () => world.sell(alice, st.amount)))) ?? m.pool
            } else if (st.kind === 'buy') {
              m.pool = (await clock.at(() => onBoth(() => buyFromPool(m.pool, st.amount, UNLIMITED, reading, p, clock.now).state, () => world.buy(alice, st.amount)))) ?? m.pool
            } else if (st.kind === 'move') {
              const priceWad = (reading.priceWad * BigInt(10_000 + st.bps)) / 10_000n
              await clock.at(() => world.setNav(priceWad))
              reading = { priceWad, updatedAt: clock.now }
              m.pool = (await clock.at(() => onBoth(() => syncPrice(m.pool, reading, p, clock.now), () => world.syncPrice()))) ?? m.pool
            } else {
              clock.wait(BigInt(st.hours) * HOUR)
            }
            // The chain equals the model.
            expect(await world.usdsOf(world.pool)).toBe(m.pool.usds)
            expect(await world.tbillOf(world.pool)).toBe(m.pool.held)
            expect(await s.supply()).toBe(m.supply)
            expect(await Promise.all(primes.map((x) => s.sharesOf(x.address)))).toEqual(m.shares)
            expect(await Promise.all(primes.map((x) => world.usdsOf(x.address)))).toEqual(m.usds)
            expect(await world.rateLimit(world.keys.subscribe)).toEqual(m.keys.subscribe)
            expect(await world.rateLimit(world.keys.unsubscribe)).toEqual(m.keys.unsubscribe)
            expect(await world.rateLimit(world.keys.poolBuy)).toEqual(m.pool.limits.poolBuy)
            expect(await world.rateLimit(world.keys.poolSell)).toEqual(m.pool.limits.poolSell)
          }
        }),
      ),
      { numRuns: 25 },
    )
  }, 600_000)
})
