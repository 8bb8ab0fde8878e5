import { type Address, type Hex, type LocalAccount } from 'viem'
import { recoverTypedDataAddress } from '../../chain/recoverTypedDataAddress.js'
import { BaseError, InvalidInputError } from '../../domain/errors.js'
import { SYNOME_DOMAIN_NAME, SYNOME_DOMAIN_VERSION } from '../signing.js'
import { verifyChain, GENESIS_HASH, type SynomeEvent } from './hash.js'
import { fromHex, leafHash, rootOf, toHex, verifyConsistency, verifyInclusion, type Hash } from './merkle.js'

/**
 * Signed checkpoints of the Synome's log (the Tessera/Trillian pattern): every N entries or T
 * seconds the Synome signs (tree size, Merkle root over the event hashes, the last position
 * and head hash it covers). A reader who trusts the Synome's key can then check one event by
 * an inclusion proof and that a later checkpoint extends an earlier one by a consistency
 * proof, and anyone with the log can re-derive every checkpoint. Leaf i is the i-th event in
 * position order (positions may have gaps: rolled-back appends take none).
 *
 * The signature is EIP-712 over the checkpoint, in the Synome's own signing domain.
 */
export type CheckpointBody = {
  /** Number of events covered (the Merkle tree size). */
  treeSize: number
  /** RFC 9162 root over leafHash(event hash) of those events, 0x-hex. */
  rootHash: Hex
  /** Position and hash of the last covered event (0 and the genesis hash for an empty log). */
  lastPosition: number
  headHash: Hex
  /** ISO time the Synome signed it. */
  time: string
}
export type Checkpoint = CheckpointBody & { signer: Address; signature: Hex }

export const CHECKPOINT_TYPES = {
  Checkpoint: [
    { name: 'treeSize', type: 'uint64' },
    { name: 'rootHash', type: 'bytes32' },
    { name: 'lastPosition', type: 'uint64' },
    { name: 'headHash', type: 'bytes32' },
    { name: 'time', type: 'string' },
  ],
} as const

const typedData = (body: CheckpointBody, chainId: number) =>
  ({
    domain: { name: SYNOME_DOMAIN_NAME, version: SYNOME_DOMAIN_VERSION, chainId },
    types: CHECKPOINT_TYPES,
    primaryType: 'Checkpoint',
    message: { treeSize: BigInt(body.treeSize), rootHash: body.rootHash, lastPosition: BigInt(body.lastPosition), headHash: body.headHash, time: body.time },
  }) as const

/** Log verification failed in a named way (the codes `halo synome verify-log` prints). */
export class LogVerificationError extends BaseError {
  override name = 'LogVerificationError'
  override readonly code: string
  override readonly status: number = 409
  constructor(
    code: 'CHECKPOINT_BAD_SIGNATURE' | 'CHECKPOINT_ROOT_MISMATCH' | 'CHECKPOINT_INCONSISTENT' | 'LOG_CHAIN_BROKEN' | 'LOG_TRUNCATED' | 'PROOF_INVALID',
    shortMessage: string,
    parameters: ConstructorParameters<typeof BaseError>[1] = {},
  ) {
    super(shortMessage, parameters)
    this.code = code
  }
}

/** The checkpoint body over `events` (all of them, in position order). */
export function checkpointOver(events: readonly Pick<SynomeEvent, 'position' | 'hash'>[], time: string): CheckpointBody {
  const last = events.at(-1)
  return {
    treeSize: events.length,
    rootHash: toHex(rootOf(events.map(eventLeaf))) as Hex,
    lastPosition: last?.position ?? 0,
    headHash: (last?.hash ?? GENESIS_HASH) as Hex,
    time,
  }
}

export const eventLeaf = (event: Pick<SynomeEvent, 'hash'>): Hash => leafHash(fromHex(event.hash))

export async function signCheckpoint(account: LocalAccount, body: CheckpointBody, chainId: number): Promise<Checkpoint> {
  if (!account.signTypedData) throw new InvalidInputError('the checkpoint key cannot sign typed data')
  const signature = await account.signTypedData(typedData(body, chainId))
  return { ...body, signer: account.address, signature }
}

