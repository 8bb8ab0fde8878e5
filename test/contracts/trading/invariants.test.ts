/**
 * Property run on anvil: random trades, oracle moves, redemptions and settlements are sent to
 * a TradingPool and applied to the pure model (src/domain/trading/pool.ts) with the same block
 * times. After every step the chain equals the model (balances, pending book, every rate-limit
 * state), a step the model refuses reverts on chain and changes nothing, and the pool's value
 * at the oracle equals what was contributed plus the spread earned plus marks, with the spread
 * never below its nominal bps: no value leaks to traders and nothing moves outside rate limits.
 */
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { parseEventLogs } from 'viem'
import { tradingPoolAbi } from '../../../src/chain/generated/index.js'
import {
  buyFromPool,
  contributeAsset,
  contributeUsds,
  emptyPool,
  markToPrice,
  poolValueScaled,
  requestRedemption,
  sellToPool,
  settleRedemption,
  syncPrice,
  type PoolState,
} from '../../../src/domain/trading/index.js'
import { UNLIMITED } from '../../../src/domain/rateLimits.js'
import { useDevnet, type Devnet } from '../../fixtures/devnet.js'
import { DAY, blockClock, createTradingWorld, onBoth, tb, usds, type TradingWorld } from './pool.js'

let devnet: Devnet
let world: TradingWorld

beforeAll(async () => {
  devnet = await useDevnet()
  world = await createTradingWorld(devnet, {
    bidSpreadBps: 5,
    askSpreadBps: 7,
    maxInventory: tb('3000000'),
    limits: {
      poolBuy: { maxAmount: usds('1500000'), slope: usds('10') },
      poolSell: { maxAmount: tb('800000'), slope: tb('5') },
      redeem: { maxAmount: tb('2000000'), slope: tb('20') },
    },
  })
  await world.contribute('usds', usds('5000000'))
  await world.contribute('tbill', tb('1000000'))
  const { alice } = devnet.accounts
  await world.approveTrader(alice)
  await world.mintTBill(alice.address, tb('100000000'))
  await world.mintUsds(alice.address, usds('100000000'))
  await world.mintUsds(world.issuer, usds('100000000'))
}, 180_000)

type Step =
  | { kind: 'sell'; amount: bigint }
  | { kind: 'buy'; amount: bigint }
  | { kind: 'move'; bps: number }
  | { kind: 'redeem'; amount: bigint }
  | { kind: 'wait' }
  | { kind: 'settle' }
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('sell' as const), amount: fc.bigInt({ min: 1n, max: tb('1600000') }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('buy' as const), amount: fc.bigInt({ min: 1n, max: tb('900000') }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('move' as const), bps: fc.integer({ min: -130, max: 130 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('redeem' as const), amount: fc.bigInt({ min: 1n, max: tb('1500000') }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'wait' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'settle' as const }) },
)

describe('TradingPool equals the pure model; no value leaks, nothing outside rate limits', () => {
  it('random trades and oracle moves', async () => {
    const { alice } = devnet.accounts
    const p = world.assetParams
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 10 }), (steps) =>
        devnet.withSnapshot(async () => {
          const clock = await blockClock(devnet)
          const nav = await devnet.publicClient.readContract({ address: world.oracle, abi: (await import('../../../src/chain/generated/index.js')).devnetNavOracleAbi, functionName: 'latestPrice' })
          let priceWad = nav[0]
          let reading = { priceWad, updatedAt: nav[1] }
          const at = clock.at
          const limits = { poolBuy: await world.rateLimit(world.keys.poolBuy), poolSell: await world.rateLimit(world.keys.poolSell), redeem: await world.rateLimit(world.keys.redeem) }
          let model: PoolState = contributeAsset(contributeUsds(emptyPool(await world.reference(), limits), await world.usdsOf(world.pool), p), await world.tbillOf(world.pool), priceWad)
          const requests: { id: bigint; amount: bigint; dueAt: bigint }[] = []
          /** Runs the model step; when it refuses, the chain call must revert and change nothing. */
          const both = async (apply: () => PoolState, send: () => Promise<unknown>) => {
            model = (await onBoth(apply, send)) ?? model
          }
          for (const s of steps) {
            if (s.kind === 'sell') {
              await at(() => both(() => sellToPool(model, s.amount, 0n, reading, p, clock.now).state, () => world.sell(alice, s.amount)))
            } else if (s.kind === 'buy') {
              await at(() => both(() => buyFromPool(model, s.amount, UNLIMITED, reading, p, clock.now).state, () => world.buy(alice, s.amount)))
            } else if (s.kind === 'move') {
              priceWad = (priceWad * BigInt(10_000 + s.bps)) / 10_000n
              await at(() => world.setNav(priceWad))
              reading = { priceWad, updatedAt: clock.now }
              await at(() => both(() => syncPrice(model, reading, p, clock.now), () => world.syncPrice()))
            } else if (s.kind === 'redeem') {
              const amount = s.amount
              await at(() =>
                both(
                  () => requestRedemption(model, amount, clock.now),
                  async () => {
                    const receipt = await world.requestRedemption(amount)
                    const [log] = parseEventLogs({ abi: tradingPoolAbi, logs: receipt.logs, eventName: 'RedemptionRequested' })
                    requests.push({ id: log!.args.requestId, amount, dueAt: clock.now + DAY })
                  },
                ),
              )
            } else if (s.kind === 'wait') {
              clock.wait(DAY)
              await at(() => world.setNav(priceWad))
              reading = { priceWad, updatedAt: clock.now }
            } else {
              for (const r of requests.splice(0).filter((r) => clock.now + 13n >= r.dueAt)) {
                await at(() => world.settle(r.id))
                const paid = (r.amount * priceWad) / 10n ** 6n
                model = settleRedemption(model, r.amount, paid, priceWad, p)
                await at(() => world.closeRedemption(r.id))
              }
            }
            // The chain equals the model.
            expect(await world.usdsOf(world.pool)).toBe(model.usds)
            expect(await world.tbillOf(world.pool)).toBe(model.held)
            expect(await world.pending()).toBe(model.pending)
            expect(await world.reference()).toBe(model.referenceWad)
            expect(await world.rateLimit(world.keys.poolBuy)).toEqual(model.limits.poolBuy)
            expect(await world.rateLimit(world.keys.poolSell)).toEqual(model.limits.poolSell)
            expect(await world.rateLimit(world.keys.redeem)).toEqual(model.limits.redeem)
            // No value leaks to traders.
            const marked = markToPrice(model, priceWad)
            const { contributedScaled, spreadScaled, nominalSpreadScaled, marksScaled } = marked.books
            expect(poolValueScaled(marked, priceWad, 6)).toBe(contributedScaled + spreadScaled + marksScaled)
            expect(spreadScaled).toBeGreaterThanOrEqual(nominalSpreadScaled)
          }
        }),
      ),
      { numRuns: 40 },
    )
  }, 400_000)
})

