import type { Address, Hex } from 'viem'
import type { SynomeClient } from '../../synome/client/index.js'
import type { HaloClassRecord, SleeveRecord, UnitRecord } from '../../synome/records.js'
import { LCTS_SETTLEMENT, type LctsSettlementRecord } from '../../synome/commands/lcts/records.js'
import { listAll } from '../shared/synomeReads.js'
import { UNIT_STATES, type UnitState } from '../../domain/sleeve.js'
import { parseUnitsExact, USDS_DECIMALS } from '../../domain/money.js'

/**
 * Where a Prime's allocator learns which Halo Units exist (issue 16, step 1: "detect Units from
 * factory metadata and Synome records"). A `UnitSource` answers one question — which Units
 * are there and what do their records say — and claims nothing it has no source of truth for:
 * a Unit without provenance, Artifact or beacon activity is reported as such and the allocator
 * declares it ineligible with the reason code.
 *
 * Implementations: `synomeUnitSource` (now: Halo classes the Council registered, with the Unit
 * Artifact and the pre-factory inventory entry in the class's metadata; beacon activity from
 * lpha-nfat's sleeves and claims and lpha-lcts's settlements). The Halo Factory's reader of
 * deployed units (factory metadata events) and the Portfolio class units implement the same
 * interface; `combineUnitSources` puts several together (the first source naming a Unit wins).
 */
export type UnitTarget =
  /** A Term Halo's NFAT Facility: the Prime queues USDS with `Controller.depositToFacility`. */
  | { kind: 'nfat-facility'; facility: Address }
  /** An LCTS unit: subscribe / redeem through the queues with `Controller.approveAndCall`. */
  | {
      kind: 'lcts'
      pairId: string
      subscribeQueue: Address
      redeemQueue: Address
      token: Address
      holdingSystem: Address
      asset: Address
      /** A Portfolio unit: `holdingSystem` is its PortfolioHaloClass, whose NAV per share (of the unit this queue feeds) prices the token. */
      portfolio?: boolean | undefined
    }

export type UnitProvenance =
  /** Deployed by the Halo Factory from a governed template (factory metadata event). */
  | { kind: 'factory'; templateId: string; deployedAt?: bigint | undefined }
  /** A pre-factory inventory entry: governance registered the Unit by hand, naming the runtime code hash of the template it must match. */
  | { kind: 'inventory'; codeHash: Hex }

export type DetectedUnit = {
  unitId: string
  haloClass: string
  target: UnitTarget
  /** undefined: neither factory-deployed nor an inventory entry. */
  provenance: UnitProvenance | undefined
  /** The Unit Artifact as published (undefined: none). Checked with `artifactMissing`. */
  artifact: Record<string, unknown> | undefined
  /** Last time the Unit's beacon acted (sleeve step, claim, lock/settle), unix seconds; undefined: never. */
  beaconLastActiveAt: bigint | undefined
  /** A warning signal is active (the Unit takes no new capital). */
  paused: boolean
  /** Principal of claimed positions per holder (lowercase address or Prime id), for Units whose holdings the chain alone does not show (NFATs). */
  claimedBy: ReadonlyMap<string, bigint>
  /** Which source reported it (for the record and for debugging). */
  source: string
}

export interface UnitSource {
  readonly name: string
  /** Every Unit this source knows, bounded by the source. */
  detect(): Promise<DetectedUnit[]>
}

export const MAX_DETECTED_UNITS = 200

/** Several sources as one; a Unit named by two sources is taken from the first. Bounded. */
export function combineUnitSources(sources: readonly UnitSource[]): UnitSource {
  return {
    name: sources.map((s) => s.name).join('+'),
    async detect() {
      const seen = new Map<string, DetectedUnit>()
      for (const source of sources) {
        for (const unit of await source.detect()) if (!seen.has(unit.unitId) && seen.size < MAX_DETECTED_UNITS) seen.set(unit.unitId, unit)
      }
      return [...seen.values()]
    },
  }
}

