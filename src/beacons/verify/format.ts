import { formatUnitsExact } from '../../domain/money.js'
import type { Alert } from '../../domain/risk/alerts.js'
import type { RiskReport } from '../../domain/risk/report.js'

const usd = (wad: bigint) => formatUnitsExact(wad, 18)
const pct = (wad: bigint) => `${formatUnitsExact(wad * 100n, 18)}%`

function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n')
}

/** The readable form of a report (`halo verify report` without --json). */
export function formatRiskReport(report: RiskReport, options: { maxRows?: number } = {}): string {
  const max = options.maxRows ?? 50
  const more = (n: number) => (n > max ? `\n… ${n - max} more (use --json for all)` : '')
  const parts = [
    `lpla-verify report at ${report.generatedAt.toISOString()} · risk framework ${report.frameworkVersion}`,
    `Total required capital: ${usd(report.totals.requiredCapitalWad)} USD${report.totals.incomplete ? ' (INCOMPLETE: a Core Halo source failed)' : ''}`,
    '',
    'Sleeves',
    table(
      ['sleeve', 'class', 'state', 'sub-step', 'value USD', 'CRR', 'escalation', 'required USD'],
      report.sleeves.slice(0, max).map((s) => [s.sleeveId, s.haloClass, s.state, s.subSteps.join('+') || '-', usd(s.valueWad), pct(s.crrWad), s.escalationWad > 0n ? `+${pct(s.escalationWad)}` : '-', usd(s.requiredCapitalWad)]),
    ) + more(report.sleeves.length),
    '',
    'Primes',
    table(
      ['prime', 'sleeves USD', 'core halos USD', 'cap penalty USD', 'required USD'],
      report.primes.map((p) => [p.prime + (p.incomplete ? ' *' : ''), usd(p.sleeveCapitalWad), usd(p.coreHaloCapitalWad), usd(p.categoryPenaltyWad), usd(p.requiredCapitalWad)]),
    ),
  ]
  if (report.coreHalos.length > 0) {
    parts.push('', 'Core Halos', table(['core halo', 'prime', 'value USD', 'CRR', 'required USD'], report.coreHalos.map((c) => (c.ok ? [c.coreHaloId, c.parentPrime, usd(c.valueWad), pct(c.rateWad), usd(c.capitalWad)] : [c.coreHaloId, c.parentPrime, '?', '?', `? (${c.alert.code})`]))))
  }
  parts.push('', formatAlerts(report.alerts))
  return parts.join('\n')
}

export function formatAlerts(alerts: readonly Alert[]): string {
  if (alerts.length === 0) return 'Alerts: none'
  return `Alerts (${alerts.length})\n${table(['severity', 'code', 'entity', 'message'], alerts.map((a) => [a.severity, a.code, `${a.entity.type}:${a.entity.id}`, a.message]))}`
}
