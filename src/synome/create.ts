import { InvalidInputError } from '../domain/errors.js'
import type { FreshnessWindow } from '../domain/commandFreshness.js'
import type { RoleGrant } from '../domain/roles.js'
import type { CommandHandler } from './commands/types.js'
import type { CheckpointOptions } from './checkpoints.js'
import type { GroupCommitOptions } from './groupCommit.js'
import { SynomeService } from './service.js'
import { checkDataDirVersion, lockDataDir } from './sql/dataDir.js'
import { createPgSql } from './sql/pg.js'
import { createPgliteSql } from './sql/pglite.js'
import type { Sql } from './sql/sql.js'

export type CreateSynomeParameters = {
  /** PGlite data directory (default ./data/synome). Ignored when databaseUrl is set. `null` = in-memory PGlite. */
  dataDir?: string | null | undefined
  /** PostgreSQL server (DATABASE_URL); when set, PGlite is not used. */
  databaseUrl?: string | undefined
  clock?: (() => Date) | undefined
  /** Bootstrap writer roles, written as the first event of an empty store. */
  roles?: readonly RoleGrant[] | undefined
  /** chainId of the EIP-712 signing domain (default 31337). */
  chainId?: number | undefined
  /** Extra command handlers (see CommandHandler). */
  commands?: readonly CommandHandler[] | undefined
  /** Pool size for PostgreSQL. */
  maxConnections?: number | undefined
  /** issuedAt window for new commands (default 600 s before, 60 s after the clock); false = off. */
  freshness?: FreshnessWindow | false | undefined
  /** Clock of beacon leases (default: wall clock). */
  leaseClock?: (() => Date) | undefined
  /** Checkpoint key and cadence: sign a checkpoint every `everyEntries` entries or `everySeconds`. */
  checkpoint?: CheckpointOptions | undefined
  /** Group commit: most commands per transaction, linger while others wait, queue bound. */
  groupCommit?: GroupCommitOptions | undefined
  /**
   * A PostgreSQL streaming replica of `databaseUrl` serving the read API (docs/synome.md,
   * "Read replicas"); writes stay on the primary. PostgreSQL only.
   */
  readDatabaseUrl?: string | undefined
  /** Longest wait for the replica to apply a position a reader asks for (default 2,000 ms). */
  replicaWaitMs?: number | undefined
}

export const DEFAULT_DATA_DIR = './data/synome'

/**
 * Start a Synome in this process: open the store (PGlite data dir or PostgreSQL), migrate,
 * bootstrap roles on an empty log. `await synome.close()` releases the store and the lock.
 *
 *   const synome = await createSynome({ dataDir: null, clock, roles })
 *   const client = createInProcessClient({ service: synome, account })
 */
export async function createSynome(parameters: CreateSynomeParameters = {}): Promise<SynomeService> {
  if (parameters.readDatabaseUrl && !parameters.databaseUrl) throw new InvalidInputError('a read replica (readDatabaseUrl) needs a PostgreSQL primary (databaseUrl)')
  const { sql, release } = await openSql(parameters)
  const readSql = parameters.readDatabaseUrl ? createPgSql({ databaseUrl: parameters.readDatabaseUrl, maxConnections: parameters.maxConnections }) : undefined
  let service: SynomeService
  try {
    service = await SynomeService.open({ sql, readSql, replicaWaitMs: parameters.replicaWaitMs, clock: parameters.clock, roles: parameters.roles, chainId: parameters.chainId, commands: parameters.commands, freshness: parameters.freshness, leaseClock: parameters.leaseClock, checkpoint: parameters.checkpoint, groupCommit: parameters.groupCommit })
  } catch (error) {
    await sql.close().catch(() => {})
    await readSql?.close().catch(() => {})
    release()
    throw error
  }
  // closing the service also releases the data-directory lock, once
  const close = service.close.bind(service)
  let closed: Promise<void> | undefined
  service.close = () => {
    closed ??= close().finally(release)
    return closed
  }
  return service
}

async function openSql(parameters: CreateSynomeParameters): Promise<{ sql: Sql; release: () => void }> {
  if (parameters.databaseUrl) return { sql: createPgSql({ databaseUrl: parameters.databaseUrl, maxConnections: parameters.maxConnections }), release: () => {} }
  if (parameters.dataDir === null) return { sql: await createPgliteSql(undefined), release: () => {} }
  const dataDir = parameters.dataDir ?? DEFAULT_DATA_DIR
  const release = lockDataDir(dataDir)
  try {
    const cluster = checkDataDirVersion(dataDir)
    return { sql: await createPgliteSql(cluster), release }
  } catch (error) {
    release()
    throw error
  }
}
