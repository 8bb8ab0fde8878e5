import { z } from 'zod'
import { JsonlJournal } from '../../beacons/shared/jsonlJournal.js'
import { PreconditionFailedError } from '../../domain/errors.js'
import { isoTimestamp } from '../../domain/sleeve.js'
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
 * journal is locked to one process.
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

export type DurableDevnetAssetManager = DevnetAssetManager & { close(): void }

export type OpenDurableDevnetAssetManagerParameters = {
  journalPath: string
  /** Books to open if the journal has not opened them yet; a journaled book must have the same terms. */
  books?: readonly DevnetManagerBookParameters[]
}

function apply(sim: DevnetAssetManager, e: Op): void {
  switch (e.op) {
    case 'open':
      return sim.openBook({ bookId: e.bookId, openedAt: new Date(e.openedAt), annualYieldBps: BigInt(e.annualYieldBps), redemptionDelaySeconds: e.redemptionDelaySeconds })
    case 'subscribe':
      return sim.subscribe({ subscriptionId: e.subscriptionId, bookId: e.bookId, amount: BigInt(e.amount), at: new Date(e.at) })
    case 'request':
      sim.requestRedemption({ redemptionId: e.redemptionId, bookId: e.bookId, amount: BigInt(e.amount), at: new Date(e.at) })
      return
    case 'lose':
      return sim.loseValue({ bookId: e.bookId, bps: BigInt(e.bps) })
    case 'miss':
      return sim.missReports({ bookId: e.bookId, count: e.count })
    case 'delay':
      return sim.delayRedemption({ redemptionId: e.redemptionId, extraSeconds: e.extraSeconds })
    case 'tick':
      throw new Error('ticks are replayed asynchronously')
  }
}

/** What a tick can change, per book: a simulated day moves `assets` or adds a report; a return moves both lists. */
function fingerprint(sim: DevnetAssetManager, bookIds: readonly string[]): string {
  return JSON.stringify(bookIds.map((b) => [sim.assetsOf(b).toString(), sim.navReports(b).length, sim.pendingRedemptions(b).length, sim.returnedRedemptions(b).length]))
}

export async function openDurableDevnetAssetManager(parameters: OpenDurableDevnetAssetManagerParameters): Promise<DurableDevnetAssetManager> {
  const journal = JsonlJournal.open({ path: parameters.journalPath, parse: (raw) => op.parse(raw), lock: true })
  const sim = createDevnetAssetManager()
  const opened = new Map<string, Extract<Op, { op: 'open' }>>()
  try {
    for (const e of journal.records) {
      if (e.op === 'tick') await sim.tick(new Date(e.at))
      else apply(sim, e)
      if (e.op === 'open') opened.set(e.bookId, e)
    }
  } catch (error) {
    journal.close()
    throw error
  }
  const record = (e: Op) => {
    if (e.op !== 'tick') apply(sim, e)
    journal.append(e)
    if (e.op === 'open') opened.set(e.bookId, e)
  }
  const openBook = (p: DevnetManagerBookParameters) => {
    const line: Op = { op: 'open', bookId: p.bookId, openedAt: isoTimestamp(p.openedAt), annualYieldBps: p.annualYieldBps.toString(), redemptionDelaySeconds: p.redemptionDelaySeconds }
    const seen = opened.get(p.bookId)
    if (seen) {
      if (JSON.stringify(seen) !== JSON.stringify(line)) throw new PreconditionFailedError(`the simulator's book ${p.bookId} was opened with other terms`, { details: JSON.stringify(seen), meta: { bookId: p.bookId } })
      return
    }
    record(line)
  }
  try {
    for (const b of parameters.books ?? []) openBook(b)
  } catch (error) {
    journal.close()
    throw error
  }
  // days simulated per book: a tick that crossed a day boundary is journaled even if nothing visible changed (a missed report)
  const daysOf = (now: Date) => JSON.stringify([...opened.values()].map((b) => Math.floor((now.getTime() - Date.parse(b.openedAt)) / 86_400_000)))
  const lastTick = journal.records.filter((e) => e.op === 'tick').at(-1)
  let lastDays = lastTick && lastTick.op === 'tick' ? daysOf(new Date(lastTick.at)) : ''
  const subscriptions = new Set(journal.records.flatMap((e) => (e.op === 'subscribe' ? [e.subscriptionId] : [])))
  const requests = new Set(journal.records.flatMap((e) => (e.op === 'request' ? [e.redemptionId] : [])))

  return {
    ...sim,
    openBook,
    subscribe(p) {
      if (subscriptions.has(p.subscriptionId)) return sim.subscribe(p) // the simulator checks the amount
      record({ op: 'subscribe', subscriptionId: p.subscriptionId, bookId: p.bookId, amount: p.amount.toString(), at: isoTimestamp(p.at) })
      subscriptions.add(p.subscriptionId)
    },
    requestRedemption(p) {
      if (requests.has(p.redemptionId)) return sim.requestRedemption(p)
      record({ op: 'request', redemptionId: p.redemptionId, bookId: p.bookId, amount: p.amount.toString(), at: isoTimestamp(p.at) })
      requests.add(p.redemptionId)
      return sim.requestRedemption(p)
    },
    async tick(now) {
      const books = [...opened.keys()]
      const before = fingerprint(sim, books)
      await sim.tick(now)
      const days = daysOf(now)
      if (fingerprint(sim, books) !== before || days !== lastDays) {
        journal.append({ op: 'tick', at: now.toISOString() })
        lastDays = days
      }
    },
    loseValue: (p) => record({ op: 'lose', bookId: p.bookId, bps: p.bps.toString() }),
    missReports: (p) => record({ op: 'miss', bookId: p.bookId, count: p.count }),
    delayRedemption: (p) => record({ op: 'delay', redemptionId: p.redemptionId, extraSeconds: p.extraSeconds }),
    close: () => journal.close(),
  }
}
