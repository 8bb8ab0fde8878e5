import type { AttestationType, RiskData, SleeveAsset, SleeveState, UnitState } from '../domain/sleeve.js'
import type { Role } from '../domain/roles.js'
import type { AttestationOnChain } from '../domain/attestation.js'

/**
 * Entity types of the Synome-MVP (the `type` of every read), then the Portfolio Halo's
 * (src/synome/commands/portfolio/records.ts). Both Halo kinds have the same three layers
 * (halo-class-book-unit.md): Term `haloClass` / `sleeve` (the Term kind of Halo Book) / `unit`
 * (one NFAT), Portfolio `portfolioClass` / `portfolioBook` / `portfolioUnit` (LCTS unit shares);
 * docs/portfolio.md "Words" maps the names.
 */
export const ENTITY_TYPES = ['sleeve', 'unit', 'attestation', 'haloClass', 'riskFramework', 'coreHalo', 'role', 'portfolioClass', 'portfolioBook', 'portfolioUnit', 'portfolioNavReport', 'portfolioSettlement'] as const
export type EntityType = (typeof ENTITY_TYPES)[number]

/** The seed's sleeve record ("Synome-MVP Schema — Sleeve Record"). A sleeve is a Halo Book (seed 001). */
export type SleeveRecord = {
  sleeveId: string
  haloClass: string
  state: SleeveState
  assets: SleeveAsset[]
  linkedUnits: number[]
  attestations: string[]
  timestamps: Record<string, string>
  metadata: Record<string, unknown>
  /** Times the sleeve entered OFFBOARDING; attestations of earlier rounds open no gate (absent in records written before rounds: see `offboardingRound`). */
  offboardingRound?: number
}

/** A Halo unit: the Synome side of one NFAT (unitId = tokenId). */
export type UnitRecord = {
  unitId: number
  nfat: { tokenId: string; facility: string; txHash: string }
  sleeveId: string
  haloClass: string
  /** USDS, exact decimal string. */
  principal: string
  dealTerms: { apy: string; maturity: string; paymentSchedule: 'bullet' }
  depositorPrime: string
  state: UnitState
  /** USDS the Prime can redeem, set when repayment becomes available. */
  repaymentAmount: string | null
  /** Pro-rata entitlement of a partial (non-final) return, for the resolution process (seed "Partial Return"). */
  entitlement?: { amount: string; returnedTotal: string; final: boolean; recordedAt: string } | undefined
  timestamps: Record<string, string>
}

export type AttestationRecord = {
  attestationId: string
  type: AttestationType
  sleeveId: string
  content: Record<string, unknown>
  timestamp: string
  /** The sleeve's offboarding round when posted (absent in records written before rounds: round 1). */
  round?: number
  /** Content schema version the content was validated with (src/domain/attestation.ts). */
  contentVersion?: string
  /** The risk data this attestation vouches for (AT_REST / PERIODIC), derived at post time. */
  riskData?: RiskData
  /** The on-chain registry record lpha-attest made before posting (PRE_DEPLOYMENT; absent without a registry). */
  onChain?: AttestationOnChain
}

export type HaloClassRecord = { haloClass: string; prime: string | null; facility: string | null; description: string | null; metadata: Record<string, unknown> }

export type RiskFrameworkRecord = {
  version: string
  /** The published document; `riskData.schemaVersions[v].jsonSchema` validates sleeves' risk data. */
  document: Record<string, unknown> & { riskData: { schemaVersions: Record<string, { jsonSchema: Record<string, unknown> }> } }
  publishedAt: string
}

export type CoreHaloRecord = {
  coreHaloId: string
  prime: string
  collateralType: string
  description: string
  addresses: string[]
  riskModelRef: string
  dataModelRef: string
  parameters: Record<string, unknown>
  registeredAt: string
}

export type RoleRecord = { address: string; grants: { role: Role; haloClasses: string[] }[] }

export type { RiskData, SleeveAsset }
