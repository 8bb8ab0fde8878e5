import type { AttestationType, SleeveState } from '../sleeve.js'

/**
 * What lpla-verify needs to know about Synome records, in its own words. The Synome's records
 * (seed 004 "Synome-MVP Schema") map onto these in `src/beacons/verify/`; keeping the rules on
 * these small shapes keeps them pure and testable without a store.
 */
export type RiskAsset = {
  /** USDS, USDC, USD or aggregate-deployed (seed "Asset Record"). */
  type: string
  /** Exact decimal string in the asset's own denomination ("75000000"). */
  amount: string
  location: string
  initiatedAt?: string | undefined
  confirmedAt?: string | undefined
  riskData?: RiskDataRecord | undefined
}

export type RiskDataRecord = {
  schemaVersion?: unknown
  attestationRef?: unknown
  data?: unknown
}

export type { AttestationType }

export type RiskAttestation = {
  attestationId: string
  type: AttestationType
  sleeveId: string
  content: Record<string, unknown>
  /** ISO-8601 UTC. */
  timestamp: string
}

export type RiskSleeve = {
  sleeveId: string
  haloClass: string
  state: SleeveState
  assets: RiskAsset[]
  linkedUnits: string[]
  /** The attestation records referenced by the sleeve (not just their ids). */
  attestations: RiskAttestation[]
  /** ISO-8601 per transition: created, fillingStarted, offboardingStarted, deployingStarted, … */
  timestamps: Record<string, string | undefined>
  /** Operational flags lpha-nfat writes (e.g. `offboardingFailure`, seed "Offboarding Failure"). */
  metadata?: Record<string, unknown> | undefined
  /** Times the sleeve entered OFFBOARDING. */
  offboardingRound?: number | undefined
}

export type RiskUnit = {
  /** Equals the NFAT tokenId (decimal string). */
  unitId: string
  sleeveId: string
  /** Facility (NFAT contract) address. */
  facility: string
  /** Depositor Prime address. */
  depositor: string
  /** Exact decimal string, USDS. */
  principal: string
  state: string
  /** USDS the unit was repaid (set at REPAYMENT_AVAILABLE); once CLOSED it left the redeem contract. */
  repaymentAmount?: string | null | undefined
}
