import type { Address } from 'viem'
import { alert, type Alert } from '../../domain/risk/alerts.js'
import { claimedHoldings, isAddress, verifyHolding, verifyUnitPosition, type ClassContracts } from '../../domain/risk/position.js'
import type { RiskSleeve, RiskUnit } from '../../domain/risk/types.js'
import type { VerifyChain } from './chain.js'

export type VerifyPositionsParameters = {
  chain: VerifyChain
  sleeves: readonly RiskSleeve[]
  units: readonly RiskUnit[]
  /** The NFAT Facility of a Halo Class (from the Synome's Halo Class record). */
  facilityOf: (haloClass: string) => string | undefined
  /** USDC token address; without it USDC claims at the ALMProxy are not checked (and say so). */
  usdc?: string | undefined
  /** Parallel RPC reads (bounded). */
  concurrency?: number
}

/**
 * Position verification against the chain: each live unit's NFAT, and the ALMProxy / redeem
 * balances sleeves claim. A read that fails is a POSITION_CHECK_FAILED alert for that entity,
 * never a silent pass.
 */
export async function verifyPositions({ chain, sleeves, units, facilityOf, usdc, concurrency = 8 }: VerifyPositionsParameters): Promise<Alert[]> {
  const alerts: Alert[] = []
  const unnamed = [...new Set(units.filter((u) => u.state !== 'CLOSED' && !isAddress(u.depositor)).map((u) => u.depositor))]
  for (const prime of unnamed) alerts.push(alert('POSITION_CHECK_FAILED', { type: 'prime', id: prime }, `NFAT depositors of Prime "${prime}" not checked: no address configured (primeAddresses)`))
  await forEachBounded(units.filter((u) => u.state !== 'CLOSED'), concurrency, async (unit) => {
    try {
      alerts.push(...verifyUnitPosition(unit, await chain.readNfat(unit.facility as Address, BigInt(unit.unitId))))
    } catch (error) {
      alerts.push(checkFailed({ type: 'unit', id: unit.unitId }, `could not read NFAT ${unit.unitId} at ${unit.facility}`, error))
    }
  })

  const classes = new Map<string, ClassContracts & { usds: string }>()
  for (const haloClass of new Set(sleeves.map((s) => s.haloClass))) {
    const facility = facilityOf(haloClass)
    if (!facility) continue
    try {
      const { almProxy, usds } = await chain.facilityContracts(facility as Address)
      classes.set(haloClass, { almProxy, redeem: facility, usds })
    } catch (error) {
      alerts.push(checkFailed({ type: 'address', id: facility.toLowerCase() }, `could not read facility ${facility} of ${haloClass}`, error))
    }
  }
  const tokens = new Map<string, string>()
  for (const c of classes.values()) tokens.set(c.almProxy.toLowerCase(), c.usds)
  const redeemAddresses = new Set([...classes.values()].map((c) => c.redeem.toLowerCase()))

  for (const holding of claimedHoldings(sleeves, (haloClass) => classes.get(haloClass), units)) {
    try {
      let balance: bigint
      if (redeemAddresses.has(holding.address) && holding.token === 'USDS') balance = await chain.fundedForRedemption(holding.address as Address)
      else if (holding.token === 'USDS') balance = await chain.balanceOf(tokens.get(holding.address) as Address, holding.address as Address)
      else if (usdc) balance = await chain.balanceOf(usdc as Address, holding.address as Address)
      else {
        alerts.push(alert('POSITION_CHECK_FAILED', { type: 'address', id: holding.address }, `USDC claims of ${holding.sleeveIds.join(', ')} not checked: no USDC address configured`, { sleeveIds: holding.sleeveIds }))
        continue
      }
      alerts.push(...verifyHolding(holding, balance))
    } catch (error) {
      alerts.push(checkFailed({ type: 'address', id: holding.address }, `could not read the ${holding.token} balance at ${holding.address}`, error))
    }
  }
  return alerts
}

function checkFailed(entity: Alert['entity'], message: string, error: unknown): Alert {
  const reason = error instanceof Error ? ((error as { shortMessage?: string }).shortMessage ?? error.message) : String(error)
  return alert('POSITION_CHECK_FAILED', entity, message, { error: reason.slice(0, 300) })
}

async function forEachBounded<T>(items: readonly T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!)
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker))
}
