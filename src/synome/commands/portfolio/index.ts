import { z } from 'zod'
import { InvalidInputError, PreconditionFailedError } from '../../../domain/errors.js'
import { allocateProRata } from '../../../domain/proRata.js'
import { formatUnitsExact, parseUnitsExact } from '../../../domain/money.js'
import { applyNavReport, assertBalanced, openBook, redeem, subscribe, type HaloBook } from '../../../domain/portfolio/book.js'
import { refuseExisting } from '../helpers.js'
import { decimalString, entityId } from '../schemas.js'
import { defineCommand, type StateAccess } from '../types.js'
import { registerCommands } from '../registry.js'
import { epoch } from '../lcts/records.js'
import {
  bookOf, PORTFOLIO_BOOK, PORTFOLIO_UNIT, PORTFOLIO_CLASS, PORTFOLIO_DECIMALS, PORTFOLIO_NAV_REPORT, PORTFOLIO_SETTLEMENT, recordOf, unitTermsSchema,
  type PortfolioBookRecord, type PortfolioClassRecord,
} from './records.js'

/**
 * Portfolio Halo commands (issue 14): the Council defines a class and its books with their
 * units' tranche terms and warning signals; lpha-lcts records each unit settlement and each
 * manager NAV report. Every book-changing command recomputes the book with the domain model
 * (src/domain/portfolio/book.ts) and is refused unless the result is balanced and equals what
 * the sender claims, so a record can never disagree with the pure model.
 * Pass PORTFOLIO_COMMANDS to `createSynome({ commands })` or call registerPortfolioCommands().
 */
const amount = (value: string, field: string) => parseUnitsExact(value, PORTFOLIO_DECIMALS, field)
const text = (value: bigint) => formatUnitsExact(value, PORTFOLIO_DECIMALS)

async function loadBook(state: StateAccess, bookId: string): Promise<PortfolioBookRecord> {
  return (await state.require<PortfolioBookRecord>(PORTFOLIO_BOOK, bookId)).data
}

function putBook(state: StateAccess, record: PortfolioBookRecord): void {
  state.put({ type: PORTFOLIO_BOOK, id: record.bookId, data: record, haloClass: record.classId })
}

export const createPortfolioClass = defineCommand({
  name: 'createPortfolioClass',
  role: 'council',
  summary: 'Create a Portfolio Halo Class (units sharing one PAU, one lpha-lcts and one legal framework)',
  schema: z.strictObject({ classId: entityId, name: z.string().min(1).max(200) }),
  async target(_state, payload) {
    return { type: PORTFOLIO_CLASS, id: payload.classId, haloClass: payload.classId }
  },
  async apply(state, payload, ctx) {
    refuseExisting(await state.get(PORTFOLIO_CLASS, payload.classId), `portfolio class ${payload.classId}`)
    const record: PortfolioClassRecord = { classId: payload.classId, name: payload.name, createdAt: ctx.time }
    state.put({ type: PORTFOLIO_CLASS, id: payload.classId, data: record, haloClass: payload.classId })
    return { classId: payload.classId }
  },
})

export const createPortfolioBook = defineCommand({
  name: 'createPortfolioBook',
  role: 'council',
  summary: 'Open a Halo Book in a Portfolio class with its units (rank, yield terms, warning signals); empty and balanced',
  schema: z.strictObject({ classId: entityId, bookId: entityId, accrualSeconds: z.number().int().min(0).max(366 * 86_400), units: z.array(unitTermsSchema).min(1).max(16) }),
  async target(_state, payload) {
    return { type: PORTFOLIO_BOOK, id: payload.bookId, haloClass: payload.classId }
  },
  async apply(state, payload, ctx) {
    await state.require(PORTFOLIO_CLASS, payload.classId)
    refuseExisting(await state.get(PORTFOLIO_BOOK, payload.bookId), `portfolio book ${payload.bookId}`)
    // unit ids are unique across books: a unit belongs to exactly one book
    for (const unit of payload.units) refuseExisting(await state.get(PORTFOLIO_UNIT, unit.unitId), `portfolio unit ${unit.unitId}`)
    const book = openBook({
      bookId: payload.bookId,
      openedAt: ctx.now,
      accrualSeconds: payload.accrualSeconds,
      units: payload.units.map((u) => ({ unitId: u.unitId, rank: u.rank, yield: u.yield.kind === 'target' ? { kind: 'target', rateBps: BigInt(u.yield.rateBps) } : { kind: 'residual' } })),
    })
    const base: PortfolioBookRecord = {
      classId: payload.classId, bookId: payload.bookId, accrualSeconds: payload.accrualSeconds, assets: '0', lastReportAt: ctx.now.toISOString(),
      units: payload.units.map((u) => ({ unitId: u.unitId, rank: u.rank, yield: u.yield, warningSignals: u.warningSignals, ...(u.migrationPath ? { migrationPath: u.migrationPath } : {}), shares: '0', nav: '0', unaccruedGain: '0', accrualStartAt: ctx.now.toISOString() })),
    }
    putBook(state, recordOf(base, book))
    for (const unit of payload.units) state.put({ type: PORTFOLIO_UNIT, id: unit.unitId, data: { unitId: unit.unitId, bookId: payload.bookId, classId: payload.classId }, haloClass: payload.classId })
    return { bookId: payload.bookId }
  },
})

