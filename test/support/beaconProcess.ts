/**
 * The crash-process harness the beacon process tests share: run `halo <args…>` as a real OS
 * process (optionally told to SIGKILL itself at an exact crash point, `HALO_CRASH_AT`,
 * src/beacons/shared/crashPoints.ts), and serve a test's Synome over HTTP to it.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { serve } from '@hono/node-server'
import { expect } from 'vitest'
import { projectRoot } from '../../src/chain/build.js'
import { createSynomeApp } from '../../src/synome/http/app.js'
import type { SynomeService } from '../../src/synome/service.js'

export type ProcessRun = { code: number | null; signal: NodeJS.Signals | null; stderr: string }

/** `halo …args` with HALO_CRASH_AT=`crashAt` (empty: no crash), silent logs, killed after `timeoutMs`. */
export function runHaloProcess(args: readonly string[], options: { crashAt?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<ProcessRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(projectRoot, 'bin/halo.mjs'), ...args], {
      cwd: projectRoot,
      env: { ...process.env, HALO_CRASH_AT: options.crashAt ?? '', LOG_LEVEL: 'silent', ...options.env },
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-8_000)))
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000)
    child.once('error', reject)
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, stderr })
    })
  })
}

/** The run died by its own SIGKILL at `point` (`<name>#<n>`). */
export const expectKilledAt = (run: ProcessRun, point: string) =>
  expect({ signal: run.signal, stderr: run.stderr }).toEqual({ signal: 'SIGKILL', stderr: expect.stringContaining(`crash-point ${point}: SIGKILL`) })

/** The run exited 0 and wrote nothing to stderr. */
export const expectClean = (run: ProcessRun) => expect({ code: run.code, signal: run.signal, stderr: run.stderr }).toEqual({ code: 0, signal: null, stderr: '' })

/** Serve `synome` over HTTP on a free local port. */
export async function serveSynomeHttp(synome: SynomeService): Promise<{ url: string; close: () => Promise<void> }> {
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const srv = serve({ fetch: createSynomeApp(synome).fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(srv))
  })
  const { port } = server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) }
}

/** A long-running `halo beacon <beacon>` (no --once): its output kept for assertions, stopped by signal. */
export type BeaconProcess = {
  child: ChildProcess
  /** stdout (pino JSON lines) and stderr, the last 64 KB of each. */
  output(): string
  /** A place in the output; `outputSince(mark())` is what came after it (stdout, then stderr). */
  mark(): { out: number; err: number }
  outputSince(mark: { out: number; err: number }): string
  /** Resolves once `pattern` shows in the output (bounded by `timeoutMs`). */
  waitFor(pattern: string | RegExp, timeoutMs?: number): Promise<void>
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  kill(signal: NodeJS.Signals): void
}

/** `args`: more of the beacon's flags (the allocator's `--prime`). */
export function startBeaconProcess(beacon: string, configFile: string, env: Record<string, string> = {}, args: readonly string[] = []): BeaconProcess {
  const child = spawn(process.execPath, [join(projectRoot, 'bin/halo.mjs'), 'beacon', beacon, ...args, '--config', configFile], {
    cwd: projectRoot,
    env: { ...process.env, HALO_CRASH_AT: '', HALO_PAUSE_AT: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  let err = ''
  // characters ever received on each stream (the kept text is the last 64 KB of them)
  const total = { out: 0, err: 0 }
  child.stdout!.on('data', (chunk: Buffer) => {
    const text = chunk.toString()
    total.out += text.length
    out = (out + text).slice(-65_536)
  })
  child.stderr!.on('data', (chunk: Buffer) => {
    const text = chunk.toString()
    total.err += text.length
    err = (err + text).slice(-65_536)
  })
  const since = (kept: string, received: number, at: number) => kept.slice(Math.max(0, kept.length - (received - at)))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })))
  const output = () => `${out}\n${err}`
  return {
    child,
    output,
    mark: () => ({ ...total }),
    outputSince: (m) => `${since(out, total.out, m.out)}\n${since(err, total.err, m.err)}`,
    exited,
    kill: (signal) => void child.kill(signal),
    async waitFor(pattern, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs
      const matches = () => (typeof pattern === 'string' ? output().includes(pattern) : pattern.test(output()))
      while (!matches()) {
        if (Date.now() > deadline) throw new Error(`beacon output never showed ${String(pattern)}; last output:\n${output().slice(-3_000)}`)
        if (child.exitCode !== null || child.signalCode !== null) throw new Error(`beacon exited (${child.exitCode ?? child.signalCode}) before ${String(pattern)}:\n${output().slice(-3_000)}`)
        await new Promise((r) => setTimeout(r, 100))
      }
    },
  }
}
