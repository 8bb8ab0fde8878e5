import { Link } from 'react-router'
import { useApi, type LctsPairs } from '../api'
import { Load, Money, Section } from '../components/ui'
import { usePageTitle } from './title'

/** Every LCTS pair the Synome records (capacity inputs or settlements). */
export function QueuesPage() {
  usePageTitle('Queues')
  const result = useApi<LctsPairs>('/lcts')
  return (
    <>
      <h1>LCTS queues</h1>
      <Load result={result}>
        {(d) => (
          <Section title={`Queue pairs (${d.pairs.length})`} id="pairs">
            {d.pairs.length === 0 ? (
              <p className="muted">The Synome records no LCTS pair.</p>
            ) : (
              <div className="table-wrap">
                <table data-testid="lcts-pairs">
                  <caption className="sr-only">LCTS subscribe/redeem queue pairs recorded in the Synome, with their latest settlement</caption>
                  <thead>
                    <tr>
                      <th scope="col">Pair</th>
                      <th scope="col" className="num">Settlements</th>
                      <th scope="col">Last settled epoch</th>
                      <th scope="col" className="num">Exchange rate</th>
                      <th scope="col" className="num">Token supply</th>
                      <th scope="col">Latest capacity inputs</th>
                    </tr>
                  </thead>
                  <tbody>
                    {d.pairs.map((p) => (
                      <tr key={p.pairId} data-pair={p.pairId}>
                        <th scope="row">
                          <Link to={`/queues/${encodeURIComponent(p.pairId)}`}>{p.pairId}</Link>
                        </th>
                        <td className="num">{p.settlements}</td>
                        <td>{p.lastEpoch ?? '—'}</td>
                        <td className="num" data-field="rate">
                          <Money value={p.exchangeRate} />
                        </td>
                        <td className="num">
                          <Money value={p.tokenSupply} />
                        </td>
                        <td>{p.lastInputsEpoch ?? '—'}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </Section>
        )}
      </Load>
    </>
  )
}
