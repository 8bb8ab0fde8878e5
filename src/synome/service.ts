import { z } from 'zod'
import { BaseError, InvalidInputError, NotPermittedError, PreconditionFailedError, VersionConflictError } from '../domain/errors.js'
import { checkCommandFreshness, DEFAULT_FRESHNESS_WINDOW, type FreshnessWindow } from '../domain/commandFreshness.js'
import { checkRole, ROLES, type RoleGrant } from '../domain/roles.js'
import { isoTimestamp } from '../domain/sleeve.js'
import { applyGrant } from './commands/council.js'
import { buildRegistry } from './commands/registry.js'
import { address as addressSchema } from './commands/schemas.js'
import type { CommandHandler, CommandTarget, StateAccess } from './commands/types.js'
import { defineCommand } from './commands/types.js'
import { IdempotencyConflictError, StoreError, StoreUnavailableError } from './errors.js'
import { GroupCommitter, type BatchOutcome, type GroupCommitOptions, type OnStaged } from './groupCommit.js'
import { LeaseStore } from './leases.js'
import type { LeaseToken } from '../domain/lease.js'
import { canonicalJson, toJsonValue } from './log/canonical.js'
import { GENESIS_HASH, eventHash, verifyChain, type SynomeEvent, type VerifyChainReturnType } from './log/hash.js'
import { eventFromRow } from './log/rows.js'
import { SynomeReads } from './reads.js'
import type { RoleRecord } from './records.js'
import { DEFAULT_SYNOME_CHAIN_ID, SignedCommandSchema, payloadHash, payloadHashOfCanonical, verifyCommandSignature, type SignedCommand } from './signing.js'
import { CheckpointWriter, consistencyProofOf, inclusionProofOf, latestCheckpoint, listCheckpoints, type CheckpointOptions } from './checkpoints.js'
import { migrate } from './sql/migrations.js'
import type { Sql, SqlExecutor } from './sql/sql.js'
import { checkEntityInvariants } from './invariants.js'
import { TransactionState } from './state.js'
import { AppendBatch, SPECULATION_FAILED_CODE, SpeculationAbandoned, type EntityRef, type Head } from './batch.js'

/** What a command returns (and what a replay of its idempotency key returns again). */
export type CommandResult = {
  position: number
  hash: string
  /** The command's target entity after the command. */
  entity: { type: string; id: string; version: number }
  /** Every entity the command changed, with its new version. */
  writes: { type: string; id: string; version: number }[]
  result: Record<string, unknown>
  replayed: boolean
}

export type SynomeServiceOptions = {
  sql: Sql
  /** The Synome clock (tests pin the seed's timestamps; devnets move it). */
  clock?: (() => Date) | undefined
  /** chainId of the EIP-712 signing domain. */
  chainId?: number | undefined
  /** Commands added by other modules (see CommandHandler). */
  commands?: readonly CommandHandler[] | undefined
  /**
   * How far a new command's issuedAt may lie from the clock (default 600 s before, 60 s after);
   * `false` turns the check off (a devnet whose signers run on a moved chain clock).
   */
  freshness?: FreshnessWindow | false | undefined
  /** The clock of beacon leases (default: wall clock — a devnet moving the command clock must not lapse every lease). */
  leaseClock?: (() => Date) | undefined
  /** Sign checkpoints of the log with this key at this cadence (src/synome/checkpoints.ts). */
  checkpoint?: CheckpointOptions | undefined
  /** Batch size, linger and queue bound of the group commit (src/synome/groupCommit.ts). */
  groupCommit?: GroupCommitOptions | undefined
  /** A read replica for the read API, and how long a reader may wait for it (src/synome/reads.ts). */
  readSql?: Sql | undefined
  replicaWaitMs?: number | undefined
}

/**
 * A verified command waiting for its batch; its payload was checked against the handler's
 * schema before (outside the append lock), the outcome kept for the point where `append`
 * reports it, and `reads` are the entities its handler said it will read (prefetched).
 */
type Pending = { handler: CommandHandler; envelope: Envelope; lease: LeaseToken | undefined; parsed: PayloadParse | undefined; reads: readonly EntityRef[] }
type PayloadParse = { success: true; data: unknown } | { success: false; error: z.ZodError }

