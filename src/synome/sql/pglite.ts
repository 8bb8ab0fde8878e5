import { PGlite } from '@electric-sql/pglite'
import type { Sql, SqlRow } from './sql.js'
import { TIMESTAMPTZ_OID, timestampText } from './timestamps.js'

/**
 * Embedded PGlite adapter. PGlite is one connection; its `transaction` holds an exclusive
 * lock, so a transaction never interleaves with other statements of this process.
 * `dataDir` undefined = in memory (tests that do not need a file).
 */
export async function createPgliteSql(dataDir: string | undefined): Promise<Sql> {
  // timestamptz as the Synome's timestamp text, as on PostgreSQL (src/synome/sql/pg.ts)
  const db = await PGlite.create(dataDir, { parsers: { [TIMESTAMPTZ_OID]: timestampText } })
  return {
    kind: 'pglite',
    async query<T extends SqlRow>(text: string, params: readonly unknown[] = []) {
      const result = await db.query<T>(text, params as unknown[])
      return result.rows
    },
    async transaction(fn) {
      return db.transaction(async (tx) =>
        fn({
          async query<T extends SqlRow>(text: string, params: readonly unknown[] = []) {
            const result = await tx.query<T>(text, params as unknown[])
            return result.rows
          },
        }),
      )
    },
    async exec(script) {
      await db.exec(script)
    },
    async close() {
      if (!db.closed) await db.close()
    },
  }
}
