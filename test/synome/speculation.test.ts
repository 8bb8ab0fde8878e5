/**
 * Speculative batches (PostgreSQL, two batches in flight): a batch runs its commands on the
 * staged state of the batch before while that one commits, and its commit checks under the
 * append lock what it built on (src/synome/batch.ts EXPECT). The attacks: a command accepted on
 * a state that never committed (the batch before fails at its commit), a deposed beacon
 * instance's command passing the fence on a lease row that changes before the commit, a handler
 * read that only the lock allows. Each must end as if the batch had run under the lock: nothing
 * of the refuted batch written, its commands run again and decided on the committed state.
 */
import { describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { createInProcessClient } from '../../src/synome/client/inProcess.js'
import { defineCommand } from '../../src/synome/commands/types.js'
import { SynomeService } from '../../src/synome/service.js'
import type { Sql, SqlExecutor } from '../../src/synome/sql/sql.js'
import { storeBackends, useStore } from '../fixtures/store.js'
import { accounts, bootstrapRoles, clientsFor, HALO_CLASS, testClock, unitPayload } from './support.js'

const NAME = 'lpha-nfat:facility-A'
const TTL_MS = 4_000

/**
 * The store's SQL, unchanged but for one control: `holdNext` holds the next transaction that
 * writes events after its statements ran (holding the append lock, before its COMMIT), and
 * `failHeld` then fails it (rolled back) instead of committing. Counts the speculative commits
 * sent (their transactions carry synome_expect).
 */
function heldSql(base: Sql) {
  const control = { hold: undefined as Promise<void> | undefined, held: false, failHeld: false, expects: 0 }
  const sql: Sql = {
    kind: base.kind,
    query: (text, params) => base.query(text, params),
    ...(base.queryMany ? { queryMany: base.queryMany.bind(base) } : {}),
    async transaction(fn) {
      return base.transaction(async (tx) => {
        let writes = false
        const wrapped: SqlExecutor = {
          query: (text, params) => tx.query(text, params),
          ...(tx.queryMany ? { queryMany: tx.queryMany.bind(tx) } : {}),
          ...(tx.atCommit
            ? {
                atCommit: (statement) => {
                  if (statement.text.includes('synome_expect')) control.expects++
                  if (statement.text.includes('INSERT INTO events')) writes = true
                  tx.atCommit!(statement)
                },
              }
            : {}),
        }
        const result = await fn(wrapped)
        const hold = control.hold
        if (writes && hold && !control.held) {
          control.held = true
          await hold
          if (control.failHeld) throw new Error('the server refused the commit (injected)')
        }
        return result
      })
    },
    exec: (script) => base.exec(script),
    close: async () => {},
  }
  return { sql, control }
}

/** A command whose handler asks for the newest sleeve: a query over pending rows, which a speculative batch cannot make. */
const newestSleeve = defineCommand({
  name: 'newestSleeve',
  role: 'council',
  summary: 'test only',
  schema: z.strictObject({ haloClass: z.string() }),
  async target(_state, payload) {
    return { type: 'haloClass', id: payload.haloClass }
  },
  async apply(state) {
    return { newest: (await state.latest('sleeve'))?.id ?? null }
  },
})

const postgres = storeBackends().filter((b) => b.name === 'postgres')

describe.runIf(postgres.length > 0).each(postgres)('speculative batches on $name', (backend) => {
  const store = useStore(backend)

  async function setup() {
    const time = testClock()
    let leaseMs = Date.parse('2026-03-15T09:00:00Z')
    const leaseClock = () => new Date(leaseMs)
    await store.fresh()
    const { sql, control } = heldSql(store.sql)
    const synome = await SynomeService.open({ sql, clock: time.clock, roles: bootstrapRoles, leaseClock, commands: [newestSleeve] })
    expect(synome.groupCommit.maxInFlight).toBe(2)
    const c = clientsFor(synome, time.clock)
    await c.council.send('registerHaloClass', { haloClass: HALO_CLASS })
    const lessee = () => createInProcessClient({ service: synome, account: accounts.nfat, clock: time.clock, leaseClock })
    /**
     * Hold the first command's batch before its COMMIT, with the append lock; the second runs
     * speculatively on its state and sends its commit, which waits for the lock; then `between`
     * runs and the first batch is released (or failed).
     */
    async function twoBatches(first: unknown, second: unknown, options: { failFirst?: boolean; between?: () => Promise<void>; abandoned?: boolean } = {}) {
      let release!: () => void
      control.hold = new Promise((resolve) => (release = resolve))
      control.held = false
      control.failHeld = options.failFirst ?? false
      const before = { ...synome.speculation }
      const expects = control.expects
      const outcomes = Promise.allSettled([synome.execute(first), synome.execute(second)])
      await vi.waitFor(() => expect(control.held).toBe(true))
      if (options.abandoned) await vi.waitFor(() => expect(synome.speculation.again).toBe(before.again + 1))
      else await vi.waitFor(() => expect(control.expects).toBe(expects + 1)) // the second batch's commit is sent
      await options.between?.()
      release()
      const [a, b] = await outcomes
      control.hold = undefined
      return { a: a!, b: b!, speculated: synome.speculation.batches - before.batches, again: synome.speculation.again - before.again, refuted: synome.speculation.refuted - before.refuted }
    }
    return { synome, c, twoBatches, lessee, advance: (ms: number) => (leaseMs += ms) }
  }

  const eventsOf = async () => (await store.sql.query('SELECT position, command, actor, prev_hash, hash FROM events ORDER BY position')).map((r) => ({ position: Number(r.position), command: String(r.command) }))

  it('the batch before commits: the second batch, computed on its staged state while it committed, commits right after it with no round trip under the lock', async () => {
    const { synome, c, twoBatches } = await setup()
    const create = await c.nfat.sign('createSleeve', { sleeveId: 'sleeve-s', haloClass: HALO_CLASS })
    const sweep = await c.nfat.sign('sweepUnit', { sleeveId: 'sleeve-s', unit: unitPayload(7101, '1000', 'prime-1') })
    const { a, b, speculated, refuted } = await twoBatches(create, sweep)
    expect(a.status).toBe('fulfilled')
    expect(b.status).toBe('fulfilled')
    expect({ speculated, refuted }).toEqual({ speculated: 1, refuted: 0 })
    const [created, swept] = [a, b].map((o) => (o as PromiseFulfilledResult<{ position: number; hash: string }>).value)
    expect(swept!.position).toBe(created!.position + 1)
    expect((await synome.get<{ linkedUnits: number[] }>('sleeve', 'sleeve-s')).data.linkedUnits).toEqual([7101])
    expect(await synome.verifyLog()).toMatchObject({ ok: true, head: swept!.hash })
  })

  it('attack: the batch before fails at its COMMIT after the second ran on its state — the second is refuted (SYN01), runs again under the lock and its sweep into the sleeve that never existed is refused; nothing of either is written', async () => {
    const { synome, c, twoBatches } = await setup()
    const events = await eventsOf()
    const create = await c.nfat.sign('createSleeve', { sleeveId: 'sleeve-ghost', haloClass: HALO_CLASS })
    const sweep = await c.nfat.sign('sweepUnit', { sleeveId: 'sleeve-ghost', unit: unitPayload(7102, '1000', 'prime-1') })
    const { a, b, speculated, refuted } = await twoBatches(create, sweep, { failFirst: true })
    expect(a).toMatchObject({ status: 'rejected', reason: { message: expect.stringMatching(/injected/) } })
    expect(b).toMatchObject({ status: 'rejected', reason: { code: 'NOT_FOUND' } })
    expect(await eventsOf()).toEqual(events)
    expect({ speculated, refuted }).toEqual({ speculated: 1, refuted: 1 })
    await expect(synome.get('sleeve', 'sleeve-ghost')).rejects.toMatchObject({ code: 'NOT_FOUND' })
    expect(await synome.verifyLog()).toMatchObject({ ok: true, events: events.length })
    // both signed commands apply once when resent
    expect((await synome.execute(create)).replayed).toBe(false)
    expect((await synome.execute(sweep)).replayed).toBe(false)
    expect((await synome.execute(sweep)).replayed).toBe(true)
  })

  it('attack: a writer revoked in the batch before slips a command into the speculative batch behind it — the overlay carries the revocation, NOT_PERMITTED, nothing written', async () => {
    const { synome, c, twoBatches } = await setup()
    const revoke = await c.council.sign('revokeRole', { address: accounts.nfat.address, role: 'nfat' })
    const slip = await c.nfat.sign('createSleeve', { sleeveId: 'sleeve-slipped', haloClass: HALO_CLASS })
    const { a, b, speculated, refuted } = await twoBatches(revoke, slip)
    expect(a.status).toBe('fulfilled')
    expect(b).toMatchObject({ status: 'rejected', reason: { code: 'NOT_PERMITTED' } })
    expect({ speculated, refuted }).toEqual({ speculated: 1, refuted: 0 })
    await expect(synome.get('sleeve', 'sleeve-slipped')).rejects.toMatchObject({ code: 'NOT_FOUND' })
    expect(await synome.verifyLog()).toMatchObject({ ok: true })
  })

  it('the same signed command in the batch before and in the speculative batch: the second is a replay of the first (one event), read from the overlay, not run again', async () => {
    const { c, twoBatches } = await setup()
    const events = await eventsOf()
    const create = await c.nfat.sign('createSleeve', { sleeveId: 'sleeve-twice', haloClass: HALO_CLASS })
    const { a, b, speculated, again } = await twoBatches(create, create)
    expect(a).toMatchObject({ status: 'fulfilled', value: { replayed: false } })
    const first = (a as PromiseFulfilledResult<{ position: number; hash: string }>).value
    expect(b).toMatchObject({ status: 'fulfilled', value: { replayed: true, position: first.position, hash: first.hash } })
    expect({ speculated, again }).toEqual({ speculated: 1, again: 0 })
    expect(await eventsOf()).toHaveLength(events.length + 1)
  })

  it('attack: a standby takes the lease after the deposed instance’s command passed the fence speculatively — the commit sees the lease row moved (SYN01), the command runs again under the lock and is refused LEASE_FENCED', async () => {
    const { synome, c, twoBatches, lessee, advance } = await setup()
    const a = lessee()
    await a.acquireLease({ name: NAME, holder: 'a', ttlMs: TTL_MS })
    const events = await eventsOf()
    const other = await c.council.sign('registerHaloClass', { haloClass: 'class-other' })
    const fenced = await a.sign('createSleeve', { sleeveId: 'sleeve-deposed', haloClass: HALO_CLASS }, { lease: { name: NAME, epoch: 1 } })
    const { a: first, b: second, speculated, refuted } = await twoBatches(other, fenced, {
      between: async () => {
        advance(TTL_MS + 1)
        expect(await lessee().acquireLease({ name: NAME, holder: 'b', ttlMs: TTL_MS })).toMatchObject({ epoch: 2, takeover: true })
      },
    })
    expect(first.status).toBe('fulfilled')
    expect(second).toMatchObject({ status: 'rejected', reason: { code: 'LEASE_FENCED' } })
    expect((await eventsOf()).map((e) => e.command)).toEqual([...events.map((e) => e.command), 'registerHaloClass'])
    expect({ speculated, refuted }).toEqual({ speculated: 1, refuted: 1 })
    await expect(synome.get('sleeve', 'sleeve-deposed')).rejects.toMatchObject({ code: 'NOT_FOUND' })
    expect(await synome.verifyLog()).toMatchObject({ ok: true })
  })

  it('a handler query over pending rows abandons the speculation before any commit is sent: the batch runs under the lock and sees the batch before’s sleeve', async () => {
    const { synome, c, twoBatches } = await setup()
    const create = await c.nfat.sign('createSleeve', { sleeveId: 'sleeve-newest', haloClass: HALO_CLASS })
    const ask = await c.council.sign('newestSleeve' as never, { haloClass: HALO_CLASS } as never)
    const { a, b, speculated, again, refuted } = await twoBatches(create, ask, { abandoned: true })
    expect({ speculated, again, refuted }).toEqual({ speculated: 1, again: 1, refuted: 1 })
    expect(a.status).toBe('fulfilled')
    expect(b).toMatchObject({ status: 'fulfilled', value: { result: { newest: 'sleeve-newest' } } })
    expect(await synome.verifyLog()).toMatchObject({ ok: true })
  })
})
