import { formatUnitsExact } from '../domain/money.js'
import { navPerShareWad } from '../domain/portfolio/book.js'
import { tranchePosition } from '../domain/portfolio/position.js'
import { evaluateWarningSignals, type NavPoint, type WarningSignalConfig } from '../domain/portfolio/signals.js'
import type { SynomeTransport } from '../synome/client/types.js'
import { LCTS_SETTLEMENT, type LctsSettlementRecord } from '../synome/commands/lcts/records.js'
import {
  bookOf, PORTFOLIO_BOOK, PORTFOLIO_CLASS, PORTFOLIO_DECIMALS, PORTFOLIO_NAV_REPORT, PORTFOLIO_SETTLEMENT, PORTFOLIO_UNIT,
  type PortfolioBookRecord, type PortfolioClassRecord, type PortfolioUnitRecord,
} from '../synome/commands/portfolio/records.js'

/**
 * What `halo portfolio status|unit` (and the dashboard) show of a Portfolio Halo, read from the
 * Synome and computed with the domain model (no figure is stored twice): per book its balance,
 * per unit its position, NAV per share, tranche position, NAV history (one point per NAV-report
 * version of the book record), settlements and the warning signals the Synome can evaluate
 * (navDrop, navReport; a redemption overdue needs the asset-manager adapter's pending list, so
 * it is not evaluated here). Queue and generation state come from lpha-lcts's `lctsSettlement`
 * records of the unit's LCTS pair (pairId = unitId). JSON-safe: amounts are exact decimal strings.
 */
type Reader = Pick<SynomeTransport, 'get' | 'list' | 'history'>

/** Bounds of every read here: pages of 1000, at most 10 pages per list, 1000 book versions. */
const PAGE = 1000
const MAX_PAGES = 10
const MAX_VERSIONS = 1000

const text = (value: bigint) => formatUnitsExact(value, PORTFOLIO_DECIMALS)

async function listAll<T>(client: Reader, type: string, haloClass?: string): Promise<T[]> {
  const out: T[] = []
  let cursor: string | undefined
  for (let page = 0; page < MAX_PAGES; page++) {
    const result = await client.list<T>({ type, limit: PAGE, ...(haloClass ? { haloClass } : {}), ...(cursor ? { cursor } : {}) })
    out.push(...result.items.map((item) => item.data))
    if (!result.nextCursor) return out
    cursor = result.nextCursor
  }
  return out
}

function signalConfig(unit: PortfolioUnitRecord): WarningSignalConfig {
  const s = unit.warningSignals
  return { navDrop: s.navDrop ? { maxDropBps: BigInt(s.navDrop.maxDropBps) } : undefined, navReport: s.navReport }
}

type NavHistoryPoint = { reportedAt: string; nav: string; shares: string; navPerShare: string }

/** One point per book version whose `lastReportAt` moved (a NAV report), oldest first. */
async function navHistory(client: Reader, bookId: string): Promise<Map<string, { points: NavHistoryPoint[]; wad: NavPoint[] }>> {
  const versions = await client.history<PortfolioBookRecord>(PORTFOLIO_BOOK, bookId, { limit: MAX_VERSIONS })
  const byUnit = new Map<string, { points: NavHistoryPoint[]; wad: NavPoint[] }>()
  let lastReportAt: string | null = null
  for (const version of versions) {
    const record = version.data
    if (record.lastReportAt === lastReportAt) continue
    const first = lastReportAt === null
    lastReportAt = record.lastReportAt
    if (first) continue // the opening version is not a report
    const book = bookOf(record)
    for (const unit of record.units) {
      const price = navPerShareWad(book, unit.unitId, new Date(record.lastReportAt))
      const entry = byUnit.get(unit.unitId) ?? { points: [], wad: [] }
      entry.points.push({ reportedAt: record.lastReportAt, nav: unit.nav, shares: unit.shares, navPerShare: text(price) })
      entry.wad.push({ navPerShareWad: price, reportedAt: new Date(record.lastReportAt) })
      byUnit.set(unit.unitId, entry)
    }
  }
  return byUnit
}

async function openedAt(client: Reader, bookId: string): Promise<Date> {
  const [first] = await client.history<PortfolioBookRecord>(PORTFOLIO_BOOK, bookId, { limit: 1 })
  return new Date(first!.data.lastReportAt)
}

