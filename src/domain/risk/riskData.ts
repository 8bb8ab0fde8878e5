import { alert, type Alert } from './alerts.js'
import type { RiskFramework } from './framework.js'
import { parseUnitsExact, WAD } from '../money.js'
import type { RiskSleeve } from './types.js'

export type RiskDataCheck = {
  /** True when every aggregate-deployed asset carries risk data the framework can read. */
  valid: boolean
  /** Largest attested CRR among the assets' risk data (via the version's `crrField`), if any. */
  attestedCrrWad: bigint | null
  alerts: Alert[]
}

/**
 * lpla-verify's side of seed 004 "Aggregate Risk Data": the schemaVersion must be one the current
 * framework accepts, `data` must satisfy that version's JSON Schema, and `attestationRef` must be
 * an AT_REST or PERIODIC attestation of this very sleeve. Anything else raises an alert.
 */
export function checkRiskData(framework: RiskFramework, sleeve: RiskSleeve): RiskDataCheck {
  const entity = { type: 'sleeve' as const, id: sleeve.sleeveId }
  const deployed = sleeve.assets.filter((a) => a.type === 'aggregate-deployed')
  if (deployed.length === 0 || deployed.some((a) => !a.riskData)) {
    return { valid: false, attestedCrrWad: null, alerts: [alert('RISK_DATA_MISSING', entity, `AT_REST sleeve ${sleeve.sleeveId} has no aggregate risk data`)] }
  }
  const alerts: Alert[] = []
  let attestedCrrWad: bigint | null = null
  const accepted = Object.keys(framework.riskData.schemaVersions)
  for (const asset of deployed) {
    const { schemaVersion, attestationRef, data } = asset.riskData ?? {}
    const version = typeof schemaVersion === 'string' ? framework.riskData.schemaVersions[schemaVersion] : undefined
    const validate = typeof schemaVersion === 'string' ? framework.validators.get(schemaVersion) : undefined
    if (!version || !validate) {
      alerts.push(alert('RISK_DATA_SCHEMA_UNKNOWN', entity, `risk data schemaVersion ${JSON.stringify(schemaVersion ?? null)} is not accepted by framework ${framework.version}`, { schemaVersion: schemaVersion ?? null, accepted, frameworkVersion: framework.version }))
      continue
    }
    if (!validate(data)) {
      const errors = (validate.errors ?? []).slice(0, 10).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`.trim())
      alerts.push(alert('RISK_DATA_SCHEMA_MISMATCH', entity, `risk data does not match schemaVersion ${schemaVersion}`, { schemaVersion, errors }))
      continue
    }
    const ref = sleeve.attestations.find((a) => a.attestationId === attestationRef)
    if (!ref || ref.sleeveId !== sleeve.sleeveId || (ref.type !== 'AT_REST' && ref.type !== 'PERIODIC')) {
      alerts.push(alert('RISK_DATA_ATTESTATION_REF_INVALID', entity, `risk data attestationRef ${JSON.stringify(attestationRef ?? null)} is not an at-rest or periodic attestation of ${sleeve.sleeveId}`, { attestationRef: attestationRef ?? null }))
      continue
    }
    const attested = version.crrField ? readRate((data as Record<string, unknown>)[version.crrField]) : null
    if (attested !== null && (attestedCrrWad === null || attested > attestedCrrWad)) attestedCrrWad = attested
  }
  return { valid: alerts.length === 0, attestedCrrWad, alerts }
}

function readRate(value: unknown): bigint | null {
  if (typeof value !== 'string') return null
  try {
    const wad = parseUnitsExact(value, 18, 'crr')
    return wad <= WAD ? wad : null
  } catch {
    return null
  }
}
