import { isBaseError } from '../../domain/errors.js'
import { alert, type Alert } from '../../domain/risk/alerts.js'
import type { CoreHalo } from '../../domain/risk/coreHalo.js'
import { parseRiskFramework, type RiskFramework } from '../../domain/risk/framework.js'
import { buildRiskReport, type CoreHaloValuation, type RiskReport } from '../../domain/risk/report.js'
import { valueCoreHalos, type SourceContext } from '../../risk/sources/index.js'
import type { VerifyChain } from './chain.js'
import { toCoreHalo, toRiskSleeve, toRiskUnit, type AttestationRecordView, type CoreHaloRecordView, type SleeveRecordView, type UnitRecordView } from './policy.js'
import { verifyPositions } from './positions.js'
import { toPortfolioRiskBook } from './portfolio.js'
import type { PortfolioBookRecord } from '../../synome/commands/portfolio/records.js'

/** What lpla-verify reads from the Synome (read-only; see `synomeReader.ts` for the client adapter). */
export interface VerifyReader {
  riskFramework(): Promise<{ version: string; document: unknown } | undefined>
  sleeves(): Promise<SleeveRecordView[]>
  units(): Promise<UnitRecordView[]>
  attestations(): Promise<AttestationRecordView[]>
  coreHalos(): Promise<CoreHaloRecordView[]>
  haloClasses(): Promise<{ haloClass: string; facility: string | null }[]>
  /** Portfolio Halo books (optional: a reader without them reports no Portfolio capital). */
  portfolioBooks?(): Promise<PortfolioBookRecord[]>
}

export type RunVerifyParameters = {
  reader: VerifyReader
  /** Without a chain, positions are not verified (report says so via `positionsVerified`). */
  chain?: VerifyChain | undefined
  sources: SourceContext
  now: Date
  primeAddresses?: Readonly<Record<string, string>>
  usdc?: string | undefined
}

export type VerifyRun =
  | { ok: true; report: RiskReport; positionsVerified: boolean }
  | { ok: false; alerts: Alert[]; frameworkVersion: string | null }

/**
 * One lpla-verify run (level-triggered: it recomputes everything from current state, so a
 * restart loses nothing): read the framework and records, value Core Halos from their live
 * sources, verify positions on chain, and compute the full CRR report with `src/domain/risk`.
 */
export async function runVerify({ reader, chain, sources, now, primeAddresses = {}, usdc }: RunVerifyParameters): Promise<VerifyRun> {
  const published = await reader.riskFramework()
  if (!published) return { ok: false, frameworkVersion: null, alerts: [alert('FRAMEWORK_MISSING', { type: 'framework', id: 'current' }, 'no risk framework is published; lpha-council publishes one first')] }
  let framework: RiskFramework
  try {
    framework = parseRiskFramework(published.document, published.version)
  } catch (error) {
    return { ok: false, frameworkVersion: published.version, alerts: [alert('FRAMEWORK_INVALID', { type: 'framework', id: published.version }, `risk framework ${published.version} does not validate`, { error: isBaseError(error) ? (error.details ?? error.shortMessage) : String(error) })] }
  }
  const [sleeveRecords, unitRecords, attestationRecords, coreHaloRecords, haloClasses] = await Promise.all([reader.sleeves(), reader.units(), reader.attestations(), reader.coreHalos(), reader.haloClasses()])
  const attestationsBySleeve = new Map<string, AttestationRecordView[]>()
  for (const a of attestationRecords) {
    const list = attestationsBySleeve.get(a.sleeveId)
    if (list) list.push(a)
    else attestationsBySleeve.set(a.sleeveId, [a])
  }
  const sleeves = sleeveRecords.map((s) => toRiskSleeve(s, attestationsBySleeve))
  const units = unitRecords.map((u) => toRiskUnit(u, primeAddresses))

  const extraAlerts: Alert[] = []
  const coreHalos: CoreHalo[] = []
  for (const record of coreHaloRecords) {
    try {
      coreHalos.push(toCoreHalo(record))
    } catch (error) {
      extraAlerts.push(alert('CORE_HALO_ENTRY_INVALID', { type: 'coreHalo', id: record.coreHaloId }, `Core Halo ${record.coreHaloId} has no usable data model`, { error: isBaseError(error) ? (error.details ?? error.shortMessage) : String(error) }))
    }
  }
  const valuations: CoreHaloValuation[] = await valueCoreHalos(coreHalos, sources)

  if (chain) {
    const facilities = new Map(haloClasses.filter((c) => c.facility).map((c) => [c.haloClass, c.facility!]))
    extraAlerts.push(...(await verifyPositions({ chain, sleeves, units, facilityOf: (haloClass) => facilities.get(haloClass), usdc })))
  }
  const portfolioBooks = ((await reader.portfolioBooks?.()) ?? []).map(toPortfolioRiskBook)
  const report = buildRiskReport({ framework, sleeves, units: units, coreHalos: valuations, portfolioBooks, extraAlerts, now })
  return { ok: true, report, positionsVerified: chain !== undefined }
}
