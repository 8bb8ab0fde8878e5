/**
 * Seed 004 "End-to-End Example — Phase 1 Happy Path": sleeve-7 with NFATs 42/43/44 from
 * Spark, Grove and Keel (30M + 25M + 20M), every record and timestamp as in the seed.
 */
import { describe, expect, it } from 'vitest'
import type { AttestationRecord, SleeveRecord, UnitRecord } from '../../src/synome/records.js'
import { storeBackends, useStore } from '../fixtures/store.js'
import { bootstrapRoles, clientsFor, riskData102, seedRunner, testClock } from './support.js'

describe.each(storeBackends())('seed happy path on $name', (backend) => {
  const store = useStore(backend)

  it('walks sleeve-7 from CREATED to CLOSED with the seed records', async () => {
    const time = testClock()
    const synome = await store.fresh({ clock: time.clock, roles: bootstrapRoles })
    const c = clientsFor(synome, time.clock)
    const seed = seedRunner(c, time)
    const sleeve = async () => (await c.stranger.get<SleeveRecord>('sleeve', 'sleeve-7')).data

    await seed.until('sweep42')
    expect(await sleeve()).toEqual({
      sleeveId: 'sleeve-7',
      haloClass: 'facility-A',
      state: 'CREATED',
      assets: [],
      linkedUnits: [],
      attestations: [],
      timestamps: { created: '2026-03-15T10:00:00Z' },
      metadata: {},
      offboardingRound: 0,
    })

    await seed.until('offboard')
    expect(await sleeve()).toMatchObject({
      state: 'FILLING',
      assets: [{ type: 'USDS', amount: '75000000', location: 'facility-ALMProxy' }],
      linkedUnits: [42, 43, 44],
      attestations: [],
      timestamps: { created: '2026-03-15T10:00:00Z', fillingStarted: '2026-03-15T10:05:00Z' },
    })
    const unit43 = (await c.stranger.get<UnitRecord>('unit', '43')).data
    expect(unit43).toMatchObject({ unitId: 43, sleeveId: 'sleeve-7', principal: '25000000', depositorPrime: 'grove', state: 'CREATED', dealTerms: { paymentSchedule: 'bullet' } })
    expect(unit43.nfat.tokenId).toBe('43')

    // Day 1 / 2 / 4 balances: 30M, 55M, 75M
    const history = await c.stranger.history<SleeveRecord>('sleeve', 'sleeve-7')
    expect(history.filter((v) => v.command === 'sweepUnit').map((v) => v.data.assets[0]!.amount)).toEqual(['30000000', '55000000', '75000000'])

    await seed.until('deploy')
    expect((await sleeve()).assets).toEqual([{ type: 'USD', amount: '75000000', location: 'halo-bank-account', confirmedAt: '2026-04-02T14:00:00Z' }])
    const att101 = (await c.stranger.get<AttestationRecord>('attestation', 'att-101')).data
    expect(att101).toEqual({
      attestationId: 'att-101',
      type: 'PRE_DEPLOYMENT',
      sleeveId: 'sleeve-7',
      content: { legalStructureVerified: true, bankAccountVerified: true, expectedRiskParameters: { seniorSecuredLoans: 3 }, maximumDeploymentDuration: '90d' },
      timestamp: '2026-04-01T09:00:00Z',
      round: 1,
      contentVersion: '1',
    })

    await seed.until('att102')
    expect(await sleeve()).toMatchObject({
      state: 'DEPLOYING',
      assets: [{ type: 'USD', amount: '75000000', location: 'deploying', note: 'Funds being deployed into deals per pre-deployment attestation att-101' }],
      attestations: ['att-101'],
    })
    expect((await c.stranger.get<UnitRecord>('unit', '42')).data.state).toBe('ACTIVE')

    await seed.until('att103')
    expect(await sleeve()).toMatchObject({ state: 'AT_REST', assets: [{ type: 'aggregate-deployed', amount: '75000000', riskData: riskData102 }], attestations: ['att-101', 'att-102'] })
    expect((await c.stranger.get<AttestationRecord>('attestation', 'att-102')).data.timestamp).toBe('2026-04-15T09:00:00Z')

    const results = await seed.until('close42')
    expect((await c.stranger.get<AttestationRecord>('attestation', 'att-103')).data.timestamp).toBe('2026-07-15T09:00:00Z')
    expect(await sleeve()).toMatchObject({ state: 'UNWINDING', assets: [{ type: 'USDS', amount: '78750000', location: 'redeem-contract' }], attestations: ['att-101', 'att-102', 'att-103'] })
    expect(results.repaymentAvailable).toMatchObject({ result: { repayments: [{ unitId: 42, amount: '31500000' }, { unitId: 43, amount: '26250000' }, { unitId: 44, amount: '21000000' }], remainder: '0' } })
    for (const [id, amount] of [['42', '31500000'], ['43', '26250000'], ['44', '21000000']]) {
      expect((await c.stranger.get<UnitRecord>('unit', id!)).data).toMatchObject({ state: 'REPAYMENT_AVAILABLE', repaymentAmount: amount })
    }

    await seed.until()
    expect(await sleeve()).toMatchObject({
      sleeveId: 'sleeve-7',
      state: 'CLOSED',
      assets: [],
      linkedUnits: [42, 43, 44],
      timestamps: {
        created: '2026-03-15T10:00:00Z',
        fillingStarted: '2026-03-15T10:05:00Z',
        offboardingStarted: '2026-04-01T10:00:00Z',
        deployingStarted: '2026-04-02T15:00:00Z',
        atRestStarted: '2026-04-15T09:30:00Z',
        unwindingStarted: '2026-10-01T09:00:00Z',
        closed: '2026-10-05T11:00:00Z',
      },
    })
    for (const id of ['42', '43', '44']) expect((await c.stranger.get<UnitRecord>('unit', id)).data.state).toBe('CLOSED')

    // full lifecycle visible in history, and the chain verifies
    const states = (await c.stranger.history<SleeveRecord>('sleeve', 'sleeve-7')).map((v) => v.data.state)
    expect([...new Set(states)]).toEqual(['CREATED', 'FILLING', 'OFFBOARDING', 'DEPLOYING', 'AT_REST', 'UNWINDING', 'CLOSED'])
    expect(await c.stranger.verifyLog()).toMatchObject({ ok: true })
    // as-of: on Day 2 the sleeve held 55M
    expect((await c.stranger.getAsOf<SleeveRecord>('sleeve', 'sleeve-7', '2026-03-17T00:00:00Z')).data.assets[0]!.amount).toBe('55000000')
  })
})
