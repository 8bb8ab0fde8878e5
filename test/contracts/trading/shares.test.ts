/**
 * Primes' capital in a Trading Halo Unit as LCTS shares: subscribed USDS becomes pool capital
 * at the pool's share value, spread revenue raises the share value, two pools' books and share
 * values are independent, and the pool's converter and wiring refuse everyone but their queue
 * and admin. Expected figures come from src/domain/trading/shares.ts.
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { parseEventLogs, type Account } from 'viem'
import { lctsTokenAbi, lctsTokenBytecode, rateLimitsAbi, tradingPoolAbi } from '../../../src/chain/generated/index.js'
import { deployContract } from '../../../src/chain/devnet.js'
import * as lcts from '../../../src/domain/lcts/queue.js'
import { VIRTUAL_SHARES, VIRTUAL_VALUE, WAD, sharesForSubscription, usdsForRedemption } from '../../../src/domain/trading/index.js'
import { useDevnet, type Devnet } from '../../fixtures/devnet.js'
import { extraAccounts } from '../lcts/pair.js'
import { DAY, createTradingWorld, tb, usds, type TradingWorld } from './pool.js'

let devnet: Devnet
let world: TradingWorld
let other: TradingWorld
let primeA: Account
let primeB: Account
const MAX = 2n ** 256n - 1n

const sharesOf = (w: TradingWorld) => w.shares!

beforeAll(async () => {
  devnet = await useDevnet()
  world = await createTradingWorld(devnet, { shares: true, limits: { unsubscribe: { maxAmount: usds('2000000'), slope: 0n } } })
  other = await createTradingWorld(devnet, { shares: true, beside: world })
  const primes = await extraAccounts(devnet, 2, 'trading-prime')
  primeA = primes[0]!
  primeB = primes[1]!
  for (const w of [world, other]) {
    await w.approveTrader(devnet.accounts.alice)
    await w.approveTrader(devnet.accounts.bob)
  }
  await world.mintUsds(world.issuer, usds('10000000')) // the issuer's redemption reserve
}, 180_000)
beforeEach(() => devnet.isolate())

/** What a Prime's shares would be paid if redeemed now, by the domain rule. */
async function claimOf(w: TradingWorld, prime: Account) {
  const v = await w.shareValue()
  return usdsForRedemption(await sharesOf(w).sharesOf(prime.address), v.poolValue, v.supply)
}

/** What one LCTS generation pays each depositor when it settles in full (the queue's own rounding). */
function queuePays(deposits: Record<string, bigint>, rewardFor: (amount: bigint) => bigint): Record<string, bigint> {
  let q = lcts.emptyQueue()
  for (const [user, amount] of Object.entries(deposits)) q = lcts.deposit(q, user, amount).state
  q = lcts.settle(lcts.lock(q), MAX, rewardFor).state
  return Object.fromEntries(Object.keys(deposits).map((user) => [user, lcts.claim(q, user).reward]))
}

async function subscribeBoth(w: TradingWorld, a: bigint, b: bigint) {
  const s = sharesOf(w)
  await s.subscribe(primeA, a)
  await s.subscribe(primeB, b)
  await s.settleAll('subscribe')
  await s.claim('subscribe', primeA)
  await s.claim('subscribe', primeB)
}

