import { InvalidInputError, NotFoundError, PreconditionFailedError } from '../errors.js'
import { mulDiv, mulDivUp, WAD } from '../money.js'
import { allocateProRata } from '../proRata.js'

/**
 * The Halo Book (books-and-units.md, halo-class-book-unit.md): a balanced ledger whose assets
 * (what the asset manager reports the book's positions are worth) equal the sum of its units'
 * NAV. Units on one book share its fate, by tranche; units on different books are isolated —
 * every function here takes and returns one book, so a report on one book cannot touch another.
 *
 * Tranches (portfolio-halo.md "Halo Class"): each unit has a `rank` (0 = most senior) and
 * yield terms. A loss is absorbed by the most junior rank first, then the next (pari passu
 * inside a rank, pro rata by NAV). A gain pays each senior rank its target yield for the
 * period since the last report, in order of seniority; the most junior rank is `residual` and
 * takes what is left. The whole rule is exact: the pieces always add up to the change, so the
 * book stays balanced to the base unit.
 *
 * NAV per share (what lpha-lcts settles a unit's queues at): a loss is applied at once, a gain
 * accrues linearly over the book's `accrualSeconds` (the rest is the unit's `unaccruedGain`,
 * which a later loss eats first). Amounts are base units of the book's asset (USDS, 18
 * decimals); shares are 18-decimal unit-share base units; prices are asset per 1e18 shares.
 *
 * Rounding (always written down here):
 * - a senior's target yield is floored; the residual rank takes the leftover;
 * - a split inside a rank is exact (allocateProRata: floors, then the few leftover base units
 *   to the largest fractions), so no base unit is lost or invented;
 * - the recognised NAV rounds down (unaccrued gain rounds up), so the price never runs ahead;
 * - shares minted for a subscription are floored, value paid for a redemption is floored:
 *   rounding always stays with the unit's remaining holders.
 */

export const BPS = 10_000n
export const SECONDS_PER_YEAR = 365n * 24n * 60n * 60n

export type YieldTerms =
  /** Paid first (in rank order): up to NAV × rateBps × period ÷ (10 000 × year). */
  | { kind: 'target'; rateBps: bigint }
  /** The most junior rank: takes whatever gain the senior targets leave. */
  | { kind: 'residual' }

export type UnitTerms = { unitId: string; rank: number; yield: YieldTerms }

export type UnitPosition = {
  unitId: string
  rank: number
  yield: YieldTerms
  /** Unit shares outstanding (18 decimals). */
  shares: bigint
  /** The unit's claim on the book's assets, as last reported (includes unaccrued gain). */
  nav: bigint
  /** Part of `nav` from gains that has not accrued into the price yet, as of `accrualStartMs`. */
  unaccruedGain: bigint
  accrualStartMs: number
}

export type HaloBook = {
  bookId: string
  /** Assets of the book as last reported by the manager, plus settled flows since. */
  assets: bigint
  units: UnitPosition[]
  /** Time of the last NAV report (or of opening), ms since epoch. */
  lastReportMs: number
  /** Seconds over which a reported gain accrues into the unit prices. 0 = at once. */
  accrualSeconds: number
}

export type OpenBookParameters = { bookId: string; units: readonly UnitTerms[]; openedAt: Date; accrualSeconds: number }

function validateTerms(units: readonly UnitTerms[]): void {
  if (units.length === 0) throw new InvalidInputError('a book needs at least one unit', { meta: { field: 'units' } })
  const ids = new Set(units.map((u) => u.unitId))
  if (ids.size !== units.length) throw new InvalidInputError('unit ids must be unique within a book', { meta: { field: 'units' } })
  const juniorRank = Math.max(...units.map((u) => u.rank))
  for (const unit of units) {
    if (!Number.isInteger(unit.rank) || unit.rank < 0) throw new InvalidInputError('rank must be a non-negative integer', { meta: { field: 'rank', unitId: unit.unitId } })
    const residual = unit.yield.kind === 'residual'
    if (residual !== (unit.rank === juniorRank)) {
      throw new InvalidInputError('the most junior rank, and only it, takes residual yield', { meta: { field: 'yield', unitId: unit.unitId } })
    }
    if (unit.yield.kind === 'target' && unit.yield.rateBps < 0n) throw new InvalidInputError('rateBps must not be negative', { meta: { field: 'rateBps', unitId: unit.unitId } })
  }
}

/** An empty book (no assets, no shares) with the given tranche terms. */
export function openBook({ bookId, units, openedAt, accrualSeconds }: OpenBookParameters): HaloBook {
  validateTerms(units)
  if (!Number.isInteger(accrualSeconds) || accrualSeconds < 0) throw new InvalidInputError('accrualSeconds must be a non-negative integer', { meta: { field: 'accrualSeconds' } })
  const at = openedAt.getTime()
  return {
    bookId,
    assets: 0n,
    units: units.map((u) => ({ unitId: u.unitId, rank: u.rank, yield: u.yield, shares: 0n, nav: 0n, unaccruedGain: 0n, accrualStartMs: at })),
    lastReportMs: at,
    accrualSeconds,
  }
}

