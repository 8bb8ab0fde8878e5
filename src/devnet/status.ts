import { createPublicClient, http, type PublicClient } from 'viem'
import { createVerifyChain } from '../beacons/verify/chain.js'
import { runVerify } from '../beacons/verify/reconcile.js'
import { synomeReader } from '../beacons/verify/synomeReader.js'
import { createHttpClient } from '../synome/client/index.js'
import type { LeaseView } from '../synome/leases.js'
import { readStackState, type StackState } from './stateFile.js'
import { listAll } from '../beacons/shared/synomeReads.js'
import type { SleeveRecord } from '../synome/records.js'
import { PORTFOLIO_SETTLEMENT } from '../synome/commands/portfolio/records.js'

/**
 * `halo status`: what `halo up` wrote in its state file, checked live — is the stack process
 * alive, does the chain answer (height), does the Synome answer (log position), is each beacon
 * process alive (and lpla-verify's metrics endpoint serving), and which alerts lpla-verify's
 * rules raise right now.
 */
export type StackStatus = {
  healthy: boolean
  stack: { ok: boolean; pid: number | null; status: StackState['status'] | 'not-running'; startedAt: string | null; stateDir: string }
  /** time: the latest block's time (ISO); speed: chain seconds per wall second, accelerated: `halo up` moves it. */
  chain: { ok: boolean; rpcUrl: string | null; height: string | null; time: string | null; speed: number; accelerated: boolean; error?: string }
  synome: { ok: boolean; url: string | null; position: number | null; backend: string | null; error?: string }
  /** The read-only dashboard `halo up` serves (null: none recorded). */
  dashboard: { ok: boolean; url: string } | null
  components: Array<{ name: string; ok: boolean; pid: number | null; status: string; restarts: number; url?: string | undefined; logFile: string; lease?: ComponentLease | undefined }>
  alerts: Array<{ code: string; severity: string; entity: string; message: string }>
  /** Every sleeve the Synome holds (the Term Halo's lifecycle: CREATED → FILLING → OFFBOARDING → …). */
  sleeves: Array<{ sleeveId: string; haloClass: string; state: string; updatedAt: string }>
  /** lpha-lcts's settlements of the Portfolio units (LCTS generations locked and settled): how many, and the latest. */
  lcts: { settlements: number; latest: { id: string; unitId: string; epoch: string; settledAt: string; subscribed: string; redeemedShares: string } | null }
  contracts: Record<string, string> | null
  timelock: StackState['timelock']
}

const TIMEOUT_MS = 3_000

/** `halo up --ha`: an instance is the leader when the Synome says its lease is live and held by it; else standby. */
export type ComponentLease = { name: string; role: 'leader' | 'standby'; epoch: number | null; leader: string | null; takeovers: number }

export function componentLease(component: string, leaseName: string | undefined, leases: readonly LeaseView[]): ComponentLease | undefined {
  if (!leaseName) return undefined
  const lease = leases.find((l) => l.name === leaseName)
  const leader = lease?.live ? lease.holder : null
  return { name: leaseName, role: leader === component ? 'leader' : 'standby', epoch: lease?.epoch ?? null, leader, takeovers: lease?.takeovers ?? 0 }
}

export function pidAlive(pid: number | null | undefined): boolean {
  if (!pid) return false
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

async function reachable(url: string): Promise<boolean> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) })).ok
  } catch {
    return false
  }
}

