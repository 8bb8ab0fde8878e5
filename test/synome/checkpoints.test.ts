/**
 * Signed checkpoints wired into the Synome: written at the configured cadence (entries and
 * seconds), stored in the `checkpoints` table, proofs served over HTTP that verify against a
 * checkpoint, and `halo synome verify-log --checkpoints --trusted` catching a tampered event
 * (also with the hash chain rewritten), a dropped event, a forked log signed by the same key
 * and an untrusted key, each by its named error — on both backends.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { afterAll, describe, expect, it } from 'vitest'
import { privateKeyToAccount } from 'viem/accounts'
import { createHttpClient } from '../../src/synome/client/http.js'
import { checkConsistency, checkInclusion } from '../../src/synome/log/checkpoint.js'
import { eventHash } from '../../src/synome/log/hash.js'
import { eventFromRow } from '../../src/synome/log/rows.js'
import { startSynomeServer } from '../../src/synome/server.js'
import type { SynomeService } from '../../src/synome/service.js'
import { storeBackends, useStore } from '../fixtures/store.js'
import { runHalo } from '../support/cli.js'
import { accounts, bootstrapRoles, clientsFor, testClock } from './support.js'

const checkpointKey = `0x${'cc'.repeat(32)}` as const
const checkpointAccount = privateKeyToAccount(checkpointKey)
const otherKey = privateKeyToAccount(`0x${'dd'.repeat(32)}`)

describe.each(storeBackends())('signed checkpoints on $name', (backend) => {
  const store = useStore(backend)

  /** `n` council commands, one at a time, waiting for the checkpoint writer after each (deterministic cadence). */
  async function withEntries(n: number, options: { everyEntries?: number; everySeconds?: number; account?: typeof checkpointAccount; prefix?: string } = {}) {
    const time = testClock()
    const synome = await store.fresh({ clock: time.clock, roles: bootstrapRoles, checkpoint: { account: options.account ?? checkpointAccount, everyEntries: options.everyEntries ?? 10, everySeconds: options.everySeconds ?? 0 } })
    const c = clientsFor(synome, time.clock)
    for (let i = 0; i < n; i++) {
      await c.council.send('registerHaloClass', { haloClass: `${options.prefix ?? 'class'}-${i}` })
      await synome.checkpointWriter!.idle()
    }
    return { synome, c }
  }

  const verifyLog = (url: string, ...extra: string[]) => runHalo('synome', 'verify-log', '--synome', url, '--checkpoints', '--trusted', checkpointAccount.address, '--json', ...extra)

  async function served(synome: SynomeService, fn: (url: string) => Promise<void>) {
    const server = await startSynomeServer({ service: synome, port: 0 })
    try {
      await fn(server.url)
    } finally {
      await server.close()
    }
  }

  it('writes a checkpoint every N entries (the bootstrap event is covered, replays are not counted) and signs with the checkpoint key', async () => {
    const { synome, c } = await withEntries(25)
    // a replayed command appends nothing and counts nothing
    const first = await c.council.send('registerHaloClass', { haloClass: 'again' }, { idempotencyKey: 'k' })
    for (let i = 0; i < 20; i++) await c.council.send('registerHaloClass', { haloClass: 'again' }, { idempotencyKey: 'k' })
    expect(first.replayed).toBe(false)
    await synome.checkpointWriter!.idle()
    const { checkpoints } = await synome.checkpoints()
    // 1 bootstrap + 10 commands, 1 + 20 commands; the 26th command alone does not reach 10
    expect(checkpoints.map((cp) => [cp.treeSize, cp.lastPosition])).toEqual([
      [11, 11],
      [21, 21],
    ])
    expect(checkpoints.every((cp) => cp.signer === checkpointAccount.address.toLowerCase())).toBe(true)
    expect(await synome.latestCheckpoint()).toEqual(checkpoints[1])
    await synome.close()
  })

  it('a burst of concurrent appends has at most one checkpoint write in flight, and every checkpoint it wrote verifies', async () => {
    const time = testClock()
    const synome = await store.fresh({ clock: time.clock, roles: bootstrapRoles, checkpoint: { account: checkpointAccount, everyEntries: 10, everySeconds: 0 } })
    const c = clientsFor(synome, time.clock)
    await Promise.all(Array.from({ length: 25 }, (_, i) => c.council.send('registerHaloClass', { haloClass: `burst-${i}` })))
    await synome.checkpointWriter!.idle()
    const { checkpoints } = await synome.checkpoints()
    expect(checkpoints.length).toBeGreaterThanOrEqual(1)
    expect(checkpoints.length).toBeLessThanOrEqual(2)
    await served(synome, async (url) => expect(JSON.parse((await verifyLog(url)).stdout)).toMatchObject({ ok: true, events: 26, checkpoints: checkpoints.length }))
    await synome.close()
  })

  it('writes a checkpoint every T seconds while the log grows, none while it does not', async () => {
    const { synome } = await withEntries(2, { everyEntries: 1000, everySeconds: 1 })
    const sizes = async () => (await synome.checkpoints()).checkpoints.map((cp) => cp.treeSize)
    // by count alone (1000) nothing would be written; the 1 s timer covers the log
    for (let i = 0; i < 50 && (await sizes()).at(-1) !== 3; i++) await new Promise((r) => setTimeout(r, 100))
    const written = await sizes()
    expect(written.at(-1)).toBe(3)
    await new Promise((r) => setTimeout(r, 2200))
    await synome.checkpointWriter!.idle()
    expect(await sizes()).toEqual(written)
    await synome.close()
  })

  it('an inclusion proof and a consistency proof fetched over HTTP verify against the signed checkpoints; a proof for another event does not', async () => {
    const { synome } = await withEntries(25)
    await served(synome, async (url) => {
      const reader = createHttpClient({ url })
      const [older, newer] = (await reader.checkpoints()).checkpoints
      expect(await reader.latestCheckpoint()).toEqual(newer)
      const { events } = await reader.events({ after: 6, limit: 1 })
      const event = events[0]!
      const proof = await reader.inclusionProof({ position: event.position, treeSize: newer!.treeSize })
      expect(proof).toMatchObject({ position: 7, index: 6, treeSize: 21, eventHash: event.hash })
      expect(() => checkInclusion({ event, index: proof.index, checkpoint: newer!, proof: proof.proof })).not.toThrow()
      const other = (await reader.events({ after: 7, limit: 1 })).events[0]!
      expect(() => checkInclusion({ event: other, index: proof.index, checkpoint: newer!, proof: proof.proof })).toThrow(expect.objectContaining({ code: 'PROOF_INVALID' }))
      const consistency = await reader.consistencyProof({ from: older!.treeSize, to: newer!.treeSize })
      expect(() => checkConsistency({ older: older!, newer: newer!, proof: consistency.proof })).not.toThrow()
      await expect(reader.inclusionProof({ position: 7, treeSize: 500 })).rejects.toMatchObject({ code: 'NOT_FOUND' })
      await expect(reader.consistencyProof({ from: 21, to: 11 })).rejects.toMatchObject({ code: 'INVALID_INPUT' })
      expect(JSON.parse((await verifyLog(url)).stdout)).toMatchObject({ ok: true, events: 26, checkpoints: 2 })
      const metrics = await (await fetch(`${url}/metrics`)).text()
      expect(metrics).toMatch(/^synome_checkpoint_tree_size 21$/m)
      expect(metrics).toMatch(/^synome_log_position 26$/m)
      const doc = (await (await fetch(`${url}/openapi.json`)).json()) as { paths: Record<string, unknown> }
      expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/checkpoints', '/checkpoints/latest', '/proof/inclusion', '/proof/consistency']))
    })
    await synome.close()
  })

  it('a tampered event is caught: LOG_CHAIN_BROKEN, and CHECKPOINT_ROOT_MISMATCH when the attacker also rewrites the hash chain', async () => {
    const { synome } = await withEntries(25)
    await served(synome, async (url) => {
      await store.sql.query(`UPDATE events SET payload = jsonb_set(payload, '{haloClass}', '"forged"') WHERE position = 5`)
      const broken = await verifyLog(url)
      expect(broken.code).toBe(1)
      expect(JSON.parse(broken.stdout)).toMatchObject({ ok: false, code: 'LOG_CHAIN_BROKEN' })
      // rewrite the chain from the forged event on: the hash chain alone now verifies …
      const rows = await store.sql.query('SELECT * FROM events ORDER BY position')
      let prevHash = String(rows[3]!.hash)
      for (const row of rows.slice(4)) {
        const { hash: _old, ...rest } = eventFromRow(row)
        const hash = eventHash({ ...rest, prevHash })
        await store.sql.query('UPDATE events SET prev_hash = $1, hash = $2 WHERE position = $3', [prevHash, hash, rest.position])
        prevHash = hash
      }
      expect(JSON.parse((await runHalo('synome', 'verify-log', '--synome', url, '--json')).stdout)).toMatchObject({ ok: true })
      // … but not against the signed checkpoints
      const rewritten = await verifyLog(url)
      expect(rewritten.code).toBe(1)
      expect(JSON.parse(rewritten.stdout)).toMatchObject({ ok: false, code: 'CHECKPOINT_ROOT_MISMATCH' })
      expect((await runHalo('synome', 'verify-log', '--synome', url, '--checkpoints', '--trusted', checkpointAccount.address)).stdout).toMatch(/^CHECKPOINT_ROOT_MISMATCH: /)
    })
    await synome.close()
  })

  it('a dropped event is caught: LOG_CHAIN_BROKEN in the middle, LOG_TRUNCATED at the end (where the hash chain alone sees nothing)', async () => {
    const { synome } = await withEntries(20)
    await served(synome, async (url) => {
      // the newest checkpoint covers 21 events; drop the last one
      await store.sql.query('DELETE FROM events WHERE position = 21')
      expect(JSON.parse((await runHalo('synome', 'verify-log', '--synome', url, '--json')).stdout)).toMatchObject({ ok: true, events: 20 })
      const truncated = await verifyLog(url)
      expect(truncated.code).toBe(1)
      expect(JSON.parse(truncated.stdout)).toMatchObject({ ok: false, code: 'LOG_TRUNCATED' })
      await store.sql.query('DELETE FROM events WHERE position = 4')
      expect(JSON.parse((await verifyLog(url)).stdout)).toMatchObject({ ok: false, code: 'LOG_CHAIN_BROKEN' })
    })
    await synome.close()
  })

  it('a forked log (a second store with a different history, signed by the same key) is caught: CHECKPOINT_ROOT_MISMATCH, and the two checkpoints are inconsistent', async () => {
    const fork = await withEntries(10, { prefix: 'fork' })
    const forked = (await fork.synome.checkpoints()).checkpoints
    expect(forked.map((cp) => cp.treeSize)).toEqual([11])
    await fork.synome.close()
    // the same store again (the fixture truncates it), with another history under the same key
    const { synome } = await withEntries(20)
    const honest = (await synome.checkpoints()).checkpoints
    const fromFork = forked[0]!
    expect(() => checkConsistency({ older: fromFork, newer: honest[1]!, proof: [] })).toThrow(expect.objectContaining({ code: 'CHECKPOINT_INCONSISTENT' }))
    await store.sql.query('INSERT INTO checkpoints (tree_size, root_hash, last_position, head_hash, time, signer, signature) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
      fromFork.treeSize,
      fromFork.rootHash,
      fromFork.lastPosition,
      fromFork.headHash,
      fromFork.time,
      fromFork.signer,
      fromFork.signature,
    ])
    await served(synome, async (url) => {
      const result = await verifyLog(url)
      expect(result.code).toBe(1)
      expect(JSON.parse(result.stdout)).toMatchObject({ ok: false, code: 'CHECKPOINT_ROOT_MISMATCH' })
    })
    await synome.close()
  })

  it('a checkpoint signed by an untrusted key is caught: CHECKPOINT_BAD_SIGNATURE; --checkpoints without --trusted is refused', async () => {
    const { synome } = await withEntries(10, { account: otherKey })
    await served(synome, async (url) => {
      const result = await verifyLog(url)
      expect(result.code).toBe(1)
      expect(JSON.parse(result.stdout)).toMatchObject({ ok: false, code: 'CHECKPOINT_BAD_SIGNATURE' })
      const refused = await runHalo('synome', 'verify-log', '--synome', url, '--checkpoints')
      expect(refused.code).toBe(1)
      expect(refused.stderr).toMatch(/--trusted/)
    })
    await synome.close()
  })
})