/**
 * lpha-lcts's decision for the settlement, with its inputs (src/domain/portfolio/capacity.ts):
 * what was queued, the price, the unit's remaining capacity, the liquidity returned, the PAU
 * limits, and the warning signals up at decision time (stable codes).
 */
const settlementDecisionSchema = z.strictObject({
  decidedAt: z.iso.datetime(),
  subscribeQueued: decimalString,
  redeemQueuedShares: decimalString,
  navPerShareWad: z.string().regex(/^\d{1,78}$/),
  unitNav: decimalString,
  maxNav: decimalString.nullable(),
  returnedLiquidity: decimalString,
  deployLimit: decimalString,
  fundLimit: decimalString,
  matchedValue: decimalString,
  newSubscription: decimalString,
  subscribeCapacity: decimalString,
  redeemCapacity: decimalString,
  fundAmount: decimalString,
  halted: z.boolean(),
  signals: z.array(z.strictObject({ code: z.string().min(1).max(64), message: z.string().max(500) })).max(8),
})

const unitNavClaim = z.strictObject({ unitId: entityId, nav: decimalString })

function refuseMismatch(book: HaloBook, claimed: readonly { unitId: string; nav: string }[]): void {
  const claimedTotal = claimed.reduce((sum, c) => sum + amount(c.nav, 'nav'), 0n)
  if (claimed.length !== book.units.length || claimedTotal !== book.assets) {
    throw new PreconditionFailedError(`the claimed unit NAVs leave book ${book.bookId} unbalanced`, { details: `assets ${text(book.assets)}, claimed units' NAV ${text(claimedTotal)}`, meta: { gate: 'BOOK_UNBALANCED' } })
  }
  for (const unit of book.units) {
    const claim = claimed.find((c) => c.unitId === unit.unitId)
    if (!claim || amount(claim.nav, 'nav') !== unit.nav) {
      throw new PreconditionFailedError(`unit ${unit.unitId}: the claimed NAV is not the tranche waterfall's`, { details: `model ${text(unit.nav)}, claimed ${claim?.nav ?? 'none'}`, meta: { gate: 'TRANCHE_MISMATCH', unitId: unit.unitId } })
    }
  }
}

export const recordPortfolioNavReport = defineCommand({
  name: 'recordPortfolioNavReport',
  role: 'lcts',
  summary: 'Record an asset manager’s NAV report on a book with the units’ NAV after the tranche waterfall; refused unless it equals the model and balances',
  schema: z.strictObject({ bookId: entityId, reportId: entityId, reportedAssets: decimalString, reportedAt: z.iso.datetime(), units: z.array(unitNavClaim).min(1).max(16) }),
  async target(state, payload) {
    const book = await loadBook(state, payload.bookId)
    return { type: PORTFOLIO_BOOK, id: payload.bookId, haloClass: book.classId }
  },
  async apply(state, payload) {
    const id = `${payload.bookId}:${payload.reportId}`
    refuseExisting(await state.get(PORTFOLIO_NAV_REPORT, id), `NAV report ${id}`)
    const previous = await loadBook(state, payload.bookId)
    const result = applyNavReport({ book: bookOf(previous), reportedAssets: amount(payload.reportedAssets, 'reportedAssets'), reportedAt: new Date(payload.reportedAt) })
    assertBalanced(result.book)
    refuseMismatch(result.book, payload.units)
    putBook(state, recordOf(previous, result.book))
    state.put({
      type: PORTFOLIO_NAV_REPORT, id, haloClass: previous.classId,
      data: { ...payload, kind: result.kind, amount: text(result.amount), movements: result.movements.map((m) => ({ unitId: m.unitId, rank: m.rank, navBefore: text(m.navBefore), change: (m.change < 0n ? '-' : '') + text(m.change < 0n ? -m.change : m.change), navAfter: text(m.navAfter) })) },
    })
    return { id, kind: result.kind }
  },
})

const primeFlow = z.strictObject({ prime: z.string().min(1).max(128), subscribed: decimalString, redeemedShares: decimalString })

/**
 * Shares per Prime after a settlement: the minted shares split pro rata by what each Prime
 * subscribed (exact: allocateProRata), redeemed shares taken from each Prime's holding. Refused
 * if the breakdown does not add up to the totals or a Prime redeems more than it holds.
 */
