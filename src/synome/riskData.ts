import { InvalidInputError, PreconditionFailedError } from '../domain/errors.js'
import { parseRiskFramework, type RiskFramework } from '../domain/risk/framework.js'
import { checkRiskDataRef, type AttestationView, type RiskData, type SleeveView } from '../domain/sleeve.js'
import type { StateAccess } from './commands/types.js'
import type { AttestationRecord, RiskFrameworkRecord } from './records.js'

/**
 * Versioned risk data (seed "Aggregate Risk Data — Phase 1 Approach"): the schemaVersion must be
 * one the latest published risk framework lists, `data` must satisfy that version's JSON Schema,
 * and `attestationRef` must be an AT_REST/PERIODIC attestation of the sleeve. Nothing semantic
 * beyond that: judging the numbers is lpla-verify's job. The schemas are compiled by the
 * domain's `parseRiskFramework`, the same compiled form lpla-verify checks with.
 */

/** Compiled frameworks, keyed by version and content (another store may reuse a label). */
const compiled = new Map<string, RiskFramework>()
const MAX_COMPILED = 64

function compiledFramework(record: RiskFrameworkRecord): RiskFramework {
  const key = `${record.version}\u0001${JSON.stringify(record.document)}`
  const hit = compiled.get(key)
  if (hit) return hit
  const framework = parseRiskFramework(record.document, record.version)
  if (compiled.size >= MAX_COMPILED) compiled.clear()
  compiled.set(key, framework)
  return framework
}

export async function sleeveAttestations(state: StateAccess, sleeveId: string): Promise<AttestationView[]> {
  const rows = await state.children<AttestationRecord>('attestation', { sleeveId })
  return rows.map((r) => ({ attestationId: r.data.attestationId, type: r.data.type, sleeveId: r.data.sleeveId, round: r.data.round, content: r.data.content, riskData: r.data.riskData }))
}

/** The latest published framework, compiled (undefined before council published one). */
export async function currentFramework(state: StateAccess): Promise<RiskFramework | undefined> {
  const framework = await state.latest<RiskFrameworkRecord>('riskFramework')
  return framework ? compiledFramework(framework.data) : undefined
}

/** Check schemaVersion and data only (attestation content has no sleeve reference to check). */
export async function validateRiskDataSchema(state: StateAccess, riskData: RiskData, field = 'riskData'): Promise<void> {
  const framework = await state.latest<RiskFrameworkRecord>('riskFramework')
  if (!framework) throw new PreconditionFailedError('no risk framework is published yet; council publishes one first', { meta: { gate: 'NO_RISK_FRAMEWORK' } })
  const { validators, version } = compiledFramework(framework.data)
  const validate = validators.get(riskData.schemaVersion)
  if (!validate) {
    throw new InvalidInputError(`${field}.schemaVersion ${riskData.schemaVersion} is not known to risk framework ${version}`, {
      meta: { field: `${field}.schemaVersion`, known: [...validators.keys()], framework: version },
    })
  }
  if (!validate(riskData.data ?? {})) {
    const errors = (validate.errors ?? []).slice(0, 10).map((e) => ({ path: e.instancePath, message: e.message }))
    throw new InvalidInputError(`${field}.data does not match schema version ${riskData.schemaVersion}`, {
      details: errors.map((e) => `${field}.data${e.path} ${e.message ?? ''}`.trim()).join('; '),
      meta: { field: `${field}.data`, errors },
    })
  }
}

/** Full check of risk data written on a sleeve. */
export async function validateSleeveRiskData(state: StateAccess, sleeve: SleeveView, riskData: RiskData, field = 'riskData'): Promise<void> {
  await validateRiskDataSchema(state, riskData, field)
  const refused = checkRiskDataRef(sleeve, riskData, await sleeveAttestations(state, sleeve.sleeveId))
  if (refused) throw refused
}
