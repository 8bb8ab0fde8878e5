import { InvalidInputError, NotFoundError, PreconditionFailedError } from '../../domain/errors.js'
import { mulDiv } from '../../domain/money.js'
import { isoTimestamp } from '../../domain/sleeve.js'
import type { AssetManager, NavReport, RedemptionRequest, RedemptionReturn } from './adapter.js'

const BPS = 10_000n
const DAY_MS = 86_400_000
/** Longest stretch one tick may simulate; a longer gap is refused rather than looped over. */
export const MAX_DAYS_PER_TICK = 400

export type DevnetManagerBookParameters = {
  bookId: string
  openedAt: Date
  /** Yield the manager earns on the book's assets, annual bps, accrued daily (floored). */
  annualYieldBps: bigint
  /** Seconds after a request before the manager returns a redemption. */
  redemptionDelaySeconds: number
}

type BookState = DevnetManagerBookParameters & {
  assets: bigint
  /** Days since opening already simulated (the next report is for day `daysDone + 1`). */
  daysDone: number
  reportsToMiss: number
  reports: NavReport[]
  subscriptions: Map<string, bigint>
  pending: (RedemptionRequest & { dueMs: number | null })[]
  returned: RedemptionReturn[]
}

export type DevnetAssetManager = AssetManager & {
  kind: 'simulator'
  openBook(params: DevnetManagerBookParameters): void
  /** The book's positions lose `bps` of their value now (a default, a mark-down). */
  loseValue(params: { bookId: string; bps: bigint }): void
  /** Skip the next `count` daily NAV reports (yield still accrues). */
  missReports(params: { bookId: string; count: number }): void
  /** Hold a pending redemption `extraSeconds` longer, or indefinitely with `null`. */
  delayRedemption(params: { redemptionId: string; extraSeconds: number | null }): void
  /** What the simulated manager holds for a book right now. */
  assetsOf(bookId: string): bigint
}

/**
 * A devnet asset manager, deterministic and in memory (a devnet restarts it from scratch; the
 * durable record of what it reported is the Synome's NAV report records). Each tick simulates
 * whole days since the book opened: the day's yield accrues, then (unless told to miss it) a
 * NAV report dated at the end of that day is published; redemptions due by `now` are returned
 * (capped at what the book holds) and leave the book's assets.
 */
