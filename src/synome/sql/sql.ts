/**
 * The one SQL surface the Synome uses, so the same statements run on embedded PGlite and on
 * a PostgreSQL server (one dialect: PostgreSQL's). Parameters are positional ($1, $2, …);
 * JSON goes in as text cast with `::jsonb` and comes back parsed.
 */
export type SqlRow = Record<string, unknown>

export interface SqlExecutor {
  query<T extends SqlRow = SqlRow>(text: string, params?: readonly unknown[]): Promise<T[]>
}

export interface Sql extends SqlExecutor {
  readonly kind: 'pglite' | 'postgres'
  /** Run `fn` in one transaction: commit when it resolves, roll back when it throws. */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>
  /** Run a multi-statement script (migrations). */
  exec(script: string): Promise<void>
  close(): Promise<void>
}
