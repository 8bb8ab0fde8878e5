import type { EntityRecord } from './commands/types.js'
import { leaseFromRow } from './leases.js'
import type { Lease } from '../domain/lease.js'
import type { SynomeEvent } from './log/hash.js'
import { eventFromRow } from './log/rows.js'
import { queryAll, queryAtCommit, type Sql, type SqlExecutor, type SqlRow, type Statement } from './sql/sql.js'
import { entityFromRow, entityKey, type BatchEntityCache } from './state.js'

/** The chain head a batch appends after (undefined = empty log). */
export type Head = { position: number; hash: string } | undefined

/** Who a command of the batch is from and under which idempotency key. */
export type BatchKey = { actor: string; idempotencyKey: string }

/** An entity a handler of the batch will read (CommandHandler.reads). */
export type EntityRef = { type: string; id: string }

export type OpenBatchOptions = {
  /** Take this advisory transaction lock first, in the same round trip as the prefetch (queryMany). */
  lock?: number | undefined
  /** Entities to read with the prefetch (absent ones are known absent: no statement later). */
  entities?: readonly EntityRef[] | undefined
}

const replayKey = (actor: string, idempotencyKey: string) => `${actor}\u0001${idempotencyKey}`

/**
 * Everything a batch learns in ONE statement right after it took the append lock: the chain
 * head, the lease rows of every signer in the batch (FOR SHARE: an acquire, which takes its row
 * FOR UPDATE, waits for this batch to commit, so no epoch changes under it), every event
 * already stored under one of the batch's (signer, idempotency key) pairs, the role record of
 * every signer (each command's role check reads it), the entities the batch's handlers said
 * they read (CommandHandler.reads), and the Halo class of each of those (sweeps, transitions
 * and attestations check their sleeve's class). Every lookup is one index probe per key
 * (LATERAL … LIMIT 1 on a unique key): joined with jsonb_to_recordset, whose 100-row guess
 * made the planner scan all of events and entities per batch — O(log size) per command.
 */
const PREFETCH = `
WITH wanted AS MATERIALIZED (
  SELECT n.* FROM jsonb_to_recordset($3::jsonb) AS k(type text, id text)
  CROSS JOIN LATERAL (SELECT * FROM entities e WHERE e.type = k.type AND e.id = k.id LIMIT 1) n)
SELECT 'head' AS kind, to_jsonb(h) AS row FROM (SELECT position, hash FROM events ORDER BY position DESC LIMIT 1) h
UNION ALL
SELECT 'lease', to_jsonb(l) FROM (SELECT * FROM beacon_leases WHERE signer = ANY(SELECT jsonb_array_elements_text($1::jsonb)) ORDER BY signer, name FOR SHARE) l
UNION ALL
SELECT 'event', to_jsonb(e) FROM jsonb_to_recordset($2::jsonb) AS k(actor text, key text)
  CROSS JOIN LATERAL (SELECT * FROM events e WHERE e.actor = k.actor AND e.idempotency_key = k.key LIMIT 1) e
UNION ALL
SELECT 'entity', to_jsonb(n) FROM jsonb_array_elements_text($1::jsonb) AS a(actor)
  CROSS JOIN LATERAL (SELECT * FROM entities n WHERE n.type = 'role' AND n.id = a.actor LIMIT 1) n
UNION ALL
SELECT 'entity', to_jsonb(w) FROM wanted w
UNION ALL
SELECT 'entity', to_jsonb(c) FROM (SELECT DISTINCT halo_class FROM wanted WHERE type <> 'haloClass' AND halo_class IS NOT NULL) h
  CROSS JOIN LATERAL (SELECT * FROM entities c WHERE c.type = 'haloClass' AND c.id = h.halo_class LIMIT 1) c`

/**
 * The batch's rows in ONE statement (jsonb_to_recordset: one parameter each, no limit on rows,
 * the same on PGlite and PostgreSQL): every entity version ($1, each with its projection
 * columns), the projection rows derived from them — one per entity, its highest version in the
 * batch (created_* are kept on conflict) — and the events ($2). Each entity's data is sent once:
 * sending the projection rows beside the versions doubled the statement (12.7 KB for a batch
 * of four bench commands), and on this machine the loopback socket write costs Node CPU by
 * the byte (docs/synome.md).
 */
