import type { z } from 'zod'
import type { Role } from '../../domain/roles.js'

/** One entity as the projection holds it (latest state) or as a read returns it. */
export type EntityRecord<T = Record<string, unknown>> = {
  type: string
  id: string
  version: number
  /** Position of the event that last changed it. */
  position: number
  /** Position of the event that created it (list order and cursor). */
  createdPosition: number
  haloClass: string | null
  sleeveId: string | null
  prime: string | null
  state: string | null
  createdAt: string
  updatedAt: string
  data: T
}

/** A staged change: the whole new `data` plus the indexed columns lists filter on. */
export type EntityWrite = {
  type: string
  id: string
  data: Record<string, unknown>
  haloClass?: string | null | undefined
  sleeveId?: string | null | undefined
  prime?: string | null | undefined
  state?: string | null | undefined
}

/**
 * What a handler can see and change, inside the command's transaction. Reads see the
 * handler's own staged writes, so a sweep can write the unit and then the sleeve.
 */
export interface StateAccess {
  get<T = Record<string, unknown>>(type: string, id: string): Promise<EntityRecord<T> | undefined>
  /** Like get, but a missing entity is a NotFoundError (404). */
  require<T = Record<string, unknown>>(type: string, id: string): Promise<EntityRecord<T>>
  /** Entities of a type under one parent (at most `limit`, default 1000), oldest first. */
  children<T = Record<string, unknown>>(type: string, parent: { sleeveId?: string; haloClass?: string; prime?: string }, limit?: number): Promise<EntityRecord<T>[]>
  /** The most recently created entity of a type (e.g. the current risk framework). */
  latest<T = Record<string, unknown>>(type: string): Promise<EntityRecord<T> | undefined>
  put(write: EntityWrite): void
}

export type CommandContext = {
  /** The Synome clock at this command. */
  now: Date
  /** `now` as the seed writes timestamps ("2026-03-15T10:00:00Z"). */
  time: string
  /** Lowercase signer address. */
  actor: string
  role: Role
}

/** The entity a command acts on: its version is what `expectedVersion` is compared with. */
export type CommandTarget = { type: string; id: string; haloClass?: string | undefined }

/**
 * One Synome command. To add one (another module's entity, e.g. an agent registry): write
 * `src/<area>/…/<name>.ts` exporting `defineCommand({...})`, then pass it to
 * `createSynome({ commands: [...] })` or call `registerCommand(handler)` before the service
 * starts. The core (signature, role, idempotency, version, log, projection) does the rest.
 */
export type CommandHandler<S extends z.ZodType = z.ZodType> = {
  name: string
  /** Role the signer must hold (scoped to the target's Halo class for nfat/attest/operator). */
  role: Role
  summary: string
  schema: S
  target(state: StateAccess, payload: z.output<S>): Promise<CommandTarget>
  /**
   * The entities `target` and `apply` will read, as far as the payload tells (optional, an
   * optimisation only): the batch reads them all, and the Halo class of each, in its first
   * statement. A read not named here still works; it costs its own statement.
   */
  reads?(payload: z.output<S>): readonly { type: string; id: string }[]
  /** Check preconditions (throw typed errors), stage writes, return the command's result. */
  apply(state: StateAccess, payload: z.output<S>, ctx: CommandContext): Promise<Record<string, unknown>>
}

/** Keeps the literal `name`, so the client types each command's payload by name. */
export function defineCommand<const N extends string, S extends z.ZodType>(handler: CommandHandler<S> & { name: N }): CommandHandler<S> & { name: N } {
  return handler
}
