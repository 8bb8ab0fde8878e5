import pg from 'pg'
import { StoreError, StoreUnavailableError } from '../errors.js'
import type { Sql, SqlExecutor, SqlRow, Statement } from './sql.js'
import { TIMESTAMPTZ_OID, timestampText } from './timestamps.js'

/** timestamptz columns come back as the Synome's timestamp text (timestampText), without a Date in between; as on PGlite. */
const TYPES = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === TIMESTAMPTZ_OID && format !== 'binary' ? timestampText : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
}

export type CreatePgSqlParameters = {
  /**
   * One PostgreSQL URL, or several separated by commas (a primary and its standbys, in any
   * order): the store uses the first that accepts writes and moves to another one that does
   * when its server goes away (after a failover promoted a standby).
   */
  databaseUrl: string
  maxConnections?: number
  /** How many servers to try, in rounds over the list, before a call fails (bounded). */
  failoverRounds?: number
  /** Client-side bound on one statement. */
  queryTimeoutMs?: number
}

/** Connection-level failures after which the current server is abandoned. */
const LOST_CODES = new Set<string>(['57P01', '57P02', '57P03', '25006', '08000', '08003', '08006', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT'])
const isConnectionLost = (error: unknown): boolean => {
  const e = error as { code?: string; message?: string }
  return (e.code !== undefined && LOST_CODES.has(e.code)) || /Connection terminated|connection is closed|not queryable|server closed the connection|Query read timeout/i.test(e.message ?? '')
}

export const splitDatabaseUrls = (value: string): string[] =>
  value
    .split(/,(?=\s*postgres(?:ql)?:\/\/)/)
    .map((url) => url.trim())
    .filter(Boolean)

/**
 * PostgreSQL server adapter (node-postgres pool) with client-side failover between servers.
 *
 * Why not retry inside: a command whose COMMIT was sent when the server died may or may not
 * have committed (with synchronous_commit on and a synchronous standby, it is on the standby
 * exactly when it was acknowledged). Only the caller can tell, by resending the same signed
 * command: its idempotency key returns the first result if it committed and applies it once
 * if not. So a lost connection fails the call with STORE_UNAVAILABLE (503, retryable), and the
 * next call runs on whichever server now accepts writes.
 */
export function createPgSql({ databaseUrl, maxConnections = 10, failoverRounds = 20, queryTimeoutMs = 30_000 }: CreatePgSqlParameters): Sql {
  const urls = splitDatabaseUrls(databaseUrl)
  if (urls.length === 0) throw new StoreError('no PostgreSQL URL given')
  const newPool = (url: string) => {
    // Bounded waits: connecting, and each statement (a COMMIT waiting on a synchronous standby
    // that is gone would otherwise wait forever).
    const pool = new pg.Pool({ connectionString: url, max: maxConnections, connectionTimeoutMillis: 5_000, query_timeout: queryTimeoutMs, types: TYPES })
    // A client that loses its server must not crash the process (idle ones report on the pool,
    // checked-out ones on themselves); the query in flight rejects and says so.
    pool.on('error', () => {})
    pool.on('connect', (client) => client.on('error', () => {}))
    return pool
  }
  let index = 0
  let pool = newPool(urls[0]!)
  let healthy = urls.length === 1
  let closed = false

  /** Find a server that accepts writes (bounded: `failoverRounds` passes over the list, 250 ms apart). */
  async function writablePool(): Promise<pg.Pool> {
    if (healthy) return pool
    for (let round = 0; round < failoverRounds && !closed; round++) {
      for (let step = 0; step < urls.length; step++) {
        const candidate = (index + step) % urls.length
        const next = candidate === index ? pool : newPool(urls[candidate]!)
        try {
          const [row] = (await next.query('SELECT pg_is_in_recovery() AS standby')).rows as Array<{ standby: boolean }>
          if (row && !row.standby) {
            if (next !== pool) {
              void pool.end().catch(() => {})
              pool = next
              index = candidate
            }
            healthy = true
            return pool
          }
        } catch {
          // not reachable: try the next one
        }
        if (next !== pool) void next.end().catch(() => {})
      }
      await new Promise((resolve) => setTimeout(resolve, 250))
    }
    throw new StoreUnavailableError('no PostgreSQL server accepts writes', { details: `${urls.length} servers tried for ${failoverRounds} rounds`, meta: { retryable: true } })
  }

  async function guarded<T>(fn: (pool: pg.Pool) => Promise<T>): Promise<T> {
    const current = await writablePool()
    try {
      return await fn(current)
    } catch (error) {
      if (urls.length > 1 && isConnectionLost(error)) {
        healthy = false
        throw new StoreUnavailableError('the PostgreSQL server went away; retry the command', { cause: error, meta: { retryable: true } })
      }
      throw error
    }
  }

  const executor = (client: pg.Pool | pg.PoolClient): SqlExecutor => ({
    async query<T extends SqlRow>(text: string, params: readonly unknown[] = []) {
      const result = await client.query(text, params as unknown[])
      return result.rows as T[]
    },
  })
  return {
    kind: 'postgres',
    query: (text, params) => guarded((p) => executor(p).query(text, params)),
    // outside a transaction: the statements in one round trip on one connection (one implicit transaction)
    queryMany: (statements) =>
      guarded(async (p) => {
        const client = await p.connect()
        try {
          const texts: string[] = []
          for (const statement of statements) texts.push(await sendable(client, statement))
          const results = (await client.query(texts.join(';\n'))) as unknown as pg.QueryResult | pg.QueryResult[]
          return (Array.isArray(results) ? results : [results]).map((r) => r.rows as SqlRow[])
        } finally {
          client.release()
        }
      }),
    async transaction(fn) {
      return guarded(async (p) => {
        const client = await p.connect()
        try {
          // BEGIN goes with the first statement(s) when they come through queryMany, and the
          // atCommit statements with COMMIT: a batch costs two round trips, not four
          let begun = false
          const closing: Statement[] = []
          const plain = executor(client)
          const tx: SqlExecutor = {
            async query(text, params) {
              if (!begun) await client.query('BEGIN')
              begun = true
              return plain.query(text, params)
            },
            async queryMany(statements) {
              const texts: string[] = []
              for (const statement of statements) texts.push(await sendable(client, statement))
              const skip = begun ? 0 : 1
              if (!begun) texts.unshift('BEGIN')
              begun = true
              const results = (await client.query(texts.join(';\n'))) as unknown as pg.QueryResult | pg.QueryResult[]
              return (Array.isArray(results) ? results : [results]).slice(skip).map((r) => r.rows as SqlRow[])
            },
            atCommit(statement) {
              closing.push(statement)
            },
          }
          const result = await fn(tx)
          if (closing.length > 0) {
            const texts: string[] = []
            for (const statement of closing) texts.push(await sendable(client, statement))
            await client.query(`${begun ? '' : 'BEGIN;\n'}${texts.join(';\n')};\nCOMMIT`)
          }
          else if (begun) await client.query('COMMIT')
          return result
        } catch (error) {
          await client.query('ROLLBACK').catch(() => {})
          throw error
        } finally {
          client.release()
        }
      })
    },
    async exec(script) {
      await guarded((p) => p.query(script))
    },
    async close() {
      closed = true
      await pool.end()
    },
  }
}

/**
 * The named statements each connection has PREPAREd, with how often each ran and when it is
 * prepared again (a new connection, as after a failover, has none).
 */
const preparedOn = new WeakMap<pg.PoolClient, Map<string, { executions: number; replanAt: number }>>()
const PREPARED_NAME = /^[a-z_][a-z0-9_]{0,62}$/
const PREPARED_TYPE = /^[a-z][a-z0-9_ ]*(\[\])?$/
/** A statement is prepared again after this many executions on its connection, then after twice as many, and so on. */
const FIRST_REPLAN_EXECUTIONS = 64

/**
 * The text that runs `statement` inside a multi-statement query: its parameters inlined, or,
 * for a `prepared` statement, `EXECUTE name(…)` after PREPAREing it on this connection the
 * first time (its own round trip; PREPARE is not transactional, so a rolled-back batch leaves
 * it prepared, and a failed PREPARE leaves it unmarked).
 *
 * Why prepared again as executions double: after five executions the server keeps one generic
 * plan, made with the table sizes of that moment, until an ANALYZE invalidates it. On a new
 * Synome the tables are nearly empty then, and the generic plan probes `entities` through any
 * index that starts with `type` and filters on `id` — a scan that grows with the table
 * (measured: 422 rows filtered per lookup after 1,000 commands, the prefetch 3.5× slower)
 * until autovacuum analyzes it. Preparing again at 64, 128, 256, … executions replans with
 * the current sizes (the primary key once the table has rows), at log2 round trips in all.
 */
async function sendable(client: pg.PoolClient, statement: Statement): Promise<string> {
  if (!statement.prepared) return inlineParams(statement)
  const { name, types } = statement.prepared
  let statements = preparedOn.get(client)
  if (!statements) preparedOn.set(client, (statements = new Map()))
  let prepared = statements.get(name)
  if (!prepared || prepared.executions >= prepared.replanAt) {
    // checked where the name and types go into SQL text (the EXECUTE below reuses what passed here)
    if (!PREPARED_NAME.test(name) || !types.every((t) => PREPARED_TYPE.test(t))) throw new StoreError(`prepared statement ${name} has an invalid name or parameter type`)
    const prepare = `PREPARE ${name}(${types.join(', ')}) AS ${statement.text}`
    await client.query(prepared ? `DEALLOCATE ${name};\n${prepare}` : prepare)
    prepared = { executions: 0, replanAt: prepared ? prepared.replanAt * 2 : FIRST_REPLAN_EXECUTIONS }
    statements.set(name, prepared)
  }
  prepared.executions++
  return inlineParams({ text: `EXECUTE ${name}(${types.map((_, i) => `$${i + 1}`).join(', ')})`, params: statement.params })
}

/**
 * `statement` with its parameters as literals (strings escaped as libpq's PQescapeLiteral does, finite
 * numbers, booleans, NULL), so several statements go in one simple-protocol query. Only for the
 * Synome's own statement texts, where `$n` appears only as a placeholder.
 */
export function inlineParams({ text, params = [] }: Statement): string {
  return text.replace(/\$(\d+)/g, (_, n: string) => {
    const index = Number(n) - 1
    if (index < 0 || index >= params.length) throw new StoreError(`statement has no parameter $${n}`)
    const value = params[index]
    if (value === null || value === undefined) return 'NULL'
    if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE'
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) throw new StoreError('a parameter is not a finite number')
      return `(${String(value)})`
    }
    if (typeof value === 'bigint') return `(${value.toString()})`
    if (typeof value === 'string') return escapeLiteral(value)
    throw new StoreError(`parameter $${n} is neither text, number, boolean nor null`)
  })
}

/** libpq's PQescapeLiteral (as pg's escapeLiteral), with two replaces instead of a loop per character (batch rows are long). */
function escapeLiteral(value: string): string {
  const quoted = value.replace(/'/g, "''")
  return value.includes('\\') ? ` E'${quoted.replace(/\\/g, '\\\\')}'` : `'${quoted}'`
}