const WRITE_BATCH = `
WITH v AS MATERIALIZED (
  SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(type text, id text, version integer, created_position bigint, position bigint, halo_class text, sleeve_id text, prime text, state text, created_at timestamptz, updated_at timestamptz, time timestamptz, data jsonb)),
projected AS (
  INSERT INTO entities (type, id, version, created_position, position, halo_class, sleeve_id, prime, state, created_at, updated_at, data)
  SELECT DISTINCT ON (type, id) type, id, version, created_position, position, halo_class, sleeve_id, prime, state, created_at, updated_at, data
  FROM v ORDER BY type, id, version DESC
  ON CONFLICT (type, id) DO UPDATE SET version = EXCLUDED.version, position = EXCLUDED.position, halo_class = EXCLUDED.halo_class,
    sleeve_id = EXCLUDED.sleeve_id, prime = EXCLUDED.prime, state = EXCLUDED.state, updated_at = EXCLUDED.updated_at, data = EXCLUDED.data
  RETURNING 1),
versions AS (
  INSERT INTO entity_versions (type, id, version, position, time, data)
  SELECT type, id, version, position, time, data FROM v
  RETURNING 1)
INSERT INTO events (position, time, actor, role, command, payload, payload_hash, signature, idempotency_key, issued_at, expected_version, entity_type, entity_id, result, prev_hash, hash)
SELECT position, time, actor, role, command, payload, payload_hash, signature, idempotency_key, issued_at, expected_version, entity_type, entity_id, result, prev_hash, hash
FROM jsonb_to_recordset($2::jsonb) AS x(position bigint, time timestamptz, actor text, role text, command text, payload jsonb, payload_hash text, signature text, idempotency_key text, issued_at text, expected_version integer, entity_type text, entity_id text, result jsonb, prev_hash text, hash text)`

/**
 * Under the append lock, that a speculative batch's assumptions hold (synome_expect raises
 * SQLSTATE SYN01 otherwise, which rolls the transaction back before its rows): the log's head is
 * the one it built on — the hash chain then says the batch before committed and nothing else
 * did — and its signers' lease rows, now held FOR SHARE until COMMIT, are the rows its fence
 * checks read.
 */
const EXPECT = `
SELECT synome_expect(
  (SELECT position = $1 AND hash = $2 FROM events ORDER BY position DESC LIMIT 1) IS TRUE
  AND (SELECT coalesce(jsonb_agg(to_jsonb(l) ORDER BY l.signer, l.name), '[]'::jsonb)
       FROM (SELECT * FROM beacon_leases WHERE signer = ANY(SELECT jsonb_array_elements_text($3::jsonb)) FOR SHARE) l) = $4::jsonb,
  'the log head or a lease moved under a speculative batch')`

/** The SQLSTATE synome_expect raises (migration 6). */
export const SPECULATION_FAILED_CODE = 'SYN01'

/**
 * A speculative batch made a read it cannot make outside the append lock (a query over the
 * pending rows, a lease row outside its prefetch): it is run again under the lock.
 */
export class SpeculationAbandoned extends Error {
  override name = 'SpeculationAbandoned'
}

/** What a speculative batch built on, checked by EXPECT when it commits. */
type Assumed = { head: { position: number; hash: string }; actors: string[]; leaseRows: SqlRow[] }

/**
 * One append batch inside its transaction, after the append lock: what the batch read once
 * (head, leases, prior uses of its idempotency keys, roles), the entity cache its commands share,
 * and the rows its commands produced, written together by `write` — so a command costs no
 * statement of its own unless a handler reads an entity nobody in the batch read before.
 *
 * Commands still run one after another in arrival order and each sees the effects of the ones
 * before it: their entity writes through the cache, their events through `replayOf`; a handler
 * query the cache cannot answer (`children`, `latest`) first writes the pending rows
 * (`beforeQuery`), so the database sees them too.
 */
export class AppendBatch {
  /** Entities read or written by earlier commands of the batch (see BatchEntityCache). */
  readonly entities: BatchEntityCache = new Map()
  head: Head
  private readonly leases = new Map<string, Lease[]>()
  /** (signer, key) → its first event, stored before the batch or appended earlier in it. */
  private readonly firstUse = new Map<string, SynomeEvent>()
  /** The keys the prefetch looked up (absent from firstUse = never used before the batch). */
  private readonly looked = new Set<string>()
  private readonly lookedLeases = new Set<string>()
  private events: SynomeEvent[] = []
  /** Every entity version staged as its WRITE_BATCH row (the projection is each entity's highest version). */
  private versions: Record<string, unknown>[] = []
  /** Every event and each entity's newest version this batch appended (what a batch speculating on it overlays). */
  private readonly appended: SynomeEvent[] = []
  private readonly written = new Map<string, EntityRecord<unknown>>()
  /** The lease rows as the prefetch returned them (what EXPECT compares). */
  private leaseRows: SqlRow[] = []
  /** Present on a speculative batch: what its commit checks under the lock. */
  private assumed: Assumed | undefined
  /** The batch a speculative batch built on, until this one settles (so the chain is never longer than two). */
  private base: AppendBatch | undefined
  /** True once the batch committed or failed: nothing may speculate on it any more. */
  settled = false

