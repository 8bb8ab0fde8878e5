/**
 * The crash-process harness the beacon process tests share: run `halo <args…>` as a real OS
 * process (optionally told to SIGKILL itself at an exact crash point, `HALO_CRASH_AT`,
 * src/beacons/shared/crashPoints.ts), and serve a test's Synome over HTTP to it.
 */
import { spawn } from 'node:child_process'
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
