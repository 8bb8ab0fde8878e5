/**
 * Ingestion: the factory's metadata events become `factoryClass` and `factoryUnit` records in
 * the Synome. Idempotent and replayable from any block: each record is sent with the
 * idempotency key of its event (chainId:txHash:logIndex) and the command itself refuses nothing
 * it already holds identically, so replaying a range, or overlapping ranges, writes nothing
 * twice. Only logs `finalityDepth` deep are read (see reader.ts). Classes go first, so a unit's
 * class is always there.
 */
import type { Address, Chain, PublicClient, Transport } from 'viem'
import type { SynomeClient } from '../synome/client/types.js'
import { chainEventKey } from '../beacons/shared/finality.js'
import { readFactoryDeployments } from './reader.js'
import '../synome/commands/factory/index.js'

export type IngestFactoryParameters = {
  publicClient: PublicClient<Transport, Chain>
  /** Signs as a council-role key. */
  synome: SynomeClient
  factory: Address
  fromBlock: bigint
  finalityDepth: number
}

export type IngestFactoryReturnType = { toBlock: bigint; classes: number; units: number; written: number }

export async function ingestFactoryEvents(p: IngestFactoryParameters): Promise<IngestFactoryReturnType> {
  const { classes, units, toBlock } = await readFactoryDeployments(p)
  let written = 0
  const key = (record: { chainEvent: { chainId: number; txHash: string; logIndex: number } }) =>
    `factory:${chainEventKey({ chainId: record.chainEvent.chainId, txHash: record.chainEvent.txHash as `0x${string}`, logIndex: record.chainEvent.logIndex })}`
  for (const record of classes) {
    const result = await p.synome.send('recordFactoryClass', record, { idempotencyKey: key(record) })
    if (!(result.result as { unchanged?: boolean } | undefined)?.unchanged && !result.replayed) written += 1
  }
  for (const record of units) {
    const result = await p.synome.send('recordFactoryUnit', record, { idempotencyKey: key(record) })
    if (!(result.result as { unchanged?: boolean } | undefined)?.unchanged && !result.replayed) written += 1
  }
  return { toBlock, classes: classes.length, units: units.length, written }
}
