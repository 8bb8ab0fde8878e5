import { formatUnitsExact, mulDiv, parseUnitsExact, USDS_DECIMALS, WAD } from './money.js'
import { assetValueWad } from './risk/crr.js'
import { SLEEVE_STATES, UNIT_STATES, type AttestationType, type SleeveState } from './sleeve.js'

/**
 * What the dashboard shows, computed from Synome records: pure, no I/O, amounts as bigint
 * inside and exact decimal strings out. Nothing here decides anything; it only summarises.
 */

const usd = (wad: bigint) => formatUnitsExact(wad, 18)

type SleeveLike = { state: string; haloClass: string; assets: readonly { type: string; amount: string; location?: string | undefined }[] }
type UnitLike = { state: string; haloClass: string; principal: string; depositorPrime: string }

export type StateCapital = { state: SleeveState; sleeves: number; capitalUsd: string }
export type UnitStateTotal = { state: string; units: number; principal: string }
export type PrimeExposure = { prime: string; units: number; principal: string }
export type ClassTotals = { haloClass: string; sleeves: number; units: number; capitalUsd: string; principal: string }

/** Sleeve count and capital (assets at par, in USD) per lifecycle state, in lifecycle order. */
export function capitalByState(sleeves: Iterable<SleeveLike>): StateCapital[] {
  const totals = new Map<string, { sleeves: number; wad: bigint }>(SLEEVE_STATES.map((s) => [s, { sleeves: 0, wad: 0n }]))
  for (const sleeve of sleeves) {
    const entry = totals.get(sleeve.state)
    if (!entry) continue
    entry.sleeves++
    for (const asset of sleeve.assets) entry.wad += assetValueWad(asset)
  }
  return SLEEVE_STATES.map((state) => ({ state, sleeves: totals.get(state)!.sleeves, capitalUsd: usd(totals.get(state)!.wad) }))
}

/** Unit count and principal (USDS) per unit state. */
export function unitsByState(units: Iterable<UnitLike>): UnitStateTotal[] {
  const totals = new Map<string, { units: number; wad: bigint }>(UNIT_STATES.map((s) => [s, { units: 0, wad: 0n }]))
  for (const unit of units) {
    const entry = totals.get(unit.state)
    if (!entry) continue
    entry.units++
    entry.wad += parseUnitsExact(unit.principal, USDS_DECIMALS, 'principal')
  }
  return UNIT_STATES.map((state) => ({ state, units: totals.get(state)!.units, principal: formatUnitsExact(totals.get(state)!.wad, USDS_DECIMALS) }))
}

/** Each Prime's exposure: the principal of its units that are not CLOSED (by depositorPrime as recorded). */
export function exposureByPrime(units: Iterable<UnitLike>): PrimeExposure[] {
  const totals = new Map<string, { units: number; wad: bigint }>()
  for (const unit of units) {
    if (unit.state === 'CLOSED') continue
    const entry = totals.get(unit.depositorPrime) ?? { units: 0, wad: 0n }
    entry.units++
    entry.wad += parseUnitsExact(unit.principal, USDS_DECIMALS, 'principal')
    totals.set(unit.depositorPrime, entry)
  }
  return [...totals].map(([prime, t]) => ({ prime, units: t.units, principal: formatUnitsExact(t.wad, USDS_DECIMALS) })).sort((a, b) => (a.prime < b.prime ? -1 : a.prime > b.prime ? 1 : 0))
}

/** Sleeves, units, capital and live principal per Halo class (classes without records included). */
export function totalsByClass(classes: readonly string[], sleeves: Iterable<SleeveLike>, units: Iterable<UnitLike>): ClassTotals[] {
  const totals = new Map<string, { sleeves: number; units: number; capital: bigint; principal: bigint }>(classes.map((c) => [c, { sleeves: 0, units: 0, capital: 0n, principal: 0n }]))
  const of = (haloClass: string) => {
    let entry = totals.get(haloClass)
    if (!entry) totals.set(haloClass, (entry = { sleeves: 0, units: 0, capital: 0n, principal: 0n }))
    return entry
  }
  for (const sleeve of sleeves) {
    const entry = of(sleeve.haloClass)
    entry.sleeves++
    for (const asset of sleeve.assets) entry.capital += assetValueWad(asset)
  }
  for (const unit of units) {
    const entry = of(unit.haloClass)
    entry.units++
    if (unit.state !== 'CLOSED') entry.principal += parseUnitsExact(unit.principal, USDS_DECIMALS, 'principal')
  }
  return [...totals].map(([haloClass, t]) => ({ haloClass, sleeves: t.sleeves, units: t.units, capitalUsd: usd(t.capital), principal: formatUnitsExact(t.principal, USDS_DECIMALS) }))
}

