/**
 * Test world for a Trading Halo Unit: devnet USDS, the Trading Halo Class's PAU, a devnet
 * T-bill with its NAV oracle and T+1 issuer, and one USDS/T-bill TradingPool over that PAU.
 *
 * Who is who: govOps stands in for the Configurator and the timelock (PAU admin, pool admin),
 * relayer is lpha-amm's key (pool OPERATOR and PAU relayer), freezer pauses, deployer is the
 * issuer (posts NAV, mints), alice and bob trade.
 */
import { expect } from 'vitest'
import type { Account, Address, Hex } from 'viem'
import type { HDAccount } from 'viem/accounts'
import { controllerAbi, devnetIssuerAbi, devnetNavOracleAbi, devnetTBillAbi, lctsQueueAbi, lctsTokenAbi, rateLimitsAbi, tradingPoolAbi, usdsAbi } from '../../../src/chain/generated/index.js'
import { deployDevnetAssets } from '../../../src/chain/deploy/deployDevnetAssets.js'
import { deployDevnetTBill, deployTradingPool, deployTradingPoolShares, type TradingPoolParams } from '../../../src/chain/deploy/deployTradingPool.js'
import { parseUnitsExact, USDS_DECIMALS } from '../../../src/domain/money.js'
import { LIMIT, UNLIMITED, rateLimitKey, type RateLimitData } from '../../../src/domain/rateLimits.js'
import { TradeRefusedError, WAD, poolRateLimitKeys, shareValue, type AssetParams, type PoolRateLimitKeys, type ShareValue } from '../../../src/domain/trading/index.js'
import type { Devnet } from '../../fixtures/devnet.js'
import { deployHaloPau } from '../nfat/facility.js'

export const usds = (v: string) => parseUnitsExact(v, USDS_DECIMALS)
export const tb = (v: string) => parseUnitsExact(v, 6)
export const DAY = 86_400n
const MAX = UNLIMITED

export type LimitSetting = { maxAmount: bigint; slope: bigint }
export type WorldOptions = {
  bidSpreadBps?: number
  askSpreadBps?: number
  maxInventory?: bigint
  maxDeviationBps?: number
  maxOracleAgeSeconds?: number
  limits?: Partial<Record<keyof PoolRateLimitKeys, LimitSetting>>
  /** Wire LCTS shares for the Primes' capital (lpha-amm's key, the relayer, settles the queues). */
  shares?: boolean
  /** A second pool over the same USDS, T-bill, oracle, issuer and class PAU as this world's. */
  beside?: Pick<TradingWorld, 'usds' | 'pau' | 'tbill' | 'oracle' | 'issuer'>
}

export type TradingWorld = Awaited<ReturnType<typeof createTradingWorld>>

