import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { pidAlive, stackStatus, type StackStatus } from '../../src/devnet/status.js'

/**
 * `halo up --ha`: two instances of lpha-nfat and lpha-attest, `halo status` shows one leader
 * and one standby of each; SIGKILL of the acting lpha-nfat hands the lease to the other
 * (epoch 2, one takeover) while the supervisor restarts the killed one as the standby.
 */
const stateDir = mkdtempSync(join(tmpdir(), 'halo-up-ha-'))
let up: ChildProcess | undefined
let output = ''

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const value = await probe()
    if (value !== undefined) return value
    await new Promise((r) => setTimeout(r, 250))
  }
  throw new Error(`timed out waiting for ${what}\n${output.slice(-4_000)}`)
}
const roles = (s: StackStatus, beacon: string) => s.components.filter((c) => c.name.startsWith(`${beacon}#`)).map((c) => c.lease?.role).sort()

afterAll(async () => {
  if (up && up.exitCode === null) {
    const exited = new Promise((resolve) => up!.once('exit', resolve))
    up.kill('SIGINT')
    await exited
  }
  rmSync(stateDir, { recursive: true, force: true })
})

describe('halo up --ha', () => {
  it('runs two instances of each writing beacon, one leader and one standby, and fails the lease over on SIGKILL', async () => {
    up = spawn(process.execPath, ['bin/halo.mjs', 'up', '--ha', '--state-dir', stateDir, '--synome-port', '0', '--dashboard-port', '0', '--interval', '1', '--speed', '1', '--no-primes'], { stdio: ['ignore', 'pipe', 'pipe'] })
    up.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    up.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    const healthy = await until('a healthy stack with both leases held', async () => {
      const s = await stackStatus(stateDir)
      return s.healthy && roles(s, 'lpha-nfat').join() === 'leader,standby' && roles(s, 'lpha-attest').join() === 'leader,standby' ? s : undefined
    }, 150_000)
    expect(healthy.components.map((c) => c.name)).toEqual(['lpha-nfat#1', 'lpha-attest#1', 'lpha-nfat#2', 'lpha-attest#2', 'lpla-verify'])
    const leader = healthy.components.find((c) => c.name.startsWith('lpha-nfat#') && c.lease?.role === 'leader')!
    expect(leader.lease).toMatchObject({ name: 'lpha-nfat:facility-A', epoch: 1, leader: leader.name, takeovers: 0 })

    process.kill(leader.pid!, 'SIGKILL')
    // The lease lapses after the TTL; the standby or the supervisor's restart of the killed
    // instance (same holder name) takes it, whichever asks first: either way under a new epoch.
    const after = await until('a new epoch of the lpha-nfat lease', async () => {
      const s = await stackStatus(stateDir)
      const now = s.components.find((c) => c.name.startsWith('lpha-nfat#') && c.lease?.role === 'leader')
      return now && (now.lease?.epoch ?? 0) >= 2 && roles(s, 'lpha-nfat').sort().join() === 'leader,standby' ? s : undefined
    }, 60_000)
    const newLeader = after.components.find((c) => c.name.startsWith('lpha-nfat#') && c.lease?.role === 'leader')!
    expect(newLeader.lease).toMatchObject({ name: 'lpha-nfat:facility-A', epoch: 2 })
    expect(pidAlive(leader.pid)).toBe(false)
  }, 200_000)
})
