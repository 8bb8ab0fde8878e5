import { WAD, mulDiv, mulDivUp, parseUnitsExact } from '../money.js'
import { alert, type Alert } from './alerts.js'
import { SUB_STEPS, type RiskFramework, type SleeveState, type SubStep } from './framework.js'
import { escalatedRate, reattestationAlerts, reattestationStatus, type ReattestationStatus } from './reattestation.js'
import { checkRiskData } from './riskData.js'
import { deploymentDurationAlerts, offboardingFailureAlerts, offboardingTimeoutAlerts } from './timeouts.js'
import type { RiskAsset, RiskSleeve } from './types.js'

/**
 * CRR and required capital of one sleeve (seed 004: CRR per lifecycle state; OFFBOARDING and
 * UNWINDING by the sub-step each asset is in; AT_REST escalates while re-attestation is
 * overdue). Values are USD with 18 decimals: USDS, USDC and USD count at par, which is the
 * Phase 1 treatment of the sleeve's own stable assets; Core Halos are valued from live data.
 */
export type SleeveAssetRisk = {
  type: string
  location: string
  subStep: SubStep | null
  valueWad: bigint
  rateWad: bigint
  capitalWad: bigint
}

export type SleeveRisk = {
  sleeveId: string
  haloClass: string
  state: SleeveState
  /** Distinct sub-steps of the assets (OFFBOARDING / UNWINDING only), least opaque first. */
  subSteps: SubStep[]
  valueWad: bigint
  /** Rate before re-attestation escalation (AT_REST: max(framework rate, attested CRR)). */
  baseRateWad: bigint
  escalationWad: bigint
  /** Effective CRR: the common rate when all assets share one, else capital / value. */
  crrWad: bigint
  requiredCapitalWad: bigint
  assets: SleeveAssetRisk[]
  reattestation: ReattestationStatus | null
  alerts: Alert[]
}

/** Which offboarding / unwinding sub-step an asset is in, from its type and location. */
export function subStepOf(asset: Pick<RiskAsset, 'type' | 'location'>): SubStep | null {
  switch (asset.location) {
    case 'facility-ALMProxy':
      return asset.type === 'USDS' ? 'usds-at-almproxy' : asset.type === 'USDC' ? 'usdc-at-almproxy' : null
    case 'in-transit':
      return 'in-transit'
    case 'halo-bank-account':
      return 'at-bank'
    case 'redeem-contract':
      return 'usds-at-redeem'
    default:
      return null
  }
}

/** An asset's value in USD WAD (par for the sleeve's stable assets). */
export function assetValueWad(asset: Pick<RiskAsset, 'amount'>): bigint {
  return parseUnitsExact(asset.amount, 18, 'asset amount')
}

export type ComputeSleeveRiskParameters = { framework: RiskFramework; sleeve: RiskSleeve; now: Date }

export function computeSleeveRisk({ framework, sleeve, now }: ComputeSleeveRiskParameters): SleeveRisk {
  const alerts: Alert[] = [...offboardingTimeoutAlerts(framework, sleeve, now), ...offboardingFailureAlerts(sleeve), ...deploymentDurationAlerts(sleeve, now)]
  let reattestation: ReattestationStatus | null = null
  let baseRateWad = 0n
  let escalationWad = 0n
  if (sleeve.state === 'AT_REST') {
    const riskData = checkRiskData(framework, sleeve)
    alerts.push(...riskData.alerts)
    // Risk data lpla-verify cannot read tells it nothing about the deployed assets: treat them
    // as opaque as during DEPLOYING until valid data is written.
    baseRateWad = riskData.valid ? max(framework.crr.AT_REST, riskData.attestedCrrWad ?? 0n) : max(framework.crr.AT_REST, framework.crr.DEPLOYING)
    reattestation = reattestationStatus(framework, sleeve, now)
    escalationWad = escalatedRate(framework, baseRateWad, reattestation.steps) - baseRateWad
    alerts.push(...reattestationAlerts(sleeve, reattestation, escalationWad))
  }
  const assets = sleeve.assets.map((asset) => assetRisk(framework, sleeve, asset, baseRateWad + escalationWad, alerts))
  const valueWad = assets.reduce((sum, a) => sum + a.valueWad, 0n)
  const requiredCapitalWad = assets.reduce((sum, a) => sum + a.capitalWad, 0n)
  const rates = new Set(assets.map((a) => a.rateWad))
  const stateRate = sleeve.state === 'AT_REST' ? baseRateWad + escalationWad : flatRate(framework, sleeve.state)
  const crrWad = rates.size === 1 ? [...rates][0]! : valueWad === 0n ? stateRate : mulDiv(requiredCapitalWad, WAD, valueWad)
  if (sleeve.state !== 'AT_REST') baseRateWad = crrWad
  const steps = new Set(assets.map((a) => a.subStep).filter((s): s is SubStep => s !== null))
  return {
    sleeveId: sleeve.sleeveId,
    haloClass: sleeve.haloClass,
    state: sleeve.state,
    subSteps: SUB_STEPS.filter((s) => steps.has(s)),
    valueWad,
    baseRateWad,
    escalationWad,
    crrWad,
    requiredCapitalWad,
    assets,
    reattestation,
    alerts,
  }
}

function assetRisk(framework: RiskFramework, sleeve: RiskSleeve, asset: RiskAsset, atRestRateWad: bigint, alerts: Alert[]): SleeveAssetRisk {
  const valueWad = assetValueWad(asset)
  const staged = sleeve.state === 'OFFBOARDING' || sleeve.state === 'UNWINDING'
  const subStep = staged ? subStepOf(asset) : null
  let rateWad: bigint
  if (sleeve.state === 'AT_REST') rateWad = atRestRateWad
  else if (!staged) rateWad = flatRate(framework, sleeve.state)
  else if (subStep) rateWad = framework.crr[sleeve.state as 'OFFBOARDING' | 'UNWINDING'][subStep]
  else if (sleeve.state === 'UNWINDING' && (asset.type === 'aggregate-deployed' || asset.location === 'deploying')) {
    // Not yet returned: still the attested deployed assets of AT_REST.
    rateWad = framework.crr.AT_REST
  } else {
    // Unknown location: charge the state's most opaque rate rather than guess.
    const rates = framework.crr[sleeve.state as 'OFFBOARDING' | 'UNWINDING']
    rateWad = Object.values(rates).reduce(max, 0n)
    alerts.push(alert('ASSET_LOCATION_UNKNOWN', { type: 'sleeve', id: sleeve.sleeveId }, `asset ${asset.type} at "${asset.location}" has no ${sleeve.state} sub-step; highest rate applied`, { assetType: asset.type, location: asset.location }))
  }
  return { type: asset.type, location: asset.location, subStep, valueWad, rateWad, capitalWad: mulDivUp(valueWad, rateWad, WAD) }
}

function flatRate(framework: RiskFramework, state: SleeveState): bigint {
  switch (state) {
    case 'OFFBOARDING':
    case 'UNWINDING':
      return Object.values(framework.crr[state]).reduce(max, 0n)
    case 'AT_REST':
      return framework.crr.AT_REST
    default:
      return framework.crr[state]
  }
}

function max(a: bigint, b: bigint): bigint {
  return a > b ? a : b
}
