import { Link } from 'react-router'
import { useApi, type PortfolioOverview, type PortfolioUnitSummary } from '../api'
import { EntityLink, Load, Money, Section } from '../components/ui'
import { time } from '../format'
import { usePageTitle } from './title'

/** Every Portfolio Halo class: per book its assets against its units' NAVs, per unit its tranche, NAV per share and warning signals. */
export function PortfolioPage() {
  usePageTitle('Portfolio')
  const result = useApi<PortfolioOverview>('/portfolio')
  return (
    <>
      <h1>Portfolio Halos</h1>
      <Load result={result}>
        {(d) =>
          d.classes.length === 0 ? (
            <p className="muted">The Synome records no Portfolio class.</p>
          ) : (
            <>
              {d.total > d.classes.length ? <p className="muted">The first {d.classes.length} of {d.total} classes.</p> : null}
              {d.classes.map((c) => (
                <Section key={c.classId} title={`${c.name} (${c.classId})`} id={`class-${c.classId}`}>
                  {c.books.length === 0 ? <p className="muted">No book yet.</p> : null}
                  {c.books.map((b) => (
                    <div key={b.bookId} data-book={b.bookId}>
                      <h3>
                        Book <EntityLink type="portfolioBook" id={b.bookId}>{b.bookId}</EntityLink>
                      </h3>
                      <p data-testid="book-balance">
                        Assets <Money value={b.assets} /> · units’ NAV <Money value={b.liabilities} /> · {b.balanced ? 'balanced' : <strong className="error">not balanced</strong>} · last report{' '}
                        {b.lastReport ? `${b.lastReport.reportId} at ${time(b.lastReport.reportedAt)}` : 'none yet'}
                      </p>
                      <UnitsTable units={b.units} caption={`Units of book ${b.bookId}, most senior first`} />
                    </div>
                  ))}
                </Section>
              ))}
            </>
          )
        }
      </Load>
    </>
  )
}

export function yieldText(y: PortfolioUnitSummary['yield']): string {
  return y.kind === 'target' ? `target ${y.rateBps} bps` : 'residual'
}

function UnitsTable({ units, caption }: { units: PortfolioUnitSummary[]; caption: string }) {
  return (
    <div className="table-wrap">
      <table data-testid="portfolio-units">
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Unit</th>
            <th scope="col">Seniority</th>
            <th scope="col">Yield</th>
            <th scope="col" className="num">NAV</th>
            <th scope="col" className="num">Shares</th>
            <th scope="col" className="num">NAV per share</th>
            <th scope="col" className="num">Subordination</th>
            <th scope="col">Signals</th>
          </tr>
        </thead>
        <tbody>
          {units.map((u) => (
            <tr key={u.unitId} data-unit={u.unitId}>
              <th scope="row">
                <Link to={`/portfolio/units/${encodeURIComponent(u.unitId)}`}>{u.unitId}</Link>
              </th>
              <td>
                {u.seniority} (rank {u.rank})
              </td>
              <td>{yieldText(u.yield)}</td>
              <td className="num" data-field="nav">
                <Money value={u.nav} />
              </td>
              <td className="num" data-field="shares">
                <Money value={u.shares} />
              </td>
              <td className="num" data-field="navPerShare">
                <Money value={u.navPerShare} />
              </td>
              <td className="num" data-field="subordination">
                <Money value={u.tranche.subordination} />
              </td>
              <td data-field="signals">{u.signals.length === 0 ? <span className="muted">none</span> : u.signals.map((s) => <span key={s.code} className="badge sev-warning" title={s.message}>{s.code}</span>)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
