import { isoTimestamp } from '../domain/sleeve.js'
import type { BankLedger, BankReturn } from './ledger.js'

/**
 * The off-ramp adapter lpha-nfat talks to. Confirmations always land in the beacon's
 * `BankLedger`; what differs is who produces them:
 * - `webhook`: a real bank or custodian posts them to the webhook (see webhook.ts); `tick`
 *   does nothing.
 * - `simulator` (devnets): receipts of registered, sent transfers are confirmed after a
 *   configurable delay; returns are released on command (principal + yield, or a partial
 *   recovery), and once a sleeve's final return is in, its returns are on-ramped as USDC to
 *   the facility ALMProxy through an injected chain action.
 */
export type OffRampBank = {
  kind: 'webhook' | 'simulator'
  ledger: BankLedger
  tick(now: Date): Promise<void>
}

export function createWebhookBank(ledger: BankLedger): OffRampBank {
  return { kind: 'webhook', ledger, tick: async () => {} }
}

export type DevnetBankParameters = {
  ledger: BankLedger
  /** Seconds after a transfer is sent before the bank confirms receipt; `null` = never (timeout tests). */
  receiptDelaySeconds: number | null
  /**
   * Deliver a return's USDC on chain to the facility ALMProxy. Must be idempotent per
   * `returnId` (the beacon's intent journal makes it so) and resolve with the tx hash.
   */
  onRamp: (params: { returnId: string; sleeveId: string; amountUsdc: bigint }) => Promise<{ txHash: string }>
}

export type DevnetBank = OffRampBank & {
  /** The bank reports funds back from deployment (on command, e.g. from a test or CLI). */
  releaseReturn(params: { sleeveId: string; amountUsd: bigint; final: boolean; at: Date; returnId?: string }): BankReturn
}

export function createDevnetBank(parameters: DevnetBankParameters): DevnetBank {
  const { ledger, receiptDelaySeconds, onRamp } = parameters
  return {
    kind: 'simulator',
    ledger,
    async tick(now) {
      if (receiptDelaySeconds !== null) {
        for (const transfer of ledger.pendingTransfers()) {
          // The bank only sees money that actually left the chain.
          if (!transfer.txHash) continue
          if (now.getTime() - Date.parse(transfer.initiatedAt) < receiptDelaySeconds * 1000) continue
          ledger.confirmReceipt({ transferId: transfer.transferId, amountUsd: transfer.amountUsdc.toString(), confirmedAt: isoTimestamp(now) })
        }
      }
      // A sleeve's returns are on-ramped once its final return is in (a partial default keeps
      // the recovered USD at the bank while recovery continues).
      for (const bankReturn of ledger.returnsAwaitingOnRamp()) {
        if (!ledger.returnsFor(bankReturn.sleeveId).some((r) => r.final)) continue
        const { txHash } = await onRamp({ returnId: bankReturn.returnId, sleeveId: bankReturn.sleeveId, amountUsdc: bankReturn.amountUsd })
        ledger.confirmOnRamp({ returnId: bankReturn.returnId, amountUsdc: bankReturn.amountUsd.toString(), txHash, confirmedAt: isoTimestamp(now) })
      }
    },
    releaseReturn({ sleeveId, amountUsd, final, at, returnId }) {
      const id = returnId ?? `${sleeveId}:return:${ledger.returnsFor(sleeveId).length + 1}`
      return ledger.confirmReturn({ returnId: id, sleeveId, amountUsd: amountUsd.toString(), confirmedAt: isoTimestamp(at), final })
    },
  }
}
