import { describe, expect, it } from 'vitest'
import { TRANSITION_ATTESTATION, assetJournal, capitalByState, effectiveCrr, exposureByPrime, sleeveTimeline, totalsByClass, unitsByState, type SleeveVersionLike } from '../../src/domain/dashboard.js'
import { ATTESTATION_TYPES, SLEEVE_STATES, SLEEVE_TRANSITIONS, checkTransition, type SleeveState } from '../../src/domain/sleeve.js'

const unit = (depositorPrime: string, principal: string, state = 'ACTIVE') => ({ depositorPrime, principal, state, haloClass: 'facility-A' })
const sleeve = (state: string, ...assets: { type: string; amount: string; location?: string }[]) => ({ state, haloClass: 'facility-A', assets })

describe('dashboard figures are exact', () => {
  it('capital by state: 0.1 + 0.2 USDS is 0.3 (no float on the way), and 1 wei on 75M is kept', () => {
    const byState = capitalByState([
      sleeve('FILLING', { type: 'USDS', amount: '0.1', location: 'facility-ALMProxy' }),
      sleeve('FILLING', { type: 'USDS', amount: '0.2', location: 'facility-ALMProxy' }),
      sleeve('AT_REST', { type: 'aggregate-deployed', amount: '75000000' }),
      sleeve('AT_REST', { type: 'USDS', amount: '0.000000000000000001', location: 'redeem-contract' }),
    ])
    expect(byState.map((s) => s.state)).toEqual([...SLEEVE_STATES])
    expect(byState.find((s) => s.state === 'FILLING')).toEqual({ state: 'FILLING', sleeves: 2, capitalUsd: '0.3' })
    expect(byState.find((s) => s.state === 'AT_REST')).toEqual({ state: 'AT_REST', sleeves: 2, capitalUsd: '75000000.000000000000000001' })
    expect(byState.find((s) => s.state === 'CLOSED')).toEqual({ state: 'CLOSED', sleeves: 0, capitalUsd: '0' })
  })

  it('per-Prime exposure counts live units only (a CLOSED unit is repaid): the seed split 30M / 25M / 20M', () => {
    const units = [unit('spark', '30000000'), unit('grove', '25000000'), unit('keel', '20000000'), unit('spark', '5', 'CLOSED')]
    expect(exposureByPrime(units)).toEqual([
      { prime: 'grove', units: 1, principal: '25000000' },
      { prime: 'keel', units: 1, principal: '20000000' },
      { prime: 'spark', units: 1, principal: '30000000' },
    ])
    expect(unitsByState(units).find((u) => u.state === 'CLOSED')).toEqual({ state: 'CLOSED', units: 1, principal: '5' })
    expect(totalsByClass(['facility-A', 'facility-B'], [sleeve('AT_REST', { type: 'aggregate-deployed', amount: '75000000' })], units)).toEqual([
      { haloClass: 'facility-A', sleeves: 1, units: 4, capitalUsd: '75000000', principal: '75000000' },
      { haloClass: 'facility-B', sleeves: 0, units: 0, capitalUsd: '0', principal: '0' },
    ])
  })

  it('effective CRR is required ÷ exposure, floored at 18 places: 9M on 75M is 0.12; a third stays a floor', () => {
    expect(effectiveCrr('9000000', '75000000')).toBe('0.12')
    expect(effectiveCrr('1', '3')).toBe('0.333333333333333333')
    expect(effectiveCrr('1', '0')).toBeNull()
  })
})

const POSITIVE_CONTENT = {
  PRE_DEPLOYMENT: { legalStructureVerified: true, bankAccountVerified: true, expectedRiskParameters: { seniorSecuredLoans: 3 }, maximumDeploymentDuration: '90d' },
  AT_REST: { confirmedRiskParameters: { weightedAverageDuration: '9.2m' }, legalClaimsVerified: true, deploymentComplete: true },
  PERIODIC: { statusNominal: true },
}

