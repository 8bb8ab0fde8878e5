import { Link } from 'react-router'
import { Bar, BarChart, CartesianGrid, Cell, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'
import { useApi, type Overview } from '../api'
import { AlertCounts, Alerts, Facts, Load, Money, PrimeLink, Section, StateBadge } from '../components/ui'
import { forDrawing, groupDigits, percent, shortHex, time } from '../format'
import { usePageTitle } from './title'

const STATE_COLORS: Record<string, string> = {
  CREATED: '#94a3b8',
  FILLING: '#38bdf8',
  OFFBOARDING: '#f59e0b',
  DEPLOYING: '#a855f7',
  AT_REST: '#22c55e',
  UNWINDING: '#f97316',
  CLOSED: '#64748b',
}

export function OverviewPage() {
  usePageTitle('Overview')
  const result = useApi<Overview>('/overview')
  return (
    <>
      <h1>Overview</h1>
      <Load result={result}>
        {(o) => (
          <>
            <p className="asof">
              As of Synome event <strong>#{o.asOf.position}</strong> {o.asOf.hash ? <code title={o.asOf.hash}>{shortHex(o.asOf.hash)}</code> : null} · risk framework {o.verify.frameworkVersion ?? '—'} · positions {o.verify.positionsVerified ? 'verified on chain' : 'not verified'}
            </p>
            <div className="kpis" role="list" aria-label="Totals">
              <Kpi label="Sleeves" value={String(o.sleevesByState.reduce((n, s) => n + s.sleeves, 0))} />
              <Kpi label="Units" value={String(o.unitsByState.reduce((n, s) => n + s.units, 0))} />
              <Kpi label="Required capital (USD)" value={o.totals?.requiredCapitalUsd ?? null} money />
              <Kpi label="Open alerts" value={String(o.alertsTotal)} tone={o.alertCounts.some((a) => a.severity === 'critical') ? 'bad' : o.alertsTotal ? 'warn' : 'good'} />
            </div>

            <Section title="Halo classes" id="classes">
              <div className="table-wrap">
                <table data-testid="classes">
                  <caption className="sr-only">Halo classes with their sleeves and units</caption>
                  <thead>
                    <tr>
                      <th scope="col">Halo class</th>
                      <th scope="col">Facility</th>
                      <th scope="col" className="num">Sleeves</th>
                      <th scope="col" className="num">Units</th>
                      <th scope="col" className="num">Capital (USD)</th>
                      <th scope="col" className="num">Live principal (USDS)</th>
                    </tr>
                  </thead>
                  <tbody>
                    {o.haloClasses.map((c) => (
                      <tr key={c.haloClass} data-class={c.haloClass}>
                        <th scope="row">
                          <Link to={`/entities/haloClass/${encodeURIComponent(c.haloClass)}`}>{c.haloClass}</Link>
                          {c.description ? <div className="muted small">{c.description}</div> : null}
                        </th>
                        <td>{c.facility ? <code title={c.facility}>{shortHex(c.facility)}</code> : '—'}</td>
                        <td className="num">
                          <Link to={`/sleeves?haloClass=${encodeURIComponent(c.haloClass)}`}>{c.sleeves}</Link>
                        </td>
                        <td className="num">{c.units}</td>
                        <td className="num">
                          <Money value={c.capitalUsd} />
                        </td>
                        <td className="num">
                          <Money value={c.principal} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </Section>

            <div className="grid2">
              <Section title="Capital by sleeve state" id="capital">
                <figure className="chart" role="img" aria-label={`Bar chart of capital by sleeve state: ${o.sleevesByState.map((s) => `${s.state} ${groupDigits(s.capitalUsd)} USD`).join(', ')}`}>
                  <ResponsiveContainer width="100%" height={220}>
                    <BarChart data={o.sleevesByState.map((s) => ({ ...s, drawn: forDrawing(s.capitalUsd) }))} margin={{ left: 8, right: 8, top: 8 }}>
                      <CartesianGrid strokeDasharray="3 3" vertical={false} />
                      <XAxis dataKey="state" tick={{ fontSize: 11 }} interval={0} />
                      <YAxis tickFormatter={(v: number) => compact(v)} width={56} tick={{ fontSize: 11 }} />
                      <Tooltip formatter={(_v, _n, item) => [`${groupDigits((item.payload as { capitalUsd: string }).capitalUsd)} USD`, 'capital']} />
                      <Bar dataKey="drawn" isAnimationActive={false}>
                        {o.sleevesByState.map((s) => (
                          <Cell key={s.state} fill={STATE_COLORS[s.state] ?? '#888'} />
                        ))}
                      </Bar>
                    </BarChart>
                  </ResponsiveContainer>
                </figure>
                <div className="table-wrap">
                  <table data-testid="states">
                    <caption className="sr-only">Capital by sleeve state</caption>
                    <thead>
                      <tr>
                        <th scope="col">State</th>
                        <th scope="col" className="num">Sleeves</th>
                        <th scope="col" className="num">Capital (USD)</th>
                      </tr>
                    </thead>
                    <tbody>
                      {o.sleevesByState.map((s) => (
                        <tr key={s.state} data-state={s.state}>
                          <th scope="row">
                            <Link to={`/sleeves?state=${s.state}`}>
                              <StateBadge state={s.state} />
                            </Link>
                          </th>
                          <td className="num">{s.sleeves}</td>
                          <td className="num">
                            <Money value={s.capitalUsd} />
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              </Section>

              <Section title="Units by state" id="units">
                <div className="table-wrap">
                  <table data-testid="unit-states">
                    <caption className="sr-only">Units by state</caption>
                    <thead>
                      <tr>
                        <th scope="col">State</th>
                        <th scope="col" className="num">Units</th>
                        <th scope="col" className="num">Principal (USDS)</th>
                      </tr>
                    </thead>
                    <tbody>
                      {o.unitsByState.map((s) => (
                        <tr key={s.state} data-state={s.state}>
                          <th scope="row">
                            <StateBadge state={s.state} />
                          </th>
                          <td className="num">{s.units}</td>
                          <td className="num">
                            <Money value={s.principal} />
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
                <Facts
                  label="Capital totals"
                  rows={[
                    ['Required capital, all Primes (USD)', <Money value={o.totals?.requiredCapitalUsd} />],
                    ['Not attributed to a unit (USD)', <Money value={o.totals?.unattributedCapitalUsd} />],
                    ['Complete', o.totals ? (o.totals.incomplete ? 'no — a Core Halo value is missing' : 'yes') : '—'],
                    ['Snapshot built', `${time(o.asOf.builtAt)} in ${o.asOf.buildMs} ms (${o.asOf.kind === 'patch' ? 'patched from the new events' : 'full read'})`],
                  ]}
                />
              </Section>
            </div>

            <Section title="Per-Prime exposure, CRR and required capital" id="primes">
              <div className="table-wrap">
                <table data-testid="primes">
                  <caption className="sr-only">Exposure and required capital per Prime</caption>
                  <thead>
                    <tr>
                      <th scope="col">Prime</th>
                      <th scope="col" className="num">Live units</th>
                      <th scope="col" className="num">Exposure (USDS)</th>
                      <th scope="col" className="num">Sleeve capital (USD)</th>
                      <th scope="col" className="num">Core Halo capital (USD)</th>
                      <th scope="col" className="num">Required capital (USD)</th>
                      <th scope="col" className="num">
                        <abbr title="Capital requirement ratio: required capital ÷ exposure">CRR</abbr>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {o.primes.map((p) => (
                      <tr key={p.address} data-prime={p.prime}>
                        <th scope="row">
                          <PrimeLink prime={p.prime} />
                          {p.address !== p.prime ? <div className="muted small">{shortHex(p.address)}</div> : null}
                        </th>
                        <td className="num">{p.units}</td>
                        <td className="num">
                          <Money value={p.principal} />
                        </td>
                        <td className="num">
                          <Money value={p.sleeveCapitalUsd} />
                        </td>
                        <td className="num">
                          <Money value={p.coreHaloCapitalUsd} />
                        </td>
                        <td className="num" data-field="required">
                          <Money value={p.requiredCapitalUsd} />
                          {p.incomplete ? <span className="badge sev-warning">incomplete</span> : null}
                        </td>
                        <td className="num" data-field="crr" data-exact={p.crr ?? ''}>
                          {percent(p.crr)}
                        </td>
                      </tr>
                    ))}
                    {o.primes.length === 0 ? (
                      <tr>
                        <td colSpan={7} className="muted">
                          No Prime has live units.
                        </td>
                      </tr>
                    ) : null}
                  </tbody>
                </table>
              </div>
            </Section>

            <Section title={`Open lpla-verify alerts (${o.alertsTotal})`} id="alerts">
              {o.verify.ok ? null : <p role="alert" className="error">lpla-verify could not compute the report: {o.verify.error ?? 'see alerts'}</p>}
              <AlertCounts counts={o.alertCounts} />
              <Alerts alerts={o.alerts} />
              {o.alertsTotal > o.alerts.length ? (
                <p>
                  <Link to="/alerts">All {o.alertsTotal} alerts →</Link>
                </p>
              ) : null}
            </Section>
          </>
        )}
      </Load>
    </>
  )
}

function Kpi({ label, value, money, tone }: { label: string; value: string | null; money?: boolean; tone?: 'good' | 'warn' | 'bad' }) {
  return (
    <div className={`kpi ${tone ?? ''}`} role="listitem">
      <div className="kpi-label">{label}</div>
      <div className="kpi-value">{money ? <Money value={value} /> : value}</div>
    </div>
  )
}

/** Axis ticks only (drawing scale): 75M, 1.2B. */
function compact(v: number): string {
  const abs = Math.abs(v)
  if (abs >= 1e9) return `${+(v / 1e9).toFixed(1)}B`
  if (abs >= 1e6) return `${+(v / 1e6).toFixed(1)}M`
  if (abs >= 1e3) return `${+(v / 1e3).toFixed(1)}k`
  return String(v)
}
