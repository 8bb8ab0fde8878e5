import type { SynomeClient } from '../../synome/client/types.js'
import type { CommandResult } from '../../synome/service.js'
import { parseRiskFramework, type RiskFramework } from '../../domain/risk/framework.js'

export type PublishRiskFrameworkParameters = {
  client: SynomeClient
  /** Version label, e.g. "2026.11-1" (the Synome refuses a version published before). */
  version: string
  /** The framework document (CRR per state and sub-step, re-attestation, offboarding, risk data, capital formula). */
  document: unknown
  idempotencyKey?: string | undefined
}
export type PublishRiskFrameworkReturnType = { framework: RiskFramework; result: CommandResult }

/**
 * lpha-council: publish a risk framework version as one signed Synome command. The document is
 * validated in full first (src/domain/risk/framework.ts), so a malformed one is refused with a
 * typed error before anything is signed or sent.
 */
export async function publishRiskFramework({ client, version, document, idempotencyKey }: PublishRiskFrameworkParameters): Promise<PublishRiskFrameworkReturnType> {
  const framework = parseRiskFramework(document, version)
  const result = await client.send('publishRiskFramework', { version, document: document as never }, { idempotencyKey: idempotencyKey ?? `riskFramework:${version}` })
  return { framework, result }
}
