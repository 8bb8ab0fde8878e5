/**
 * The Halo's GovOps after a final recovery at a loss: for every repayable unit whose recorded
 * repayment falls short of its principal (the split lpha-nfat funds by, `splitRepayment`), write
 * the shortfall down on the facility (WRITE_DOWN_ROLE) so the holder's redeem burns the NFAT.
 * Seed "Loss Distribution": 24M funded on 30M → 6M written down on #42.
 *
 * Level-triggered: a unit whose on-chain uncovered principal is not the shortfall (already
 * written down, or not funded as recorded) is skipped, so running it again changes nothing.
 * lpha-nfat never does this: its relayer key can fund but never retire unpaid principal.
 */
import type { Account, Address, Hex } from 'viem'
import { writeAndWait, type ChainClients } from '../chain/devnet.js'
import { nfatFacilityAbi } from '../chain/generated/index.js'
import { parseUnitsExact, USDS_DECIMALS } from '../domain/money.js'
import { splitRepayment } from '../domain/sleeve.js'

export type WriteDownUnit = { unitId: number; state: string; principal: string; repaymentAmount?: string | null | undefined }

export async function writeDownShortfalls(
  clients: ChainClients,
  p: { facility: Address; govOps: Account; units: readonly WriteDownUnit[] },
): Promise<Array<{ unitId: number; amount: bigint; txHash: Hex }>> {
  const facility = { address: p.facility, abi: nfatFacilityAbi } as const
  const written: Array<{ unitId: number; amount: bigint; txHash: Hex }> = []
  for (const unit of p.units) {
    if (unit.state !== 'REPAYMENT_AVAILABLE' || !unit.repaymentAmount) continue
    const { shortfall } = splitRepayment(parseUnitsExact(unit.repaymentAmount, USDS_DECIMALS), parseUnitsExact(unit.principal, USDS_DECIMALS))
    if (shortfall === 0n) continue
    const tokenId = BigInt(unit.unitId)
    const live = await clients.publicClient.readContract({ ...facility, functionName: 'ownerOf', args: [tokenId] }).then(() => true, () => false)
    if (!live) continue
    const [, outstanding] = await clients.publicClient.readContract({ ...facility, functionName: 'unitOf', args: [tokenId] })
    const [, principalPaid] = await clients.publicClient.readContract({ ...facility, functionName: 'fundingOf', args: [tokenId] })
    if (outstanding - principalPaid !== shortfall) continue
    const receipt = await writeAndWait(clients, p.govOps, { ...facility, functionName: 'writeDown', args: [tokenId, shortfall] })
    written.push({ unitId: unit.unitId, amount: shortfall, txHash: receipt.transactionHash })
  }
  return written
}
