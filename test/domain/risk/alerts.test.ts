import { describe, expect, it } from 'vitest'
import { parseUnitsExact } from '../../../src/domain/money.js'
import { computeSleeveRisk } from '../../../src/domain/risk/crr.js'
import { parseRiskFramework } from '../../../src/domain/risk/framework.js'
import type { RiskAttestation, RiskSleeve } from '../../../src/domain/risk/types.js'
import { ATT_103, RISK_DATA_1_0, SEED_STEPS, TEST_FRAMEWORK, TEST_FRAMEWORK_VERSION } from './fixtures.js'

const framework = parseRiskFramework(TEST_FRAMEWORK, TEST_FRAMEWORK_VERSION)
const rate = (value: string) => parseUnitsExact(value, 18)
const risk = (sleeve: RiskSleeve, at: string) => computeSleeveRisk({ framework, sleeve, now: new Date(at) })
const codes = (sleeve: RiskSleeve, at: string) => risk(sleeve, at).alerts.map((a) => a.code)

describe('missed quarterly re-attestation (seed 004 "Missed Re-attestation")', () => {
  // att-102 (AT_REST) on 2026-04-15T09:00Z; quarterly cadence → due 2026-07-15T09:00Z, the day
  // the seed's att-103 arrives.
  const atRest = SEED_STEPS.atRest

  it('is on time up to the due date: AT_REST rate, no alert', () => {
    const r = risk(atRest, '2026-07-15T09:00:00Z')
    expect(r.crrWad).toBe(rate('0.12'))
    expect(r.reattestation?.dueAt?.toISOString()).toBe('2026-07-15T09:00:00.000Z')
    expect(r.alerts).toEqual([])
  })

  it('escalates the CRR once the due date passes, by 5% per started week, with the state unchanged', () => {
    const late = risk(atRest, '2026-07-15T09:00:01Z')
    expect(late.state).toBe('AT_REST')
    expect(late.crrWad).toBe(rate('0.17'))
    expect(late.escalationWad).toBe(rate('0.05'))
    expect(late.requiredCapitalWad).toBe(parseUnitsExact('12750000', 18))
    expect(late.alerts).toMatchObject([{ code: 'REATTESTATION_OVERDUE', severity: 'warning', entity: { type: 'sleeve', id: 'sleeve-7' }, details: { steps: 1, dueAt: '2026-07-15T09:00:00.000Z' } }])
    expect(risk(atRest, '2026-07-29T09:00:00Z').crrWad).toBe(rate('0.22'))
    expect(risk(atRest, '2026-07-29T09:00:01Z').crrWad).toBe(rate('0.27'))
  })

  it('never escalates beyond the framework maximum (50%)', () => {
    expect(risk(atRest, '2027-06-01T00:00:00Z').crrWad).toBe(rate('0.5'))
  })

  it('is cleared by a new PERIODIC attestation, which restarts the quarter', () => {
    const lateAttestation: RiskAttestation = { ...ATT_103, attestationId: 'att-104', timestamp: '2026-07-25T12:00:00Z' }
    const reattested: RiskSleeve = { ...atRest, attestations: [...atRest.attestations, lateAttestation] }
    const r = risk(reattested, '2026-07-26T00:00:00Z')
    expect(r.crrWad).toBe(rate('0.12'))
    expect(r.alerts).toEqual([])
    expect(r.reattestation?.dueAt?.toISOString()).toBe('2026-10-25T12:00:00.000Z')
  })

  it('alerts when a periodic attestation reports the sleeve not nominal', () => {
    const notNominal: RiskSleeve = { ...atRest, attestations: [...atRest.attestations, { ...ATT_103, content: { statusNominal: false } }] }
    expect(codes(notNominal, '2026-07-20T00:00:00Z')).toEqual(['ATTESTATION_NOT_NOMINAL'])
  })
})

