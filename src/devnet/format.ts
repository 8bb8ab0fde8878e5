import type { PortfolioScenarioOutcome, PortfolioTimelineEntry } from './runPortfolioScenario.js'
import type { ScenarioOutcome, TimelineEntry } from './runScenario.js'

/** One readable line per timeline entry (Term or Portfolio): `day  time  actor/kind  what  (tx hash)`. */
export function formatEntry(entry: TimelineEntry | PortfolioTimelineEntry): string {
  const time = entry.at.slice(11, 16)
  const day = `day ${String(entry.day).padStart(3)}`
  const hash = entry.kind === 'tx' ? `  tx ${entry.txHash}` : ''
  const tag = entry.kind === 'alert' ? `ALERT ${entry.severity} ${entry.code}: ` : ''
  return `${day} ${time}  ${tag}${entry.summary}${hash}`
}

/** The outcome after the timeline: sleeves, units and repayments, CRR per sleeve, alerts, timing. */
export function formatOutcome(o: ScenarioOutcome): string {
  const lines: string[] = ['', `== outcome: ${o.scenario}`]
  for (const s of o.sleeves) lines.push(`sleeve ${s.sleeveId}: ${s.state}, units ${s.linkedUnits.map((u) => `#${u}`).join(' ')}, attestations ${s.attestations.join(' ') || 'none'}, returned ${s.returnedUsd} USD`)
  for (const u of o.units) lines.push(`  NFAT #${u.unitId} (${u.prime}): ${u.state}, principal ${u.principal} USDS, repayment ${u.repaymentAmount ?? '-'}${u.redeemed ? `, paid ${u.redeemed.paid} USDS on ${u.redeemed.at}` : ''}`)
  for (const [sleeveId, points] of Object.entries(o.crr)) {
    lines.push(`CRR ${sleeveId}:`)
    let last = ''
    for (const p of points) {
      const key = `${p.state} ${p.crr}`
      if (key === last) continue
      last = key
      lines.push(`  from ${p.at} (day ${p.day}) ${p.state.padEnd(11)} CRR ${p.crr.padEnd(5)} capital ${p.requiredCapitalUsd} USD on ${p.valueUsd}`)
    }
  }
  lines.push(o.alerts.length === 0 ? 'alerts: none' : 'alerts:')
  for (const a of o.alerts) lines.push(`  ${a.severity} ${a.code} ${a.entity}: raised ${a.raisedAt}${a.resolvedAt ? `, resolved ${a.resolvedAt}` : ', still open'} — ${a.message}`)
  lines.push(`chain: facility ${o.chain.facility}, timelock delay ${o.chain.timelockDelaySeconds} s (${o.chain.timelockDelayNote}); Synome log verified: ${o.synomeLogVerified}`)
  lines.push(`wall ${(o.timing.wallMs / 1000).toFixed(1)} s, waiting on the chain ${(o.timing.chainWaitMs / 1000).toFixed(1)} s (${o.timing.rpcRequests} RPC requests)`)
  return lines.join('\n')
}

/** A Portfolio scenario's outcome: per unit NAV and NAV per share, per Prime shares and USDS paid, alerts, timing. */
export function formatPortfolioOutcome(o: PortfolioScenarioOutcome): string {
  const lines: string[] = ['', `== outcome: ${o.scenario}`]
  for (const [unit, u] of Object.entries(o.units)) lines.push(`${unit} unit: NAV ${u.nav} USDS, ${u.shares} shares, NAV per share ${u.navPerShare}`)
  for (const p of o.primes) lines.push(`  ${p.name}: subscribed senior ${p.subscribed.senior} / junior ${p.subscribed.junior} USDS; holds senior ${p.shares.senior} / junior ${p.shares.junior} shares; paid ${p.paidUsds} USDS`)
  for (const a of o.allocators) {
    const first = a.firstAllocation ? `first allocation day ${a.firstAllocation.day} ${a.firstAllocation.at.slice(11, 16)}: ${a.firstAllocation.amount} USDS` : 'no allocation'
    lines.push(`  ${a.prime}'s allocator (${a.unit}): ${first}; subscribed ${a.subscribed}, redeemed ${a.redeemed} USDS of a ${a.target} target; limit raised ${a.limitRaises.length}× within SORL${a.limitRaises.length ? ` to ${a.limitRaises.at(-1)!.maxAmount}/day` : ''}`)
  }
  lines.push(o.alerts.length === 0 ? 'alerts: none' : 'alerts:')
  for (const a of o.alerts) lines.push(`  ${a.code} on the ${a.unit} unit: raised ${a.raisedAt}${a.resolvedAt ? `, resolved ${a.resolvedAt}` : ', still open'} — ${a.message}`)
  lines.push(`NAV reports applied: ${o.navReports}; chain = Synome: ${o.chainEqualsSynome}; Synome log verified: ${o.synomeLogVerified}`)
  lines.push(`chain: Portfolio class ${o.chain.haloClass} (PAU ${o.chain.pau}) from factory ${o.chain.factory}, timelock delay ${o.chain.timelockDelaySeconds} s (${o.chain.timelockDelayNote})`)
  lines.push(`wall ${(o.timing.wallMs / 1000).toFixed(1)} s, waiting on the chain ${(o.timing.chainWaitMs / 1000).toFixed(1)} s (${o.timing.rpcRequests} RPC requests)`)
  return lines.join('\n')
}
