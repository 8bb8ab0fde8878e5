import { BaseError } from '../errors.js'
import { parseUnitsExact } from '../money.js'

/**
 * The admission gate for a real asset manager's reports (issue 14: "a signed HTTP webhook for a
 * real manager's reports, refusing unknown or forged reports"). Pure: the caller recovers the
 * signer from the EIP-712 signature (src/portfolio/manager/signing.ts) and passes what it
 * knows (the registered managers, the last accepted sequence, the pending redemptions, `now`);
 * this function says whether the report is admitted and, if not, why, with a stable code.
 * Every path that takes a manager report in (the HTTP webhook, a replay of the journal, a test)
 * goes through `admitManagerReport`.
 *
 * Rules, in the order they are checked (the first that fails is the answer):
 * 1. the manager is registered (MANAGER_UNKNOWN) and the signature recovers to its key
 *    (MANAGER_SIGNATURE_INVALID);
 * 2. the book is one the manager runs (MANAGER_BOOK_NOT_MANAGED);
 * 3. the amount is an exact decimal string of at most the asset's decimals — no exponent, no
 *    sign, no JSON float the manager's serializer may have rounded (MANAGER_AMOUNT_INVALID);
 * 4. `signedAt` is within `maxAgeSeconds` before now (MANAGER_REPORT_STALE) and at most
 *    `maxSkewSeconds` after (MANAGER_REPORT_FUTURE); the valuation / return time is not after
 *    `signedAt` (MANAGER_REPORT_FUTURE);
 * 5. the sequence is above every sequence the manager had accepted (MANAGER_REPORT_REPLAYED:
 *    a replayed or reordered report), so a captured report can never be posted twice;
 * 6. a NAV report is not older than the book's last accepted one (MANAGER_REPORT_STALE) and its
 *    id is new; a redemption return names a redemption the Halo requested and that is still
 *    pending (MANAGER_REDEMPTION_UNKNOWN), for at most the requested amount (MANAGER_AMOUNT_INVALID).
 */
export const MANAGER_REPORT_CODES = {
  unknown: 'MANAGER_UNKNOWN',
  badSignature: 'MANAGER_SIGNATURE_INVALID',
  bookNotManaged: 'MANAGER_BOOK_NOT_MANAGED',
  amountInvalid: 'MANAGER_AMOUNT_INVALID',
  stale: 'MANAGER_REPORT_STALE',
  future: 'MANAGER_REPORT_FUTURE',
  replayed: 'MANAGER_REPORT_REPLAYED',
  redemptionUnknown: 'MANAGER_REDEMPTION_UNKNOWN',
} as const
export type ManagerReportCode = (typeof MANAGER_REPORT_CODES)[keyof typeof MANAGER_REPORT_CODES]

const STATUS: Record<ManagerReportCode, number> = {
  MANAGER_UNKNOWN: 401,
  MANAGER_SIGNATURE_INVALID: 401,
  MANAGER_BOOK_NOT_MANAGED: 403,
  MANAGER_AMOUNT_INVALID: 400,
  MANAGER_REPORT_STALE: 422,
  MANAGER_REPORT_FUTURE: 422,
  MANAGER_REPORT_REPLAYED: 409,
  MANAGER_REDEMPTION_UNKNOWN: 422,
}

/** A refused manager report. Nothing was recorded. */
export class ManagerReportRefusedError extends BaseError {
  override name = 'ManagerReportRefusedError'
  override readonly code: ManagerReportCode
  override readonly status: number

  constructor(code: ManagerReportCode, shortMessage: string, meta: Record<string, unknown> = {}) {
    super(shortMessage, { meta: { ...meta, code } })
    this.code = code
    this.status = STATUS[code]
  }
}

/** A manager as registered with the Halo: the key its reports must be signed with, and its books. */
export type RegisteredManager = { managerId: string; address: string; bookIds: readonly string[] }

export type NavReportMessage = {
  managerId: string
  bookId: string
  reportId: string
  /** Per manager, strictly increasing over all its reports (both kinds). */
  sequence: bigint
  /** What the book's positions are worth: exact decimal string of the book's asset. */
  assets: string
  /** Valuation time (ISO-8601 UTC). */
  reportedAt: string
  /** When the manager signed (ISO-8601 UTC); the freshness window applies to it. */
  signedAt: string
}

export type RedemptionReturnedMessage = {
  managerId: string
  bookId: string
  redemptionId: string
  sequence: bigint
  /** Amount returned to the PAU: exact decimal string of the book's asset. */
  amount: string
  returnedAt: string
  signedAt: string
}

export type ManagerReport = { kind: 'navReport'; message: NavReportMessage } | { kind: 'redemptionReturned'; message: RedemptionReturnedMessage }

export type AdmittedManagerReport =
  | { kind: 'navReport'; message: NavReportMessage; assets: bigint }
  | { kind: 'redemptionReturned'; message: RedemptionReturnedMessage; amount: bigint }

export type AdmissionFacts = {
  /** The registered manager named by the report, or undefined. */
  manager: RegisteredManager | undefined
  /** The address the signature recovers to (lowercase or checksummed), or null if it does not recover. */
  recoveredSigner: string | null
  /** Highest sequence accepted from this manager, or null before its first report. */
  lastSequence: bigint | null
  /** Ids of NAV reports already accepted for the book. */
  acceptedReportIds: ReadonlySet<string>
  /** Valuation time of the book's last accepted NAV report (ms), or null. */
  lastReportedAtMs: number | null
  /** Redemptions the Halo asked this book's manager for and not yet returned: id → amount. */
  pendingRedemptions: ReadonlyMap<string, bigint>
}

