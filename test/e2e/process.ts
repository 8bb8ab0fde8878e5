/**
 * lpha-nfat as a separate OS process (`halo beacon nfat --config … --once`), for the crash
 * tests: it shares the scenario's chain, its Synome (served over HTTP from the test process)
 * and its state directory, and can be told to SIGKILL itself at an exact crash point.
 */
import { spawn } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { createConnection, createServer, type AddressInfo, type Socket } from 'node:net'
import { join } from 'node:path'
import { serve } from '@hono/node-server'
import { toHex } from 'viem'
import { expect } from 'vitest'
import type { HDAccount } from 'viem/accounts'
import { projectRoot } from '../../src/chain/build.js'
import { formatUnitsExact } from '../../src/domain/money.js'
import { createSynomeApp } from '../../src/synome/http/app.js'
import { attestRules, type Scenario } from './harness.js'

const privateKeyOf = (account: HDAccount) => toHex(account.getHdKey().privateKey!)

export async function serveSynome(s: Scenario): Promise<{ url: string; close: () => Promise<void> }> {
  const app = createSynomeApp(s.synome)
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const srv = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(srv))
  })
  const { port } = server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) }
}

/** From here on `halo beacon nfat` processes do the beacon's work: the in-process beacon is
 * suspended and the scenario's Synome is served over HTTP to them. `release` undoes both. */
export async function handOverToProcess(s: Scenario): Promise<{ configFile: string; release: () => Promise<void> }> {
  s.suspendBeacon()
  const synome = await serveSynome(s)
  return {
    configFile: writeBeaconConfig(s, synome.url),
    release: async () => {
      await synome.close()
      s.restartBeacon()
    },
  }
}

/** `overrides` for an HA instance: its own config file and state dir, `ha`, a short interval. */
export function writeBeaconConfig(s: Scenario, synomeUrl: string, overrides: { name?: string; ha?: Record<string, unknown>; intervalSeconds?: number } = {}): string {
  const { config, world, devnet } = s
  const file = join(s.dir, `${overrides.name ?? 'lpha-nfat'}.json`)
  const stateDir = overrides.name ? join(s.dir, overrides.name) : s.dir
  mkdirSync(stateDir, { recursive: true })
  const json = {
    haloClass: config.haloClass,
    rpcUrl: devnet.rpcUrl,
    privateKey: privateKeyOf(devnet.accounts.relayer),
    synome: { url: synomeUrl },
    chain: { facility: world.facility, controller: world.pau.controller, rateLimits: world.pau.rateLimits, almProxy: world.almProxy, usdc: s.usdc, offRamp: s.offRamp, fromBlock: '0', finalityDepth: 0 },
    stateDir,
    policy: {
      sleeveIdPrefix: config.sleeveIdPrefix,
      firstSleeveNumber: config.firstSleeveNumber,
      pipeline: config.pipeline.map((d) => ({ name: d.name, amount: formatUnitsExact(d.amount, 18) })),
      minUnits: config.minUnits,
      maxFillWaitSeconds: config.maxFillWaitSeconds,
      minUnitAmount: formatUnitsExact(config.minUnitAmount, 18),
      splitDepositorQueue: config.splitDepositorQueue,
      maxUnitShareBps: config.maxUnitShareBps,
    },
    dealTerms: config.dealTerms,
    primes: config.primes,
    offRampDestination: config.offRampDestination,
    receiptTimeoutSeconds: config.receiptTimeoutSeconds,
    bank: { kind: 'simulator', receiptDelaySeconds: 20 * 3600, onRampPrivateKey: privateKeyOf(devnet.accounts.deployer) },
    clock: { chainOffsetSeconds: s.chainOffsetSeconds },
    ...(overrides.ha ? { ha: overrides.ha } : {}),
    ...(overrides.intervalSeconds ? { intervalSeconds: overrides.intervalSeconds } : {}),
  }
  writeFileSync(file, JSON.stringify(json, null, 2))
  return file
}

/** lpha-attest (rule mode) as a process: the scenario's attestor key, Synome and registry, its own state dir. */
export function writeAttestConfig(s: Scenario, synomeUrl: string): string {
  const file = join(s.dir, 'lpha-attest.json')
  const json = {
    haloClass: s.config.haloClass,
    privateKey: privateKeyOf(s.devnet.accounts.attestor),
    synome: { url: synomeUrl },
    idPrefix: 'att-',
    firstNumber: 101,
    rules: attestRules,
    clock: { rpcUrl: s.devnet.rpcUrl, chainOffsetSeconds: s.chainOffsetSeconds },
    onChain: { rpcUrl: s.devnet.rpcUrl, registry: s.attestationRegistry, stateDir: join(s.dir, 'lpha-attest'), finalityDepth: 0 },
  }
  writeFileSync(file, JSON.stringify(json, null, 2))
  return file
}

export type BeaconRun = { code: number | null; signal: NodeJS.Signals | null; stderr: string }

/** Run one tick of `halo beacon <beacon>` in a child process; `crashAt` makes it SIGKILL itself at that crash point. */
export function runBeaconProcess(configFile: string, crashAt?: string, beacon: 'nfat' | 'attest' = 'nfat'): Promise<BeaconRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(projectRoot, 'bin/halo.mjs'), 'beacon', beacon, '--config', configFile, '--once'], {
      cwd: projectRoot,
      env: { ...process.env, HALO_CRASH_AT: crashAt ?? '', LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-8_000)
    })
    // Bounded: a stuck child is killed rather than hanging the suite.
    const timer = setTimeout(() => child.kill('SIGKILL'), 45_000)
    child.once('error', reject)
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, stderr })
    })
  })
}

/**
 * Each restart is a fresh `halo` process (Node + tsx + the CLI: ~3 s on an idle 2-core box,
 * far more when the machine is shared), so a crash test with six restarts gets more than the
 * default 60 s.
 */
export const CRASH_TEST_TIMEOUT_MS = 240_000

/** The run died by its own SIGKILL at the crash point. */
export function expectKilled(run: BeaconRun): void {
  expect({ signal: run.signal, stderr: run.stderr }).toEqual({ signal: 'SIGKILL', stderr: expect.stringContaining('SIGKILL') })
}

/** The run finished its tick normally, with nothing on stderr. */
export function expectClean(run: BeaconRun): void {
  expect({ code: run.code, signal: run.signal, stderr: run.stderr }).toEqual({ code: 0, signal: null, stderr: '' })
}

/** A TCP proxy in front of the Synome: `cut()` closes it and every connection through it (a partition). */
export async function tcpProxy(targetUrl: string): Promise<{ url: string; cut: () => Promise<void> }> {
  const target = new URL(targetUrl)
  const sockets = new Set<Socket>()
  const server = createServer((client) => {
    const upstream = createConnection({ host: target.hostname, port: Number(target.port) })
    for (const s of [client, upstream]) {
      sockets.add(s)
      s.on('error', () => s.destroy())
      s.on('close', () => sockets.delete(s))
    }
    client.pipe(upstream).pipe(client)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    cut: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      for (const socket of sockets) socket.destroy()
      await closed
    },
  }
}
