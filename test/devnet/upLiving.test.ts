import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { StackState } from '../../src/devnet/stateFile.js'
import { stackStatus, type StackStatus } from '../../src/devnet/status.js'
import { stopStackAndExpectNothingLeft } from './support.js'

/**
 * Issue 16 "Done when": `halo up` (= `npm start`) as a user runs it, on its defaults (accelerated
 * chain time, the three Primes' allocators, the Portfolio Halo with lpha-lcts). Within 90 s of
 * boot `halo status --json` shows every component healthy, a sleeve past FILLING and an LCTS
 * settlement; Ctrl-C (SIGINT) leaves no process and no port behind.
 */
const stateDir = mkdtempSync(join(tmpdir(), 'halo-up-living-'))
let up: ChildProcess | undefined
let output = ''
const state = () => JSON.parse(readFileSync(join(stateDir, 'state.json'), 'utf8')) as StackState

afterAll(() => {
  if (up && up.exitCode === null) up.kill('SIGKILL')
  rmSync(stateDir, { recursive: true, force: true })
})

const PAST_FILLING = ['OFFBOARDING', 'DEPLOYING', 'AT_REST', 'UNWINDING', 'CLOSED']

describe('npm start shows the system working', () => {
  it('within 90 s of boot: every component healthy, a sleeve past FILLING, an LCTS settlement; SIGINT leaves nothing running', async () => {
    const bootedAt = Date.now()
    up = spawn(process.execPath, ['bin/halo.mjs', 'up', '--state-dir', stateDir, '--synome-port', '0', '--dashboard-port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] })
    up.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    up.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    let status: StackStatus | undefined
    while (Date.now() - bootedAt < 90_000) {
      status = await stackStatus(stateDir).catch(() => undefined)
      if (status?.healthy && status.sleeves.some((s) => PAST_FILLING.includes(s.state)) && status.lcts.settlements > 0) break
      await new Promise((r) => setTimeout(r, 1_000))
    }
    const seconds = (Date.now() - bootedAt) / 1000
    console.log(`halo up: healthy with a sleeve past FILLING and an LCTS settlement ${seconds.toFixed(1)} s after boot`)
    expect(status?.healthy, output).toBe(true)
    expect(status!.components.map((c) => c.name)).toEqual(['lpha-nfat', 'lpha-attest', 'lpla-verify', 'lpha-lcts', 'allocator-spark', 'allocator-grove', 'allocator-keel'])
    expect(status!.sleeves.map((s) => s.state).some((x) => PAST_FILLING.includes(x)), JSON.stringify(status!.sleeves)).toBe(true)
    expect(status!.lcts.settlements).toBeGreaterThan(0)
    expect(status!.chain).toMatchObject({ speed: 8640, accelerated: true })
    expect(seconds).toBeLessThan(90)
    expect(output).toContain('accelerated ×8640')

    // The CLI a user runs says the same.
    const { execFile } = await import('node:child_process')
    const cli = await new Promise<string>((resolve) => execFile(process.execPath, ['bin/halo.mjs', 'status', '--state-dir', stateDir, '--json'], { encoding: 'utf8' }, (_e, stdout) => resolve(stdout)))
    const viaCli = JSON.parse(cli) as StackStatus
    expect(viaCli.healthy).toBe(true)
    expect(viaCli.lcts.latest).not.toBeNull()

    await stopStackAndExpectNothingLeft(up!, stateDir, () => output)
  }, 120_000)
})
