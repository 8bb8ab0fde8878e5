import { WAD } from '../money.js'
import { parseUnitsExact } from '../money.js'
import { modelRate } from '../risk/capital.js'
import type { RiskFramework } from '../risk/framework.js'
import { BPS } from './allocation.js'

/**
 * The Unit Artifact fields a Prime's allocator needs before it allocates (seed 000 "Governance
 * Artifacts": the Unit Artifact holds the Unit's operational parameters, legal recourse, its
 * Sentinel configuration and risk monitoring procedures; the allocator also reads the Unit's
 * yield, capacity and the risk model its required capital is computed with). A field that is
 * absent or malformed counts as missing: nothing is assumed. Pure.
 */
export const UNIT_ARTIFACT_FIELDS = ['operationalParameters', 'legalRecourse', 'sentinelConfiguration', 'riskMonitoring', 'yieldBps', 'capacity', 'riskModelRef'] as const
export type UnitArtifactField = (typeof UNIT_ARTIFACT_FIELDS)[number]

export type UnitArtifactTerms = { yieldBps: bigint; capacity: bigint; riskModelRef: string }

const present = (value: unknown) => (typeof value === 'string' ? value.trim().length > 0 : value !== undefined && value !== null && (typeof value !== 'object' || Object.keys(value).length > 0))

/** Required fields that are missing or malformed (empty = complete), in the fixed order above. */
export function artifactMissing(artifact: Record<string, unknown> | undefined, decimals: number): UnitArtifactField[] {
  if (!artifact) return [...UNIT_ARTIFACT_FIELDS]
  const missing: UnitArtifactField[] = []
  for (const field of UNIT_ARTIFACT_FIELDS) {
    const value = artifact[field]
    const ok =
      field === 'yieldBps' ? typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
      : field === 'capacity' ? typeof value === 'string' && parses(value, decimals)
      : present(value)
    if (!ok) missing.push(field)
  }
  return missing
}

function parses(value: string, decimals: number): boolean {
  try {
    parseUnitsExact(value, decimals, 'capacity')
    return true
  } catch {
    return false
  }
}

/** The allocator's terms of a complete Artifact (call `artifactMissing` first). */
export function artifactTerms(artifact: Record<string, unknown>, decimals: number): UnitArtifactTerms {
  return { yieldBps: BigInt(artifact.yieldBps as number), capacity: parseUnitsExact(artifact.capacity as string, decimals, 'capacity'), riskModelRef: String(artifact.riskModelRef) }
}

/**
 * Required capital per unit of exposure in basis points, by lpla-verify's capital formula
 * (src/domain/risk/capital.ts `modelRate`) for the Artifact's risk model, rounded up against
 * the Prime. Undefined when the framework has no such model.
 */
export function crrBpsOf(framework: Pick<RiskFramework, 'capitalFormula'>, riskModelRef: string): bigint | undefined {
  const model = framework.capitalFormula.riskModels[riskModelRef]
  if (!model) return undefined
  const rateWad = modelRate(model)
  return (rateWad * BPS + WAD - 1n) / WAD
}
