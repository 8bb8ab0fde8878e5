import { isBaseError } from '../../domain/errors.js'
import { alert, type Alert } from '../../domain/risk/alerts.js'
import type { CoreHalo } from '../../domain/risk/coreHalo.js'
import { parseRiskFramework, type RiskFramework } from '../../domain/risk/framework.js'
import { buildRiskReport, type CoreHaloValuation, type RiskReport } from '../../domain/risk/report.js'
import { valueCoreHalos, type SourceContext } from '../../risk/sources/index.js'
import type { VerifyChain } from './chain.js'
import { toCoreHalo, toRiskSleeve, toRiskUnit, type AttestationRecordView, type CoreHaloRecordView, type SleeveRecordView, type UnitRecordView } from './policy.js'
import { verifyPositions } from './positions.js'
import type { Address } from 'viem'
import { attestationContentHash } from '../../chain/attestation.js'
import { onChainAttestationProblem } from '../../domain/attestation.js'
import { offboardingRound } from '../../domain/sleeve.js'
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
  /** With a chain: PRE_DEPLOYMENT attestations of each sleeve's current round are checked against this registry. */
  attestationRegistry?: string | undefined
}

export type VerifyRun =
  | { ok: true; report: RiskReport; positionsVerified: boolean }
  | { ok: false; alerts: Alert[]; frameworkVersion: string | null }

/**
 * One lpla-verify run (level-triggered: it recomputes everything from current state, so a
 * restart loses nothing): read the framework and records, value Core Halos from their live
 * sources, verify positions on chain, and compute the full CRR report with `src/domain/risk`.
 */
export async function runVerify({ reader, chain, sources, now, primeAddresses = {}, usdc, attestationRegistry }: RunVerifyParameters): Promise<VerifyRun> {
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
    if (attestationRegistry) extraAlerts.push(...(await verifyOnChainAttestations({ chain, registry: attestationRegistry as Address, sleeves: sleeveRecords, attestations: attestationRecords })))
  }
  const portfolioBooks = ((await reader.portfolioBooks?.()) ?? []).map(toPortfolioRiskBook)
  const report = buildRiskReport({ framework, sleeves, units: units, coreHalos: valuations, portfolioBooks, extraAlerts, now })
  return { ok: true, report, positionsVerified: chain !== undefined }
}

/**
 * Every PRE_DEPLOYMENT attestation of a sleeve's current offboarding round must have its
 * on-chain registry record with the hash of the Synome's content, and the Synome's `onChain`
 * (registry, content hash, amount) must be what the registry holds (`onChainAttestationProblem`):
 * otherwise lpha-nfat's gated off-ramp is refused, or runs on content the Synome does not show.
 * One registry read per sleeve with a PRE_DEPLOYMENT attestation of its round. A record with no
 * Synome attestation is not raised: lpha-attest records before it posts, so every honest record
 * has that window.
 */
export async function verifyOnChainAttestations(p: { chain: VerifyChain; registry: Address; sleeves: readonly SleeveRecordView[]; attestations: readonly AttestationRecordView[] }): Promise<Alert[]> {
  const alerts: Alert[] = []
  for (const sleeve of p.sleeves) {
    const round = offboardingRound(sleeve)
    const entity = { type: 'sleeve' as const, id: sleeve.sleeveId }
    const attested = p.attestations.filter((x) => x.sleeveId === sleeve.sleeveId && x.type === 'PRE_DEPLOYMENT' && (x.round ?? 1) === round)
    if (attested.length === 0) continue
    let record: Awaited<ReturnType<VerifyChain['preDeploymentRecord']>>
    try {
      record = await p.chain.preDeploymentRecord(p.registry, sleeve.sleeveId, round)
    } catch (error) {
      alerts.push(alert('POSITION_CHECK_FAILED', entity, `could not read the attestation registry ${p.registry} for ${sleeve.sleeveId} (round ${round})`, { error: isBaseError(error) ? (error.details ?? error.shortMessage) : String(error) }))
      continue
    }
    for (const a of attested) {
      const contentHash = attestationContentHash(a.content)
      const problem = onChainAttestationProblem({ registry: p.registry, contentHash, record, claimed: a.onChain })
      if (problem) alerts.push(alert('ATTESTATION_ONCHAIN_MISMATCH', entity, `PRE_DEPLOYMENT attestation ${a.attestationId} of ${sleeve.sleeveId} (round ${round}): ${problem}`, { attestationId: a.attestationId, round, contentHash, registry: p.registry }))
    }
  }
  return alerts
}