describe('Primes subscribe and redeem through the LCTS queue pair, at the pool share value', () => {
  it('subscribed USDS becomes pool capital; shares are minted 1:1 into the empty pool and claimed pro rata', async () => {
    await subscribeBoth(world, usds('600000'), usds('400000'))
    expect(await world.usdsOf(world.pool)).toBe(usds('1000000'))
    expect(await sharesOf(world).sharesOf(primeA.address)).toBe(usds('600000'))
    expect(await sharesOf(world).sharesOf(primeB.address)).toBe(usds('400000'))
    expect(await world.shareValue()).toEqual({ poolValue: usds('1000000'), supply: usds('1000000'), shareValueWad: WAD })
    const onChain = await devnet.publicClient.readContract({ address: sharesOf(world).token, abi: lctsTokenAbi, functionName: 'exchangeRate' })
    expect(onChain).toBe(WAD)
  })

  it('T-bill story: alice sells 100K T-bills for 99,950 USDS at 5 bps, the issuer pays 100K at T+1: the Primes’ shares are worth +50 USDS, pro rata 30/20, less the virtual holder’s 50 wei', async () => {
    await subscribeBoth(world, usds('600000'), usds('400000'))
    const { alice } = devnet.accounts
    await world.mintTBill(alice.address, tb('100000'))
    await world.sell(alice, tb('100000'), usds('99950'))
    // marked at the oracle NAV the book is worth 100K: the spread is in the share value at once
    expect((await world.shareValue()).poolValue).toBe(usds('1000050'))

    const receipt = await world.requestRedemption(tb('100000'))
    const [requested] = parseEventLogs({ abi: tradingPoolAbi, logs: receipt.logs, eventName: 'RedemptionRequested' })
    expect((await world.shareValue()).poolValue).toBe(usds('1000050')) // at the issuer, still counted
    await devnet.increaseTime(DAY)
    await world.setNav(WAD)
    await world.settle(requested!.args.requestId)
    // Paid but not yet closed: the 100K USDS is in the balance and the request no longer counts.
    const paidUnclosed = await world.shareValue()
    expect(paidUnclosed.poolValue).toBe(usds('1000050'))
    const onChainValue = await devnet.publicClient.readContract({ address: world.pool, abi: tradingPoolAbi, functionName: 'poolValue' })
    expect(onChainValue).toBe(paidUnclosed.poolValue)
    await world.closeRedemption(requested!.args.requestId)
    // The virtual offset (10^6 shares worth 10^6 wei nobody owns) keeps 10^6 ÷ (10^24 + 10^6) of
    // the 50 USDS spread: 50 wei. Share value floor((1,000,050e18 + 10^6) × 1e18 ÷ (1e24 + 10^6)).
    expect(await world.shareValue()).toEqual({ poolValue: usds('1000050'), supply: usds('1000000'), shareValueWad: usds('1.00005') - 1n })
    expect(await claimOf(world, primeA)).toBe(usds('600030') - 30n)
    expect(await claimOf(world, primeB)).toBe(usds('400020') - 20n)

    // The Primes redeem everything through the RedeemQueue and receive exactly that.
    const s = sharesOf(world)
    await s.redeem(primeA, usds('600000'))
    await s.redeem(primeB, usds('400000'))
    await s.settleAll('redeem')
    await s.claim('redeem', primeA)
    await s.claim('redeem', primeB)
    const paidAll = usdsForRedemption(usds('1000000'), usds('1000050'), usds('1000000'))
    expect(paidAll).toBe(usds('1000050') - 50n)
    const paid = queuePays({ a: usds('600000'), b: usds('400000') }, () => paidAll)
    expect(await world.usdsOf(primeA.address)).toBe(paid.a)
    expect(await world.usdsOf(primeB.address)).toBe(paid.b)
    expect(paid.a).toBe(usds('600030') - 30n)
    expect(paid.b).toBe(usds('400020') - 20n)
    expect(await s.supply()).toBe(0n)
    expect(await world.usdsOf(world.pool)).toBe(50n) // the virtual holder's share stays in the pool
  })

  it('a later subscriber buys in at the raised share value and takes none of the earlier spread', async () => {
    await subscribeBoth(world, usds('600000'), usds('400000'))
    const { alice } = devnet.accounts
    await world.mintTBill(alice.address, tb('100000'))
    await world.sell(alice, tb('100000'))
    const [primeC] = await extraAccounts(devnet, 1, 'trading-prime-late')
    const s = sharesOf(world)
    await s.subscribe(primeC!, usds('100005'))
    await s.settleAll('subscribe')
    await s.claim('subscribe', primeC!)
    // floor(100,005 × (1,000,000 + V) ÷ (1,000,050 + V)) shares minted, paid out through the queue's rounding
    const minted = (usds('100005') * (usds('1000000') + VIRTUAL_SHARES)) / (usds('1000050') + VIRTUAL_VALUE)
    expect(minted).toBe(sharesForSubscription(usds('100005'), usds('1000050'), usds('1000000')))
    expect(await s.sharesOf(primeC!.address)).toBe(queuePays({ c: usds('100005') }, () => minted).c)
    expect(await claimOf(world, primeC!)).toBeLessThanOrEqual(usds('100005'))
    // three floors (mint, queue payout, redemption) each cost the late Prime less than one wei
    expect(usds('100005') - (await claimOf(world, primeC!))).toBeLessThanOrEqual(3n)
    expect(await claimOf(world, primeA)).toBe(usds('600030') - 30n) // unchanged by C's subscription
    expect(await claimOf(world, primeB)).toBe(usds('400020') - 20n)
  })

  it('a redemption is paid only from USDS: the book is not cash (InsufficientLiquidity), and the queue stays locked with nothing moved', async () => {
    await subscribeBoth(world, usds('600000'), usds('400000'))
    const { alice } = devnet.accounts
    await world.mintTBill(alice.address, tb('990000'))
    await world.sell(alice, tb('990000')) // pays 989,505: 10,495 USDS left
    const s = sharesOf(world)
    await s.redeem(primeA, usds('600000'))
    await s.lock('redeem')
    const before = [await world.usdsOf(world.pool), await s.supply()]
    await expect(s.settle('redeem')).rejects.toThrow(/InsufficientLiquidity/)
    expect([await world.usdsOf(world.pool), await s.supply()]).toEqual(before)
    await s.settle('redeem', usds('10000')) // what the USDS covers settles
    await s.claim('redeem', primeA)
    const paid = usdsForRedemption(usds('10000'), usds('1000495'), usds('1000000'))
    expect(paid).toBe((usds('10000') * (usds('1000495') + VIRTUAL_VALUE)) / (usds('1000000') + VIRTUAL_SHARES))
    // the generation held 600K shares and converted 10K of them: the queue pays pro rata, rounded down
    let q = lcts.deposit(lcts.emptyQueue(), 'a', usds('600000')).state
    q = lcts.settle(lcts.lock(q), usds('10000'), () => paid).state
    expect(await world.usdsOf(primeA.address)).toBe(lcts.claim(q, 'a').reward)
  })

  it('settlements consume the SUBSCRIBE / UNSUBSCRIBE keys and refuse beyond them (RateLimitExceeded), moving nothing', async () => {
    const s = sharesOf(world)
    await devnet.write(devnet.accounts.govOps, { address: world.pau.rateLimits, abi: rateLimitsAbi, functionName: 'setRateLimitData', args: [world.keys.subscribe, usds('500000'), 0n] })
    await s.subscribe(primeA, usds('600000'))
    await s.lock('subscribe')
    await expect(s.settle('subscribe')).rejects.toThrow(/RateLimitExceeded/)
    expect(await world.usdsOf(world.pool)).toBe(0n)
    await s.settle('subscribe', usds('500000'))
    expect(await world.usdsOf(world.pool)).toBe(usds('500000'))
    expect((await world.rateLimit(world.keys.subscribe)).lastAmount).toBe(0n)

    await s.claim('subscribe', primeA)
    await devnet.write(devnet.accounts.govOps, { address: world.pau.rateLimits, abi: rateLimitsAbi, functionName: 'setRateLimitData', args: [world.keys.unsubscribe, usds('100000'), 0n] })
    await s.redeem(primeA, usds('200000'))
    await s.lock('redeem')
    await expect(s.settle('redeem')).rejects.toThrow(/RateLimitExceeded/)
    await s.settle('redeem', usds('100000'))
    expect((await world.rateLimit(world.keys.unsubscribe)).lastAmount).toBe(0n)
  })

  it('no settlement at a stale oracle or while the pool is paused (OracleStale, PoolPaused)', async () => {
    const s = sharesOf(world)
    await s.subscribe(primeA, usds('1000'))
    await s.lock('subscribe')
    await devnet.increaseTime(DAY + 1n)
    await expect(s.settle('subscribe')).rejects.toThrow(/OracleStale/)
    await world.setNav(WAD)
    await devnet.write(devnet.accounts.freezer, { address: world.pool, abi: tradingPoolAbi, functionName: 'pause' })
    await expect(s.settle('subscribe')).rejects.toThrow(/PoolPaused/)
  })
})

