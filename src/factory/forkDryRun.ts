/**
 * The Day-0 dry runs' fork (src/factory/day0.ts, day0Portfolio.ts): an anvil `--fork-url` of the
 * chain's current state, impersonated accounts, the dry-run depositor's USDS. Nothing touches the
 * real chain; the fork is stopped when `run` returns or throws.
 */
import type { Account, Address } from 'viem'
import { usdsAbi } from '../chain/generated/index.js'
import { devnetClients, startAnvil, writeAndWait, type DevnetClients } from '../chain/devnet.js'

export const DRY_RUN_DEPOSITOR = '0x00000000000000000000000000000000da70da70' as const

export type Fork = { clients: DevnetClients; as: (address: Address) => Promise<Account> }

export async function onFork<T>(rpcUrl: string, run: (fork: Fork) => Promise<T>): Promise<T> {
  const anvil = await startAnvil({ forkUrl: rpcUrl })
  try {
    const clients = devnetClients(anvil)
    await clients.testClient.mine({ blocks: 1 }) // the fork's first own block: its clock runs on from the forked head
    const as = async (address: Address): Promise<Account> => {
      await clients.testClient.impersonateAccount({ address })
      await clients.testClient.setBalance({ address, value: 10n ** 20n })
      return { address, type: 'json-rpc' } as Account
    }
    return await run({ clients, as })
  } finally {
    await anvil.stop()
  }
}

/** USDS for the depositor: from `holder` when given, else the (devnet) USDS owner mints it. */
export async function fundDepositor(fork: Fork, usds: Address, amount: bigint, holder: Address | undefined) {
  const { clients, as } = fork
  if (holder) {
    await writeAndWait(clients, await as(holder), { address: usds, abi: usdsAbi, functionName: 'transfer', args: [DRY_RUN_DEPOSITOR, amount] })
    return
  }
  const owner = await clients.publicClient.readContract({ address: usds, abi: usdsAbi, functionName: 'owner' })
  await writeAndWait(clients, await as(owner), { address: usds, abi: usdsAbi, functionName: 'mint', args: [DRY_RUN_DEPOSITOR, amount] })
}

/** A revert's error name, else the shortest message viem has. */
export function shortReason(error: unknown): string {
  const e = error as { shortMessage?: string; message?: string; cause?: { shortMessage?: string; data?: { errorName?: string } } }
  const name = (e.cause as { data?: { errorName?: string } } | undefined)?.data?.errorName
  return name ?? e.shortMessage ?? e.message ?? String(error)
}
