import type { EntityRecord, EntityWrite } from './commands/types.js'
import { PORTFOLIO_BOOK } from './commands/portfolio/records.js'
import { portfolioBookInvariant } from './commands/portfolio/invariant.js'
import type { TransactionState } from './state.js'

/**
 * Entity invariants: rules about a record that must hold after *every* command, whichever
 * command wrote it (a built-in, a module's extension, a future one). They run inside the
 * command's transaction after the handler staged its writes and before anything is flushed, so
 * a violation refuses the whole command and changes nothing. A handler keeps its own precise
 * checks (with their own codes); these are the backstop that no path can skip.
 */
export type InvariantContext = {
  /** The entity as stored before this command, or undefined if the command creates it. */
  before(type: string, id: string): Promise<EntityRecord | undefined>
  /** Every write the command staged (records it wrote beside the one checked). */
  staged: readonly EntityWrite[]
}
export type EntityInvariant = (write: EntityWrite, context: InvariantContext) => Promise<void> | void

/** Entity type → its invariant. */
export const ENTITY_INVARIANTS: Readonly<Record<string, EntityInvariant>> = {
  [PORTFOLIO_BOOK]: portfolioBookInvariant,
}

export async function checkEntityInvariants(state: TransactionState): Promise<void> {
  const staged = [...state.staged.values()]
  const context: InvariantContext = { before: (type, id) => state.before(type, id), staged }
  for (const write of staged) await ENTITY_INVARIANTS[write.type]?.(write, context)
}
