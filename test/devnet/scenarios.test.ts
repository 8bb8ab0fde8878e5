import { describe, expect, it } from 'vitest'
import { runScenario, type ScenarioOutcome } from '../../src/devnet/runScenario.js'
import { loadScenario } from '../../src/devnet/scenario.js'
import { formatEntry, formatOutcome } from '../../src/devnet/format.js'

/**
 * The documented partial-default example, run for real (anvil, the Term Halo deployed through
 * the Configurator, the beacons' own code): only 80% of the 75M principal comes back, and the
 * attestor is offline when the quarterly re-attestation falls due.
 */
describe('scenario: partial default with a missed re-attestation', () => {
  let outcome: ScenarioOutcome
  it('runs on a fresh devnet', async () => {
    outcome = await runScenario({ scenario: loadScenario('examples/scenarios/partial-default.json') })
    expect(outcome.synomeLogVerified).toBe(true)
  }, 120_000)

  it('60M returned is repaid pro rata by principal: 24M / 20M / 16M, NFATs burned, sleeve CLOSED', () => {
    expect(outcome.sleeves).toMatchObject([{ sleeveId: 'sleeve-7', state: 'CLOSED', linkedUnits: [42, 43, 44], returnedUsd: '60000000', attestations: ['att-101', 'att-102', 'att-103'] }])
    expect(outcome.repayments).toEqual([
      { unitId: 42, prime: 'spark', principal: '30000000', paid: '24000000' },
      { unitId: 43, prime: 'grove', principal: '25000000', paid: '20000000' },
      { unitId: 44, prime: 'keel', principal: '20000000', paid: '16000000' },
    ])
    expect(outcome.units.map((u) => [u.unitId, u.state, u.repaymentAmount])).toEqual([
      [42, 'CLOSED', '24000000'],
      [43, 'CLOSED', '20000000'],
      [44, 'CLOSED', '16000000'],
    ])
  })

  it('the missed periodic attestation raises REATTESTATION_OVERDUE and escalates CRR 0.12 → 0.17 → 0.22 → 0.27 weekly until att-103, then both recover', () => {
    expect(outcome.alerts).toEqual([expect.objectContaining({ code: 'REATTESTATION_OVERDUE', entity: 'sleeve:sleeve-7', resolvedAt: expect.any(String) })])
    const alert = outcome.alerts[0]!
    const att103 = outcome.timeline.find((e) => e.kind === 'synome' && e.command === 'postAttestation' && (e.payload as { attestationId: string }).attestationId === 'att-103')!
    expect(Date.parse(alert.raisedAt)).toBeLessThan(Date.parse(att103.at))
    expect(Date.parse(alert.resolvedAt!)).toBeGreaterThanOrEqual(Date.parse(att103.at))
    const atRest = outcome.crr['sleeve-7']!.filter((p) => p.state === 'AT_REST').map((p) => p.crr)
    const distinct = atRest.filter((crr, i) => crr !== atRest[i - 1])
    expect(distinct).toEqual(['0.12', '0.17', '0.22', '0.27', '0.12'])
  })

  it('CRR per sleeve follows the lifecycle: FILLING low, DEPLOYING highest, UNWINDING low, CLOSED zero', () => {
    const byState = new Map(outcome.crr['sleeve-7']!.map((p) => [p.state, p.crr]))
    expect(Object.fromEntries(byState)).toMatchObject({ FILLING: '0.01', DEPLOYING: '0.3', UNWINDING: '0.01', CLOSED: '0' })
  })

  it('the timeline is in time order with exact decimal amounts and a hash on every transaction', () => {
    const times = outcome.timeline.map((e) => Date.parse(e.at))
    expect(times).toEqual([...times].sort((a, b) => a - b))
    const txs = outcome.timeline.filter((e) => e.kind === 'tx')
    expect(txs.length).toBeGreaterThan(10)
    for (const tx of txs) expect(tx.txHash).toMatch(/^0x[0-9a-f]{64}$/)
    expect(txs.map((t) => t.action)).toEqual(expect.arrayContaining(['deposit', 'claim', 'psm-out', 'offramp', 'psm-in', 'onramp', 'fund', 'redeem']))
    expect(outcome.timeline).toContainEqual(expect.objectContaining({ kind: 'bank', amountUsd: '60000000' }))
    expect(JSON.stringify(outcome)).not.toMatch(/e\+\d/) // no float formatting anywhere
  })

  it('prints a readable timeline and outcome', () => {
    const burn = outcome.timeline.find((e) => e.kind === 'tx' && e.action === 'redeem' && e.actor === 'grove')!
    expect(formatEntry(burn)).toMatch(/^day 151 09:00  grove burns NFAT #43 and receives 20000000 USDS  tx 0x[0-9a-f]{64}$/)
    const text = formatOutcome(outcome)
    expect(text).toContain('sleeve sleeve-7: CLOSED, units #42 #43 #44, attestations att-101 att-102 att-103, returned 60000000 USD')
    expect(text).toContain('NFAT #42 (spark): CLOSED, principal 30000000 USDS, repayment 24000000, paid 24000000 USDS')
    expect(text).toMatch(/warning REATTESTATION_OVERDUE sleeve:sleeve-7: raised .*, resolved /)
  })
})
