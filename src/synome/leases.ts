import { type Address, type Hex, type LocalAccount } from 'viem'
import { recoverTypedDataAddress } from '../chain/recoverTypedDataAddress.js'
import { z } from 'zod'
import { checkCommandFreshness, DEFAULT_FRESHNESS_WINDOW } from '../domain/commandFreshness.js'
import { BadSignatureError, InvalidInputError, PreconditionFailedError } from '../domain/errors.js'
import { acquireLease, checkFence, releaseLease, renewLease, type Lease, type LeaseToken } from '../domain/lease.js'
import { toJsonValue } from './log/canonical.js'
import { DEFAULT_SYNOME_CHAIN_ID, payloadHash, SYNOME_DOMAIN_NAME, SYNOME_DOMAIN_VERSION } from './signing.js'
import type { Sql, SqlExecutor, SqlRow } from './sql/sql.js'

/**
 * Beacon leases and beacon journals in the Synome's database (migration 4), beside the log but
 * not in it: a renew every second is operational state, not a fact anyone audits.
 *
 * Every request is EIP-712 signed by the beacon's key (the Synome's domain, type LeaseRequest),
 * so a lease lives in its signer's namespace — nobody else can take, renew or squat it — and a
 * journal line can only come from the signer. The rules are src/domain/lease.ts; this file loads
 * rows under a row lock, applies them and writes back.
 *
 * Fencing. A journal append and every command (`fence`, called from the command transaction)
 * read the signer's lease rows FOR SHARE and run `checkFence`; an acquire takes the row FOR
 * UPDATE. So a write that passed the fence committed before the new epoch existed, and the new
 * holder — which loads the journal after its acquire — sees every line a deposed holder ever
 * got in. Everything after is refused with LEASE_FENCED.
 */
const LEASE_LOCK = 7265004
/** Lines per journal read page (bounded). */
export const MAX_JOURNAL_PAGE = 1000

export const LEASE_REQUEST_TYPES = {
  LeaseRequest: [
    { name: 'op', type: 'string' },
    { name: 'name', type: 'string' },
    { name: 'holder', type: 'string' },
    { name: 'epoch', type: 'int64' },
    { name: 'ttlMs', type: 'int64' },
    { name: 'bodyHash', type: 'bytes32' },
    { name: 'issuedAt', type: 'string' },
  ],
} as const

const hex = z.string().regex(/^0x[0-9a-fA-F]+$/)
const tokenSchema = z.strictObject({ name: z.string().min(1).max(200), epoch: z.number().int().positive() })
export const LeaseTokenSchema = tokenSchema

export const SignedLeaseRequestSchema = z.strictObject({
  op: z.enum(['acquire', 'renew', 'release', 'append']),
  name: z.string().min(1).max(200),
  holder: z.string().min(1).max(200),
  /** 0 for acquire. */
  epoch: z.number().int().nonnegative(),
  ttlMs: z.number().int().nonnegative(),
  /** append: which journal, the expected next sequence number and the line. */
  body: z.strictObject({ journal: z.string().min(1).max(200), seq: z.number().int().positive(), line: z.unknown() }).optional(),
  issuedAt: z.iso.datetime(),
  signer: z.string().regex(/^0x[0-9a-fA-F]{40}$/),
  signature: hex,
})
export type SignedLeaseRequest = z.output<typeof SignedLeaseRequestSchema>
export type LeaseRequest = Omit<SignedLeaseRequest, 'signer' | 'signature'>

/** A lease as the API shows it (ISO times), with the Synome's clock at the answer. */
export type LeaseView = {
  signer: string
  name: string
  holder: string
  epoch: number
  acquiredAt: string
  renewedAt: string
  expiresAt: string
  takeovers: number
  /** The Synome's lease clock when it answered: live = now < expiresAt. */
  now: string
  live: boolean
  /** acquire only: this acquire took a lapsed lease from another holder. */
  takeover?: boolean | undefined
}

export type JournalLine = { seq: number; epoch: number; line: unknown }

function typedData(request: LeaseRequest, chainId: number) {
  return {
    domain: { name: SYNOME_DOMAIN_NAME, version: SYNOME_DOMAIN_VERSION, chainId },
    types: LEASE_REQUEST_TYPES,
    primaryType: 'LeaseRequest' as const,
    message: { op: request.op, name: request.name, holder: request.holder, epoch: BigInt(request.epoch), ttlMs: BigInt(request.ttlMs), bodyHash: payloadHash(request.body === undefined ? null : toJsonValue(request.body)), issuedAt: request.issuedAt },
  }
}