describe('book isolation: two pools over the same T-bill and PAU', () => {
  it('one pool’s trades, inventory and issuer redemptions leave the other pool’s book and share value unchanged', async () => {
    await subscribeBoth(world, usds('600000'), usds('400000'))
    await subscribeBoth(other, usds('300000'), usds('100000'))
    const otherBefore = await other.shareValue()
    const { alice } = devnet.accounts
    await world.mintTBill(alice.address, tb('200000'))
    await world.sell(alice, tb('100000'))
    await world.requestRedemption(tb('100000'))
    await world.sell(alice, tb('100000'))
    expect(await world.tbillOf(world.pool)).toBe(tb('100000'))
    expect(await other.tbillOf(other.pool)).toBe(0n)
    expect(await other.shareValue()).toEqual(otherBefore)
    expect((await world.shareValue()).poolValue).toBe(usds('1000100'))

    // and the other way round: a trade in the other pool raises only its own shares
    await other.mintTBill(alice.address, tb('10000'))
    await other.sell(alice, tb('10000'))
    expect((await other.shareValue()).poolValue).toBe(usds('400005'))
    expect((await world.shareValue()).poolValue).toBe(usds('1000100'))
    // pro rata, less the virtual holder's 10^6 ÷ (supply + 10^6) of the gains (10 and 60 wei)
    expect(await claimOf(other, primeA)).toBe(usds('300003.75') - 10n)
    expect(await claimOf(world, primeA)).toBe(usds('600060') - 60n)
  })
})

