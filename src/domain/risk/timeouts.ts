import { alert, type Alert } from './alerts.js'
import { addDuration, parseDuration } from './duration.js'
import { receiptTimeoutFor, type RiskFramework } from './framework.js'
import type { RiskSleeve } from './types.js'

/**
 * Seed 004 "Offboarding Failure": USDC sent to the bank and not confirmed within the Halo
 * Class's timeout. The transfer's `initiatedAt` starts the clock (the OFFBOARDING start when the
 * asset lacks one). The sleeve stays OFFBOARDING; this only alerts.
 */
export function offboardingTimeoutAlerts(framework: RiskFramework, sleeve: RiskSleeve, now: Date): Alert[] {
  if (sleeve.state !== 'OFFBOARDING') return []
  const timeout = receiptTimeoutFor(framework, sleeve.haloClass)
  const alerts: Alert[] = []
  for (const asset of sleeve.assets) {
    if (asset.location !== 'in-transit') continue
    const started = Date.parse(asset.initiatedAt ?? sleeve.timestamps.offboardingStarted ?? '')
    if (!Number.isFinite(started)) continue
    const deadline = addDuration(new Date(started), timeout)
    if (now.getTime() <= deadline.getTime()) continue
    alerts.push(
      alert('OFFBOARDING_RECEIPT_TIMEOUT', { type: 'sleeve', id: sleeve.sleeveId }, `bank receipt for ${asset.amount} ${asset.type} of sleeve ${sleeve.sleeveId} not confirmed by ${deadline.toISOString()}`, {
        amount: asset.amount,
        assetType: asset.type,
        initiatedAt: new Date(started).toISOString(),
        deadline: deadline.toISOString(),
      }),
    )
  }
  return alerts
}

/** The flag lpha-nfat writes in a sleeve's metadata when an off-ramp transfer reverted on chain. */
export type OffboardingFailureFlag = { reason: string; round: number; transferIds: string[]; flaggedAt: string }

/**
 * Seed 004 "Offboarding Failure": lpha-nfat flagged a failed off-ramp transfer in the sleeve's
 * metadata (`offboardingFailure`) during the current offboarding round. The alert lasts while
 * the sleeve stays OFFBOARDING in that round; an operator revert (FILLING) or a new round ends it.
 */
export function offboardingFailureAlerts(sleeve: RiskSleeve): Alert[] {
  const flag = sleeve.metadata?.offboardingFailure as Partial<OffboardingFailureFlag> | undefined
  if (sleeve.state !== 'OFFBOARDING' || !flag || typeof flag !== 'object') return []
  if (flag.round !== undefined && sleeve.offboardingRound !== undefined && flag.round !== sleeve.offboardingRound) return []
  return [alert('OFFBOARDING_TRANSFER_FAILED', { type: 'sleeve', id: sleeve.sleeveId }, `off-ramp transfer of sleeve ${sleeve.sleeveId} failed: ${flag.reason ?? 'reverted'}; an operator decides (retry or revert to FILLING)`, { round: flag.round ?? null, transferIds: flag.transferIds ?? [], flaggedAt: flag.flaggedAt ?? null })]
}

/**
 * A DEPLOYING sleeve must reach AT_REST within the maximum deployment duration its latest
 * pre-deployment attestation set ("maximumDeploymentDuration": "90d"), counted from
 * `deployingStarted`.
 */
export function deploymentDurationAlerts(sleeve: RiskSleeve, now: Date): Alert[] {
  if (sleeve.state !== 'DEPLOYING') return []
  const entity = { type: 'sleeve' as const, id: sleeve.sleeveId }
  const preDeployment = sleeve.attestations.filter((a) => a.type === 'PRE_DEPLOYMENT').sort((a, b) => Date.parse(b.timestamp) - Date.parse(a.timestamp))[0]
  const started = Date.parse(sleeve.timestamps.deployingStarted ?? '')
  let maximum
  try {
    maximum = parseDuration(preDeployment?.content.maximumDeploymentDuration, 'maximumDeploymentDuration')
  } catch {
    maximum = undefined
  }
  if (!preDeployment || !maximum || !Number.isFinite(started)) {
    return [alert('DEPLOYMENT_DURATION_UNKNOWN', entity, `DEPLOYING sleeve ${sleeve.sleeveId} has no readable maximum deployment duration or start`, { attestationId: preDeployment?.attestationId ?? null })]
  }
  const deadline = addDuration(new Date(started), maximum)
  if (now.getTime() <= deadline.getTime()) return []
  return [
    alert('DEPLOYMENT_DURATION_EXCEEDED', entity, `sleeve ${sleeve.sleeveId} is still DEPLOYING after the attested maximum (${String(preDeployment.content.maximumDeploymentDuration)})`, {
      attestationId: preDeployment.attestationId,
      maximumDeploymentDuration: preDeployment.content.maximumDeploymentDuration,
      deployingStarted: new Date(started).toISOString(),
      deadline: deadline.toISOString(),
    }),
  ]
}
