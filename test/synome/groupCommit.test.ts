/**
 * Group commit: concurrent commands are appended in one transaction per batch, each with its own
 * position, result or typed refusal. Attacks on the batch: two conflicting commands, one key
 * twice, a revocation earlier in the same batch, a crash mid-batch, a statement error in one
 * command; and 8 concurrent writers whose order equals their positions with a verifying chain.
 * On both backends; on PostgreSQL two batches are in flight at once (groupCommitPipeline.test.ts,
 * speculation.test.ts).
 */
import { describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { PreconditionFailedError } from '../../src/domain/errors.js'
import { defineCommand } from '../../src/synome/commands/types.js'
import { createSynomeMetrics } from '../../src/synome/http/metrics.js'
import { SynomeService } from '../../src/synome/service.js'
import type { GroupCommitOptions } from '../../src/synome/groupCommit.js'
import type { SignedCommand } from '../../src/synome/signing.js'
import type { Sql, SqlExecutor } from '../../src/synome/sql/sql.js'
import { storeBackends, useStore } from '../fixtures/store.js'
import { accounts, bootstrapRoles, clientsFor, HALO_CLASS, testClock, unitPayload } from './support.js'

/** The store's SQL with test controls: hold the next transaction, crash after n statements writing events, fail the write of one command's events. */
function controlledSql(base: Sql) {
  const control = {
    gate: undefined as Promise<void> | undefined,
    waiting: 0,
    crashAfterInserts: undefined as number | undefined,
    crashed: false,
    failInsertOfKey: undefined as string | undefined,
  }
  let inserts = 0
  const wrap = (tx: SqlExecutor): SqlExecutor => ({
    async query(text, params = []) {
      if (control.crashed) throw new Error('server connection lost (injected crash)')
      // a batch writes its events (with its entity rows) in one statement, the keys in a jsonb parameter
      if (text.includes('INSERT INTO events')) {
        if (control.failInsertOfKey !== undefined && params.some((p) => typeof p === 'string' && p.includes(`"${control.failInsertOfKey}"`))) throw new Error('value too long for type (injected statement error)')
        if (control.crashAfterInserts !== undefined && ++inserts > control.crashAfterInserts) {
          control.crashed = true
          throw new Error('server connection lost (injected crash)')
        }
      }
      return tx.query(text, params)
    },
  })
  const sql: Sql = {
    kind: base.kind,
    query: (text, params) => {
      if (control.crashed) return Promise.reject(new Error('server connection lost (injected crash)'))
      return base.query(text, params)
    },
    async transaction(fn) {
      const gate = control.gate
      if (gate) {
        control.waiting++
        await gate
        control.waiting--
      }
      return base.transaction((tx) => fn(wrap(tx)))
    },
    exec: (script) => base.exec(script),
    close: async () => {},
  }
  return { sql, control }
}

/** A command that mutates the sleeve it read, stages the mutation, then refuses (the attack on the batch's entity cache). */
const tamperThenRefuse = defineCommand({
  name: 'tamperThenRefuse',
  role: 'nfat',
  summary: 'test only',
  schema: z.strictObject({ sleeveId: z.string() }),
  async target(_state, payload) {
    return { type: 'sleeve', id: payload.sleeveId }
  },
  async apply(state, payload) {
    const sleeve = await state.require<{ metadata: Record<string, unknown> }>('sleeve', payload.sleeveId)
    sleeve.data.metadata.tampered = true
    state.put({ type: 'sleeve', id: payload.sleeveId, data: sleeve.data, state: 'CLOSED' })
    throw new PreconditionFailedError('refused after staging', { meta: { gate: 'TEST' } })
  },
})

describe.each(storeBackends())('group commit on $name', (backend) => {
  const store = useStore(backend)

  async function setup(groupCommit: GroupCommitOptions = {}) {
    const time = testClock()
    await store.fresh()
    const { sql, control } = controlledSql(store.sql)
    const synome = await SynomeService.open({ sql, clock: time.clock, roles: bootstrapRoles, groupCommit, commands: [tamperThenRefuse] })
    const c = clientsFor(synome, time.clock)
    await c.council.send('registerHaloClass', { haloClass: HALO_CLASS })
    let blockers = 0
    /** Run `signed` as ONE batch: hold a blocker's transaction until all of them queued behind it. */
    async function inOneBatch(signed: SignedCommand[]) {
      let release!: () => void
      control.gate = new Promise((resolve) => (release = resolve))
      const blocker = synome.execute(await c.council.sign('registerHaloClass', { haloClass: `blocker-${blockers++}` }))
      await vi.waitFor(() => expect(control.waiting).toBe(1))
      control.gate = undefined
      const batches = synome.groupCommit.stats.batches
      const settled = Promise.allSettled(signed.map((s) => synome.execute(s)))
      await vi.waitFor(() => expect(synome.groupCommit.queued).toBe(signed.length))
      release()
      await blocker
      const results = await settled
      expect(synome.groupCommit.stats.batches).toBe(batches + Math.ceil(signed.length / synome.groupCommit.maxBatch))
      return results
    }
    return { synome, c, control, inOneBatch }
  }

  const positionsOf = async (synome: SynomeService) => (await store.sql.query('SELECT position FROM events ORDER BY position')).map((r) => Number(r.position))
  const contiguous = (positions: number[]) => positions.every((p, i) => p === i + 1)

  it('a lone writer is not held back by the linger: each command commits at once in its own batch; the linger applies only while others wait', async () => {
    const { synome, c, inOneBatch } = await setup({ lingerMs: 100 })
    const before = synome.groupCommit.stats.batches
    for (let i = 0; i < 8; i++) await c.council.send('registerHaloClass', { haloClass: `lone-${i}` })
    expect(synome.groupCommit.stats).toMatchObject({ batches: before + 8, largestBatch: 1, lingers: 0 })
    // commands that queued behind a running batch: that next batch lingers once
    await inOneBatch(await Promise.all([0, 1].map((i) => c.council.sign('registerHaloClass', { haloClass: `queued-${i}` }))))
    expect(synome.groupCommit.stats.lingers).toBe(1)
  })

  it('two conflicting commands in one batch: the first is applied, the second refused (ALREADY_EXISTS), and the one after them still commits', async () => {
    const { synome, c, inOneBatch } = await setup()
    const first = await c.nfat.sign('createSleeve', { sleeveId: 'sleeve-x', haloClass: HALO_CLASS })
    const conflicting = await c.nfat.sign('createSleeve', { sleeveId: 'sleeve-x', haloClass: HALO_CLASS })
    const after = await c.nfat.sign('createSleeve', { sleeveId: 'sleeve-y', haloClass: HALO_CLASS })
    const [a, b, d] = await inOneBatch([first, conflicting, after])
    expect(a).toMatchObject({ status: 'fulfilled', value: { replayed: false, entity: { type: 'sleeve', id: 'sleeve-x', version: 1 } } })
    expect(b).toMatchObject({ status: 'rejected', reason: { code: 'PRECONDITION_FAILED', meta: { gate: 'ALREADY_EXISTS' } } })
    expect(d).toMatchObject({ status: 'fulfilled', value: { entity: { id: 'sleeve-y' } } })
    // the refused command left no event and no gap: positions follow each other
    const [pa, pd] = [(a as PromiseFulfilledResult<{ position: number }>).value.position, (d as PromiseFulfilledResult<{ position: number }>).value.position]
    expect(pd).toBe(pa + 1)
    expect(await store.sql.query('SELECT 1 FROM events WHERE idempotency_key = $1', [conflicting.idempotencyKey])).toHaveLength(0)
    expect(contiguous(await positionsOf(synome))).toBe(true)
    expect(await synome.verifyLog()).toMatchObject({ ok: true })
  })

  it('the same idempotency key twice in one batch appends once: the second is a replay of the first; reused for another payload it is IDEMPOTENCY_CONFLICT', async () => {
    const { synome, c, inOneBatch } = await setup()
    const once = await c.nfat.sign('createSleeve', { sleeveId: 'sleeve-k', haloClass: HALO_CLASS }, { idempotencyKey: 'create:k' })
    const again = await c.nfat.sign('createSleeve', { sleeveId: 'sleeve-k', haloClass: HALO_CLASS }, { idempotencyKey: 'create:k' })
    const other = await c.nfat.sign('createSleeve', { sleeveId: 'sleeve-other', haloClass: HALO_CLASS }, { idempotencyKey: 'create:k' })
    const events = (await synome.head()).position
    const [a, b, d] = await inOneBatch([once, again, other])
    expect(a).toMatchObject({ status: 'fulfilled', value: { replayed: false } })
    const first = (a as PromiseFulfilledResult<{ position: number; hash: string }>).value
    expect(b).toMatchObject({ status: 'fulfilled', value: { replayed: true, position: first.position, hash: first.hash } })
    expect(d).toMatchObject({ status: 'rejected', reason: { code: 'IDEMPOTENCY_CONFLICT' } })
    expect((await synome.head()).position).toBe(events + 2) // the blocker and the one sleeve
    expect(await synome.get('sleeve', 'sleeve-other').catch((e: { code: string }) => e.code)).toBe('NOT_FOUND')
  })

  it('a writer revoked earlier in the same batch cannot slip a command in: the gate sees the revocation (NOT_PERMITTED)', async () => {
    const { synome, c, inOneBatch } = await setup()
    const revoke = await c.council.sign('revokeRole', { address: accounts.nfat.address, role: 'nfat' })
    const slip = await c.nfat.sign('createSleeve', { sleeveId: 'sleeve-late', haloClass: HALO_CLASS })
    const [r, s] = await inOneBatch([revoke, slip])
    expect(r).toMatchObject({ status: 'fulfilled' })
    expect(s).toMatchObject({ status: 'rejected', reason: { code: 'NOT_PERMITTED' } })
    expect(await synome.get('sleeve', 'sleeve-late').catch((e: { code: string }) => e.code)).toBe('NOT_FOUND')
    // and the other way round: created then used in one batch
    const create = await c.nfat.sign('createSleeve', { sleeveId: 'sleeve-z', haloClass: HALO_CLASS })
    const regrant = await c.council.sign('grantRole', { address: accounts.nfat.address, role: 'nfat', haloClasses: [HALO_CLASS] })
    const [x, y] = await inOneBatch([regrant, create])
    expect(x).toMatchObject({ status: 'fulfilled' })
    expect(y).toMatchObject({ status: 'fulfilled', value: { entity: { id: 'sleeve-z', version: 1 } } })
  })

  it('a command that mutates what it read from the batch, stages it and is refused leaks nothing into the next command of the batch', async () => {
    const { synome, c, inOneBatch } = await setup()
    const create = await c.nfat.sign('createSleeve', { sleeveId: 'sleeve-t', haloClass: HALO_CLASS })
    const tamper = await c.nfat.sign('tamperThenRefuse' as never, { sleeveId: 'sleeve-t' } as never)
    // sweepUnit reads the sleeve and writes it back with the unit linked: a leak would be persisted here
    const sweep = await c.nfat.sign('sweepUnit', { sleeveId: 'sleeve-t', unit: unitPayload(7001, '1000', 'prime-1') })
    const [a, t, d] = await inOneBatch([create, tamper, sweep])
    expect(a).toMatchObject({ status: 'fulfilled' })
    expect(t).toMatchObject({ status: 'rejected', reason: { meta: { gate: 'TEST' } } })
    expect(d).toMatchObject({ status: 'fulfilled' })
    const sleeve = await synome.get<{ metadata: Record<string, unknown>; linkedUnits: number[] }>('sleeve', 'sleeve-t')
    expect(sleeve.state).not.toBe('CLOSED')
    expect(sleeve.data.metadata).toEqual({})
    expect(sleeve.data.linkedUnits).toEqual([7001])
  })

  it('a crash mid-batch applies nothing of the batch; resending the same signed commands applies each once', async () => {
    const { synome, c, control, inOneBatch } = await setup()
    const signed = await Promise.all([0, 1, 2, 3].map((i) => c.nfat.sign('createSleeve', { sleeveId: `sleeve-c${i}`, haloClass: HALO_CLASS })))
    const before = await store.snapshot()
    const head = await synome.head()
    // the blocker's batch commits; the batch of four dies at its write (one statement for all its rows)
    control.crashAfterInserts = 1
    const outcomes = await inOneBatch(signed)
    for (const outcome of outcomes) expect(outcome).toMatchObject({ status: 'rejected', reason: { message: expect.stringContaining('injected crash') } })
    expect(await store.sql.query('SELECT position FROM events WHERE position > $1', [head.position + 1])).toHaveLength(0)
    control.crashed = false
    control.crashAfterInserts = undefined
    expect(JSON.parse(await store.snapshot()).events).toBe(JSON.parse(before).events + 1) // only the blocker
    for (const s of signed) await synome.execute(s)
    for (const s of signed) expect(await synome.execute(s)).toMatchObject({ replayed: true })
    expect(contiguous(await positionsOf(synome))).toBe(true)
    expect(await synome.verifyLog()).toMatchObject({ ok: true })
  })

  it('a statement error in one command fails only that command: the batch is rolled back and each command retried alone', async () => {
    const { synome, c, control, inOneBatch } = await setup()
    const signed = await Promise.all([0, 1, 2].map((i) => c.nfat.sign('createSleeve', { sleeveId: `sleeve-s${i}`, haloClass: HALO_CLASS })))
    control.failInsertOfKey = signed[1]!.idempotencyKey
    const [a, b, d] = await inOneBatch(signed)
    expect(a).toMatchObject({ status: 'fulfilled' })
    expect(b).toMatchObject({ status: 'rejected', reason: { message: expect.stringContaining('injected statement error') } })
    expect(d).toMatchObject({ status: 'fulfilled' })
    expect(await synome.get('sleeve', 'sleeve-s1').catch((e: { code: string }) => e.code)).toBe('NOT_FOUND')
    expect(contiguous(await positionsOf(synome))).toBe(true)
    expect(await synome.verifyLog()).toMatchObject({ ok: true })
  })

  it('batches are bounded by maxBatch; out-of-range settings are refused', async () => {
    const { c, inOneBatch } = await setup({ maxBatch: 2 })
    const signed = await Promise.all([0, 1, 2, 3, 4].map((i) => c.council.sign('registerHaloClass', { haloClass: `bounded-${i}` })))
    const outcomes = await inOneBatch(signed) // checks 3 batches of at most 2
    expect(outcomes.every((o) => o.status === 'fulfilled')).toBe(true)
    for (const groupCommit of [{ maxBatch: 0 }, { maxBatch: 1001 }, { lingerMs: 101 }, { maxQueue: 0 }]) {
      expect(() => new SynomeService({ sql: store.sql, groupCommit })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }))
    }
  })

  it.runIf(backend.name === 'postgres')('pipelined on PostgreSQL: a sleeve created and swept in two batches in flight at once — the second runs on the first one’s staged state, sees its sleeve and commits after it (speculation.test.ts)', async () => {
    const { synome, c } = await setup()
    expect(synome.groupCommit.maxInFlight).toBe(2)
    const batches = synome.groupCommit.stats.batches
    const create = await c.nfat.sign('createSleeve', { sleeveId: 'sleeve-p', haloClass: HALO_CLASS })
    const sweep = await c.nfat.sign('sweepUnit', { sleeveId: 'sleeve-p', unit: unitPayload(7101, '1000', 'prime-1') })
    // both queued with nothing in flight: split in two batches, the second started once the first was staged
    const [created, swept] = await Promise.all([synome.execute(create), synome.execute(sweep)])
    expect(synome.groupCommit.stats.batches).toBe(batches + 2)
    expect(swept.position).toBe(created.position + 1)
    expect((await synome.get<{ linkedUnits: number[] }>('sleeve', 'sleeve-p')).data.linkedUnits).toEqual([7101])
    expect(contiguous(await positionsOf(synome))).toBe(true)
    expect(await synome.verifyLog()).toMatchObject({ ok: true })
  })

  it('8 concurrent writers: commands are batched, each writer’s order is its positions’ order, positions are gap-free and the hash chain verifies', async () => {
    const time = testClock()
    await store.fresh()
    const synome = await SynomeService.open({ sql: store.sql, clock: time.clock, roles: bootstrapRoles, groupCommit: { lingerMs: 2 } })
    const c = clientsFor(synome, time.clock)
    await c.council.send('registerHaloClass', { haloClass: HALO_CLASS })
    const writers = [c.council, c.nfat, c.council, c.nfat, c.council, c.nfat, c.council, c.nfat]
    const signed = await Promise.all(
      writers.map((w, i) => Promise.all(Array.from({ length: 6 }, (_, k) => (i % 2 === 0 ? w.sign('registerHaloClass', { haloClass: `w${i}-${k}` }) : w.sign('createSleeve', { sleeveId: `w${i}-${k}`, haloClass: HALO_CLASS }))))),
    )
    const results = await Promise.all(signed.map(async (mine) => { const out = []; for (const s of mine) out.push(await synome.execute(s)); return out }))
    for (const mine of results) expect(mine.map((r) => r.position)).toEqual([...mine.map((r) => r.position)].sort((a, b) => a - b))
    const all = results.flat().map((r) => r.position)
    expect(new Set(all).size).toBe(48)
    expect(contiguous(await positionsOf(synome))).toBe(true)
    expect(synome.groupCommit.stats.largestBatch).toBeGreaterThan(1)
      // every entity version was written at the position of an event
    const orphans = await store.sql.query('SELECT v.position FROM entity_versions v LEFT JOIN events e ON e.position = v.position WHERE e.position IS NULL')
    expect(orphans).toHaveLength(0)
    expect(await synome.verifyLog()).toMatchObject({ ok: true, events: (await synome.head()).position })
    const metrics = await createSynomeMetrics(synome).registry.metrics()
    expect(metrics).toMatch(new RegExp(`^synome_group_commit_batches_total ${synome.groupCommit.stats.batches}$`, 'm'))
    expect(metrics).toMatch(new RegExp(`^synome_group_commit_commands_total ${synome.groupCommit.stats.commands}$`, 'm'))
    expect(metrics).toMatch(/^synome_group_commit_queued 0$/m)
    expect(metrics).toMatch(new RegExp(`^synome_speculative_batches_total\\{outcome="all"\\} ${synome.speculation.batches}$`, 'm'))
    expect(metrics).toMatch(new RegExp(`^synome_speculative_batches_total\\{outcome="refuted"\\} ${synome.speculation.refuted}$`, 'm'))
  })
})