/** The balance rule: assets = Σ units' NAV. Every function below keeps it; commands check it. */
export function isBalanced(book: HaloBook): boolean {
  return book.assets === book.units.reduce((sum, u) => sum + u.nav, 0n)
}

export function assertBalanced(book: HaloBook): void {
  const liabilities = book.units.reduce((sum, u) => sum + u.nav, 0n)
  if (book.assets !== liabilities) {
    throw new PreconditionFailedError(`book ${book.bookId} is unbalanced`, { details: `assets ${book.assets} ≠ units' NAV ${liabilities}`, meta: { code: 'BOOK_UNBALANCED', assets: book.assets.toString(), liabilities: liabilities.toString() } })
  }
}

/** Gain still to accrue at `nowMs` (rounded up, so the recognised NAV rounds down). */
export function unaccruedAt(book: HaloBook, unit: UnitPosition, nowMs: number): bigint {
  if (unit.unaccruedGain === 0n || book.accrualSeconds === 0) return 0n
  const windowMs = BigInt(book.accrualSeconds) * 1000n
  const elapsed = BigInt(Math.max(0, nowMs - unit.accrualStartMs))
  if (elapsed >= windowMs) return 0n
  return mulDivUp(unit.unaccruedGain, windowMs - elapsed, windowMs)
}

/** The NAV a unit's holders own at `now`: reported NAV less gain not yet accrued. */
export function recognisedNav(book: HaloBook, unitId: string, now: Date): bigint {
  const unit = findUnit(book, unitId)
  return unit.nav - unaccruedAt(book, unit, now.getTime())
}

/** NAV per share (asset per 1e18 shares) at `now`, floored; 1:1 while the unit has no shares. */
export function navPerShareWad(book: HaloBook, unitId: string, now: Date): bigint {
  const unit = findUnit(book, unitId)
  if (unit.shares === 0n) return WAD
  return mulDiv(unit.nav - unaccruedAt(book, unit, now.getTime()), WAD, unit.shares)
}

function findUnit(book: HaloBook, unitId: string): UnitPosition {
  const unit = book.units.find((u) => u.unitId === unitId)
  if (!unit) throw new NotFoundError(`unit ${unitId} is not on book ${book.bookId}`, { meta: { unitId, bookId: book.bookId } })
  return unit
}

/** Distinct ranks, most senior first. */
function ranks(book: HaloBook): number[] {
  return [...new Set(book.units.map((u) => u.rank))].sort((a, b) => a - b)
}

export type TrancheMovement = { unitId: string; rank: number; navBefore: bigint; change: bigint; navAfter: bigint }

export type NavReportReturnType = {
  book: HaloBook
  kind: 'gain' | 'loss' | 'flat'
  /** |reported − previous assets|. */
  amount: bigint
  /** Per unit, in book order: NAV before, signed change, NAV after. */
  movements: TrancheMovement[]
}

export type ApplyNavReportParameters = { book: HaloBook; reportedAssets: bigint; reportedAt: Date }

/**
 * Apply the asset manager's reported value of the book's assets. A loss runs down the ranks
 * from the most junior; a gain pays senior targets for the period since the last report, then
 * the residual rank. Returns a new book (the input is not changed), balanced.
 */
