import { toRiskSleeve, type AttestationRecordView, type SleeveRecordView } from '../beacons/verify/policy.js'
import { formatUnitsExact } from '../domain/money.js'
import { computeSleeveRisk } from '../domain/risk/crr.js'
import { parseRiskFramework, type RiskFramework } from '../domain/risk/framework.js'
import type { RiskFrameworkRecord } from '../synome/records.js'

export type CrrPoint = { time: string; version: number; state: string; frameworkVersion: string; crr: string; requiredCapitalUsd: string; valueUsd: string }

/**
 * The sleeve's CRR over time: at each of its versions, lpla-verify's own `computeSleeveRisk` on
 * that version, with the attestations posted by then and the risk framework published by then
 * (or the first one, for versions older than any framework). The rate between two versions can
 * still escalate (overdue re-attestation); the current figure is the snapshot's.
 */
export function crrHistory(versions: readonly { version: number; time: string; data: unknown }[], attestations: readonly AttestationRecordView[], frameworks: readonly RiskFrameworkRecord[]): CrrPoint[] {
  const parsed: { publishedAt: string; framework: RiskFramework }[] = []
  for (const f of frameworks) {
    try {
      parsed.push({ publishedAt: f.publishedAt, framework: parseRiskFramework(f.document, f.version) })
    } catch {
      // an invalid framework computes nothing (lpla-verify raises FRAMEWORK_INVALID)
    }
  }
  if (parsed.length === 0) return []
  parsed.sort((a, b) => Date.parse(a.publishedAt) - Date.parse(b.publishedAt))
  const usd = (wad: bigint) => formatUnitsExact(wad, 18)
  return versions.map((v) => {
    const at = Date.parse(v.time)
    const framework = [...parsed].reverse().find((f) => Date.parse(f.publishedAt) <= at)?.framework ?? parsed[0]!.framework
    const record = v.data as SleeveRecordView
    const posted = new Map([[record.sleeveId, attestations.filter((a) => Date.parse(a.timestamp) <= at)]])
    const risk = computeSleeveRisk({ framework, sleeve: toRiskSleeve(record, posted), now: new Date(at) })
    return { time: v.time, version: v.version, state: record.state, frameworkVersion: framework.version, crr: usd(risk.crrWad), requiredCapitalUsd: usd(risk.requiredCapitalWad), valueUsd: usd(risk.valueWad) }
  })
}
