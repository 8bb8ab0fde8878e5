import { Link, useSearchParams } from 'react-router'
import { useApi, type AlertsPage } from '../api'
import { AlertCounts, Alerts, Load, Section } from '../components/ui'
import { usePageTitle } from './title'

const PAGE = 100

export function AlertsPageView() {
  usePageTitle('Alerts')
  const [params] = useSearchParams()
  const query = params.toString()
  const result = useApi<AlertsPage>(`/alerts${query ? `?${query}` : ''}`)
  const code = params.get('code')
  const offset = Number(params.get('offset') ?? 0)
  const at = (next: number) => {
    const p = new URLSearchParams(params)
    p.set('offset', String(next))
    return `/alerts?${p.toString()}`
  }
  return (
    <>
      <h1>Alerts{code ? ` — ${code}` : ''}</h1>
      <Load result={result}>
        {(d) => (
          <Section title={`${d.total} open lpla-verify alerts as of event #${d.asOf.position}`} id="alerts">
            <AlertCounts counts={d.counts} />
            {code ? (
              <p>
                <Link to="/alerts">All codes</Link>
              </p>
            ) : null}
            <Alerts alerts={d.alerts} />
            <p>
              {offset > 0 ? <Link to={at(Math.max(0, offset - PAGE))}>← Previous</Link> : null} {offset + d.alerts.length < d.total ? <Link to={at(offset + PAGE)}>Next →</Link> : null}
            </p>
          </Section>
        )}
      </Load>
    </>
  )
}
