/**
 * The audit log: tamper detection over the hash chain, backup/restore round trip that
 * refuses a tampered file, parallel writers (no lost update, chain intact, followers
 * never skip an event), on both backends.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { defineCommand } from '../../src/synome/commands/types.js'
import { signCommand } from '../../src/synome/signing.js'
import { privateKeyToAccount } from 'viem/accounts'
import { readBackup, restoreBackup, writeBackup } from '../../src/synome/backup.js'
import { createInProcessClient } from '../../src/synome/client/inProcess.js'
import { eventHash, type SynomeEvent } from '../../src/synome/log/hash.js'
import type { SleeveRecord } from '../../src/synome/records.js'
import { storeBackends, useStore } from '../fixtures/store.js'
import { HALO_CLASS, accounts, bootstrapRoles, clientsFor, seedRunner, testClock, unitPayload } from './support.js'

const dir = mkdtempSync(join(tmpdir(), 'synome-log-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe.each(storeBackends())('audit log on $name', (backend) => {
  const store = useStore(backend)

  async function seeded(stop?: string) {
    const time = testClock()
    const synome = await store.fresh({ clock: time.clock, roles: bootstrapRoles })
    const c = clientsFor(synome, time.clock)
    await seedRunner(c, time).until(stop)
    return { synome, c, time }
  }

  it('verify-log recomputes the chain and finds a tampered, dropped or reordered event', async () => {
    const { synome } = await seeded()
    const clean = await synome.verifyLog()
    expect(clean).toMatchObject({ ok: true, events: 26 })
    // small batches exercise the paging
    expect(await synome.verifyLog(4)).toEqual(clean)

    await store.sql.query(`UPDATE events SET payload = jsonb_set(payload, '{unit,principal}', '"300000000"') WHERE command = 'sweepUnit' AND payload->'unit'->>'unitId' = '42'`)
    const tampered = await synome.verifyLog()
    expect(tampered).toMatchObject({ ok: false, reason: 'hash does not match the event content' })
    const [sweep] = await store.sql.query(`SELECT position FROM events WHERE payload->'unit'->>'unitId' = '42'`)
    expect((tampered as { brokenAt: number }).brokenAt).toBe(Number(sweep!.position))
    // an attacker who also rewrites that event's hash breaks the next link instead
    const [row] = await store.sql.query('SELECT * FROM events WHERE position = $1', [sweep!.position])
    const { eventFromRow } = await import('../../src/synome/log/rows.js')
    const event = eventFromRow(row!)
    const { hash: _old, ...rest } = event
    await store.sql.query('UPDATE events SET hash = $1 WHERE position = $2', [eventHash(rest), event.position])
    expect(await synome.verifyLog()).toMatchObject({ ok: false, brokenAt: event.position + 1, reason: 'prevHash does not match the previous event' })
  })

  it('a deleted event breaks the chain', async () => {
    const { synome } = await seeded('offboard')
    await store.sql.query('DELETE FROM events WHERE position = 4')
    expect(await synome.verifyLog()).toMatchObject({ ok: false, brokenAt: 5 })
  })

  it('backup and restore round-trip the whole store', async () => {
    const { synome, c } = await seeded()
    const file = join(dir, `${backend.name}-ok.jsonl`)
    const header = await writeBackup(c.stranger, file)
    const entitiesBefore = await store.sql.query('SELECT type, id, version, data, created_at, updated_at FROM entities ORDER BY type, id')
    const versionsBefore = await store.sql.query('SELECT * FROM entity_versions ORDER BY type, id, version')
    expect(header).toMatchObject({ events: 26, head: (await synome.head()).hash })

    const time = testClock('2026-10-06T00:00:00Z')
    const empty = await store.fresh({ clock: time.clock })
    expect(await restoreBackup(empty, file)).toEqual({ events: 26, head: header.head })
    expect(await store.sql.query('SELECT type, id, version, data, created_at, updated_at FROM entities ORDER BY type, id')).toEqual(entitiesBefore)
    expect(await store.sql.query('SELECT * FROM entity_versions ORDER BY type, id, version')).toEqual(versionsBefore)
    expect(await empty.verifyLog()).toMatchObject({ ok: true, head: header.head })
    // the restored store keeps accepting commands on the same chain (restore replays events
    // at their own time, whatever the clock; new commands must be fresh for it)
    const c2 = clientsFor(empty, time.clock)
    await c2.nfat.send('createSleeve', { sleeveId: 'sleeve-8', haloClass: HALO_CLASS })
    expect(await empty.verifyLog()).toMatchObject({ ok: true, events: 27 })
    // restore needs an empty store
    await expect(restoreBackup(empty, file)).rejects.toMatchObject({ code: 'PRECONDITION_FAILED' })
  })

  it('restore refuses a tampered backup and leaves the store empty', async () => {
    const { c } = await seeded('offboard')
    const file = join(dir, `${backend.name}-src.jsonl`)
    await writeBackup(c.stranger, file)
    const { header, events } = await readBackup(file)
    const write = (name: string, evs: SynomeEvent[], head = evs.at(-1)!.hash) => {
      const path = join(dir, `${backend.name}-${name}.jsonl`)
      writeFileSync(path, [JSON.stringify({ ...header, events: evs.length, head }), ...evs.map((e) => JSON.stringify(e))].join('\n'))
      return path
    }
    const rehash = (evs: SynomeEvent[]) => {
      let prev = evs[0]!.prevHash
      return evs.map((e) => {
        const { hash: _h, ...rest } = { ...e, prevHash: prev }
        const hash = eventHash(rest)
        prev = hash
        return { ...rest, hash }
      })
    }
    const richer = events.map((e) => (e.command === 'sweepUnit' ? { ...e, payload: JSON.parse(JSON.stringify(e.payload).replace('30000000', '31000000')) } : e))
    const cases = {
      edited: write('edited', richer),
      // hashes recomputed after the edit: the nfat signature no longer matches
      rehashed: write('rehashed', rehash(richer)),
      // a result edited and rehashed: signatures hold, but the replay does not reproduce it
      result: write('result', rehash(events.map((e) => (e.command === 'createSleeve' ? { ...e, result: { ...(e.result as object), position: 99 } } : e)))),
      dropped: write('dropped', events.filter((_, i) => i !== 3)),
      truncatedHeader: write('header', events, events[2]!.hash),
    }
    for (const [name, path] of Object.entries(cases)) {
      const empty = await store.fresh()
      await expect(restoreBackup(empty, path), name).rejects.toThrow(/tampered|replay/)
      expect(await store.sql.query('SELECT count(*)::int AS n FROM events'), name).toEqual([{ n: 0 }])
      expect(await store.sql.query('SELECT count(*)::int AS n FROM entities'), name).toEqual([{ n: 0 }])
    }
    expect(readFileSync(cases.edited, 'utf8')).toContain('31000000')
  })

  it('parallel writers: no lost update, chain intact, and a follower of events?after=N misses nothing', async () => {
    const time = testClock('2026-03-15T10:00:00Z')
    const writers = Array.from({ length: 8 }, (_, i) => privateKeyToAccount(`0x${(i + 1).toString(16).padStart(64, '0')}`))
    const synome = await store.fresh({ clock: time.clock, roles: [...bootstrapRoles, ...writers.map((w) => ({ address: w.address, role: 'nfat' as const, haloClasses: [HALO_CLASS] }))] })
    const c = clientsFor(synome, time.clock)
    await c.council.send('registerHaloClass', { haloClass: HALO_CLASS })
    await c.nfat.send('createSleeve', { sleeveId: 'sleeve-p', haloClass: HALO_CLASS })
    // For PostgreSQL, each writer is its own service over its own pool (separate processes in production).
    const services = backend.name === 'postgres' ? await Promise.all(writers.map(async () => (await import('../../src/synome/create.js')).createSynome({ databaseUrl: store.databaseUrl!, clock: time.clock, maxConnections: 2 }))) : writers.map(() => synome)
    const seen: number[] = []
    let following = true
    const follower = (async () => {
      let after = 0
      while (following) {
        const page = await synome.events({ after, limit: 50 })
        seen.push(...page.events.map((e) => e.position))
        after = page.next
        await new Promise((r) => setTimeout(r, 2))
      }
      for (let page = await synome.events({ after }); page.events.length > 0; page = await synome.events({ after })) {
        seen.push(...page.events.map((e) => e.position))
        after = page.next
      }
    })()
    const perWriter = 5
    await Promise.all(
      writers.map(async (account, w) => {
        const client = createInProcessClient({ service: services[w]!, account, clock: time.clock })
        for (let k = 0; k < perWriter; k++) {
          const unitId = 1000 + w * perWriter + k
          await client.send('sweepUnit', { sleeveId: 'sleeve-p', unit: unitPayload(unitId, '1000000', `prime-${w}`) })
        }
      }),
    )
    following = false
    await follower
    if (backend.name === 'postgres') await Promise.all(services.map((s) => s.close()))

    const sleeve = (await synome.get<SleeveRecord>('sleeve', 'sleeve-p')).data
    expect(sleeve.linkedUnits).toHaveLength(writers.length * perWriter)
    expect(sleeve.assets).toEqual([{ type: 'USDS', amount: String(1_000_000 * writers.length * perWriter), location: 'facility-ALMProxy' }])
    expect((await synome.get('sleeve', 'sleeve-p')).version).toBe(1 + writers.length * perWriter)
    expect(await synome.verifyLog()).toMatchObject({ ok: true, events: 3 + writers.length * perWriter })
    const all = (await synome.events({ limit: 1000 })).events.map((e) => e.position)
    expect(seen).toEqual(all)
  })

  it('an append still in flight holds back every later position: a follower cannot skip it', async () => {
    let release!: () => void
    const held = new Promise<void>((resolve) => (release = resolve))
    let inside!: () => void
    const entered = new Promise<void>((resolve) => (inside = resolve))
    // an extension command (the registry's extension point) whose transaction stays open until released
    const slowNote = defineCommand({
      name: 'slowNote',
      role: 'council',
      summary: 'test: a write that takes its time',
      schema: z.strictObject({ id: z.string() }),
      target: async (_state, payload) => ({ type: 'note', id: payload.id }),
      async apply(state, payload) {
        inside()
        await held
        state.put({ type: 'note', id: payload.id, data: { id: payload.id } })
        return { id: payload.id }
      },
    })
    const time = testClock()
    const synome = await store.fresh({ clock: time.clock, roles: bootstrapRoles, commands: [slowNote] })
    const sign = (command: string, payload: unknown, key: string) => signCommand({ account: accounts.council, command, payload, idempotencyKey: key, issuedAt: '2026-03-15T09:00:00Z' })
    const slow = synome.execute(await sign('slowNote', { id: 'n1' }, 'slow'))
    await entered
    let fastDone = false
    const fast = synome.execute(await sign('registerHaloClass', { haloClass: HALO_CLASS }, 'fast')).then((r) => ((fastDone = true), r))
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(fastDone).toBe(false)
    // PostgreSQL: a reader runs beside the open transaction and sees nothing new. PGlite is one
    // connection: a read waits for the in-flight transaction, so it cannot see later positions early either.
    if (backend.name === 'postgres') expect((await synome.events({ after: 1 })).events).toEqual([])
    release()
    const [first, second] = await Promise.all([slow, fast])
    expect(first.position).toBeLessThan(second.position)
    expect((await synome.events({ after: 1 })).events.map((e) => e.command)).toEqual(['slowNote', 'registerHaloClass'])
    expect(await synome.verifyLog()).toMatchObject({ ok: true, events: 3 })
  })
})