async function unitViews(client: Reader, record: PortfolioBookRecord, now: Date) {
  const book = bookOf(record)
  const history = await navHistory(client, record.bookId)
  const opened = await openedAt(client, record.bookId)
  return record.units.map((unit) => {
    const points = history.get(unit.unitId)?.wad ?? []
    const signals = evaluateWarningSignals(signalConfig(unit), { now, latest: points.at(-1) ?? null, previous: points.at(-2) ?? null, openedAt: opened, pendingRedemptions: [] })
    const tranche = tranchePosition(book, unit.unitId)
    return {
      unitId: unit.unitId,
      rank: unit.rank,
      seniority: tranche.seniority,
      yield: unit.yield.kind === 'target' ? { kind: 'target' as const, rateBps: unit.yield.rateBps } : { kind: 'residual' as const },
      warningSignals: unit.warningSignals,
      migrationPath: unit.migrationPath ?? null,
      shares: unit.shares,
      nav: unit.nav,
      navPerShare: text(navPerShareWad(book, unit.unitId, now)),
      holders: unit.holders ?? {},
      tranche: { subordination: text(tranche.subordinationWad), rankNav: text(tranche.rankNavWad), attachment: text(tranche.attachmentWad), detachment: text(tranche.detachmentWad) },
      signals: signals.map((s) => ({ code: s.code, message: s.message })),
      navHistory: history.get(unit.unitId)?.points ?? [],
    }
  })
}

function bookSummary(record: PortfolioBookRecord) {
  const book = bookOf(record)
  const liabilities = book.units.reduce((sum, u) => sum + u.nav, 0n)
  return { bookId: record.bookId, accrualSeconds: record.accrualSeconds, assets: record.assets, liabilities: text(liabilities), balanced: liabilities === book.assets, lastReportAt: record.lastReportAt }
}

export async function portfolioClassStatus(client: Reader, classId: string, now: Date) {
  const cls = (await client.get<PortfolioClassRecord>(PORTFOLIO_CLASS, classId)).data
  const books = (await listAll<PortfolioBookRecord>(client, PORTFOLIO_BOOK, classId)).filter((b) => b.classId === classId)
  const reports = await listAll<{ bookId: string; reportId: string; reportedAssets: string; reportedAt: string; kind: string; amount: string }>(client, PORTFOLIO_NAV_REPORT, classId)
  return {
    classId: cls.classId,
    name: cls.name,
    createdAt: cls.createdAt,
    books: await Promise.all(
      books.map(async (record) => {
        const last = reports.filter((r) => r.bookId === record.bookId).at(-1)
        const units = await unitViews(client, record, now)
        return {
          ...bookSummary(record),
          lastReport: last ? { reportId: last.reportId, reportedAt: last.reportedAt, reportedAssets: last.reportedAssets, kind: last.kind, amount: last.amount } : null,
          units: units.map(({ navHistory: _navHistory, warningSignals: _warningSignals, migrationPath: _migrationPath, ...unit }) => unit),
        }
      }),
    ),
  }
}
export type PortfolioClassStatus = Awaited<ReturnType<typeof portfolioClassStatus>>

/** Bound on the classes one overview reads in full (each is a few reads per book). */
const MAX_CLASSES = 100

/** Every Portfolio class the Synome records (oldest first, at most MAX_CLASSES), each as `portfolioClassStatus` shows it. */
export async function portfolioClasses(client: Reader, now: Date) {
  const classes = (await listAll<PortfolioClassRecord>(client, PORTFOLIO_CLASS)).sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.classId.localeCompare(b.classId))
  const shown = classes.slice(0, MAX_CLASSES)
  return { total: classes.length, classes: await Promise.all(shown.map((c) => portfolioClassStatus(client, c.classId, now))) }
}
export type PortfolioClasses = Awaited<ReturnType<typeof portfolioClasses>>

export async function portfolioUnitStatus(client: Reader, unitId: string, now: Date) {
  const { bookId, classId } = (await client.get<{ unitId: string; bookId: string; classId: string }>(PORTFOLIO_UNIT, unitId)).data
  const record = (await client.get<PortfolioBookRecord>(PORTFOLIO_BOOK, bookId)).data
  const unit = (await unitViews(client, record, now)).find((u) => u.unitId === unitId)!
  const settlements = (await listAll<{ bookId: string; unitId: string; epoch: string; settledAt: string; subscribed: string; redeemedShares: string; sharesMinted: string; amountPaid: string }>(client, PORTFOLIO_SETTLEMENT, classId))
    .filter((s) => s.unitId === unitId)
    .map(({ epoch, settledAt, subscribed, redeemedShares, sharesMinted, amountPaid }) => ({ epoch, settledAt, subscribed, redeemedShares, sharesMinted, amountPaid }))
  const pair = (await listAll<LctsSettlementRecord>(client, LCTS_SETTLEMENT)).filter((s) => s.pairId === unitId).at(-1)
  const queue = (q: LctsSettlementRecord['subscribe']) => (q ? { generationId: q.generationId, capacity: q.capacity, converted: q.converted, finalized: q.finalized, txHash: q.txHash } : null)
  return {
    ...unit,
    bookId,
    classId,
    book: bookSummary(record),
    settlements,
    queues: pair ? { epoch: pair.epoch, fallback: pair.fallback, exchangeRateWad: pair.exchangeRateWad, subscribe: queue(pair.subscribe), redeem: queue(pair.redeem) } : null,
  }
}
export type PortfolioUnitStatus = Awaited<ReturnType<typeof portfolioUnitStatus>>
