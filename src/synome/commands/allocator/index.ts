import { z } from 'zod'
import { NotPermittedError, PreconditionFailedError } from '../../../domain/errors.js'
import { defineCommand } from '../types.js'
import { registerCommands } from '../registry.js'
import { ALLOCATOR_DECISION, allocatorDecisionSchema, type AllocatorDecisionRecord } from './records.js'

/**
 * The allocator's command. The role is unscoped (a Prime is not a Halo class), so the record
 * of a Prime is bound to the key that first wrote it: another allocator key cannot speak for
 * that Prime, and a tick older than the recorded one is refused (a stale process cannot
 * overwrite a newer decision). Pass ALLOCATOR_COMMANDS to `createSynome({ commands })` or call
 * registerAllocatorCommands() once.
 */
export const recordAllocatorDecision = defineCommand({
  name: 'recordAllocatorDecision',
  role: 'allocator',
  summary: 'Record one tick of a Prime’s allocator: per Unit eligibility and reason codes, target, order and execution; the SORL-paced increases it proposes',
  schema: allocatorDecisionSchema,
  async target(_state, payload) {
    return { type: ALLOCATOR_DECISION, id: payload.prime }
  },
  async apply(state, payload, ctx) {
    const previous = (await state.get<AllocatorDecisionRecord>(ALLOCATOR_DECISION, payload.prime))?.data
    if (previous && previous.signer !== ctx.actor) {
      throw new NotPermittedError(`the decisions of Prime ${payload.prime} are written by another allocator key`, { details: `bound to ${previous.signer}`, meta: { field: 'prime', signer: ctx.actor } })
    }
    if (previous && Date.parse(payload.at) < Date.parse(previous.at)) {
      throw new PreconditionFailedError(`a tick at ${payload.at} is older than the recorded one (${previous.at})`, { meta: { field: 'at' } })
    }
    const record: AllocatorDecisionRecord = { ...payload, signer: ctx.actor, recordedAt: ctx.time }
    state.put({ type: ALLOCATOR_DECISION, id: payload.prime, data: record, prime: payload.prime })
    return { prime: payload.prime }
  },
})

export const ALLOCATOR_COMMANDS = [recordAllocatorDecision] as const

export function registerAllocatorCommands(): void {
  registerCommands(ALLOCATOR_COMMANDS)
}

type AllocatorCommand = (typeof ALLOCATOR_COMMANDS)[number]
declare module '../../client/types.js' {
  interface SynomeCommands extends AllocatorCommandPayloads {}
}
export type AllocatorCommandPayloads = { [C in AllocatorCommand as C['name']]: z.input<C['schema']> }

export * from './records.js'
