import { NotFoundError } from '../domain/errors.js'
import { isoTimestamp } from '../domain/sleeve.js'
import { toJsonValue } from './log/canonical.js'
import type { EntityRecord, EntityWrite, StateAccess } from './commands/types.js'
import type { SqlExecutor, SqlRow } from './sql/sql.js'
import type { AppendBatch } from './batch.js'
import { timestampText } from './sql/timestamps.js'

/** Map a row of `entities` to an EntityRecord. */
export function entityFromRow<T>(row: SqlRow): EntityRecord<T> {
  return {
    type: String(row.type),
    id: String(row.id),
    version: Number(row.version),
    position: Number(row.position),
    createdPosition: Number(row.created_position),
    haloClass: (row.halo_class as string | null) ?? null,
    sleeveId: (row.sleeve_id as string | null) ?? null,
    prime: (row.prime as string | null) ?? null,
    state: (row.state as string | null) ?? null,
    createdAt: timestampText(row.created_at),
    updatedAt: timestampText(row.updated_at),
    data: row.data as T,
  }
}

export const entityKey = (type: string, id: string) => `${type}\u0001${id}`
const key = entityKey

/**
 * Entities read or written by earlier commands of one group-commit batch (same transaction,
 * under the append lock, so they are current). Only `flush` adds written records, so a refused
 * command's staged writes never enter it; records are copied in and out so a handler that
 * mutates what it read cannot change what the next command sees.
 */
export type BatchEntityCache = Map<string, EntityRecord<unknown> | undefined>

/**
 * StateAccess over one transaction. Writes are staged in memory (reads see them) and flushed
 * by `flush` after the handler succeeded, so a refused command never touches a table; `flush`
 * hands the rows to the batch, which writes the whole batch's rows in one statement.
 */
export class TransactionState implements StateAccess {
  readonly staged = new Map<string, EntityWrite>()
  /** Stored rows read in this transaction (the append lock keeps them current until commit). */
  private readonly cache = new Map<string, EntityRecord<unknown> | undefined>()
  constructor(
    private readonly tx: SqlExecutor,
    private readonly batch: AppendBatch,
  ) {}

  async get<T>(type: string, id: string): Promise<EntityRecord<T> | undefined> {
    const stored = await this.stored<T>(type, id)
    const write = this.staged.get(key(type, id))
    if (!write) return stored
    return { ...(stored ?? this.blank(type, id)), ...this.columns(write), data: write.data as T }
  }

  async require<T>(type: string, id: string): Promise<EntityRecord<T>> {
    const found = await this.get<T>(type, id)
    if (!found) throw new NotFoundError(`${type} ${id} does not exist`, { meta: { type, id } })
    return found
  }

  async children<T>(type: string, parent: { sleeveId?: string; haloClass?: string; prime?: string }, limit = 1000): Promise<EntityRecord<T>[]> {
    const where = ['type = $1']
    const params: unknown[] = [type]
    for (const [column, value] of [['sleeve_id', parent.sleeveId], ['halo_class', parent.haloClass], ['prime', parent.prime]] as const) {
      if (value === undefined) continue
      params.push(value)
      where.push(`${column} = $${params.length}`)
    }
    params.push(limit)
    await this.batch.beforeQuery()
    const rows = await this.tx.query(`SELECT * FROM entities WHERE ${where.join(' AND ')} ORDER BY created_position, id LIMIT $${params.length}`, params)
    const found = new Map(rows.map((row) => [String(row.id), entityFromRow<T>(row)]))
    for (const write of this.staged.values()) {
      if (write.type !== type) continue
      if (parent.sleeveId !== undefined && write.sleeveId !== parent.sleeveId) continue
      if (parent.haloClass !== undefined && write.haloClass !== parent.haloClass) continue
      if (parent.prime !== undefined && write.prime !== parent.prime) continue
      const base = found.get(write.id) ?? this.blank(type, write.id)
      found.set(write.id, { ...base, ...this.columns(write), data: write.data as T })
    }
    return [...found.values()]
  }

  async latest<T>(type: string): Promise<EntityRecord<T> | undefined> {
    const staged = [...this.staged.values()].filter((w) => w.type === type).at(-1)
    if (staged) return this.get<T>(type, staged.id)
    await this.batch.beforeQuery()
    const [row] = await this.tx.query('SELECT * FROM entities WHERE type = $1 ORDER BY created_position DESC, id DESC LIMIT 1', [type])
    return row ? entityFromRow<T>(row) : undefined
  }

  put(write: EntityWrite): void {
    this.staged.set(key(write.type, write.id), write)
  }

  /** The entity as stored before this command (ignores staged writes): what invariants compare with. */
  async before<T>(type: string, id: string): Promise<EntityRecord<T> | undefined> {
    return this.stored<T>(type, id)
  }

  /** Stage the staged entities' new versions at `position` in the batch (written with it). Returns type/id/version of each. */
  async flush(position: number, time: Date): Promise<{ type: string; id: string; version: number }[]> {
    const written: { type: string; id: string; version: number }[] = []
    const at = isoTimestamp(time)
    for (const write of this.staged.values()) {
      const stored = await this.stored(write.type, write.id)
      const version = (stored?.version ?? 0) + 1
      const columns = { ...(stored ? { haloClass: stored.haloClass, sleeveId: stored.sleeveId, prime: stored.prime, state: stored.state } : {}), ...this.columns(write) }
      const record: EntityRecord<unknown> = {
        type: write.type,
        id: write.id,
        version,
        position,
        createdPosition: stored?.createdPosition ?? position,
        haloClass: columns.haloClass ?? null,
        sleeveId: columns.sleeveId ?? null,
        prime: columns.prime ?? null,
        state: columns.state ?? null,
        createdAt: stored?.createdAt ?? at,
        updatedAt: at,
        data: toJsonValue(write.data),
      }
      written.push({ type: write.type, id: write.id, version })
      this.batch.addEntityVersion(record, at)
      this.batch.entities.set(key(write.type, write.id), { ...record, data: structuredClone(record.data) })
    }
    return written
  }

  private async stored<T>(type: string, id: string): Promise<EntityRecord<T> | undefined> {
    const k = key(type, id)
    if (this.cache.has(k)) return this.cache.get(k) as EntityRecord<T> | undefined
    if (this.batch.entities.has(k)) {
      const shared = this.batch.entities.get(k)
      const record = shared && { ...shared, data: structuredClone(shared.data) }
      this.cache.set(k, record)
      return record as EntityRecord<T> | undefined
    }
    const [row] = await this.tx.query('SELECT * FROM entities WHERE type = $1 AND id = $2', [type, id])
    const record = row ? entityFromRow<T>(row) : undefined
    this.cache.set(k, record as EntityRecord<unknown> | undefined)
    this.batch.entities.set(k, record && { ...record, data: structuredClone(record.data) })
    return record
  }

  private columns(write: EntityWrite) {
    const out: { haloClass?: string | null; sleeveId?: string | null; prime?: string | null; state?: string | null } = {}
    if (write.haloClass !== undefined) out.haloClass = write.haloClass
    if (write.sleeveId !== undefined) out.sleeveId = write.sleeveId
    if (write.prime !== undefined) out.prime = write.prime
    if (write.state !== undefined) out.state = write.state
    return out
  }

  private blank(type: string, id: string): EntityRecord<never> {
    return { type, id, version: 0, position: 0, createdPosition: 0, haloClass: null, sleeveId: null, prime: null, state: null, createdAt: '', updatedAt: '', data: undefined as never }
  }
}
