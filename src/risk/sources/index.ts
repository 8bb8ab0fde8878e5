import type { PublicClient } from 'viem'
import type { CoreHalo } from '../../domain/risk/coreHalo.js'
import type { CoreHaloValuation } from '../../domain/risk/report.js'
import { readHttpJson } from './http.js'
import { readContractValue, readErc4626Position } from './onchain.js'
import { failed, type SourceResult } from './result.js'

export { readHttpJson } from './http.js'
export { readContractValue, readErc4626Position } from './onchain.js'
export { readJsonPath, parseJsonPath } from './jsonPath.js'
export type { SourceResult } from './result.js'

export type SourceContext = {
  /** RPC client per chainId; `default` serves data models without a chainId. */
  clients: { default?: PublicClient | undefined; [chainId: number]: PublicClient | undefined }
  fetch?: typeof globalThis.fetch
}

/** Fetch the live value a Core Halo's data model points at. Never throws: failures are alerts. */
export async function readCoreHaloValue(coreHalo: CoreHalo, context: SourceContext): Promise<SourceResult> {
  const model = coreHalo.dataModel
  if (model.kind === 'http-json') return readHttpJson({ coreHalo, model, ...(context.fetch ? { fetch: context.fetch } : {}) })
  const client = model.chainId === undefined ? context.clients.default : context.clients[model.chainId]
  if (!client) return failed(coreHalo, `no RPC configured for chain ${model.chainId ?? 'default'}`)
  return model.kind === 'erc4626-position' ? readErc4626Position({ coreHalo, model, client }) : readContractValue({ coreHalo, model, client })
}

/** Value every Core Halo, a few at a time (bounded concurrency: sources are remote). */
export async function valueCoreHalos(coreHalos: readonly CoreHalo[], context: SourceContext, concurrency = 4): Promise<CoreHaloValuation[]> {
  const results: CoreHaloValuation[] = new Array(coreHalos.length)
  let next = 0
  const worker = async () => {
    while (next < coreHalos.length) {
      const i = next++
      const coreHalo = coreHalos[i]!
      const value = await readCoreHaloValue(coreHalo, context)
      results[i] = { coreHalo, value: value.ok ? { ok: true, valueWad: value.valueWad } : { ok: false, alert: value.alert } }
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, coreHalos.length) }, worker))
  return results
}
