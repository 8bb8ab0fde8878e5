import { useState, type FormEvent } from 'react'
import { Link, useSearchParams } from 'react-router'
import { useApi, type EventsPage, type VerifyLog } from '../api'
import { EntityLink, Load, Section } from '../components/ui'
import { shortHex, time } from '../format'
import { usePageTitle } from './title'

const FILTERS = [
  ['command', 'Command'],
  ['actor', 'Signer address'],
  ['entityType', 'Entity type'],
  ['entityId', 'Entity id'],
] as const

export function HistoryPage() {
  usePageTitle('History')
  const [params, setParams] = useSearchParams()
  const query = params.toString()
  const events = useApi<EventsPage>(`/events${query ? `?${query}` : ''}`)
  const chain = useApi<VerifyLog>('/verify-log')
  const [draft, setDraft] = useState(() => Object.fromEntries(FILTERS.map(([k]) => [k, params.get(k) ?? ''])))
  const submit = (e: FormEvent) => {
    e.preventDefault()
    const next = new URLSearchParams()
    for (const [k] of FILTERS) if (draft[k]) next.set(k, draft[k]!)
    setParams(next)
  }
  return (
    <>
      <h1>History</h1>
      <Section title="Hash chain" id="chain">
        <Load result={chain}>
          {(v) =>
            v.ok ? (
              <p className="ok-text" role="status" data-testid="hash-chain">
                ✓ Hash chain verified by this dashboard over {v.events} events (through #{v.position}), head <code title={v.head}>{shortHex(v.head)}</code>.
              </p>
            ) : (
              <p className="error" role="alert" data-testid="hash-chain">
                ✗ Hash chain broken at event #{v.brokenAt}: {v.reason}
              </p>
            )
          }
        </Load>
      </Section>
      <Section title="Event log" id="events">
        <form className="filters" onSubmit={submit} role="search" aria-label="Filter events">
          {FILTERS.map(([key, label]) => (
            <label key={key}>
              <span>{label}</span>
              <input name={key} value={draft[key]} onChange={(e) => setDraft({ ...draft, [key]: e.target.value })} />
            </label>
          ))}
          <button type="submit">Filter</button>
          <button
            type="button"
            onClick={() => {
              setDraft(Object.fromEntries(FILTERS.map(([k]) => [k, ''])))
              setParams(new URLSearchParams())
            }}
          >
            Clear
          </button>
        </form>
        <Load result={events}>
          {(d) => (
            <>
              <div className="table-wrap">
                <table data-testid="events">
                  <caption className="sr-only">Synome events, newest first</caption>
                  <thead>
                    <tr>
                      <th scope="col" className="num">#</th>
                      <th scope="col">Time</th>
                      <th scope="col">Command</th>
                      <th scope="col">Entity</th>
                      <th scope="col">Signer</th>
                      <th scope="col">Signature</th>
                      <th scope="col">Hash</th>
                    </tr>
                  </thead>
                  <tbody>
                    {d.events.map((e) => (
                      <tr key={e.position} data-position={e.position}>
                        <th scope="row" className="num">
                          {e.position}
                        </th>
                        <td>{time(e.time)}</td>
                        <td>
                          <Link to={`/history?command=${encodeURIComponent(e.command)}`}>{e.command}</Link>
                        </td>
                        <td>
                          <EntityLink type={e.entityType} id={e.entityId} />
                        </td>
                        <td>
                          <Link to={`/history?actor=${encodeURIComponent(e.actor)}`} title={e.actor}>
                            {e.actor.startsWith('0x') ? shortHex(e.actor) : e.actor}
                          </Link>{' '}
                          <span className="muted small">{e.role}</span>
                        </td>
                        <td data-field="signature">{e.signatureCheck.ok ? <span className="ok-text" title={e.signatureCheck.detail}>✓ valid</span> : <span className="error" title={e.signatureCheck.detail}>✗ {e.signatureCheck.detail}</span>}</td>
                        <td>
                          <code title={e.hash}>{shortHex(e.hash, 4)}</code>
                        </td>
                      </tr>
                    ))}
                    {d.events.length === 0 ? (
                      <tr>
                        <td colSpan={7} className="muted">
                          No events match (scanned {d.scanned}).
                        </td>
                      </tr>
                    ) : null}
                  </tbody>
                </table>
              </div>
              {d.nextBefore ? (
                <p>
                  <Link to={`/history?${withParam(params, 'before', String(d.nextBefore))}`}>Older events →</Link>
                </p>
              ) : null}
            </>
          )}
        </Load>
      </Section>
    </>
  )
}

function withParam(params: URLSearchParams, key: string, value: string): string {
  const next = new URLSearchParams(params)
  next.set(key, value)
  return next.toString()
}