/**
 * A refusal is a domain error the gates threw before anything was written (handlers only stage
 * writes, flushed after every check passed): the batch goes on without it. Anything else (a
 * statement error, a lost connection) may have left the transaction aborted, so the batch is
 * rolled back as a whole.
 */
const isRefusal = (error: unknown): boolean => error instanceof BaseError && !(error instanceof StoreError) && !(error instanceof StoreUnavailableError)

/** Serialises appends: one hash-chain head, positions committed in order. */
const APPEND_LOCK = 7265002
const BOOTSTRAP = 'bootstrap'

/** The first event of every store: the writer roles from the bootstrap config. Not callable by anyone. */
const bootstrapRoles = defineCommand({
  name: 'bootstrapRoles',
  role: 'council',
  summary: 'Initial writer roles from the config file (first event only)',
  schema: z.strictObject({ grants: z.array(z.strictObject({ address: addressSchema, role: z.enum(ROLES), haloClasses: z.array(z.string()).default([]) })).max(1000) }),
  async target() {
    return { type: 'role', id: BOOTSTRAP }
  },
  async apply(state, payload) {
    for (const grant of payload.grants) await applyGrant(state, grant)
    return { grants: payload.grants.length }
  },
})

type Envelope = {
  command: string
  payload: unknown
  payloadHash: string
  signature: string
  idempotencyKey: string
  issuedAt: string
  expectedVersion: number | null
  actor: string
}

export class SynomeService extends SynomeReads {
  readonly chainId: number
  private readonly clock: () => Date
  private readonly registry: ReadonlyMap<string, CommandHandler>
  private readonly freshness: FreshnessWindow | false
  /** Beacon leases, fencing and journals (migration 4). */
  readonly leases: LeaseStore
  /** Present when the Synome has a checkpoint key. */
  readonly checkpointWriter: CheckpointWriter | undefined
  /** Appends concurrent commands in one transaction per batch. */
  readonly groupCommit: GroupCommitter<Pending, CommandResult, AppendBatch>
  /** Batches run on the staged state of the one before (see appendSpeculated); how many ran again under the lock, `refuted` of them because what they assumed did not hold. */
  readonly speculation = { batches: 0, again: 0, refuted: 0 }

  constructor(options: SynomeServiceOptions) {
    super(options.sql, { readSql: options.readSql, replicaWaitMs: options.replicaWaitMs })
    this.clock = options.clock ?? (() => new Date())
    this.freshness = options.freshness ?? DEFAULT_FRESHNESS_WINDOW
    this.chainId = options.chainId ?? DEFAULT_SYNOME_CHAIN_ID
    this.registry = buildRegistry(options.commands)
    this.leases = new LeaseStore(options.sql, this.chainId, options.leaseClock)
    this.checkpointWriter = options.checkpoint ? new CheckpointWriter(options.sql, options.checkpoint, this.chainId, this.clock) : undefined
    this.groupCommit = new GroupCommitter((items, previous, onStaged) => this.appendBatch(items, previous, onStaged), {
      ...options.groupCommit,
      // PGlite is one connection whose transactions exclude every other statement: a second batch could only wait
      maxInFlight: options.sql.kind === 'postgres' ? (options.groupCommit?.maxInFlight ?? 2) : 1,
    })
  }

  /** Migrate, and when `roles` is given and the log is empty, write them as event 1 (restore opens without). */
  static async open(options: SynomeServiceOptions & { roles?: readonly RoleGrant[] | undefined }): Promise<SynomeService> {
    await migrate(options.sql)
    const service = new SynomeService(options)
    if (options.roles) {
      try {
        await service.bootstrap(options.roles)
      } catch (error) {
        await service.checkpointWriter?.close()
        throw error
      }
    }
    return service
  }

  get commands(): readonly CommandHandler[] {
    return [...this.registry.values()]
  }

