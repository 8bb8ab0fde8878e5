import type { LossWaterfallReturnType } from '../domain/agents/waterfall.js'
import { SKY_CORE, type SettlementLine } from './lines.js'
import type { SettlementResult } from './settle.js'
import type { Snapshot } from './snapshot.js'

export type AssetTotals = { received: bigint; paid: bigint; net: bigint }

export type Statement = {
  party: string
  name: string
  type: string
  period: string
  days: number
  /** Every line this party pays or receives, in settlement order. */
  lines: SettlementLine[]
  /** Per asset: received, paid, net (received − paid). */
  totals: Record<string, AssetTotals>
  /** Per asset: what this party pays Sky Core net of what Sky Core pays it on fee lines (rebates). */
  toSkyCore: Record<string, bigint>
  losses: LossWaterfallReturnType[]
}

function addTo(totals: Record<string, AssetTotals>, asset: string, received: bigint, paid: bigint): void {
  const current = totals[asset] ?? { received: 0n, paid: 0n, net: 0n }
  totals[asset] = { received: current.received + received, paid: current.paid + paid, net: current.net + received - paid }
}

/** Totals of a party over a list of lines (a line paid to oneself counts both ways). */
export function totalsFor(party: string, lines: readonly SettlementLine[]): Record<string, AssetTotals> {
  const totals: Record<string, AssetTotals> = {}
  for (const line of lines) {
    if (line.payee === party) addTo(totals, line.asset, line.amount, 0n)
    if (line.payer === party) addTo(totals, line.asset, 0n, line.amount)
  }
  return totals
}

function toSkyCore(party: string, lines: readonly SettlementLine[]): Record<string, bigint> {
  const result: Record<string, bigint> = {}
  for (const line of lines) {
    if (line.payer === party && line.payee === SKY_CORE) result[line.asset] = (result[line.asset] ?? 0n) + line.amount
    if (line.payer === SKY_CORE && line.payee === party && line.kind === 'upkeepRebate') result[line.asset] = (result[line.asset] ?? 0n) - line.amount
  }
  return result
}

/** One statement per agent in the snapshot, plus one for Sky Core. */
export function buildStatements(snapshot: Snapshot, result: SettlementResult): Statement[] {
  const parties = [...snapshot.agents.map((agent) => ({ party: agent.id, name: agent.name, type: agent.type })), { party: SKY_CORE, name: 'Sky Core', type: 'skyCore' }]
  // index once: a statement per party must not rescan every line (1,000 agents × 9,000 lines)
  const byParty = new Map<string, SettlementLine[]>()
  for (const line of result.lines) {
    for (const party of new Set([line.payer, line.payee])) {
      const list = byParty.get(party)
      if (list) list.push(line)
      else byParty.set(party, [line])
    }
  }
  return parties.map(({ party, name, type }) => {
    const lines = byParty.get(party) ?? []
    return {
      party, name, type, period: result.period, days: result.days, lines,
      totals: totalsFor(party, lines),
      toSkyCore: party === SKY_CORE ? {} : toSkyCore(party, lines),
      losses: result.losses.filter((loss) => loss.prime === party).map((loss) => loss.waterfall),
    }
  })
}

/** Every party that appears on any line (agents, Sky Core, contracts, stakers, market, burn). */
export function allParties(lines: readonly SettlementLine[]): string[] {
  return [...new Set(lines.flatMap((line) => [line.payer, line.payee]))]
}
