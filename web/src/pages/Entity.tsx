import { Link, useParams } from 'react-router'
import { useApi, type EntityPage as EntityData } from '../api'
import { Load, Section } from '../components/ui'
import { shortHex, time } from '../format'
import { usePageTitle } from './title'

/** Any Synome record (attestation, Halo class, risk framework, Core Halo, role, …): its latest data and every version. */
export function EntityPage() {
  const { type = '', id = '' } = useParams()
  usePageTitle(`${type} ${id}`)
  const result = useApi<EntityData>(`/entities/${encodeURIComponent(type)}/${encodeURIComponent(id)}`)
  return (
    <>
      <h1>
        {type} {id}
      </h1>
      <Load result={result}>
        {(d) => (
          <>
            <Section title={`Latest (v${d.record.version}, ${time(d.record.updatedAt)})`} id="record">
              <pre className="json" tabIndex={0} aria-label="Record as JSON">
                {JSON.stringify(d.record.data, null, 2)}
              </pre>
            </Section>
            <Section title="Versions" id="versions">
              <div className="table-wrap">
                <table>
                  <caption className="sr-only">Every version of this record</caption>
                  <thead>
                    <tr>
                      <th scope="col" className="num">Version</th>
                      <th scope="col">Time</th>
                      <th scope="col">Command</th>
                      <th scope="col">Signer</th>
                      <th scope="col">Override</th>
                    </tr>
                  </thead>
                  <tbody>
                    {d.history.map((v) => (
                      <tr key={v.version}>
                        <th scope="row" className="num">
                          {v.version}
                        </th>
                        <td>{time(v.time)}</td>
                        <td>
                          <Link to={`/history?command=${encodeURIComponent(v.command)}&entityId=${encodeURIComponent(id)}`}>{v.command}</Link> (#{v.position})
                        </td>
                        <td>
                          <code title={v.actor}>{shortHex(v.actor)}</code> {v.role}
                        </td>
                        <td>{v.override ? `yes: ${v.reason}` : ''}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </Section>
          </>
        )}
      </Load>
    </>
  )
}
