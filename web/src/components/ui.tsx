import type { ReactNode } from 'react'
import { Link } from 'react-router'
import type { Alert, AlertCount, Loaded } from '../api'
import { groupDigits, shortHex } from '../format'

/** An exact amount, grouped for reading; `data-exact` carries the string as received. */
export function Money({ value, unit }: { value: string | null | undefined; unit?: string }) {
  if (value === null || value === undefined) return <span className="muted">—</span>
  return (
    <span className="money" data-exact={value}>
      {value === 'unlimited' ? 'unlimited' : groupDigits(value)}
      {unit && value !== 'unlimited' ? <span className="unit"> {unit}</span> : null}
    </span>
  )
}

export function StateBadge({ state }: { state: string }) {
  return <span className={`badge state-${state.toLowerCase()}`}>{state.replace('_', ' ')}</span>
}

export function Severity({ severity }: { severity: string }) {
  return <span className={`badge sev-${severity}`}>{severity}</span>
}

export function SleeveLink({ id }: { id: string }) {
  return <Link to={`/sleeves/${encodeURIComponent(id)}`}>{id}</Link>
}
export function UnitLink({ id }: { id: string | number }) {
  return <Link to={`/units/${encodeURIComponent(String(id))}`}>#{id}</Link>
}
export function PrimeLink({ prime }: { prime: string }) {
  return <Link to={`/primes/${encodeURIComponent(prime)}`}>{prime.startsWith('0x') ? shortHex(prime) : prime}</Link>
}
export function EntityLink({ type, id, children }: { type: string; id: string; children?: ReactNode }) {
  const to = type === 'sleeve' ? `/sleeves/${encodeURIComponent(id)}` : type === 'unit' ? `/units/${encodeURIComponent(id)}` : type === 'prime' ? `/primes/${encodeURIComponent(id)}` : `/entities/${encodeURIComponent(type)}/${encodeURIComponent(id)}`
  return <Link to={to}>{children ?? `${type} ${id}`}</Link>
}
export function Address({ value }: { value: string | null | undefined }) {
  if (!value) return <span className="muted">—</span>
  return (
    <code title={value} className="address">
      {value}
    </code>
  )
}

/** Loading / error / content for one API result; errors are announced to screen readers. */
export function Load<T>({ result, children }: { result: Loaded<T>; children: (data: T) => ReactNode }) {
  if (result.state === 'loading') return <p role="status" className="muted">Loading…</p>
  if (result.state === 'error') return <p role="alert" className="error">Could not load: {result.error.message}</p>
  return <>{children(result.data)}</>
}

export function Section({ title, id, children, actions }: { title: string; id: string; children: ReactNode; actions?: ReactNode }) {
  return (
    <section aria-labelledby={id} className="card">
      <div className="card-head">
        <h2 id={id}>{title}</h2>
        {actions}
      </div>
      {children}
    </section>
  )
}

export function Facts({ rows, label }: { rows: [string, ReactNode][]; label: string }) {
  return (
    <dl className="facts" aria-label={label}>
      {rows.map(([k, v]) => (
        <div key={k} className="fact">
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  )
}

export function Alerts({ alerts, empty = 'No open alerts.' }: { alerts: Alert[]; empty?: string }) {
  if (alerts.length === 0) return <p className="ok-text">{empty}</p>
  return (
    <div className="table-wrap">
      <table>
        <caption className="sr-only">Open lpla-verify alerts</caption>
        <thead>
          <tr>
            <th scope="col">Severity</th>
            <th scope="col">Code</th>
            <th scope="col">Entity</th>
            <th scope="col">Message</th>
          </tr>
        </thead>
        <tbody>
          {alerts.map((a, i) => (
            <tr key={`${a.code}-${a.entity.type}-${a.entity.id}-${i}`} data-alert-code={a.code}>
              <td>
                <Severity severity={a.severity} />
              </td>
              <td>
                <code>{a.code}</code>
              </td>
              <td>
                <EntityLink type={a.entity.type} id={a.entity.id} />
              </td>
              <td>{a.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

/** Alerts by code, each a link to the full list of that code. */
export function AlertCounts({ counts }: { counts: AlertCount[] }) {
  if (counts.length === 0) return null
  return (
    <ul className="chips" aria-label="Alerts by code">
      {counts.map((c) => (
        <li key={c.code} data-alert-count={c.code}>
          <Link to={`/alerts?code=${encodeURIComponent(c.code)}`}>
            <Severity severity={c.severity} /> <code>{c.code}</code> × {c.count}
          </Link>
        </li>
      ))}
    </ul>
  )
}