export async function createTradingWorld(devnet: Devnet, options: WorldOptions = {}) {
  const { deployer, govOps, relayer, freezer } = devnet.accounts
  const assets = await deployDevnetAssets(devnet, { owner: deployer })
  const pau = await deployHaloPau(devnet, assets)
  const t = await deployDevnetTBill(devnet, { owner: deployer, usds: assets.usds, navWad: WAD, settlementDelaySeconds: DAY })
  const params: TradingPoolParams = {
    oracle: t.oracle,
    issuer: t.issuer,
    bidSpreadBps: options.bidSpreadBps ?? 5,
    askSpreadBps: options.askSpreadBps ?? 5,
    maxDeviationBps: options.maxDeviationBps ?? 100,
    maxOracleAgeSeconds: options.maxOracleAgeSeconds ?? Number(DAY),
    maxInventory: options.maxInventory ?? tb('10000000'),
  }
  const pool = await deployTradingPool(devnet, {
    deployer,
    usds: assets.usds,
    asset: t.tbill,
    pau,
    admin: govOps.address,
    operator: relayer.address,
    pauser: freezer.address,
    params,
    referencePriceWad: WAD,
  })
  const limitsAt = { address: pau.rateLimits, abi: rateLimitsAbi } as const
  const controllerRole = await devnet.publicClient.readContract({ ...limitsAt, functionName: 'CONTROLLER' })
  await devnet.write(govOps, { ...limitsAt, functionName: 'grantRole', args: [controllerRole, pool] })
  const keys = poolRateLimitKeys(t.tbill, pool)
  // A new key starts empty; opening it unlimited and then capping it starts it full.
  for (const [name, key] of Object.entries(keys) as [keyof PoolRateLimitKeys, Hex][]) {
    await devnet.write(govOps, { ...limitsAt, functionName: 'setRateLimitData', args: [key, MAX, 0n] })
    const setting = options.limits?.[name]
    if (setting) await devnet.write(govOps, { ...limitsAt, functionName: 'setRateLimitData', args: [key, setting.maxAmount, setting.slope] })
  }
  // Capital path: the PAU sends USDS and T-bills to the pool through Controller.transferAsset.
  for (const asset of [assets.usds, t.tbill]) {
    await devnet.write(govOps, { ...limitsAt, functionName: 'setRateLimitData', args: [rateLimitKey(LIMIT.ASSET_TRANSFER, asset, pool), MAX, 0n] })
  }
  const read = devnet.publicClient
  const at = { address: pool, abi: tradingPoolAbi } as const
  const shares = options.shares
    ? await deployTradingPoolShares(devnet, { admin: govOps, pbeam: relayer.address, pool, usds: assets.usds, name: 'T-bill pool share', symbol: 'TBP' })
    : undefined
  const assetParams: AssetParams = {
    assetDecimals: 6,
    bidSpreadBps: BigInt(params.bidSpreadBps),
    askSpreadBps: BigInt(params.askSpreadBps),
    maxInventory: params.maxInventory,
    maxOracleAgeSeconds: BigInt(params.maxOracleAgeSeconds),
    maxDeviationBps: BigInt(params.maxDeviationBps),
  }
  const world = {
    devnet,
    pau,
    pool,
    keys,
    params,
    assetParams,
    usds: assets.usds,
    tbill: t.tbill,
    oracle: t.oracle,
    issuer: t.issuer,
    mintUsds: (to: Address, amount: bigint) => devnet.write(deployer, { address: assets.usds, abi: usdsAbi, functionName: 'mint', args: [to, amount] }),
    mintTBill: (to: Address, amount: bigint) => devnet.write(deployer, { address: t.tbill, abi: devnetTBillAbi, functionName: 'mint', args: [to, amount] }),
    usdsOf: (who: Address) => read.readContract({ address: assets.usds, abi: usdsAbi, functionName: 'balanceOf', args: [who] }),
    tbillOf: (who: Address) => read.readContract({ address: t.tbill, abi: devnetTBillAbi, functionName: 'balanceOf', args: [who] }),
    /** A Prime's allocation: USDS into the PAU, then the relayer moves it to the pool. */
    async contribute(asset: 'usds' | 'tbill', amount: bigint) {
      const token = asset === 'usds' ? assets.usds : t.tbill
      if (asset === 'usds') await world.mintUsds(pau.proxy, amount)
      else await world.mintTBill(pau.proxy, amount)
      return devnet.write(relayer, { address: pau.controller, abi: controllerAbi, functionName: 'transferAsset', args: [token, pool, amount] })
    },
    async approveTrader(trader: HDAccount) {
      await devnet.write(trader, { address: assets.usds, abi: usdsAbi, functionName: 'approve', args: [pool, MAX] })
      await devnet.write(trader, { address: t.tbill, abi: devnetTBillAbi, functionName: 'approve', args: [pool, MAX] })
    },
    sell: (trader: HDAccount, assetIn: bigint, minUsdsOut = 0n) =>
      devnet.write(trader, { ...at, functionName: 'sellToPool', args: [assetIn, minUsdsOut, trader.address] }),
    buy: (trader: HDAccount, assetOut: bigint, maxUsdsIn = MAX) =>
      devnet.write(trader, { ...at, functionName: 'buyFromPool', args: [assetOut, maxUsdsIn, trader.address] }),
    setNav: (priceWad: bigint) => devnet.write(deployer, { address: t.oracle, abi: devnetNavOracleAbi, functionName: 'setPrice', args: [priceWad] }),
    syncPrice: () => devnet.write(relayer, { ...at, functionName: 'syncPrice' }),
    requestRedemption: (amount: bigint) => devnet.write(relayer, { ...at, functionName: 'requestRedemption', args: [amount] }),
    settle: (requestId: bigint, by: HDAccount = devnet.accounts.bob) =>
      devnet.write(by, { address: t.issuer, abi: devnetIssuerAbi, functionName: 'settle', args: [requestId] }),
    closeRedemption: (requestId: bigint) => devnet.write(devnet.accounts.bob, { ...at, functionName: 'closeRedemption', args: [requestId] }),
    pending: () => read.readContract({ ...at, functionName: 'pendingRedemption' }),
    reference: () => read.readContract({ ...at, functionName: 'referencePriceWad' }),
    /** The pool's value and share supply as the domain rule computes them from the chain's state. */
    async shareValue(): Promise<ShareValue> {
      const [usdsHeld, assetHeld, open, [priceWad], supply] = await Promise.all([
        world.usdsOf(pool),
        world.tbillOf(pool),
        read.readContract({ ...at, functionName: 'openRedemptions' }),
        read.readContract({ address: t.oracle, abi: devnetNavOracleAbi, functionName: 'latestPrice' }),
        shares ? read.readContract({ address: shares.token, abi: lctsTokenAbi, functionName: 'totalSupply' }) : Promise.resolve(0n),
      ])
      let pendingUnpaid = 0n
      for (const id of open) {
        const settled = await read.readContract({ address: t.issuer, abi: devnetIssuerAbi, functionName: 'isSettled', args: [id] })
        if (!settled) pendingUnpaid += await read.readContract({ ...at, functionName: 'pendingOf', args: [id] })
      }
      return shareValue({ usdsHeld, assetHeld, pendingUnpaid, priceWad, assetDecimals: 6 }, supply)
    },
    async rateLimit(key: Hex): Promise<RateLimitData> {
      const [maxAmount, slope, lastAmount, lastUpdated] = await read.readContract({ ...limitsAt, functionName: 'getRateLimitData', args: [key] })
      return { maxAmount, slope, lastAmount, lastUpdated }
    },
  }
  return { ...world, shares: shares ? sharesOf(devnet, world, shares) : undefined }
}

