import { z } from 'zod'
import { RecordJournal } from '../../beacons/shared/recordJournal.js'
import { PreconditionFailedError } from '../../domain/errors.js'
import { isoTimestamp } from '../../domain/sleeve.js'
import type { AssetManager } from './adapter.js'
import { createDevnetAssetManager, type DevnetAssetManager, type DevnetManagerBookParameters } from './simulator.js'

/**
 * The devnet asset manager (simulator.ts) made durable, so the lpha-lcts process that hosts it
 * can be SIGKILLed at any point: every operation that changes the simulator's book (opening
 * it, a subscription, a redemption request, a tick that simulated a day or returned a
 * redemption, an instruction to lose value, miss reports or delay a redemption) is a JSON line
 * (fsynced) and the simulator is rebuilt on open by replaying them in order — it is
 * deterministic, so the replay is the state. An operation is journaled after the simulator
 * accepted it and before it returns, so nothing a caller saw is lost; a crash in between loses
 * only a call the caller never saw answered and repeats (all are idempotent per id). The
 * journal is a RecordJournal: a file locked to one process, or — an HA lpha-lcts — the Synome's
 * shared journal `<lease>/manager-simulator`, appended under the lease (a deposed leader's
 * append is refused) and reloaded on each new epoch, after which `rebuild()` replays it, so a
 * new leader's manager has the book its predecessor built.
 */
const amount = z.string().regex(/^\d+$/)
const op = z.discriminatedUnion('op', [
  z.strictObject({ op: z.literal('open'), bookId: z.string().min(1), openedAt: z.string(), annualYieldBps: amount, redemptionDelaySeconds: z.number().int().min(0) }),
  z.strictObject({ op: z.literal('subscribe'), subscriptionId: z.string().min(1), bookId: z.string().min(1), amount, at: z.string() }),
  z.strictObject({ op: z.literal('request'), redemptionId: z.string().min(1), bookId: z.string().min(1), amount, at: z.string() }),
  z.strictObject({ op: z.literal('tick'), at: z.string() }),
  z.strictObject({ op: z.literal('lose'), bookId: z.string().min(1), bps: amount }),
  z.strictObject({ op: z.literal('miss'), bookId: z.string().min(1), count: z.number().int().min(0) }),
  z.strictObject({ op: z.literal('delay'), redemptionId: z.string().min(1), extraSeconds: z.number().int().min(0).nullable() }),
])
type Op = z.output<typeof op>
export type DevnetManagerOp = Op
/** Validate one journal line of the durable simulator. */
export const parseDevnetManagerOp = (raw: unknown): Op => op.parse(raw)

/** The devnet manager with every change journaled: the changes resolve once durable. */
export type DurableDevnetAssetManager = AssetManager & {
  kind: 'simulator'
  openBook(params: DevnetManagerBookParameters): Promise<void>
  loseValue(params: { bookId: string; bps: bigint }): Promise<void>
  missReports(params: { bookId: string; count: number }): Promise<void>
  delayRedemption(params: { redemptionId: string; extraSeconds: number | null }): Promise<void>
  assetsOf(bookId: string): bigint
  /** Replay the journal's records into a fresh simulator (after the shared journal reloaded: a new lease epoch) and open the configured books it has not opened. */
  rebuild(): Promise<void>
  close(): void
}

export type OpenDurableDevnetAssetManagerParameters = {
  /** A file journal (owned and closed by the manager), or a record journal (a shared one is rebuilt from after each reload). */
  journal: string | RecordJournal<Op>
  /** Books to open if the journal has not opened them yet; a journaled book must have the same terms. */
  books?: readonly DevnetManagerBookParameters[]
}

function apply(sim: DevnetAssetManager, e: Op): void | Promise<unknown> {
  switch (e.op) {
    case 'open':
      return sim.openBook({ bookId: e.bookId, openedAt: new Date(e.openedAt), annualYieldBps: BigInt(e.annualYieldBps), redemptionDelaySeconds: e.redemptionDelaySeconds })
    case 'subscribe':
      return sim.subscribe({ subscriptionId: e.subscriptionId, bookId: e.bookId, amount: BigInt(e.amount), at: new Date(e.at) })
    case 'request':
      return sim.requestRedemption({ redemptionId: e.redemptionId, bookId: e.bookId, amount: BigInt(e.amount), at: new Date(e.at) })
    case 'lose':
      return sim.loseValue({ bookId: e.bookId, bps: BigInt(e.bps) })
    case 'miss':
      return sim.missReports({ bookId: e.bookId, count: e.count })
    case 'delay':
      return sim.delayRedemption({ redemptionId: e.redemptionId, extraSeconds: e.extraSeconds })
    case 'tick':
      return sim.tick(new Date(e.at))
  }
}

/** What a tick can change, per book: a simulated day moves `assets` or adds a report; a return moves both lists. */
function fingerprint(sim: DevnetAssetManager, bookIds: readonly string[]): string {
  return JSON.stringify(bookIds.map((b) => [sim.assetsOf(b).toString(), sim.navReports(b).length, sim.pendingRedemptions(b).length, sim.returnedRedemptions(b).length]))
}

