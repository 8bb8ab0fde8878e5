import { Ajv, type ValidateFunction } from 'ajv'
import { InvalidInputError, PreconditionFailedError } from '../domain/errors.js'
import { checkRiskDataRef, type AttestationView, type RiskData, type SleeveView } from '../domain/sleeve.js'
import type { StateAccess } from './commands/types.js'
import type { AttestationRecord, RiskFrameworkRecord } from './records.js'

/**
 * Versioned risk data (seed "Aggregate Risk Data — Phase 1 Approach"): the schemaVersion must
 * be one the latest published risk framework lists, `data` must satisfy that version's JSON
 * Schema (Ajv), and `attestationRef` must be an AT_REST/PERIODIC attestation of the sleeve.
 * Nothing semantic beyond that: judging the numbers is lpla-verify's job.
 */
const ajv = new Ajv({ allErrors: true, strict: false })
/** Compiled schemas by framework version and schemaVersion; frameworks are immutable once published. */
const compiled = new Map<string, ValidateFunction>()
const MAX_COMPILED = 256

export function compileRiskDataSchema(frameworkVersion: string, schemaVersion: string, jsonSchema: unknown): ValidateFunction {
  const key = `${frameworkVersion}\u0001${schemaVersion}`
  const hit = compiled.get(key)
  if (hit) return hit
  let validate: ValidateFunction
  try {
    validate = ajv.compile(jsonSchema as object)
  } catch (cause) {
    throw new InvalidInputError(`JSON Schema of risk data version ${schemaVersion} does not compile`, { cause, details: String((cause as Error).message), meta: { schemaVersion } })
  }
  if (compiled.size >= MAX_COMPILED) compiled.clear()
  compiled.set(key, validate)
  return validate
}

export async function sleeveAttestations(state: StateAccess, sleeveId: string): Promise<AttestationView[]> {
  const rows = await state.children<AttestationRecord>('attestation', { sleeveId })
  return rows.map((r) => ({ attestationId: r.data.attestationId, type: r.data.type, sleeveId: r.data.sleeveId }))
}

/** Check schemaVersion and data only (attestation content has no sleeve reference to check). */
export async function validateRiskDataSchema(state: StateAccess, riskData: RiskData, field = 'riskData'): Promise<void> {
  const framework = await state.latest<RiskFrameworkRecord>('riskFramework')
  if (!framework) throw new PreconditionFailedError('no risk framework is published yet; council publishes one first', { meta: { gate: 'NO_RISK_FRAMEWORK' } })
  const versions = framework.data.document.riskData.schemaVersions
  const entry = Object.hasOwn(versions, riskData.schemaVersion) ? versions[riskData.schemaVersion] : undefined
  if (!entry) {
    throw new InvalidInputError(`${field}.schemaVersion ${riskData.schemaVersion} is not known to risk framework ${framework.data.version}`, {
      meta: { field: `${field}.schemaVersion`, known: Object.keys(versions), framework: framework.data.version },
    })
  }
  const validate = compileRiskDataSchema(framework.data.version, riskData.schemaVersion, entry.jsonSchema)
  if (!validate(riskData.data ?? {})) {
    throw new InvalidInputError(`${field}.data does not match schema version ${riskData.schemaVersion}`, {
      details: ajv.errorsText(validate.errors, { dataVar: `${field}.data` }),
      meta: { field: `${field}.data`, errors: validate.errors?.map((e) => ({ path: e.instancePath, message: e.message })) },
    })
  }
}

/** Full check of risk data written on a sleeve. */
export async function validateSleeveRiskData(state: StateAccess, sleeve: SleeveView, riskData: RiskData, field = 'riskData'): Promise<void> {
  await validateRiskDataSchema(state, riskData, field)
  const refused = checkRiskDataRef(sleeve, riskData, await sleeveAttestations(state, sleeve.sleeveId))
  if (refused) throw refused
}
