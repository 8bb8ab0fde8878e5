import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { ComponentStatus } from './supervisor.js'

/** What runs where, written by `halo up` and read by `halo status` (atomic replace on every change). */
export type StackState = {
  pid: number
  startedAt: string
  status: 'booting' | 'up' | 'stopping' | 'stopped'
  stateDir: string
  /** speed: chain seconds per wall second; accelerated: `halo up` moves chain time (anvil started by it, speed > 1). */
  chain: { rpcUrl: string; anvilStartedByUs: boolean; chainId: number; speed?: number; accelerated?: boolean }
  synome: { url: string; backend: 'pglite' | 'postgresql'; dataDir: string | null }
  contracts: Record<string, string> | null
  timelock: { delaySeconds: string; note: string } | null
  components: ComponentStatus[]
  /** The read-only dashboard `halo up` serves beside the devnet. */
  dashboard?: { url: string } | null
  /** `halo up --ha`: the lease each beacon instance (component name = lease holder id) competes for. */
  ha?: { leases: Record<string, string> } | null
  /** The Primes `halo up` runs allocators for: Prime id → ALMProxy (their NFATs' depositor). */
  primes?: Record<string, string> | null
  /** The Portfolio Halo `halo up` deployed through the factory (Synome ids as ingested; units = their tokens). */
  portfolio?: { classId: string; bookId: string; haloClass: string; units: string[] } | null
}

export const DEFAULT_STATE_DIR = './data/devnet'
export const stateFilePath = (stateDir: string) => join(stateDir, 'state.json')

export function writeStackState(state: StackState): void {
  const path = stateFilePath(state.stateDir)
  writeFileSync(`${path}.tmp`, `${JSON.stringify(state, null, 2)}\n`)
  renameSync(`${path}.tmp`, path)
}

export function readStackState(stateDir: string): StackState | undefined {
  const path = stateFilePath(stateDir)
  if (!existsSync(path)) return undefined
  return JSON.parse(readFileSync(path, 'utf8')) as StackState
}
