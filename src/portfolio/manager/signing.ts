import { type Hex, type LocalAccount } from 'viem'
import { recoverTypedDataAddress } from '../../chain/recoverTypedDataAddress.js'
import { InvalidInputError } from '../../domain/errors.js'
import type { ManagerReport } from '../../domain/portfolio/managerReport.js'
import { DEFAULT_SYNOME_CHAIN_ID } from '../../synome/signing.js'

/**
 * EIP-712 signatures of asset-manager reports. Why EIP-712 and not an HMAC like the bank
 * webhook (src/bank/webhook.ts): the Halo holds only the manager's public address, so nobody
 * who reads the Halo's configuration can forge a report; the signed report is evidence anyone
 * can re-verify later (lpla-verify, an auditor, the Synome record of the NAV report) — an
 * HMAC proves nothing to a third party because the Halo could have made it; and it is the
 * scheme the Synome's own commands already use (src/synome/signing.ts), so a manager signs with
 * any EIP-712 wallet or HSM. The typed data carries the amount as the exact decimal text the
 * manager posts, so what was signed is byte for byte what is parsed.
 */
export const MANAGER_DOMAIN_NAME = 'Halo Asset Manager Report'
export const MANAGER_DOMAIN_VERSION = '1'

export const MANAGER_REPORT_TYPES = {
  NavReport: [
    { name: 'managerId', type: 'string' },
    { name: 'bookId', type: 'string' },
    { name: 'reportId', type: 'string' },
    { name: 'sequence', type: 'uint64' },
    { name: 'assets', type: 'string' },
    { name: 'reportedAt', type: 'string' },
    { name: 'signedAt', type: 'string' },
  ],
  RedemptionReturned: [
    { name: 'managerId', type: 'string' },
    { name: 'bookId', type: 'string' },
    { name: 'redemptionId', type: 'string' },
    { name: 'sequence', type: 'uint64' },
    { name: 'amount', type: 'string' },
    { name: 'returnedAt', type: 'string' },
    { name: 'signedAt', type: 'string' },
  ],
} as const

const domainOf = (chainId: number) => ({ name: MANAGER_DOMAIN_NAME, version: MANAGER_DOMAIN_VERSION, chainId })

export async function signManagerReport(account: LocalAccount, report: ManagerReport, chainId = DEFAULT_SYNOME_CHAIN_ID): Promise<Hex> {
  if (!account.signTypedData) throw new InvalidInputError('the manager account cannot sign typed data')
  const domain = domainOf(chainId)
  return report.kind === 'navReport'
    ? account.signTypedData({ domain, types: { NavReport: MANAGER_REPORT_TYPES.NavReport }, primaryType: 'NavReport', message: report.message })
    : account.signTypedData({ domain, types: { RedemptionReturned: MANAGER_REPORT_TYPES.RedemptionReturned }, primaryType: 'RedemptionReturned', message: report.message })
}

/** The lowercase address the signature recovers to, or null when it does not recover at all. */
export async function recoverManagerSigner(report: ManagerReport, signature: Hex, chainId = DEFAULT_SYNOME_CHAIN_ID): Promise<string | null> {
  const domain = domainOf(chainId)
  try {
    const address = report.kind === 'navReport'
      ? recoverTypedDataAddress({ domain, types: { NavReport: MANAGER_REPORT_TYPES.NavReport }, primaryType: 'NavReport', message: report.message, signature })
      : recoverTypedDataAddress({ domain, types: { RedemptionReturned: MANAGER_REPORT_TYPES.RedemptionReturned }, primaryType: 'RedemptionReturned', message: report.message, signature })
    return address.toLowerCase()
  } catch {
    return null
  }
}

/** The wire form of a signed report (what the manager POSTs): the sequence as a decimal integer string. */
export type SignedManagerReportBody = { kind: ManagerReport['kind']; message: Record<string, string>; signature: Hex }

export async function signedReportBody(account: LocalAccount, report: ManagerReport, chainId = DEFAULT_SYNOME_CHAIN_ID): Promise<string> {
  const signature = await signManagerReport(account, report, chainId)
  const message = Object.fromEntries(Object.entries(report.message).map(([k, v]) => [k, typeof v === 'bigint' ? v.toString() : v]))
  return JSON.stringify({ kind: report.kind, message, signature } satisfies SignedManagerReportBody)
}
