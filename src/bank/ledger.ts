import { z } from 'zod'
import { BaseError, InvalidInputError, VersionConflictError } from '../domain/errors.js'
import { JsonlJournal } from '../beacons/shared/jsonlJournal.js'

/**
 * The off-ramp ledger: what lpha-nfat sent to the Halo's bank account and what the bank
 * confirmed back (receipts, returned funds, on-ramps). Both the devnet bank simulator and the
 * HTTP webhook write confirmations here; lpha-nfat reads them. Durable (JSON lines + fsync),
 * because the beacon may be killed at any moment and a bank confirmation must never be lost
 * or applied twice.
 *
 * Trust rule: a confirmation must name something lpha-nfat announced first (a transfer it
 * registered, a return for a sleeve whose transfers were received). Anything else is refused
 * with a typed error and changes nothing.
 *
 * Amounts are base units (USD and USDC both 6 decimals, see money.ts) kept as bigint; the
 * journal stores them as decimal strings.
 */
export class UnknownTransferError extends BaseError {
  override name = 'UnknownTransferError'
  override readonly code: string = 'UNKNOWN_TRANSFER'
  override readonly status: number = 422
}

export type OffRampTransfer = {
  transferId: string
  sleeveId: string
  amountUsdc: bigint
  destination: string
  initiatedAt: string
  /** The sleeve's offboarding round it belongs to (absent in journals written before rounds: 1). */
  round?: number | undefined
  txHash?: string | undefined
  /** Its transaction reverted: nothing left the chain, and no receipt can come (seed "Offboarding Failure"). */
  failed?: { reason: string; failedAt: string } | undefined
}
export type BankReceipt = { transferId: string; amountUsd: bigint; confirmedAt: string }
/** Funds returned from deployment. `final` = nothing more will come (full return or final recovery). */
export type BankReturn = { returnId: string; sleeveId: string; amountUsd: bigint; confirmedAt: string; final: boolean }
/** USD of a return converted to USDC and delivered on chain (tx carrying the USDC transfer). */
export type OnRamp = { returnId: string; amountUsdc: bigint; txHash: string; confirmedAt: string }

const amount = z.string().regex(/^\d+$/).transform((value) => BigInt(value))
const iso = z.string().datetime({ offset: true })
const entry = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('transfer'), transferId: z.string().min(1), sleeveId: z.string().min(1), amountUsdc: amount, destination: z.string().min(1), initiatedAt: iso, round: z.number().int().positive().optional(), txHash: z.string().optional() }),
  z.object({ kind: z.literal('transfer-sent'), transferId: z.string().min(1), txHash: z.string().min(1) }),
  z.object({ kind: z.literal('transfer-failed'), transferId: z.string().min(1), reason: z.string().min(1), failedAt: iso }),
  z.object({ kind: z.literal('receipt'), transferId: z.string().min(1), amountUsd: amount, confirmedAt: iso }),
  z.object({ kind: z.literal('return'), returnId: z.string().min(1), sleeveId: z.string().min(1), amountUsd: amount, confirmedAt: iso, final: z.boolean() }),
  z.object({ kind: z.literal('onramp'), returnId: z.string().min(1), amountUsdc: amount, txHash: z.string().min(1), confirmedAt: iso }),
])
type Entry = z.output<typeof entry>

/** Webhook / command input shapes: amounts as base-unit strings, validated here. */
export const receiptInput = z.object({ transferId: z.string().min(1), amountUsd: amount, confirmedAt: iso })
export const returnInput = z.object({ returnId: z.string().min(1), sleeveId: z.string().min(1), amountUsd: amount, confirmedAt: iso, final: z.boolean() })
export const onRampInput = z.object({ returnId: z.string().min(1), amountUsdc: amount, txHash: z.string().regex(/^0x[0-9a-fA-F]{64}$/), confirmedAt: iso })

function toLine(value: Entry): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, typeof v === 'bigint' ? v.toString() : v]))
}

export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input)
  if (!result.success) throw new InvalidInputError('bank confirmation does not validate', { details: z.prettifyError(result.error) })
  return result.data
}

function same(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  return JSON.stringify(toLine(a as Entry)) === JSON.stringify(toLine(b as Entry))
}

export class BankLedger {
  readonly #journal: JsonlJournal<Entry>
  readonly #transfers = new Map<string, OffRampTransfer>()
  readonly #receipts = new Map<string, BankReceipt>()
  readonly #returns = new Map<string, BankReturn>()
  readonly #onRamps = new Map<string, OnRamp>()

  constructor(path: string) {
    this.#journal = JsonlJournal.open({ path, parse: (raw) => entry.parse(raw) })
    for (const record of this.#journal.records) this.#apply(record)
  }

  #apply(record: Entry): void {
    if (record.kind === 'transfer') {
      const { kind: _kind, ...transfer } = record
      this.#transfers.set(record.transferId, transfer)
    } else if (record.kind === 'transfer-sent') {
      const transfer = this.#transfers.get(record.transferId)
      if (transfer) transfer.txHash = record.txHash
    } else if (record.kind === 'transfer-failed') {
      const transfer = this.#transfers.get(record.transferId)
      if (transfer) transfer.failed = { reason: record.reason, failedAt: record.failedAt }
    } else if (record.kind === 'receipt') {
      const { kind: _kind, ...receipt } = record
      this.#receipts.set(record.transferId, receipt)
    } else if (record.kind === 'return') {
      const { kind: _kind, ...bankReturn } = record
      this.#returns.set(record.returnId, bankReturn)
    } else {
      const { kind: _kind, ...onRamp } = record
      this.#onRamps.set(record.returnId, onRamp)
    }
  }