type Replayed = { sim: DevnetAssetManager; opened: Map<string, Extract<Op, { op: 'open' }>>; lastDays: string; subscriptions: Set<string>; requests: Set<string> }

export async function openDurableDevnetAssetManager(parameters: OpenDurableDevnetAssetManagerParameters): Promise<DurableDevnetAssetManager> {
  const owned = typeof parameters.journal === 'string'
  const journal = typeof parameters.journal === 'string' ? new RecordJournal({ path: parameters.journal, parse: parseDevnetManagerOp }) : parameters.journal
  // days simulated per book: a tick that crossed a day boundary is journaled even if nothing visible changed (a missed report)
  const daysOf = (opened: Replayed['opened'], now: Date) => JSON.stringify([...opened.values()].map((b) => Math.floor((now.getTime() - Date.parse(b.openedAt)) / 86_400_000)))
  let state: Replayed | undefined
  const current = (): Replayed => {
    if (!state) throw new PreconditionFailedError("the simulator's shared journal is not loaded: this instance has not led yet")
    return state
  }
  const record = async (e: Op) => {
    const s = current()
    if (e.op !== 'tick') await apply(s.sim, e)
    await journal.append(e)
    if (e.op === 'open') s.opened.set(e.bookId, e)
  }
  const openBook = async (p: DevnetManagerBookParameters) => {
    const line: Op = { op: 'open', bookId: p.bookId, openedAt: isoTimestamp(p.openedAt), annualYieldBps: p.annualYieldBps.toString(), redemptionDelaySeconds: p.redemptionDelaySeconds }
    const seen = current().opened.get(p.bookId)
    if (seen) {
      if (JSON.stringify(seen) !== JSON.stringify(line)) throw new PreconditionFailedError(`the simulator's book ${p.bookId} was opened with other terms`, { details: JSON.stringify(seen), meta: { bookId: p.bookId } })
      return
    }
    await record(line)
  }
  const rebuild = async () => {
    state = undefined
    const sim = createDevnetAssetManager()
    const opened: Replayed['opened'] = new Map()
    for (const e of journal.records) {
      await apply(sim, e)
      if (e.op === 'open') opened.set(e.bookId, e)
    }
    const lastTick = journal.records.filter((e) => e.op === 'tick').at(-1)
    state = {
      sim,
      opened,
      lastDays: lastTick && lastTick.op === 'tick' ? daysOf(opened, new Date(lastTick.at)) : '',
      subscriptions: new Set(journal.records.flatMap((e) => (e.op === 'subscribe' ? [e.subscriptionId] : []))),
      requests: new Set(journal.records.flatMap((e) => (e.op === 'request' ? [e.redemptionId] : []))),
    }
    for (const b of parameters.books ?? []) await openBook(b)
  }
  try {
    if (journal.loaded) await rebuild()
  } catch (error) {
    if (owned) journal.close()
    throw error
  }

  return {
    kind: 'simulator',
    openBook,
    async subscribe(p) {
      const s = current()
      if (s.subscriptions.has(p.subscriptionId)) return s.sim.subscribe(p) // the simulator checks the amount
      await record({ op: 'subscribe', subscriptionId: p.subscriptionId, bookId: p.bookId, amount: p.amount.toString(), at: isoTimestamp(p.at) })
      s.subscriptions.add(p.subscriptionId)
    },
    async requestRedemption(p) {
      const s = current()
      if (s.requests.has(p.redemptionId)) return s.sim.requestRedemption(p)
      await record({ op: 'request', redemptionId: p.redemptionId, bookId: p.bookId, amount: p.amount.toString(), at: isoTimestamp(p.at) })
      s.requests.add(p.redemptionId)
      return s.sim.requestRedemption(p)
    },
    navReports: (bookId) => current().sim.navReports(bookId),
    pendingRedemptions: (bookId) => current().sim.pendingRedemptions(bookId),
    returnedRedemptions: (bookId) => current().sim.returnedRedemptions(bookId),
    assetsOf: (bookId) => current().sim.assetsOf(bookId),
    async tick(now) {
      const s = current()
      const books = [...s.opened.keys()]
      const before = fingerprint(s.sim, books)
      await s.sim.tick(now)
      const days = daysOf(s.opened, now)
      if (fingerprint(s.sim, books) !== before || days !== s.lastDays) {
        await journal.append({ op: 'tick', at: now.toISOString() })
        s.lastDays = days
      }
    },
    loseValue: (p) => record({ op: 'lose', bookId: p.bookId, bps: p.bps.toString() }),
    missReports: (p) => record({ op: 'miss', bookId: p.bookId, count: p.count }),
    delayRedemption: (p) => record({ op: 'delay', redemptionId: p.redemptionId, extraSeconds: p.extraSeconds }),
    rebuild,
    close: () => {
      if (owned) journal.close()
    },
  }
}
