import type { Alert } from '../../domain/risk/alerts.js'
import type { AttestationOnChain } from '../../domain/attestation.js'
import { parseCoreHalo, type CoreHalo } from '../../domain/risk/coreHalo.js'
import type { SleeveState } from '../../domain/risk/framework.js'
import type { AttestationType, RiskAttestation, RiskSleeve, RiskUnit } from '../../domain/risk/types.js'

/**
 * Pure decisions of lpla-verify: how Synome records read as risk views, and which alerts are
 * new or resolved since the last run (so the webhook and logs speak once per change, while the
 * metrics always show the current set). The record shapes below are the fields verify reads
 * from the Synome's records (`src/synome/records.ts`), nothing more.
 */
export type SleeveRecordView = {
  sleeveId: string
  haloClass: string
  state: SleeveState
  assets: readonly { type: string; amount: string; location?: string | undefined; initiatedAt?: string | undefined; confirmedAt?: string | undefined; riskData?: { schemaVersion?: unknown; attestationRef?: unknown; data?: unknown } | undefined }[]
  linkedUnits: readonly (number | string)[]
  attestations: readonly string[]
  timestamps: Record<string, string>
  metadata?: Record<string, unknown> | undefined
  offboardingRound?: number | undefined
}
export type UnitRecordView = {
  unitId: number | string
  nfat: { tokenId: string; facility: string }
  sleeveId: string
  principal: string
  depositorPrime: string
  state: string
  repaymentAmount?: string | null
}
export type AttestationRecordView = { attestationId: string; type: AttestationType; sleeveId: string; content: Record<string, unknown>; timestamp: string; round?: number | undefined; onChain?: AttestationOnChain | undefined }
export type CoreHaloRecordView = {
  coreHaloId: string
  prime: string
  collateralType: string
  description: string
  addresses: readonly string[]
  riskModelRef: string
  dataModelRef: string
  parameters: Record<string, unknown>
}

/**
 * A sleeve with its attestation records. Every attestation whose `sleeveId` is this sleeve
 * counts, not only those lpha-nfat has linked yet: the attestor's act is what the CRR rules
 * look at (a PERIODIC posted at the due time is on time even before nfat records it).
 */
export function toRiskSleeve(record: SleeveRecordView, attestationsBySleeve: ReadonlyMap<string, readonly AttestationRecordView[]>): RiskSleeve {
  const attestations: RiskAttestation[] = [...(attestationsBySleeve.get(record.sleeveId) ?? [])]
  return {
    sleeveId: record.sleeveId,
    haloClass: record.haloClass,
    state: record.state,
    assets: record.assets.map((a) => ({ type: a.type, amount: a.amount, location: a.location ?? (a.type === 'aggregate-deployed' ? 'deploying' : ''), initiatedAt: a.initiatedAt, confirmedAt: a.confirmedAt, riskData: a.riskData })),
    linkedUnits: record.linkedUnits.map(String),
    attestations,
    timestamps: record.timestamps,
    metadata: record.metadata,
    offboardingRound: record.offboardingRound,
  }
}

/**
 * The unit as position verification compares it. The depositor is the Prime's address: the
 * record's `depositorPrime` when it is one, else the configured address of that Prime name.
 */
export function toRiskUnit(record: UnitRecordView, primeAddresses: Readonly<Record<string, string>> = {}): RiskUnit {
  const depositor = /^0x[0-9a-fA-F]{40}$/.test(record.depositorPrime) ? record.depositorPrime : (primeAddresses[record.depositorPrime] ?? record.depositorPrime)
  return { unitId: String(record.unitId), sleeveId: record.sleeveId, facility: record.nfat.facility, depositor, principal: record.principal, state: record.state, repaymentAmount: record.repaymentAmount ?? null }
}

/**
 * A Core Halo record in the form the capital formula uses. The Synome stores council's entry
 * with `dataModelRef` naming the data model kind and `parameters.dataModel` holding it (contract,
 * function, decimals or URL, JSON path); `parameters.haircut` / `parameters.category` are the
 * static parameters. Throws InvalidInputError when the entry does not describe a source.
 */
export function toCoreHalo(record: CoreHaloRecordView): CoreHalo {
  const { dataModel, haircut, category } = record.parameters as { dataModel?: unknown; haircut?: unknown; category?: unknown }
  return parseCoreHalo({
    coreHaloId: record.coreHaloId,
    parentPrime: record.prime,
    collateralType: record.collateralType,
    description: record.description,
    addresses: [...record.addresses],
    riskModelRef: record.riskModelRef,
    dataModel: dataModel && typeof dataModel === 'object' ? { ...dataModel, kind: record.dataModelRef } : dataModel,
    staticParameters: { ...(haircut !== undefined ? { haircut } : {}), ...(category !== undefined ? { category } : {}) },
  })
}

/** Identity of an alert across runs: same code on the same entity is the same alert. */
export function alertKey(alert: Pick<Alert, 'code' | 'entity'>): string {
  return `${alert.code}|${alert.entity.type}|${alert.entity.id}`
}

/** Alerts raised since `previous`, and previous alerts no longer present. */
export function diffAlerts(previous: ReadonlyMap<string, Alert>, current: readonly Alert[]): { raised: Alert[]; resolved: Alert[]; active: Map<string, Alert> } {
  const active = new Map(current.map((a) => [alertKey(a), a]))
  return {
    raised: [...active].filter(([key]) => !previous.has(key)).map(([, a]) => a),
    resolved: [...previous].filter(([key]) => !active.has(key)).map(([, a]) => a),
    active,
  }
}
