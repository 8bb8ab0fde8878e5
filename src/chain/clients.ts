import { createPublicClient, createWalletClient, defineChain, http, type Account, type Address, type Chain, type Transport, type WalletClient } from 'viem'
import type { ChainClients } from './devnet.js'

/** The chain behind an RPC URL, identified by its chain id (any EVM chain, not only anvil). */
export async function chainFor(rpcUrl: string): Promise<Chain> {
  const probe = createPublicClient({ transport: http(rpcUrl, { retryCount: 2 }) })
  const id = await probe.getChainId()
  return defineChain({ id, name: `chain-${id}`, nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 }, rpcUrls: { default: { http: [rpcUrl] } } })
}

/** Read and write clients for a CLI command against `rpcUrl`. */
export async function chainClientsFor(rpcUrl: string): Promise<ChainClients> {
  const chain = await chainFor(rpcUrl)
  const transport = http(rpcUrl, { retryCount: 2 })
  const publicClient = createPublicClient({ chain, transport, pollingInterval: 250 })
  const wallets = new Map<Address, WalletClient<Transport, Chain, Account>>()
  const walletFor = (account: Account) => {
    const existing = wallets.get(account.address) ?? createWalletClient({ chain, transport, account })
    wallets.set(account.address, existing)
    return existing
  }
  return { publicClient, walletFor }
}
