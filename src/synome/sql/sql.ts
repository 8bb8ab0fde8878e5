/**
 * The one SQL surface the Synome uses, so the same statements run on embedded PGlite and on
 * a PostgreSQL server (one dialect: PostgreSQL's). Parameters are positional ($1, $2, …);
 * JSON goes in as text cast with `::jsonb` and comes back parsed.
 */
export type SqlRow = Record<string, unknown>

export interface SqlExecutor {
  query<T extends SqlRow = SqlRow>(text: string, params?: readonly unknown[]): Promise<T[]>
  /**
   * Where the adapter can (PostgreSQL): run several statements in ONE round trip — inside a
   * transaction with its BEGIN when that is the first thing sent, outside one as one implicit
   * transaction — each statement still on its own snapshot (READ COMMITTED), so one can read
   * what an earlier one waited for (a lock). Use `queryAll`, which falls back to one query each.
   */
  queryMany?(statements: readonly Statement[]): Promise<SqlRow[][]>
  /**
   * Inside a transaction, where the adapter can: run `statement` among the transaction's last
   * ones (in the order given), sent with its COMMIT in one round trip; an error fails the
   * transaction (rolled back) like any other. Use `queryAtCommit`, which falls back to running
   * it at once.
   */
  atCommit?(statement: Statement): void
}

/**
 * One statement for `queryMany` / `atCommit`: its text has `$n` only as placeholders.
 * `prepared`: where the adapter can (PostgreSQL), the statement is PREPAREd once per connection
 * under `name` with these parameter types and sent as `EXECUTE name(…)`, so the server plans it
 * once, not on every batch (the batch prefetch spent 1.35 of its 1.95 ms planning).
 */
export type Statement = { text: string; params?: readonly unknown[]; prepared?: { name: string; types: readonly string[] } | undefined }

/** `statements` in one round trip where `tx` can, else one query each, in order. */
export async function queryAll(tx: SqlExecutor, statements: readonly Statement[]): Promise<SqlRow[][]> {
  if (tx.queryMany) return tx.queryMany(statements)
  const out: SqlRow[][] = []
  for (const s of statements) out.push(await tx.query(s.text, s.params))
  return out
}

/** `statement` with the COMMIT where `tx` can, else now. */
export async function queryAtCommit(tx: SqlExecutor, statement: Statement): Promise<void> {
  if (tx.atCommit) tx.atCommit(statement)
  else await tx.query(statement.text, statement.params)
}

export interface Sql extends SqlExecutor {
  readonly kind: 'pglite' | 'postgres'
  /** Run `fn` in one transaction: commit when it resolves, roll back when it throws. */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>
  /** Run a multi-statement script (migrations). */
  exec(script: string): Promise<void>
  close(): Promise<void>
}
