import { InvalidInputError, NotFoundError } from '../domain/errors.js'
import { StoreUnavailableError } from './errors.js'
import type { EntityRecord } from './commands/types.js'
import type { SynomeEvent } from './log/hash.js'
import { eventFromRow } from './log/rows.js'
import type { Sql } from './sql/sql.js'
import { timestampText } from './sql/timestamps.js'
import { entityFromRow } from './state.js'

/** One version of an entity with who wrote it (history); `override` marks operator overrides. */
export type EntityVersion<T = Record<string, unknown>> = {
  type: string
  id: string
  version: number
  position: number
  time: string
  actor: string
  role: string
  command: string
  override: boolean
  reason: string | null
  data: T
}

export type ListFilter = {
  type: string
  haloClass?: string | undefined
  sleeveId?: string | undefined
  prime?: string | undefined
  state?: string | undefined
  /** ISO-8601 bounds on creation time: from inclusive, to exclusive. */
  createdFrom?: string | undefined
  createdTo?: string | undefined
  /** ISO-8601 bounds on last-update time: from inclusive, to exclusive. */
  updatedFrom?: string | undefined
  updatedTo?: string | undefined
  /** Opaque cursor from the previous page's `nextCursor`. */
  cursor?: string | undefined
  /** Page size, 1..1000 (default 100). */
  limit?: number | undefined
}

export type ListResult<T = Record<string, unknown>> = { items: EntityRecord<T>[]; nextCursor: string | null }
export type EventsResult = { events: SynomeEvent[]; next: number }

export const MAX_PAGE = 1000

/** Text that reaches SQL as a parameter: PostgreSQL refuses NUL characters (that would be a 500). */
function text(value: string, field: string): string {
  if (typeof value !== 'string' || value.length > 512 || value.includes('\u0000')) throw new InvalidInputError(`${field} is not a valid identifier`, { meta: { field } })
  return value
}

function parseTime(value: string, field: string): Date {
  const date = new Date(value)
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(date.getTime())) throw new InvalidInputError(`${field} is not an ISO-8601 time`, { meta: { field } })
  return date
}

function encodeCursor(record: EntityRecord): string {
  return Buffer.from(JSON.stringify([record.createdPosition, record.id])).toString('base64url')
}

function decodeCursor(cursor: string): [number, string] {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown
    if (Array.isArray(value) && Number.isSafeInteger(value[0]) && typeof value[1] === 'string') return [value[0] as number, value[1]]
  } catch {
    // fall through to the typed error
  }
  throw new InvalidInputError('cursor is invalid', { meta: { field: 'cursor' } })
}

function pageSize(limit: number | undefined, fallback: number): number {
  if (limit === undefined) return fallback
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_PAGE) throw new InvalidInputError(`limit must be 1..${MAX_PAGE}`, { meta: { field: 'limit' } })
  return limit
}

export type SynomeReadsOptions = {
  /**
   * A PostgreSQL streaming replica for the read API (get, as-of, history, list, events, head).
   * Writes, gates, leases, checkpoints and verify-log stay on the primary (`sql`).
   */
  readSql?: Sql | undefined
  /** Longest wait for the replica to apply a position a reader asks for (default 2,000 ms, at most 30,000). */
  replicaWaitMs?: number | undefined
}

/** Between two looks at the replica's head while a reader waits for a position. */
const REPLICA_POLL_MS = 20

/**
 * The read side: projections for latest state and lists, entity_versions for history and
 * as-of, events for followers — from the primary, or from a read replica. A replica is a
 * consistent prefix of the log (physical streaming replication applies commits in order, and
 * positions commit in order), so `events after N` never skips and an as-of read answers from
 * the versions applied so far; `awaitReadPosition(n)` is how a reader that wrote position n
 * (the HTTP client does it for every read) gets read-your-writes.
 */
export class SynomeReads {
  /** Where the read API's queries go: the replica when there is one, else the primary. */
  protected readonly reader: Sql
  readonly readReplica: boolean
  private readonly replicaWaitMs: number

  constructor(readonly sql: Sql, options: SynomeReadsOptions = {}) {
    this.reader = options.readSql ?? sql
    this.readReplica = options.readSql !== undefined
    const wait = options.replicaWaitMs ?? 2_000
    if (!Number.isSafeInteger(wait) || wait < 0 || wait > 30_000) throw new InvalidInputError('replicaWaitMs must be an integer in 0…30000', { meta: { replicaWaitMs: wait } })
    this.replicaWaitMs = wait
  }

  /**
   * Resolves once the read API sees every event up to `minPosition` (at once on the primary,
   * which has every acknowledged position); on a replica waits at most `replicaWaitMs`, then
   * refuses with STORE_UNAVAILABLE (retryable) rather than answer from an older state.
   */
  async awaitReadPosition(minPosition: number): Promise<void> {
    if (!Number.isSafeInteger(minPosition) || minPosition < 0) throw new InvalidInputError('minPosition must be a non-negative integer', { meta: { field: 'minPosition' } })
    if (!this.readReplica) return
    const rounds = Math.ceil(this.replicaWaitMs / REPLICA_POLL_MS)
    let applied = 0
    for (let round = 0; round <= rounds; round++) {
      applied = (await this.head()).position
      if (applied >= minPosition) return
      if (round < rounds) await new Promise((r) => setTimeout(r, REPLICA_POLL_MS))
    }
    throw new StoreUnavailableError(`the read replica has not applied position ${minPosition} yet`, { details: `replica head ${applied} after ${this.replicaWaitMs} ms; retry`, meta: { retryable: true, minPosition, applied } })
  }

