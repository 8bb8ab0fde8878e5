import type { Address } from 'viem'
import type { SynomeClient } from '../../synome/client/index.js'
import type { HaloClassRecord } from '../../synome/records.js'
import { FACTORY_BOOK, type FactoryBookRecord } from '../../synome/commands/factory/records.js'
import { PORTFOLIO_SETTLEMENT } from '../../synome/commands/portfolio/records.js'
import { listAll } from '../shared/synomeReads.js'
import { MAX_DETECTED_UNITS, type DetectedUnit, type UnitSource } from './units.js'

/**
 * Portfolio units as a Prime's allocator detects them (issue 16 step 1, "factory metadata and
 * Synome records"): every unit of every book the Halo Factory deployed (lpha-council ingests
 * the factory's PortfolioBookDeployed events into `factoryBook` records), so each is
 * factory-deployed by construction. The rest comes from what the Synome says, nothing assumed:
 *   - the Unit Artifact: lpha-council publishes it as the metadata (`artifact`) of a `haloClass`
 *     record whose id is the unit's token (lowercase); none → ARTIFACT_INCOMPLETE;
 *   - beacon integration: the last settlement lpha-lcts recorded for the unit (`settledAt`);
 *     none → BEACON_SILENT;
 *   - paused: lpha-lcts's last decision for the unit halted it (a warning signal was up).
 * The target is the unit's LCTS queue pair, priced by the PortfolioHaloClass's NAV per share.
 */
export function portfolioUnitSource(synome: Pick<SynomeClient, 'list' | 'get'>, p: { usds: Address }): UnitSource {
  return {
    name: 'portfolio',
    async detect() {
      const books = (await listAll<FactoryBookRecord>(synome, { type: FACTORY_BOOK })).slice(0, MAX_DETECTED_UNITS)
      const artifacts = new Map((await listAll<HaloClassRecord>(synome, { type: 'haloClass' })).map((r) => [r.data.haloClass.toLowerCase(), r.data.metadata?.artifact]))
      const units: DetectedUnit[] = []
      for (const { data: book } of books) {
        if (book.kind === 'trading') continue // a Trading pool's book: not a Portfolio unit
        const settlements = await listAll<{ unitId: string; settledAt: string; decision?: { halted: boolean } }>(synome, { type: PORTFOLIO_SETTLEMENT, haloClass: book.haloClass })
        for (const u of book.units) {
          if (units.length >= MAX_DETECTED_UNITS) return units
          const unitId = u.token.toLowerCase()
          const mine = settlements.filter((s) => s.data.unitId === unitId).sort((a, b) => Date.parse(a.data.settledAt) - Date.parse(b.data.settledAt))
          const last = mine.at(-1)?.data
          const artifact = artifacts.get(unitId)
          units.push({
            unitId,
            haloClass: book.haloClass,
            target: { kind: 'lcts', pairId: unitId, subscribeQueue: u.subscribeQueue as Address, redeemQueue: u.redeemQueue as Address, token: u.token as Address, holdingSystem: book.haloClass as Address, asset: p.usds, portfolio: true },
            provenance: { kind: 'factory', templateId: book.templateId },
            artifact: artifact && typeof artifact === 'object' && !Array.isArray(artifact) ? (artifact as Record<string, unknown>) : undefined,
            beaconLastActiveAt: last ? BigInt(Math.floor(Date.parse(last.settledAt) / 1000)) : undefined,
            paused: last?.decision?.halted === true,
            claimedBy: new Map(),
            source: 'portfolio',
          })
        }
      }
      return units
    },
  }
}
