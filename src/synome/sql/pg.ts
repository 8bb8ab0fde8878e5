import pg from 'pg'
import type { Sql, SqlExecutor, SqlRow } from './sql.js'

export type CreatePgSqlParameters = { databaseUrl: string; maxConnections?: number }

/** PostgreSQL server adapter (node-postgres pool). */
export function createPgSql({ databaseUrl, maxConnections = 10 }: CreatePgSqlParameters): Sql {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: maxConnections })
  // An idle client that loses its server must not crash the process; the next query reports it.
  pool.on('error', () => {})
  const executor = (client: pg.Pool | pg.PoolClient): SqlExecutor => ({
    async query<T extends SqlRow>(text: string, params: readonly unknown[] = []) {
      const result = await client.query(text, params as unknown[])
      return result.rows as T[]
    },
  })
  return {
    kind: 'postgres',
    ...executor(pool),
    async transaction(fn) {
      const client = await pool.connect()
      try {
        await client.query('BEGIN')
        const result = await fn(executor(client))
        await client.query('COMMIT')
        return result
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {})
        throw error
      } finally {
        client.release()
      }
    },
    async exec(script) {
      await pool.query(script)
    },
    async close() {
      await pool.end()
    },
  }
}
