/**
 * Issue 19: the read API served from a PostgreSQL streaming replica (`readDatabaseUrl`,
 * `halo synome serve --read-database-url`). Writes go to the primary; a client reads its own
 * writes at once (the HTTP client names its last acknowledged position and the read waits,
 * bounded, for the replica to apply it); with replay paused on the replica a read that needs a
 * newer position is refused STORE_UNAVAILABLE (retryable) instead of answering from an older
 * state, and succeeds once replay resumes; `events after N` and as-of reads from the replica
 * equal the primary's.
 */
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHttpClient, createInProcessClient, type SynomeClient } from '../../src/synome/client/index.js'
import { createSynome } from '../../src/synome/create.js'
import { MIN_POSITION_HEADER } from '../../src/synome/http/headers.js'
import { startSynomeServer } from '../../src/synome/server.js'
import type { SynomeService } from '../../src/synome/service.js'
import { postgresAvailable, startReplicatedPair, waitForSynchronousStandby } from '../support/pgCluster.js'
import { accounts, bootstrapRoles, HALO_CLASS, testClock } from './support.js'

const required = process.env.CI === 'true'
const run = postgresAvailable() || required ? describe : describe.skip

let pair: Awaited<ReturnType<typeof startReplicatedPair>>
let synome: SynomeService
let primaryOnly: SynomeService
let server: Awaited<ReturnType<typeof startSynomeServer>>
let nfat: SynomeClient
let standbyAdmin: pg.Client
const { clock } = testClock()

run('Synome reads from a PostgreSQL read replica', () => {
  beforeAll(async () => {
    pair = await startReplicatedPair()
    await waitForSynchronousStandby(pair.primary.url)
    synome = await createSynome({ databaseUrl: pair.primary.url, readDatabaseUrl: pair.standby.url, replicaWaitMs: 1_500, roles: bootstrapRoles, clock })
    primaryOnly = await createSynome({ databaseUrl: pair.primary.url, clock })
    server = await startSynomeServer({ service: synome, port: 0 })
    nfat = createHttpClient({ url: server.url, account: accounts.nfat, clock })
    await createInProcessClient({ service: synome, account: accounts.council, clock }).send('registerHaloClass', { haloClass: HALO_CLASS }, { idempotencyKey: 'class' })
    standbyAdmin = new pg.Client({ connectionString: pair.standby.url })
    await standbyAdmin.connect()
  }, 120_000)
  afterAll(async () => {
    await standbyAdmin?.query('SELECT pg_wal_replay_resume()').catch(() => {})
    await standbyAdmin?.end().catch(() => {})
    await server?.close()
    await synome?.close().catch(() => {})
    await primaryOnly?.close().catch(() => {})
    pair?.stop()
  })

  it('the read API is the replica’s: a write is on the primary, the replica is read-only', async () => {
    expect(synome.readReplica).toBe(true)
    await expect(standbyAdmin.query("INSERT INTO events (position) VALUES (999999)")).rejects.toThrow(/read-only/)
  })

  it('a client reads its own writes through the replica, every time', async () => {
    for (let k = 0; k < 30; k++) {
      const sleeveId = `sleeve-ryw-${k}`
      const written = await nfat.send('createSleeve', { sleeveId, haloClass: HALO_CLASS }, { idempotencyKey: `create:${sleeveId}` })
      const read = await nfat.get('sleeve', sleeveId)
      expect(read.version).toBe(written.entity.version)
      expect((await nfat.head()).position).toBeGreaterThanOrEqual(written.position)
    }
  })

  it('with replay paused, a read needing a newer position is refused STORE_UNAVAILABLE (retryable) after the bounded wait; resumed, it is answered', async () => {
    await standbyAdmin.query('SELECT pg_wal_replay_pause()')
    const written = await nfat.send('createSleeve', { sleeveId: 'sleeve-paused', haloClass: HALO_CLASS }, { idempotencyKey: 'create:sleeve-paused' })
    // the primary has it (the commit waited for the standby to flush, not to apply it)
    expect((await primaryOnly.get('sleeve', 'sleeve-paused')).version).toBe(1)
    const started = Date.now()
    await expect(nfat.get('sleeve', 'sleeve-paused')).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE', meta: { retryable: true, minPosition: written.position } })
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_400)
    // a reader that did not write (no position named) gets the replica's prefix at once
    const stranger = await fetch(`${server.url}/entities/sleeve/sleeve-paused`)
    expect(stranger.status).toBe(404)
    await standbyAdmin.query('SELECT pg_wal_replay_resume()')
    expect((await nfat.get('sleeve', 'sleeve-paused')).version).toBe(1)
  })

  it('events after N and as-of reads from the replica equal the primary’s', async () => {
    const head = (await primaryOnly.head()).position
    const viaReplica = await fetch(`${server.url}/events?after=0&limit=1000`, { headers: { [MIN_POSITION_HEADER]: String(head) } }).then((r) => r.json() as Promise<{ events: { position: number; hash: string }[] }>)
    const onPrimary = await primaryOnly.events({ after: 0, limit: 1000 })
    expect(viaReplica.events.map((e) => [e.position, e.hash])).toEqual(onPrimary.events.map((e) => [e.position, e.hash]))
    const asOf = new Date(clock().getTime() + 1000).toISOString()
    const replicaAsOf = await nfat.getAsOf('sleeve', 'sleeve-ryw-3', asOf)
    expect(replicaAsOf).toEqual(await primaryOnly.getAsOf('sleeve', 'sleeve-ryw-3', asOf))
  })

  it('a bad position header is refused (INVALID_INPUT) and a replica needs a PostgreSQL primary', async () => {
    const response = await fetch(`${server.url}/head`, { headers: { [MIN_POSITION_HEADER]: '-1' } })
    expect(response.status).toBe(400)
    await expect(createSynome({ dataDir: null, readDatabaseUrl: pair.standby.url })).rejects.toMatchObject({ code: 'INVALID_INPUT' })
  })
})
