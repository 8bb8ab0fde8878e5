import type { LocalAccount } from 'viem'
import type { Hex } from 'viem'
import { InvalidInputError, NotFoundError } from '../domain/errors.js'
import { checkpointOver, signCheckpoint, type Checkpoint } from './log/checkpoint.js'
import { consistencyProof, fromHex, inclusionProof, leafHash, MAX_TREE_SIZE, toHex } from './log/merkle.js'
import type { Sql } from './sql/sql.js'

/**
 * Signed checkpoints wired into the store: the `checkpoints` table (migration 3), the writer
 * that signs one every `everyEntries` appended events or `everySeconds` (whichever comes
 * first, and only when the log grew), and the proofs a reader checks against them.
 *
 * The writer never runs inside an append transaction: `execute` commits, then tells the
 * writer one more entry landed (a counter, O(1)); when the counter reaches `everyEntries` the
 * writer starts ONE background write (read the committed prefix, sign, insert) and later
 * appends only count until it finishes, so a burst of appends costs at most one checkpoint
 * in flight. Appends never wait for it. Every committed prefix is a prefix of the log (appends
 * are serialised by the append lock), so a checkpoint over what the writer reads is sound.
 * Building a root or proof hashes the whole prefix: O(n), bounded by MAX_TREE_SIZE.
 */
export type CheckpointOptions = {
  /** The Synome's checkpoint key. */
  account: LocalAccount
  /** Sign after this many new entries (default 100). */
  everyEntries?: number | undefined
  /** Sign at least this often while the log grows (default 60 s); 0 = no timer. */
  everySeconds?: number | undefined
  /** A background write failed (default: stderr); the next trigger retries. */
  onError?: ((error: unknown) => void) | undefined
}

export const DEFAULT_CHECKPOINT_EVERY_ENTRIES = 100
export const DEFAULT_CHECKPOINT_EVERY_SECONDS = 60
const MAX_CHECKPOINT_EVERY_ENTRIES = 1_000_000
const MAX_CHECKPOINT_EVERY_SECONDS = 86_400

export type StoredCheckpoint = Checkpoint & { id: number }
export type CheckpointsResult = { checkpoints: StoredCheckpoint[]; next: number }
export type InclusionProofResult = { position: number; index: number; treeSize: number; eventHash: string; proof: Hex[] }
export type ConsistencyProofResult = { from: number; to: number; proof: Hex[] }

const fromRow = (row: Record<string, unknown>): StoredCheckpoint => ({
  id: Number(row.id),
  treeSize: Number(row.tree_size),
  rootHash: String(row.root_hash) as Hex,
  lastPosition: Number(row.last_position),
  headHash: String(row.head_hash) as Hex,
  time: String(row.time),
  signer: String(row.signer) as Hex,
  signature: String(row.signature) as Hex,
})

/** Checkpoints in the order they were written, after id `after`. */
export async function listCheckpoints(sql: Sql, options: { after?: number | undefined; limit?: number | undefined } = {}): Promise<CheckpointsResult> {
  const after = options.after ?? 0
  const limit = options.limit ?? 100
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > 1000) throw new InvalidInputError('limit must be 1..1000', { meta: { field: 'limit' } })
  const rows = await sql.query('SELECT * FROM checkpoints WHERE id > $1 ORDER BY id LIMIT $2', [after, limit])
  const checkpoints = rows.map(fromRow)
  return { checkpoints, next: checkpoints.at(-1)?.id ?? after }
}

export async function latestCheckpoint(sql: Sql): Promise<StoredCheckpoint> {
  const [row] = await sql.query('SELECT * FROM checkpoints ORDER BY id DESC LIMIT 1')
  if (!row) throw new NotFoundError('no checkpoint yet')
  return fromRow(row)
}

export async function insertCheckpoint(sql: Sql, checkpoint: Checkpoint): Promise<StoredCheckpoint> {
  const [row] = await sql.query(
    'INSERT INTO checkpoints (tree_size, root_hash, last_position, head_hash, time, signer, signature) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *',
    [checkpoint.treeSize, checkpoint.rootHash, checkpoint.lastPosition, checkpoint.headHash, checkpoint.time, checkpoint.signer.toLowerCase(), checkpoint.signature],
  )
  return fromRow(row!)
}

function checkTreeSize(n: number, field: string) {
  if (!Number.isSafeInteger(n) || n < 0 || n > MAX_TREE_SIZE) throw new InvalidInputError(`${field} must be 0..${MAX_TREE_SIZE}`, { meta: { field } })
}

