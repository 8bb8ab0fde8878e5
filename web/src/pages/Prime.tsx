import { useParams } from 'react-router'
import { useApi } from '../api'
import type { Unit } from '../api'
import { Load, Money, Section, SleeveLink, StateBadge, UnitLink } from '../components/ui'
import { usePageTitle } from './title'

export function PrimePage() {
  const { prime = '' } = useParams()
  usePageTitle(`Prime ${prime}`)
  const result = useApi<{ items: { data: Unit }[]; nextCursor: string | null }>(`/entities/unit?prime=${encodeURIComponent(prime)}&limit=1000`)
  return (
    <>
      <h1>Prime {prime}</h1>
      <Section title="Units held" id="units">
        <Load result={result}>
          {(d) => (
            <div className="table-wrap">
              <table data-testid="prime-units">
                <caption className="sr-only">Units whose depositor is this Prime</caption>
                <thead>
                  <tr>
                    <th scope="col">Unit</th>
                    <th scope="col">Sleeve</th>
                    <th scope="col">State</th>
                    <th scope="col" className="num">Principal (USDS)</th>
                  </tr>
                </thead>
                <tbody>
                  {d.items.map(({ data: u }) => (
                    <tr key={u.unitId}>
                      <th scope="row">
                        <UnitLink id={u.unitId} />
                      </th>
                      <td>
                        <SleeveLink id={u.sleeveId} />
                      </td>
                      <td>
                        <StateBadge state={u.state} />
                      </td>
                      <td className="num">
                        <Money value={u.principal} />
                      </td>
                    </tr>
                  ))}
                  {d.items.length === 0 ? (
                    <tr>
                      <td colSpan={4} className="muted">
                        No units.
                      </td>
                    </tr>
                  ) : null}
                </tbody>
              </table>
            </div>
          )}
        </Load>
      </Section>
    </>
  )
}