export function applyNavReport({ book, reportedAssets, reportedAt }: ApplyNavReportParameters): NavReportReturnType {
  assertBalanced(book)
  if (reportedAssets < 0n) throw new InvalidInputError('reportedAssets must not be negative', { meta: { field: 'reportedAssets' } })
  const nowMs = reportedAt.getTime()
  if (nowMs < book.lastReportMs) throw new PreconditionFailedError('a NAV report may not be older than the last one', { meta: { field: 'reportedAt', code: 'NAV_REPORT_STALE' } })
  const units = book.units.map((u) => ({ ...u }))
  const changes = new Map<string, bigint>(units.map((u) => [u.unitId, 0n]))

  if (reportedAssets < book.assets) {
    let remaining = book.assets - reportedAssets
    for (const rank of ranks(book).reverse()) {
      if (remaining === 0n) break
      const members = units.filter((u) => u.rank === rank)
      const capacity = members.reduce((sum, u) => sum + u.nav, 0n)
      const absorbed = remaining < capacity ? remaining : capacity
      const shares = allocateProRata(absorbed, members.map((u) => u.nav))
      members.forEach((unit, i) => changes.set(unit.unitId, -shares[i]!))
      remaining -= absorbed
    }
  } else if (reportedAssets > book.assets) {
    let remaining = reportedAssets - book.assets
    const periodSeconds = BigInt(Math.floor((nowMs - book.lastReportMs) / 1000))
    for (const rank of ranks(book)) {
      const members = units.filter((u) => u.rank === rank)
      const residual = members[0]!.yield.kind === 'residual'
      let weights = residual
        ? members.map((u) => u.nav)
        : members.map((u) => (u.yield.kind === 'target' ? mulDiv(u.nav, u.yield.rateBps * periodSeconds, BPS * SECONDS_PER_YEAR) : 0n))
      const due = residual ? remaining : weights.reduce((sum, w) => sum + w, 0n)
      const paid = due < remaining ? due : remaining
      if (residual && weights.every((w) => w === 0n)) weights = members.map((u) => u.shares)
      if (residual && weights.every((w) => w === 0n)) break // wiped, no holders: fall through below
      const shares = allocateProRata(paid, weights)
      members.forEach((unit, i) => changes.set(unit.unitId, changes.get(unit.unitId)! + shares[i]!))
      remaining -= paid
    }
    if (remaining > 0n) {
      // The residual rank has neither NAV nor shares: the gain beyond targets goes to the units
      // that do have NAV, pro rata, so the book still balances.
      const weights = units.map((u) => u.nav)
      if (weights.every((w) => w === 0n)) throw new PreconditionFailedError(`book ${book.bookId} has no unit to credit a gain to`, { meta: { code: 'BOOK_HAS_NO_HOLDERS' } })
      allocateProRata(remaining, weights).forEach((share, i) => changes.set(units[i]!.unitId, changes.get(units[i]!.unitId)! + share))
    }
  }

  const movements: TrancheMovement[] = units.map((unit) => {
    const change = changes.get(unit.unitId)!
    const navBefore = unit.nav
    const left = unaccruedAt(book, unit, nowMs)
    if (change > 0n) {
      unit.unaccruedGain = book.accrualSeconds === 0 ? 0n : left + change
    } else {
      // A loss eats the gain not yet accrued first; the rest hits the price at once.
      unit.unaccruedGain = left + change > 0n ? left + change : 0n
    }
    unit.accrualStartMs = nowMs
    unit.nav = navBefore + change
    return { unitId: unit.unitId, rank: unit.rank, navBefore, change, navAfter: unit.nav }
  })
  // Balanced before and reported ≥ 0, so a loss never exceeds Σ NAV and every split is exact.
  const next: HaloBook = { ...book, assets: reportedAssets, units, lastReportMs: nowMs }
  const kind = reportedAssets === book.assets ? 'flat' : reportedAssets > book.assets ? 'gain' : 'loss'
  const amount = reportedAssets > book.assets ? reportedAssets - book.assets : book.assets - reportedAssets
  return { book: next, kind, amount, movements }
}

export type SubscribeParameters = { book: HaloBook; unitId: string; amount: bigint; at: Date }
export type SubscribeReturnType = { book: HaloBook; sharesMinted: bigint; navPerShareWad: bigint }

/** A settled subscription: `amount` enters the book's assets and the unit's NAV at today's price. */
export function subscribe({ book, unitId, amount, at }: SubscribeParameters): SubscribeReturnType {
  assertBalanced(book)
  if (amount <= 0n) throw new InvalidInputError('amount must be positive', { meta: { field: 'amount' } })
  const price = navPerShareWad(book, unitId, at)
  if (price === 0n) throw new PreconditionFailedError(`unit ${unitId} is wiped out (NAV 0); it takes no subscriptions`, { meta: { code: 'UNIT_WIPED', unitId } })
  const sharesMinted = mulDiv(amount, WAD, price)
  const units = book.units.map((u) => (u.unitId === unitId ? { ...u, shares: u.shares + sharesMinted, nav: u.nav + amount } : { ...u }))
  return { book: { ...book, assets: book.assets + amount, units }, sharesMinted, navPerShareWad: price }
}

export type RedeemParameters = { book: HaloBook; unitId: string; shares: bigint; at: Date }
export type RedeemReturnType = { book: HaloBook; amountPaid: bigint; navPerShareWad: bigint }

/** A settled redemption: `shares` are burned and their value at today's price leaves the book. */
export function redeem({ book, unitId, shares, at }: RedeemParameters): RedeemReturnType {
  assertBalanced(book)
  const unit = findUnit(book, unitId)
  if (shares <= 0n || shares > unit.shares) throw new InvalidInputError('shares must be positive and at most the unit’s shares', { meta: { field: 'shares' } })
  const price = navPerShareWad(book, unitId, at)
  const amountPaid = mulDiv(shares, price, WAD)
  const units = book.units.map((u) => (u.unitId === unitId ? { ...u, shares: u.shares - shares, nav: u.nav - amountPaid } : { ...u }))
  return { book: { ...book, assets: book.assets - amountPaid, units }, amountPaid, navPerShareWad: price }
}
