import { InvalidInputError } from '../domain/errors.js'
import { StoreUnavailableError } from './errors.js'

export type GroupCommitOptions = {
  /** Most commands appended in one transaction (default 128, 1…1000). */
  maxBatch?: number | undefined
  /**
   * When a batch is about to start while another is in flight or commands had queued behind
   * the previous one, wait up to this long for more to fill it (default 0, at most 100). A lone
   * writer never waits: a command that finds the committer idle starts its batch at once.
   */
  lingerMs?: number | undefined
  /** Most commands waiting for a batch; more are refused with STORE_UNAVAILABLE (retryable). Default 10,000. */
  maxQueue?: number | undefined
  /**
   * Batches in flight at once, 1 or 2 (default 1; the Synome uses 2 on PostgreSQL). With 2, the
   * next batch starts as soon as the one before is staged (its place in the order is fixed and
   * its effect computed): it runs on top of that batch's staged state while the first commits,
   * and the commands of one batch are checked on the event loop while the database writes the
   * other's.
   */
  maxInFlight?: number | undefined
}

export type BatchOutcome<O> = { ok: true; value: O } | { ok: false; error: unknown }

/**
 * Counters since start; `lingers` counts batches that waited to fill (never for a lone writer);
 * `busyMs` is time with at least one batch in flight, `overlapMs` time with two.
 */
export type GroupCommitStats = { batches: number; commands: number; largestBatch: number; lingers: number; busyMs: number; overlapMs: number }

/**
 * What a batch calls once it is staged: its place in the append order is fixed (it holds the
 * append lock, or its effect is computed on top of the batch before it) and `state` is what
 * the next batch may build on. The next batch starts only then, so batches append in the order
 * they were formed. The first call counts; a batch that ends without calling it releases the
 * next one, with no state, when it ends.
 */
export type OnStaged<S> = (state: S) => void

/** A batch's stage as the committer sees it: `release` (first call counts) marks it staged and resolves `promise` with its state. */
type StageGate<S> = { staged: boolean; promise: Promise<S | undefined>; release: (state?: S) => void }

const stageGate = <S>(): StageGate<S> => {
  let resolve!: (state: S | undefined) => void
  const gate: StageGate<S> = {
    staged: false,
    promise: new Promise<S | undefined>((r) => (resolve = r)),
    release: (state?: S) => {
      if (gate.staged) return
      gate.staged = true
      resolve(state)
    },
  }
  return gate
}

type Waiting<I, O> = { item: I; resolve: (value: O) => void; reject: (error: unknown) => void }

/** Longest a batch's answers wait for the batch behind it to be staged (see GroupCommitter.run). */
const ANSWER_HOLD_MS = 5

const bounded = (value: number | undefined, fallback: number, min: number, max: number, name: string): number => {
  const v = value ?? fallback
  if (!Number.isInteger(v) || v < min || v > max) throw new InvalidInputError(`groupCommit.${name} must be an integer in ${min}…${max}`, { meta: { [name]: value } })
  return v
}

/**
 * Group commit: callers submit items one by one; a batch takes the items that queued (at most
 * `maxBatch`). `runBatch` returns one outcome per item, in order; when it throws, every item of
 * that batch fails with the error. It gets the state the batch before it staged (undefined
 * when that one ended without staging, or for the first batch).
 *
 * Pipelined (`maxInFlight` 2): a batch starts once the batch before is staged (`onStaged`),
 * never earlier, so at most one batch waits behind the one writing and the order of batches is
 * the order they were formed. When nothing is in flight the queue is split in
 * two halves, the second starting behind the first: closed-loop writers (each sends its next
 * command when answered) then settle into two cohorts, one being checked on the event loop
 * while the other is in the database, instead of one batch of all of them with the database
 * and the event loop taking turns to idle.
 */
export class GroupCommitter<I, O, S = void> {
  readonly maxBatch: number
  readonly lingerMs: number
  readonly maxQueue: number
  readonly maxInFlight: number
  readonly stats: GroupCommitStats = { batches: 0, commands: 0, largestBatch: 0, lingers: 0, busyMs: 0, overlapMs: 0 }
  private readonly queue: Waiting<I, O>[] = []
  private readonly inFlight = new Set<Promise<void>>()
  /** The newest batch's stage: resolved (and `staged`) once it is staged or has ended. */
  private newest: StageGate<S> = { staged: true, promise: Promise.resolve(undefined), release: () => {} }
  /** Batches between start and end of runBatch (counted down before their callers are answered). */
  private running = 0
  /** Since when `running` holds (for busyMs / overlapMs). */
  private changedAt = 0
  private draining: Promise<void> | undefined
  private active = false
  private closed = false

