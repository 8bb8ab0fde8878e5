import { describe, expect, it } from 'vitest'
import { PreconditionFailedError } from '../../src/domain/errors.js'
import { USDS_DECIMALS, parseUnitsExact } from '../../src/domain/money.js'
import { checkRole } from '../../src/domain/roles.js'
import {
  SLEEVE_STATES,
  SLEEVE_TRANSITIONS,
  WRITE_ACCESS_MATRIX,
  checkSleeveAssetChange,
  checkAttestationPost,
  checkOverrideToFilling,
  checkSweep,
  checkTransition,
  proRataRepayment,
  splitRepayment,
  type SleeveView,
} from '../../src/domain/sleeve.js'

const usds = (v: string) => parseUnitsExact(v, USDS_DECIMALS)
const units = [
  { unitId: 42, principal: usds('30000000') },
  { unitId: 43, principal: usds('25000000') },
  { unitId: 44, principal: usds('20000000') },
]
const sleeve = (state: SleeveView['state'], assets: SleeveView['assets'] = []): SleeveView => ({ sleeveId: 'sleeve-7', state, assets, linkedUnits: [42, 43, 44], attestations: [] })
const gate = (error: unknown) => (error as PreconditionFailedError | undefined)?.meta?.gate

describe('pro-rata repayment (seed "Loss Distribution")', () => {
  it('78.75M returned on 30/25/20 pays 31.5M / 26.25M / 21.0M', () => {
    const { entitlements, remainder } = proRataRepayment(usds('78750000'), units)
    expect(entitlements).toEqual([
      { unitId: 42, amount: usds('31500000') },
      { unitId: 43, amount: usds('26250000') },
      { unitId: 44, amount: usds('21000000') },
    ])
    expect(remainder).toBe(0n)
  })

  it('seed 004 settlement is funded as principal 75M + yield 3.75M: 30M + 1.5M, 25M + 1.25M, 20M + 1.0M, no shortfall', () => {
    const { entitlements } = proRataRepayment(usds('78750000'), units)
    expect(entitlements.map((e, i) => splitRepayment(e.amount, units[i]!.principal))).toEqual([
      { principalAmount: usds('30000000'), interestAmount: usds('1500000'), shortfall: 0n },
      { principalAmount: usds('25000000'), interestAmount: usds('1250000'), shortfall: 0n },
      { principalAmount: usds('20000000'), interestAmount: usds('1000000'), shortfall: 0n },
    ])
  })

  it('a recovery short of principal is funded as principal only, never more than paid; the rest is a shortfall (60M → 6M / 5M / 4M)', () => {
    const { entitlements } = proRataRepayment(usds('60000000'), units)
    expect(entitlements.map((e, i) => splitRepayment(e.amount, units[i]!.principal))).toEqual([
      { principalAmount: usds('24000000'), interestAmount: 0n, shortfall: usds('6000000') },
      { principalAmount: usds('20000000'), interestAmount: 0n, shortfall: usds('5000000') },
      { principalAmount: usds('16000000'), interestAmount: 0n, shortfall: usds('4000000') },
    ])
    expect(splitRepayment(1n, usds('30000000'))).toEqual({ principalAmount: 1n, interestAmount: 0n, shortfall: usds('30000000') - 1n })
    expect(() => splitRepayment(-1n, 1n)).toThrow(/must not be negative/)
  })

  it('a 60M partial default (80% recovery) pays 24M / 20M / 16M', () => {
    expect(proRataRepayment(usds('60000000'), units).entitlements.map((e) => e.amount)).toEqual([usds('24000000'), usds('20000000'), usds('16000000')])
  })

  it('floors every share and returns the remainder explicitly', () => {
    const { entitlements, remainder } = proRataRepayment(100n, [{ unitId: 1, principal: 1n }, { unitId: 2, principal: 1n }, { unitId: 3, principal: 1n }])
    expect(entitlements.map((e) => e.amount)).toEqual([33n, 33n, 33n])
    expect(remainder).toBe(1n)
  })
})

