import { Link, useSearchParams } from 'react-router'
import { useApi, type SleeveList } from '../api'
import { Load, Money, Section, SleeveLink, StateBadge } from '../components/ui'
import { time } from '../format'
import { usePageTitle } from './title'

const STATES = ['', 'CREATED', 'FILLING', 'OFFBOARDING', 'DEPLOYING', 'AT_REST', 'UNWINDING', 'CLOSED']

export function SleevesPage() {
  usePageTitle('Sleeves')
  const [params, setParams] = useSearchParams()
  const query = params.toString()
  const result = useApi<SleeveList>(`/sleeves${query ? `?${query}` : ''}`)
  const set = (key: string, value: string) => {
    const next = new URLSearchParams(params)
    if (value) next.set(key, value)
    else next.delete(key)
    next.delete('cursor')
    setParams(next)
  }
  return (
    <>
      <h1>Sleeves</h1>
      <Section title="All sleeves" id="list">
        <form className="filters" role="search" aria-label="Filter sleeves" onSubmit={(e) => e.preventDefault()}>
          <label>
            <span>State</span>
            <select value={params.get('state') ?? ''} onChange={(e) => set('state', e.target.value)}>
              {STATES.map((s) => (
                <option key={s} value={s}>
                  {s || 'any'}
                </option>
              ))}
            </select>
          </label>
          <label>
            <span>Halo class</span>
            <input defaultValue={params.get('haloClass') ?? ''} onBlur={(e) => set('haloClass', e.target.value)} />
          </label>
        </form>
        <Load result={result}>
          {(d) => (
            <>
              <div className="table-wrap">
                <table data-testid="sleeves">
                  <caption className="sr-only">Sleeves in creation order</caption>
                  <thead>
                    <tr>
                      <th scope="col">Sleeve</th>
                      <th scope="col">Halo class</th>
                      <th scope="col">State</th>
                      <th scope="col" className="num">Units</th>
                      <th scope="col" className="num">Capital (USD)</th>
                      <th scope="col">Updated</th>
                    </tr>
                  </thead>
                  <tbody>
                    {d.items.map((s) => (
                      <tr key={s.sleeveId}>
                        <th scope="row">
                          <SleeveLink id={s.sleeveId} />
                        </th>
                        <td>{s.haloClass}</td>
                        <td>
                          <StateBadge state={s.state} />
                        </td>
                        <td className="num">{s.units}</td>
                        <td className="num">
                          <Money value={s.capitalUsd} />
                        </td>
                        <td>{time(s.updatedAt)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              {d.nextCursor ? (
                <p>
                  <Link to={`/sleeves?${new URLSearchParams({ ...Object.fromEntries(params), cursor: d.nextCursor }).toString()}`}>Next page →</Link>
                </p>
              ) : null}
            </>
          )}
        </Load>
      </Section>
    </>
  )
}
