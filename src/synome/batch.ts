import type { EntityRecord } from './commands/types.js'
import { leaseFromRow } from './leases.js'
import type { Lease } from '../domain/lease.js'
import type { SynomeEvent } from './log/hash.js'
import { eventFromRow } from './log/rows.js'
import { queryAll, queryAtCommit, type SqlExecutor, type SqlRow, type Statement } from './sql/sql.js'
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

  private constructor(readonly tx: SqlExecutor) {}

  /**
   * Read head, leases, prior key uses, roles and `entities` for `keys` in one statement, after
   * taking `lock` (or with the caller holding the append lock) — one round trip with the
   * transaction's BEGIN where the adapter can.
   */
  static async open(tx: SqlExecutor, keys: readonly BatchKey[], options: OpenBatchOptions = {}): Promise<AppendBatch> {
    const batch = new AppendBatch(tx)
    const actors = [...new Set(keys.map((k) => k.actor))]
    const refs = new Map<string, EntityRef>()
    for (const ref of options.entities ?? []) refs.set(entityKey(ref.type, ref.id), { type: ref.type, id: ref.id })
    const prefetch: Statement = {
      text: PREFETCH,
      params: [JSON.stringify(actors), JSON.stringify(keys.map((k) => ({ actor: k.actor, key: k.idempotencyKey }))), JSON.stringify([...refs.values()])],
      prepared: { name: 'synome_batch_prefetch', types: ['jsonb', 'jsonb', 'jsonb'] },
    }
    const statements = options.lock === undefined ? [prefetch] : [{ text: 'SELECT pg_advisory_xact_lock($1)', params: [options.lock] }, prefetch]
    const rows = (await queryAll(tx, statements)).at(-1) as { kind: string; row: SqlRow }[]
    for (const k of keys) batch.looked.add(replayKey(k.actor, k.idempotencyKey))
    for (const key of refs.keys()) batch.entities.set(key, undefined)
    for (const actor of actors) {
      batch.lookedLeases.add(actor)
      batch.leases.set(actor, [])
      batch.entities.set(entityKey('role', actor), undefined)
    }
    for (const { kind, row } of rows) {
      if (kind === 'head') batch.head = { position: Number(row.position), hash: String(row.hash) }
      else if (kind === 'lease') batch.leases.get(String(row.signer))?.push(leaseFromRow(row))
      else if (kind === 'event') {
        const event = eventFromRow(row)
        batch.firstUse.set(replayKey(event.actor, event.idempotencyKey), event)
      } else if (kind === 'entity') {
        const record = entityFromRow(row)
        batch.entities.set(entityKey(record.type, record.id), record)
      }
    }
    return batch
  }

  /** The lease rows of `actor` (read FOR SHARE with the prefetch; a signer outside it is read now). */
  async leasesOf(actor: string): Promise<Lease[]> {
    if (!this.lookedLeases.has(actor)) {
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
    this.firstUse.set(replayKey(event.actor, event.idempotencyKey), event)
    this.head = { position: event.position, hash: event.hash }
  }

  /** Stage one entity version; the entity's highest version in the batch becomes its projection row. */
  addEntityVersion(r: EntityRecord<unknown>, time: string): void {
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
    await this.write()
  }

  /** Write every pending row in one statement now (nothing when nothing is pending). */
  async write(): Promise<void> {
    const statement = this.take()
    if (statement) await this.tx.query(statement.text, statement.params)
  }

  /** Write every pending row as the transaction's last statement, with its COMMIT where the adapter can. */
  async commit(): Promise<void> {
    const statement = this.take()
    if (statement) await queryAtCommit(this.tx, statement)
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
