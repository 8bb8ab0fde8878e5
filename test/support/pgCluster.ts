/**
 * Throwaway PostgreSQL 15 clusters for tests: a primary and a synchronous streaming standby,
 * from the initdb/pg_ctl/pg_basebackup binaries on PATH, as the `postgres` user when we are
 * root (the server refuses root). Every cluster lives in its own temp dir and is stopped and
 * removed by `stop()`; `kill()` is the crash (immediate shutdown, no checkpoint).
 */
import { execFileSync } from 'node:child_process'
import { appendFileSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import pg from 'pg'

const asRoot = process.getuid?.() === 0
function binDir(): string | undefined {
  try {
    return dirname(realpathSync(execFileSync('which', ['initdb'], { encoding: 'utf8' }).trim()))
  } catch {
    return undefined
  }
}
export const postgresAvailable = (): boolean => binDir() !== undefined

function run(tool: string, args: string[], timeoutMs = 60_000): string {
  const bin = join(binDir()!, tool)
  const [cmd, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args]
  return execFileSync(cmd, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs })
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

export type PgCluster = { port: number; url: string; dataDir: string; kill(): void; promote(): void; stop(): void }

function cluster(dataDir: string, port: number): PgCluster {
  let running = true
  return {
    port,
    dataDir,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    kill() {
      if (!running) return
      run('pg_ctl', ['-D', dataDir, '-m', 'immediate', 'stop'])
      running = false
    },
    promote() {
      run('pg_ctl', ['-D', dataDir, '-w', 'promote'])
    },
    stop() {
      if (running) {
        try {
          run('pg_ctl', ['-D', dataDir, '-m', 'immediate', 'stop'])
        } catch {
          // already gone
        }
        running = false
      }
    },
  }
}

function start(root: string, dataDir: string, port: number) {
  run('pg_ctl', ['-D', dataDir, '-l', join(root, `server-${port}.log`), '-w', '-o', `-p ${port} -k ${root} -c listen_addresses=127.0.0.1`, 'start'])
}

/** A primary that waits for one synchronous standby (`synchronous_commit = on`), and that standby. */
export async function startReplicatedPair(): Promise<{ primary: PgCluster; standby: PgCluster; stop(): void }> {
  const root = mkdtempSync(join(tmpdir(), 'halo-pg-pair-'))
  if (asRoot) execFileSync('chown', ['postgres:postgres', root])
  const [primaryPort, standbyPort] = [await freePort(), await freePort()]
  const primaryDir = join(root, 'primary')
  const standbyDir = join(root, 'standby')
  run('initdb', ['-D', primaryDir, '-A', 'trust', '-U', 'postgres', '--no-sync'])
  const conf = [
    'wal_level = replica',
    'max_wal_senders = 4',
    "synchronous_standby_names = 'standby1'",
    'synchronous_commit = on',
    'fsync = on',
    'max_connections = 100',
  ].join('\n')
  appendFileSync(join(primaryDir, 'postgresql.conf'), `\n${conf}\n`)
  appendFileSync(join(primaryDir, 'pg_hba.conf'), '\nhost replication postgres 127.0.0.1/32 trust\n')
  start(root, primaryDir, primaryPort)
  run('pg_basebackup', ['-h', '127.0.0.1', '-p', String(primaryPort), '-U', 'postgres', '-D', standbyDir, '-R', '-X', 'stream'])
  // The standby names itself so the primary's synchronous_standby_names matches it.
  const auto = join(standbyDir, 'postgresql.auto.conf')
  // Promoted, it has no standby of its own yet: it must not wait for one (the runbook then
  // attaches a new standby and turns synchronous replication back on).
  appendFileSync(auto, `\nprimary_conninfo = 'host=127.0.0.1 port=${primaryPort} user=postgres application_name=standby1'\nsynchronous_standby_names = ''\n`)
  writeFileSync(join(standbyDir, 'standby.signal'), '')
  if (asRoot) execFileSync('chown', ['-R', 'postgres:postgres', standbyDir])
  start(root, standbyDir, standbyPort)
  const primary = cluster(primaryDir, primaryPort)
  const standby = cluster(standbyDir, standbyPort)
  return {
    primary,
    standby,
    stop() {
      primary.stop()
      standby.stop()
      rmSync(root, { recursive: true, force: true })
    },
  }
}

/** Wait (bounded: 100 × 100 ms) until the primary streams to its standby synchronously. */
export async function waitForSynchronousStandby(primaryUrl: string): Promise<void> {
  const admin = new pg.Client({ connectionString: primaryUrl })
  await admin.connect()
  try {
    for (let i = 0; i < 100; i++) {
      const { rows } = await admin.query("SELECT sync_state FROM pg_stat_replication WHERE application_name = 'standby1'")
      if (rows[0]?.sync_state === 'sync') return
      await new Promise((r) => setTimeout(r, 100))
    }
  } finally {
    await admin.end()
  }
}
