import { Link, useParams } from 'react-router'
import { useApi, type PortfolioQueue, type PortfolioUnitPage } from '../api'
import { StepChart } from '../components/StepChart'
import { EntityLink, Facts, Load, Money, Section } from '../components/ui'
import { percent, time } from '../format'
import { yieldText } from './Portfolio'
import { usePageTitle } from './title'

/** One Portfolio unit: its tranche and NAV per share, the warning signals, the NAV history, settlements, holders and its LCTS queues. */
export function PortfolioUnitPage() {
  const { unitId = '' } = useParams()
  usePageTitle(`Portfolio unit ${unitId}`)
  const result = useApi<PortfolioUnitPage>(`/portfolio/units/${encodeURIComponent(unitId)}`)
  return (
    <>
      <h1>Portfolio unit {unitId}</h1>
      <Load result={result}>
        {(u) => (
          <>
            <p className="asof">
              Class <Link to="/portfolio">{u.classId}</Link> · book <EntityLink type="portfolioBook" id={u.bookId}>{u.bookId}</EntityLink> · last NAV report {time(u.book.lastReportAt)}
            </p>
            <Section title="Position" id="position">
              <Facts
                label="Unit position"
                rows={[
                  ['Seniority', `${u.seniority} (rank ${u.rank})`],
                  ['Yield', yieldText(u.yield)],
                  ['NAV', <span data-field="nav"><Money value={u.nav} unit="USDS" /></span>],
                  ['Shares', <span data-field="shares"><Money value={u.shares} /></span>],
                  ['NAV per share', <span data-field="navPerShare"><Money value={u.navPerShare} unit="USDS" /></span>],
                  ['Subordination below', <Money value={u.tranche.subordination} unit="USDS" />],
                  ['Attachment → detachment', <span data-field="attachment">{percent(u.tranche.attachment)} → {percent(u.tranche.detachment)}</span>],
                  ['Book assets / units’ NAV', <>
                    <Money value={u.book.assets} /> / <Money value={u.book.liabilities} /> {u.book.balanced ? '(balanced)' : '(not balanced)'}
                  </>],
                  ['Migration path', u.migrationPath ?? '—'],
                ]}
              />
            </Section>
            <Section title={`Warning signals (${u.signals.length})`} id="signals">
              <p className="muted">
                Configured: {u.warningSignals.navDrop ? `NAV per share drop over ${u.warningSignals.navDrop.maxDropBps} bps between reports` : 'no NAV-drop signal'};{' '}
                {u.warningSignals.navReport ? `a report at least every ${u.warningSignals.navReport.maxAgeSeconds} s` : 'no report-age signal'}.
              </p>
              {u.signals.length === 0 ? (
                <p data-testid="unit-signals">No warning signal is up.</p>
              ) : (
                <ul data-testid="unit-signals">
                  {u.signals.map((s) => (
                    <li key={s.code} data-code={s.code}>
                      <span className="badge sev-warning">{s.code}</span> {s.message}
                    </li>
                  ))}
                </ul>
              )}
            </Section>
            <Section title="NAV per share over time" id="nav">
              <StepChart points={u.navHistory.map((p) => ({ label: p.reportedAt.slice(0, 16).replace('T', ' '), exact: p.navPerShare }))} series="NAV per share" testId="nav-chart" empty="No NAV report yet." />
            </Section>
            <Section title={`Settlements (${u.settlements.length})`} id="settlements">
              {u.settlements.length === 0 ? (
                <p className="muted">No settlement recorded yet.</p>
              ) : (
                <div className="table-wrap">
                  <table data-testid="unit-settlements">
                    <caption className="sr-only">Every settlement of this unit's LCTS queues recorded in the Synome</caption>
                    <thead>
                      <tr>
                        <th scope="col">Epoch</th>
                        <th scope="col">Settled</th>
                        <th scope="col" className="num">Subscribed (USDS)</th>
                        <th scope="col" className="num">Shares minted</th>
                        <th scope="col" className="num">Shares redeemed</th>
                        <th scope="col" className="num">Paid (USDS)</th>
                      </tr>
                    </thead>
                    <tbody>
                      {u.settlements.map((s) => (
                        <tr key={s.epoch} data-epoch={s.epoch}>
                          <th scope="row">{s.epoch}</th>
                          <td>{time(s.settledAt)}</td>
                          <td className="num" data-field="subscribed"><Money value={s.subscribed} /></td>
                          <td className="num" data-field="sharesMinted"><Money value={s.sharesMinted} /></td>
                          <td className="num"><Money value={s.redeemedShares} /></td>
                          <td className="num" data-field="amountPaid"><Money value={s.amountPaid} /></td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
            </Section>
            <Section title="Holders" id="holders">
              {Object.keys(u.holders).length === 0 ? (
                <p className="muted">No holder recorded.</p>
              ) : (
                <Facts label="Shares by Prime" rows={Object.entries(u.holders).map(([prime, shares]) => [prime, <span data-holder={prime}><Money value={shares} /></span>])} />
              )}
            </Section>
            <Section title="LCTS queues" id="queues">
              {u.queues ? (
                <>
                  <p>
                    Last lpha-lcts settlement: epoch {u.queues.epoch} ({u.queues.fallback}) ·{' '}
                    <Link to={`/queues/${encodeURIComponent(u.unitId)}`}>queue pair page</Link>
                  </p>
                  <Facts label="Last settlement by queue" rows={[['Subscribe', <QueueText q={u.queues.subscribe} />], ['Redeem', <QueueText q={u.queues.redeem} />]]} />
                </>
              ) : (
                <p className="muted">lpha-lcts has recorded no settlement of this unit’s queues.</p>
              )}
            </Section>
          </>
        )}
      </Load>
    </>
  )
}

function QueueText({ q }: { q: PortfolioQueue }) {
  if (!q) return <span className="muted">not settled</span>
  return (
    <>
      generation {q.generationId}: capacity <Money value={q.capacity} />, converted <Money value={q.converted} />
      {q.finalized ? ', finalized' : ''}
    </>
  )
}
