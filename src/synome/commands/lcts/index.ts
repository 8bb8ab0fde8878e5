import { z } from 'zod'
import { PreconditionFailedError } from '../../../domain/errors.js'
import { refuseExisting } from '../helpers.js'
import { entityId } from '../schemas.js'
import { defineCommand } from '../types.js'
import { registerCommands } from '../registry.js'
import { capacityInputsSchema, epoch, LCTS_CAPACITY_INPUTS, LCTS_SETTLEMENT, settlementSchema, type LctsCapacityInputsEntity, type LctsSettlementRecord } from './records.js'

/**
 * LCTS commands: Core Council's capacity inputs per epoch, and lpha-lcts's settlement records.
 * Pass LCTS_COMMANDS to `createSynome({ commands })`, or call registerLctsCommands() once
 * before a service starts (like the agent commands).
 */
export const setLctsCapacityInputs = defineCommand({
  name: 'setLctsCapacityInputs',
  role: 'council',
  summary: 'Set one epoch’s capacity inputs of an LCTS pair (origination capacity and rate, target spread, redemption limit); refused once that epoch is settled',
  schema: z.strictObject({ pairId: entityId, epoch, inputs: capacityInputsSchema }),
  async target(_state, payload) {
    return { type: LCTS_CAPACITY_INPUTS, id: `${payload.pairId}:${payload.epoch}` }
  },
  async apply(state, payload, ctx) {
    const id = `${payload.pairId}:${payload.epoch}`
    if (await state.get(LCTS_SETTLEMENT, id)) throw new PreconditionFailedError(`epoch ${payload.epoch} of ${payload.pairId} is already settled`, { meta: { field: 'epoch' } })
    const entity: LctsCapacityInputsEntity = { pairId: payload.pairId, epoch: payload.epoch, inputs: payload.inputs, setAt: ctx.time }
    state.put({ type: LCTS_CAPACITY_INPUTS, id, data: entity, prime: payload.pairId })
    return { id }
  },
})

export const recordLctsSettlement = defineCommand({
  name: 'recordLctsSettlement',
  role: 'lcts',
  summary: 'Record one LCTS settlement of a pair (inputs, fallback, capacity, converted amounts, rates, queue totals, tx hashes); once per epoch',
  schema: settlementSchema,
  async target(_state, payload) {
    return { type: LCTS_SETTLEMENT, id: `${payload.pairId}:${payload.epoch}` }
  },
  async apply(state, payload) {
    const id = `${payload.pairId}:${payload.epoch}`
    refuseExisting(await state.get(LCTS_SETTLEMENT, id), `settlement ${id}`)
    const record: LctsSettlementRecord = payload
    state.put({ type: LCTS_SETTLEMENT, id, data: record, prime: payload.pairId, state: 'SETTLED' })
    return { id }
  },
})

export const LCTS_COMMANDS = [setLctsCapacityInputs, recordLctsSettlement] as const

export function registerLctsCommands(): void {
  registerCommands(LCTS_COMMANDS)
}

type LctsCommand = (typeof LCTS_COMMANDS)[number]
declare module '../../client/types.js' {
  interface SynomeCommands extends LctsCommandPayloads {}
}
export type LctsCommandPayloads = { [C in LctsCommand as C['name']]: z.input<C['schema']> }

export * from './records.js'
