import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { pidAlive, stackStatus, type StackStatus } from '../../src/devnet/status.js'

/**
 * `halo up --ha` (with the Primes, so the Portfolio book's lpha-lcts and the three allocators
 * run too): two instances of every writing beacon — lpha-nfat, lpha-attest, lpha-lcts and each
 * Prime's allocator — and `halo status` shows one leader and one standby of each (lpla-verify
 * writes nothing and runs once); SIGKILL of the acting lpha-nfat hands the lease to the other
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
/** The doubled beacons (component name before `#1`/`#2`) and their leases. */
const DOUBLED: Record<string, string> = {
  'lpha-nfat': 'lpha-nfat:facility-A',
  'lpha-attest': 'lpha-attest:facility-A',
  'lpha-lcts': 'lpha-lcts:',
  'allocator-spark': 'allocator:spark',
  'allocator-grove': 'allocator:grove',
  'allocator-keel': 'allocator:keel',
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
    up = spawn(process.execPath, ['bin/halo.mjs', 'up', '--ha', '--state-dir', stateDir, '--synome-port', '0', '--dashboard-port', '0', '--interval', '1', '--speed', '1'], { stdio: ['ignore', 'pipe', 'pipe'] })
    up.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    up.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    const healthy = await until('a healthy stack with both leases held', async () => {
      // a status read may time out while the boot keeps the Synome busy (as in upLiving.test.ts)
      const s = await stackStatus(stateDir).catch(() => undefined)
      return s?.healthy && Object.keys(DOUBLED).every((b) => roles(s, b).join() === 'leader,standby') ? s : undefined
    }, 150_000)
    const pairs = Object.keys(DOUBLED).flatMap((b) => [`${b}#1`, `${b}#2`])
    expect(healthy.components.map((c) => c.name).sort()).toEqual([...pairs, 'lpla-verify'].sort())
    expect(healthy.components.find((c) => c.name === 'lpla-verify')!.lease).toBeUndefined()
    for (const [beacon, lease] of Object.entries(DOUBLED)) {
      const pair = healthy.components.filter((c) => c.name.startsWith(`${beacon}#`))
      const leaderOf = pair.find((c) => c.lease?.role === 'leader')!
      // both name the same lease and the same leader, which is one of the two
      for (const c of pair) expect(c.lease, c.name).toMatchObject({ name: expect.stringContaining(lease), epoch: 1, leader: leaderOf.name, takeovers: 0 })
    }
    // what a user sees: `halo status` prints each doubled beacon's two lines, one leader and one standby
    const text = await until('`halo status` with every pair', async () => {
      const stdout = await new Promise<string>((resolve) => execFile(process.execPath, ['bin/halo.mjs', 'status', '--state-dir', stateDir], { encoding: 'utf8' }, (_e, out) => resolve(out)))
      const lineRoles = (b: string) => stdout.split('\n').filter((l) => l.includes(` ${b}#`)).map((l) => / (leader|standby) \(lease /.exec(l)?.[1]).sort().join()
      return Object.keys(DOUBLED).every((b) => lineRoles(b) === 'leader,standby') ? stdout : undefined
    }, 30_000)
    expect(text).toMatch(/lpla-verify/)
    const leader = healthy.components.find((c) => c.name.startsWith('lpha-nfat#') && c.lease?.role === 'leader')!
    expect(leader.lease).toMatchObject({ name: 'lpha-nfat:facility-A', epoch: 1, leader: leader.name, takeovers: 0 })

    process.kill(leader.pid!, 'SIGKILL')
    // The lease lapses after the TTL; the standby or the supervisor's restart of the killed
    // instance (same holder name) takes it, whichever asks first: either way under a new epoch.
    const after = await until('a new epoch of the lpha-nfat lease', async () => {
      const s = await stackStatus(stateDir).catch(() => undefined)
      if (!s) return undefined
      const now = s.components.find((c) => c.name.startsWith('lpha-nfat#') && c.lease?.role === 'leader')
      return now && (now.lease?.epoch ?? 0) >= 2 && roles(s, 'lpha-nfat').sort().join() === 'leader,standby' ? s : undefined
    }, 60_000)
    const newLeader = after.components.find((c) => c.name.startsWith('lpha-nfat#') && c.lease?.role === 'leader')!
    expect(newLeader.lease).toMatchObject({ name: 'lpha-nfat:facility-A', epoch: 2 })
    expect(pidAlive(leader.pid)).toBe(false)
  }, 200_000)
})
