import { Link, useParams } from 'react-router'
import { useApi, type UnitPage as UnitData } from '../api'
import { Address, Alerts, Load, Money, PrimeLink, Section, SleeveLink, StateBadge } from '../components/ui'
import { percent, time } from '../format'
import { usePageTitle } from './title'

export function UnitPage() {
  const { unitId = '' } = useParams()
  usePageTitle(`Unit ${unitId}`)
  const result = useApi<UnitData>(`/units/${encodeURIComponent(unitId)}`)
  return (
    <>
      <nav aria-label="Breadcrumb" className="crumbs">
        {result.state === 'ok' ? (
          <>
            <Link to="/sleeves">Sleeves</Link> › <SleeveLink id={result.data.unit.sleeveId} /> ›{' '}
          </>
        ) : null}
        <span aria-current="page">Unit #{unitId}</span>
      </nav>
      <h1>
        Unit #{unitId} {result.state === 'ok' ? <StateBadge state={result.data.unit.state} /> : null}
      </h1>
      <Load result={result}>
        {(d) => {
          const nfat = d.chain
          const onChain = nfat && nfat.exists ? nfat : null
          const ok = d.check.verified && d.check.alerts.length === 0
          return (
            <>
              <Section title="Position check (lpla-verify)" id="check">
                <p className={ok ? 'ok-text' : d.check.verified ? 'error' : 'muted'} data-testid="check" role="status">
                  {ok ? '✓ The NFAT on chain agrees with the Synome unit.' : d.check.verified ? `✗ ${d.check.alerts.length} disagreement(s) with the chain.` : 'Not verified.'} <span className="muted">{d.check.note}</span>
                </p>
                {d.check.alerts.length ? <Alerts alerts={d.check.alerts} /> : null}
              </Section>
              <Section title="Synome beside chain" id="compare">
                <div className="table-wrap">
                  <table data-testid="compare" className="compare">
                    <caption className="sr-only">The unit as the Synome records it, beside the NFAT on chain</caption>
                    <thead>
                      <tr>
                        <th scope="col">Fact</th>
                        <th scope="col">Synome</th>
                        <th scope="col">Chain (NFAT)</th>
                      </tr>
                    </thead>
                    <tbody>
                      <Row label="Exists" synome="yes" chain={nfat ? (nfat.exists ? 'yes' : 'no (never minted, or burned on redemption)') : '—'} />
                      <Row field="principal" label="Principal (USDS)" synome={<Money value={d.unit.principal} />} chain={onChain ? <Money value={onChain.principal} /> : '—'} />
                      <Row field="facility" label="Facility" synome={<Address value={d.unit.nfat.facility} />} chain={onChain ? <Address value={onChain.facility} /> : '—'} />
                      <Row
                        field="depositor"
                        label="Depositor"
                        synome={
                          <>
                            <PrimeLink prime={d.unit.depositorPrime} /> {d.depositorAddress ? <Address value={d.depositorAddress} /> : null}
                          </>
                        }
                        chain={onChain ? <Address value={onChain.depositor} /> : '—'}
                      />
                      <Row field="owner" label="Holder" synome="—" chain={onChain ? <Address value={onChain.owner} /> : '—'} />
                      <Row label="Token id" synome={d.unit.nfat.tokenId} chain={nfat?.tokenId ?? '—'} />
                      <Row label="Minted / created" synome={time(d.unit.timestamps.created)} chain={onChain ? time(onChain.mintedAt) : '—'} />
                      <Row field="funded" label="Funded for redemption (USDS)" synome={<Money value={d.unit.repaymentAmount} />} chain={onChain ? <Money value={onChain.fundedAmount} /> : '—'} />
                    </tbody>
                  </table>
                </div>
              </Section>
              <Section title="Deal" id="deal">
                <dl className="facts" aria-label="Deal terms">
                  <div className="fact">
                    <dt>Sleeve</dt>
                    <dd>
                      <SleeveLink id={d.unit.sleeveId} />
                    </dd>
                  </div>
                  <div className="fact">
                    <dt>APY</dt>
                    <dd>{percent(d.unit.dealTerms.apy)}</dd>
                  </div>
                  <div className="fact">
                    <dt>Maturity</dt>
                    <dd>{time(d.unit.dealTerms.maturity)}</dd>
                  </div>
                  <div className="fact">
                    <dt>Payment schedule</dt>
                    <dd>{d.unit.dealTerms.paymentSchedule}</dd>
                  </div>
                  <div className="fact">
                    <dt>Required capital (USD)</dt>
                    <dd>
                      <Money value={d.risk?.requiredCapitalUsd ?? null} />
                    </dd>
                  </div>
                  <div className="fact">
                    <dt>Mint transaction</dt>
                    <dd>
                      <code>{d.unit.nfat.txHash}</code>
                    </dd>
                  </div>
                </dl>
                <p className="muted small">
                  <Link to={`/entities/unit/${encodeURIComponent(String(d.unit.unitId))}`}>Raw record and every version</Link>
                </p>
              </Section>
            </>
          )
        }}
      </Load>
    </>
  )
}

function Row({ label, synome, chain, field }: { label: string; synome: React.ReactNode; chain: React.ReactNode; field?: string }) {
  return (
    <tr data-field={field}>
      <th scope="row">{label}</th>
      <td data-side="synome">{synome}</td>
      <td data-side="chain">{chain}</td>
    </tr>
  )
}