const ADDRESS = /^0x[0-9a-fA-F]{40}$/
const HASH = /^0x[0-9a-fA-F]{64}$/
const seconds = (iso: string | undefined) => (iso ? BigInt(Math.floor(Date.parse(iso) / 1000)) : undefined)
const latest = (values: ReadonlyArray<bigint | undefined>) => values.reduce<bigint | undefined>((a, b) => (b === undefined ? a : a === undefined || b > a ? b : a), undefined)
const object = (value: unknown): Record<string, unknown> | undefined => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined)

/** Claimed NFAT units not yet closed count as held principal. */
const HELD_UNIT_STATES: ReadonlySet<UnitState> = new Set(UNIT_STATES.filter((s) => s !== 'CLOSED'))

/**
 * Units from the Synome records that exist before the Halo Factory: each registered Halo class
 * with a facility (an NFAT Facility) or with `metadata.lcts` (an LCTS unit's queues). In the
 * class's metadata, `artifact` is the Unit Artifact and `inventory.codeHash` the pre-factory
 * inventory entry (the allocator compares it with the code on chain). Nothing else is read as
 * provenance: without `inventory` (or a factory source) the Unit is not factory-deployed.
 */
export function synomeUnitSource(synome: Pick<SynomeClient, 'list'>): UnitSource {
  return {
    name: 'synome',
    async detect() {
      const classes = (await listAll<HaloClassRecord>(synome, { type: 'haloClass' })).slice(0, MAX_DETECTED_UNITS)
      const units: DetectedUnit[] = []
      for (const { data: record } of classes) {
        const metadata = record.metadata ?? {}
        const inventory = object(metadata.inventory)
        const provenance: UnitProvenance | undefined = inventory && typeof inventory.codeHash === 'string' && HASH.test(inventory.codeHash) ? { kind: 'inventory', codeHash: inventory.codeHash as Hex } : undefined
        const base = { haloClass: record.haloClass, provenance, artifact: object(metadata.artifact), paused: metadata.paused === true, source: 'synome' }
        if (record.facility && ADDRESS.test(record.facility)) {
          const [sleeves, claims] = await Promise.all([
            listAll<SleeveRecord>(synome, { type: 'sleeve', haloClass: record.haloClass }),
            listAll<UnitRecord>(synome, { type: 'unit', haloClass: record.haloClass }),
          ])
          const claimedBy = new Map<string, bigint>()
          for (const { data: unit } of claims) {
            if (!HELD_UNIT_STATES.has(unit.state)) continue
            const holder = unit.depositorPrime.toLowerCase()
            claimedBy.set(holder, (claimedBy.get(holder) ?? 0n) + usds(unit.principal))
          }
          // lpha-nfat acts on the class's sleeves (create, fill, offboard …) and claims units.
          const active = latest([...sleeves.map((s) => seconds(s.updatedAt)), ...claims.map((u) => seconds(u.createdAt))])
          units.push({ ...base, unitId: record.haloClass, target: { kind: 'nfat-facility', facility: record.facility as Address }, beaconLastActiveAt: active, claimedBy })
          continue
        }
        const lcts = object(metadata.lcts)
        const fields = ['subscribeQueue', 'redeemQueue', 'token', 'holdingSystem', 'asset'] as const
        if (lcts && typeof lcts.pairId === 'string' && fields.every((f) => typeof lcts[f] === 'string' && ADDRESS.test(lcts[f] as string))) {
          const settlements = await listAll<LctsSettlementRecord>(synome, { type: LCTS_SETTLEMENT }).then((all) => all.filter((s) => s.data.pairId === lcts.pairId))
          const active = latest(settlements.map((s) => seconds(s.data.recordedAt)))
          const target = { kind: 'lcts' as const, pairId: lcts.pairId, ...(Object.fromEntries(fields.map((f) => [f, lcts[f]])) as Record<(typeof fields)[number], Address>) }
          units.push({ ...base, unitId: record.haloClass, target, beaconLastActiveAt: active, claimedBy: new Map() })
        }
      }
      return units
    },
  }
}

const usds = (value: string) => parseUnitsExact(value, USDS_DECIMALS, 'principal')
