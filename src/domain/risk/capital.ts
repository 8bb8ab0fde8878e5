import { WAD, mulDivUp, parseUnitsExact } from '../money.js'
import { alert, type Alert } from './alerts.js'
import type { CoreHalo } from './coreHalo.js'
import type { RiskFramework, RiskModel } from './framework.js'

/**
 * The capital formula for Core Halo positions (reference risk-framework/capital-formula.md):
 * Position Capital = size × the model's rate, where the rate is the risk weight, or the larger
 * of risk weight and FRTB drawdown (liquid positions) or gap-risk CRR (collateralized lending).
 * Both terms use the same base (live value in USD), so taking the max of rates equals taking
 * the max of dollar amounts. A council haircut is a floor on the rate.
 *
 * Not modelled: duration matching of pull-to-par positions, which needs the Prime's liability
 * duration buckets; no Phase 1 record carries them.
 */
export function modelRate(model: RiskModel): bigint {
  switch (model.kind) {
    case 'risk-weight':
      return model.riskWeight
    case 'liquid':
      return max(model.riskWeight, model.frtbDrawdown)
    case 'collateralized':
      return max(model.riskWeight, model.gapRiskCrr)
  }
}

export type CoreHaloCapital =
  | { ok: true; coreHaloId: string; parentPrime: string; category: string; valueWad: bigint; rateWad: bigint; capitalWad: bigint }
  | { ok: false; coreHaloId: string; parentPrime: string; alert: Alert }

export function coreHaloCapital(framework: RiskFramework, coreHalo: CoreHalo, valueWad: bigint): CoreHaloCapital {
  const model = framework.capitalFormula.riskModels[coreHalo.riskModelRef]
  const base = { coreHaloId: coreHalo.coreHaloId, parentPrime: coreHalo.parentPrime }
  if (!model) {
    return { ok: false, ...base, alert: alert('CORE_HALO_RISK_MODEL_UNKNOWN', { type: 'coreHalo', id: coreHalo.coreHaloId }, `risk model ${coreHalo.riskModelRef} is not in framework ${framework.version}`, { riskModelRef: coreHalo.riskModelRef }) }
  }
  const haircut = coreHalo.staticParameters.haircut ? parseUnitsExact(coreHalo.staticParameters.haircut, 18, 'haircut') : 0n
  const rateWad = max(modelRate(model), haircut)
  return { ok: true, ...base, category: coreHalo.staticParameters.category ?? model.category, valueWad, rateWad, capitalWad: mulDivUp(valueWad, rateWad, WAD) }
}

export type CategoryExposure = { prime: string; category: string; valueWad: bigint; capitalWad: bigint }
export type CategoryPenalty = { prime: string; category: string; exposureWad: bigint; capWad: bigint; penaltyWad: bigint }

/**
 * Category caps: a Prime's exposure above the cap carries 100% CRR. The in-cap part keeps the
 * category's blended rate, so penalty = (in-cap share of capital + excess) − capital charged.
 */
export function categoryPenalties(framework: RiskFramework, exposures: readonly CategoryExposure[]): { penalties: CategoryPenalty[]; alerts: Alert[] } {
  const groups = new Map<string, { prime: string; category: string; valueWad: bigint; capitalWad: bigint }>()
  for (const e of exposures) {
    const key = `${e.prime}\u0000${e.category}`
    const group = groups.get(key) ?? { prime: e.prime, category: e.category, valueWad: 0n, capitalWad: 0n }
    group.valueWad += e.valueWad
    group.capitalWad += e.capitalWad
    groups.set(key, group)
  }
  const penalties: CategoryPenalty[] = []
  const alerts: Alert[] = []
  for (const g of groups.values()) {
    const cap = framework.capitalFormula.categoryCaps[g.category]
    if (!cap || g.valueWad <= cap.capUsd) continue
    const excess = g.valueWad - cap.capUsd
    const total = mulDivUp(g.capitalWad, cap.capUsd, g.valueWad) + excess
    const penaltyWad = total > g.capitalWad ? total - g.capitalWad : 0n
    penalties.push({ prime: g.prime, category: g.category, exposureWad: g.valueWad, capWad: cap.capUsd, penaltyWad })
    alerts.push(alert('CATEGORY_CAP_EXCEEDED', { type: 'prime', id: g.prime }, `Prime ${g.prime} exceeds the ${g.category} cap; the excess carries 100% CRR`, { category: g.category, exposureWad: g.valueWad.toString(), capWad: cap.capUsd.toString(), penaltyWad: penaltyWad.toString() }))
  }
  return { penalties, alerts }
}

function max(a: bigint, b: bigint): bigint {
  return a > b ? a : b
}