  private constructor(readonly tx: SqlExecutor) {}

  /**
   * Read head, leases, prior key uses, roles and `entities` for `keys` in one statement, after
   * taking `lock` (or with the caller holding the append lock) — one round trip with the
   * transaction's BEGIN where the adapter can.
   */
  static async open(tx: SqlExecutor, keys: readonly BatchKey[], options: OpenBatchOptions = {}): Promise<AppendBatch> {
    const batch = new AppendBatch(tx)
    const prefetch = batch.prefetchOf(keys, options.entities ?? [])
    const statements = options.lock === undefined ? [prefetch] : [{ text: 'SELECT pg_advisory_xact_lock($1)', params: [options.lock] }, prefetch]
    batch.absorb(keys, options.entities ?? [], (await queryAll(tx, statements)).at(-1) as { kind: string; row: SqlRow }[])
    return batch
  }

  /**
   * A batch that runs its commands while `base` commits, on base's staged state: the same
   * prefetch, without the lock and outside a transaction, overlaid with what base appended and
   * wrote (its head, events and entity versions). Its reads see every commit before base's
   * (base's own base has settled, and only base can append before it); what base did not touch
   * is the same before and after base. Reads the cache cannot answer go to `sql` unlocked by
   * the same argument. `commitSpeculated` checks the assumptions under the lock.
   */
  static async speculate(sql: Sql, keys: readonly BatchKey[], options: { entities?: readonly EntityRef[] | undefined }, base: AppendBatch): Promise<AppendBatch> {
    if (base.settled || !base.head || base.base?.settled === false) throw new SpeculationAbandoned('the batch before is settled or not staged on a committed one')
    const batch = new AppendBatch(sql)
    batch.base = base
    batch.absorb(keys, options.entities ?? [], (await queryAll(sql, [batch.prefetchOf(keys, options.entities ?? [])])).at(-1) as { kind: string; row: SqlRow }[])
    batch.head = base.head
    for (const [k, record] of base.written) batch.entities.set(k, record)
    for (const event of base.appended) batch.firstUse.set(replayKey(event.actor, event.idempotencyKey), event)
    batch.assumed = { head: base.head, actors: [...batch.lookedLeases], leaseRows: batch.leaseRows }
    return batch
  }

  /** The batch committed or failed (nothing speculates on it from now on). */
  settle(): void {
    this.settled = true
    this.base = undefined
  }

  private prefetchOf(keys: readonly BatchKey[], entities: readonly EntityRef[]): Statement {
    const actors = [...new Set(keys.map((k) => k.actor))]
    const refs = new Map<string, EntityRef>()
    for (const ref of entities) refs.set(entityKey(ref.type, ref.id), { type: ref.type, id: ref.id })
    return {
      text: PREFETCH,
      params: [JSON.stringify(actors), JSON.stringify(keys.map((k) => ({ actor: k.actor, key: k.idempotencyKey }))), JSON.stringify([...refs.values()])],
      prepared: { name: 'synome_batch_prefetch', types: ['jsonb', 'jsonb', 'jsonb'] },
    }
  }

  /** Take in the prefetch's rows: what it looked up and did not find is known absent. */
  private absorb(keys: readonly BatchKey[], entities: readonly EntityRef[], rows: { kind: string; row: SqlRow }[]): void {
    for (const k of keys) this.looked.add(replayKey(k.actor, k.idempotencyKey))
    for (const ref of entities) this.entities.set(entityKey(ref.type, ref.id), undefined)
    for (const k of keys) {
      this.lookedLeases.add(k.actor)
      this.leases.set(k.actor, [])
      this.entities.set(entityKey('role', k.actor), undefined)
    }
    for (const { kind, row } of rows) {
      if (kind === 'head') this.head = { position: Number(row.position), hash: String(row.hash) }
      else if (kind === 'lease') {
        this.leaseRows.push(row)
        this.leases.get(String(row.signer))?.push(leaseFromRow(row))
      } else if (kind === 'event') {
        const event = eventFromRow(row)
        this.firstUse.set(replayKey(event.actor, event.idempotencyKey), event)
      } else if (kind === 'entity') {
        const record = entityFromRow(row)
        this.entities.set(entityKey(record.type, record.id), record)
      }
    }
  }

  /** The lease rows of `actor` (read FOR SHARE with the prefetch; a signer outside it is read now). */
  async leasesOf(actor: string): Promise<Lease[]> {
    if (!this.lookedLeases.has(actor)) {
      // EXPECT checks only the rows the prefetch read
      if (this.assumed) throw new SpeculationAbandoned(`lease rows of ${actor} outside the prefetch`)
      const rows = await this.tx.query('SELECT * FROM beacon_leases WHERE signer = $1 ORDER BY name FOR SHARE', [actor])
      this.leases.set(actor, rows.map(leaseFromRow))
      this.lookedLeases.add(actor)
    }
    return this.leases.get(actor) ?? []
  }

