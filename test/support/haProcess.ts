/**
 * The beacon HA takeover tests' one harness (lpha-nfat, lpha-lcts, …): two or more
 * `halo beacon <beacon>` processes with the same key and config and one lease in the Synome.
 * A leader is frozen at an exact step (`HALO_PAUSE_AT`, src/beacons/shared/crashPoints.ts), then
 * SIGKILLed, resumed or cut off; these helpers start the instances, wait for the lease to move,
 * check the takeover bound and that a deposed instance acted on nothing.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, expect } from 'vitest'
import { takeoverBoundMs } from '../../src/domain/lease.js'
import type { JournalLine, LeaseView } from '../../src/synome/leases.js'
import { startBeaconProcess, type BeaconProcess } from './beaconProcess.js'

/** Short lease timing so a takeover test stays fast: TTL 3 s, deadline 2 s, renew every 0.5 s. */
export const HA_TEST_TIMING = { ttlSeconds: 3, renewDeadlineSeconds: 2, renewIntervalSeconds: 0.5 }
export const TAKEOVER_BOUND_MS = takeoverBoundMs({ ttlMs: HA_TEST_TIMING.ttlSeconds * 1000, retryIntervalMs: HA_TEST_TIMING.renewIntervalSeconds * 1000 })
/** What a loaded shared 2-core box adds to a timer and an HTTP round trip (not part of the bound's logic). */
export const SCHEDULING_SLACK_MS = 2_000
export const HA_TEST_TIMEOUT_MS = 240_000

/** Poll `read` every 100 ms until `done` (bounded by `timeoutMs`). */
export async function until<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await read()
    if (done(value)) return value
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

export type HaReads = {
  /** The Synome's leases (`synome.leases.list()`). */
  leases(): Promise<LeaseView[]>
  /** One shared journal's lines (`synome.leases.journal(signer, name)`). */
  journal(name: string): Promise<JournalLine[]>
}

/**
 * Instances of `halo beacon <beacon> …args` registered for SIGKILL after the file. `start(name, file)`
 * starts one whose config file names `ha.holder` = `name`.
 */
export function haInstances(beacon: string, args: readonly string[] = []) {
  const procs: BeaconProcess[] = []
  afterAll(async () => {
    for (const p of procs) p.kill('SIGKILL')
    await Promise.all(procs.map((p) => p.exited))
  })
  return {
    start(configFile: string, env: Record<string, string> = {}): BeaconProcess {
      const proc = startBeaconProcess(beacon, configFile, env, args)
      procs.push(proc)
      return proc
    },
  }
}

export const leaseOf = async (reads: HaReads, name: string) => (await reads.leases()).find((l) => l.name === name)

/** `holder` leads `name` with a live lease. */
export const waitForLeader = (reads: HaReads, name: string, holder: string) => until(`${holder} leads ${name}`, () => leaseOf(reads, name), (l) => l?.holder === holder && l.live)

/** Start a leader `A` (frozen at `pauseAt` later) and a standby `B` that has seen A's lease. */
export async function leaderAndStandby(p: { instances: ReturnType<typeof haInstances>; reads: HaReads; lease: string; configA: string; configB: string; pauseAt: string }) {
  const a = p.instances.start(p.configA, { HALO_PAUSE_AT: p.pauseAt })
  await waitForLeader(p.reads, p.lease, 'A')
  const b = p.instances.start(p.configB)
  // the bound is for a standby that is running: B has started and seen A's lease
  await b.waitFor('lease held by another instance: standby')
  return { a, b }
}

/** SIGKILL the frozen leader: B leads at epoch 2 after one takeover, within TTL + one retry interval. */
export async function killLeaderExpectTakeover(p: { reads: HaReads; lease: string; leader: BeaconProcess }): Promise<void> {
  p.leader.kill('SIGKILL')
  const killedAt = Date.now()
  const taken = await waitForLeader(p.reads, p.lease, 'B')
  const tookMs = Date.now() - killedAt
  expect(taken).toMatchObject({ holder: 'B', epoch: 2, takeovers: 1 })
  expect(tookMs).toBeLessThanOrEqual(TAKEOVER_BOUND_MS + SCHEDULING_SLACK_MS)
}

/**
 * SIGCONT a frozen leader after B took over: it stands down (deadline), its fenced write is
 * refused, and for a few of its intervals it adds no line to `journals` (and, given
 * `actionPrefix`, e.g. `"msg":"lpha-nfat `, logs no action); the lease stays B's.
 */
export async function resumeDeposedExpectNothing(p: { reads: HaReads; lease: string; deposed: BeaconProcess; actionPrefix?: string | undefined; journals: readonly string[] }): Promise<void> {
  const resumedAt = p.deposed.mark()
  const before = await Promise.all(p.journals.map(async (j) => (await p.reads.journal(j)).length))
  p.deposed.kill('SIGCONT')
  await p.deposed.waitFor('lease lost: standing down')
  await new Promise((r) => setTimeout(r, 3_000))
  const after = p.deposed.outputSince(resumedAt)
  if (p.actionPrefix) expect(after.split('\n').filter((l) => l.includes(p.actionPrefix!))).toEqual([])
  expect(after).toContain('"reason":"deadline"')
  // every journal line since is B's epoch
  for (const [i, j] of p.journals.entries()) expect((await p.reads.journal(j)).slice(before[i]).filter((l) => l.epoch !== 2)).toEqual([])
  expect(await leaseOf(p.reads, p.lease)).toMatchObject({ holder: 'B', epoch: 2 })
}

/**
 * Instance `name`'s config file `<dir>/<name>.json`: `body(stateDir)` (the instance's own state
 * directory, created) with `ha` = HA_TEST_TIMING held as `name`.
 */
export function writeInstanceConfig(dir: string, name: string, body: (stateDir: string) => Record<string, unknown>): string {
  const stateDir = join(dir, name)
  mkdirSync(stateDir, { recursive: true })
  const file = join(dir, `${name}.json`)
  writeFileSync(file, JSON.stringify({ ...body(stateDir), ha: { ...HA_TEST_TIMING, holder: name } }))
  return file
}
