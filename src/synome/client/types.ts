import type { LocalAccount } from 'viem'
import type { z } from 'zod'
import type { EntityRecord } from '../commands/types.js'
import type { BUILTIN_COMMANDS } from '../commands/registry.js'
import type { CheckpointsResult, ConsistencyProofResult, InclusionProofResult, StoredCheckpoint } from '../checkpoints.js'
import type { VerifyChainReturnType } from '../log/hash.js'
import type { EntityVersion, EventsResult, ListFilter, ListResult } from '../reads.js'
import type { CommandResult } from '../service.js'
import type { SignedCommand } from '../signing.js'

type Builtin = (typeof BUILTIN_COMMANDS)[number]

/**
 * Payload type of every command by name. Modules that add commands augment it:
 *   declare module '../synome/client/types.js' { interface SynomeCommands { myCommand: MyPayload } }
 */
export interface SynomeCommands extends BuiltinCommandPayloads {}
export type BuiltinCommandPayloads = { [C in Builtin as C['name']]: z.input<C['schema']> }

export type SendOptions = {
  /** Default: a random UUID. Beacons pass a deterministic key (e.g. `sweep:42`) so a retry after a crash is a replay. */
  idempotencyKey?: string | undefined
  /** Refuse (409) unless the target entity is at this version. */
  expectedVersion?: number | undefined
}

/** What a transport must offer: the service itself, or HTTP. */
export interface SynomeTransport {
  execute(signed: SignedCommand): Promise<CommandResult>
  get<T>(type: string, id: string): Promise<EntityRecord<T>>
  getAsOf<T>(type: string, id: string, time: string): Promise<EntityVersion<T>>
  history<T>(type: string, id: string, options?: { afterVersion?: number; limit?: number }): Promise<EntityVersion<T>[]>
  list<T>(filter: ListFilter): Promise<ListResult<T>>
  events(options?: { after?: number; limit?: number }): Promise<EventsResult>
  head(): Promise<{ position: number; hash: string | null }>
  verifyLog(): Promise<VerifyChainReturnType>
  checkpoints(options?: { after?: number; limit?: number }): Promise<CheckpointsResult>
  latestCheckpoint(): Promise<StoredCheckpoint>
  inclusionProof(p: { position: number; treeSize: number }): Promise<InclusionProofResult>
  consistencyProof(p: { from: number; to: number }): Promise<ConsistencyProofResult>
}

/** The one client of the Synome (CLI, beacons, verify, tests): reads plus signed commands. */
export interface SynomeClient extends SynomeTransport {
  /** The signer of `send`; reads work without one. */
  readonly account: LocalAccount | undefined
  send<N extends keyof SynomeCommands>(command: N, payload: SynomeCommands[N], options?: SendOptions): Promise<CommandResult>
  /** Sign a command without sending it (to send later, or through another client). */
  sign<N extends keyof SynomeCommands>(command: N, payload: SynomeCommands[N], options?: SendOptions): Promise<SignedCommand>
}

export type CreateClientParameters = {
  account?: LocalAccount | undefined
  /** chainId of the signing domain; must match the service's (default 31337). */
  chainId?: number | undefined
  /** Clock for `issuedAt` (default: wall clock). */
  clock?: (() => Date) | undefined
}
