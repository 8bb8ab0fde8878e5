import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { RecordJournal } from '../../../src/beacons/shared/recordJournal.js'
import type { TxJournalStore } from '../../../src/beacons/shared/txJournal.js'

/** A beacon's decision journal: a file for one instance, the Synome's shared journal under HA. */
const line = z.strictObject({ epoch: z.string(), amount: z.string().regex(/^\d+$/).transform((v) => BigInt(v)) })
const parse = (raw: unknown) => line.parse(raw)
const dir = mkdtempSync(join(tmpdir(), 'record-journal-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('RecordJournal', () => {
  it('a file: appends are durable, a reopen has them parsed, a line that does not parse is named', async () => {
    const path = join(dir, 'decisions.jsonl')
    const journal = new RecordJournal({ path, parse })
    await journal.append({ epoch: '2026-12-07', amount: '1000' })
    expect(journal.records).toEqual([{ epoch: '2026-12-07', amount: 1000n }])
    journal.close()
    const reopened = new RecordJournal({ path, parse })
    expect(reopened.records).toEqual([{ epoch: '2026-12-07', amount: 1000n }])
    // a line of the wrong shape is refused before anything is written
    await expect(reopened.append({ epoch: '2026-12-08', amount: '-1' })).rejects.toThrow()
    reopened.close()
    const bad = join(dir, 'bad.jsonl')
    writeFileSync(bad, '{"epoch":"2026-12-07","amount":"x"}\n')
    expect(() => new RecordJournal({ path: bad, parse })).toThrow(/does not parse/)
  })

  it('a shared store: unreadable until loaded; a refused append (a deposed leader) records nothing; reload shows what another instance wrote', async () => {
    const lines: unknown[] = []
    let refuse = false
    const store: TxJournalStore = {
      load: async () => [...lines],
      append: async (l) => {
        if (refuse) throw new Error('LEASE_FENCED')
        lines.push(l)
      },
    }
    const a = new RecordJournal({ store, parse })
    expect(() => a.records).toThrow(/not loaded/)
    await expect(a.append({ epoch: '2026-12-07', amount: '5' })).rejects.toThrow(/not loaded/)
    await a.reload()
    await a.append({ epoch: '2026-12-07', amount: '5' })
    expect(lines).toEqual([{ epoch: '2026-12-07', amount: '5' }])
    refuse = true
    await expect(a.append({ epoch: '2026-12-08', amount: '6' })).rejects.toThrow(/LEASE_FENCED/)
    expect(a.records).toEqual([{ epoch: '2026-12-07', amount: 5n }])
    // the next leader sees exactly the accepted line
    const b = new RecordJournal({ store, parse })
    await b.reload()
    expect(b.records).toEqual([{ epoch: '2026-12-07', amount: 5n }])
  })
})