describe('access: the converter answers only its queues, the wiring only the admin, once', () => {
  it('convert from anyone but the two queues reverts NotAQueue and moves nothing', async () => {
    await subscribeBoth(world, usds('1000'), usds('1000'))
    const before = [await world.usdsOf(world.pool), await sharesOf(world).supply()]
    for (const caller of Object.values(devnet.accounts)) {
      await expect(devnet.write(caller, { address: world.pool, abi: tradingPoolAbi, functionName: 'convert', args: [usds('1')] })).rejects.toThrow(/NotAQueue/)
    }
    expect([await world.usdsOf(world.pool), await sharesOf(world).supply()]).toEqual(before)
  })

  it('wireShares: refused for everyone but the admin; the admin may wire once (AlreadyWired), and only a token the pool mints (NotHoldingSystem)', async () => {
    const s = sharesOf(world)
    const args = [s.token, s.subscribeQueue, s.redeemQueue] as const
    for (const caller of Object.values(devnet.accounts)) {
      if (caller.address === devnet.accounts.govOps.address) continue
      await expect(devnet.write(caller, { address: world.pool, abi: tradingPoolAbi, functionName: 'wireShares', args })).rejects.toThrow(/AccessControlUnauthorizedAccount/)
    }
    await expect(devnet.write(devnet.accounts.govOps, { address: world.pool, abi: tradingPoolAbi, functionName: 'wireShares', args })).rejects.toThrow(/AlreadyWired/)
    // a fresh pool refuses a token whose minter is someone else (here: the other pool)
    const fresh = await createTradingWorld(devnet, { beside: world })
    const foreign = await deployContract(devnet, { abi: lctsTokenAbi, bytecode: lctsTokenBytecode, args: ['x', 'X', other.pool], account: devnet.accounts.govOps })
    await expect(
      devnet.write(devnet.accounts.govOps, { address: fresh.pool, abi: tradingPoolAbi, functionName: 'wireShares', args: [foreign, s.subscribeQueue, s.redeemQueue] }),
    ).rejects.toThrow(/NotHoldingSystem/)
  })

  it('once shares hold the capital, lpha-amm cannot move USDS to the PAU (returnCapital reverts CapitalIsShares)', async () => {
    await subscribeBoth(world, usds('1000'), usds('1000'))
    await expect(devnet.write(devnet.accounts.relayer, { address: world.pool, abi: tradingPoolAbi, functionName: 'returnCapital', args: [usds('1')] })).rejects.toThrow(
      /CapitalIsShares/,
    )
  })

  it('lpha-amm cannot open more than MAX_OPEN_REDEMPTIONS issuer requests at once (TooManyOpenRedemptions)', async () => {
    await subscribeBoth(world, usds('1000'), usds('1000'))
    await world.contribute('tbill', tb('17'))
    for (let i = 0; i < 16; i++) await world.requestRedemption(tb('1'))
    await expect(world.requestRedemption(tb('1'))).rejects.toThrow(/TooManyOpenRedemptions/)
    expect(await devnet.publicClient.readContract({ address: world.pool, abi: tradingPoolAbi, functionName: 'openRedemptions' })).toHaveLength(16)
  })
})
