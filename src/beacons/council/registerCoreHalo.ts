import { PreconditionFailedError } from '../../domain/errors.js'
import { parseCoreHalo, type CoreHalo } from '../../domain/risk/coreHalo.js'
import { parseRiskFramework } from '../../domain/risk/framework.js'
import type { SynomeClient } from '../../synome/client/types.js'
import type { RiskFrameworkRecord } from '../../synome/records.js'
import type { CommandResult } from '../../synome/service.js'

export type RegisterCoreHaloParameters = { client: SynomeClient; entry: unknown; idempotencyKey?: string | undefined }
export type RegisterCoreHaloReturnType = { coreHalo: CoreHalo; result: CommandResult }

/**
 * lpha-council: register a Core Halo entry as one signed Synome command. The entry is validated
 * (src/domain/risk/coreHalo.ts) and its risk model must exist in the current framework, so
 * lpla-verify can always price what council registers.
 *
 * Synome record mapping: `dataModelRef` names the data model kind; `parameters.dataModel` holds
 * the rest of it; `parameters.haircut` / `parameters.category` are the static parameters.
 */
export async function registerCoreHalo({ client, entry, idempotencyKey }: RegisterCoreHaloParameters): Promise<RegisterCoreHaloReturnType> {
  const coreHalo = parseCoreHalo(entry)
  const frameworks = await client.list<RiskFrameworkRecord>({ type: 'riskFramework', limit: 1000 })
  const current = frameworks.items.at(-1)
  if (!current) throw new PreconditionFailedError('no risk framework is published yet; publish one before registering Core Halos', { meta: { gate: 'NO_RISK_FRAMEWORK' } })
  const framework = parseRiskFramework(current.data.document, current.data.version)
  if (!framework.capitalFormula.riskModels[coreHalo.riskModelRef]) {
    throw new PreconditionFailedError(`risk model ${coreHalo.riskModelRef} is not in risk framework ${framework.version}`, { meta: { gate: 'UNKNOWN_RISK_MODEL', known: Object.keys(framework.capitalFormula.riskModels) } })
  }
  const { kind, ...dataModel } = coreHalo.dataModel
  const result = await client.send(
    'registerCoreHalo',
    {
      coreHaloId: coreHalo.coreHaloId,
      prime: coreHalo.parentPrime,
      collateralType: coreHalo.collateralType,
      description: coreHalo.description,
      addresses: coreHalo.addresses,
      riskModelRef: coreHalo.riskModelRef,
      dataModelRef: kind,
      parameters: { dataModel, ...coreHalo.staticParameters },
    },
    { idempotencyKey: idempotencyKey ?? `coreHalo:${coreHalo.coreHaloId}` },
  )
  return { coreHalo, result }
}
