/**
 * Ingestion: the factory's metadata events become Synome records. Idempotent and replayable
 * from any block: each record is sent with the idempotency key of its event
 * (chainId:txHash:logIndex) and nothing already held identically is sent again, so replaying a
 * range, or overlapping ranges, writes nothing twice. Only logs `finalityDepth` deep are read
 * (see reader.ts). Classes go first, so a unit's or book's class is always there.
 *   Term and Portfolio class → `factoryClass`; Term unit → `factoryUnit`;
 *   Portfolio class → also `portfolioClass` (classId = its PortfolioHaloClass address);
 *   Portfolio book → `factoryBook` (addresses, capacities, queues) and `portfolioBook`
 *   (bookId `<haloClass>:<salt>`, unitId = the unit's token address, the tranche terms:
 *   the most junior rank residual, the others their target yield).
 *   Trading pool (TradingPoolFactory's TradingPoolDeployed, read when `tradingFactory` is given) →
 *   `factoryBook` with kind 'trading' (bookId `<pool>:<salt>`, one unit: the pool's share token and
 *   queues; the pool's parameters), after its Trading class.
 * The factory's event carries no warning signals: they come from the Unit Artifact, keyed by
 * its hash (`warningSignals`). Everything read is mapped and checked before anything is
 * written: a book whose unit has no warning signals, whose most junior rank names a target
 * yield, or that disagrees with what the Synome already holds under its id is refused
 * (FactoryError) and nothing of the range is written.
 */
import type { Address, Chain, Hex, PublicClient, Transport } from 'viem'
import type { z } from 'zod'
import type { SynomeClient } from '../synome/client/types.js'
import { chainEventKey } from '../beacons/shared/finality.js'
import { NotFoundError } from '../domain/errors.js'
import { readFactoryDeployments } from './reader.js'
import { FactoryError } from './errors.js'
import { FACTORY_CLASS, type FactoryBookRecord, type FactoryClassRecord } from '../synome/commands/factory/records.js'
import { PORTFOLIO_BOOK, PORTFOLIO_CLASS, type PortfolioBookRecord, type PortfolioClassRecord, type warningSignalsSchema } from '../synome/commands/portfolio/records.js'
import type { PortfolioCommandPayloads } from '../synome/commands/portfolio/index.js'
import '../synome/commands/factory/index.js'

export type WarningSignals = z.input<typeof warningSignalsSchema>

export type IngestFactoryParameters = {
  publicClient: PublicClient<Transport, Chain>
  /** Signs as a council-role key. */
  synome: SynomeClient
  factory: Address
  fromBlock: bigint
  finalityDepth: number
  /** The TradingPoolFactory: its pools are ingested too (none without it). */
  tradingFactory?: Address | undefined
  /** Each Portfolio unit's warning signals, by its Unit Artifact hash (the event's `artifactHash`). */
  warningSignals?: Readonly<Record<Hex, WarningSignals>> | undefined
}

export type IngestFactoryReturnType = { toBlock: bigint; classes: number; units: number; books: number; pools: number; written: number }

const MAX_ACCRUAL_SECONDS = 366 * 86_400
const MAX_RATE_BPS = 100_000

/** The Portfolio class's Synome name: the factory records no name, so the address names it. */
export const portfolioClassName = (haloClass: string) => `Portfolio Halo Class ${haloClass.toLowerCase()}`

/** The `createPortfolioBook` payload of a factory book, or a FactoryError saying what does not fit. */
export function portfolioBookOf(book: FactoryBookRecord, warningSignals: Readonly<Record<string, WarningSignals>>): PortfolioCommandPayloads['createPortfolioBook'] {
  const refuse = (why: string) => new FactoryError(`factory book ${book.bookId}: ${why}`, { details: `tx ${book.chainEvent.txHash}` })
  const accrualSeconds = Number(book.accrualSeconds)
  if (!(accrualSeconds <= MAX_ACCRUAL_SECONDS)) throw refuse(`accrualSeconds ${book.accrualSeconds} is above ${MAX_ACCRUAL_SECONDS}`)
  const juniorRank = Math.max(...book.units.map((u) => u.rank))
  const units = book.units.map((u) => {
    const signals = Object.entries(warningSignals).find(([hash]) => hash.toLowerCase() === u.artifactHash)?.[1]
    if (!signals) throw refuse(`no warning signals for unit ${u.token} (artifact ${u.artifactHash})`)
    if (u.rank === juniorRank && u.yieldBps !== '0') throw refuse(`unit ${u.token} is of the most junior rank and names a target yield of ${u.yieldBps} bps`)
    if (Number(u.yieldBps) > MAX_RATE_BPS) throw refuse(`unit ${u.token} yield ${u.yieldBps} bps is above ${MAX_RATE_BPS}`)
    const yieldTerms = u.rank === juniorRank ? { kind: 'residual' as const } : { kind: 'target' as const, rateBps: Number(u.yieldBps) }
    return { unitId: u.token, rank: u.rank, yield: yieldTerms, warningSignals: signals }
  })
  return { classId: book.haloClass, bookId: book.bookId, accrualSeconds, units }
}