export function createDevnetAssetManager(): DevnetAssetManager {
  const books = new Map<string, BookState>()
  const book = (bookId: string): BookState => {
    const state = books.get(bookId)
    if (!state) throw new NotFoundError(`the manager runs no book ${bookId}`, { meta: { bookId } })
    return state
  }
  const positive = (amount: bigint, field: string) => {
    if (amount <= 0n) throw new InvalidInputError(`${field} must be positive`, { meta: { field } })
  }
  const findPending = (redemptionId: string) => {
    for (const state of books.values()) {
      const request = state.pending.find((r) => r.redemptionId === redemptionId)
      if (request) return request
    }
    throw new NotFoundError(`no pending redemption ${redemptionId}`, { meta: { redemptionId } })
  }

  return {
    kind: 'simulator',
    openBook(params) {
      if (books.has(params.bookId)) throw new PreconditionFailedError(`book ${params.bookId} is already open`, { meta: { bookId: params.bookId } })
      if (params.annualYieldBps < 0n) throw new InvalidInputError('annualYieldBps must not be negative', { meta: { field: 'annualYieldBps' } })
      if (!Number.isInteger(params.redemptionDelaySeconds) || params.redemptionDelaySeconds < 0) throw new InvalidInputError('redemptionDelaySeconds must be a non-negative integer', { meta: { field: 'redemptionDelaySeconds' } })
      books.set(params.bookId, { ...params, assets: 0n, daysDone: 0, reportsToMiss: 0, reports: [], subscriptions: new Map(), pending: [], returned: [] })
    },
    async subscribe({ subscriptionId, bookId, amount }) {
      const state = book(bookId)
      positive(amount, 'amount')
      const seen = state.subscriptions.get(subscriptionId)
      if (seen !== undefined) {
        if (seen !== amount) throw new PreconditionFailedError(`subscription ${subscriptionId} was already made with another amount`, { meta: { subscriptionId } })
        return
      }
      state.subscriptions.set(subscriptionId, amount)
      state.assets += amount
    },
    async requestRedemption({ redemptionId, bookId, amount, at }) {
      const state = book(bookId)
      positive(amount, 'amount')
      const existing = state.pending.find((r) => r.redemptionId === redemptionId) ?? state.returned.find((r) => r.redemptionId === redemptionId)
      if (existing) {
        if (existing.amount !== amount) throw new PreconditionFailedError(`redemption ${redemptionId} was already requested with another amount`, { meta: { redemptionId } })
        return { redemptionId, bookId, amount, requestedAt: existing.requestedAt }
      }
      const request = { redemptionId, bookId, amount, requestedAt: isoTimestamp(at) }
      state.pending.push({ ...request, dueMs: at.getTime() + state.redemptionDelaySeconds * 1000 })
      return request
    },
    navReports: (bookId) => [...book(bookId).reports],
    pendingRedemptions: (bookId) => book(bookId).pending.map(({ dueMs: _dueMs, ...request }) => request),
    returnedRedemptions: (bookId) => [...book(bookId).returned],
    async tick(now) {
      for (const state of books.values()) {
        const daysDue = Math.floor((now.getTime() - state.openedAt.getTime()) / DAY_MS)
        if (daysDue - state.daysDone > MAX_DAYS_PER_TICK) throw new PreconditionFailedError(`tick would simulate more than ${MAX_DAYS_PER_TICK} days of book ${state.bookId}`, { meta: { bookId: state.bookId } })
        for (let day = state.daysDone + 1; day <= daysDue; day++) {
          state.assets += mulDiv(state.assets, state.annualYieldBps, BPS * 365n)
          if (state.reportsToMiss > 0) {
            state.reportsToMiss -= 1
          } else {
            state.reports.push({ reportId: `${state.bookId}:nav:${day}`, bookId: state.bookId, assets: state.assets, reportedAt: isoTimestamp(new Date(state.openedAt.getTime() + day * DAY_MS)) })
          }
        }
        state.daysDone = Math.max(state.daysDone, daysDue)
        const due = state.pending.filter((r) => r.dueMs !== null && r.dueMs <= now.getTime())
        for (const request of due) {
          const paid = request.amount < state.assets ? request.amount : state.assets
          state.assets -= paid
          const { dueMs: _dueMs, ...rest } = request
          state.returned.push({ ...rest, amount: paid, returnedAt: isoTimestamp(now) })
        }
        state.pending = state.pending.filter((r) => !due.includes(r))
      }
    },
    loseValue({ bookId, bps }) {
      const state = book(bookId)
      if (bps < 0n || bps > BPS) throw new InvalidInputError('bps must be within 0..10000', { meta: { field: 'bps' } })
      state.assets -= mulDiv(state.assets, bps, BPS)
    },
    missReports({ bookId, count }) {
      if (!Number.isInteger(count) || count < 0) throw new InvalidInputError('count must be a non-negative integer', { meta: { field: 'count' } })
      book(bookId).reportsToMiss += count
    },
    delayRedemption({ redemptionId, extraSeconds }) {
      const request = findPending(redemptionId)
      if (extraSeconds !== null && (!Number.isInteger(extraSeconds) || extraSeconds < 0)) throw new InvalidInputError('extraSeconds must be a non-negative integer or null', { meta: { field: 'extraSeconds' } })
      request.dueMs = extraSeconds === null || request.dueMs === null ? null : request.dueMs + extraSeconds * 1000
    },
    assetsOf: (bookId) => book(bookId).assets,
  }
}