/** Throws CHECKPOINT_BAD_SIGNATURE unless a trusted key signed exactly this checkpoint. */
export async function verifyCheckpointSignature(checkpoint: Checkpoint, trusted: readonly Address[], chainId: number): Promise<void> {
  const { signer, signature, ...body } = checkpoint
  let recovered: Address | undefined
  try {
    recovered = recoverTypedDataAddress({ ...typedData(body, chainId), signature })
  } catch (cause) {
    throw new LogVerificationError('CHECKPOINT_BAD_SIGNATURE', 'checkpoint signature does not recover', { cause, meta: { treeSize: body.treeSize } })
  }
  const ok = recovered.toLowerCase() === signer.toLowerCase() && trusted.some((t) => t.toLowerCase() === recovered!.toLowerCase())
  if (!ok) throw new LogVerificationError('CHECKPOINT_BAD_SIGNATURE', 'checkpoint not signed by a trusted Synome key', { details: recovered, meta: { treeSize: body.treeSize } })
}

export type VerifyLogParameters = {
  /** The whole log in position order. */
  events: readonly SynomeEvent[]
  checkpoints: readonly Checkpoint[]
  trusted: readonly Address[]
  chainId: number
}
export type VerifyLogReturnType = { events: number; checkpoints: number; head: string }

/**
 * Everything a log must satisfy: the hash chain holds, and every signed checkpoint's root is
 * the root of the log's prefix of that size (so a tampered, dropped, inserted or reordered
 * event — even with the chain rehashed — and a fork are each caught by a named error).
 */
export async function verifyLogWithCheckpoints(p: VerifyLogParameters): Promise<VerifyLogReturnType> {
  const chain = verifyChain(p.events)
  if (!chain.ok) throw new LogVerificationError('LOG_CHAIN_BROKEN', `hash chain broken at position ${chain.brokenAt}`, { details: chain.reason, meta: { position: chain.brokenAt } })
  const leaves = p.events.map(eventLeaf)
  const sorted = [...p.checkpoints].sort((a, b) => a.treeSize - b.treeSize)
  for (const checkpoint of sorted) {
    await verifyCheckpointSignature(checkpoint, p.trusted, p.chainId)
    if (checkpoint.treeSize > leaves.length) {
      throw new LogVerificationError('LOG_TRUNCATED', `a checkpoint covers ${checkpoint.treeSize} events, the log has ${leaves.length}`, { meta: { treeSize: checkpoint.treeSize } })
    }
    const root = toHex(rootOf(leaves.slice(0, checkpoint.treeSize)))
    const last = p.events[checkpoint.treeSize - 1]
    if (root !== checkpoint.rootHash || (last && (last.position !== checkpoint.lastPosition || last.hash !== checkpoint.headHash))) {
      throw new LogVerificationError('CHECKPOINT_ROOT_MISMATCH', `the log's first ${checkpoint.treeSize} events do not match the signed checkpoint`, {
        details: `signed ${checkpoint.rootHash}, log ${root}`,
        meta: { treeSize: checkpoint.treeSize },
      })
    }
  }
  return { events: p.events.length, checkpoints: sorted.length, head: chain.head }
}

/** A reader's check of one event against a checkpoint it trusts. */
export function checkInclusion(p: { event: Pick<SynomeEvent, 'hash'>; index: number; checkpoint: CheckpointBody; proof: readonly Hex[] }): void {
  const ok = verifyInclusion({ leaf: eventLeaf(p.event), index: p.index, treeSize: p.checkpoint.treeSize, proof: p.proof.map(fromHex), root: fromHex(p.checkpoint.rootHash) })
  if (!ok) throw new LogVerificationError('PROOF_INVALID', 'the event is not in the checkpointed log', { meta: { index: p.index, treeSize: p.checkpoint.treeSize } })
}

/** A reader's check that a newer checkpoint extends an older one (no fork, no rewrite). */
export function checkConsistency(p: { older: CheckpointBody; newer: CheckpointBody; proof: readonly Hex[] }): void {
  const ok = verifyConsistency({ oldSize: p.older.treeSize, newSize: p.newer.treeSize, oldRoot: fromHex(p.older.rootHash), newRoot: fromHex(p.newer.rootHash), proof: p.proof.map(fromHex) })
  if (!ok) {
    throw new LogVerificationError('CHECKPOINT_INCONSISTENT', `checkpoint ${p.newer.treeSize} does not extend checkpoint ${p.older.treeSize}`, {
      meta: { older: p.older.treeSize, newer: p.newer.treeSize },
    })
  }
}
