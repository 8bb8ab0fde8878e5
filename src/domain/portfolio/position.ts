import { WAD, mulDiv } from '../money.js'
import { NotFoundError } from '../errors.js'
import type { HaloBook } from './book.js'

/**
 * Where a unit stands in its book's tranche waterfall (the loss rule of book.ts: the most junior
 * rank absorbs first). `subordination` is the NAV of every more junior rank — the loss the book
 * can take before this unit loses anything; the unit is wiped once the book has lost
 * `subordination + its NAV`. As fractions of the book's assets (WAD, floored) they are the
 * unit's attachment and detachment points. Pure.
 */
export type TranchePosition = {
  unitId: string
  rank: number
  /** 'senior' = rank 0, 'junior' = the most junior rank, 'mezzanine' between; a one-rank book is 'pari-passu'. */
  seniority: 'senior' | 'mezzanine' | 'junior' | 'pari-passu'
  navWad: bigint
  /** NAV of the units on this rank together (pari passu with this unit). */
  rankNavWad: bigint
  subordinationWad: bigint
  attachmentWad: bigint
  detachmentWad: bigint
}

export function tranchePosition(book: HaloBook, unitId: string): TranchePosition {
  const unit = book.units.find((u) => u.unitId === unitId)
  if (!unit) throw new NotFoundError(`unit ${unitId} is not on book ${book.bookId}`, { meta: { unitId, bookId: book.bookId } })
  const ranks = [...new Set(book.units.map((u) => u.rank))].sort((a, b) => a - b)
  const juniorRank = ranks.at(-1)!
  const seniority = ranks.length === 1 ? 'pari-passu' : unit.rank === ranks[0] ? 'senior' : unit.rank === juniorRank ? 'junior' : 'mezzanine'
  const subordinationWad = book.units.filter((u) => u.rank > unit.rank).reduce((sum, u) => sum + u.nav, 0n)
  const rankNavWad = book.units.filter((u) => u.rank === unit.rank).reduce((sum, u) => sum + u.nav, 0n)
  const fraction = (amount: bigint) => (book.assets === 0n ? 0n : mulDiv(amount, WAD, book.assets))
  return { unitId, rank: unit.rank, seniority, navWad: unit.nav, rankNavWad, subordinationWad, attachmentWad: fraction(subordinationWad), detachmentWad: fraction(subordinationWad + rankNavWad) }
}