describe('halo synome serve --checkpoint-key', () => {
  const root = mkdtempSync(join(tmpdir(), 'synome-checkpoints-'))
  afterAll(() => rmSync(root, { recursive: true, force: true }))

  it('signs a checkpoint every --checkpoint-every entries with the key from a file, served at /checkpoints/latest', async () => {
    const keyFile = join(root, 'checkpoint.key')
    writeFileSync(keyFile, `${checkpointKey}\n`)
    const rolesFile = join(root, 'roles.json')
    writeFileSync(rolesFile, JSON.stringify(bootstrapRoles))
    const args = ['bin/halo.mjs', 'synome', 'serve', '--port', '0', '--data-dir', join(root, 'data'), '--roles', rolesFile, '--checkpoint-key', keyFile, '--checkpoint-every', '2', '--checkpoint-seconds', '0', '--json']
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (chunk) => (stderr += String(chunk)))
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
    try {
      const first = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout }).once('line', resolve)
        void exited.then(() => reject(new Error(`serve exited: ${stderr}`)))
      })
      const { url } = JSON.parse(first) as { url: string }
      const council = createHttpClient({ url, account: accounts.council })
      await council.send('registerHaloClass', { haloClass: 'served-0' })
      await expect(council.latestCheckpoint()).rejects.toMatchObject({ code: 'NOT_FOUND' })
      await council.send('registerHaloClass', { haloClass: 'served-1' })
      let latest
      for (let i = 0; i < 50 && !latest; i++) latest = await council.latestCheckpoint().catch(() => new Promise<undefined>((r) => setTimeout(() => r(undefined), 100)))
      expect(latest).toMatchObject({ treeSize: 3, lastPosition: 3, signer: checkpointAccount.address.toLowerCase() })
      expect(JSON.parse((await runHalo('synome', 'verify-log', '--synome', url, '--checkpoints', '--trusted', checkpointAccount.address, '--json')).stdout)).toMatchObject({ ok: true, events: 3, checkpoints: 1 })
    } finally {
      child.kill('SIGTERM')
      expect(await exited).toBe(0)
    }
  })
})