async function maybeGet<T>(synome: SynomeClient, type: string, id: string) {
  try {
    return (await synome.get<T>(type, id)).data
  } catch (error) {
    if (error instanceof NotFoundError || (error as { code?: string }).code === 'NOT_FOUND') return undefined
    throw error
  }
}

const bookTerms = (b: { classId: string; accrualSeconds: number; units: readonly { unitId: string; rank: number; yield: unknown; warningSignals: unknown }[] }) =>
  JSON.stringify([b.classId, b.accrualSeconds, b.units.map((u) => [u.unitId, u.rank, u.yield, u.warningSignals])])

export async function ingestFactoryEvents(p: IngestFactoryParameters): Promise<IngestFactoryReturnType> {
  const { classes, units, books, pools, toBlock } = await readFactoryDeployments(p)
  const { synome } = p
  // map and check everything before writing anything
  const portfolioBooks = books.map((book) => ({ book, payload: portfolioBookOf(book, p.warningSignals ?? {}) }))
  const portfolioClasses = classes.filter((c): c is FactoryClassRecord & { haloClass: string } => c.haloClass !== undefined)
  for (const { book, payload } of portfolioBooks) {
    if (!classes.some((c) => c.pau === book.pau && c.haloClass === book.haloClass)) {
      const held = await maybeGet<FactoryClassRecord>(synome, FACTORY_CLASS, book.pau)
      if (held?.haloClass !== book.haloClass) throw new FactoryError(`factory book ${book.bookId}: its Portfolio class ${book.pau} is neither in the range nor recorded`)
    }
    const existing = await maybeGet<PortfolioBookRecord>(synome, PORTFOLIO_BOOK, payload.bookId)
    if (existing && bookTerms(existing) !== bookTerms(payload)) throw new FactoryError(`portfolio book ${payload.bookId} is already recorded with other terms`)
  }
  for (const pool of pools) {
    const cls = classes.find((c) => c.pau === pool.pau) ?? (await maybeGet<FactoryClassRecord>(synome, FACTORY_CLASS, pool.pau))
    if (!cls || cls.haloClass !== undefined || cls.templateId !== pool.templateId) throw new FactoryError(`trading pool ${pool.haloClass}: its Trading class ${pool.pau} is neither in the range nor recorded`)
  }
  for (const cls of portfolioClasses) {
    const existing = await maybeGet<PortfolioClassRecord>(synome, PORTFOLIO_CLASS, cls.haloClass)
    if (existing && existing.name !== portfolioClassName(cls.haloClass)) throw new FactoryError(`portfolio class ${cls.haloClass} is already recorded under another name (${existing.name})`)
  }

  let written = 0
  const key = (record: { chainEvent: { chainId: number; txHash: string; logIndex: number } }, prefix = 'factory') =>
    `${prefix}:${chainEventKey({ chainId: record.chainEvent.chainId, txHash: record.chainEvent.txHash as Hex, logIndex: record.chainEvent.logIndex })}`
  const count = (result: { result?: unknown; replayed: boolean }) => {
    if (!(result.result as { unchanged?: boolean } | undefined)?.unchanged && !result.replayed) written += 1
  }
  for (const record of classes) {
    count(await synome.send('recordFactoryClass', record, { idempotencyKey: key(record) }))
    if (record.haloClass && !(await maybeGet(synome, PORTFOLIO_CLASS, record.haloClass))) {
      count(await synome.send('createPortfolioClass', { classId: record.haloClass, name: portfolioClassName(record.haloClass) }, { idempotencyKey: key(record, 'factory-portfolio-class') }))
    }
  }
  for (const record of units) count(await synome.send('recordFactoryUnit', record, { idempotencyKey: key(record) }))
  for (const { book, payload } of portfolioBooks) {
    count(await synome.send('recordFactoryBook', book, { idempotencyKey: key(book) }))
    if (!(await maybeGet(synome, PORTFOLIO_BOOK, payload.bookId))) {
      count(await synome.send('createPortfolioBook', payload, { idempotencyKey: key(book, 'factory-portfolio-book') }))
    }
  }
  for (const pool of pools) count(await synome.send('recordFactoryBook', pool, { idempotencyKey: key(pool) }))
  return { toBlock, classes: classes.length, units: units.length, books: books.length, pools: pools.length, written }
}
