import { encodeFunctionData, erc20Abi, getAbiItem, type Address, type Chain, type Hex, type PublicClient, type Transport } from 'viem'
import { lctsQueueAbi, rateLimitsAbi, tradingPoolAbi } from '../../chain/generated/index.js'
import type { AmmObservation, LctsQueueObservation, OpenRedemption, PoolTrade, QueueSide, SharesObservation } from '../../domain/trading/amm.js'

/**
 * What lpha-amm reads from and sends to one TradingPool. Every read of one observation is
 * pinned to one block, so balances, limits and events agree with each other. Event scans go
 * from the pool's deployment block in bounded windows.
 */
export type AmmChainConfig = { pool: Address; fromBlock: bigint; finalityDepth: number }

/** Blocks per eth_getLogs call, and the most calls one scan makes (bounds a tick). */
const LOG_WINDOW_BLOCKS = 10_000n
const MAX_LOG_WINDOWS = 1_000

/** The pool's oracle and issuer as the pool sees them (INavOracle, IIssuerRedemption), not the devnet contracts. */
const oracleAbi = [
  { type: 'function', name: 'latestPrice', stateMutability: 'view', inputs: [], outputs: [{ name: 'priceWad', type: 'uint256' }, { name: 'updatedAt', type: 'uint256' }] },
] as const
const issuerAbi = [
  { type: 'function', name: 'isSettled', stateMutability: 'view', inputs: [{ name: 'requestId', type: 'uint256' }], outputs: [{ type: 'bool' }] },
] as const

export type PoolShares = { token: Address; subscribeQueue: Address; redeemQueue: Address; keys: { subscribe: Hex; unsubscribe: Hex } }
export type PoolStatic = {
  usds: Address
  asset: Address
  assetDecimals: number
  almProxy: Address
  rateLimits: Address
  keys: { redeem: Hex; return: Hex }
  /** The pool's LCTS shares, once wired (read again until they are). */
  shares: PoolShares | undefined
}
const ZERO = '0x0000000000000000000000000000000000000000'
const QUEUE_STATUS = ['DORMANT', 'ACTIVE', 'LOCKED'] as const

export type PoolSnapshot = {
  blockNumber: bigint
  blockTime: bigint
  observation: AmmObservation
  trades: PoolTrade[]
  /** RedemptionRequested / CapitalReturned events so far: the per-state keys of the next redeem / return. */
  redemptionsRequested: number
  capitalReturns: number
  /** SharesSubscribed / SharesRedeemed events so far: the per-state keys of the next lock and settle of each queue. */
  conversions: Record<QueueSide, number>
  issuer: Address
}

