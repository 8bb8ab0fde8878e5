import type { LocalAccount } from 'viem'
import type { z } from 'zod'
import type { EntityRecord } from '../commands/types.js'
import type { BUILTIN_COMMANDS } from '../commands/registry.js'
import type { CheckpointsResult, ConsistencyProofResult, InclusionProofResult, StoredCheckpoint } from '../checkpoints.js'
import type { VerifyChainReturnType } from '../log/hash.js'
import type { EntityVersion, EventsResult, ListFilter, ListResult } from '../reads.js'
import type { LeaseToken } from '../../domain/lease.js'
import type { JournalLine, LeaseView, SignedLeaseRequest } from '../leases.js'
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
  /** The fencing token of the sender's beacon lease (HA instances; see src/domain/lease.ts). */
  lease?: LeaseToken | undefined
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
  /** A signed acquire / renew / release (src/synome/leases.ts). */
  lease(signed: SignedLeaseRequest): Promise<LeaseView>
  /** A signed, fenced journal append. */
  appendJournal(signed: SignedLeaseRequest): Promise<{ seq: number; lease: LeaseView }>
  leases(): Promise<LeaseView[]>
  journal(signer: string, name: string, options?: { after?: number; limit?: number }): Promise<{ lines: JournalLine[] }>
  checkpoints(options?: { after?: number; limit?: number }): Promise<CheckpointsResult>
  latestCheckpoint(): Promise<StoredCheckpoint>
  inclusionProof(p: { position: number; treeSize: number }): Promise<InclusionProofResult>
  consistencyProof(p: { from: number; to: number }): Promise<ConsistencyProofResult>
}

export type LeaseHolderParameters = { name: string; holder: string }

/** The one client of the Synome (CLI, beacons, verify, tests): reads plus signed commands. */
export interface SynomeClient extends SynomeTransport {
  /** The signer of `send`; reads work without one. */
  readonly account: LocalAccount | undefined
  send<N extends keyof SynomeCommands>(command: N, payload: SynomeCommands[N], options?: SendOptions): Promise<CommandResult>
  /** Sign a command without sending it (to send later, or through another client). */
  sign<N extends keyof SynomeCommands>(command: N, payload: SynomeCommands[N], options?: SendOptions): Promise<SignedCommand>
  /** Beacon leases, signed by `account` (issuedAt from the wall clock, strictly increasing). */
  acquireLease(p: LeaseHolderParameters & { ttlMs: number }): Promise<LeaseView>
  renewLease(p: LeaseHolderParameters & { epoch: number; ttlMs: number }): Promise<LeaseView>
  releaseLease(p: LeaseHolderParameters & { epoch: number }): Promise<LeaseView>
  /** Append line `seq` to this signer's journal `journal`, fenced by `lease`. */
  appendLine(p: { lease: LeaseToken; holder: string; journal: string; seq: number; line: unknown }): Promise<{ seq: number; lease: LeaseView }>
}

export type CreateClientParameters = {
  account?: LocalAccount | undefined
  /** chainId of the signing domain; must match the service's (default 31337). */
  chainId?: number | undefined
  /** Clock for `issuedAt` (default: wall clock). */
  clock?: (() => Date) | undefined
  /** Clock for lease requests' `issuedAt` (default: wall clock — the Synome checks them against its lease clock). */
  leaseClock?: (() => Date) | undefined
}