  constructor(
    private readonly runBatch: (items: readonly I[], previous: S | undefined, onStaged: OnStaged<S>) => Promise<readonly BatchOutcome<O>[]>,
    options: GroupCommitOptions = {},
  ) {
    this.maxBatch = bounded(options.maxBatch, 128, 1, 1000, 'maxBatch')
    this.lingerMs = bounded(options.lingerMs, 0, 0, 100, 'lingerMs')
    this.maxQueue = bounded(options.maxQueue, 10_000, 1, 1_000_000, 'maxQueue')
    this.maxInFlight = bounded(options.maxInFlight, 1, 1, 2, 'maxInFlight')
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
        this.draining = this.drain()
      }
    })
  }

  /** Items waiting for the next batch. */
  get queued(): number {
    return this.queue.length
  }

  /** Refuse new items and wait for the queued and in-flight ones to finish. */
  async close(): Promise<void> {
    this.closed = true
    await this.draining
    await Promise.all([...this.inFlight])
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      // what is queued now queued behind a batch in flight (a lone writer, answered, finds none)
      const behind = this.running > 0
      // the batch before is staged first, and at most maxInFlight run
      const previous = await this.newest.promise
      while (this.inFlight.size >= this.maxInFlight) await Promise.race(this.inFlight)
      if (behind && this.lingerMs > 0 && this.queue.length < this.maxBatch) {
        this.stats.lingers++
        await new Promise((resolve) => setTimeout(resolve, this.lingerMs))
      }
      // split only a queue that formed with nothing in flight (closed-loop writers all answered at once)
      const half = this.maxInFlight > 1 && !behind ? Math.ceil(this.queue.length / 2) : this.queue.length
      const batch = this.queue.splice(0, Math.min(half, this.maxBatch))
      this.stats.batches++
      this.stats.commands += batch.length
      this.stats.largestBatch = Math.max(this.stats.largestBatch, batch.length)
      const gate = stageGate<S>()
      this.newest = gate
      const run = this.run(batch, previous, gate)
      this.inFlight.add(run)
      void run.then(() => this.inFlight.delete(run))
      // one turn of the event loop before the next batch: callers answered just now send their
      // next command into it, instead of the first of them starting a batch of one
      await new Promise((resolve) => setImmediate(resolve))
    }
    this.active = false
  }

  /**
   * One batch: run it, then answer its callers (after it left the count of batches in flight,
   * so an answered lone writer never lingers).
   *
   * When a batch behind this one is not staged yet, its callers are answered once it is (at
   * most ANSWER_HOLD_MS later): answered at once, their next commands' checks would take the
   * event loop while that batch runs its handlers, and it would wait behind them.
   */
  private async run(batch: Waiting<I, O>[], previous: S | undefined, gate: StageGate<S>): Promise<void> {
    this.countInFlight(+1)
    let outcomes: readonly BatchOutcome<O>[]
    try {
      outcomes = await this.runBatch(
        batch.map((b) => b.item),
        previous,
        gate.release,
      )
    } catch (error) {
      outcomes = batch.map(() => ({ ok: false, error }))
    } finally {
      gate.release()
      this.countInFlight(-1)
    }
    const behind = this.newest
    if (behind !== gate && !behind.staged) {
      let timer: NodeJS.Timeout | undefined
      await Promise.race([behind.promise, new Promise<void>((resolve) => (timer = setTimeout(resolve, ANSWER_HOLD_MS)))])
      clearTimeout(timer)
      // it is staged in the microtasks after its last read; then answer
      await new Promise((resolve) => setImmediate(resolve))
    }
    batch.forEach((b, i) => {
      const outcome = outcomes[i] ?? { ok: false, error: new Error('batch returned no outcome') }
      if (outcome.ok) b.resolve(outcome.value)
      else b.reject(outcome.error)
    })
  }

  private countInFlight(delta: 1 | -1): void {
    const now = performance.now()
    if (this.running > 0) this.stats.busyMs += now - this.changedAt
    if (this.running > 1) this.stats.overlapMs += now - this.changedAt
    this.running += delta
    this.changedAt = now
  }
}
