/**
 * Each lifecycle gate refuses without its attestation or state (409 with a stable
 * meta.gate), risk data is validated against the published framework, and a refused command
 * changes nothing. Also: idempotent replay, optimistic concurrency, signatures.
 */
import { describe, expect, it } from 'vitest'
import { signCommand } from '../../src/synome/signing.js'
import type { SleeveRecord, UnitRecord } from '../../src/synome/records.js'
import { storeBackends, useStore } from '../fixtures/store.js'
import { accounts, bootstrapRoles, clientsFor, riskData102, riskFrameworkDocument, seedRunner, testClock, unitPayload } from './support.js'

describe.each(storeBackends())('gates and validation on $name', (backend) => {
  const store = useStore(backend)

  async function at(stop: string) {
    const time = testClock()
    const synome = await store.fresh({ clock: time.clock, roles: bootstrapRoles })
    const c = clientsFor(synome, time.clock)
    await seedRunner(c, time).until(stop)
    /** Expect `attempt` to be refused with this code (and gate), leaving the store as it was. */
    const refused = async (attempt: () => Promise<unknown>, code: string, gate?: string) => {
      const before = await store.snapshot()
      const error = await attempt().then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(error, 'must be refused').toMatchObject({ code, ...(gate ? { meta: expect.objectContaining({ gate }) } : {}) })
      expect(await store.snapshot()).toBe(before)
      return error as { meta?: Record<string, unknown> }
    }
    return { synome, c, time, refused }
  }

  it('sending USDC externally needs the PRE_DEPLOYMENT attestation', async () => {
    const { c, refused } = await at('att101')
    await refused(() => c.nfat.send('updateSleeveAssets', { sleeveId: 'sleeve-7', assets: [{ type: 'USDC', amount: '75000000', location: 'in-transit', destination: 'halo-bank-account-ref', initiatedAt: '2026-04-01T10:30:00Z' }] }), 'PRECONDITION_FAILED', 'PRE_DEPLOYMENT_ATTESTATION_MISSING')
    await refused(() => c.nfat.send('transitionSleeve', { sleeveId: 'sleeve-7', to: 'DEPLOYING' }), 'PRECONDITION_FAILED', 'PRE_DEPLOYMENT_ATTESTATION_MISSING')
  })

  it('the PRE_DEPLOYMENT attestation waits for the USDC conversion and for OFFBOARDING', async () => {
    const { c, refused } = await at('convertToUsdc')
    const post = () => c.attest.send('postAttestation', { attestationId: 'att-101', type: 'PRE_DEPLOYMENT', sleeveId: 'sleeve-7', content: {} })
    await refused(post, 'PRECONDITION_FAILED', 'USDC_CONVERSION_INCOMPLETE')
    await refused(() => c.attest.send('postAttestation', { attestationId: 'att-x', type: 'AT_REST', sleeveId: 'sleeve-7', content: {} }), 'PRECONDITION_FAILED', 'SLEEVE_STATE')
  })

  it('OFFBOARDING → DEPLOYING needs all funds confirmed in the bank', async () => {
    const { c, refused } = await at('confirmReceipt')
    await refused(() => c.nfat.send('transitionSleeve', { sleeveId: 'sleeve-7', to: 'DEPLOYING' }), 'PRECONDITION_FAILED', 'FUNDS_NOT_IN_BANK')
  })

  it('nothing writes a DEPLOYING sleeve, and DEPLOYING → AT_REST needs the AT_REST attestation', async () => {
    const { c, refused } = await at('att102')
    await refused(() => c.nfat.send('transitionSleeve', { sleeveId: 'sleeve-7', to: 'AT_REST' }), 'PRECONDITION_FAILED', 'AT_REST_ATTESTATION_MISSING')
    await refused(() => c.nfat.send('updateSleeveAssets', { sleeveId: 'sleeve-7', assets: [] }), 'PRECONDITION_FAILED', 'DEPLOYING_IS_STATIC')
    await refused(() => c.nfat.send('updateSleeveMetadata', { sleeveId: 'sleeve-7', metadata: { note: 'peek' } }), 'PRECONDITION_FAILED', 'DEPLOYING_IS_STATIC')
    await refused(() => c.nfat.send('sweepUnit', { sleeveId: 'sleeve-7', unit: unitPayload(45, '1', 'spark') }), 'PRECONDITION_FAILED', 'DEPLOYING_IS_STATIC')
    await refused(() => c.attest.send('postAttestation', { attestationId: 'att-p', type: 'PERIODIC', sleeveId: 'sleeve-7', content: {} }), 'PRECONDITION_FAILED', 'SLEEVE_STATE')
    await refused(() => c.operator.send('overrideSleeveState', { sleeveId: 'sleeve-7', to: 'FILLING', reason: 'no' }), 'PRECONDITION_FAILED', 'SLEEVE_STATE')
  })

  it('UNWINDING → CLOSED needs every linked unit CLOSED', async () => {
    const { c, refused } = await at('close44')
    const error = await refused(() => c.nfat.send('transitionSleeve', { sleeveId: 'sleeve-7', to: 'CLOSED' }), 'PRECONDITION_FAILED', 'UNITS_NOT_CLOSED')
    expect(error.meta?.openUnits).toEqual([44])
  })

  it('no skipping states; a sweep needs CREATED or FILLING; units close only when repayment is available', async () => {
    const { c, refused } = await at('offboard')
    await refused(() => c.nfat.send('transitionSleeve', { sleeveId: 'sleeve-7', to: 'DEPLOYING' }), 'PRECONDITION_FAILED', 'TRANSITION_NOT_ALLOWED')
    await refused(() => c.nfat.send('closeUnit', { unitId: 42 }), 'PRECONDITION_FAILED', 'UNIT_STATE')
    await c.nfat.send('transitionSleeve', { sleeveId: 'sleeve-7', to: 'OFFBOARDING' })
    await refused(() => c.nfat.send('sweepUnit', { sleeveId: 'sleeve-7', unit: unitPayload(45, '1', 'spark') }), 'PRECONDITION_FAILED', 'SLEEVE_STATE')
    await refused(() => c.nfat.send('sweepUnit', { sleeveId: 'sleeve-404', unit: unitPayload(45, '1', 'spark') }), 'NOT_FOUND')
  })

  it('risk data: schemaVersion known to the framework, data matching its JSON Schema, attestationRef to an attestation of the sleeve', async () => {
    const { c, refused } = await at('atRest')
    const atRest = (riskData: Record<string, unknown>) => () => c.nfat.send('transitionSleeve', { sleeveId: 'sleeve-7', to: 'AT_REST', assets: [{ type: 'aggregate-deployed', amount: '75000000', riskData: riskData as never }] })
    const unknown = await refused(atRest({ ...riskData102, schemaVersion: '9.9' }), 'INVALID_INPUT')
    expect(unknown.meta).toMatchObject({ field: 'assets[0].riskData.schemaVersion', known: ['1.0'] })
    await refused(atRest({ ...riskData102, data: { weightedAverageDuration: 9.2 } }), 'INVALID_INPUT')
    await refused(atRest({ ...riskData102, data: {} }), 'INVALID_INPUT')
    await refused(atRest({ schemaVersion: '1.0', data: {} }), 'INVALID_INPUT') // no attestationRef
    await refused(atRest({ ...riskData102, attestationRef: 'att-101' }), 'PRECONDITION_FAILED', 'ATTESTATION_REF') // a PRE_DEPLOYMENT one
    await refused(atRest({ ...riskData102, attestationRef: 'att-999' }), 'PRECONDITION_FAILED', 'ATTESTATION_REF')
    await refused(() => c.nfat.send('transitionSleeve', { sleeveId: 'sleeve-7', to: 'AT_REST', assets: [{ type: 'aggregate-deployed', amount: '75000000' } as never] }), 'INVALID_INPUT')
    await atRest(riskData102)()
  })

  it('risk data needs a published framework', async () => {
    const time = testClock()
    const synome = await store.fresh({ clock: time.clock, roles: bootstrapRoles })
    const c = clientsFor(synome, time.clock)
    await c.council.send('registerHaloClass', { haloClass: 'facility-A' })
    await c.nfat.send('createSleeve', { sleeveId: 's1', haloClass: 'facility-A' })
    await expect(c.attest.send('postAttestation', { attestationId: 'a1', type: 'PRE_DEPLOYMENT', sleeveId: 's1', content: { riskData: riskData102 } })).rejects.toMatchObject({ code: 'PRECONDITION_FAILED' })
  })

  it('amounts are exact decimal strings within the asset decimals', async () => {
    const { c, refused } = await at('sendUsdc')
    await refused(() => c.nfat.send('updateSleeveAssets', { sleeveId: 'sleeve-7', assets: [{ type: 'USDC', amount: '1.0000001', location: 'facility-ALMProxy' }] }), 'INVALID_INPUT')
    await refused(() => c.nfat.send('updateSleeveAssets', { sleeveId: 'sleeve-7', assets: [{ type: 'USDC', amount: '-1', location: 'facility-ALMProxy' }] }), 'INVALID_INPUT')
    await refused(() => c.nfat.send('updateSleeveAssets', { sleeveId: 'sleeve-7', assets: [{ type: 'USDC', amount: 75000000 as never, location: 'facility-ALMProxy' }] }), 'INVALID_INPUT')
  })

  it('operator override OFFBOARDING → FILLING needs a reason and is marked in history', async () => {
    const { c, refused } = await at('sendUsdc')
    await refused(() => c.operator.send('overrideSleeveState', { sleeveId: 'sleeve-7', to: 'FILLING', reason: '' }), 'INVALID_INPUT')
    await refused(() => c.operator.send('overrideSleeveState', { sleeveId: 'sleeve-7', to: 'FILLING', reason: '   ' }), 'INVALID_INPUT')
    await c.nfat.send('updateSleeveMetadata', { sleeveId: 'sleeve-7', metadata: { offboardingIssue: 'bank receipt not confirmed' } })
    await c.operator.send('overrideSleeveState', { sleeveId: 'sleeve-7', to: 'FILLING', reason: 'off-ramp failed; converted back to USDS', assets: [{ type: 'USDS', amount: '75000000', location: 'facility-ALMProxy' }] })
    const history = await c.stranger.history<SleeveRecord>('sleeve', 'sleeve-7')
    const last = history.at(-1)!
    expect(last).toMatchObject({ command: 'overrideSleeveState', role: 'operator', override: true, reason: 'off-ramp failed; converted back to USDS', data: { state: 'FILLING' } })
    expect(history.filter((v) => v.override)).toHaveLength(1)
  })

  it('a risk framework lpla-verify could not compute with is refused and changes nothing', async () => {
    const { c, refused } = await at('createSleeve')
    const { crr: _crr, ...withoutCrr } = riskFrameworkDocument
    await refused(() => c.council.send('publishRiskFramework', { version: '2026.2', document: withoutCrr }), 'INVALID_INPUT')
    await refused(() => c.council.send('publishRiskFramework', { version: '2026.2', document: { ...riskFrameworkDocument, crr: { ...riskFrameworkDocument.crr, DEPLOYING: '1.5' } } }), 'INVALID_INPUT')
    await refused(() => c.council.send('publishRiskFramework', { version: '2026.2', document: { ...riskFrameworkDocument, riskData: { schemaVersions: { '1.0': { jsonSchema: { type: 'no-such-type' } } } } } }), 'INVALID_INPUT')
    await c.council.send('publishRiskFramework', { version: '2026.2', document: riskFrameworkDocument })
  })

  it('operator correction of a unit needs a reason, is marked in history, and is refused once the unit is CLOSED', async () => {
    const { c, refused } = await at('close42')
    await refused(() => c.operator.send('overrideUnit', { unitId: 42, principal: '31000000', reason: ' ' }), 'INVALID_INPUT')
    await refused(() => c.operator.send('overrideUnit', { unitId: 42, reason: 'nothing to correct' }), 'INVALID_INPUT')
    await refused(() => c.operator.send('overrideUnit', { unitId: 42, principal: '1.0000000000000000001', reason: 'too many decimals' }), 'INVALID_INPUT')
    await refused(() => c.operator.send('overrideUnit', { unitId: 42, principal: '0', reason: 'a unit has principal' }), 'INVALID_INPUT')
    await refused(() => c.operator.send('overrideUnit', { unitId: 42, depositorPrime: 'not an id', reason: 'ids have no spaces' }), 'INVALID_INPUT')
    await refused(() => c.nfat.send('overrideUnit', { unitId: 42, principal: '31000000', reason: 'not the operator' }), 'NOT_PERMITTED')
    await c.operator.send('overrideUnit', { unitId: 43, principal: '25000001', reason: 'principal keyed in wrong' })
    const history = await c.stranger.history<UnitRecord>('unit', '43')
    expect(history.at(-1)).toMatchObject({ command: 'overrideUnit', role: 'operator', override: true, reason: 'principal keyed in wrong', data: { principal: '25000001' } })
    await c.nfat.send('closeUnit', { unitId: 42 })
    await refused(() => c.operator.send('overrideUnit', { unitId: 42, principal: '31000000', reason: 'too late' }), 'PRECONDITION_FAILED', 'UNIT_STATE')
  })

  it('replaying an idempotency key returns the first result and writes nothing; reusing it for another command is a 409', async () => {
    const { synome, c, refused } = await at('sweep43')
    const signed = await c.nfat.sign('sweepUnit', { sleeveId: 'sleeve-7', unit: unitPayload(43, '25000000', 'grove') }, { idempotencyKey: 'sweep:43' })
    const first = await synome.execute(signed)
    const before = await store.snapshot()
    const again = await synome.execute(signed)
    expect(again).toEqual({ ...first, replayed: true })
    // a beacon that crashed and re-signs the same command (new signature, same key) gets the same answer
    expect(await c.nfat.send('sweepUnit', { sleeveId: 'sleeve-7', unit: unitPayload(43, '25000000', 'grove') }, { idempotencyKey: 'sweep:43' })).toMatchObject({ position: first.position, replayed: true })
    expect(await store.snapshot()).toBe(before)
    await refused(() => c.nfat.send('sweepUnit', { sleeveId: 'sleeve-7', unit: unitPayload(44, '20000000', 'keel') }, { idempotencyKey: 'sweep:43' }), 'IDEMPOTENCY_CONFLICT')
  })

  it('expectedVersion: a stale version is a 409 naming expected and current', async () => {
    const { c, refused } = await at('sweep43')
    const current = (await c.stranger.get('sleeve', 'sleeve-7')).version
    const error = await refused(() => c.nfat.send('sweepUnit', { sleeveId: 'sleeve-7', unit: unitPayload(43, '25000000', 'grove') }, { expectedVersion: current - 1 }), 'VERSION_CONFLICT')
    expect(error.meta).toMatchObject({ expected: current - 1, current, type: 'sleeve', id: 'sleeve-7' })
    const ok = await c.nfat.send('sweepUnit', { sleeveId: 'sleeve-7', unit: unitPayload(43, '25000000', 'grove') }, { expectedVersion: current })
    expect(ok.entity).toEqual({ type: 'sleeve', id: 'sleeve-7', version: current + 1 })
  })

  it('signatures: a changed payload or a claimed signer that did not sign is a 401', async () => {
    const { synome, refused } = await at('sweep43')
    const signed = await signCommand({ account: accounts.nfat, command: 'sweepUnit', payload: { sleeveId: 'sleeve-7', unit: unitPayload(43, '25000000', 'grove') }, idempotencyKey: 'k1', issuedAt: '2026-03-16T10:00:00Z' })
    await refused(() => synome.execute({ ...signed, payload: { sleeveId: 'sleeve-7', unit: unitPayload(43, '99000000', 'grove') } }), 'BAD_SIGNATURE')
    await refused(() => synome.execute({ ...signed, signer: accounts.council.address }), 'BAD_SIGNATURE')
    await refused(() => synome.execute({ ...signed, signature: '0x1234' }), 'BAD_SIGNATURE')
    await refused(() => synome.execute({ ...signed, command: 'createSleeve' }), 'BAD_SIGNATURE')
    await refused(() => synome.execute({ ...signed, command: 'dropTables' }), 'INVALID_INPUT')
  })

  it('council manages roles: a granted key can write, a revoked one cannot, the last council stays', async () => {
    const { c, refused } = await at('sweep42')
    await refused(() => c.stranger.send('sweepUnit', { sleeveId: 'sleeve-7', unit: unitPayload(42, '30000000', 'spark') }), 'NOT_PERMITTED')
    await c.council.send('grantRole', { address: accounts.stranger.address, role: 'nfat', haloClasses: ['facility-A'] })
    await c.stranger.send('sweepUnit', { sleeveId: 'sleeve-7', unit: unitPayload(42, '30000000', 'spark') })
    await c.council.send('revokeRole', { address: accounts.stranger.address, role: 'nfat' })
    await refused(() => c.stranger.send('sweepUnit', { sleeveId: 'sleeve-7', unit: unitPayload(43, '25000000', 'grove') }), 'NOT_PERMITTED')
    await refused(() => c.council.send('revokeRole', { address: accounts.council.address, role: 'council' }), 'PRECONDITION_FAILED', 'LAST_COUNCIL')
    await refused(() => c.council.send('grantRole', { address: accounts.stranger.address, role: 'attest', haloClasses: [] }), 'INVALID_INPUT')
  })
})