/** The first `treeSize` events (position, hash) in position order; NOT_FOUND when the log is shorter. */
async function prefix(sql: Sql, treeSize: number): Promise<{ position: number; hash: string }[]> {
  const rows = await sql.query('SELECT position, hash FROM events ORDER BY position LIMIT $1', [treeSize])
  if (rows.length < treeSize) throw new NotFoundError(`the log has ${rows.length} events, not ${treeSize}`, { meta: { treeSize, events: rows.length } })
  return rows.map((r) => ({ position: Number(r.position), hash: String(r.hash) }))
}

export async function inclusionProofOf(sql: Sql, p: { position: number; treeSize: number }): Promise<InclusionProofResult> {
  checkTreeSize(p.treeSize, 'treeSize')
  const events = await prefix(sql, p.treeSize)
  const index = events.findIndex((e) => e.position === p.position)
  if (index < 0) throw new NotFoundError(`no event at position ${p.position} in the first ${p.treeSize} events`, { meta: { position: p.position, treeSize: p.treeSize } })
  const proof = inclusionProof(events.map((e) => leafHash(fromHex(e.hash))), index).map((h) => toHex(h) as Hex)
  return { position: p.position, index, treeSize: p.treeSize, eventHash: events[index]!.hash, proof }
}

export async function consistencyProofOf(sql: Sql, p: { from: number; to: number }): Promise<ConsistencyProofResult> {
  checkTreeSize(p.from, 'from')
  checkTreeSize(p.to, 'to')
  if (p.from > p.to) throw new InvalidInputError('from must not exceed to', { meta: { from: p.from, to: p.to } })
  const events = await prefix(sql, p.to)
  const proof = consistencyProof(events.map((e) => leafHash(fromHex(e.hash))), p.from).map((h) => toHex(h) as Hex)
  return { from: p.from, to: p.to, proof }
}

/** Writes signed checkpoints at the configured cadence (see the module comment). */
export class CheckpointWriter {
  private readonly everyEntries: number
  private readonly timer: NodeJS.Timeout | undefined
  private pending = 0
  private inflight: Promise<void> | undefined

  constructor(
    private readonly sql: Sql,
    private readonly options: CheckpointOptions,
    private readonly chainId: number,
    private readonly clock: () => Date,
  ) {
    this.everyEntries = options.everyEntries ?? DEFAULT_CHECKPOINT_EVERY_ENTRIES
    const everySeconds = options.everySeconds ?? DEFAULT_CHECKPOINT_EVERY_SECONDS
    if (!Number.isSafeInteger(this.everyEntries) || this.everyEntries < 1 || this.everyEntries > MAX_CHECKPOINT_EVERY_ENTRIES) throw new InvalidInputError(`checkpoint everyEntries must be 1..${MAX_CHECKPOINT_EVERY_ENTRIES}`)
    if (!Number.isSafeInteger(everySeconds) || everySeconds < 0 || everySeconds > MAX_CHECKPOINT_EVERY_SECONDS) throw new InvalidInputError(`checkpoint everySeconds must be 0..${MAX_CHECKPOINT_EVERY_SECONDS}`)
    if (everySeconds > 0) {
      this.timer = setInterval(() => this.trigger(), everySeconds * 1000)
      this.timer.unref()
    }
  }

  /** One more entry committed (called after the append transaction, never inside it). */
  appended(): void {
    this.pending++
    if (this.pending >= this.everyEntries) this.trigger()
  }

  /** Start a write unless one is in flight. */
  private trigger(): void {
    if (this.inflight) return
    this.pending = 0
    this.inflight = this.checkpointNow()
      .then(() => undefined)
      .catch((error: unknown) => (this.options.onError ?? ((e) => process.stderr.write(`synome: checkpoint failed: ${String(e)}\n`)))(error))
      .finally(() => {
        this.inflight = undefined
        if (this.pending >= this.everyEntries) this.trigger()
      })
  }

  /** Sign and store a checkpoint over the committed log, unless the newest one already covers it. */
  async checkpointNow(): Promise<StoredCheckpoint | undefined> {
    const [count] = await this.sql.query('SELECT count(*)::bigint AS n FROM events')
    const treeSize = Number(count!.n)
    checkTreeSize(treeSize, 'treeSize')
    const events = await prefix(this.sql, treeSize)
    const [last] = await this.sql.query('SELECT tree_size FROM checkpoints WHERE signer = $1 ORDER BY id DESC LIMIT 1', [this.options.account.address.toLowerCase()])
    if (last && Number(last.tree_size) >= treeSize) return undefined
    const checkpoint = await signCheckpoint(this.options.account, checkpointOver(events, this.clock().toISOString()), this.chainId)
    return insertCheckpoint(this.sql, checkpoint)
  }

  /** Wait for the write in flight (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.inflight) await this.inflight
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer)
    await this.idle()
  }
}
