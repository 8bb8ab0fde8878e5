import { encodeFunctionData, erc20Abi, keccak256, toFunctionSelector, type Address, type Chain, type Hex, type PublicClient, type Transport } from 'viem'
import { controllerAbi, lctsHoldingSystemAbi, lctsQueueAbi, nfatFacilityAbi, portfolioHaloClassAbi, rateLimitsAbi } from '../../chain/generated/index.js'
import { tokensToValue, valueToTokens } from '../../domain/lcts/capacity.js'
import { LIMIT, rateLimitKey } from '../../domain/rateLimits.js'
import type { RateLimitObservation, UnitObservation } from './policy.js'
import type { DetectedUnit, UnitTarget } from './units.js'

/** The Prime's PAU as the allocator reads and drives it. */
export type AllocatorChainConfig = { configurator: Address; almProxy: Address; controller: Address; rateLimits: Address; usds: Address; finalityDepth: number }

const LCTS_DEPOSIT_SELECTOR = toFunctionSelector('deposit(uint256)')

/** The rate-limit key a deposit (subscribe) into the Unit consumes on the Prime's PAU. */
export function depositKey(target: UnitTarget): Hex {
  return target.kind === 'nfat-facility' ? rateLimitKey(LIMIT.FACILITY_DEPOSIT, target.facility) : rateLimitKey(LIMIT.APPROVE_AND_CALL, target.asset, target.subscribeQueue, LCTS_DEPOSIT_SELECTOR)
}

/** The key a redemption from an LCTS unit (LCTS tokens into its redeem queue) consumes. */
export function redeemKey(target: Extract<UnitTarget, { kind: 'lcts' }>): Hex {
  return rateLimitKey(LIMIT.APPROVE_AND_CALL, target.token, target.redeemQueue, LCTS_DEPOSIT_SELECTOR)
}

export function createAllocatorChain(publicClient: PublicClient<Transport, Chain>, config: AllocatorChainConfig, primeIds: readonly string[]) {
  const proxy = config.almProxy
  const holderKeys = [proxy.toLowerCase(), ...primeIds.map((p) => p.toLowerCase())]

  async function rateLimit(key: Hex): Promise<RateLimitObservation | undefined> {
    const [[maxAmount, slope], available] = await Promise.all([
      publicClient.readContract({ address: config.rateLimits, abi: rateLimitsAbi, functionName: 'getRateLimitData', args: [key] }),
      publicClient.readContract({ address: config.rateLimits, abi: rateLimitsAbi, functionName: 'getCurrentRateLimit', args: [key] }),
    ])
    return maxAmount === 0n ? undefined : { maxAmount, slope, available }
  }

  /** USDS per unit token (WAD): an LCTS holding system's exchange rate, or a Portfolio unit's NAV per share. */
  async function rateWad(t: Extract<UnitTarget, { kind: 'lcts' }>): Promise<bigint> {
    if (t.portfolio) {
      const [unitId] = await publicClient.readContract({ address: t.holdingSystem, abi: portfolioHaloClassAbi, functionName: 'unitOfQueue', args: [t.subscribeQueue] })
      return publicClient.readContract({ address: t.holdingSystem, abi: portfolioHaloClassAbi, functionName: 'navPerShareWad', args: [unitId] })
    }
    return publicClient.readContract({ address: t.holdingSystem, abi: lctsHoldingSystemAbi, functionName: 'exchangeRateWad' })
  }

  async function codeHash(address: Address): Promise<Hex | undefined> {
    const code = await publicClient.getCode({ address })
    return code && code !== '0x' ? keccak256(code) : undefined
  }

  async function holdings(unit: DetectedUnit): Promise<{ current: bigint; outstanding: bigint; paused: boolean }> {
    const t = unit.target
    if (t.kind === 'nfat-facility') {
      const facility = { address: t.facility, abi: nfatFacilityAbi } as const
      const [queued, queueTotal, paused] = await Promise.all([
        publicClient.readContract({ ...facility, functionName: 'queuedBalanceOf', args: [proxy] }),
        publicClient.readContract({ ...facility, functionName: 'totalUnderlying' }),
        publicClient.readContract({ ...facility, functionName: 'paused' }),
      ])
      let mine = 0n
      let claimed = 0n
      for (const [holder, principal] of unit.claimedBy) {
        claimed += principal
        if (holderKeys.includes(holder)) mine += principal
      }
      return { current: queued + mine, outstanding: queueTotal + claimed, paused }
    }
    const [rate, position, balance, supply, queueTotal] = await Promise.all([
      rateWad(t),
      publicClient.readContract({ address: t.subscribeQueue, abi: lctsQueueAbi, functionName: 'previewPosition', args: [proxy] }),
      publicClient.readContract({ address: t.token, abi: erc20Abi, functionName: 'balanceOf', args: [proxy] }),
      publicClient.readContract({ address: t.token, abi: erc20Abi, functionName: 'totalSupply' }),
      publicClient.readContract({ address: t.subscribeQueue, abi: lctsQueueAbi, functionName: 'totalUnderlying' }),
    ])
    const [, , , pendingTokens, underlyingOut] = position
    return { current: underlyingOut + tokensToValue(balance + pendingTokens, rate), outstanding: queueTotal + tokensToValue(supply, rate), paused: false }
  }

  return {
    config,
    idleUsds: () => publicClient.readContract({ address: config.usds, abi: erc20Abi, functionName: 'balanceOf', args: [proxy] }),
    rateLimit,
    async observe(unit: DetectedUnit): Promise<UnitObservation> {
      const address = unit.target.kind === 'nfat-facility' ? unit.target.facility : unit.target.subscribeQueue
      const [limit, held, hash] = await Promise.all([
        rateLimit(depositKey(unit.target)),
        holdings(unit),
        unit.provenance?.kind === 'inventory' ? codeHash(address) : Promise.resolve(undefined),
      ])
      const conforming = unit.provenance?.kind === 'inventory' ? hash !== undefined && hash === unit.provenance.codeHash.toLowerCase() : undefined
      return { unit: { ...unit, paused: unit.paused || held.paused }, conforming, rateLimit: limit, current: held.current, outstanding: held.outstanding }
    },
    /** The Controller call that deposits (subscribes) `amount` USDS into the Unit. */
    depositCall(target: UnitTarget, amount: bigint): { to: Address; data: Hex } {
      if (target.kind === 'nfat-facility') return { to: config.controller, data: encodeFunctionData({ abi: controllerAbi, functionName: 'depositToFacility', args: [target.facility, amount] }) }
      const inner = encodeFunctionData({ abi: lctsQueueAbi, functionName: 'deposit', args: [amount] })
      return { to: config.controller, data: encodeFunctionData({ abi: controllerAbi, functionName: 'approveAndCall', args: [target.asset, target.subscribeQueue, amount, inner] }) }
    },
    /** LCTS tokens worth `value` into the redeem queue (floored), and the call that queues them. */
    async redeemCall(target: Extract<UnitTarget, { kind: 'lcts' }>, value: bigint): Promise<{ to: Address; data: Hex; shares: bigint }> {
      const rate = await rateWad(target)
      const shares = valueToTokens(value, rate)
      const inner = encodeFunctionData({ abi: lctsQueueAbi, functionName: 'deposit', args: [shares] })
      return { to: config.controller, data: encodeFunctionData({ abi: controllerAbi, functionName: 'approveAndCall', args: [target.token, target.redeemQueue, shares, inner] }), shares }
    },
  }
}
export type AllocatorChain = ReturnType<typeof createAllocatorChain>