/** A Prime's way in and out of the pool: the LCTS queues; lpha-amm's key locks and settles them. */
function sharesOf(devnet: Devnet, world: { usds: Address; mintUsds: (to: Address, amount: bigint) => Promise<unknown> }, s: { token: Address; subscribeQueue: Address; redeemQueue: Address }) {
  const { relayer } = devnet.accounts
  const read = devnet.publicClient
  const queueOf = (side: 'subscribe' | 'redeem') => (side === 'subscribe' ? s.subscribeQueue : s.redeemQueue)
  return {
    ...s,
    /** The Prime queues `amount` USDS (minted to it first) for shares. */
    async subscribe(prime: Account, amount: bigint) {
      await world.mintUsds(prime.address, amount)
      await devnet.write(prime, { address: world.usds, abi: usdsAbi, functionName: 'approve', args: [s.subscribeQueue, amount] })
      return devnet.write(prime, { address: s.subscribeQueue, abi: lctsQueueAbi, functionName: 'deposit', args: [amount] })
    },
    /** The Prime queues `shares` for USDS. */
    async redeem(prime: Account, shares: bigint) {
      await devnet.write(prime, { address: s.token, abi: lctsTokenAbi, functionName: 'approve', args: [s.redeemQueue, shares] })
      return devnet.write(prime, { address: s.redeemQueue, abi: lctsQueueAbi, functionName: 'deposit', args: [shares] })
    },
    lock: (side: 'subscribe' | 'redeem') => devnet.write(relayer, { address: queueOf(side), abi: lctsQueueAbi, functionName: 'lock' }),
    settle: (side: 'subscribe' | 'redeem', capacity: bigint = MAX) => devnet.write(relayer, { address: queueOf(side), abi: lctsQueueAbi, functionName: 'settle', args: [capacity] }),
    /** Lock and settle one side in full (what lpha-amm does when its keys allow everything). */
    async settleAll(side: 'subscribe' | 'redeem') {
      await devnet.write(relayer, { address: queueOf(side), abi: lctsQueueAbi, functionName: 'lock' })
      return devnet.write(relayer, { address: queueOf(side), abi: lctsQueueAbi, functionName: 'settle', args: [MAX] })
    },
    claim: (side: 'subscribe' | 'redeem', prime: Account) => devnet.write(relayer, { address: queueOf(side), abi: lctsQueueAbi, functionName: 'claimFor', args: [prime.address] }),
    sharesOf: (who: Address) => read.readContract({ address: s.token, abi: lctsTokenAbi, functionName: 'balanceOf', args: [who] }),
    supply: () => read.readContract({ address: s.token, abi: lctsTokenAbi, functionName: 'totalSupply' }),
  }
}

/**
 * Block times for a property run: `at` sends the next transaction at now + 13 s, so a step that
 * consumes a rate-limit key is mined at exactly `clock.now` (the model's time); `wait` moves time on.
 */
export async function blockClock(devnet: Devnet) {
  const clock = {
    now: await devnet.now(),
    async at<T>(fn: () => Promise<T>): Promise<T> {
      clock.now += 13n
      await devnet.setNextBlockTimestamp(clock.now)
      return fn()
    },
    wait(seconds: bigint) {
      clock.now += seconds
    },
  }
  return clock
}

/**
 * One step on both sides: the pure model first; when it refuses (TradeRefusedError) the chain
 * call must revert, else it is sent. Returns the model's next state, undefined when refused.
 */
export async function onBoth<S>(apply: () => S, send: () => Promise<unknown>): Promise<S | undefined> {
  let next: S | undefined
  try {
    next = apply()
  } catch (error) {
    if (!(error instanceof TradeRefusedError)) throw error
  }
  if (next === undefined) await expect(send()).rejects.toThrow()
  else await send()
  return next
}
