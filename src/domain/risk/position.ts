import { formatUnitsExact, parseUnitsExact, USDC_DECIMALS, USDS_DECIMALS } from '../money.js'
import { alert, type Alert } from './alerts.js'
import type { RiskSleeve, RiskUnit } from './types.js'

/**
 * Position verification (issue 6): the Synome says what exists; the chain must agree.
 * - every unit that is not CLOSED has its NFAT on chain with the same principal, facility and
 *   depositor (the tokenId is the join key);
 * - for sleeves in FILLING / OFFBOARDING / UNWINDING, the balances their assets claim at the
 *   facility ALMProxy or the redeem contract are really held there. Several sleeves of one
 *   Halo Class share those contracts, so claims are summed per (address, token) first.
 */
export type NfatOnChain =
  | { exists: false }
  | { exists: true; facility: string; depositor: string; /** USDS base units (18 decimals). */ principal: bigint }

export function verifyUnitPosition(unit: RiskUnit, nfat: NfatOnChain): Alert[] {
  const entity = { type: 'unit' as const, id: unit.unitId }
  if (!nfat.exists) {
    if (unit.state === 'CLOSED') return []
    return [alert('POSITION_NFAT_MISSING', entity, `NFAT ${unit.unitId} of sleeve ${unit.sleeveId} does not exist on chain`, { sleeveId: unit.sleeveId, facility: unit.facility })]
  }
  const mismatches: Record<string, { synome: string; chain: string }> = {}
  const principal = parseUnitsExact(unit.principal, USDS_DECIMALS, 'principal')
  if (principal !== nfat.principal) mismatches.principal = { synome: unit.principal, chain: formatUnitsExact(nfat.principal, USDS_DECIMALS) }
  if (unit.facility.toLowerCase() !== nfat.facility.toLowerCase()) mismatches.facility = { synome: unit.facility, chain: nfat.facility }
  // A depositor known only by Prime name cannot be compared; the caller reports it as unchecked.
  if (isAddress(unit.depositor) && unit.depositor.toLowerCase() !== nfat.depositor.toLowerCase()) mismatches.depositor = { synome: unit.depositor, chain: nfat.depositor }
  if (Object.keys(mismatches).length === 0) return []
  return [alert('POSITION_NFAT_MISMATCH', entity, `NFAT ${unit.unitId} differs from the Synome unit in ${Object.keys(mismatches).join(', ')}`, { sleeveId: unit.sleeveId, mismatches })]
}

export function isAddress(value: string): boolean {
  return /^0x[0-9a-fA-F]{40}$/.test(value)
}

export type ClaimToken = 'USDS' | 'USDC'
export const TOKEN_DECIMALS: Record<ClaimToken, number> = { USDS: USDS_DECIMALS, USDC: USDC_DECIMALS }
export type ClaimedHolding = { address: string; token: ClaimToken; amount: bigint; sleeveIds: string[] }

const CHECKED_STATES = new Set(['FILLING', 'OFFBOARDING', 'UNWINDING'])
const ON_CHAIN_LOCATIONS = new Set(['facility-ALMProxy', 'redeem-contract'])

/** Contract addresses of a Halo Class (the facility ALMProxy and the redeem contract). */
export type ClassContracts = { almProxy: string; redeem: string }

/**
 * Sum what the sleeves claim to hold on chain, per (address, token), in token base units. USDS
 * at the redeem contract that CLOSED units already redeemed is no longer there, so it is
 * deducted from their sleeve's claim (the sleeve's asset list is not rewritten per redemption).
 */
export function claimedHoldings(sleeves: readonly RiskSleeve[], contractsOf: (haloClass: string) => ClassContracts | undefined, units: readonly RiskUnit[] = []): ClaimedHolding[] {
  const redeemed = new Map<string, bigint>()
  for (const unit of units) {
    if (unit.state !== 'CLOSED' || !unit.repaymentAmount) continue
    redeemed.set(unit.sleeveId, (redeemed.get(unit.sleeveId) ?? 0n) + parseUnitsExact(unit.repaymentAmount, USDS_DECIMALS, 'repaymentAmount'))
  }
  const holdings = new Map<string, ClaimedHolding>()
  for (const sleeve of sleeves) {
    if (!CHECKED_STATES.has(sleeve.state)) continue
    const contracts = contractsOf(sleeve.haloClass)
    if (!contracts) continue
    for (const asset of sleeve.assets) {
      if (!ON_CHAIN_LOCATIONS.has(asset.location) || (asset.type !== 'USDS' && asset.type !== 'USDC')) continue
      const address = (asset.location === 'redeem-contract' ? contracts.redeem : contracts.almProxy).toLowerCase()
      const key = `${address}:${asset.type}`
      const holding = holdings.get(key) ?? { address, token: asset.type, amount: 0n, sleeveIds: [] }
      let amount = parseUnitsExact(asset.amount, TOKEN_DECIMALS[asset.type], 'asset amount')
      if (asset.location === 'redeem-contract') {
        const gone = redeemed.get(sleeve.sleeveId) ?? 0n
        redeemed.set(sleeve.sleeveId, gone > amount ? gone - amount : 0n)
        amount = gone > amount ? 0n : amount - gone
      }
      holding.amount += amount
      if (!holding.sleeveIds.includes(sleeve.sleeveId)) holding.sleeveIds.push(sleeve.sleeveId)
      holdings.set(key, holding)
    }
  }
  return [...holdings.values()]
}

export function verifyHolding(holding: ClaimedHolding, balance: bigint): Alert[] {
  if (balance >= holding.amount) return []
  const decimals = TOKEN_DECIMALS[holding.token]
  return [
    alert('POSITION_BALANCE_SHORTFALL', { type: 'address', id: holding.address }, `sleeves ${holding.sleeveIds.join(', ')} claim ${formatUnitsExact(holding.amount, decimals)} ${holding.token} at ${holding.address}, which holds ${formatUnitsExact(balance, decimals)}`, {
      token: holding.token,
      claimed: formatUnitsExact(holding.amount, decimals),
      onChain: formatUnitsExact(balance, decimals),
      sleeveIds: holding.sleeveIds,
    }),
  ]
}
