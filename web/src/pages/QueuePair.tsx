import { useParams } from 'react-router'
import { useApi, type LctsInputs, type LctsPairPage, type LctsQueueSettlement, type LctsQueueView } from '../api'
import { StepChart } from '../components/StepChart'
import { EntityLink, Facts, Load, Money, Section, StateBadge } from '../components/ui'
import { shortHex, time } from '../format'
import { usePageTitle } from './title'

const SOURCE: Record<string, string> = {
  'this-epoch': 'the Council’s inputs for this epoch',
  'last-recorded': 'the last capacity inputs recorded (not this epoch’s: applied as lpha-lcts’s previous-epoch fallback)',
  'last-settlement': 'the inputs the last settlement used',
  none: 'no inputs recorded: net-flow netting only',
}

export function QueuePairPage() {
  const { pairId = '' } = useParams()
  usePageTitle(`Queue pair ${pairId}`)
  const result = useApi<LctsPairPage>(`/lcts/${encodeURIComponent(pairId)}`)
  return (
    <>
      <h1>Queue pair {pairId}</h1>
      <Load result={result}>
        {(d) => (
          <>
            <p className="asof">
              lpha-lcts schedule: lock at <strong>{d.schedule.lockAt}</strong>, settle at <strong>{d.schedule.settleAt}</strong>
              {d.chain ? (
                <>
                  {' '}
                  · chain block <strong>#{d.chain.block}</strong> at {time(d.chain.chainTime)}
                </>
              ) : null}
            </p>
            {d.notes.length ? <p className="muted" data-testid="lcts-notes">{d.notes.join(' · ')}</p> : null}
            {d.chain ? (
              <Section title="Queues on chain" id="queues">
                <Facts label="Pair totals" rows={[['Exchange rate (value per token)', <Money value={d.chain.exchangeRate} />], ['Token supply', <Money value={d.chain.tokenSupply} />]]} />
                <div className="table-wrap">
                  <table data-testid="lcts-queues">
                    <caption className="sr-only">Each queue's current generation: state, when a locked generation unlocks, totals</caption>
                    <thead>
                      <tr>
                        <th scope="col">Queue</th>
                        <th scope="col">State</th>
                        <th scope="col">Generation</th>
                        <th scope="col" className="num">Underlying queued</th>
                        <th scope="col" className="num">Shares</th>
                        <th scope="col" className="num">Dust threshold</th>
                      </tr>
                    </thead>
                    <tbody>
                      <QueueRow name="subscribe" q={d.chain.subscribe} address={d.chain.addresses.subscribeQueue} />
                      <QueueRow name="redeem" q={d.chain.redeem} address={d.chain.addresses.redeemQueue} />
                    </tbody>
                  </table>
                </div>
              </Section>
            ) : null}
            {d.preview ? (
              <Section title={`Next settlement preview (epoch ${d.preview.epoch})`} id="preview">
                <p data-testid="preview-inputs">
                  Uses {SOURCE[d.preview.inputs.source]}
                  {d.preview.inputs.epoch ? ` (epoch ${d.preview.inputs.epoch})` : ''}; settles at {time(d.preview.settlesAt)}; fallback <code>{d.preview.fallback}</code>.
                </p>
                {d.preview.inputs.values ? <InputsFacts inputs={d.preview.inputs.values} label="Inputs the preview used" /> : null}
                <Facts
                  label="Preview"
                  rows={[
                    ['Exchange rate now → after accrual', <span data-testid="preview-rate" data-exact={d.preview.exchangeRateWad} title={`Wad ${d.preview.exchangeRateBeforeWad} → ${d.preview.exchangeRateWad}`}>{d.preview.exchangeRateBefore} → {d.preview.exchangeRate}</span>],
                    ['Matched by netting (value)', <Money value={d.preview.matchedValue} />],
                    ['Origination allowed (value)', <Money value={d.preview.originationAllowed} />],
                  ]}
                />
                <div className="table-wrap">
                  <table data-testid="lcts-preview">
                    <caption className="sr-only">What the next settlement would convert on each queue</caption>
                    <thead>
                      <tr>
                        <th scope="col">Queue</th>
                        <th scope="col" className="num">Capacity</th>
                        <th scope="col" className="num">Converts</th>
                        <th scope="col" className="num">Left queued</th>
                        <th scope="col">Finalizes</th>
                      </tr>
                    </thead>
                    <tbody>
                      {(['subscribe', 'redeem'] as const).map((side) => (
                        <tr key={side} data-side={side}>
                          <th scope="row">{side}</th>
                          <td className="num"><Money value={d.preview![side].capacity} /></td>
                          <td className="num" data-field="converts"><Money value={d.preview![side].converts} /></td>
                          <td className="num"><Money value={d.preview![side].remaining} /></td>
                          <td>{d.preview![side].finalizes ? 'yes' : 'no'}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              </Section>
            ) : null}
            <Section title="Exchange rate over time" id="rate">
              <StepChart points={d.rateHistory.map((p) => ({ label: p.epoch, exact: p.exchangeRate }))} series="exchange rate" testId="rate-chart" empty="No settlement: no exchange rate history." />
            </Section>
            <Section title={`Settlement history (${d.settlements.length})`} id="settlements">
              {d.settlements.length === 0 ? (
                <p className="muted">No settlement recorded yet.</p>
              ) : (
                <div className="table-wrap">
                  <table data-testid="lcts-settlements">
                    <caption className="sr-only">Every settlement lpha-lcts recorded in the Synome: inputs, capacity, converted, rates</caption>
                    <thead>
                      <tr>
                        <th scope="col">Epoch</th>
                        <th scope="col">Inputs (fallback)</th>
                        <th scope="col" className="num">Matched</th>
                        <th scope="col">Subscribe capacity / converted</th>
                        <th scope="col">Redeem capacity / converted</th>
                        <th scope="col" className="num">Rate before → after</th>
                        <th scope="col" className="num">Token supply</th>
                      </tr>
                    </thead>
                    <tbody>
                      {d.settlements.map((s) => (
                        <tr key={s.epoch} data-epoch={s.epoch}>
                          <th scope="row">
                            <EntityLink type="lctsSettlement" id={`${s.pairId}:${s.epoch}`}>{s.epoch}</EntityLink>
                          </th>
                          <td>
                            {s.inputsUsed ? `${s.inputsUsed.clearingSpreadBps} / ${s.inputsUsed.targetSpreadBps} bps, origination ${s.inputsUsed.originationCapacity}, redemption ${s.inputsUsed.redemptionLimit}` : 'none'} ({s.fallback})
                          </td>
                          <td className="num"><Money value={s.matchedValue} /></td>
                          <SideCell q={s.subscribe} field="subscribe" />
                          <SideCell q={s.redeem} field="redeem" />
                          <td className="num" data-field="rate" data-exact={s.exchangeRateWad}>
                            {s.exchangeRateBefore} → {s.exchangeRate}
                          </td>
                          <td className="num"><Money value={s.tokenSupply} /></td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
            </Section>
            <Section title={`Capacity inputs (${d.inputs.length})`} id="inputs">
              {d.inputs.length === 0 ? (
                <p className="muted">The Council has set no capacity inputs.</p>
              ) : (
                <ul>
                  {d.inputs.map((i) => (
                    <li key={i.epoch} data-inputs-epoch={i.epoch}>
                      <EntityLink type="lctsCapacityInputs" id={`${d.pairId}:${i.epoch}`}>{i.epoch}</EntityLink> set {time(i.setAt)}: <InputsFacts inputs={i.inputs} label={`Inputs for ${i.epoch}`} />
                    </li>
                  ))}
                </ul>
              )}
            </Section>
          </>
        )}
      </Load>
    </>
  )
}

function QueueRow({ name, q, address }: { name: string; q: LctsQueueView; address: string | undefined }) {
  return (
    <tr data-queue={name}>
      <th scope="row">
        {name} {address ? <code title={address}>{shortHex(address)}</code> : null}
      </th>
      <td data-field="status">
        <StateBadge state={q.status} />
        {q.unlocksAt ? (
          <>
            {' '}
            unlocks <time dateTime={q.unlocksAt} data-field="unlocks">{time(q.unlocksAt)}</time>
            {q.overdue ? <span className="badge sev-warning"> overdue</span> : null}
          </>
        ) : null}
      </td>
      <td>{q.generationId ?? '—'}</td>
      <td className="num" data-field="underlying"><Money value={q.totalUnderlying} /></td>
      <td className="num"><Money value={q.totalShares} /></td>
      <td className="num"><Money value={q.dustThreshold} /></td>
    </tr>
  )
}

function SideCell({ q, field }: { q: LctsQueueSettlement | null; field: string }) {
  if (!q) return <td className="muted" data-field={field}>not settled</td>
  return (
    <td data-field={field}>
      <Money value={q.capacity} /> / <Money value={q.converted} /> (gen {q.generationId}
      {q.finalized ? ', finalized' : ''})
    </td>
  )
}

function InputsFacts({ inputs, label }: { inputs: LctsInputs; label: string }) {
  return (
    <Facts
      label={label}
      rows={[
        ['Origination capacity', <Money value={inputs.originationCapacity} />],
        ['Clearing spread', `${inputs.clearingSpreadBps} bps`],
        ['Risk capital demand', <Money value={inputs.riskCapitalDemand} />],
        ['Target spread', `${inputs.targetSpreadBps} bps`],
        ['Redemption limit', <Money value={inputs.redemptionLimit} />],
      ]}
    />
  )
}
