import { describe, expect, it } from 'vitest'
import { decideAttestation, nextPeriodicDue, parseAttestationType, parseEvidence, type AttestRuleConfig, type AttestSleeve } from '../../../src/beacons/attest/policy.js'
import { InvalidInputError } from '../../../src/domain/errors.js'

const DAY = 86_400_000
const created = '2026-03-15T10:00:00Z'
const day = (n: number) => new Date(Date.parse(created) + n * DAY)

const config: AttestRuleConfig = {
  periodicCadenceSeconds: 90 * 86_400,
  atRestAfterSeconds: 14 * 86_400,
  evidence: {
    PRE_DEPLOYMENT: { legalStructureVerified: true, bankAccountVerified: true, expectedRiskParameters: { assetClass: 'senior-secured' }, maximumDeploymentDuration: '90d' },
    AT_REST: { legalClaimsVerified: true, deploymentComplete: true, confirmedRiskParameters: { assetClass: 'senior-secured' }, riskData: { schemaVersion: '1.0', data: { weightedAverageDuration: '9.2m' } } },
    PERIODIC: { statusNominal: true },
  },
}

function sleeve(partial: Partial<AttestSleeve>): AttestSleeve {
  return { sleeveId: 'sleeve-7', state: 'FILLING', assets: [], linkedUnits: [42, 43, 44], attestations: [], timestamps: { created }, posted: [], ...partial }
}

describe('lpha-attest rule mode (seed happy path)', () => {
  it('day 6: PRE_DEPLOYMENT only once the sleeve is OFFBOARDING and all 75M is USDC', () => {
    const usds = sleeve({ state: 'OFFBOARDING', assets: [{ type: 'USDS', amount: '75000000', location: 'facility-ALMProxy' }] })
    expect(decideAttestation(usds, config, day(6))).toEqual({ sleeveId: 'sleeve-7', reason: expect.stringContaining('convert all USDS to USDC') })
    const usdc = sleeve({ state: 'OFFBOARDING', assets: [{ type: 'USDC', amount: '75000000', location: 'facility-ALMProxy' }] })
    expect(decideAttestation(usdc, config, day(6))).toMatchObject({ type: 'PRE_DEPLOYMENT' })
    const posted = { ...usdc, posted: [{ type: 'PRE_DEPLOYMENT' as const, timestamp: day(6).toISOString() }] }
    expect(decideAttestation(posted, config, day(6)).type).toBeUndefined()
  })

  it('day 21: AT_REST after the 14-day diligence from DEPLOYING on day 7', () => {
    const deploying = sleeve({ state: 'DEPLOYING', timestamps: { created, deployingStarted: day(7).toISOString() } })
    expect(decideAttestation(deploying, config, day(20)).type).toBeUndefined()
    expect(decideAttestation(deploying, config, day(21))).toMatchObject({ type: 'AT_REST' })
  })

  it('day 90: PERIODIC falls due quarterly on the sleeve’s calendar, then day 180', () => {
    const atRest = sleeve({ state: 'AT_REST', posted: [{ type: 'AT_REST', timestamp: day(21).toISOString() }] })
    expect(decideAttestation(atRest, config, day(89)).type).toBeUndefined()
    expect(decideAttestation(atRest, config, day(90))).toMatchObject({ type: 'PERIODIC' })
    const after = { ...atRest, posted: [...atRest.posted, { type: 'PERIODIC' as const, timestamp: day(90).toISOString() }] }
    expect(decideAttestation(after, config, day(179)).type).toBeUndefined()
    expect(decideAttestation(after, config, day(180)).type).toBe('PERIODIC')
    expect(nextPeriodicDue(created, 90 * 86_400, day(21).getTime())).toBe(day(90).getTime())
  })

  it('never attests in states where assets are on chain and transparent', () => {
    for (const state of ['CREATED', 'FILLING', 'UNWINDING', 'CLOSED'] as const) {
      expect(decideAttestation(sleeve({ state }), config, day(400)).type).toBeUndefined()
    }
  })
})

describe('evidence files', () => {
  it('accepts the seed’s pre-deployment content (a negative finding too: it opens no gate) and refuses a missing field by name', () => {
    expect(parseEvidence('PRE_DEPLOYMENT', config.evidence.PRE_DEPLOYMENT)).toEqual(config.evidence.PRE_DEPLOYMENT)
    expect(parseEvidence('PRE_DEPLOYMENT', { ...config.evidence.PRE_DEPLOYMENT, bankAccountVerified: false })).toMatchObject({ bankAccountVerified: false })
    const { bankAccountVerified: _, ...missing } = config.evidence.PRE_DEPLOYMENT
    expect(() => parseEvidence('PRE_DEPLOYMENT', missing)).toThrow(/content\.bankAccountVerified/)
    expect(() => parseEvidence('AT_REST', { ...config.evidence.AT_REST, extra: 1 })).toThrow(/AT_REST attestation content/)
    expect(() => parseEvidence('PRE_DEPLOYMENT', { ...config.evidence.PRE_DEPLOYMENT, maximumDeploymentDuration: 'three months' })).toThrow(InvalidInputError)
  })

  it('CLI type names map to attestation types', () => {
    expect(parseAttestationType('pre-deployment')).toBe('PRE_DEPLOYMENT')
    expect(parseAttestationType('at-rest')).toBe('AT_REST')
    expect(parseAttestationType('periodic')).toBe('PERIODIC')
    expect(() => parseAttestationType('post-mortem')).toThrow(InvalidInputError)
  })
})
