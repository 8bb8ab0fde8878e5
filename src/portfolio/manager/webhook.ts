import { Hono } from 'hono'
import { isLosslessNumber, parse as parseLossless } from 'lossless-json'
import type { Hex } from 'viem'
import { z } from 'zod'
import { BaseError, InvalidInputError, NotFoundError, PreconditionFailedError } from '../../domain/errors.js'
import {
  admitManagerReport, DEFAULT_ADMISSION_WINDOW, MANAGER_REPORT_CODES, ManagerReportRefusedError,
  type AdmittedManagerReport, type ManagerReport, type RegisteredManager,
} from '../../domain/portfolio/managerReport.js'
import { isoTimestamp } from '../../domain/sleeve.js'
import { RecordJournal } from '../../beacons/shared/recordJournal.js'
import { DEFAULT_SYNOME_CHAIN_ID } from '../../synome/signing.js'
import type { AssetManager, NavReport, RedemptionRequest, RedemptionReturn } from './adapter.js'
import { recoverManagerSigner } from './signing.js'

/**
 * The asset-manager adapter for a real manager (issue 14): the manager POSTs signed NAV reports
 * and redemption-returned notices to `POST /portfolio/manager/reports`; each is admitted by the
 * one gate `admitManagerReport` (src/domain/portfolio/managerReport.ts) after its EIP-712
 * signature is recovered (signing.ts), and written to a durable journal (JSON lines + fsync)
 * before it is acknowledged. lpha-lcts reads the same `AssetManager` interface as with the
 * devnet simulator: `navReports`, `pendingRedemptions`, `returnedRedemptions`.
 *
 * What the Halo itself does through the adapter — hand a subscription to the manager, ask for a
 * redemption — is journaled too (idempotent per id), so a returned notice can be matched against
 * a redemption the Halo really asked for, and the manager cannot return more than was asked.
 * The journal is the replay protection: after a restart the last accepted sequence per manager is
 * still known, so a captured report stays refused. It is a RecordJournal: a file for one
 * instance, or — an HA lpha-lcts — the Synome's shared journal `<lease>/manager-webhook`,
 * appended under the lease and reloaded on each new epoch (then `rebuild()`): a report accepted
 * by the old leader is known to the new one; a standby (or a deposed leader) refuses a report
 * (409, nothing journaled), so the manager retries it at the other instance.
 *
 * Body: `{"kind":"navReport"|"redemptionReturned","message":{…},"signature":"0x…"}`, parsed with
 * lossless-json so no number is ever read through float64: `sequence` may be a JSON integer or a
 * digit string (uint64, exact above 2^53); amounts must be JSON strings — a JSON number for an
 * amount is refused (MANAGER_AMOUNT_INVALID), because the signed field is the decimal text and a
 * number means the manager's own encoder treated money as a float. Duplicate keys are refused.
 * Refusals are problem+json with a stable `code` and change nothing.
 */
export const MANAGER_REPORTS_PATH = '/portfolio/manager/reports'
/** Largest body read; a report is a few hundred bytes. */
export const MAX_REPORT_BODY_BYTES = 16_384

const decimalText = z.string().max(100)
const journalEntry = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('subscription'), subscriptionId: z.string().min(1), bookId: z.string().min(1), amount: z.string().regex(/^\d+$/), at: z.string() }),
  z.strictObject({ kind: z.literal('redemption-request'), redemptionId: z.string().min(1), bookId: z.string().min(1), amount: z.string().regex(/^\d+$/), requestedAt: z.string() }),
  z.strictObject({
    kind: z.literal('nav-report'), managerId: z.string(), bookId: z.string(), reportId: z.string(), sequence: z.string().regex(/^\d+$/),
    assets: z.string().regex(/^\d+$/), reportedAt: z.string(), signedAt: z.string(), signature: z.string(), receivedAt: z.string(),
  }),
  z.strictObject({
    kind: z.literal('redemption-returned'), managerId: z.string(), bookId: z.string(), redemptionId: z.string(), sequence: z.string().regex(/^\d+$/),
    amount: z.string().regex(/^\d+$/), returnedAt: z.string(), signedAt: z.string(), signature: z.string(), receivedAt: z.string(),
  }),
])
type JournalEntry = z.output<typeof journalEntry>
export type WebhookJournalEntry = JournalEntry
/** Validate one line of the webhook manager's journal. */
export const parseWebhookJournalEntry = (raw: unknown): JournalEntry => journalEntry.parse(raw)

