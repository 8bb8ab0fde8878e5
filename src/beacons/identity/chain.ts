import { encodeFunctionData, getAbiItem, getAddress, keccak256, toHex, type Account, type Address, type Hex } from 'viem'
import { identityRegistryAbi } from '../../chain/generated/index.js'
import { writeAndWait, type ChainClients } from '../../chain/devnet.js'
import { planIdentitySync, type IdentityBatch, type IdentityEntity } from '../../domain/identity/sync.js'

/**
 * lpha-identity's chain side: what the registry holds (rebuilt from its events, so an address
 * dropped from every Synome record is still found and removed) and one level-triggered tick
 * that sends the batches planIdentitySync gives. A crash between batches is healed by the next
 * tick, which plans again from the chain; a batch re-sent after a crash is a no-op on chain.
 */
export type IdentityChainParameters = { clients: Pick<ChainClients, 'publicClient'>; registry: Address; fromBlock: bigint }

/**
 * The registry's membership and the position of its last change (`genesis` before any): the
 * position names the chain state a plan was made from, so a batch's idempotency key is unique
 * per state (the same accounts added again after a removal are a new action).
 */
export async function readRegistryState({ clients, registry, fromBlock }: IdentityChainParameters): Promise<{ members: Map<Address, Hex>; cursor: string }> {
  const events = [getAbiItem({ abi: identityRegistryAbi, name: 'MemberAdded' }), getAbiItem({ abi: identityRegistryAbi, name: 'MemberRemoved' })]
  const logs = await clients.publicClient.getLogs({ address: registry, events, fromBlock, toBlock: 'latest', strict: true })
  const members = new Map<Address, Hex>()
  let cursor = 'genesis'
  for (const log of logs) {
    const account = getAddress(log.args.account!)
    if (log.eventName === 'MemberAdded') members.set(account, log.args.entityId!)
    else members.delete(account)
    cursor = `${log.blockNumber}.${log.logIndex}`
  }
  return { members, cursor }
}

export async function readMembership(p: IdentityChainParameters): Promise<Map<Address, Hex>> {
  return (await readRegistryState(p)).members
}

/** The registry call of one batch. */
export function batchCalldata(batch: IdentityBatch): Hex {
  return batch.kind === 'remove'
    ? encodeFunctionData({ abi: identityRegistryAbi, functionName: 'removeMembers', args: [batch.accounts] })
    : encodeFunctionData({ abi: identityRegistryAbi, functionName: 'addMembers', args: [batch.entityId, batch.accounts] })
}

/** `identity:<cursor>:<index>:<kind>:<hash of the calldata>`: one action per (chain state, batch). */
export function batchKey(cursor: string, index: number, batch: IdentityBatch): string {
  return `identity:${cursor}:${index}:${batch.kind}:${keccak256(batchCalldata(batch)).slice(2, 18)}`
}

/** Sends one batch and returns once it is mined (or throws). */
export type IdentitySender = (batch: IdentityBatch, key: string) => Promise<void>

/** A sender that writes directly with a key (tests and dry runs; the beacon uses its TxJournal). */
export function directSender(clients: ChainClients, writer: Account, registry: Address): IdentitySender {
  return async (batch) => {
    await writeAndWait(clients, writer, { address: registry, abi: identityRegistryAbi, functionName: batch.kind === 'remove' ? 'removeMembers' : 'addMembers', args: (batch.kind === 'remove' ? [batch.accounts] : [batch.entityId, batch.accounts]) as never })
  }
}

export type IdentityTickParameters = IdentityChainParameters & {
  send: IdentitySender
  entities: readonly IdentityEntity[]
  now: bigint
  maxBatch?: number | undefined
  /** Test hook: called before each batch is sent (a crash point). */
  beforeBatch?: ((batch: IdentityBatch, index: number) => void) | undefined
}

/** One tick: plan from the chain's membership at `now` and send every batch. Returns what was sent. */
export async function syncIdentityOnce(p: IdentityTickParameters): Promise<IdentityBatch[]> {
  const { members, cursor } = await readRegistryState(p)
  const plan = planIdentitySync(p.entities, members, p.now, p.maxBatch)
  for (const [index, batch] of plan.entries()) {
    p.beforeBatch?.(batch, index)
    await p.send(batch, batchKey(cursor, index, batch))
  }
  return plan
}