function nextHolders(previous: Record<string, string> | undefined, byPrime: readonly z.output<typeof primeFlow>[], totals: { subscribed: bigint; redeemedShares: bigint; sharesMinted: bigint }): Record<string, string> {
  const flows = byPrime.map((f) => ({ prime: f.prime.toLowerCase(), subscribed: amount(f.subscribed, 'byPrime.subscribed'), redeemedShares: amount(f.redeemedShares, 'byPrime.redeemedShares') }))
  if (new Set(flows.map((f) => f.prime)).size !== flows.length) throw new InvalidInputError('byPrime names a Prime twice', { meta: { field: 'byPrime' } })
  const sum = (xs: bigint[]) => xs.reduce((a, b) => a + b, 0n)
  if (sum(flows.map((f) => f.subscribed)) !== totals.subscribed || sum(flows.map((f) => f.redeemedShares)) !== totals.redeemedShares) {
    throw new PreconditionFailedError('byPrime does not add up to the settlement', { meta: { gate: 'SETTLEMENT_BREAKDOWN_MISMATCH' } })
  }
  const holders = new Map(Object.entries(previous ?? {}).map(([prime, shares]) => [prime, amount(shares, 'holders')]))
  const minted = allocateProRata(totals.sharesMinted, flows.map((f) => f.subscribed))
  flows.forEach((f, i) => {
    const held = (holders.get(f.prime) ?? 0n) + minted[i]!
    if (f.redeemedShares > held) throw new PreconditionFailedError(`Prime ${f.prime} redeems more shares than it holds`, { details: `${text(f.redeemedShares)} > ${text(held)}`, meta: { gate: 'PRIME_SHARES_EXCEEDED', prime: f.prime } })
    holders.set(f.prime, held - f.redeemedShares)
  })
  return Object.fromEntries([...holders].filter(([, shares]) => shares > 0n).sort(([a], [b]) => a.localeCompare(b)).map(([prime, shares]) => [prime, text(shares)]))
}

export const recordPortfolioSettlement = defineCommand({
  name: 'recordPortfolioSettlement',
  role: 'lcts',
  summary: 'Record one settlement of a unit (subscribed amount in, shares redeemed out, optionally per Prime, with the lpha-lcts decision) at the book’s price; once per unit and epoch',
  schema: z.strictObject({ bookId: entityId, unitId: entityId, epoch, settledAt: z.iso.datetime(), subscribed: decimalString, redeemedShares: decimalString, byPrime: z.array(primeFlow).min(1).max(64).optional(), decision: settlementDecisionSchema.optional() }),
  async target(state, payload) {
    const book = await loadBook(state, payload.bookId)
    return { type: PORTFOLIO_BOOK, id: payload.bookId, haloClass: book.classId }
  },
  async apply(state, payload) {
    const id = `${payload.bookId}:${payload.unitId}:${payload.epoch}`
    refuseExisting(await state.get(PORTFOLIO_SETTLEMENT, id), `settlement ${id}`)
    const previous = await loadBook(state, payload.bookId)
    const at = new Date(payload.settledAt)
    let book = bookOf(previous)
    let sharesMinted = 0n
    let amountPaid = 0n
    const subscribed = amount(payload.subscribed, 'subscribed')
    const redeemedShares = amount(payload.redeemedShares, 'redeemedShares')
    if (subscribed > 0n) ({ book, sharesMinted } = subscribe({ book, unitId: payload.unitId, amount: subscribed, at }))
    if (redeemedShares > 0n) ({ book, amountPaid } = redeem({ book, unitId: payload.unitId, shares: redeemedShares, at }))
    assertBalanced(book)
    let next = recordOf(previous, book)
    if (payload.byPrime) {
      const holders = nextHolders(previous.units.find((u) => u.unitId === payload.unitId)?.holders, payload.byPrime, { subscribed, redeemedShares, sharesMinted })
      next = { ...next, units: next.units.map((u) => (u.unitId === payload.unitId ? { ...u, holders } : u)) }
    }
    putBook(state, next)
    state.put({ type: PORTFOLIO_SETTLEMENT, id, haloClass: previous.classId, data: { ...payload, sharesMinted: text(sharesMinted), amountPaid: text(amountPaid) } })
    return { id, sharesMinted: text(sharesMinted), amountPaid: text(amountPaid) }
  },
})

export const PORTFOLIO_COMMANDS = [createPortfolioClass, createPortfolioBook, recordPortfolioSettlement, recordPortfolioNavReport] as const

export function registerPortfolioCommands(): void {
  registerCommands(PORTFOLIO_COMMANDS)
}

type PortfolioCommand = (typeof PORTFOLIO_COMMANDS)[number]
declare module '../../client/types.js' {
  interface SynomeCommands extends PortfolioCommandPayloads {}
}
export type PortfolioCommandPayloads = { [C in PortfolioCommand as C['name']]: z.input<C['schema']> }

export * from './records.js'