const id = z.string().min(1).max(200)
const iso = z.string().max(40)
const sequence = z.union([z.string().regex(/^(0|[1-9]\d{0,19})$/), z.custom<{ value: string }>((v) => isLosslessNumber(v) && /^(0|[1-9]\d{0,19})$/.test((v as { value: string }).value))])
const bodySchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('navReport'),
    message: z.strictObject({ managerId: id, bookId: id, reportId: id, sequence, assets: z.unknown(), reportedAt: iso, signedAt: iso }),
    signature: z.string().regex(/^0x[0-9a-fA-F]{130}$/),
  }),
  z.strictObject({
    kind: z.literal('redemptionReturned'),
    message: z.strictObject({ managerId: id, bookId: id, redemptionId: id, sequence, amount: z.unknown(), returnedAt: iso, signedAt: iso }),
    signature: z.string().regex(/^0x[0-9a-fA-F]{130}$/),
  }),
])

/** An amount field: a JSON string is taken as is (the gate checks its text); anything else is refused here. */
function amountText(value: unknown, field: string): string {
  if (typeof value === 'string') return decimalText.parse(value.slice(0, 100))
  const shown = isLosslessNumber(value) ? value.value : JSON.stringify(value)
  throw new ManagerReportRefusedError(MANAGER_REPORT_CODES.amountInvalid, `${field} must be a decimal string, not a JSON ${isLosslessNumber(value) ? 'number' : typeof value}`, { field, value: String(shown).slice(0, 80) })
}

/** Parse a webhook body into a typed report and its signature. Throws InvalidInputError / ManagerReportRefusedError. */
export function parseReportBody(body: string): { report: ManagerReport; signature: Hex } {
  if (body.length > MAX_REPORT_BODY_BYTES) throw new InvalidInputError(`body is larger than ${MAX_REPORT_BODY_BYTES} bytes`)
  let raw: unknown
  try {
    raw = parseLossless(body)
  } catch (cause) {
    throw new InvalidInputError('body is not JSON (or repeats a key)', { cause, details: String((cause as Error).message).slice(0, 200) })
  }
  const parsed = bodySchema.safeParse(raw)
  if (!parsed.success) throw new InvalidInputError('manager report does not validate', { details: z.prettifyError(parsed.error) })
  const seq = (v: string | { value: string }) => BigInt(typeof v === 'string' ? v : v.value)
  const signature = parsed.data.signature as Hex
  if (parsed.data.kind === 'navReport') {
    const m = parsed.data.message
    return { signature, report: { kind: 'navReport', message: { managerId: m.managerId, bookId: m.bookId, reportId: m.reportId, sequence: seq(m.sequence), assets: amountText(m.assets, 'assets'), reportedAt: m.reportedAt, signedAt: m.signedAt } } }
  }
  const m = parsed.data.message
  return { signature, report: { kind: 'redemptionReturned', message: { managerId: m.managerId, bookId: m.bookId, redemptionId: m.redemptionId, sequence: seq(m.sequence), amount: amountText(m.amount, 'amount'), returnedAt: m.returnedAt, signedAt: m.signedAt } } }
}

export type WebhookAssetManagerParameters = {
  /** Durable journal: a file path (JSON lines, reopened on restart; owned by the manager) or a record journal (a shared one is rebuilt from after each reload). */
  journal: string | RecordJournal<JournalEntry>
  managers: readonly RegisteredManager[]
  /** Decimals of the books' asset (USDS: 18). */
  decimals?: number
  /** EIP-712 domain chain id (the Synome's signing domain by default). */
  chainId?: number
  clock?: () => Date
  window?: { maxAgeSeconds: number; maxSkewSeconds: number }
}

export type AcceptedReport = { kind: AdmittedManagerReport['kind']; bookId: string; id: string; sequence: string }

