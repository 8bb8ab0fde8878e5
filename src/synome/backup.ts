import { createReadStream, createWriteStream } from 'node:fs'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import { InvalidInputError } from '../domain/errors.js'
import type { SynomeClient } from './client/types.js'
import { GENESIS_HASH, verifyChain, type SynomeEvent } from './log/hash.js'
import type { SynomeService } from './service.js'

/**
 * Backup = the event log, one JSON event per line after a header line. The log is the whole
 * truth (projections are rebuilt by replay), so restore verifies the hash chain, every
 * signature, and that each command replays to its stored result: a tampered file is refused.
 */
export const BACKUP_FORMAT = 'halo-synome-backup/1'
const PAGE = 500

export type BackupHeader = { format: string; events: number; head: string; createdAt: string }

/** Page through the log with any client (in-process or HTTP) and write the file. */
export async function writeBackup(client: Pick<SynomeClient, 'events'>, path: string, now = new Date()): Promise<BackupHeader> {
  const events: SynomeEvent[] = []
  for (let after = 0; ; ) {
    const page = await client.events({ after, limit: PAGE })
    if (page.events.length === 0) break
    events.push(...page.events)
    after = page.next
  }
  const checked = verifyChain(events)
  if (!checked.ok) throw new InvalidInputError(`the source log does not verify at event ${checked.brokenAt}: ${checked.reason}`)
  const header: BackupHeader = { format: BACKUP_FORMAT, events: events.length, head: checked.head, createdAt: now.toISOString() }
  const out = createWriteStream(path)
  out.write(`${JSON.stringify(header)}\n`)
  for (const event of events) if (!out.write(`${JSON.stringify(event)}\n`)) await once(out, 'drain')
  out.end()
  await once(out, 'finish')
  return header
}

export async function readBackup(path: string): Promise<{ header: BackupHeader; events: SynomeEvent[] }> {
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity })
  let header: BackupHeader | undefined
  const events: SynomeEvent[] = []
  for await (const line of lines) {
    if (!line.trim()) continue
    let value: unknown
    try {
      value = JSON.parse(line)
    } catch {
      throw new InvalidInputError(`backup line ${events.length + 2} is not JSON`)
    }
    if (!header) {
      header = value as BackupHeader
      if (header.format !== BACKUP_FORMAT) throw new InvalidInputError(`not a Synome backup (format ${String(header.format)})`)
      continue
    }
    events.push(value as SynomeEvent)
  }
  if (!header) throw new InvalidInputError('backup is empty')
  if (header.events !== events.length) throw new InvalidInputError(`backup is tampered: header says ${header.events} events, file has ${events.length}`)
  const last = events.at(-1)?.hash ?? GENESIS_HASH
  if (header.head !== last) throw new InvalidInputError('backup is tampered: head hash does not match the last event')
  return { header, events }
}

/** Restore a backup file into an empty store. */
export async function restoreBackup(service: SynomeService, path: string): Promise<{ events: number; head: string }> {
  const { events } = await readBackup(path)
  return service.restoreEvents(events)
}
