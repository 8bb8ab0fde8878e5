import { InvalidInputError } from '../errors.js'
import { mulDivUp } from '../money.js'
import { BPS, FIRST_LOSS_CAPITAL_BPS } from './parameters.js'

/**
 * A Prime's risk capital and the system capital behind it, in USD base units. `null` for a
 * layer that can dilute without limit (agent token inflation "potentially to infinity").
 */
export type RiskCapital = {
  /** Internal JRC: the Prime's own junior capital (SubProxy). */
  ijrc: bigint
  /** External JRC: TEJRC held by outside parties. */
  ejrc: bigint
  /** What diluting the Prime's token can raise; null = unlimited. */
  agentTokenInflation: bigint | null
  /** This Prime's TISRC; it merges into the global SRC pool. */
  tisrc: bigint
  /** Global SRC (srUSDS) from everyone else. */
  globalSrc: bigint
  /** What SKY inflation can raise; null = unlimited. */
  skyInflation: bigint | null
  genesisCapital: bigint
}

export type WaterfallStepName =
  | 'firstLossCapital'
  | 'juniorRiskCapital'
  | 'agentTokenInflation'
  | 'srcPool'
  | 'skyInflation'
  | 'genesisCapitalHaircut'
  | 'usdsPegAdjustment'

export type WaterfallStep = {
  order: number
  step: WaterfallStepName
  tier: 'prime' | 'system' | 'nuclear'
  /** Capacity before this step (null = unlimited). */
  capacity: bigint | null
  /** Loss reaching this step. */
  lossIn: bigint
  absorbed: bigint
  /** Loss passed on to the next step. */
  passedOn: bigint
  /** Who absorbed what inside the step (pro-rata layers list each party). */
  parts: { layer: string; absorbed: bigint; capacity: bigint | null }[]
}

export type LossWaterfallParameters = { loss: bigint; capital: RiskCapital }
export type LossWaterfallReturnType = {
  loss: bigint
  /** FLC size: 10% of total JRC (rounded up), but never more than the IJRC that funds it. */
  firstLossCapital: bigint
  steps: WaterfallStep[]
  /** Σ absorbed; equals the loss (step 7 absorbs whatever is left). */
  totalAbsorbed: bigint
}

/** FLC = 10% of (IJRC + EJRC), rounded up (more of the Prime's own skin first), capped at IJRC. */
export function firstLossCapital({ ijrc, ejrc }: { ijrc: bigint; ejrc: bigint }): bigint {
  const tenPercent = mulDivUp(ijrc + ejrc, FIRST_LOSS_CAPITAL_BPS, BPS)
  return tenPercent < ijrc ? tenPercent : ijrc
}

/**
 * Split `loss` (≤ a + b) pro rata between two layers. The first layer takes the rounding unit
 * (ceil), so the second — the external or the pooled party — is never charged more than its
 * exact share; neither share can exceed its layer.
 */
function proRataPair(loss: bigint, a: bigint, b: bigint): [bigint, bigint] {
  if (a + b === 0n) return [0n, 0n]
  const first = mulDivUp(loss, a, a + b)
  return [first, loss - first]
}

const min = (x: bigint, y: bigint | null): bigint => (y === null || x < y ? x : y)

function validate(loss: bigint, capital: RiskCapital): void {
  if (loss < 0n) throw new InvalidInputError('loss must not be negative', { meta: { field: 'loss' } })
  for (const [field, value] of Object.entries(capital)) {
    if (value !== null && value < 0n) throw new InvalidInputError(`${field} must not be negative`, { meta: { field } })
  }
}

/**
 * Seed 001's loss waterfall, in strict order: (1) First Loss Capital, (2) remaining IJRC and
 * EJRC pro rata, (3) agent token inflation, (4) the SRC pool (this Prime's TISRC merged into
 * global SRC, pari passu), (5) SKY inflation, (6) Genesis Capital haircut, (7) USDS peg
 * adjustment — the final backstop, which takes whatever is left. Each step reports what it
 * absorbed and what it passed on; a step is only touched once every earlier step is exhausted.
 */
export function lossWaterfall({ loss, capital }: LossWaterfallParameters): LossWaterfallReturnType {
  validate(loss, capital)
  const flc = firstLossCapital(capital)
  const steps: WaterfallStep[] = []
  let remaining = loss
  const push = (step: Omit<WaterfallStep, 'order' | 'lossIn' | 'passedOn' | 'absorbed'>) => {
    const absorbed = step.parts.reduce((sum, part) => sum + part.absorbed, 0n)
    steps.push({ order: steps.length + 1, lossIn: remaining, absorbed, passedOn: remaining - absorbed, ...step })
    remaining -= absorbed
  }

  const flcAbsorbed = min(remaining, flc)
  push({ step: 'firstLossCapital', tier: 'prime', capacity: flc, parts: [{ layer: 'IJRC (first loss)', absorbed: flcAbsorbed, capacity: flc }] })

  const ijrcLeft = capital.ijrc - flc
  const juniorTaken = min(remaining, ijrcLeft + capital.ejrc)
  const [ijrcShare, ejrcShare] = proRataPair(juniorTaken, ijrcLeft, capital.ejrc)
  push({
    step: 'juniorRiskCapital', tier: 'prime', capacity: ijrcLeft + capital.ejrc,
    parts: [{ layer: 'IJRC', absorbed: ijrcShare, capacity: ijrcLeft }, { layer: 'EJRC', absorbed: ejrcShare, capacity: capital.ejrc }],
  })

  const inflation = min(remaining, capital.agentTokenInflation)
  push({ step: 'agentTokenInflation', tier: 'prime', capacity: capital.agentTokenInflation, parts: [{ layer: 'agent token holders', absorbed: inflation, capacity: capital.agentTokenInflation }] })

  const poolTaken = min(remaining, capital.tisrc + capital.globalSrc)
  const [tisrcShare, globalShare] = proRataPair(poolTaken, capital.tisrc, capital.globalSrc)
  push({
    step: 'srcPool', tier: 'system', capacity: capital.tisrc + capital.globalSrc,
    parts: [{ layer: 'TISRC', absorbed: tisrcShare, capacity: capital.tisrc }, { layer: 'global SRC', absorbed: globalShare, capacity: capital.globalSrc }],
  })

  const sky = min(remaining, capital.skyInflation)
  push({ step: 'skyInflation', tier: 'system', capacity: capital.skyInflation, parts: [{ layer: 'SKY holders', absorbed: sky, capacity: capital.skyInflation }] })

  const genesis = min(remaining, capital.genesisCapital)
  push({ step: 'genesisCapitalHaircut', tier: 'nuclear', capacity: capital.genesisCapital, parts: [{ layer: 'Genesis Capital', absorbed: genesis, capacity: capital.genesisCapital }] })

  push({ step: 'usdsPegAdjustment', tier: 'nuclear', capacity: null, parts: [{ layer: 'USDS holders', absorbed: remaining, capacity: null }] })

  return { loss, firstLossCapital: flc, steps, totalAbsorbed: loss - remaining }
}