export async function stackStatus(stateDir: string): Promise<StackStatus> {
  const state = readStackState(stateDir)
  if (!state) {
    return { healthy: false, stack: { ok: false, pid: null, status: 'not-running', startedAt: null, stateDir }, chain: { ok: false, rpcUrl: null, height: null, time: null, speed: 1, accelerated: false }, synome: { ok: false, url: null, position: null, backend: null }, dashboard: null, components: [], alerts: [], sleeves: [], lcts: { settlements: 0, latest: null }, contracts: null, timelock: null }
  }
  const stackOk = state.status === 'up' && pidAlive(state.pid)
  const stack = { ok: stackOk, pid: state.pid, status: state.status, startedAt: state.startedAt, stateDir: state.stateDir }

  const chain: StackStatus['chain'] = { ok: false, rpcUrl: state.chain.rpcUrl || null, height: null, time: null, speed: state.chain.speed ?? 1, accelerated: state.chain.accelerated ?? false }
  let now = new Date()
  // While booting, the chain (and then the Synome) may not have a URL yet.
  const publicClient = createPublicClient({ transport: http(state.chain.rpcUrl || 'http://127.0.0.1:0', { timeout: TIMEOUT_MS, retryCount: 0 }) }) as PublicClient
  if (!state.chain.rpcUrl) chain.error = 'not started yet'
  else {
    try {
      const block = await publicClient.getBlock({ blockTag: 'latest' })
      chain.height = block.number.toString()
      // lpla-verify's rules run at chain time, as on the stack (a devnet may move it: --speed)
      now = new Date(Number(block.timestamp) * 1000)
      chain.time = now.toISOString()
      chain.ok = true
    } catch (error) {
      chain.error = (error as Error).message.split('\n')[0]
    }
  }

  const synome: StackStatus['synome'] = { ok: false, url: state.synome.url || null, position: null, backend: state.synome.backend }
  if (!state.synome.url) synome.error = 'not started yet'
  else try {
    const response = await fetch(`${state.synome.url}/health`, { signal: AbortSignal.timeout(TIMEOUT_MS) })
    const body = (await response.json()) as { ok: boolean; head: { position: number } }
    synome.ok = response.ok && body.ok
    synome.position = body.head.position
  } catch (error) {
    synome.error = (error as Error).message
  }

  const leases: LeaseView[] = state.ha && synome.ok ? await createHttpClient({ url: state.synome.url, timeoutMs: TIMEOUT_MS }).leases().catch(() => []) : []
  const components = await Promise.all(
    state.components.map(async (c) => {
      const alive = c.status === 'running' && pidAlive(c.pid)
      const ok = alive && (c.url ? await reachable(c.url) : true)
      return { name: c.name, ok, pid: c.pid, status: c.status, restarts: c.restarts, url: c.url, logFile: c.logFile, lease: componentLease(c.name, state.ha?.leases[c.name], leases) }
    }),
  )

  let alerts: StackStatus['alerts'] = []
  let sleeves: StackStatus['sleeves'] = []
  const lcts: StackStatus['lcts'] = { settlements: 0, latest: null }
  if (synome.ok) {
    const reader = createHttpClient({ url: state.synome.url, timeoutMs: TIMEOUT_MS })
    type Settlement = { unitId: string; epoch: string; settledAt: string; subscribed: string; redeemedShares: string }
    const settlements = await listAll<Settlement>(reader, { type: PORTFOLIO_SETTLEMENT }).catch(() => [])
    lcts.settlements = settlements.length
    const latest = settlements.reduce<(typeof settlements)[number] | undefined>((a, b) => (!a || b.data.settledAt > a.data.settledAt ? b : a), undefined)
    if (latest) lcts.latest = { id: latest.id, unitId: latest.data.unitId, epoch: latest.data.epoch, settledAt: latest.data.settledAt, subscribed: latest.data.subscribed, redeemedShares: latest.data.redeemedShares }
    sleeves = (await listAll<SleeveRecord>(reader, { type: 'sleeve' }).catch(() => [])).map((r) => ({ sleeveId: r.id, haloClass: r.haloClass ?? r.data.haloClass, state: r.data.state, updatedAt: r.updatedAt }))
    const run = await runVerify({ reader: synomeReader(createHttpClient({ url: state.synome.url, timeoutMs: TIMEOUT_MS })), chain: chain.ok ? createVerifyChain(publicClient) : undefined, sources: { clients: { default: publicClient } }, now, primeAddresses: state.primes ?? {}, usdc: state.contracts?.usdc })
    alerts = (run.ok ? run.report.alerts : run.alerts).map((a) => ({ code: a.code, severity: a.severity, entity: `${a.entity.type}:${a.entity.id}`, message: a.message }))
  }
  const dashboard = state.dashboard ? { url: state.dashboard.url, ok: await reachable(`${state.dashboard.url}/api/head`) } : null
  const healthy = stackOk && chain.ok && synome.ok && components.length > 0 && components.every((c) => c.ok) && (dashboard?.ok ?? true)
  return { healthy, stack, chain, synome, dashboard, components, alerts, sleeves, lcts, contracts: state.contracts, timelock: state.timelock }
}

export function formatStatus(s: StackStatus): string {
  const mark = (ok: boolean) => (ok ? 'ok  ' : 'DOWN')
  const lines = [`halo stack: ${s.healthy ? 'healthy' : 'NOT healthy'} (${s.stack.status}${s.stack.pid ? `, pid ${s.stack.pid}` : ''}, state ${s.stack.stateDir})`]
  lines.push(`  ${mark(s.chain.ok)} chain       ${s.chain.rpcUrl ?? '-'}  height ${s.chain.height ?? '-'}  time ${s.chain.time ?? '-'} (${s.chain.accelerated ? `accelerated ×${s.chain.speed}` : 'not accelerated'})${s.chain.error ? `  (${s.chain.error})` : ''}`)
  lines.push(`  ${mark(s.synome.ok)} synome      ${s.synome.url ?? '-'}  position ${s.synome.position ?? '-'}  (${s.synome.backend ?? '-'})${s.synome.error ? `  (${s.synome.error})` : ''}`)
  if (s.dashboard) lines.push(`  ${mark(s.dashboard.ok)} dashboard   ${s.dashboard.url}`)
  for (const c of s.components) {
    const lease = c.lease ? `  ${c.lease.role} (lease ${c.lease.name} epoch ${c.lease.epoch ?? '-'}, ${c.lease.takeovers} takeover(s))` : ''
    lines.push(`  ${mark(c.ok)} ${c.name.padEnd(11)} pid ${c.pid ?? '-'}  ${c.status}, ${c.restarts} restart(s)${lease}${c.url ? `  ${c.url}` : ''}  log ${c.logFile}`)
  }
  if (s.timelock) lines.push(`  timelock delay ${s.timelock.delaySeconds} s (${s.timelock.note})`)
  for (const x of s.sleeves) lines.push(`  sleeve ${x.sleeveId} (${x.haloClass}) ${x.state}, updated ${x.updatedAt}`)
  if (s.lcts.latest) lines.push(`  LCTS settlements: ${s.lcts.settlements}; latest unit ${s.lcts.latest.unitId} epoch ${s.lcts.latest.epoch} at ${s.lcts.latest.settledAt}: subscribed ${s.lcts.latest.subscribed}, redeemed ${s.lcts.latest.redeemedShares} shares`)
  lines.push(s.alerts.length === 0 ? '  open alerts: none' : `  open alerts (${s.alerts.length}):`)
  for (const a of s.alerts) lines.push(`    ${a.severity} ${a.code} ${a.entity}: ${a.message}`)
  return lines.join('\n')
}
