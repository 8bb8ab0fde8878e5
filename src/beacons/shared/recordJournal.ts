import { JsonlJournal } from './jsonlJournal.js'
import type { TxJournalStore } from './txJournal.js'
import { TxFailedError } from './txJournal.js'

/**
 * Records a beacon journals before it acts on them (lpha-lcts's settlement decisions, a
 * Portfolio cycle's deploy amounts): a local JSON-lines file for one instance (fsynced, locked to
 * the process), or — HA instances — the Synome's shared beacon journal, appended under the lease
 * and reloaded whenever the lease changes hands (src/beacons/shared/ha.ts), so a new leader
 * settles with the numbers its predecessor decided. Lines are JSON; `parse` validates one and
 * gives the view's record.
 */
export class RecordJournal<T> {
  readonly #file: JsonlJournal<unknown> | undefined
  readonly #store: TxJournalStore | undefined
  readonly #parse: (raw: unknown) => T
  #records: T[] = []
  #loaded: boolean

  constructor(p: { path: string; parse: (raw: unknown) => T } | { store: TxJournalStore; parse: (raw: unknown) => T }) {
    this.#parse = p.parse
    if ('path' in p) {
      this.#file = JsonlJournal.open({ path: p.path, parse: (raw) => (p.parse(raw), raw), lock: true })
      this.#records = this.#file.records.map((raw) => p.parse(raw))
    } else this.#store = p.store
    this.#loaded = this.#file !== undefined
  }

  /** False for a shared journal until its first reload() (an HA instance that has not led yet). */
  get loaded(): boolean {
    return this.#loaded
  }

  get records(): readonly T[] {
    if (!this.#loaded) throw new TxFailedError('the shared record journal is not loaded (reload() first)')
    return this.#records
  }

  /** Durable once resolved; throws (and records nothing) when the shared store refuses it (a deposed leader). */
  async append(line: unknown): Promise<void> {
    const json: unknown = JSON.parse(JSON.stringify(line))
    const record = this.#parse(json)
    if (this.#file) this.#file.append(json)
    else {
      if (!this.#loaded) throw new TxFailedError('the shared record journal is not loaded (reload() first)')
      await this.#store!.append(json)
    }
    this.#records.push(record)
  }

  /** Rebuild the view from the shared store (an HA instance, on taking the lease); a file needs none. */
  async reload(): Promise<void> {
    if (!this.#store) return
    this.#loaded = false
    this.#records = (await this.#store.load()).map((raw) => this.#parse(raw))
    this.#loaded = true
  }

  close(): void {
    this.#file?.close()
  }
}
