import { closeSync, existsSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readFileSync, unlinkSync, writeFileSync, writeSync } from 'node:fs'
import { dirname } from 'node:path'
import { BaseError } from '../../domain/errors.js'

/**
 * An append-only JSON-lines file, fsynced on every append, for a beacon's own durable state
 * (transaction intents, nonces, bank ledger).
 *
 * Why a file rather than tables in the Synome's SQL store: this state belongs to one beacon
 * process, has a single writer, and must survive `kill -9` between "decided" and "acted".
 * An append + fsync is the smallest mechanism with that guarantee, starts in milliseconds
 * (PGlite takes seconds and hundreds of MB per instance on a 2-core box), and a torn last
 * line is the only possible damage, which `open` detects and cuts off. The in-memory view
 * is a fold over the lines, so replaying the file *is* recovery.
 */
export class JournalCorruptError extends BaseError {
  override name = 'JournalCorruptError'
  override readonly code: string = 'JOURNAL_CORRUPT'
  override readonly status: number = 500
}

export class JournalLockedError extends BaseError {
  override name = 'JournalLockedError'
  override readonly code: string = 'JOURNAL_LOCKED'
  override readonly status: number = 409
}

export type JsonlJournalParameters<T> = {
  path: string
  /** Validate one parsed line (throw on a bad shape). */
  parse: (raw: unknown) => T
  /** Take an exclusive lock file (`<path>.lock` holding our pid); stale locks of dead pids are taken over. */
  lock?: boolean | undefined
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function takeLock(lockPath: string): void {
  // Bounded: one stale-lock takeover attempt, then refuse.
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lockPath, String(process.pid), { flag: 'wx' })
      return
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      const owner = Number(readFileSync(lockPath, 'utf8'))
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && processAlive(owner)) {
        throw new JournalLockedError('journal is in use by another process', { details: `${lockPath} held by pid ${owner}`, meta: { pid: owner } })
      }
      unlinkSync(lockPath)
    }
  }
  throw new JournalLockedError('could not take the journal lock', { details: lockPath })
}

export class JsonlJournal<T> {
  readonly path: string
  readonly #records: T[] = []
  #fd: number
  #lockPath: string | undefined

  private constructor(path: string, fd: number, lockPath: string | undefined) {
    this.path = path
    this.#fd = fd
    this.#lockPath = lockPath
  }

  static open<T>(parameters: JsonlJournalParameters<T>): JsonlJournal<T> {
    const { path, parse } = parameters
    mkdirSync(dirname(path), { recursive: true })
    const lockPath = parameters.lock ? `${path}.lock` : undefined
    if (lockPath) takeLock(lockPath)
    const text = existsSync(path) ? readFileSync(path, 'utf8') : ''
    const fd = openSync(path, 'a+')
    const journal = new JsonlJournal<T>(path, fd, lockPath)
    const complete = text.lastIndexOf('\n') + 1
    // A crash mid-append leaves at most one unterminated line: it was never acknowledged.
    if (complete < text.length) {
      ftruncateSync(fd, Buffer.byteLength(text.slice(0, complete)))
      fsyncSync(fd)
    }
    const lines = text.slice(0, complete).split('\n').filter((line) => line.length > 0)
    lines.forEach((line, index) => {
      try {
        journal.#records.push(parse(JSON.parse(line)))
      } catch (cause) {
        closeSync(fd)
        throw new JournalCorruptError('journal line does not parse', { details: `${path}:${index + 1}`, cause })
      }
    })
    return journal
  }

  get records(): readonly T[] {
    return this.#records
  }

  /** Durable once this returns: written and fsynced. */
  append(record: T): void {
    writeSync(this.#fd, `${JSON.stringify(record)}\n`)
    fsyncSync(this.#fd)
    this.#records.push(record)
  }

  close(): void {
    if (this.#fd < 0) return
    closeSync(this.#fd)
    this.#fd = -1
    if (this.#lockPath && existsSync(this.#lockPath) && readFileSync(this.#lockPath, 'utf8') === String(process.pid)) unlinkSync(this.#lockPath)
  }
}