  #append(record: Entry): void {
    this.#journal.append(toLine(record) as unknown as Entry)
    this.#apply(record)
  }

  /** lpha-nfat announces a transfer before sending it; idempotent for the same content. */
  registerTransfer(transfer: OffRampTransfer): void {
    const existing = this.#transfers.get(transfer.transferId)
    if (existing) {
      if (existing.sleeveId !== transfer.sleeveId || existing.amountUsdc !== transfer.amountUsdc || existing.destination !== transfer.destination) {
        throw new VersionConflictError('transfer id already registered with different content', { details: transfer.transferId })
      }
      return
    }
    this.#append({ kind: 'transfer', ...transfer })
  }

  /** The on-chain transaction that carried a registered transfer. */
  markTransferSent(transferId: string, txHash: string): void {
    const transfer = this.#requireTransfer(transferId)
    if (transfer.txHash === txHash) return
    this.#append({ kind: 'transfer-sent', transferId, txHash })
  }

  /** The transfer's transaction reverted: a final state (idempotent); a failed transfer gets no receipt. */
  markTransferFailed(transferId: string, reason: string, failedAt: string): void {
    const transfer = this.#requireTransfer(transferId)
    if (transfer.failed) return
    if (this.#receipts.has(transferId)) throw new InvalidInputError('a transfer the bank confirmed cannot fail', { details: transferId, meta: { transferId } })
    this.#append({ kind: 'transfer-failed', transferId, reason, failedAt })
  }

  #requireTransfer(transferId: string): OffRampTransfer {
    const transfer = this.#transfers.get(transferId)
    if (!transfer) throw new UnknownTransferError('confirmation names an unknown transfer', { details: transferId, meta: { transferId } })
    return transfer
  }

  /** The bank confirms USD received for a transfer. */
  confirmReceipt(input: unknown): BankReceipt {
    const receipt = parseInput(receiptInput, input)
    const transfer = this.#requireTransfer(receipt.transferId)
    if (transfer.failed) throw new InvalidInputError('receipt names a transfer that failed on chain', { details: receipt.transferId, meta: { transferId: receipt.transferId } })
    if (receipt.amountUsd > transfer.amountUsdc) throw new InvalidInputError('receipt exceeds the amount sent', { details: `${receipt.amountUsd} > ${transfer.amountUsdc}`, meta: { transferId: receipt.transferId } })
    const existing = this.#receipts.get(receipt.transferId)
    if (existing) {
      if (!same(existing, receipt)) throw new VersionConflictError('transfer already confirmed with different content', { details: receipt.transferId })
      return existing
    }
    this.#append({ kind: 'receipt', ...receipt })
    return receipt
  }

  /** The bank reports funds returned from deployment for a sleeve it holds money for. */
  confirmReturn(input: unknown): BankReturn {
    const bankReturn = parseInput(returnInput, input)
    const received = [...this.#transfers.values()].some((t) => t.sleeveId === bankReturn.sleeveId && this.#receipts.has(t.transferId))
    if (!received) throw new UnknownTransferError('return names a sleeve the bank never received funds for', { details: bankReturn.sleeveId, meta: { sleeveId: bankReturn.sleeveId } })
    const existing = this.#returns.get(bankReturn.returnId)
    if (existing) {
      if (!same(existing, bankReturn)) throw new VersionConflictError('return id already confirmed with different content', { details: bankReturn.returnId })
      return existing
    }
    if (this.returnsFor(bankReturn.sleeveId).some((r) => r.final)) throw new InvalidInputError('the sleeve already had its final return', { details: bankReturn.sleeveId })
    this.#append({ kind: 'return', ...bankReturn })
    return bankReturn
  }

  /** The bank (or its on-ramp provider) delivered a return's USDC on chain. */
  confirmOnRamp(input: unknown): OnRamp {
    const onRamp = parseInput(onRampInput, input)
    const bankReturn = this.#returns.get(onRamp.returnId)
    if (!bankReturn) throw new UnknownTransferError('on-ramp names an unknown return', { details: onRamp.returnId, meta: { returnId: onRamp.returnId } })
    if (onRamp.amountUsdc !== bankReturn.amountUsd) throw new InvalidInputError('on-ramp amount differs from the returned USD', { details: `${onRamp.amountUsdc} ≠ ${bankReturn.amountUsd}` })
    const existing = this.#onRamps.get(onRamp.returnId)
    if (existing) {
      if (!same(existing, onRamp)) throw new VersionConflictError('return already on-ramped with different content', { details: onRamp.returnId })
      return existing
    }
    this.#append({ kind: 'onramp', ...onRamp })
    return onRamp
  }

  transfer(transferId: string): OffRampTransfer | undefined {
    return this.#transfers.get(transferId)
  }

  transfersFor(sleeveId: string): OffRampTransfer[] {
    return [...this.#transfers.values()].filter((t) => t.sleeveId === sleeveId)
  }

  receipt(transferId: string): BankReceipt | undefined {
    return this.#receipts.get(transferId)
  }

  returnsFor(sleeveId: string): BankReturn[] {
    return [...this.#returns.values()].filter((r) => r.sleeveId === sleeveId)
  }

  onRamp(returnId: string): OnRamp | undefined {
    return this.#onRamps.get(returnId)
  }

  /** Returns confirmed by the bank whose USDC has not been delivered on chain yet. */
  returnsAwaitingOnRamp(): BankReturn[] {
    return [...this.#returns.values()].filter((r) => !this.#onRamps.has(r.returnId))
  }

  /** Transfers sent but not yet confirmed received. */
  pendingTransfers(): OffRampTransfer[] {
    return [...this.#transfers.values()].filter((t) => !t.failed && !this.#receipts.has(t.transferId))
  }

  close(): void {
    this.#journal.close()
  }
}
