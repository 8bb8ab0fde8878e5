import { WAD } from '../money.js'
import { alert, type Alert } from './alerts.js'
import { addDuration } from './duration.js'
import type { RiskFramework } from './framework.js'
import type { RiskSleeve } from './types.js'

export type ReattestationStatus = {
  /** Latest AT_REST or PERIODIC attestation of the sleeve (null: none recorded). */
  lastAttestedAt: Date | null
  dueAt: Date | null
  overdue: boolean
  /** Started escalation intervals since due date + grace (0 when on time). */
  steps: number
}

/**
 * When an AT_REST sleeve was last attested and whether it is overdue (seed "Missed
 * Re-attestation"). Every AT_REST or PERIODIC attestation of the sleeve resets the clock; the
 * state of the sleeve is not touched. A sleeve with no attestation at all counts as overdue
 * from the moment it is AT_REST, with as many steps as the escalation allows.
 */
export function reattestationStatus(framework: RiskFramework, sleeve: RiskSleeve, now: Date): ReattestationStatus {
  const { cadence, grace, escalation } = framework.reattestation
  const times = sleeve.attestations.filter((a) => a.sleeveId === sleeve.sleeveId && (a.type === 'AT_REST' || a.type === 'PERIODIC')).map((a) => Date.parse(a.timestamp)).filter(Number.isFinite)
  const maxSteps = escalationStepsToCap(framework)
  if (times.length === 0) return { lastAttestedAt: null, dueAt: null, overdue: true, steps: maxSteps }
  const lastAttestedAt = new Date(Math.max(...times))
  const dueAt = addDuration(lastAttestedAt, cadence)
  const overdueFrom = addDuration(dueAt, grace)
  if (now.getTime() <= overdueFrom.getTime()) return { lastAttestedAt, dueAt, overdue: false, steps: 0 }
  // Bounded: beyond `maxSteps` the CRR is already at the cap, so counting further is pointless.
  let steps = 1
  let next = addDuration(overdueFrom, escalation.every)
  while (steps < maxSteps && next.getTime() < now.getTime()) {
    steps += 1
    next = addDuration(next, escalation.every)
  }
  return { lastAttestedAt, dueAt, overdue: true, steps }
}

/** Number of steps after which the escalated CRR reaches `maxRate` from a zero base (≥ 1). */
function escalationStepsToCap(framework: RiskFramework): number {
  const { stepRate, maxRate } = framework.reattestation.escalation
  if (stepRate === 0n) return 1
  return Number((maxRate + stepRate - 1n) / stepRate) || 1
}

/** base + steps × stepRate, never above max(maxRate, base) nor above 100%. */
export function escalatedRate(framework: RiskFramework, baseRateWad: bigint, steps: number): bigint {
  const { stepRate, maxRate } = framework.reattestation.escalation
  const ceiling = baseRateWad > maxRate ? baseRateWad : maxRate
  const raised = baseRateWad + stepRate * BigInt(steps)
  const capped = raised > ceiling ? ceiling : raised
  return capped > WAD ? WAD : capped
}

export function reattestationAlerts(sleeve: RiskSleeve, status: ReattestationStatus, escalationWad: bigint): Alert[] {
  const alerts: Alert[] = []
  const entity = { type: 'sleeve' as const, id: sleeve.sleeveId }
  if (status.overdue) {
    alerts.push(
      alert('REATTESTATION_OVERDUE', entity, `sleeve ${sleeve.sleeveId} is overdue for periodic re-attestation; CRR escalated`, {
        lastAttestedAt: status.lastAttestedAt?.toISOString() ?? null,
        dueAt: status.dueAt?.toISOString() ?? null,
        steps: status.steps,
        escalationWad: escalationWad.toString(),
      }),
    )
  }
  const latestPeriodic = sleeve.attestations.filter((a) => a.type === 'PERIODIC').sort((a, b) => Date.parse(b.timestamp) - Date.parse(a.timestamp))[0]
  if (latestPeriodic && latestPeriodic.content.statusNominal === false) {
    alerts.push(alert('ATTESTATION_NOT_NOMINAL', entity, `attestation ${latestPeriodic.attestationId} reports sleeve ${sleeve.sleeveId} not nominal`, { attestationId: latestPeriodic.attestationId }))
  }
  return alerts
}