export async function signLeaseRequest({ account, chainId = DEFAULT_SYNOME_CHAIN_ID, request }: { account: LocalAccount; chainId?: number | undefined; request: LeaseRequest }): Promise<SignedLeaseRequest> {
  if (!account.signTypedData) throw new InvalidInputError('the signer account cannot sign typed data')
  const signature = await account.signTypedData(typedData(request, chainId))
  return { ...request, signer: account.address, signature }
}

async function verifyLeaseRequest(request: SignedLeaseRequest, chainId: number): Promise<string> {
  let recovered: Address
  try {
    recovered = recoverTypedDataAddress({ ...typedData(request, chainId), signature: request.signature as Hex })
  } catch (cause) {
    throw new BadSignatureError('lease request signature does not verify', { cause })
  }
  if (recovered.toLowerCase() !== request.signer.toLowerCase()) throw new BadSignatureError('lease request was not signed by the claimed signer', { meta: { claimed: request.signer, recovered } })
  return recovered.toLowerCase()
}

export function leaseFromRow(row: SqlRow): Lease {
  return {
    signer: String(row.signer),
    name: String(row.name),
    holder: String(row.holder),
    epoch: Number(row.epoch),
    acquiredAt: new Date(row.acquired_at as string),
    renewedAt: new Date(row.renewed_at as string),
    expiresAt: new Date(row.expires_at as string),
    takeovers: Number(row.takeovers),
    lastRequestAt: new Date(row.last_request_at as string),
  }
}

export function leaseView(lease: Lease, now: Date, takeover?: boolean): LeaseView {
  return {
    signer: lease.signer,
    name: lease.name,
    holder: lease.holder,
    epoch: lease.epoch,
    acquiredAt: lease.acquiredAt.toISOString(),
    renewedAt: lease.renewedAt.toISOString(),
    expiresAt: lease.expiresAt.toISOString(),
    takeovers: lease.takeovers,
    now: now.toISOString(),
    live: now.getTime() < lease.expiresAt.getTime(),
    ...(takeover === undefined ? {} : { takeover }),
  }
}

const UPSERT = `INSERT INTO beacon_leases (signer, name, holder, epoch, acquired_at, renewed_at, expires_at, takeovers, last_request_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
ON CONFLICT (signer, name) DO UPDATE SET holder = $3, epoch = $4, acquired_at = $5, renewed_at = $6, expires_at = $7, takeovers = $8, last_request_at = $9`

export class LeaseStore {
  constructor(
    private readonly sql: Sql,
    private readonly chainId: number,
    /** The one clock every lease decision uses (the Synome server's wall clock, not a moved chain clock). */
    readonly clock: () => Date = () => new Date(),
  ) {}

  /** Parse, verify the signature, check freshness (the same window as commands). */
  private async verified(input: unknown, ops: readonly SignedLeaseRequest['op'][]): Promise<{ request: SignedLeaseRequest; signer: string; issuedAt: Date }> {
    const parsed = SignedLeaseRequestSchema.safeParse(input)
    if (!parsed.success) throw new InvalidInputError('lease request is invalid', { details: z.prettifyError(parsed.error) })
    const request = parsed.data
    if (!ops.includes(request.op)) throw new InvalidInputError(`a ${request.op} request is not accepted here`, { meta: { op: request.op, accepted: ops } })
    const signer = await verifyLeaseRequest(request, this.chainId)
    const issuedAt = new Date(request.issuedAt)
    checkCommandFreshness({ issuedAt, now: this.clock(), window: DEFAULT_FRESHNESS_WINDOW })
    return { request, signer, issuedAt }
  }