describe('sleeve timeline', () => {
  const v = (version: number, state: string, time: string, extra: Partial<SleeveVersionLike> = {}): SleeveVersionLike => ({
    version,
    position: version + 10,
    time,
    actor: '0xnfat',
    role: 'nfat',
    command: version === 1 ? 'createSleeve' : 'transitionSleeve',
    override: false,
    reason: null,
    data: { state, assets: [] },
    ...extra,
  })

  it('lists each state change once, with the newest gating attestation posted at or before it', () => {
    const versions = [
      v(1, 'CREATED', '2026-03-15T10:00:00Z'),
      v(2, 'FILLING', '2026-03-15T10:00:00Z', { command: 'sweepUnit' }),
      v(3, 'FILLING', '2026-03-16T10:00:00Z', { command: 'sweepUnit' }),
      v(4, 'OFFBOARDING', '2026-03-20T10:00:00Z'),
      v(5, 'DEPLOYING', '2026-03-22T10:00:00Z'),
      v(6, 'AT_REST', '2026-04-05T10:00:00Z'),
    ]
    const attestations = [
      { attestationId: 'att-100', type: 'PRE_DEPLOYMENT', timestamp: '2026-03-21T09:00:00Z' },
      { attestationId: 'att-101', type: 'PRE_DEPLOYMENT', timestamp: '2026-03-21T10:00:00Z' },
      { attestationId: 'att-109', type: 'PRE_DEPLOYMENT', timestamp: '2026-03-23T10:00:00Z' },
      { attestationId: 'att-102', type: 'AT_REST', timestamp: '2026-04-05T09:00:00Z' },
    ]
    const timeline = sleeveTimeline(versions, attestations)
    expect(timeline.map((t) => [t.from, t.to, t.command, t.gatingAttestation?.attestationId ?? null])).toEqual([
      [null, 'CREATED', 'createSleeve', null],
      ['CREATED', 'FILLING', 'sweepUnit', null],
      ['FILLING', 'OFFBOARDING', 'transitionSleeve', null],
      ['OFFBOARDING', 'DEPLOYING', 'transitionSleeve', 'att-101'],
      ['DEPLOYING', 'AT_REST', 'transitionSleeve', 'att-102'],
    ])
    expect(timeline.every((t) => !t.gateMissing)).toBe(true)
  })

  it('flags a gated transition whose attestation is not recorded (a sleeve overridden or edited by hand), and marks overrides', () => {
    const timeline = sleeveTimeline(
      [v(1, 'OFFBOARDING', '2026-03-20T10:00:00Z'), v(2, 'FILLING', '2026-03-21T10:00:00Z', { override: true, reason: 'bank rejected the transfer', command: 'overrideSleeveState', role: 'operator' }), v(3, 'DEPLOYING', '2026-03-22T10:00:00Z')],
      [],
    )
    expect(timeline.map((t) => [t.to, t.override, t.reason, t.gateMissing])).toEqual([
      ['OFFBOARDING', false, null, false],
      ['FILLING', true, 'bank rejected the transfer', false],
      ['DEPLOYING', false, null, true],
    ])
  })

  it('TRANSITION_ATTESTATION names exactly the attestation each checkTransition gate requires', () => {
    for (const from of SLEEVE_STATES) {
      const to = SLEEVE_TRANSITIONS[from]
      if (!to || from === 'CREATED') continue
      const view = { sleeveId: 's', state: from, assets: [{ type: 'USD' as const, amount: '1', location: 'halo-bank-account' as const, confirmedAt: '2026-03-17T10:00:00Z' }], linkedUnits: [], attestations: [] }
      const without = checkTransition({ sleeve: view, to, attestations: [], units: [] })
      const required = TRANSITION_ATTESTATION[to as SleeveState]
      if (required) {
        expect(without?.meta?.gate, `${from} → ${to}`).toBe(`${required}_ATTESTATION_MISSING`)
        const others = ATTESTATION_TYPES.filter((t) => t !== required).map((type, i) => ({ attestationId: `a${i}`, type, sleeveId: 's' }))
        expect(checkTransition({ sleeve: view, to, attestations: others, units: [] })?.meta?.gate, `${from} → ${to} with other types only`).toBe(`${required}_ATTESTATION_MISSING`)
        // A positive attestation of the required type (the gate opens only on positive content).
        const positive = POSITIVE_CONTENT[required as keyof typeof POSITIVE_CONTENT]
        expect(checkTransition({ sleeve: view, to, attestations: [{ attestationId: 'g', type: required, sleeveId: 's', content: positive }], units: [] })?.meta?.gate ?? 'passed').not.toMatch(/ATTESTATION_MISSING/)
        expect(checkTransition({ sleeve: view, to, attestations: [{ attestationId: 'g', type: required, sleeveId: 's' }], units: [] })?.meta?.gate, `${from} → ${to} with no content`).toBe(`${required}_ATTESTATION_MISSING`)
      } else expect(String(without?.meta?.gate ?? 'passed'), `${from} → ${to}`).not.toMatch(/ATTESTATION_MISSING/)
    }
  })
})

describe('asset journal', () => {
  it('one point per asset change, buckets by type and location, amounts exact', () => {
    const at = (version: number, command: string, state: string, assets: SleeveVersionLike['data']['assets']): SleeveVersionLike => ({ version, position: version, time: `2026-03-${10 + version}T10:00:00Z`, actor: 'x', role: 'nfat', command, override: false, reason: null, data: { state, assets } })
    const journal = assetJournal([
      at(1, 'createSleeve', 'CREATED', []),
      at(2, 'sweepUnit', 'FILLING', [{ type: 'USDS', amount: '30000000', location: 'facility-ALMProxy' }]),
      at(3, 'updateSleeveMetadata', 'FILLING', [{ type: 'USDS', amount: '30000000', location: 'facility-ALMProxy' }]),
      at(4, 'updateSleeveAssets', 'OFFBOARDING', [
        { type: 'USDC', amount: '29999999.999999', location: 'in-transit' },
        { type: 'USDS', amount: '0.000001', location: 'facility-ALMProxy' },
      ]),
      at(5, 'transitionSleeve', 'AT_REST', [{ type: 'aggregate-deployed', amount: '30000000' }]),
    ])
    expect(journal.map((p) => [p.version, p.totalUsd, p.holdings.map((h) => `${h.amount} ${h.bucket}`)])).toEqual([
      [1, '0', []],
      [2, '30000000', ['30000000 USDS @ facility-ALMProxy']],
      [4, '30000000', ['29999999.999999 USDC @ in-transit', '0.000001 USDS @ facility-ALMProxy']],
      [5, '30000000', ['30000000 aggregate-deployed @ deploying']],
    ])
  })
})
