import { z } from 'zod'
import { formatUnitsExact, parseUnitsExact } from '../../../domain/money.js'
import type { HaloBook, UnitPosition } from '../../../domain/portfolio/book.js'
import { entityId } from '../schemas.js'

/**
 * Synome records of Portfolio Halos (issue 14). Amounts and shares are exact decimal strings
 * of 18-decimal tokens (USDS, unit shares); rates are bps integers.
 *   portfolioClass       `<classId>`              a Halo Class (shared PAU, lpha-lcts, legal framework)
 *   portfolioBook        `<bookId>`               a Halo Book with its units' positions (the balance unit)
 *   portfolioNavReport   `<bookId>:<reportId>`    one manager NAV report as applied, with each unit's movement
 *   portfolioSettlement  `<bookId>:<unitId>:<epoch>`  one settled subscription/redemption of a unit
 *   portfolioUnit        `<unitId>`               which book and class a unit belongs to (a unit is on one book)
 */
export const PORTFOLIO_CLASS = 'portfolioClass'
export const PORTFOLIO_BOOK = 'portfolioBook'
export const PORTFOLIO_NAV_REPORT = 'portfolioNavReport'
export const PORTFOLIO_SETTLEMENT = 'portfolioSettlement'
export const PORTFOLIO_UNIT = 'portfolioUnit'
export const PORTFOLIO_DECIMALS = 18

const bps = z.number().int().min(0).max(100_000)
export const yieldTermsSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('target'), rateBps: bps }),
  z.strictObject({ kind: z.literal('residual') }),
])
export const warningSignalsSchema = z.strictObject({
  navDrop: z.strictObject({ maxDropBps: z.number().int().min(0).max(10_000) }).optional(),
  navReport: z.strictObject({ maxAgeSeconds: z.number().int().positive() }).optional(),
  redemption: z.strictObject({ maxDelaySeconds: z.number().int().positive() }).optional(),
})
export const unitTermsSchema = z.strictObject({
  unitId: entityId,
  rank: z.number().int().min(0).max(16),
  yield: yieldTermsSchema,
  warningSignals: warningSignalsSchema,
  /** The Unit Artifact's migration path (seed 000 "Emergency Procedures"): where the unit's assets move if the structure must be left; the runbook follows it. */
  migrationPath: z.string().min(1).max(500).optional(),
})

export type PortfolioClassRecord = { classId: string; name: string; createdAt: string }

export type PortfolioUnitRecord = {
  unitId: string
  rank: number
  yield: z.output<typeof yieldTermsSchema>
  warningSignals: z.output<typeof warningSignalsSchema>
  /** The Unit Artifact's migration path, when the book was opened with one. */
  migrationPath?: string | undefined
  shares: string
  nav: string
  unaccruedGain: string
  accrualStartAt: string
  /**
   * Unit shares held per Prime, when lpha-lcts records who subscribed and redeemed
   * (`byPrime` on recordPortfolioSettlement). Σ holders ≤ shares; the rest is unattributed.
   * Absent in records written before holders were tracked.
   */
  holders?: Record<string, string> | undefined
}
export type PortfolioBookRecord = {
  classId: string
  bookId: string
  accrualSeconds: number
  assets: string
  lastReportAt: string
  units: PortfolioUnitRecord[]
}

const amount = (value: string, field: string) => parseUnitsExact(value, PORTFOLIO_DECIMALS, field)
const text = (value: bigint) => formatUnitsExact(value, PORTFOLIO_DECIMALS)
const iso = (ms: number) => new Date(ms).toISOString()

/** The domain book of a record (the one model both the Synome and the beacon compute with). */
export function bookOf(record: PortfolioBookRecord): HaloBook {
  return {
    bookId: record.bookId,
    assets: amount(record.assets, 'assets'),
    lastReportMs: Date.parse(record.lastReportAt),
    accrualSeconds: record.accrualSeconds,
    units: record.units.map((u): UnitPosition => ({
      unitId: u.unitId,
      rank: u.rank,
      yield: u.yield.kind === 'target' ? { kind: 'target', rateBps: BigInt(u.yield.rateBps) } : { kind: 'residual' },
      shares: amount(u.shares, 'shares'),
      nav: amount(u.nav, 'nav'),
      unaccruedGain: amount(u.unaccruedGain, 'unaccruedGain'),
      accrualStartMs: Date.parse(u.accrualStartAt),
    })),
  }
}

/** The record of a domain book, keeping the record's class and signal configuration. */
export function recordOf(previous: PortfolioBookRecord, book: HaloBook): PortfolioBookRecord {
  return {
    ...previous,
    assets: text(book.assets),
    lastReportAt: iso(book.lastReportMs),
    units: previous.units.map((u) => {
      const position = book.units.find((p) => p.unitId === u.unitId)!
      return { ...u, shares: text(position.shares), nav: text(position.nav), unaccruedGain: text(position.unaccruedGain), accrualStartAt: iso(position.accrualStartMs) }
    }),
  }
}
