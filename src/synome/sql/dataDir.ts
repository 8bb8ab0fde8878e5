import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { createRequire } from 'node:module'
import { StoreError } from '../errors.js'

/**
 * PGlite data-directory safety. PGlite is a single-process database: two processes writing
 * one directory corrupt it. So a data directory holds
 *   synome.lock       the owning process id (a second owner is refused while it lives)
 *   halo-synome.json  the PGlite version that wrote `pg/` (another major.minor is refused:
 *                     PGlite does not promise on-disk compatibility across minors)
 *   pg/               the PGlite cluster
 */
export const LOCK_FILE = 'synome.lock'
export const MARKER_FILE = 'halo-synome.json'

export function pgliteVersion(): string {
  let dir = dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'))
  for (let i = 0; i < 5; i++, dir = dirname(dir)) {
    const file = join(dir, 'package.json')
    if (!existsSync(file)) continue
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string }
    if (pkg.name === '@electric-sql/pglite' && pkg.version) return pkg.version
  }
  throw new StoreError('cannot find the installed PGlite version')
}

const majorMinor = (version: string) => version.split('.').slice(0, 2).join('.')

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Take the directory's lock or refuse with who holds it. Returns the release function. */
export function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true })
  const file = join(dataDir, LOCK_FILE)
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx')
      writeFileSync(fd, JSON.stringify({ pid: process.pid, since: new Date().toISOString() }))
      closeSync(fd)
      return () => rmSync(file, { force: true })
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      const holder = readHolder(file)
      if (holder !== undefined && alive(holder) ) {
        throw new StoreError(`data directory ${dataDir} is in use by process ${holder}`, {
          details: 'one process owns a PGlite data directory; stop it first, or point --database-url at a PostgreSQL server for several writers',
          meta: { dataDir, pid: holder },
        })
      }
      rmSync(file, { force: true }) // stale lock of a process that died
    }
  }
  throw new StoreError(`cannot lock data directory ${dataDir}`)
}

function readHolder(file: string): number | undefined {
  try {
    const pid = (JSON.parse(readFileSync(file, 'utf8')) as { pid?: unknown }).pid
    return typeof pid === 'number' ? pid : undefined
  } catch {
    return undefined
  }
}

/** Refuse a cluster written by another PGlite major.minor; stamp a new one. Returns the cluster path. */
export function checkDataDirVersion(dataDir: string, version = pgliteVersion()): string {
  const cluster = join(dataDir, 'pg')
  const marker = join(dataDir, MARKER_FILE)
  if (existsSync(join(cluster, 'PG_VERSION'))) {
    let written: string | undefined
    try {
      written = (JSON.parse(readFileSync(marker, 'utf8')) as { pglite?: string }).pglite
    } catch {
      written = undefined
    }
    if (written === undefined) throw new StoreError(`data directory ${dataDir} has a database but no ${MARKER_FILE}: not written by halo synome`, { meta: { dataDir } })
    if (majorMinor(written) !== majorMinor(version)) {
      throw new StoreError(`data directory ${dataDir} was written by PGlite ${written}; this build has PGlite ${version}`, {
        details: 'back it up with the matching version (halo synome backup) and restore it into a fresh directory',
        meta: { dataDir, written, running: version },
      })
    }
    return cluster
  }
  mkdirSync(cluster, { recursive: true })
  writeFileSync(marker, `${JSON.stringify({ pglite: version, createdAt: new Date().toISOString() }, null, 2)}\n`)
  return cluster
}
