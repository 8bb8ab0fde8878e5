import { spawn, execFile, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { defineChain } from 'viem'
import { foundry } from 'viem/chains'
import { devnetAccounts, devnetClients, writeAndWait } from '../../src/chain/devnet.js'
import { nfatFacilityAbi, usdsAbi } from '../../src/chain/generated/index.js'
import { parseUnitsExact } from '../../src/domain/money.js'
import type { StackState } from '../../src/devnet/stateFile.js'
import { stackStatus, type StackStatus } from '../../src/devnet/status.js'
import type { ScenarioOutcome } from '../../src/devnet/runScenario.js'
import { stopStackAndExpectNothingLeft } from './support.js'

/**
 * `npm start` as a user runs it: `halo up` as a child process, `halo status --json` until
 * healthy, a crashed beacon restarted, `halo demo` against the running chain, Ctrl-C (SIGINT),
 * and afterwards no process and no port of the stack left.
 */
const run = promisify(execFile)
const stateDir = mkdtempSync(join(tmpdir(), 'halo-up-'))
let up: ChildProcess | undefined
let output = ''

const halo = (...args: string[]) => run(process.execPath, ['bin/halo.mjs', ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
const state = () => JSON.parse(readFileSync(join(stateDir, 'state.json'), 'utf8')) as StackState
async function status(): Promise<StackStatus> {
  try {
    return JSON.parse((await halo('status', '--state-dir', stateDir, '--json')).stdout) as StackStatus
  } catch (error) {
    return JSON.parse((error as { stdout: string }).stdout) as StackStatus
  }
}
async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const value = await probe()
    if (value !== undefined) return value
    await new Promise((r) => setTimeout(r, 500))
  }
  throw new Error(`timed out waiting for ${what}\n${output}`)
}

afterAll(() => {
  if (up && up.exitCode === null) up.kill('SIGKILL')
  rmSync(stateDir, { recursive: true, force: true })
})

describe('halo up → status → demo → Ctrl-C', () => {
  it('boots everything on loopback and reports it healthy', async () => {
    up = spawn(process.execPath, ['bin/halo.mjs', 'up', '--state-dir', stateDir, '--synome-port', '0', '--dashboard-port', '0', '--interval', '1', '--speed', '1', '--no-primes'], { stdio: ['ignore', 'pipe', 'pipe'] })
    up.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    up.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    // Poll in-process (cheap), then confirm through the CLI a user would run.
    await until('a healthy stack', async () => ((await stackStatus(stateDir)).healthy ? true : undefined), 120_000)
    const healthy = await status()
    expect(healthy.healthy).toBe(true)
    expect(healthy.components.map((c) => c.name)).toEqual(['lpha-nfat', 'lpha-attest', 'lpla-verify'])
    expect(healthy.synome).toMatchObject({ ok: true, backend: 'pglite' })
    expect(healthy.synome.position).toBeGreaterThanOrEqual(3) // roles, halo class, risk framework
    expect(healthy.timelock).toEqual({ delaySeconds: '60', note: 'shortened for the devnet; production 14 days' })
    expect(Number(healthy.chain.height)).toBeGreaterThan(0)
    for (const url of [healthy.chain.rpcUrl!, healthy.synome.url!]) expect(new URL(url).hostname).toBe('127.0.0.1')
    // What runs where was printed.
    expect(output).toContain('Term Halo devnet is up')
    expect(output).toMatch(/lpha-nfat +pid \d+/)
    // The dashboard is served beside it, reading the same Synome; deep links load the app.
    const dashboard = state().dashboard!.url
    expect(healthy.dashboard).toEqual({ ok: true, url: dashboard })
    expect(output).toContain(`dashboard    ${dashboard}`)
    expect(new URL(dashboard).hostname).toBe('127.0.0.1')
    const [head, synomeHead] = await Promise.all([fetch(`${dashboard}/api/head`).then((r) => r.json()), fetch(`${healthy.synome.url}/head`).then((r) => r.json())])
    expect(head).toEqual(synomeHead)
    const page = await fetch(`${dashboard}/sleeves/sleeve-7`)
    expect(page.headers.get('content-type')).toContain('text/html')
    expect(await page.text()).toContain('<div id="root"></div>')
  }, 150_000)

  it('restarts a crashed beacon and logs the restart', async () => {
    const before = state().components.find((c) => c.name === 'lpha-attest')!
    process.kill(before.pid!, 'SIGKILL')
    const after = await until('lpha-attest restarted', async () => {
      const c = state().components.find((x) => x.name === 'lpha-attest')!
      return c.status === 'running' && c.pid !== before.pid ? c : undefined
    }, 20_000)
    expect(after.restarts).toBe(1)
    expect(output).toMatch(/lpha-attest exited \(code null, signal SIGKILL\); restart 1/)
  }, 30_000)

  it('the supervised lpha-nfat sweeps a Prime\'s deposit: 30M queued → NFAT #42 in sleeve-7 in the Synome', async () => {
    const s = state()
    const clients = devnetClients({ rpcUrl: s.chain.rpcUrl, chain: defineChain({ ...foundry, rpcUrls: { default: { http: [s.chain.rpcUrl] } } }) })
    const { deployer, alice: prime } = devnetAccounts()
    const amount = parseUnitsExact('30000000', 18)
    const usds = s.contracts!.usds as `0x${string}`
    const facility = s.contracts!.facility as `0x${string}`
    await writeAndWait(clients, deployer, { address: usds, abi: usdsAbi, functionName: 'mint', args: [prime.address, amount] })
    await writeAndWait(clients, prime, { address: usds, abi: usdsAbi, functionName: 'approve', args: [facility, amount] })
    await writeAndWait(clients, prime, { address: facility, abi: nfatFacilityAbi, functionName: 'deposit', args: [amount] })
    const unit = await until('NFAT #42 recorded by lpha-nfat', async () => {
      const response = await fetch(`${s.synome.url}/entities/unit/42`)
      return response.ok ? ((await response.json()) as { data: { sleeveId: string; principal: string } }).data : undefined
    }, 30_000)
    expect(unit).toMatchObject({ sleeveId: 'sleeve-7', principal: '30000000' })
  }, 40_000)

  it('halo demo --rpc-url against the running chain reports the seed figures: 78.75M returned; 31.5M / 26.25M / 21.0M repaid', async () => {
    const { stdout } = await halo('demo', '--rpc-url', state().chain.rpcUrl, '--json')
    const outcome = JSON.parse(stdout) as ScenarioOutcome
    expect(outcome.sleeves).toMatchObject([{ sleeveId: 'sleeve-7', state: 'CLOSED', returnedUsd: '78750000', attestations: ['att-101', 'att-102', 'att-103'] }])
    expect(outcome.repayments.map((r) => [r.unitId, r.prime, r.paid])).toEqual([
      [42, 'spark', '31500000'],
      [43, 'grove', '26250000'],
      [44, 'keel', '21000000'],
    ])
    const transitions = outcome.timeline.flatMap((e) => (e.kind === 'synome' && e.command === 'transitionSleeve' ? [(e.payload as { to: string }).to] : []))
    expect(transitions).toEqual(['OFFBOARDING', 'DEPLOYING', 'AT_REST', 'UNWINDING', 'CLOSED'])
    // The seed's story, step by step, from the timeline.
    const synome = outcome.timeline.flatMap((e) => (e.kind === 'synome' ? [e] : []))
    const sweeps = synome.filter((e) => e.command === 'sweepUnit').map((e) => (e.payload as { unit: { unitId: number; principal: string; depositorPrime: string } }).unit)
    expect(sweeps.map((u) => [u.unitId, u.depositorPrime, u.principal])).toEqual([
      [42, 'spark', '30000000'],
      [43, 'grove', '25000000'],
      [44, 'keel', '20000000'],
    ])
    const index = (predicate: (e: (typeof synome)[number]) => boolean) => synome.findIndex(predicate)
    const att101 = index((e) => e.command === 'postAttestation' && (e.payload as { type: string }).type === 'PRE_DEPLOYMENT')
    const inTransit = index((e) => e.command === 'updateSleeveAssets' && JSON.stringify(e.payload).includes('"in-transit"'))
    expect(att101).toBeGreaterThan(-1)
    expect(inTransit).toBeGreaterThan(att101) // nothing leaves the chain before the pre-deployment attestation
    expect(outcome.timeline).toContainEqual(expect.objectContaining({ kind: 'bank', day: 180, amountUsd: '78750000' }))
    for (const e of outcome.timeline) expect(e.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
    expect(outcome.alerts).toEqual([])
    expect((await status()).healthy).toBe(true) // the demo left the stack running and healthy
  }, 150_000)

  it('SIGINT stops everything: no child process, no port left', async () => {
    await stopStackAndExpectNothingLeft(up!, stateDir, () => output)
    expect((await status()).healthy).toBe(false)
  }, 30_000)
})
