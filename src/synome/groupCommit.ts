import { InvalidInputError } from '../domain/errors.js'
import { StoreUnavailableError } from './errors.js'

export type GroupCommitOptions = {
  /** Most commands appended in one transaction (default 128, 1…1000). */
  maxBatch?: number | undefined
  /**
   * When a batch is about to start while commands had queued behind the previous one, wait up
   * to this long for more to fill it (default 0, at most 100). A lone writer never waits: a
   * command that finds the committer idle starts its batch at once.
   */
  lingerMs?: number | undefined
  /** Most commands waiting for a batch; more are refused with STORE_UNAVAILABLE (retryable). Default 10,000. */
  maxQueue?: number | undefined
}

export type BatchOutcome<O> = { ok: true; value: O } | { ok: false; error: unknown }

/** Counters since start; `lingers` counts batches that waited to fill (never for a lone writer); `busyMs` is time with a batch in flight. */
export type GroupCommitStats = { batches: number; commands: number; largestBatch: number; lingers: number; busyMs: number }

const bounded = (value: number | undefined, fallback: number, min: number, max: number, name: string): number => {
  const v = value ?? fallback
  if (!Number.isInteger(v) || v < min || v > max) throw new InvalidInputError(`groupCommit.${name} must be an integer in ${min}…${max}`, { meta: { [name]: value } })
  return v
}

/**
 * Group commit: callers submit items one by one; one batch runs at a time and takes every item
 * that queued while the previous batch ran (at most `maxBatch`). `runBatch` returns one outcome
 * per item, in order; when it throws, every item of that batch fails with the error.
 */
export class GroupCommitter<I, O> {
  readonly maxBatch: number
  readonly lingerMs: number
  readonly maxQueue: number
  readonly stats: GroupCommitStats = { batches: 0, commands: 0, largestBatch: 0, lingers: 0, busyMs: 0 }
  private readonly queue: { item: I; resolve: (value: O) => void; reject: (error: unknown) => void }[] = []
  private running: Promise<void> | undefined
  private active = false
  private closed = false

  constructor(
    private readonly runBatch: (items: readonly I[]) => Promise<readonly BatchOutcome<O>[]>,
    options: GroupCommitOptions = {},
  ) {
    this.maxBatch = bounded(options.maxBatch, 128, 1, 1000, 'maxBatch')
    this.lingerMs = bounded(options.lingerMs, 0, 0, 100, 'lingerMs')
    this.maxQueue = bounded(options.maxQueue, 10_000, 1, 1_000_000, 'maxQueue')
  }

  submit(item: I): Promise<O> {
    if (this.closed) return Promise.reject(new StoreUnavailableError('the Synome is closing', { meta: { retryable: true } }))
    if (this.queue.length >= this.maxQueue) {
      return Promise.reject(new StoreUnavailableError('too many commands waiting; retry the same signed command', { meta: { retryable: true, queued: this.queue.length } }))
    }
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject })
      // `active` is cleared in the same synchronous step that finds the queue empty, so an item
      // pushed after that always starts a new drain
      if (!this.active) {
        this.active = true
        this.running = this.drain()
      }
    })
  }

  /** Items waiting for the next batch. */
  get queued(): number {
    return this.queue.length
  }

  /** Refuse new items and wait for the queued ones to finish. */
  async close(): Promise<void> {
    this.closed = true
    await this.running
  }

  private async drain(): Promise<void> {
    let contended = false
    while (this.queue.length > 0) {
      if (contended && this.lingerMs > 0 && this.queue.length < this.maxBatch) {
        this.stats.lingers++
        await new Promise((resolve) => setTimeout(resolve, this.lingerMs))
      }
      const batch = this.queue.splice(0, this.maxBatch)
      this.stats.batches++
      this.stats.commands += batch.length
      this.stats.largestBatch = Math.max(this.stats.largestBatch, batch.length)
      let outcomes: readonly BatchOutcome<O>[]
      const started = performance.now()
      try {
        outcomes = await this.runBatch(batch.map((b) => b.item))
      } catch (error) {
        outcomes = batch.map(() => ({ ok: false, error }))
      }
      this.stats.busyMs += performance.now() - started
      batch.forEach((b, i) => {
        const outcome = outcomes[i] ?? { ok: false, error: new Error('batch returned no outcome') }
        if (outcome.ok) b.resolve(outcome.value)
        else b.reject(outcome.error)
      })
      contended = this.queue.length > 0
      // one turn of the event loop before the next batch (after the answers, so no caller
      // waits for it): the callers just answered send their next command into it, instead of
      // the first of them starting a batch of one (N closed-loop writers would otherwise
      // alternate between batches of 1 and N − 1, or of N/2 each)
      await new Promise((resolve) => setImmediate(resolve))
    }
    this.active = false
  }
}