  async bootstrap(grants: readonly RoleGrant[]): Promise<void> {
    await this.sql.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [APPEND_LOCK])
      const [row] = await tx.query('SELECT count(*)::int AS n FROM events')
      if (Number(row?.n) > 0) return
      const payload = toJsonValue({ grants: grants.map((g) => ({ address: g.address.toLowerCase(), role: g.role, haloClasses: [...g.haloClasses] })) })
      const time = isoTimestamp(this.clock())
      const batch = await AppendBatch.open(tx, [{ actor: BOOTSTRAP, idempotencyKey: BOOTSTRAP }])
      await this.append(batch, bootstrapRoles, { command: bootstrapRoles.name, payload, payloadHash: payloadHash(payload), signature: '0x', idempotencyKey: BOOTSTRAP, issuedAt: time, expectedVersion: null, actor: BOOTSTRAP })
      await batch.write()
    })
  }

  /**
   * Verify, authorise, check and append one signed command. Throws typed errors; a refused
   * command changes nothing. The signature is checked here, concurrently with other callers and
   * with the batch being written; the append joins the next group-commit batch.
   */
  async execute(input: unknown): Promise<CommandResult> {
    const parsed = SignedCommandSchema.safeParse(input)
    if (!parsed.success) throw new InvalidInputError('command envelope is invalid', { details: z.prettifyError(parsed.error), meta: { issues: issuesOf(parsed.error) } })
    const signed = parsed.data as SignedCommand
    const handler = this.registry.get(signed.command)
    if (!handler) throw new InvalidInputError(`unknown command ${signed.command}`, { meta: { known: [...this.registry.keys()] } })
    // the payload's canonical JSON once: what is stored, what is signed (its keccak256)
    const canonical = canonicalJson(signed.payload)
    const payload = JSON.parse(canonical) as unknown
    const hash = payloadHashOfCanonical(canonical)
    const actor = await verifyCommandSignature({ ...signed, payload }, this.chainId, hash)
    const checked = handler.schema.safeParse(payload) as PayloadParse
    const reads = checked.success ? (handler.reads?.(checked.data) ?? []) : []
    const envelope: Envelope = {
      command: signed.command,
      payload,
      payloadHash: hash,
      signature: signed.signature.toLowerCase(),
      idempotencyKey: signed.idempotencyKey,
      issuedAt: signed.issuedAt,
      expectedVersion: signed.expectedVersion ?? null,
      actor,
    }
    return this.groupCommit.submit({ handler, envelope, lease: signed.lease, parsed: checked, reads })
  }

  /**
   * One batch: speculatively on the staged state of the batch before while that one commits
   * (appendSpeculated), else — and when the speculation does not hold — in one transaction
   * under the append lock (appendLocked). Then, outside the lock, the checkpoint counter.
   */
  private async appendBatch(items: readonly Pending[], previous?: AppendBatch, onStaged: OnStaged<AppendBatch> = () => {}): Promise<BatchOutcome<CommandResult>[]> {
    let outcomes: BatchOutcome<CommandResult>[]
    if (previous && !previous.settled) {
      // when it does not hold: again under the lock, payloads parsed again (a handler may have changed the parsed copy)
      outcomes = (await this.appendSpeculated(items, previous, onStaged)) ?? (await this.appendLocked(items.map((i) => ({ ...i, parsed: undefined })), onStaged))
    } else outcomes = await this.appendLocked(items, onStaged)
    // a counter, at most one checkpoint write in flight
    for (const outcome of outcomes) if (outcome.ok && !outcome.value.replayed) this.checkpointWriter?.appended()
    return outcomes
  }

  /**
   * One batch in one transaction under the append lock: each command in order sees the effects
   * of the ones before it (replays, versions, gates), gets the next position and chains to the
   * previous hash. A refused command is one outcome; the others still commit. Set-based: one
   * statement reads what every command needs (head, leases, key uses, roles — AppendBatch.open),
   * one writes every row (AppendBatch.write); in between, a command costs a statement only for
   * an entity no command of the batch read before. When the transaction itself fails, nothing
   * of the batch is applied and each command is retried alone, so one command's statement error
   * fails only that command.
   */
  private async appendLocked(items: readonly Pending[], onStaged: OnStaged<AppendBatch> = () => {}): Promise<BatchOutcome<CommandResult>[]> {
    let staged: AppendBatch | undefined
    try {
      return await this.sql.transaction(async (tx) => {
        // BEGIN, the append lock and the prefetch in one round trip (PostgreSQL)
        const batch = await AppendBatch.open(tx, keysOf(items), { lock: APPEND_LOCK, entities: items.flatMap((i) => i.reads) })
        const done = await this.runCommands(batch, items)
        // its effect is final: the next batch may build on it while this one commits (maxInFlight 2)
        staged = batch
        onStaged(batch)
        // the batch's rows with its COMMIT in one round trip (PostgreSQL)
        await batch.commit()
        return done
      })
    } catch (error) {
      // nothing of it committed: a batch speculating on it is refuted from now on, not after the retries below
      staged?.settle()
      // the server went away (failover): every command of the batch fails retryably, as a
      // lone one would — the callers resend and their keys apply each once; retrying them one
      // by one here would only wait for the next server inside the batch
      if (items.length === 1 || error instanceof StoreUnavailableError) return items.map(() => ({ ok: false, error }))
      const outcomes: BatchOutcome<CommandResult>[] = []
      // alone, and with its payload parsed again (a handler of the failed batch may have changed the parsed copy)
      for (const item of items) outcomes.push(...(await this.appendLocked([{ ...item, parsed: undefined }])))
      return outcomes
    } finally {
      staged?.settle()
    }
  }

  /**
   * Speculative execution (PostgreSQL, two batches in flight): while `previous` — staged, its
   * effect computed — commits, this batch reads without the lock, overlays previous's effect
   * (AppendBatch.speculate), runs its commands, is staged in turn and commits in ONE round trip
   * that takes the lock, checks what it assumed and writes (commitSpeculated). So the append
   * lock is held only while the server writes, never across a round trip to this process or its
   * handlers. Undefined when the speculation does not hold — previous did not commit as staged,
   * another writer appended, a lease row moved (SYN01), or a handler needed a read only the lock
   * allows — and the caller runs the batch again under the lock; nothing of it was written.
   */
  private async appendSpeculated(items: readonly Pending[], previous: AppendBatch, onStaged: OnStaged<AppendBatch>): Promise<BatchOutcome<CommandResult>[] | undefined> {
    let batch: AppendBatch | undefined
    this.speculation.batches++
    try {
      batch = await AppendBatch.speculate(this.sql, keysOf(items), { entities: items.flatMap((i) => i.reads) }, previous)
      const done = await this.runCommands(batch, items)
      onStaged(batch)
      await batch.commitSpeculated(this.sql, APPEND_LOCK)
      return done
    } catch (error) {
      // the server went away: retryably, as under the lock (see appendLocked)
      if (error instanceof StoreUnavailableError) return items.map(() => ({ ok: false, error }))
      // SYN01 or SpeculationAbandoned — and any other failure: the batch runs again under the
      // lock, where a statement error is handled as for every batch
      this.speculation.again++
      if (error instanceof SpeculationAbandoned || (error as { code?: string }).code === SPECULATION_FAILED_CODE) this.speculation.refuted++
      return undefined
    } finally {
      batch?.settle()
    }
  }

  /** Each command of the batch in order: the fence, then the command; a refusal is its outcome, anything else fails the batch. */
  private async runCommands(batch: AppendBatch, items: readonly Pending[]): Promise<BatchOutcome<CommandResult>[]> {
    const done: BatchOutcome<CommandResult>[] = []
    for (const item of items) {
      try {
        // The fencing gate, per command, on the lease rows the batch holds FOR SHARE (see
        // LeaseStore.fence; a speculative batch holds them from its commit's check): a deposed
        // beacon instance's command is refused, a replay of its old key included; the batch goes on.
        this.leases.checkFence(await batch.leasesOf(item.envelope.actor), item.lease)
        done.push({ ok: true, value: await this.append(batch, item.handler, item.envelope, undefined, item.parsed) })
      } catch (error) {
        if (!isRefusal(error)) throw error
        done.push({ ok: false, error })
      }
    }
    return done
  }

  /** Stored signed checkpoints in the order written; `latest` the newest (NOT_FOUND when none). */
  checkpoints(options: { after?: number | undefined; limit?: number | undefined } = {}) {
    return listCheckpoints(this.sql, options)
  }
  latestCheckpoint() {
    return latestCheckpoint(this.sql)
  }
  /** The audit path of the event at `position` in the tree of the first `treeSize` events. */
  inclusionProof(p: { position: number; treeSize: number }) {
    return inclusionProofOf(this.sql, p)
  }
  /** That the tree of the first `from` events is a prefix of the tree of the first `to`. */
  consistencyProof(p: { from: number; to: number }) {
    return consistencyProofOf(this.sql, p)
  }

  /**
   * The one append path (commands, bootstrap, restore). Runs inside the caller's transaction
   * after it took the append lock; the batch tracks the head across its commands and writes
   * their rows. `fixed` replays a stored event at its position and time.
   */
  private async append(batch: AppendBatch, handler: CommandHandler, envelope: Envelope, fixed?: SynomeEvent, parsed?: PayloadParse): Promise<CommandResult> {
    const head = batch.head
    const replay = await this.replayOf(batch, envelope)
    if (replay) return replay
    // After the replay check (a retried key gets its first result however old), before anything
    // else: a restore replays stored events at their own time, and bootstrap is not signed.
    if (!fixed && envelope.actor !== BOOTSTRAP && this.freshness) checkCommandFreshness({ issuedAt: new Date(envelope.issuedAt), now: this.clock(), window: this.freshness })
    const payload = parsed ?? (handler.schema.safeParse(envelope.payload) as PayloadParse)
    if (!payload.success) throw new InvalidInputError(`${handler.name} payload is invalid`, { details: z.prettifyError(payload.error), meta: { issues: issuesOf(payload.error) } })
    const state = new TransactionState(batch.tx, batch)
    const target = await handler.target(state, payload.data)
    const role = envelope.actor === BOOTSTRAP ? handler.role : await this.authorise(state, handler, envelope.actor, target)
    const current = (await state.get(target.type, target.id))?.version ?? 0
    if (envelope.expectedVersion !== null && envelope.expectedVersion !== current) {
      throw new VersionConflictError(`${target.type} ${target.id} is at version ${current}, not ${envelope.expectedVersion}`, {
        meta: { type: target.type, id: target.id, expected: envelope.expectedVersion, current },
      })
    }
    const now = fixed ? new Date(fixed.time) : this.clock()
    const result = toJsonValue(await handler.apply(state, payload.data, { now, time: isoTimestamp(now), actor: envelope.actor, role }))
    await checkEntityInvariants(state)
    // positions follow the head without gaps (the append lock makes the head current)
    const position = fixed ? fixed.position : (head?.position ?? 0) + 1
    const writes = await state.flush(position, now)
    const entity = { type: target.type, id: target.id, version: writes.find((w) => w.type === target.type && w.id === target.id)?.version ?? current }
    const stored = { position, entity, writes, result }
    const event: Omit<SynomeEvent, 'hash'> = {
      position,
      time: isoTimestamp(now),
      actor: envelope.actor,
      role,
      command: handler.name,
      payload: envelope.payload,
      payloadHash: envelope.payloadHash,
      signature: envelope.signature,
      idempotencyKey: envelope.idempotencyKey,
      issuedAt: envelope.issuedAt,
      expectedVersion: envelope.expectedVersion,
      entityType: target.type,
      entityId: target.id,
      result: stored,
      prevHash: head ? head.hash : GENESIS_HASH,
    }
    const hash = eventHash(event)
    batch.addEvent({ ...event, hash })
    return { ...stored, hash, replayed: false }
  }

  /**
   * Idempotency keys are per signer: the same signer, key, command and payload returns the first
   * result again; the same signer reusing its key for anything else is a 409. Another signer's
   * use of the same key string is unrelated (so nobody can squat a beacon's predictable keys).
   */
  private async replayOf(batch: AppendBatch, envelope: Envelope): Promise<CommandResult | undefined> {
    const first = await batch.firstUseOf(envelope.actor, envelope.idempotencyKey)
    if (!first) return undefined
    if (first.command !== envelope.command || first.payloadHash !== envelope.payloadHash) {
      throw new IdempotencyConflictError(`idempotency key ${envelope.idempotencyKey} was used for a different command`, {
        meta: { idempotencyKey: envelope.idempotencyKey, position: first.position, command: first.command },
      })
    }
    return { ...(first.result as Omit<CommandResult, 'hash' | 'replayed'>), hash: first.hash, replayed: true }
  }

  private async authorise(state: StateAccess, handler: CommandHandler, actor: string, target: CommandTarget) {
    const grants = (await state.get<RoleRecord>('role', actor))?.data.grants ?? []
    const allowed = checkRole({ grants: grants.map((g) => ({ ...g, address: actor })), required: handler.role, haloClass: target.haloClass, operation: handler.name })
    if (allowed instanceof NotPermittedError) throw allowed
    return allowed.role
  }

  /** Recompute the hash chain over the whole log, in bounded batches. */
  async verifyLog(batchSize = 1000): Promise<VerifyChainReturnType> {
    let start = { prevHash: GENESIS_HASH, lastPosition: 0 }
    let total = 0
    for (;;) {
      const rows = await this.sql.query('SELECT * FROM events WHERE position > $1 ORDER BY position LIMIT $2', [start.lastPosition, batchSize])
      if (rows.length === 0) return { ok: true, events: total, head: start.prevHash }
      const events = rows.map(eventFromRow)
      const checked = verifyChain(events, start)
      if (!checked.ok) return { ...checked, events: total + checked.events }
      total += checked.events
      start = { prevHash: checked.head, lastPosition: events.at(-1)!.position }
    }
  }

  /**
   * Rebuild an empty store from a log: the chain must verify, every signature must verify,
   * and replaying each command must reproduce its stored result and hash. All or nothing.
   */
  async restoreEvents(events: readonly SynomeEvent[]): Promise<{ events: number; head: string }> {
    const checked = verifyChain(events)
    if (!checked.ok) throw new InvalidInputError(`backup is tampered: event ${checked.brokenAt}: ${checked.reason}`, { meta: { brokenAt: checked.brokenAt } })
    for (const event of events) {
      if (event.actor === BOOTSTRAP) {
        if (event.position !== events[0]?.position) throw new InvalidInputError(`backup is tampered: bootstrap event at ${event.position}`)
        continue
      }
      const signed = { command: event.command, payload: event.payload, idempotencyKey: event.idempotencyKey, issuedAt: event.issuedAt, expectedVersion: event.expectedVersion ?? undefined, signer: event.actor as `0x${string}`, signature: event.signature as `0x${string}` }
      await verifyCommandSignature(signed, this.chainId).catch((cause) => {
        throw new InvalidInputError(`backup is tampered: event ${event.position} signature does not verify`, { cause })
      })
    }
    await this.sql.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [APPEND_LOCK])
      const [row] = await tx.query('SELECT count(*)::int AS n FROM events')
      if (Number(row?.n) > 0) throw new PreconditionFailedError('restore needs an empty store', { meta: { gate: 'STORE_NOT_EMPTY', events: Number(row?.n) } })
      const batch = await AppendBatch.open(tx, events.map((e) => ({ actor: e.actor, idempotencyKey: e.idempotencyKey })))
      for (const event of events) {
        const handler = event.command === bootstrapRoles.name && event.actor === BOOTSTRAP ? bootstrapRoles : this.registry.get(event.command)
        if (!handler) throw new InvalidInputError(`backup has unknown command ${event.command} at ${event.position}`)
        const envelope: Envelope = { ...event, actor: event.actor }
        const replayed = await this.append(batch, handler, envelope, event)
        if (replayed.hash !== event.hash) throw new StoreError(`backup event ${event.position} does not replay to its stored result`, { meta: { position: event.position } })
      }
      await batch.write()
    })
    return { events: events.length, head: checked.head }
  }

  /** Every event in position order, in bounded batches (backup). */
  async *allEvents(batchSize = 1000): AsyncGenerator<SynomeEvent> {
    let after = 0
    for (;;) {
      const rows = await this.sql.query('SELECT * FROM events WHERE position > $1 ORDER BY position LIMIT $2', [after, batchSize])
      if (rows.length === 0) return
      for (const row of rows) yield eventFromRow(row)
      after = Number(rows.at(-1)!.position)
    }
  }

  async close(): Promise<void> {
    await this.groupCommit.close()
    await this.checkpointWriter?.close()
    await this.sql.close()
    if (this.readReplica) await this.reader.close()
  }
}

const keysOf = (items: readonly Pending[]) => items.map((i) => ({ actor: i.envelope.actor, idempotencyKey: i.envelope.idempotencyKey }))

function issuesOf(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.slice(0, 20).map((i) => ({ path: i.path.map(String).join('.'), message: i.message }))
}