/** required ÷ exposure as an exact decimal fraction, floored at 18 places ("0.12"); null without exposure. */
export function effectiveCrr(requiredCapitalUsd: string, exposure: string): string | null {
  const exposureWad = parseUnitsExact(exposure, 18, 'exposure')
  if (exposureWad === 0n) return null
  return usd(mulDiv(parseUnitsExact(requiredCapitalUsd, 18, 'requiredCapitalUsd'), WAD, exposureWad))
}

/**
 * The attestation each lifecycle transition requires (the attestation gates of
 * `checkTransition` in sleeve.ts; test/domain/dashboard.test.ts checks both agree).
 */
export const TRANSITION_ATTESTATION: Readonly<Partial<Record<SleeveState, AttestationType>>> = {
  DEPLOYING: 'PRE_DEPLOYMENT',
  AT_REST: 'AT_REST',
}

/** One version of a sleeve with who wrote it (a Synome history entry). */
export type SleeveVersionLike = {
  version: number
  position: number
  time: string
  actor: string
  role: string
  command: string
  override: boolean
  reason: string | null
  data: { state: string; assets: readonly { type: string; amount: string; location?: string | undefined }[] }
}
export type AttestationLike = { attestationId: string; type: string; timestamp: string }

export type SleeveTransition = {
  from: string | null
  to: string
  time: string
  version: number
  position: number
  signer: string
  role: string
  command: string
  override: boolean
  reason: string | null
  /** The attestation that gated this transition, when the lifecycle requires one. */
  gatingAttestation: { attestationId: string; type: string; timestamp: string } | null
  /** The lifecycle requires an attestation for this transition but none of that type is recorded. */
  gateMissing: boolean
}

/**
 * The lifecycle as a timeline: every version whose state differs from the one before (the first
 * version is the creation), with its time, signer, command and, for gated transitions, the
 * newest attestation of the required type posted at or before the transition.
 */
export function sleeveTimeline(versions: readonly SleeveVersionLike[], attestations: readonly AttestationLike[]): SleeveTransition[] {
  const out: SleeveTransition[] = []
  let previous: string | null = null
  for (const v of [...versions].sort((a, b) => a.version - b.version)) {
    if (v.data.state === previous) continue
    const required = TRANSITION_ATTESTATION[v.data.state as SleeveState]
    const candidates = required ? attestations.filter((a) => a.type === required && Date.parse(a.timestamp) <= Date.parse(v.time)) : []
    const gating = candidates.sort((a, b) => Date.parse(b.timestamp) - Date.parse(a.timestamp))[0]
    out.push({
      from: previous,
      to: v.data.state,
      time: v.time,
      version: v.version,
      position: v.position,
      signer: v.actor,
      role: v.role,
      command: v.command,
      override: v.override,
      reason: v.reason,
      gatingAttestation: gating ? { attestationId: gating.attestationId, type: gating.type, timestamp: gating.timestamp } : null,
      gateMissing: required !== undefined && !gating,
    })
    previous = v.data.state
  }
  return out
}

/** `amount` is exact in the asset's own denomination (USDS, USDC, USD: at par with each other). */
export type JournalHolding = { bucket: string; type: string; location: string; amount: string }
export type JournalPoint = { time: string; version: number; command: string; state: string; totalUsd: string; holdings: JournalHolding[] }

/** Where an asset is, as one chart series: its type at its location ("USDC @ in-transit"). */
export function holdingBucket(asset: { type: string; location?: string | undefined }): string {
  return `${asset.type} @ ${asset.location ?? (asset.type === 'aggregate-deployed' ? 'deploying' : 'unknown')}`
}

/**
 * The asset journal: one point per version whose asset list changed (USDS → USDC → in transit →
 * bank → deploying → aggregate-deployed → back), each with the exact amount per bucket.
 */
export function assetJournal(versions: readonly SleeveVersionLike[]): JournalPoint[] {
  const out: JournalPoint[] = []
  let previous: string | undefined
  for (const v of [...versions].sort((a, b) => a.version - b.version)) {
    const key = JSON.stringify(v.data.assets)
    if (key === previous) continue
    previous = key
    const buckets = new Map<string, { type: string; location: string; wad: bigint }>()
    let total = 0n
    for (const asset of v.data.assets) {
      const bucket = holdingBucket(asset)
      const wad = assetValueWad(asset)
      const entry = buckets.get(bucket) ?? { type: asset.type, location: bucket.slice(asset.type.length + 3), wad: 0n }
      entry.wad += wad
      buckets.set(bucket, entry)
      total += wad
    }
    out.push({
      time: v.time,
      version: v.version,
      command: v.command,
      state: v.data.state,
      totalUsd: usd(total),
      holdings: [...buckets].map(([bucket, b]) => ({ bucket, type: b.type, location: b.location, amount: usd(b.wad) })),
    })
  }
  return out
}
