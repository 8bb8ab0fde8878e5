/**
 * The Trading Halo stories on anvil: the seed's instant T-bill settlement and every swap gate
 * reverting with its named error while nothing moves.
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { parseEventLogs } from 'viem'
import { devnetIssuerAbi, tradingPoolAbi } from '../../../src/chain/generated/index.js'
import { WAD, quoteBuy, quoteSell } from '../../../src/domain/trading/index.js'
import { useDevnet, type Devnet } from '../../fixtures/devnet.js'
import { DAY, createTradingWorld, tb, usds, type TradingWorld } from './pool.js'

let devnet: Devnet
let world: TradingWorld

beforeAll(async () => {
  devnet = await useDevnet()
  world = await createTradingWorld(devnet, {
    maxInventory: tb('3000000'),
    limits: { poolBuy: { maxAmount: usds('2000000'), slope: usds('100') } },
  })
  await world.contribute('usds', usds('50000000'))
  await world.approveTrader(devnet.accounts.alice)
  await world.approveTrader(devnet.accounts.bob)
  await world.mintUsds(world.issuer, usds('10000000')) // the issuer's redemption reserve
}, 120_000)
beforeEach(() => devnet.isolate())

describe('instant T-bill settlement (seed 001, trading-halo.md use case 1)', () => {
  it('a user sells 100K T-bills for 99.95K USDS at 5 bps, the issuer pays 100K at T+1, the pool keeps the 50 USDS spread', async () => {
    const { alice } = devnet.accounts
    await world.mintTBill(alice.address, tb('100000'))
    const poolBefore = await world.usdsOf(world.pool)
    await world.sell(alice, tb('100000'), usds('99950'))
    expect(await world.usdsOf(alice.address)).toBe(usds('99950'))
    expect(await world.tbillOf(world.pool)).toBe(tb('100000'))

    const receipt = await world.requestRedemption(tb('100000'))
    const [requested] = parseEventLogs({ abi: tradingPoolAbi, logs: receipt.logs, eventName: 'RedemptionRequested' })
    const requestId = requested!.args.requestId
    expect(await world.pending()).toBe(tb('100000'))
    await expect(world.settle(requestId)).rejects.toThrow(/NotDue/)
    await expect(world.closeRedemption(requestId)).rejects.toThrow(/RedemptionNotSettled/)

    await devnet.increaseTime(DAY)
    const settled = await world.settle(requestId)
    const [paid] = parseEventLogs({ abi: devnetIssuerAbi, logs: settled.logs, eventName: 'RedemptionSettled' })
    expect(paid!.args.usdsPaid).toBe(usds('100000'))
    await world.closeRedemption(requestId)
    expect(await world.pending()).toBe(0n)
    expect((await world.usdsOf(world.pool)) - poolBefore).toBe(usds('50'))
  })

  it('quotes on chain equal the domain rule exactly (sell floors, buy ceils)', async () => {
    const at = { address: world.pool, abi: tradingPoolAbi } as const
    for (const amount of [1n, 7n, tb('100000'), tb('123456.789012')]) {
      expect(await devnet.publicClient.readContract({ ...at, functionName: 'quoteSell', args: [amount] })).toBe(quoteSell(amount, WAD, world.assetParams))
      expect(await devnet.publicClient.readContract({ ...at, functionName: 'quoteBuy', args: [amount] })).toBe(quoteBuy(amount, WAD, world.assetParams))
    }
  })
})

describe('a refused swap reverts with its named error and moves nothing', () => {
  async function unchanged(fn: () => Promise<unknown>, error: RegExp) {
    const { alice } = devnet.accounts
    const before = [await world.usdsOf(world.pool), await world.tbillOf(world.pool), await world.usdsOf(alice.address), await world.tbillOf(alice.address)]
    await expect(fn()).rejects.toThrow(error)
    expect([await world.usdsOf(world.pool), await world.tbillOf(world.pool), await world.usdsOf(alice.address), await world.tbillOf(alice.address)]).toEqual(before)
  }

  it('a seller cannot take more than the per-swap rate limit (RateLimitExceeded)', async () => {
    const { alice } = devnet.accounts
    await world.mintTBill(alice.address, tb('2100000'))
    await unchanged(() => world.sell(alice, tb('2100000')), /RateLimitExceeded/)
    await world.sell(alice, tb('2000000')) // pays 1,999,000: fits
    await unchanged(() => world.sell(alice, tb('10000')), /RateLimitExceeded/) // 9,995 > the few seconds of refill
  })

  it('buys pause at the inventory limit (InventoryLimitReached), also counting T-bills at the issuer', async () => {
    const { alice } = devnet.accounts
    await world.mintTBill(alice.address, tb('3100000'))
    await world.sell(alice, tb('1500000'))
    await world.requestRedemption(tb('1500000'))
    await devnet.increaseTime(DAY) // the swap limit refills; the issuer posts the day's NAV
    await world.setNav(WAD)
    await world.sell(alice, tb('1000000'))
    await unchanged(() => world.sell(alice, tb('500001')), /InventoryLimitReached/)
    await world.sell(alice, tb('500000'))
  })

  it('a stale oracle pauses swaps (OracleStale) until the issuer posts NAV again', async () => {
    const { alice } = devnet.accounts
    await world.mintTBill(alice.address, tb('1000'))
    await devnet.increaseTime(DAY + 1n)
    await unchanged(() => world.sell(alice, tb('1000')), /OracleStale/)
    await world.setNav(WAD)
    await world.sell(alice, tb('1000'))
  })

  it('an oracle that jumps beyond the deviation bound pauses swaps (OracleDeviation); lpha-amm cannot sync past it', async () => {
    const { alice } = devnet.accounts
    await world.mintTBill(alice.address, tb('1000'))
    await world.contribute('tbill', tb('1000'))
    await world.setNav((WAD * 102n) / 100n)
    await unchanged(() => world.sell(alice, tb('1000')), /OracleDeviation/)
    await unchanged(() => world.buy(alice, tb('1')), /OracleDeviation/)
    await expect(world.syncPrice()).rejects.toThrow(/OracleDeviation/)
    // Within the bound lpha-amm follows the oracle, and swaps price at it.
    await world.setNav((WAD * 1005n) / 1000n)
    await world.syncPrice()
    expect(await world.reference()).toBe((WAD * 1005n) / 1000n)
    await world.sell(alice, tb('1000'))
    expect(await world.usdsOf(alice.address)).toBe(quoteSell(tb('1000'), (WAD * 1005n) / 1000n, world.assetParams))
  })

  it('slippage bounds hold both ways (SlippageExceeded), a buy needs inventory (InsufficientInventory)', async () => {
    const { alice } = devnet.accounts
    await world.mintTBill(alice.address, tb('1000'))
    await unchanged(() => world.sell(alice, tb('1000'), usds('999.51')), /SlippageExceeded/)
    await unchanged(() => world.buy(alice, tb('1')), /InsufficientInventory/)
    await world.contribute('tbill', tb('10'))
    await world.mintUsds(alice.address, usds('10'))
    await unchanged(() => world.buy(alice, tb('1'), usds('1.0004')), /SlippageExceeded/)
    await world.buy(alice, tb('1'), usds('1.0005'))
  })

  it('a pool whose keys the Configurator removed cannot trade (an asset not onboarded trades nothing)', async () => {
    const { alice, govOps } = devnet.accounts
    await world.mintTBill(alice.address, tb('1000'))
    const { rateLimitsAbi } = await import('../../../src/chain/generated/index.js')
    await devnet.write(govOps, { address: world.pau.rateLimits, abi: rateLimitsAbi, functionName: 'removeRateLimit', args: [world.keys.poolBuy] })
    await unchanged(() => world.sell(alice, tb('1000')), /RateLimitExceeded/)
  })

  it('the freezer pauses every swap at once (PoolPaused); only the admin unpauses', async () => {
    const { alice, freezer, govOps } = devnet.accounts
    await world.mintTBill(alice.address, tb('1000'))
    await devnet.write(freezer, { address: world.pool, abi: tradingPoolAbi, functionName: 'pause' })
    await unchanged(() => world.sell(alice, tb('1000')), /PoolPaused/)
    await devnet.write(govOps, { address: world.pool, abi: tradingPoolAbi, functionName: 'unpause' })
    await world.sell(alice, tb('1000'))
  })
})