  /** The first event under (actor, key): appended earlier in this batch or stored before it. */
  async firstUseOf(actor: string, idempotencyKey: string): Promise<SynomeEvent | undefined> {
    const k = replayKey(actor, idempotencyKey)
    const known = this.firstUse.get(k)
    if (known || this.looked.has(k)) return known
    const [row] = await this.tx.query('SELECT * FROM events WHERE actor = $1 AND idempotency_key = $2', [actor, idempotencyKey])
    this.looked.add(k)
    if (!row) return undefined
    const event = eventFromRow(row)
    this.firstUse.set(k, event)
    return event
  }

  /** Stage an appended event; it becomes the head and the first use of its key. */
  addEvent(event: SynomeEvent): void {
    this.events.push(event)
    this.appended.push(event)
    this.firstUse.set(replayKey(event.actor, event.idempotencyKey), event)
    this.head = { position: event.position, hash: event.hash }
  }

  /** Stage one entity version; the entity's highest version in the batch becomes its projection row. */
  addEntityVersion(r: EntityRecord<unknown>, time: string): void {
    this.written.set(entityKey(r.type, r.id), r)
    this.versions.push({
      type: r.type,
      id: r.id,
      version: r.version,
      created_position: r.createdPosition,
      position: r.position,
      halo_class: r.haloClass,
      sleeve_id: r.sleeveId,
      prime: r.prime,
      state: r.state,
      created_at: r.createdAt,
      updated_at: r.updatedAt,
      time,
      data: r.data,
    })
  }

  /** Before a handler query the cache cannot answer: write what is pending so the query sees it. */
  async beforeQuery(): Promise<void> {
    // a speculative batch has no transaction to write them in before its lock
    if (this.assumed) throw new SpeculationAbandoned('a query over pending rows')
    await this.write()
  }

  /** Write every pending row in one statement now (nothing when nothing is pending). */
  async write(): Promise<void> {
    const statement = this.take()
    if (statement) await this.tx.query(statement.text, statement.params)
  }

  /** Write every pending row as the transaction's last statement, with its COMMIT where the adapter can. */
  async commit(): Promise<void> {
    if (this.assumed) throw new SpeculationAbandoned('a speculative batch commits with commitSpeculated')
    const statement = this.take()
    if (statement) await queryAtCommit(this.tx, statement)
  }

  /**
   * A speculative batch's commit: one transaction taking `lock`, checking what it assumed
   * (EXPECT; SYN01 when the batch before did not commit as staged, another writer appended, or
   * a lease row changed) and writing its rows — sent with BEGIN and COMMIT in one round trip
   * where the adapter can, so the lock is held only while the server runs it. Rows are written
   * even for a batch of replays and refusals only: its answers were read from the assumed state.
   */
  async commitSpeculated(sql: Sql, lock: number): Promise<void> {
    const assumed = this.assumed
    if (!assumed) throw new SpeculationAbandoned('not a speculative batch')
    const write = this.take()
    await sql.transaction(async (tx) => {
      await queryAtCommit(tx, { text: 'SELECT pg_advisory_xact_lock($1)', params: [lock] })
      await queryAtCommit(tx, {
        text: EXPECT,
        params: [assumed.head.position, assumed.head.hash, JSON.stringify(assumed.actors), JSON.stringify(assumed.leaseRows)],
        prepared: { name: 'synome_batch_expect', types: ['bigint', 'text', 'jsonb', 'jsonb'] },
      })
      if (write) await queryAtCommit(tx, write)
    })
  }

  /** The statement writing every pending row (undefined when nothing is pending); the rows are no longer pending. */
  private take(): Statement | undefined {
    if (this.events.length === 0 && this.versions.length === 0) return undefined
    const events = this.events.map((e) => ({
      position: e.position,
      time: e.time,
      actor: e.actor,
      role: e.role,
      command: e.command,
      payload: e.payload,
      payload_hash: e.payloadHash,
      signature: e.signature,
      idempotency_key: e.idempotencyKey,
      issued_at: e.issuedAt,
      expected_version: e.expectedVersion,
      entity_type: e.entityType,
      entity_id: e.entityId,
      result: e.result,
      prev_hash: e.prevHash,
      hash: e.hash,
    }))
    const versions = this.versions
    this.events = []
    this.versions = []
    return { text: WRITE_BATCH, params: [JSON.stringify(versions), JSON.stringify(events)], prepared: { name: 'synome_batch_write', types: ['jsonb', 'jsonb'] } }
  }
}
