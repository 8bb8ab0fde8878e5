import { getAbiItem, getAddress, type Account, type Address, type Hex } from 'viem'
import { identityRegistryAbi } from '../../chain/generated/index.js'
import { writeAndWait, type ChainClients } from '../../chain/devnet.js'
import { planIdentitySync, type IdentityBatch, type IdentityEntity } from '../../domain/identity/sync.js'

/**
 * lpha-identity's chain side: what the registry holds (rebuilt from its events, so an address
 * dropped from every Synome record is still found and removed) and one level-triggered tick
 * that sends the batches planIdentitySync gives. A crash between batches is healed by the next
 * tick, which plans again from the chain; a batch re-sent after a crash is a no-op on chain.
 */
export type IdentityChainParameters = { clients: ChainClients; registry: Address; fromBlock: bigint }

export async function readMembership({ clients, registry, fromBlock }: IdentityChainParameters): Promise<Map<Address, Hex>> {
  const events = [getAbiItem({ abi: identityRegistryAbi, name: 'MemberAdded' }), getAbiItem({ abi: identityRegistryAbi, name: 'MemberRemoved' })]
  const logs = await clients.publicClient.getLogs({ address: registry, events, fromBlock, toBlock: 'latest', strict: true })
  const members = new Map<Address, Hex>()
  for (const log of logs) {
    const account = getAddress(log.args.account!)
    if (log.eventName === 'MemberAdded') members.set(account, log.args.entityId!)
    else members.delete(account)
  }
  return members
}

export type IdentityTickParameters = IdentityChainParameters & {
  writer: Account
  entities: readonly IdentityEntity[]
  now: bigint
  maxBatch?: number | undefined
  /** Test hook: called before each batch is sent (a crash point). */
  beforeBatch?: ((batch: IdentityBatch, index: number) => void) | undefined
}

/** One tick: plan from the chain's membership at `now` and send every batch. Returns what was sent. */
export async function syncIdentityOnce(p: IdentityTickParameters): Promise<IdentityBatch[]> {
  const plan = planIdentitySync(p.entities, await readMembership(p), p.now, p.maxBatch)
  for (const [index, batch] of plan.entries()) {
    p.beforeBatch?.(batch, index)
    if (batch.kind === 'remove') {
      await writeAndWait(p.clients, p.writer, { address: p.registry, abi: identityRegistryAbi, functionName: 'removeMembers', args: [batch.accounts] })
    } else {
      await writeAndWait(p.clients, p.writer, { address: p.registry, abi: identityRegistryAbi, functionName: 'addMembers', args: [batch.entityId, batch.accounts] })
    }
  }
  return plan
}
