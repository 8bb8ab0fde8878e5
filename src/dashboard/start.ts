import { createPublicClient, http, type PublicClient } from 'viem'
import { createVerifyChain } from '../beacons/verify/chain.js'
import type { SynomeTransport } from '../synome/client/types.js'
import { buildDashboard } from './build.js'
import { createDashboardChain, type DashboardContracts } from './chain.js'
import { startDashboardServer } from './server.js'

export type StartDashboardParameters = {
  synome: Pick<SynomeTransport, 'get' | 'list' | 'history' | 'events' | 'head'>
  /** Without an RPC the chain columns say so; nothing else changes. */
  rpcUrl?: string | undefined
  /** Or a client (tests, and `halo up`, which already has one). */
  publicClient?: PublicClient | undefined
  contracts?: DashboardContracts | undefined
  primeAddresses?: Readonly<Record<string, string>> | undefined
  usdc?: string | undefined
  synomeChainId?: number | undefined
  /** First block scanned for rate-limit keys and timelock operations (default 0). */
  fromBlock?: bigint | undefined
  port?: number | undefined
  hostname?: string | undefined
  /** The time the risk and Portfolio views are evaluated at (`halo up`: the accelerated chain clock). */
  clock?: (() => Date) | undefined
  snapshotMaxAgeMs?: number | undefined
  log?: ((line: string) => void) | undefined
  logError?: ((error: unknown) => void) | undefined
}

/** Build the web app if its sources changed (cached), then serve it with the read API. */
export async function startDashboard(p: StartDashboardParameters) {
  const built = await buildDashboard({ log: p.log })
  const publicClient = p.publicClient ?? (p.rpcUrl ? (createPublicClient({ transport: http(p.rpcUrl, { timeout: 10_000, retryCount: 1 }) }) as PublicClient) : undefined)
  const server = await startDashboardServer({
    staticDir: built.dir,
    synome: p.synome,
    chain: publicClient ? createDashboardChain(publicClient, { fromBlock: p.fromBlock }) : undefined,
    contracts: p.contracts,
    primeAddresses: p.primeAddresses,
    synomeChainId: p.synomeChainId,
    port: p.port,
    hostname: p.hostname,
    logError: p.logError,
    clock: p.clock,
    snapshot: {
      sources: { clients: { default: publicClient } },
      verifyChain: publicClient ? createVerifyChain(publicClient) : undefined,
      primeAddresses: p.primeAddresses,
      usdc: p.usdc ?? p.contracts?.usdc,
      clock: p.clock,
      maxAgeMs: p.snapshotMaxAgeMs,
    },
  })
  return { ...server, build: built }
}

/** The addresses the dashboard reads, from a devnet state file's `contracts` (halo up). */
export function contractsFromStackState(contracts: Record<string, string> | null | undefined): DashboardContracts {
  if (!contracts) return {}
  return { ...contracts, pau: contracts.almProxy }
}
