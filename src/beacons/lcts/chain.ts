import { encodeFunctionData, parseEventLogs, type Address, type Chain, type Hex, type PublicClient, type Transport } from 'viem'
import { lctsHoldingSystemAbi, lctsQueueAbi, lctsTokenAbi } from '../../chain/generated/index.js'
import type { ChainQueueStatus, QueueObservation, QueueSide } from './policy.js'

/** What lpha-lcts reads from and sends to one LCTS pair. */
export type LctsChainConfig = { subscribeQueue: Address; redeemQueue: Address; holdingSystem: Address; token: Address; finalityDepth: number }

const STATUS: readonly ChainQueueStatus[] = ['DORMANT', 'ACTIVE', 'LOCKED']

export type SettledEvent = { generationId: bigint; capacity: bigint; converted: bigint; reward: bigint; rewardPerTokenRay: bigint; finalized: boolean }

export function createLctsChain(publicClient: PublicClient<Transport, Chain>, config: LctsChainConfig) {
  const queueOf = (side: QueueSide) => (side === 'subscribe' ? config.subscribeQueue : config.redeemQueue)
  const read = <T>(address: Address, abi: readonly unknown[], functionName: string) =>
    publicClient.readContract({ address, abi: abi as never, functionName } as never) as Promise<T>
  return {
    config,
    queueOf,
    async queue(side: QueueSide): Promise<QueueObservation> {
      const address = queueOf(side)
      const [status, generationId, totalShares, totalUnderlying] = await Promise.all([
        read<number>(address, lctsQueueAbi, 'status'),
        read<bigint>(address, lctsQueueAbi, 'currentGenerationId'),
        read<bigint>(address, lctsQueueAbi, 'totalShares'),
        read<bigint>(address, lctsQueueAbi, 'totalUnderlying'),
      ])
      return { status: STATUS[Number(status)]!, generationId: BigInt(generationId), totalShares, totalUnderlying }
    },
    tokenSupply: () => read<bigint>(config.token, lctsTokenAbi, 'totalSupply'),
    exchangeRateWad: () => read<bigint>(config.holdingSystem, lctsHoldingSystemAbi, 'exchangeRateWad'),
    lockCall: (side: QueueSide): { to: Address; data: Hex } => ({ to: queueOf(side), data: encodeFunctionData({ abi: lctsQueueAbi, functionName: 'lock' }) }),
    settleCall: (side: QueueSide, capacity: bigint): { to: Address; data: Hex } => ({ to: queueOf(side), data: encodeFunctionData({ abi: lctsQueueAbi, functionName: 'settle', args: [capacity] }) }),
    rateCall: (exchangeRateWad: bigint): { to: Address; data: Hex } => ({ to: config.holdingSystem, data: encodeFunctionData({ abi: lctsHoldingSystemAbi, functionName: 'setExchangeRate', args: [exchangeRateWad] }) }),
    /** The Settled event of a mined settle transaction (the chain's own account of what it did). */
    async settled(hash: Hex): Promise<SettledEvent> {
      const receipt = await publicClient.getTransactionReceipt({ hash })
      const [log] = parseEventLogs({ abi: lctsQueueAbi, eventName: 'Settled', logs: receipt.logs })
      if (!log) throw new Error(`transaction ${hash} has no Settled event`)
      const { generationId, capacity, converted, reward, rewardPerTokenRay, finalized } = log.args
      return { generationId, capacity, converted, reward, rewardPerTokenRay, finalized }
    },
  }
}
export type LctsChain = ReturnType<typeof createLctsChain>
