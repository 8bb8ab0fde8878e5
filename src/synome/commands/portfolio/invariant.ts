import { PreconditionFailedError } from '../../../domain/errors.js'
import { assertBalanced } from '../../../domain/portfolio/book.js'
import type { EntityWrite } from '../types.js'
import type { InvariantContext } from '../../invariants.js'
import { parseUnitsExact } from '../../../domain/money.js'
import { bookOf, PORTFOLIO_DECIMALS, PORTFOLIO_NAV_REPORT, PORTFOLIO_SETTLEMENT, type PortfolioBookRecord } from './records.js'

/**
 * The Halo Book invariants (issue 14), checked after every command that writes a
 * `portfolioBook`, whichever it is:
 * - BOOK_UNBALANCED: the book's assets equal the sum of its units' NAV (books-and-units.md);
 * - BOOK_CHANGE_UNRECORDED: a change to an existing book's assets or units' positions comes
 *   with the record that explains it, a `portfolioNavReport` or `portfolioSettlement` written
 *   by the same command — no money moves on a book without a settlement or NAV report record;
 * - BOOK_TERMS_CHANGED: the class, the units and their tranche terms never change after opening;
 * - UNIT_HOLDERS_EXCEED_SHARES: the shares recorded per Prime never add up to more than the unit's.
 */
export async function portfolioBookInvariant(write: EntityWrite, context: InvariantContext): Promise<void> {
  const next = write.data as unknown as PortfolioBookRecord
  const book = bookOf(next)
  assertBalanced(book)
  for (const unit of next.units) {
    const held = Object.values(unit.holders ?? {}).reduce((sum, shares) => sum + parseUnitsExact(shares, PORTFOLIO_DECIMALS, 'holders'), 0n)
    if (held > parseUnitsExact(unit.shares, PORTFOLIO_DECIMALS, 'shares')) {
      throw new PreconditionFailedError(`unit ${unit.unitId}: the Primes hold more shares than the unit has`, { meta: { gate: 'UNIT_HOLDERS_EXCEED_SHARES', code: 'UNIT_HOLDERS_EXCEED_SHARES', unitId: unit.unitId } })
    }
  }
  const stored = await context.before(write.type, write.id)
  if (!stored) return
  const previous = stored.data as unknown as PortfolioBookRecord
  const terms = (r: PortfolioBookRecord) => JSON.stringify([r.classId, r.accrualSeconds, r.units.map((u) => [u.unitId, u.rank, u.yield, u.warningSignals, u.migrationPath ?? null])])
  if (terms(previous) !== terms(next)) {
    throw new PreconditionFailedError(`book ${next.bookId}: class, units and tranche terms are fixed at opening`, { meta: { gate: 'BOOK_TERMS_CHANGED', code: 'BOOK_TERMS_CHANGED', bookId: next.bookId } })
  }
  const positions = (r: PortfolioBookRecord) => JSON.stringify([r.assets, r.lastReportAt, r.units.map((u) => [u.shares, u.nav, u.unaccruedGain, u.accrualStartAt, u.holders ?? null])])
  if (positions(previous) === positions(next)) return
  const explained = context.staged.some((w) => (w.type === PORTFOLIO_NAV_REPORT || w.type === PORTFOLIO_SETTLEMENT) && (w.data as { bookId?: unknown }).bookId === next.bookId)
  if (!explained) {
    throw new PreconditionFailedError(`book ${next.bookId} changed without a settlement or NAV report record`, { meta: { gate: 'BOOK_CHANGE_UNRECORDED', code: 'BOOK_CHANGE_UNRECORDED', bookId: next.bookId } })
  }
}
