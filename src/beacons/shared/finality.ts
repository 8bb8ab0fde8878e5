import type { AbiEvent, Address, Chain, Hex, PublicClient, Transport } from 'viem'

/**
 * Chain events a beacon turns into Synome records. A record is only derived from a log that
 * is `finalityDepth` blocks deep, is keyed by (chainId, txHash, logIndex) — unique across
 * re-reads, so a record is written once however often the log is seen — and keeps the block
 * hash, so a later reorg can be detected by comparing it with the canonical block.
 */
export type ChainEventRef = { chainId: number; txHash: Hex; logIndex: number; blockNumber: bigint; blockHash: Hex }

export function chainEventKey(ref: Pick<ChainEventRef, 'chainId' | 'txHash' | 'logIndex'>): string {
  return `${ref.chainId}:${ref.txHash.toLowerCase()}:${ref.logIndex}`
}

export type FinalizedLogsParameters<event extends AbiEvent> = {
  publicClient: PublicClient<Transport, Chain>
  address: Address
  event: event
  args?: Record<string, unknown> | undefined
  fromBlock: bigint
  finalityDepth: number
}

/** Logs of `event` from `fromBlock` up to head − depth, each with its ChainEventRef. */
export async function finalizedLogs<const event extends AbiEvent>(parameters: FinalizedLogsParameters<event>) {
  const { publicClient, address, event, args, fromBlock, finalityDepth } = parameters
  const head = await publicClient.getBlockNumber({ cacheTime: 0 })
  const toBlock = head - BigInt(finalityDepth)
  if (toBlock < fromBlock) return { toBlock, logs: [] }
  const logs = await publicClient.getLogs({ address, event, args, fromBlock, toBlock, strict: true } as never)
  const chainId = publicClient.chain.id
  return {
    toBlock,
    logs: (logs as unknown as Array<{ transactionHash: Hex; logIndex: number; blockNumber: bigint; blockHash: Hex; args: Record<string, unknown> }>).map((log) => ({
      ref: { chainId, txHash: log.transactionHash, logIndex: log.logIndex, blockNumber: log.blockNumber, blockHash: log.blockHash } satisfies ChainEventRef,
      args: log.args,
    })),
  }
}

/** False when the block that held the event is no longer canonical (a reorg). */
export async function isCanonical(publicClient: PublicClient<Transport, Chain>, ref: Pick<ChainEventRef, 'blockNumber' | 'blockHash'>): Promise<boolean> {
  const block = await publicClient.getBlock({ blockNumber: ref.blockNumber }).catch(() => undefined)
  return block?.hash === ref.blockHash
}