describe('risk data schema version (seed 004 "lpla-verify contract")', () => {
  const withRiskData = (riskData: unknown): RiskSleeve => ({ ...SEED_STEPS.atRest, assets: [{ ...SEED_STEPS.atRest.assets[0]!, riskData: riskData as never }] })

  it('flags a schemaVersion the framework does not accept, and treats the assets as opaque (DEPLOYING rate)', () => {
    const r = risk(withRiskData({ ...RISK_DATA_1_0, schemaVersion: '2.0' }), '2026-05-01T00:00:00Z')
    expect(r.alerts).toMatchObject([{ code: 'RISK_DATA_SCHEMA_UNKNOWN', entity: { id: 'sleeve-7' }, details: { schemaVersion: '2.0', accepted: ['1.0'] } }])
    expect(r.crrWad).toBe(rate('0.3'))
  })

  it('flags data that does not match its version\'s JSON Schema', () => {
    const r = risk(withRiskData({ ...RISK_DATA_1_0, data: { weightedAverageDurationMonths: 9.2 } }), '2026-05-01T00:00:00Z')
    expect(r.alerts.map((a) => a.code)).toEqual(['RISK_DATA_SCHEMA_MISMATCH'])
    expect(r.alerts[0]!.details.errors).toEqual(expect.arrayContaining([expect.stringContaining('weightedAverageDurationMonths')]))
  })

  it('flags an attestationRef that is not an at-rest or periodic attestation of this sleeve', () => {
    expect(codes(withRiskData({ ...RISK_DATA_1_0, attestationRef: 'att-101' }), '2026-05-01T00:00:00Z')).toEqual(['RISK_DATA_ATTESTATION_REF_INVALID'])
    expect(codes(withRiskData({ ...RISK_DATA_1_0, attestationRef: 'att-999' }), '2026-05-01T00:00:00Z')).toEqual(['RISK_DATA_ATTESTATION_REF_INVALID'])
  })

  it('flags an AT_REST sleeve with no risk data at all', () => {
    expect(codes(withRiskData(undefined), '2026-05-01T00:00:00Z')).toEqual(['RISK_DATA_MISSING'])
  })
})

describe('offboarding receipt timeout (seed 004 "Offboarding Failure")', () => {
  // USDC sent at 2026-04-01T10:30Z; facility-A's timeout is 3 days.
  it('raises nothing while within the timeout, then alerts with the deadline; the state stays OFFBOARDING', () => {
    expect(codes(SEED_STEPS.offboardingInTransit, '2026-04-04T10:30:00Z')).toEqual([])
    const r = risk(SEED_STEPS.offboardingInTransit, '2026-04-04T10:30:01Z')
    expect(r.state).toBe('OFFBOARDING')
    expect(r.alerts).toMatchObject([{ code: 'OFFBOARDING_RECEIPT_TIMEOUT', severity: 'critical', details: { deadline: '2026-04-04T10:30:00.000Z', amount: '75000000' } }])
  })

  it('uses the Halo Class override (facility-B: 1 day)', () => {
    const sleeve = { ...SEED_STEPS.offboardingInTransit, haloClass: 'facility-B' }
    expect(codes(sleeve, '2026-04-02T10:30:01Z')).toEqual(['OFFBOARDING_RECEIPT_TIMEOUT'])
  })

  it('is satisfied once the bank confirms receipt', () => {
    expect(codes(SEED_STEPS.offboardingAtBank, '2026-05-01T00:00:00Z')).toEqual([])
  })
})

describe('deploying longer than the attested maximum deployment duration', () => {
  // DEPLOYING since 2026-04-02T15:00Z; att-101 allows 90 days → until 2026-07-01T15:00Z.
  it('alerts after 90 days, not before', () => {
    expect(codes(SEED_STEPS.deploying, '2026-07-01T15:00:00Z')).toEqual([])
    expect(risk(SEED_STEPS.deploying, '2026-07-01T15:00:01Z').alerts).toMatchObject([{ code: 'DEPLOYMENT_DURATION_EXCEEDED', details: { attestationId: 'att-101', deadline: '2026-07-01T15:00:00.000Z' } }])
  })

  it('alerts when no readable maximum exists', () => {
    const sleeve = { ...SEED_STEPS.deploying, attestations: [] }
    expect(codes(sleeve, '2026-04-10T00:00:00Z')).toEqual(['DEPLOYMENT_DURATION_UNKNOWN'])
  })
})

describe('escalation properties (fast-check)', () => {
  it('never lowers the CRR as time passes without a new attestation, and never exceeds the cap', async () => {
    const fc = (await import('fast-check')).default
    const base = Date.parse('2026-04-15T09:00:00Z')
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 400 * 86_400 }), fc.integer({ min: 0, max: 400 * 86_400 }), (a, b) => {
        const [early, late] = a <= b ? [a, b] : [b, a]
        const r1 = risk(SEED_STEPS.atRest, new Date(base + early * 1000).toISOString())
        const r2 = risk(SEED_STEPS.atRest, new Date(base + late * 1000).toISOString())
        expect(r2.crrWad >= r1.crrWad).toBe(true)
        expect(r2.crrWad <= rate('0.5')).toBe(true)
        expect(r2.requiredCapitalWad <= r2.valueWad).toBe(true)
      }),
      { numRuns: 200 },
    )
  })
})
