import { Link, useParams } from 'react-router'
import { Area, AreaChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'
import { useApi, type CrrPoint, type JournalPoint, type SleevePage as SleeveData } from '../api'
import { Alerts, EntityLink, Facts, Load, Money, PrimeLink, Section, StateBadge, UnitLink } from '../components/ui'
import { forDrawing, groupDigits, percent, shortHex, time } from '../format'
import { usePageTitle } from './title'

const BUCKET_COLORS = ['#0ea5e9', '#22c55e', '#f59e0b', '#a855f7', '#ef4444', '#14b8a6', '#64748b', '#eab308']

export function SleevePage() {
  const { sleeveId = '' } = useParams()
  usePageTitle(`Sleeve ${sleeveId}`)
  const result = useApi<SleeveData>(`/sleeves/${encodeURIComponent(sleeveId)}`)
  return (
    <>
      <nav aria-label="Breadcrumb" className="crumbs">
        <Link to="/sleeves">Sleeves</Link> › <span aria-current="page">{sleeveId}</span>
      </nav>
      <h1>
        Sleeve {sleeveId} {result.state === 'ok' ? <StateBadge state={result.data.sleeve.state} /> : null}
      </h1>
      <Load result={result}>
        {(d) => (
          <>
            <Section title="Facts" id="facts">
              <Facts
                label="Sleeve facts"
                rows={[
                  ['Halo class', <EntityLink type="haloClass" id={d.sleeve.haloClass}>{d.sleeve.haloClass}</EntityLink>],
                  ['State', <span data-field="state">{d.sleeve.state}</span>],
                  ['Synome version', `v${d.version} (as of event #${d.asOf.position})`],
                  ['Linked units', String(d.sleeve.linkedUnits.length)],
                  ['Capital (USD)', <span data-field="value"><Money value={d.risk?.valueUsd ?? null} /></span>],
                  ['CRR', <span data-field="crr" data-exact={d.risk?.crr ?? ''}>{percent(d.risk?.crr)}{d.risk && d.risk.escalation !== '0' ? ` (base ${percent(d.risk.baseCrr)} + escalation ${percent(d.risk.escalation)})` : ''}</span>],
                  ['Required capital (USD)', <span data-field="required"><Money value={d.risk?.requiredCapitalUsd ?? null} /></span>],
                  ['Re-attestation due', time(d.risk?.reattestationDueAt)],
                ]}
              />
              <h3>Assets now</h3>
              <ul className="assets" aria-label="Current assets">
                {d.sleeve.assets.map((a, i) => (
                  <li key={i} data-asset={`${a.type}@${a.location ?? ''}`}>
                    <Money value={a.amount} unit={a.type === 'aggregate-deployed' ? 'USD deployed' : a.type} /> <span className="muted">at {a.location ?? 'deploying'}</span>
                  </li>
                ))}
                {d.sleeve.assets.length === 0 ? <li className="muted">none</li> : null}
              </ul>
            </Section>

            <Section title="Lifecycle" id="lifecycle">
              <ol className="timeline" aria-label="Lifecycle transitions">
                {d.timeline.map((t) => (
                  <li key={t.version} className={t.override ? 'override' : ''} data-to={t.to}>
                    <div className="tl-dot" aria-hidden="true" />
                    <div className="tl-body">
                      <div className="tl-head">
                        {t.from ? (
                          <>
                            <StateBadge state={t.from} /> → <StateBadge state={t.to} />
                          </>
                        ) : (
                          <StateBadge state={t.to} />
                        )}
                        <time dateTime={t.time}>{time(t.time)}</time>
                      </div>
                      <div className="tl-meta">
                        <span>
                          signed by <code title={t.signer} data-field="signer">{shortHex(t.signer)}</code> ({t.role})
                        </span>
                        <span>
                          command <Link to={`/history?entityType=sleeve&entityId=${encodeURIComponent(d.sleeve.sleeveId)}&command=${t.command}`}>{t.command}</Link> at event #{t.position}
                        </span>
                        {t.gatingAttestation ? (
                          <span data-field="gate">
                            gated by <EntityLink type="attestation" id={t.gatingAttestation.attestationId}>{t.gatingAttestation.attestationId}</EntityLink> ({t.gatingAttestation.type}, {time(t.gatingAttestation.timestamp)})
                          </span>
                        ) : t.gateMissing ? (
                          <span className="error">required attestation not found</span>
                        ) : null}
                        {t.override ? <span className="badge sev-warning">operator override: {t.reason}</span> : null}
                      </div>
                    </div>
                  </li>
                ))}
              </ol>
            </Section>

            <Section title="Where the money is" id="journal">
              <JournalChart journal={d.journal} />
              <details>
                <summary>Asset journal as a table ({d.journal.length} changes)</summary>
                <div className="table-wrap">
                  <table data-testid="journal">
                    <caption className="sr-only">Asset journal</caption>
                    <thead>
                      <tr>
                        <th scope="col">Time</th>
                        <th scope="col">Command</th>
                        <th scope="col">State</th>
                        <th scope="col">Holdings</th>
                        <th scope="col" className="num">Total (USD)</th>
                      </tr>
                    </thead>
                    <tbody>
                      {d.journal.map((p) => (
                        <tr key={p.version}>
                          <td>{time(p.time)}</td>
                          <td>{p.command}</td>
                          <td>
                            <StateBadge state={p.state} />
                          </td>
                          <td>{p.holdings.map((h) => `${groupDigits(h.amount)} ${h.bucket}`).join('; ') || '—'}</td>
                          <td className="num">
                            <Money value={p.totalUsd} />
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              </details>
            </Section>

            <Section title="CRR over time" id="crr">
              <CrrChart points={d.crrHistory} />
              <details>
                <summary>CRR at each change as a table</summary>
                <div className="table-wrap">
                  <table data-testid="crr-history">
                    <caption className="sr-only">Capital requirement ratio at each version of the sleeve</caption>
                    <thead>
                      <tr>
                        <th scope="col">Time</th>
                        <th scope="col">State</th>
                        <th scope="col" className="num">CRR</th>
                        <th scope="col" className="num">Capital (USD)</th>
                        <th scope="col" className="num">Required (USD)</th>
                        <th scope="col">Framework</th>
                      </tr>
                    </thead>
                    <tbody>
                      {d.crrHistory.map((p) => (
                        <tr key={p.version} data-state={p.state}>
                          <td>{time(p.time)}</td>
                          <td>
                            <StateBadge state={p.state} />
                          </td>
                          <td className="num" data-exact={p.crr}>
                            {percent(p.crr)}
                          </td>
                          <td className="num">
                            <Money value={p.valueUsd} />
                          </td>
                          <td className="num">
                            <Money value={p.requiredCapitalUsd} />
                          </td>
                          <td>{p.frameworkVersion}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              </details>
            </Section>

            <Section title={`Linked units (${d.units.length})`} id="units">
              <div className="table-wrap">
                <table data-testid="units">
                  <caption className="sr-only">Units of this sleeve</caption>
                  <thead>
                    <tr>
                      <th scope="col">Unit</th>
                      <th scope="col">Depositor</th>
                      <th scope="col" className="num">Principal (USDS)</th>
                      <th scope="col">Deal terms</th>
                      <th scope="col">State</th>
                      <th scope="col" className="num">Repayment (USDS)</th>
                      <th scope="col" className="num">Required capital (USD)</th>
                    </tr>
                  </thead>
                  <tbody>
                    {d.units.map((u) => (
                      <tr key={u.unitId} data-unit={u.unitId}>
                        <th scope="row">
                          <UnitLink id={u.unitId} />
                        </th>
                        <td>
                          <PrimeLink prime={u.depositorPrime} />
                        </td>
                        <td className="num" data-field="principal">
                          <Money value={u.principal} />
                        </td>
                        <td>
                          {percent(u.dealTerms.apy)} APY, {u.dealTerms.paymentSchedule}, matures {time(u.dealTerms.maturity).slice(0, 10)}
                        </td>
                        <td>
                          <StateBadge state={u.state} />
                        </td>
                        <td className="num" data-field="repayment">
                          <Money value={u.repaymentAmount} />
                        </td>
                        <td className="num">
                          <Money value={u.requiredCapitalUsd} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </Section>

            <Section title={`Attestations (${d.attestations.length})`} id="attestations">
              <ul className="plain">
                {d.attestations.map((a) => (
                  <li key={a.attestationId}>
                    <EntityLink type="attestation" id={a.attestationId}>{a.attestationId}</EntityLink> — {a.type}, {time(a.timestamp)}
                  </li>
                ))}
                {d.attestations.length === 0 ? <li className="muted">none yet</li> : null}
              </ul>
            </Section>

            <Section title="Alerts on this sleeve and its units" id="alerts">
              <Alerts alerts={d.alerts} />
            </Section>
            <p className="muted small">
              Raw record: <Link to={`/entities/sleeve/${encodeURIComponent(d.sleeve.sleeveId)}`}>JSON and every version</Link>
            </p>
          </>
        )}
      </Load>
    </>
  )
}

/** Step chart: each bucket's amount after each asset change (drawn to scale; the tooltip shows exact strings). */
function JournalChart({ journal }: { journal: JournalPoint[] }) {
  if (journal.length === 0) return <p className="muted">No asset changes recorded.</p>
  const buckets = [...new Set(journal.flatMap((p) => p.holdings.map((h) => h.bucket)))]
  const rows = journal.map((p, i) => {
    const row: Record<string, number | string> = { step: i, label: `${time(p.time).slice(0, 16)} ${p.command}` }
    for (const b of buckets) {
      const h = p.holdings.find((x) => x.bucket === b)
      row[b] = forDrawing(h?.amount ?? '0')
      row[`${b}:exact`] = h?.amount ?? '0'
    }
    return row
  })
  const summary = journal.map((p) => `${time(p.time)}: ${p.holdings.map((h) => `${groupDigits(h.amount)} ${h.bucket}`).join(', ') || 'nothing'}`).join('; ')
  return (
    <figure className="chart" role="img" aria-label={`Step chart of where the sleeve's money is over time. ${summary}`}>
      <ResponsiveContainer width="100%" height={260}>
        <AreaChart data={rows} margin={{ left: 8, right: 16, top: 8 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="label" tick={{ fontSize: 10 }} interval="preserveStartEnd" />
          <YAxis width={56} tick={{ fontSize: 11 }} tickFormatter={(v: number) => (v >= 1e6 ? `${+(v / 1e6).toFixed(1)}M` : String(v))} />
          <Tooltip formatter={(_v, name, item) => [groupDigits(String((item.payload as Record<string, string>)[`${String(name)}:exact`])), String(name)]} />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          {buckets.map((b, i) => (
            <Area key={b} type="stepAfter" dataKey={b} stackId="1" stroke={BUCKET_COLORS[i % BUCKET_COLORS.length]} fill={BUCKET_COLORS[i % BUCKET_COLORS.length]} fillOpacity={0.35} isAnimationActive={false} />
          ))}
        </AreaChart>
      </ResponsiveContainer>
    </figure>
  )
}

/** CRR after each version, as a step line (percent for drawing; the tooltip shows the exact rate). */
function CrrChart({ points }: { points: CrrPoint[] }) {
  if (points.length === 0) return <p className="muted">No risk framework published: no CRR.</p>
  const rows = points.map((p, i) => ({ step: i, label: `${time(p.time).slice(0, 16)} ${p.state}`, drawn: forDrawing(p.crr) * 100, exact: p.crr }))
  return (
    <figure className="chart" role="img" aria-label={`Step chart of the sleeve's CRR over time: ${points.map((p) => `${time(p.time)} ${p.state} ${percent(p.crr)}`).join('; ')}`}>
      <ResponsiveContainer width="100%" height={200}>
        <LineChart data={rows} margin={{ left: 8, right: 16, top: 8 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="label" tick={{ fontSize: 10 }} interval="preserveStartEnd" />
          <YAxis width={48} tick={{ fontSize: 11 }} tickFormatter={(v: number) => `${v}%`} />
          <Tooltip formatter={(_v, _n, item) => [percent((item.payload as { exact: string }).exact), 'CRR']} />
          <Line type="stepAfter" dataKey="drawn" stroke="#1d4ed8" strokeWidth={2} dot={{ r: 3 }} isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
    </figure>
  )
}
