import { formatUnitsExact } from '../domain/money.js'
import type { LossWaterfallReturnType } from '../domain/agents/waterfall.js'
import { SETTLEMENT_DECIMALS } from './snapshot.js'
import type { Statement } from './statement.js'

const fmt = (value: bigint | null) => (value === null ? 'unlimited' : formatUnitsExact(value, SETTLEMENT_DECIMALS))

/** JSON form: the same data with every amount as an exact decimal string. */
export function statementToJson(statement: Statement) {
  return {
    party: statement.party,
    name: statement.name,
    type: statement.type,
    period: statement.period,
    days: statement.days,
    lines: statement.lines.map((line) => ({ ...line, amount: fmt(line.amount) })),
    totals: Object.fromEntries(Object.entries(statement.totals).map(([asset, t]) => [asset, { received: fmt(t.received), paid: fmt(t.paid), net: fmt(t.net) }])),
    toSkyCore: Object.fromEntries(Object.entries(statement.toSkyCore).map(([asset, value]) => [asset, fmt(value)])),
    losses: statement.losses.map(waterfallToJson),
  }
}

export function waterfallToJson(waterfall: LossWaterfallReturnType) {
  return {
    loss: fmt(waterfall.loss),
    firstLossCapital: fmt(waterfall.firstLossCapital),
    totalAbsorbed: fmt(waterfall.totalAbsorbed),
    steps: waterfall.steps.map((step) => ({
      order: step.order, step: step.step, tier: step.tier, capacity: fmt(step.capacity), lossIn: fmt(step.lossIn), absorbed: fmt(step.absorbed), passedOn: fmt(step.passedOn),
      parts: step.parts.map((part) => ({ layer: part.layer, absorbed: fmt(part.absorbed), capacity: fmt(part.capacity) })),
    })),
  }
}

const STEP_TITLES: Record<string, string> = {
  firstLossCapital: 'First Loss Capital (10% of JRC, from IJRC)',
  juniorRiskCapital: 'Remaining IJRC + EJRC, pro rata',
  agentTokenInflation: 'Agent token inflation',
  srcPool: 'SRC pool: TISRC merged into global SRC, pari passu',
  skyInflation: 'SKY token inflation',
  genesisCapitalHaircut: 'Genesis Capital haircut',
  usdsPegAdjustment: 'USDS peg adjustment (final backstop)',
}

/** Plain-text loss explanation: one block per step, what reached it, what it took, what went on. */
export function renderWaterfallText(waterfall: LossWaterfallReturnType, prime: string): string {
  const out = [`Loss of ${fmt(waterfall.loss)} USD at ${prime}; First Loss Capital is ${fmt(waterfall.firstLossCapital)}.`]
  for (const step of waterfall.steps) {
    out.push(`${step.order}. ${STEP_TITLES[step.step] ?? step.step} [${step.tier}]`)
    out.push(`   reached: ${fmt(step.lossIn)}  capacity: ${fmt(step.capacity)}  absorbed: ${fmt(step.absorbed)}  passed on: ${fmt(step.passedOn)}`)
    if (step.parts.length > 1) for (const part of step.parts) out.push(`     - ${part.layer}: ${fmt(part.absorbed)} of ${fmt(part.capacity)}`)
  }
  out.push(`Total absorbed: ${fmt(waterfall.totalAbsorbed)} of ${fmt(waterfall.loss)}.`)
  return `${out.join('\n')}\n`
}

/** Plain-text statement: each line with its formula and inputs, then totals and Sky Core's part. */
export function renderStatementText(statement: Statement): string {
  const out = [`Settlement statement ${statement.period} (${statement.days} days) — ${statement.name} [${statement.party}, ${statement.type}]`, '']
  if (statement.lines.length === 0) out.push('No fee or reward lines this period.')
  statement.lines.forEach((line, index) => {
    const direction = line.payee === statement.party ? 'received from' : 'paid to'
    const counterparty = line.payee === statement.party ? line.payer : line.payee
    out.push(`${index + 1}. ${line.kind}: ${fmt(line.amount)} ${line.asset} ${direction} ${counterparty}`)
    out.push(`   formula: ${line.formula}`)
    out.push(`   inputs: ${Object.entries(line.inputs).map(([key, value]) => `${key}=${value}`).join(', ')}`)
    out.push(`   rounding: ${line.rounding}`)
  })
  out.push('', 'Totals:')
  for (const [asset, t] of Object.entries(statement.totals)) out.push(`  ${asset}: received ${fmt(t.received)}, paid ${fmt(t.paid)}, net ${fmt(t.net)}`)
  const sky = Object.entries(statement.toSkyCore)
  if (sky.length > 0) {
    out.push('', 'To Sky Core (net of rebates):')
    for (const [asset, value] of sky) out.push(`  ${asset}: ${fmt(value)}`)
  }
  for (const loss of statement.losses) out.push('', 'Loss absorption:', renderWaterfallText(loss, statement.party).trimEnd())
  return `${out.join('\n')}\n`
}