  /** acquire / renew / release: verify, lock the row, apply the rule, write back. */
  async lease(input: unknown): Promise<LeaseView> {
    const { request, signer, issuedAt } = await this.verified(input, ['acquire', 'renew', 'release'])
    return this.sql.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [LEASE_LOCK])
      const [row] = await tx.query('SELECT * FROM beacon_leases WHERE signer = $1 AND name = $2 FOR UPDATE', [signer, request.name])
      const lease = row ? leaseFromRow(row) : undefined
      const now = this.clock()
      const base = { lease, holder: request.holder, now, issuedAt }
      let next: Lease
      let takeover: boolean | undefined
      if (request.op === 'acquire') ({ lease: next, takeover } = acquireLease({ ...base, signer, name: request.name, ttlMs: request.ttlMs }))
      else if (request.op === 'renew') next = renewLease({ ...base, epoch: request.epoch, ttlMs: request.ttlMs })
      else next = releaseLease({ ...base, epoch: request.epoch })
      await tx.query(UPSERT, [next.signer, next.name, next.holder, next.epoch, next.acquiredAt.toISOString(), next.renewedAt.toISOString(), next.expiresAt.toISOString(), next.takeovers, next.lastRequestAt.toISOString()])
      return leaseView(next, now, takeover)
    })
  }

  /**
   * The fence of a write by `actor` carrying `token` (or none), inside the write's transaction.
   * FOR SHARE: an acquire (FOR UPDATE) waits for this transaction, so no epoch changes under it.
   */
  async fence(tx: SqlExecutor, actor: string, token: LeaseToken | undefined): Promise<void> {
    const rows = await tx.query('SELECT * FROM beacon_leases WHERE signer = $1 ORDER BY name FOR SHARE', [actor.toLowerCase()])
    this.checkFence(rows.map(leaseFromRow), token)
  }

  /** The same fence on lease rows the caller read FOR SHARE in its transaction (a command batch reads its signers' rows once). */
  checkFence(leases: readonly Lease[], token: LeaseToken | undefined): void {
    checkFence({ leases, token, now: this.clock() })
  }

  /** Append one journal line at exactly the next `seq`, fenced by the request's lease epoch. */
  async append(input: unknown): Promise<{ seq: number; lease: LeaseView }> {
    const { request, signer } = await this.verified(input, ['append'])
    if (!request.body) throw new InvalidInputError('an append needs a body { journal, seq, line }')
    return this.sql.transaction((tx) => this.appendIn(tx, signer, request, request.body!))
  }

  private async appendIn(tx: SqlExecutor, signer: string, request: SignedLeaseRequest, body: NonNullable<SignedLeaseRequest['body']>): Promise<{ seq: number; lease: LeaseView }> {
    await this.fence(tx, signer, { name: request.name, epoch: request.epoch })
    const { journal, seq, line } = body
    const [last] = await tx.query('SELECT coalesce(max(seq), 0)::bigint AS seq FROM beacon_journal WHERE signer = $1 AND name = $2', [signer, journal])
    const expected = Number(last?.seq ?? 0) + 1
    if (seq !== expected) throw new PreconditionFailedError(`journal ${journal} is at line ${expected - 1}; an append of line ${seq} is refused`, { meta: { gate: 'JOURNAL_SEQ', journal, expected, seq } })
    await tx.query('INSERT INTO beacon_journal (signer, name, seq, epoch, line) VALUES ($1, $2, $3, $4, $5::jsonb)', [signer, journal, seq, request.epoch, JSON.stringify(toJsonValue(line))])
    const [row] = await tx.query('SELECT * FROM beacon_leases WHERE signer = $1 AND name = $2', [signer, request.name])
    return { seq, lease: leaseView(leaseFromRow(row!), this.clock()) }
  }

  async list(): Promise<LeaseView[]> {
    const now = this.clock()
    return (await this.sql.query('SELECT * FROM beacon_leases ORDER BY name, signer LIMIT 1000')).map((row) => leaseView(leaseFromRow(row), now))
  }

  /** Lines after `after`, at most `limit` (≤ MAX_JOURNAL_PAGE), in order. */
  async journal(signer: string, journal: string, options: { after?: number | undefined; limit?: number | undefined } = {}): Promise<{ lines: JournalLine[] }> {
    const limit = Math.min(options.limit ?? MAX_JOURNAL_PAGE, MAX_JOURNAL_PAGE)
    const rows = await this.sql.query('SELECT seq, epoch, line FROM beacon_journal WHERE signer = $1 AND name = $2 AND seq > $3 ORDER BY seq LIMIT $4', [signer.toLowerCase(), journal, options.after ?? 0, limit])
    return { lines: rows.map((r) => ({ seq: Number(r.seq), epoch: Number(r.epoch), line: r.line })) }
  }
}