export type WebhookAssetManager = AssetManager & {
  kind: 'webhook'
  /** Admit one signed report (the webhook's body text). Durable once it returns. */
  accept(body: string): Promise<AcceptedReport>
  /** Rebuild the view from the journal's records (after the shared journal reloaded: a new lease epoch). */
  rebuild(): void
  close(): void
}

export function createWebhookAssetManager(parameters: WebhookAssetManagerParameters): WebhookAssetManager {
  const { managers, decimals = 18, chainId = DEFAULT_SYNOME_CHAIN_ID, clock = () => new Date(), window = DEFAULT_ADMISSION_WINDOW } = parameters
  const byId = new Map(managers.map((m) => [m.managerId, m]))
  const managerOfBook = new Map<string, RegisteredManager>()
  for (const m of managers) {
    for (const bookId of m.bookIds) {
      if (managerOfBook.has(bookId)) throw new InvalidInputError(`book ${bookId} is registered to two managers`, { meta: { bookId } })
      managerOfBook.set(bookId, m)
    }
  }
  const owned = typeof parameters.journal === 'string'
  const journal = typeof parameters.journal === 'string' ? new RecordJournal({ path: parameters.journal, parse: parseWebhookJournalEntry }) : parameters.journal

  const lastSequence = new Map<string, bigint>()
  const reports = new Map<string, NavReport[]>()
  const subscriptions = new Map<string, { bookId: string; amount: bigint }>()
  const pending = new Map<string, RedemptionRequest>()
  const returned = new Map<string, RedemptionReturn>()
  /** What the Halo asked for per redemption (a return may be less; a repeated request must match this). */
  const requested = new Map<string, bigint>()

  const apply = (e: JournalEntry) => {
    switch (e.kind) {
      case 'subscription':
        subscriptions.set(e.subscriptionId, { bookId: e.bookId, amount: BigInt(e.amount) })
        break
      case 'redemption-request':
        pending.set(e.redemptionId, { redemptionId: e.redemptionId, bookId: e.bookId, amount: BigInt(e.amount), requestedAt: e.requestedAt })
        requested.set(e.redemptionId, BigInt(e.amount))
        break
      case 'nav-report': {
        lastSequence.set(e.managerId, BigInt(e.sequence))
        const list = reports.get(e.bookId) ?? []
        list.push({ reportId: e.reportId, bookId: e.bookId, assets: BigInt(e.assets), reportedAt: e.reportedAt })
        reports.set(e.bookId, list)
        break
      }
      case 'redemption-returned': {
        lastSequence.set(e.managerId, BigInt(e.sequence))
        const request = pending.get(e.redemptionId)!
        pending.delete(e.redemptionId)
        returned.set(e.redemptionId, { ...request, amount: BigInt(e.amount), returnedAt: e.returnedAt })
        break
      }
    }
  }
  const rebuild = () => {
    for (const m of [lastSequence, reports, subscriptions, pending, returned, requested]) m.clear()
    for (const entry of journal.records) apply(entry)
  }
  if (journal.loaded) rebuild()
  const requireLoaded = () => {
    if (!journal.loaded) throw new PreconditionFailedError('the manager journal is not loaded: this lpha-lcts instance is a standby (post to the leader)')
  }
  const append = async (e: JournalEntry) => {
    requireLoaded()
    await journal.append(e)
    apply(e)
  }
  // one writer at a time: the facts an append was decided on cannot change before it is durable
  let queue: Promise<unknown> = Promise.resolve()
  const serial = <R>(run: () => Promise<R>): Promise<R> => {
    const next = queue.then(run, run)
    queue = next.catch(() => undefined)
    return next
  }
  const requireBook = (bookId: string) => {
    if (!managerOfBook.has(bookId)) throw new NotFoundError(`no registered manager runs book ${bookId}`, { meta: { bookId } })
  }
  const positive = (amount: bigint) => {
    if (amount <= 0n) throw new InvalidInputError('amount must be positive', { meta: { field: 'amount' } })
  }

  return {
    kind: 'webhook',
    subscribe: ({ subscriptionId, bookId, amount, at }) => serial(async () => {
      requireBook(bookId)
      positive(amount)
      const seen = subscriptions.get(subscriptionId)
      if (seen) {
        if (seen.amount !== amount || seen.bookId !== bookId) throw new PreconditionFailedError(`subscription ${subscriptionId} was already made with other terms`, { meta: { subscriptionId } })
        return
      }
      await append({ kind: 'subscription', subscriptionId, bookId, amount: amount.toString(), at: isoTimestamp(at) })
    }),
    requestRedemption: ({ redemptionId, bookId, amount, at }) => serial(async () => {
      requireBook(bookId)
      positive(amount)
      const existing = pending.get(redemptionId) ?? returned.get(redemptionId)
      if (existing) {
        if (requested.get(redemptionId) !== amount || existing.bookId !== bookId) throw new PreconditionFailedError(`redemption ${redemptionId} was already requested with other terms`, { meta: { redemptionId } })
        return { redemptionId, bookId, amount, requestedAt: existing.requestedAt }
      }
      const request = { redemptionId, bookId, amount, requestedAt: isoTimestamp(at) }
      await append({ kind: 'redemption-request', redemptionId, bookId, amount: amount.toString(), requestedAt: request.requestedAt })
      return request
    }),
    navReports: (bookId) => [...(reports.get(bookId) ?? [])],
    pendingRedemptions: (bookId) => [...pending.values()].filter((r) => r.bookId === bookId),
    returnedRedemptions: (bookId) => [...returned.values()].filter((r) => r.bookId === bookId),
    async tick() {},
    async accept(body) {
      const { report, signature } = parseReportBody(body)
      const recoveredSigner = await recoverManagerSigner(report, signature, chainId)
      // Serialised: the facts read and the append cannot interleave with another request.
      return serial(async () => {
        requireLoaded()
        const { bookId, managerId } = report.message
        const bookReports = reports.get(bookId) ?? []
        const last = bookReports.at(-1)
        const bookPending = new Map([...pending.values()].filter((r) => r.bookId === bookId).map((r) => [r.redemptionId, r.amount]))
        const admitted = admitManagerReport(report, {
          manager: byId.get(managerId),
          recoveredSigner,
          lastSequence: lastSequence.get(managerId) ?? null,
          acceptedReportIds: new Set(bookReports.map((r) => r.reportId)),
          lastReportedAtMs: last ? Date.parse(last.reportedAt) : null,
          pendingRedemptions: bookPending,
        }, { now: clock(), decimals, ...window })
        const receivedAt = clock().toISOString()
        if (admitted.kind === 'navReport') {
          const m = admitted.message
          await append({ kind: 'nav-report', managerId, bookId, reportId: m.reportId, sequence: m.sequence.toString(), assets: admitted.assets.toString(), reportedAt: m.reportedAt, signedAt: m.signedAt, signature, receivedAt })
          return { kind: admitted.kind, bookId, id: m.reportId, sequence: m.sequence.toString() }
        }
        const m = admitted.message
        await append({ kind: 'redemption-returned', managerId, bookId, redemptionId: m.redemptionId, sequence: m.sequence.toString(), amount: admitted.amount.toString(), returnedAt: m.returnedAt, signedAt: m.signedAt, signature, receivedAt })
        return { kind: admitted.kind, bookId, id: m.redemptionId, sequence: m.sequence.toString() }
      })
    },
    rebuild,
    close: () => {
      if (owned) journal.close()
    },
  }
}

/** The HTTP face of a webhook asset manager. Host it in the lpha-lcts process (one journal writer). */
export function createManagerWebhook(parameters: { manager: WebhookAssetManager }): Hono {
  const app = new Hono()
  app.post(MANAGER_REPORTS_PATH, async (c) => {
    const declared = Number(c.req.header('content-length') ?? 0)
    if (declared > MAX_REPORT_BODY_BYTES) throw new InvalidInputError(`body is larger than ${MAX_REPORT_BODY_BYTES} bytes`)
    const accepted = await parameters.manager.accept(await c.req.text())
    return c.json({ accepted: true, ...accepted }, 200)
  })
  app.onError((error, c) => {
    const problem = error instanceof BaseError ? error : new BaseError('internal error', { cause: error })
    return c.body(JSON.stringify(problem.toProblem()), problem.status as 400, { 'content-type': 'application/problem+json' })
  })
  return app
}

