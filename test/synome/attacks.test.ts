/**
 * Issue 11: the Term Halo gates, tried as an attacker and as a careless operator would. Each
 * test is named after the attack; a refused command must leave the store exactly as it was
 * (row counts, log head, and the sleeve record).
 */
import { describe, expect, it } from 'vitest'
import type { AttestationRecord, SleeveRecord, UnitRecord } from '../../src/synome/records.js'
import { attestationContentHash } from '../../src/chain/attestation.js'
import { storeBackends, useStore } from '../fixtures/store.js'
import { FACILITY, bootstrapRoles, clientsFor, riskData102, seedRunner, testClock, unitPayload } from './support.js'

const inTransit = [{ type: 'USDC', amount: '75000000', location: 'in-transit', destination: 'halo-bank-account-ref', initiatedAt: '2026-04-01T10:30:00Z' }] as const
const preDeployment = (attestationId: string, content: Record<string, unknown> = {}) => ({
  attestationId,
  type: 'PRE_DEPLOYMENT' as const,
  sleeveId: 'sleeve-7',
  content: { legalStructureVerified: true, bankAccountVerified: true, expectedRiskParameters: { seniorSecuredLoans: 3 }, maximumDeploymentDuration: '90d', ...content },
})

describe.each(storeBackends())('issue 11 attacks on $name', (backend) => {
  const store = useStore(backend)

  async function at(stop?: string) {
    const time = testClock()
    const synome = await store.fresh({ clock: time.clock, roles: bootstrapRoles })
    const c = clientsFor(synome, time.clock)
    const seed = seedRunner(c, time)
    await seed.until(stop)
    const sleeve = async () => (await c.stranger.get<SleeveRecord>('sleeve', 'sleeve-7'))
    /** `attempt` is refused with this code (and gate) and changes nothing: row counts, log head, sleeve version. */
    const refused = async (attempt: () => Promise<unknown>, code: string, gate?: string) => {
      const before = await store.snapshot()
      const headBefore = JSON.stringify(await synome.verifyLog())
      const sleeveBefore = await sleeve().catch(() => undefined)
      const error = await attempt().then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(error, 'must be refused').toMatchObject({ code, ...(gate ? { meta: expect.objectContaining({ gate }) } : {}) })
      expect(await store.snapshot()).toBe(before)
      expect(JSON.stringify(await synome.verifyLog())).toBe(headBefore)
      expect(await sleeve().catch(() => undefined)).toEqual(sleeveBefore)
      return error as { meta?: Record<string, unknown>; shortMessage?: string }
    }
    return { synome, c, time, seed, sleeve, refused }
  }

  // ---- 1: an asset list carried by a transition passes the same gate as updateSleeveAssets

  it('lpha-nfat cannot offboard with in-transit USDC carried by the FILLING → OFFBOARDING transition', async () => {
    const { c, refused } = await at('offboard')
    await refused(() => c.nfat.send('transitionSleeve', { sleeveId: 'sleeve-7', to: 'OFFBOARDING', assets: [...inTransit] }), 'PRECONDITION_FAILED', 'PRE_DEPLOYMENT_ATTESTATION_MISSING')
    await refused(() => c.nfat.send('transitionSleeve', { sleeveId: 'sleeve-7', to: 'OFFBOARDING', assets: [{ type: 'USDC', amount: '75000000', location: 'facility-ALMProxy' }] }), 'PRECONDITION_FAILED', 'ASSETS_NOT_ALLOWED')
  })

  it('lpha-nfat cannot enter DEPLOYING with 1 USDS at the ALMProxy while the bank confirmed 75M', async () => {
    const { c, refused } = await at('deploy')
    await refused(() => c.nfat.send('transitionSleeve', { sleeveId: 'sleeve-7', to: 'DEPLOYING', assets: [{ type: 'USDS', amount: '1', location: 'facility-ALMProxy' }] }), 'PRECONDITION_FAILED', 'ASSETS_NOT_ALLOWED')
    await refused(() => c.nfat.send('transitionSleeve', { sleeveId: 'sleeve-7', to: 'DEPLOYING', assets: [{ type: 'USD', amount: '1', location: 'deploying' }] }), 'PRECONDITION_FAILED', 'ASSETS_NOT_ALLOWED')
  })

  it('lpha-nfat cannot invent assets on the AT_REST → UNWINDING transition', async () => {
    const { c, refused } = await at('unwind')
    await refused(() => c.nfat.send('transitionSleeve', { sleeveId: 'sleeve-7', to: 'UNWINDING', assets: [{ type: 'USDS', amount: '999000000', location: 'redeem-contract' }] }), 'PRECONDITION_FAILED', 'ASSETS_NOT_ALLOWED')
  })

  it('lpha-nfat cannot create value during offboarding', async () => {
    const { c, refused } = await at('convertToUsdc')
    await refused(() => c.nfat.send('updateSleeveAssets', { sleeveId: 'sleeve-7', assets: [{ type: 'USDC', amount: '90000000', location: 'facility-ALMProxy' }] }), 'PRECONDITION_FAILED', 'ASSETS_NOT_ALLOWED')
  })

  // ---- 2: the operator's revert to FILLING, and offboarding rounds

  it('an operator cannot revert to FILLING with USDC still in the ALMProxy', async () => {
    const { c, refused } = await at('att101')
    await refused(() => c.operator.send('overrideSleeveState', { sleeveId: 'sleeve-7', to: 'FILLING', reason: 'off-ramp failed' }), 'PRECONDITION_FAILED', 'ASSETS_NOT_ALLOWED')
    await refused(() => c.operator.send('overrideSleeveState', { sleeveId: 'sleeve-7', to: 'FILLING', reason: 'off-ramp failed', assets: [{ type: 'USDC', amount: '75000000', location: 'facility-ALMProxy' }] }), 'PRECONDITION_FAILED', 'ASSETS_NOT_ALLOWED')
  })

  it('a stale PRE_DEPLOYMENT attestation of the previous round does not open the gate after a revert', async () => {
    const { c, time, sleeve, refused } = await at('sendUsdc')
    time.set('2026-04-05T10:00:00Z')
    await c.operator.send('overrideSleeveState', { sleeveId: 'sleeve-7', to: 'FILLING', reason: 'off-ramp failed; converted back to USDS', assets: [{ type: 'USDS', amount: '75000000', location: 'facility-ALMProxy' }] })
    expect((await sleeve()).data).toMatchObject({ state: 'FILLING', offboardingRound: 1, timestamps: { fillingStarted: '2026-04-05T10:00:00Z', revertedToFilling: '2026-04-05T10:00:00Z' } })
    time.set('2026-04-06T10:00:00Z')
    await c.nfat.send('transitionSleeve', { sleeveId: 'sleeve-7', to: 'OFFBOARDING' })
    expect((await sleeve()).data.offboardingRound).toBe(2)
    await c.nfat.send('updateSleeveAssets', { sleeveId: 'sleeve-7', assets: [{ type: 'USDC', amount: '75000000', location: 'facility-ALMProxy' }] })
    await refused(() => c.nfat.send('updateSleeveAssets', { sleeveId: 'sleeve-7', assets: [...inTransit] }), 'PRECONDITION_FAILED', 'PRE_DEPLOYMENT_ATTESTATION_MISSING')
    await c.attest.send('postAttestation', preDeployment('att-201'))
    expect((await c.stranger.get<AttestationRecord>('attestation', 'att-201')).data).toMatchObject({ round: 2 })
    await c.nfat.send('updateSleeveAssets', { sleeveId: 'sleeve-7', assets: [...inTransit] })
  })

  // ---- 3: gates read what an attestation says

  it('a PRE_DEPLOYMENT attestation saying the bank account is not verified does not open the gate', async () => {
    const { c, time, refused } = await at('att101')
    await c.attest.send('postAttestation', preDeployment('att-101', { legalStructureVerified: false, bankAccountVerified: false }))
    time.set('2026-04-01T10:30:00Z')
    await refused(() => c.nfat.send('updateSleeveAssets', { sleeveId: 'sleeve-7', assets: [...inTransit] }), 'PRECONDITION_FAILED', 'PRE_DEPLOYMENT_ATTESTATION_MISSING')
  })

  it('an attestation missing a field of its type is refused naming the field', async () => {
    const { c, refused } = await at('att101')
    const error = await refused(() => c.attest.send('postAttestation', { ...preDeployment('att-101'), content: { legalStructureVerified: true, expectedRiskParameters: {}, maximumDeploymentDuration: '90d' } }), 'INVALID_INPUT')
    expect(error.meta?.field).toBe('content.bankAccountVerified')
  })

  it('an attestor cannot post an on-chain claim whose content hash is not its content: refused, nothing written; the matching one is stored', async () => {
    const { c, synome, refused } = await at('att101')
    const onChain = { registry: '0x00000000000000000000000000000000000000aa', txHash: `0x${'22'.repeat(32)}`, contentHash: attestationContentHash(preDeployment('att-101').content), amount: '75000000000000' }
    const error = await refused(() => c.attest.send('postAttestation', { ...preDeployment('att-101', { maximumDeploymentDuration: '120d' }), onChain }), 'INVALID_INPUT')
    expect(error.meta?.field).toBe('onChain.contentHash')
    await c.attest.send('postAttestation', { ...preDeployment('att-101'), onChain })
    expect((await synome.get<AttestationRecord>('attestation', 'att-101')).data.onChain).toEqual(onChain)
  })

  // ---- 4: one shape per type

  it('a PERIODIC attestation in the old `status` shape is refused naming content.statusNominal', async () => {
    const { c, refused } = await at('att103')
    const error = await refused(() => c.attest.send('postAttestation', { attestationId: 'att-103', type: 'PERIODIC', sleeveId: 'sleeve-7', content: { status: 'nominal' } }), 'INVALID_INPUT')
    expect(JSON.stringify(error.meta)).toContain('content.statusNominal')
  })

  it('a seed-shaped AT_REST attestation (no riskData) carries its confirmed risk parameters as the risk data', async () => {
    const { c } = await at('atRest')
    const att102 = (await c.stranger.get<AttestationRecord>('attestation', 'att-102')).data
    expect(att102.riskData).toEqual({ schemaVersion: '1.0', attestationRef: 'att-102', data: { weightedAverageDuration: '9.2m' } })
  })

  // ---- 5: risk data is the attested data

  it('lpha-nfat cannot write invented risk data citing a real attestation', async () => {
    const { c, refused } = await at('atRest')
    const invented = { ...riskData102, data: { weightedAverageDuration: '1m' } }
    await refused(() => c.nfat.send('transitionSleeve', { sleeveId: 'sleeve-7', to: 'AT_REST', assets: [{ type: 'aggregate-deployed', amount: '75000000', riskData: invented }] }), 'PRECONDITION_FAILED', 'RISK_DATA_NOT_ATTESTED')
    await c.nfat.send('transitionSleeve', { sleeveId: 'sleeve-7', to: 'AT_REST', assets: [{ type: 'aggregate-deployed', amount: '75000000', riskData: riskData102 }] })
    await refused(() => c.nfat.send('writeRiskData', { sleeveId: 'sleeve-7', riskData: invented }), 'PRECONDITION_FAILED', 'RISK_DATA_NOT_ATTESTED')
  })

  it('lpha-nfat cannot enter AT_REST with a deployed amount other than what was deploying', async () => {
    const { c, refused } = await at('atRest')
    await refused(() => c.nfat.send('transitionSleeve', { sleeveId: 'sleeve-7', to: 'AT_REST', assets: [{ type: 'aggregate-deployed', amount: '1', riskData: riskData102 }] }), 'PRECONDITION_FAILED', 'ASSETS_NOT_ALLOWED')
  })

  // ---- 6: idempotency keys per signer

  it('an attestor cannot block lpha-nfat by taking its idempotency key', async () => {
    const { c } = await at('createSleeve')
    await c.attest.send('postAttestation', { ...preDeployment('att-x'), sleeveId: 'sleeve-404' }, { idempotencyKey: 'create:facility-A:sleeve-8' }).catch(() => undefined)
    await c.council.send('registerHaloClass', { haloClass: 'facility-Z' }, { idempotencyKey: 'create:facility-A:sleeve-8' })
    const created = await c.nfat.send('createSleeve', { sleeveId: 'sleeve-8', haloClass: 'facility-A' }, { idempotencyKey: 'create:facility-A:sleeve-8' })
    expect(created).toMatchObject({ replayed: false, entity: { type: 'sleeve', id: 'sleeve-8' } })
    // the same signer reusing its own key still replays
    expect(await c.nfat.send('createSleeve', { sleeveId: 'sleeve-8', haloClass: 'facility-A' }, { idempotencyKey: 'create:facility-A:sleeve-8' })).toMatchObject({ replayed: true })
  })

  // ---- 7: markRepaymentAvailable is bounded by the USDS at the redeem contract

  it('lpha-nfat cannot mark units repayable with 0 while the redeem contract holds 78.75M', async () => {
    const { c, refused } = await at('repaymentAvailable')
    await refused(() => c.nfat.send('markRepaymentAvailable', { sleeveId: 'sleeve-7', total: '0' }), 'PRECONDITION_FAILED', 'REPAYMENT_TOTAL')
    await refused(() => c.nfat.send('markRepaymentAvailable', { sleeveId: 'sleeve-7', total: '80000000' }), 'PRECONDITION_FAILED', 'REPAYMENT_TOTAL')
    await c.nfat.send('markRepaymentAvailable', { sleeveId: 'sleeve-7', total: '78750000' })
    expect((await c.stranger.get<UnitRecord>('unit', '42')).data.repaymentAmount).toBe('31500000')
  })

  // ---- 8: AT_REST → UNWINDING needs assets returning

  it('lpha-nfat cannot start UNWINDING without a recorded bank return', async () => {
    const { c, refused } = await at('unwind')
    await refused(() => c.nfat.send('transitionSleeve', { sleeveId: 'sleeve-7', to: 'UNWINDING' }), 'PRECONDITION_FAILED', 'ASSETS_NOT_ALLOWED')
    await refused(() => c.nfat.send('transitionSleeve', { sleeveId: 'sleeve-7', to: 'UNWINDING', assets: [{ type: 'USD', amount: '78750000', location: 'halo-bank-account' }] }), 'PRECONDITION_FAILED', 'ASSETS_NOT_ALLOWED')
  })

  // ---- 9: the attestor writes attestations only

  it('posting a PRE_DEPLOYMENT attestation does not edit the sleeve record', async () => {
    const { c, sleeve, seed } = await at('att101')
    const before = await sleeve()
    await seed.until('sendUsdc')
    expect(await sleeve()).toEqual(before)
    await seed.until('att102')
    expect((await sleeve()).data.attestations).toEqual(['att-101'])
  })

  // ---- 11: sweeps of another facility's NFAT

  it('lpha-nfat cannot sweep an NFAT of another facility into the Halo class', async () => {
    const { c, refused } = await at('sweep42')
    const foreign = { ...unitPayload(42, '30000000', 'spark'), nfat: { ...unitPayload(42, '30000000', 'spark').nfat, facility: '0x000000000000000000000000000000000000dead' } }
    await refused(() => c.nfat.send('sweepUnit', { sleeveId: 'sleeve-7', unit: foreign }), 'PRECONDITION_FAILED', 'FACILITY_MISMATCH')
    await c.nfat.send('sweepUnit', { sleeveId: 'sleeve-7', unit: { ...foreign, nfat: { ...foreign.nfat, facility: FACILITY } } })
  })

  // ---- 13: partial returns write entitlements to the units

  it('a partial return writes each unit its pro-rata entitlement', async () => {
    const { c, time } = await at('unwind')
    time.set('2026-10-01T09:00:00Z')
    await c.nfat.send('transitionSleeve', { sleeveId: 'sleeve-7', to: 'UNWINDING', assets: [{ type: 'USD', amount: '60000000', location: 'halo-bank-account', confirmedAt: '2026-10-01T08:00:00Z', note: 'partial return; recovery pending' }] })
    await c.nfat.send('recordEntitlements', { sleeveId: 'sleeve-7', returned: '60000000', final: false })
    const units = await Promise.all([42, 43, 44].map(async (id) => (await c.stranger.get<UnitRecord>('unit', String(id))).data))
    expect(units.map((u) => [u.state, u.entitlement])).toEqual([
      ['ACTIVE', { amount: '24000000', returnedTotal: '60000000', final: false, recordedAt: '2026-10-01T09:00:00Z' }],
      ['ACTIVE', { amount: '20000000', returnedTotal: '60000000', final: false, recordedAt: '2026-10-01T09:00:00Z' }],
      ['ACTIVE', { amount: '16000000', returnedTotal: '60000000', final: false, recordedAt: '2026-10-01T09:00:00Z' }],
    ])
  })
})
