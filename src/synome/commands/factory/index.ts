import type { z } from 'zod'
import { PreconditionFailedError } from '../../../domain/errors.js'
import { defineCommand, type StateAccess } from '../types.js'
import { registerCommands } from '../registry.js'
import {
  DAY0_REVIEW,
  day0ReviewId,
  day0ReviewSchema,
  FACTORY_BOOK,
  FACTORY_CLASS,
  FACTORY_UNIT,
  factoryBookId,
  factoryBookSchema,
  factoryClassSchema,
  factoryUnitSchema,
  type Day0ReviewRecord,
  type FactoryBookRecord,
  type FactoryClassRecord,
  type FactoryUnitRecord,
} from './records.js'
import { PORTFOLIO_UNIT } from '../portfolio/records.js'

/**
 * Halo Factory commands. Ingestion (council role: these are the governance registry's records)
 * is idempotent: the same event recorded again changes nothing and returns `unchanged`; a
 * different record under the same address is refused (that address is a different deployment,
 * which CREATE2 cannot produce: a reorg or a wrong chain). Pass FACTORY_COMMANDS to
 * `createSynome({ commands })` or call registerFactoryCommands() once.
 */
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b)

async function putOnce(state: StateAccess, type: string, id: string, data: Record<string, unknown>, haloClass: string) {
  const existing = await state.get(type, id)
  if (existing) {
    if (same(existing.data, data)) return { id, unchanged: true }
    throw new PreconditionFailedError(`${type} ${id} is already recorded from another event`, { meta: { gate: 'FACTORY_RECORD_CONFLICT', type, id } })
  }
  state.put({ type, id, data, haloClass })
  return { id, unchanged: false }
}

/** The factory class a unit or book belongs to; refused (FACTORY_CLASS_MISSING) until it is recorded. */
async function requireFactoryClass(state: StateAccess, pau: string) {
  const record = await state.get<FactoryClassRecord>(FACTORY_CLASS, pau)
  if (!record) throw new PreconditionFailedError(`Halo class ${pau} is not recorded`, { meta: { gate: 'FACTORY_CLASS_MISSING', pau } })
  return record
}

export const recordFactoryClass = defineCommand({
  name: 'recordFactoryClass',
  role: 'council',
  summary: 'Record a Halo Class the factory deployed (from its HaloClassDeployed event); the same event again changes nothing',
  schema: factoryClassSchema,
  async target(_state, payload) {
    return { type: FACTORY_CLASS, id: payload.pau }
  },
  async apply(state, payload) {
    return putOnce(state, FACTORY_CLASS, payload.pau, payload satisfies FactoryClassRecord, payload.pau)
  },
})

export const recordFactoryUnit = defineCommand({
  name: 'recordFactoryUnit',
  role: 'council',
  summary: 'Record a Halo Unit the factory deployed (from its HaloUnitDeployed event); its class must be recorded first',
  schema: factoryUnitSchema,
  async target(_state, payload) {
    return { type: FACTORY_UNIT, id: payload.unit }
  },
  async apply(state, payload) {
    await requireFactoryClass(state, payload.pau)
    return putOnce(state, FACTORY_UNIT, payload.unit, payload satisfies FactoryUnitRecord, payload.pau)
  },
})

export const recordFactoryBook = defineCommand({
  name: 'recordFactoryBook',
  role: 'council',
  summary: 'Record a Portfolio book (PortfolioBookDeployed) or a Trading pool (TradingPoolDeployed, kind trading) the factory deployed; its class must be recorded first',
  schema: factoryBookSchema,
  async target(_state, payload) {
    return { type: FACTORY_BOOK, id: payload.bookId }
  },
  async apply(state, payload) {
    const cls = await requireFactoryClass(state, payload.pau)
    if (payload.kind === 'trading') {
      // a Trading pool: its class is no Portfolio class and its template is the class's
      if (cls.data.haloClass !== undefined || cls.data.templateId !== payload.templateId) {
        throw new PreconditionFailedError(`pool ${payload.haloClass} names class ${payload.pau} (template ${payload.templateId}), which is not its Trading class`, { meta: { gate: 'FACTORY_CLASS_MISMATCH', pau: payload.pau } })
      }
    } else if (cls.data.haloClass !== payload.haloClass) {
      throw new PreconditionFailedError(`book ${payload.bookId} names PortfolioHaloClass ${payload.haloClass}, class ${payload.pau} has ${cls.data.haloClass ?? 'none'}`, { meta: { gate: 'FACTORY_CLASS_MISMATCH', pau: payload.pau } })
    }
    if (payload.bookId !== factoryBookId(payload.haloClass, payload.salt)) {
      throw new PreconditionFailedError(`book id ${payload.bookId} is not <haloClass>:<salt>`, { meta: { gate: 'FACTORY_BOOK_ID', bookId: payload.bookId } })
    }
    return putOnce(state, FACTORY_BOOK, payload.bookId, payload satisfies FactoryBookRecord, payload.pau)
  },
})

/**
 * The class PAU of a factory unit: a Term unit (`factoryUnit`), or a Portfolio unit (its token:
 * the `portfolioUnit` record names its book, a `factoryBook` the factory deployed). Undefined
 * for anything else, a hand-made Portfolio book's unit included.
 */
async function factoryUnitPau(state: StateAccess, unit: string): Promise<string | undefined> {
  const term = await state.get<FactoryUnitRecord>(FACTORY_UNIT, unit)
  if (term) return term.data.pau
  const portfolio = await state.get<{ bookId: string }>(PORTFOLIO_UNIT, unit)
  const book = portfolio && (await state.get<FactoryBookRecord>(FACTORY_BOOK, portfolio.data.bookId))
  return book && book.data.units.some((u) => u.token === unit) ? book.data.pau : undefined
}

export const recordDay0Review = defineCommand({
  name: 'recordDay0Review',
  role: 'council',
  summary: 'Record the daily human review sign-off of one of a new unit’s first settlement cycles (once per cycle)',
  schema: day0ReviewSchema,
  async target(_state, payload) {
    return { type: DAY0_REVIEW, id: day0ReviewId(payload.unit, payload.cycle) }
  },
  async apply(state, payload, ctx) {
    const pau = await factoryUnitPau(state, payload.unit)
    if (!pau) throw new PreconditionFailedError(`Halo unit ${payload.unit} is not recorded`, { meta: { gate: 'FACTORY_UNIT_MISSING', unit: payload.unit } })
    const id = day0ReviewId(payload.unit, payload.cycle)
    if (await state.get(DAY0_REVIEW, id)) throw new PreconditionFailedError(`cycle ${payload.cycle} of ${payload.unit} is already signed off`, { meta: { gate: 'ALREADY_EXISTS', id } })
    const record: Day0ReviewRecord = { ...payload, signedBy: ctx.actor, signedAt: ctx.time }
    state.put({ type: DAY0_REVIEW, id, data: record, haloClass: pau })
    return { id }
  },
})

export const FACTORY_COMMANDS = [recordFactoryClass, recordFactoryUnit, recordFactoryBook, recordDay0Review] as const

export function registerFactoryCommands(): void {
  registerCommands(FACTORY_COMMANDS)
}

type FactoryCommand = (typeof FACTORY_COMMANDS)[number]
declare module '../../client/types.js' {
  interface SynomeCommands extends FactoryCommandPayloads {}
}
export type FactoryCommandPayloads = { [C in FactoryCommand as C['name']]: z.input<C['schema']> }
