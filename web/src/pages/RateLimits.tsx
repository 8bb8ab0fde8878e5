import { useApi, type RateLimitRow, type RateLimitsPage as RateLimitsData } from '../api'
import { Load, Money, Section } from '../components/ui'
import { forDrawing, groupDigits, shortHex, time } from '../format'
import { usePageTitle } from './title'

export function RateLimitsPage() {
  usePageTitle('Rate limits')
  const result = useApi<RateLimitsData>('/rate-limits')
  return (
    <>
      <h1>Rate limits</h1>
      <Load result={result}>
        {(d) =>
          !d.configured ? (
            <p className="muted">{d.notes.join(' · ')}</p>
          ) : (
            <>
              <p className="asof">
                Chain block <strong>#{d.block}</strong> at {time(d.chainTime)} · RateLimits {d.rateLimits ? <code title={d.rateLimits}>{shortHex(d.rateLimits)}</code> : '—'}
                {d.sorl ? (
                  <>
                    {' '}
                    · SORL: increases every <strong>{hours(d.sorl.hopSeconds)}</strong> by at most <strong>{bps(d.sorl.maxChangeBps)}</strong>
                  </>
                ) : null}
              </p>
              {d.notes.length ? <p className="muted">{d.notes.join(' · ')}</p> : null}
              <Section title={`PAU rate-limit keys (${d.keys.length})`} id="keys">
                <div className="table-wrap">
                  <table data-testid="rate-limits">
                    <caption className="sr-only">Every PAU rate-limit key: available against maximum, refill slope and SORL headroom</caption>
                    <thead>
                      <tr>
                        <th scope="col">Key</th>
                        <th scope="col">Available of max</th>
                        <th scope="col" className="num">Refill / s</th>
                        <th scope="col">Next SORL increase</th>
                      </tr>
                    </thead>
                    <tbody>
                      {d.keys.map((k) => (
                        <KeyRow key={k.key} row={k} />
                      ))}
                    </tbody>
                  </table>
                </div>
              </Section>
              <Section title="Pending timelock operations" id="timelock">
                {!d.timelock ? (
                  <p className="muted">No timelock configured.</p>
                ) : (
                  <>
                    <p className="muted">
                      Timelock <code title={d.timelock.address}>{shortHex(d.timelock.address)}</code>, minimum delay {seconds(d.timelock.minDelaySeconds)}
                    </p>
                    <div className="table-wrap">
                      <table data-testid="timelock">
                        <caption className="sr-only">Operations scheduled on the timelock and not yet executed or cancelled</caption>
                        <thead>
                          <tr>
                            <th scope="col">Operation</th>
                            <th scope="col">Call</th>
                            <th scope="col">ETA</th>
                            <th scope="col">Status</th>
                          </tr>
                        </thead>
                        <tbody>
                          {d.timelock.pending.map((op) => (
                            <tr key={`${op.id}-${op.index}`} data-op={op.id}>
                              <th scope="row">
                                <code title={op.id}>{shortHex(op.id)}</code>
                              </th>
                              <td>
                                <code className="call">{op.call}</code>
                              </td>
                              <td data-field="eta">
                                <time dateTime={op.eta}>{time(op.eta)}</time>
                              </td>
                              <td>{op.ready ? <span className="badge sev-warning">ready to execute</span> : <span className="badge">waiting</span>}</td>
                            </tr>
                          ))}
                          {d.timelock.pending.length === 0 ? (
                            <tr>
                              <td colSpan={4} className="muted">
                                Nothing pending.
                              </td>
                            </tr>
                          ) : null}
                        </tbody>
                      </table>
                    </div>
                  </>
                )}
              </Section>
            </>
          )
        }
      </Load>
    </>
  )
}

function KeyRow({ row }: { row: RateLimitRow }) {
  const unit = row.token ?? ''
  const max = forDrawing(row.maxAmount)
  const fill = row.unlimited ? 1 : max > 0 ? Math.min(1, forDrawing(row.available) / max) : 0
  const label = row.label ?? 'unnamed key'
  return (
    <tr data-key={row.key} data-label={row.label ?? ''}>
      <th scope="row">
        <div>{label}</div>
        <code className="small muted" title={row.key}>
          {shortHex(row.key)}
        </code>
      </th>
      <td data-field="available">
        <div className="meter" role="meter" aria-label={`${label}: available of maximum`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(fill * 100)} aria-valuetext={row.unlimited ? 'unlimited' : `${groupDigits(row.available)} of ${groupDigits(row.maxAmount)} ${unit}`}>
          <div className="meter-fill" style={{ width: `${fill * 100}%` }} />
        </div>
        {row.unlimited ? (
          <span>unlimited</span>
        ) : (
          <span>
            <Money value={row.available} /> of <Money value={row.maxAmount} unit={unit} />
          </span>
        )}
      </td>
      <td className="num" data-field="slope">
        <Money value={row.slopePerSecond} unit={unit} />
      </td>
      <td data-field="sorl">
        {row.sorl === null ? (
          <span className="muted">—</span>
        ) : 'error' in row.sorl ? (
          <span className="muted">no increase possible ({row.sorl.error})</span>
        ) : (
          <span>
            {row.sorl.allowedNow ? 'now' : <time dateTime={row.sorl.notBefore ?? ''}>{time(row.sorl.notBefore)}</time>}: max up to <Money value={row.sorl.nextMaxAmount} unit={unit} />, slope up to <Money value={row.sorl.nextSlopePerSecond} unit={`${unit}/s`} />
          </span>
        )}
      </td>
    </tr>
  )
}

const hours = (s: string) => (BigInt(s) % 3600n === 0n ? `${BigInt(s) / 3600n} h` : `${s} s`)
const seconds = (s: string) => (BigInt(s) % 86400n === 0n ? `${BigInt(s) / 86400n} days` : `${s} s`)
const bps = (s: string) => `${BigInt(s) / 100n}${BigInt(s) % 100n ? `.${String(BigInt(s) % 100n).padStart(2, '0')}` : ''}%`