export type AdmissionPolicy = { now: Date; decimals: number; maxAgeSeconds: number; maxSkewSeconds: number }

export const DEFAULT_ADMISSION_WINDOW = { maxAgeSeconds: 300, maxSkewSeconds: 60 } as const

const EXACT_DECIMAL = /^(0|[1-9]\d*)(\.\d+)?$/
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/

function exactAmount(value: string, decimals: number, field: string): bigint {
  if (typeof value !== 'string' || !EXACT_DECIMAL.test(value)) {
    throw new ManagerReportRefusedError(MANAGER_REPORT_CODES.amountInvalid, `${field} is not an exact non-negative decimal`, { field, value: String(value).slice(0, 80) })
  }
  const fraction = value.split('.')[1] ?? ''
  if (fraction.replace(/0+$/, '').length > decimals) {
    throw new ManagerReportRefusedError(MANAGER_REPORT_CODES.amountInvalid, `${field} has more than ${decimals} decimal places`, { field, value })
  }
  return parseUnitsExact(value, decimals, field)
}

function timeOf(value: string, field: string): number {
  const ms = ISO_UTC.test(value) ? Date.parse(value) : Number.NaN
  if (Number.isNaN(ms)) throw new ManagerReportRefusedError(MANAGER_REPORT_CODES.future, `${field} is not an ISO-8601 UTC time`, { field, value: String(value).slice(0, 40) })
  return ms
}

/** The gate (see the module header). Returns the report with its amount parsed, or throws ManagerReportRefusedError. */
export function admitManagerReport(report: ManagerReport, facts: AdmissionFacts, policy: AdmissionPolicy): AdmittedManagerReport {
  const { message } = report
  const manager = facts.manager
  if (!manager || manager.managerId !== message.managerId) throw new ManagerReportRefusedError(MANAGER_REPORT_CODES.unknown, `no asset manager ${message.managerId} is registered`, { managerId: message.managerId })
  if (facts.recoveredSigner === null || facts.recoveredSigner.toLowerCase() !== manager.address.toLowerCase()) {
    throw new ManagerReportRefusedError(MANAGER_REPORT_CODES.badSignature, `the report is not signed by manager ${manager.managerId}'s registered key`, { managerId: manager.managerId, recovered: facts.recoveredSigner })
  }
  if (!manager.bookIds.includes(message.bookId)) throw new ManagerReportRefusedError(MANAGER_REPORT_CODES.bookNotManaged, `manager ${manager.managerId} does not run book ${message.bookId}`, { managerId: manager.managerId, bookId: message.bookId })

  const value = report.kind === 'navReport' ? exactAmount(report.message.assets, policy.decimals, 'assets') : exactAmount(report.message.amount, policy.decimals, 'amount')

  const nowMs = policy.now.getTime()
  const signedAtMs = timeOf(message.signedAt, 'signedAt')
  if (signedAtMs < nowMs - policy.maxAgeSeconds * 1000) throw new ManagerReportRefusedError(MANAGER_REPORT_CODES.stale, `the report was signed more than ${policy.maxAgeSeconds} s ago`, { signedAt: message.signedAt, now: policy.now.toISOString() })
  if (signedAtMs > nowMs + policy.maxSkewSeconds * 1000) throw new ManagerReportRefusedError(MANAGER_REPORT_CODES.future, `the report is signed more than ${policy.maxSkewSeconds} s in the future`, { signedAt: message.signedAt, now: policy.now.toISOString() })
  const eventField = report.kind === 'navReport' ? 'reportedAt' : 'returnedAt'
  const eventAt = report.kind === 'navReport' ? report.message.reportedAt : report.message.returnedAt
  if (timeOf(eventAt, eventField) > signedAtMs) throw new ManagerReportRefusedError(MANAGER_REPORT_CODES.future, `${eventField} is after signedAt`, { [eventField]: eventAt, signedAt: message.signedAt })

  if (message.sequence < 0n || (facts.lastSequence !== null && message.sequence <= facts.lastSequence)) {
    throw new ManagerReportRefusedError(MANAGER_REPORT_CODES.replayed, `sequence ${message.sequence} is not above the last accepted ${facts.lastSequence ?? 'none'}`, { sequence: message.sequence.toString(), lastSequence: facts.lastSequence?.toString() ?? null })
  }

  if (report.kind === 'navReport') {
    if (facts.acceptedReportIds.has(report.message.reportId)) throw new ManagerReportRefusedError(MANAGER_REPORT_CODES.replayed, `NAV report ${report.message.reportId} was already accepted`, { reportId: report.message.reportId })
    const reportedAtMs = Date.parse(report.message.reportedAt)
    if (facts.lastReportedAtMs !== null && reportedAtMs < facts.lastReportedAtMs) {
      throw new ManagerReportRefusedError(MANAGER_REPORT_CODES.stale, `NAV report ${report.message.reportId} values the book before its last accepted report`, { reportedAt: report.message.reportedAt, lastReportedAt: new Date(facts.lastReportedAtMs).toISOString() })
    }
    return { kind: 'navReport', message: report.message, assets: value }
  }
  const requested = facts.pendingRedemptions.get(report.message.redemptionId)
  if (requested === undefined) throw new ManagerReportRefusedError(MANAGER_REPORT_CODES.redemptionUnknown, `redemption ${report.message.redemptionId} of book ${message.bookId} is not pending`, { redemptionId: report.message.redemptionId })
  if (value > requested) throw new ManagerReportRefusedError(MANAGER_REPORT_CODES.amountInvalid, `returned amount exceeds the ${requested} base units requested`, { field: 'amount', requested: requested.toString() })
  return { kind: 'redemptionReturned', message: report.message, amount: value }
}