describe('lifecycle gates', () => {
  it('the forward lifecycle is the seed diagram', () => {
    const path: string[] = ['CREATED']
    for (let s = SLEEVE_TRANSITIONS.CREATED; s; s = SLEEVE_TRANSITIONS[s]) path.push(s)
    expect(path).toEqual([...SLEEVE_STATES])
  })

  it('a sweep needs CREATED or FILLING', () => {
    expect(checkSweep(sleeve('CREATED'))).toBeUndefined()
    expect(checkSweep(sleeve('FILLING'))).toBeUndefined()
    expect(gate(checkSweep(sleeve('OFFBOARDING')))).toBe('SLEEVE_STATE')
    expect(gate(checkSweep(sleeve('DEPLOYING')))).toBe('DEPLOYING_IS_STATIC')
  })

  const positive = { legalStructureVerified: true, bankAccountVerified: true, expectedRiskParameters: {}, maximumDeploymentDuration: '90d' }
  const now = new Date('2026-04-01T11:00:00Z')

  it('sending USDC off chain while OFFBOARDING needs a positive PRE_DEPLOYMENT attestation of the current round', () => {
    const inTransit = [{ type: 'USDC' as const, amount: '75000000', location: 'in-transit' as const }]
    const offboarding = { ...sleeve('OFFBOARDING', [{ type: 'USDC', amount: '75000000', location: 'facility-ALMProxy' }]), offboardingRound: 2 }
    const check = (attestations: Parameters<typeof checkSleeveAssetChange>[2]['attestations']) => checkSleeveAssetChange(offboarding, inTransit, { attestations, operation: 'update assets' }, now)
    expect(gate(check([]))).toBe('PRE_DEPLOYMENT_ATTESTATION_MISSING')
    expect(check([{ attestationId: 'att-101', type: 'PRE_DEPLOYMENT', sleeveId: 'sleeve-7', round: 2, content: positive }])).toBeUndefined()
    // another sleeve's, a previous round's, or a negative one does not count
    expect(gate(check([{ attestationId: 'att-9', type: 'PRE_DEPLOYMENT', sleeveId: 'sleeve-8', round: 2, content: positive }]))).toBe('PRE_DEPLOYMENT_ATTESTATION_MISSING')
    expect(gate(check([{ attestationId: 'att-1', type: 'PRE_DEPLOYMENT', sleeveId: 'sleeve-7', round: 1, content: positive }]))).toBe('PRE_DEPLOYMENT_ATTESTATION_MISSING')
    expect(gate(check([{ attestationId: 'att-2', type: 'PRE_DEPLOYMENT', sleeveId: 'sleeve-7', round: 2, content: { ...positive, bankAccountVerified: false } }]))).toBe('PRE_DEPLOYMENT_ATTESTATION_MISSING')
  })

  it('OFFBOARDING → DEPLOYING needs the attestation and all USD confirmed in the bank', () => {
    const att = [{ attestationId: 'att-101', type: 'PRE_DEPLOYMENT' as const, sleeveId: 'sleeve-7', content: positive }]
    const bank = [{ type: 'USD' as const, amount: '75000000', location: 'halo-bank-account' as const, confirmedAt: '2026-04-02T14:00:00Z' }]
    expect(gate(checkTransition({ sleeve: sleeve('OFFBOARDING', bank), to: 'DEPLOYING', attestations: [], units: [] }))).toBe('PRE_DEPLOYMENT_ATTESTATION_MISSING')
    expect(gate(checkTransition({ sleeve: sleeve('OFFBOARDING', [{ type: 'USDC', amount: '75000000', location: 'in-transit' }]), to: 'DEPLOYING', attestations: att, units: [] }))).toBe('FUNDS_NOT_IN_BANK')
    expect(checkTransition({ sleeve: sleeve('OFFBOARDING', bank), to: 'DEPLOYING', attestations: att, units: [] })).toBeUndefined()
  })

  it('no skipping and no CREATED → FILLING transition (only the first sweep)', () => {
    expect(gate(checkTransition({ sleeve: sleeve('FILLING'), to: 'DEPLOYING', attestations: [], units: [] }))).toBe('TRANSITION_NOT_ALLOWED')
    expect(gate(checkTransition({ sleeve: sleeve('CREATED'), to: 'FILLING', attestations: [], units: [] }))).toBe('TRANSITION_NOT_ALLOWED')
  })

  it('UNWINDING → CLOSED needs every linked unit CLOSED', () => {
    const open = [{ unitId: 42, state: 'CLOSED' as const, principal: '30000000' }, { unitId: 43, state: 'REPAYMENT_AVAILABLE' as const, principal: '25000000' }]
    const refused = checkTransition({ sleeve: sleeve('UNWINDING'), to: 'CLOSED', attestations: [], units: open })
    expect(gate(refused)).toBe('UNITS_NOT_CLOSED')
    expect(refused?.meta?.openUnits).toEqual([43])
  })

  it('attest posts PRE_DEPLOYMENT only after the USDC conversion', () => {
    expect(gate(checkAttestationPost(sleeve('OFFBOARDING', [{ type: 'USDS', amount: '75000000', location: 'facility-ALMProxy' }]), 'PRE_DEPLOYMENT'))).toBe('USDC_CONVERSION_INCOMPLETE')
    expect(checkAttestationPost(sleeve('OFFBOARDING', [{ type: 'USDC', amount: '75000000', location: 'facility-ALMProxy' }]), 'PRE_DEPLOYMENT')).toBeUndefined()
    expect(gate(checkAttestationPost(sleeve('AT_REST'), 'AT_REST'))).toBe('SLEEVE_STATE')
  })

  it('the override needs a reason and the funds back as USDS in the ALMProxy', () => {
    const onChain = [{ type: 'USDS' as const, amount: '75000000', location: 'facility-ALMProxy' as const }]
    expect(checkOverrideToFilling(sleeve('OFFBOARDING'), '  ', onChain, now)?.code).toBe('INVALID_INPUT')
    expect(gate(checkOverrideToFilling(sleeve('OFFBOARDING'), 'off-ramp failed', [{ type: 'USDC', amount: '1', location: 'in-transit' }], now))).toBe('ASSETS_NOT_ALLOWED')
    expect(gate(checkOverrideToFilling(sleeve('OFFBOARDING'), 'off-ramp failed', [{ type: 'USDC', amount: '75000000', location: 'facility-ALMProxy' }], now))).toBe('ASSETS_NOT_ALLOWED')
    expect(checkOverrideToFilling(sleeve('OFFBOARDING'), 'off-ramp failed', onChain, now)).toBeUndefined()
  })
})

describe('write-access matrix as data', () => {
  it('every seed row names its writer; attest posts, operator overrides, nfat does the rest', () => {
    for (const row of WRITE_ACCESS_MATRIX) {
      const expected = row.command === 'postAttestation' ? 'attest' : row.command.startsWith('override') ? 'operator' : 'nfat'
      expect(row.role, row.operation).toBe(expected)
    }
  })

  it('scoped roles cover only their Halo classes', () => {
    const grants = [{ address: '0x1', role: 'nfat' as const, haloClasses: ['facility-A'] }]
    expect(checkRole({ grants, required: 'nfat', haloClass: 'facility-A', operation: 'sweepUnit' })).toMatchObject({ role: 'nfat' })
    expect(checkRole({ grants, required: 'nfat', haloClass: 'facility-B', operation: 'sweepUnit' })).toMatchObject({ code: 'NOT_PERMITTED' })
    expect(checkRole({ grants, required: 'attest', haloClass: 'facility-A', operation: 'postAttestation' })).toMatchObject({ code: 'NOT_PERMITTED' })
  })
})