  async get<T = Record<string, unknown>>(type: string, id: string): Promise<EntityRecord<T>> {
    const [row] = await this.reader.query('SELECT * FROM entities WHERE type = $1 AND id = $2', [text(type, 'type'), text(id, 'id')])
    if (!row) throw new NotFoundError(`${type} ${id} does not exist`, { meta: { type, id } })
    return entityFromRow<T>(row)
  }

  /** The entity as it was at `time` (the last version written at or before it). */
  async getAsOf<T = Record<string, unknown>>(type: string, id: string, time: string): Promise<EntityVersion<T>> {
    const [row] = await this.reader.query(
      `SELECT v.*, e.actor, e.role, e.command, e.payload FROM entity_versions v JOIN events e ON e.position = v.position
       WHERE v.type = $1 AND v.id = $2 AND v.time <= $3 ORDER BY v.version DESC LIMIT 1`,
      [text(type, 'type'), text(id, 'id'), parseTime(time, 'asOf')],
    )
    if (!row) throw new NotFoundError(`${type} ${id} did not exist at ${time}`, { meta: { type, id, asOf: time } })
    return versionFromRow<T>(row)
  }

  async history<T = Record<string, unknown>>(type: string, id: string, options: { afterVersion?: number; limit?: number } = {}): Promise<EntityVersion<T>[]> {
    const rows = await this.reader.query(
      `SELECT v.*, e.actor, e.role, e.command, e.payload FROM entity_versions v JOIN events e ON e.position = v.position
       WHERE v.type = $1 AND v.id = $2 AND v.version > $3 ORDER BY v.version LIMIT $4`,
      [text(type, 'type'), text(id, 'id'), options.afterVersion ?? 0, pageSize(options.limit, MAX_PAGE)],
    )
    if (rows.length === 0 && !options.afterVersion) throw new NotFoundError(`${type} ${id} does not exist`, { meta: { type, id } })
    return rows.map((row) => versionFromRow<T>(row))
  }

  async list<T = Record<string, unknown>>(filter: ListFilter): Promise<ListResult<T>> {
    const where = ['type = $1']
    const params: unknown[] = [text(filter.type, 'type')]
    const add = (clause: (n: number) => string, value: unknown) => {
      params.push(typeof value === 'string' ? text(value, 'filter') : value)
      where.push(clause(params.length))
    }
    if (filter.haloClass !== undefined) add((n) => `halo_class = $${n}`, filter.haloClass)
    if (filter.sleeveId !== undefined) add((n) => `sleeve_id = $${n}`, filter.sleeveId)
    if (filter.prime !== undefined) add((n) => `prime = $${n}`, filter.prime)
    if (filter.state !== undefined) add((n) => `state = $${n}`, filter.state)
    if (filter.createdFrom !== undefined) add((n) => `created_at >= $${n}`, parseTime(filter.createdFrom, 'createdFrom'))
    if (filter.createdTo !== undefined) add((n) => `created_at < $${n}`, parseTime(filter.createdTo, 'createdTo'))
    if (filter.updatedFrom !== undefined) add((n) => `updated_at >= $${n}`, parseTime(filter.updatedFrom, 'updatedFrom'))
    if (filter.updatedTo !== undefined) add((n) => `updated_at < $${n}`, parseTime(filter.updatedTo, 'updatedTo'))
    if (filter.cursor !== undefined) {
      const [position, id] = decodeCursor(filter.cursor)
      params.push(position, text(id, 'cursor'))
      where.push(`(created_position, id) > ($${params.length - 1}, $${params.length})`)
    }
    const limit = pageSize(filter.limit, 100)
    params.push(limit + 1)
    const rows = await this.reader.query(`SELECT * FROM entities WHERE ${where.join(' AND ')} ORDER BY created_position, id LIMIT $${params.length}`, params)
    const items = rows.slice(0, limit).map((row) => entityFromRow<T>(row))
    return { items, nextCursor: rows.length > limit ? encodeCursor(items.at(-1)! as EntityRecord) : null }
  }

  /**
   * Events after position N, oldest first. Appends hold one advisory lock from nextval to
   * commit, so positions become visible in order: a reader never sees N+1 before N, and
   * following with `after = next` never skips a late commit (rolled-back positions are gaps).
   */
  async events(options: { after?: number; limit?: number } = {}): Promise<EventsResult> {
    const after = options.after ?? 0
    if (!Number.isSafeInteger(after) || after < 0) throw new InvalidInputError('after must be a non-negative integer', { meta: { field: 'after' } })
    const rows = await this.reader.query('SELECT * FROM events WHERE position > $1 ORDER BY position LIMIT $2', [after, pageSize(options.limit, 100)])
    const events = rows.map(eventFromRow)
    return { events, next: events.at(-1)?.position ?? after }
  }

  /** Position and hash of the newest event. */
  async head(): Promise<{ position: number; hash: string | null }> {
    const [row] = await this.reader.query('SELECT position, hash FROM events ORDER BY position DESC LIMIT 1')
    return row ? { position: Number(row.position), hash: String(row.hash) } : { position: 0, hash: null }
  }
}

/** Operator overrides: marked in history with their reason. */
const OVERRIDE_COMMANDS = new Set(['overrideSleeveState', 'overrideUnit'])

function versionFromRow<T>(row: Record<string, unknown>): EntityVersion<T> {
  const command = String(row.command)
  const payload = row.payload as { reason?: unknown } | null
  const override = OVERRIDE_COMMANDS.has(command)
  return {
    type: String(row.type),
    id: String(row.id),
    version: Number(row.version),
    position: Number(row.position),
    time: timestampText(row.time),
    actor: String(row.actor),
    role: String(row.role),
    command,
    override,
    reason: override && typeof payload?.reason === 'string' ? payload.reason : null,
    data: row.data as T,
  }
}
