import { createPublicClient, createTestClient, createWalletClient, defineChain, http, type Account, type Address, type Chain, type Transport, type WalletClient } from 'viem'
import { foundry } from 'viem/chains'
import type { DevnetClients } from '../chain/devnet.js'

/**
 * Wall time during which at least one JSON-RPC request was in flight: "waiting on the chain".
 * Overlapping requests count once (an interval union), so the share is meaningful next to the
 * total wall time.
 */
export class RpcWaitMeter {
  #inFlight = 0
  #since = 0
  #busyMs = 0
  requests = 0
  start() {
    this.requests++
    if (this.#inFlight++ === 0) this.#since = performance.now()
  }
  end() {
    if (--this.#inFlight === 0) this.#busyMs += performance.now() - this.#since
  }
  get busyMs() {
    return this.#busyMs + (this.#inFlight > 0 ? performance.now() - this.#since : 0)
  }
}

/** Devnet clients for an anvil-compatible RPC, every request measured by `meter`. */
export function meteredDevnetClients(rpcUrl: string, meter: RpcWaitMeter): DevnetClients {
  const chain: Chain = defineChain({ ...foundry, rpcUrls: { default: { http: [rpcUrl] } } })
  const transport = http(rpcUrl, { retryCount: 0, onFetchRequest: () => meter.start(), onFetchResponse: () => meter.end() })
  const publicClient = createPublicClient({ chain, transport, pollingInterval: 50 })
  const testClient = createTestClient({ chain, transport, mode: 'anvil' })
  const wallets = new Map<Address, WalletClient<Transport, Chain, Account>>()
  const walletFor = (account: Account) => {
    const existing = wallets.get(account.address)
    if (existing) return existing
    const wallet = createWalletClient({ chain, transport, account })
    wallets.set(account.address, wallet)
    return wallet
  }
  return { publicClient, testClient, walletFor }
}