export function createAmmChain(publicClient: PublicClient<Transport, Chain>, config: AmmChainConfig) {
  const pool = { address: config.pool, abi: tradingPoolAbi } as const
  let statics: PoolStatic | undefined

  async function poolStatic(): Promise<PoolStatic> {
    if (statics?.shares) return statics
    if (statics) {
      statics = { ...statics, shares: await readShares() }
      return statics
    }
    const [usds, asset, almProxy, rateLimits, keys] = await Promise.all([
      publicClient.readContract({ ...pool, functionName: 'usds' }),
      publicClient.readContract({ ...pool, functionName: 'asset' }),
      publicClient.readContract({ ...pool, functionName: 'almProxy' }),
      publicClient.readContract({ ...pool, functionName: 'rateLimits' }),
      publicClient.readContract({ ...pool, functionName: 'rateLimitKeys' }),
    ])
    const assetDecimals = await publicClient.readContract({ address: asset, abi: erc20Abi, functionName: 'decimals' })
    statics = { usds, asset, assetDecimals, almProxy, rateLimits, keys: { redeem: keys[2], return: keys[3] }, shares: await readShares() }
    return statics
  }

  async function readShares(): Promise<PoolShares | undefined> {
    const [token, subscribeQueue, redeemQueue, shareKeys] = await Promise.all([
      publicClient.readContract({ ...pool, functionName: 'shareToken' }),
      publicClient.readContract({ ...pool, functionName: 'subscribeQueue' }),
      publicClient.readContract({ ...pool, functionName: 'redeemQueue' }),
      publicClient.readContract({ ...pool, functionName: 'shareKeys' }),
    ])
    if (token === ZERO) return undefined
    return { token, subscribeQueue, redeemQueue, keys: { subscribe: shareKeys[0], unsubscribe: shareKeys[1] } }
  }

  async function queueAt(queue: Address, blockNumber: bigint): Promise<LctsQueueObservation> {
    const at = { address: queue, abi: lctsQueueAbi, blockNumber } as const
    const [status, generationId, totalUnderlying] = await Promise.all([
      publicClient.readContract({ ...at, functionName: 'status' }),
      publicClient.readContract({ ...at, functionName: 'currentGenerationId' }),
      publicClient.readContract({ ...at, functionName: 'totalUnderlying' }),
    ])
    return { status: QUEUE_STATUS[status] ?? 'DORMANT', generationId, totalUnderlying }
  }

  async function logs<const N extends 'RedemptionRequested' | 'RedemptionClosed' | 'SoldToPool' | 'BoughtFromPool' | 'CapitalReturned' | 'SharesSubscribed' | 'SharesRedeemed'>(name: N, toBlock: bigint) {
    const event = getAbiItem({ abi: tradingPoolAbi, name } as never)
    const out: unknown[] = []
    let from = config.fromBlock
    for (let window = 0; from <= toBlock; window++) {
      if (window >= MAX_LOG_WINDOWS) throw new Error(`pool event scan exceeds ${MAX_LOG_WINDOWS} windows: raise chain.fromBlock`)
      const to = from + LOG_WINDOW_BLOCKS - 1n < toBlock ? from + LOG_WINDOW_BLOCKS - 1n : toBlock
      out.push(...(await publicClient.getLogs({ address: config.pool, event: event as never, fromBlock: from, toBlock: to, strict: true })))
      from = to + 1n
    }
    return out as unknown as Array<{ blockNumber: bigint; args: Record<string, bigint | Address> }>
  }

  return {
    config,
    poolStatic,
    /** One consistent observation of the pool at `blockNumber` (default: the latest block). */
    async snapshot(blockNumber?: bigint): Promise<PoolSnapshot> {
      const s = await poolStatic()
      const block = blockNumber === undefined ? await publicClient.getBlock({ blockTag: 'latest' }) : await publicClient.getBlock({ blockNumber })
      const at = { blockNumber: block.number }
      const [params, referencePriceWad, pendingRedemption, paused, usdsHeld, assetHeld, redeemAvailable, returnAvailable] = await Promise.all([
        publicClient.readContract({ ...pool, functionName: 'params', ...at }),
        publicClient.readContract({ ...pool, functionName: 'referencePriceWad', ...at }),
        publicClient.readContract({ ...pool, functionName: 'pendingRedemption', ...at }),
        publicClient.readContract({ ...pool, functionName: 'paused', ...at }),
        publicClient.readContract({ address: s.usds, abi: erc20Abi, functionName: 'balanceOf', args: [config.pool], ...at }),
        publicClient.readContract({ address: s.asset, abi: erc20Abi, functionName: 'balanceOf', args: [config.pool], ...at }),
        publicClient.readContract({ address: s.rateLimits, abi: rateLimitsAbi, functionName: 'getCurrentRateLimit', args: [s.keys.redeem], ...at }),
        publicClient.readContract({ address: s.rateLimits, abi: rateLimitsAbi, functionName: 'getCurrentRateLimit', args: [s.keys.return], ...at }),
      ])
      const [priceWad, updatedAt] = await publicClient.readContract({ address: params.oracle, abi: oracleAbi, functionName: 'latestPrice', ...at })
      const [requested, closed, sold, bought, returned, subscribed, redeemed] = await Promise.all([
        logs('RedemptionRequested', block.number),
        logs('RedemptionClosed', block.number),
        logs('SoldToPool', block.number),
        logs('BoughtFromPool', block.number),
        logs('CapitalReturned', block.number),
        s.shares ? logs('SharesSubscribed', block.number) : Promise.resolve([]),
        s.shares ? logs('SharesRedeemed', block.number) : Promise.resolve([]),
      ])
      let shares: SharesObservation | undefined
      if (s.shares) {
        const [supply, subscribeQueue, redeemQueue, subscribeAvailable, unsubscribeAvailable] = await Promise.all([
          publicClient.readContract({ address: s.shares.token, abi: erc20Abi, functionName: 'totalSupply', ...at }),
          queueAt(s.shares.subscribeQueue, block.number),
          queueAt(s.shares.redeemQueue, block.number),
          publicClient.readContract({ address: s.rateLimits, abi: rateLimitsAbi, functionName: 'getCurrentRateLimit', args: [s.shares.keys.subscribe], ...at }),
          publicClient.readContract({ address: s.rateLimits, abi: rateLimitsAbi, functionName: 'getCurrentRateLimit', args: [s.shares.keys.unsubscribe], ...at }),
        ])
        shares = { supply, assetDecimals: s.assetDecimals, subscribe: subscribeQueue, redeem: redeemQueue, available: { subscribe: subscribeAvailable, unsubscribe: unsubscribeAvailable } }
      }
      const closedIds = new Set(closed.map((l) => l.args.requestId as bigint))
      const openRequests: OpenRedemption[] = []
      for (const l of requested) {
        const requestId = l.args.requestId as bigint
        if (closedIds.has(requestId)) continue
        const [requestBlock, settled] = await Promise.all([
          publicClient.getBlock({ blockNumber: l.blockNumber }),
          publicClient.readContract({ address: params.issuer, abi: issuerAbi, functionName: 'isSettled', args: [requestId], ...at }),
        ])
        openRequests.push({ requestId, amount: l.args.amount as bigint, requestedAt: requestBlock.timestamp, settled })
      }
      const trades: PoolTrade[] = [
        ...sold.map((l) => ({ blockNumber: l.blockNumber, side: 'sell' as const, assetAmount: l.args.assetIn as bigint, usdsAmount: l.args.usdsOut as bigint, priceWad: l.args.priceWad as bigint })),
        ...bought.map((l) => ({ blockNumber: l.blockNumber, side: 'buy' as const, assetAmount: l.args.assetOut as bigint, usdsAmount: l.args.usdsIn as bigint, priceWad: l.args.priceWad as bigint })),
      ]
        .sort((a, b) => (a.blockNumber < b.blockNumber ? -1 : a.blockNumber > b.blockNumber ? 1 : 0))
        .map(({ blockNumber: _b, ...t }) => t)
      return {
        blockNumber: block.number,
        blockTime: block.timestamp,
        issuer: params.issuer,
        trades,
        redemptionsRequested: requested.length,
        capitalReturns: returned.length,
        conversions: { subscribe: subscribed.length, redeem: redeemed.length },
        observation: {
          now: block.timestamp,
          paused,
          oracle: { priceWad, updatedAt },
          referencePriceWad,
          params: { maxOracleAgeSeconds: BigInt(params.maxOracleAgeSeconds), maxDeviationBps: BigInt(params.maxDeviationBps), maxInventory: params.maxInventory },
          assetHeld,
          usdsHeld,
          pendingRedemption,
          openRequests,
          available: { redeem: redeemAvailable, return: returnAvailable },
          shares,
        },
      }
    },
    /** The block `finalityDepth` below the head (what reports are written from). */
    async finalBlock(): Promise<bigint> {
      const head = await publicClient.getBlockNumber({ cacheTime: 0 })
      const depth = BigInt(config.finalityDepth)
      return head > depth ? head - depth : 0n
    },
    closeCall: (requestId: bigint) => ({ to: config.pool, data: encodeFunctionData({ abi: tradingPoolAbi, functionName: 'closeRedemption', args: [requestId] }) }),
    syncCall: () => ({ to: config.pool, data: encodeFunctionData({ abi: tradingPoolAbi, functionName: 'syncPrice' }) }),
    redeemCall: (amount: bigint) => ({ to: config.pool, data: encodeFunctionData({ abi: tradingPoolAbi, functionName: 'requestRedemption', args: [amount] }) }),
    lockCall: (queue: Address) => ({ to: queue, data: encodeFunctionData({ abi: lctsQueueAbi, functionName: 'lock' }) }),
    settleCall: (queue: Address, capacity: bigint) => ({ to: queue, data: encodeFunctionData({ abi: lctsQueueAbi, functionName: 'settle', args: [capacity] }) }),
    returnCall: (amount: bigint) => ({ to: config.pool, data: encodeFunctionData({ abi: tradingPoolAbi, functionName: 'returnCapital', args: [amount] }) }),
  }
}
export type AmmChain = ReturnType<typeof createAmmChain>
