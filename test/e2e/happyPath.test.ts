import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { useDevnet, type Devnet } from '../fixtures/devnet.js'
import { M, U, createScenario, type Scenario } from './harness.js'
import { attestationContentHash, createAttestationRegistry } from '../../src/chain/attestation.js'

/**
 * Seed 004 "End-to-End Example — Phase 1 Happy Path", day by day on anvil with the real
 * Synome, lpha-nfat, lpha-attest (rule mode) and the devnet bank. Each step asserts the
 * Synome records and the on-chain balances the seed describes.
 */
let devnet: Devnet
let s: Scenario

beforeAll(async () => {
  devnet = await useDevnet()
  s = await createScenario(devnet)
})
afterAll(async () => {
  await s?.close()
})

describe('seed happy path: sleeve-7 from CREATED to CLOSED', () => {
  it('days 0–4 filling: Spark 30M → NFAT #42, Grove 25M → #43, Keel 20M → #44; 75M USDS in the ALMProxy', async () => {
    const { world } = s
    await s.at(0, '09:00')
    await world.deposit(world.people.spark, M('30'))
    await s.at(0, '10:00')
    await s.nfatTick()
    expect(await s.sleeve()).toMatchObject({
      sleeveId: 'sleeve-7',
      haloClass: 'facility-A',
      state: 'FILLING',
      assets: [{ type: 'USDS', amount: '30000000', location: 'facility-ALMProxy' }],
      linkedUnits: [42],
      attestations: [],
      timestamps: { created: s.iso(0), fillingStarted: s.iso(0) },
      metadata: { targetAmount: '75000000' },
    })
    expect(await s.unit(42)).toMatchObject({ unitId: 42, sleeveId: 'sleeve-7', principal: '30000000', depositorPrime: 'spark', state: 'CREATED', dealTerms: { apy: '0.05', maturity: s.iso(180), paymentSchedule: 'bullet' }, nfat: { tokenId: '42' } })
    expect(await world.ownerOf(42n)).toBe(world.people.spark.address)

    await s.at(2, '09:00')
    await world.deposit(world.people.grove, M('25'))
    await s.at(2, '10:00')
    await s.nfatTick()
    expect((await s.sleeve()).assets).toEqual([{ type: 'USDS', amount: '55000000', location: 'facility-ALMProxy' }])

    await s.at(4, '09:00')
    await world.deposit(world.people.keel, M('20'))
    await s.at(4, '10:00')
    await s.nfatTick()
    expect(await s.sleeve()).toMatchObject({ state: 'FILLING', assets: [{ type: 'USDS', amount: '75000000', location: 'facility-ALMProxy' }], linkedUnits: [42, 43, 44] })
    expect([await s.unit(43), await s.unit(44)]).toMatchObject([
      { principal: '25000000', depositorPrime: 'grove' },
      { principal: '20000000', depositorPrime: 'keel' },
    ])
    expect(await world.balance(world.almProxy)).toBe(M('75'))
    expect(await world.view('totalUnderlying')).toBe(0n)
  })

  it('day 6 offboarding: OFFBOARDING, 75M USDS → USDC via the PSM, then the gate holds until att-101', async () => {
    await s.at(6, '10:00')
    await s.nfatTick()
    expect(await s.sleeve()).toMatchObject({ state: 'OFFBOARDING', assets: [{ type: 'USDC', amount: '75000000', location: 'facility-ALMProxy' }], timestamps: { offboardingStarted: s.iso(6) } })
    expect(await s.world.balance(s.world.almProxy)).toBe(0n)
    expect(await s.usdcBalance(s.world.almProxy)).toBe(U('75'))
    expect(await s.usdcBalance(s.offRamp)).toBe(0n) // nothing leaves without the attestation

    await s.at(6, '10:15')
    expect(await s.attestTick()).toContainEqual({ sleeveId: 'sleeve-7', type: 'PRE_DEPLOYMENT', attestationId: 'att-101', reason: expect.any(String) })
    const att101 = (await s.synome.get<Record<string, unknown>>('attestation', 'att-101')).data
    expect(att101).toMatchObject({ type: 'PRE_DEPLOYMENT', sleeveId: 'sleeve-7', timestamp: s.iso(6, '10:15'), content: { legalStructureVerified: true, bankAccountVerified: true, maximumDeploymentDuration: '90d' } })
    // lpha-attest recorded it on chain first (its own key): the Synome carries the registry tx and content hash.
    const onChain = att101.onChain as { registry: string; txHash: `0x${string}`; contentHash: string; amount: string }
    expect(onChain).toMatchObject({ contentHash: attestationContentHash(att101.content), amount: '75000000000000', txHash: expect.stringMatching(/^0x[0-9a-f]{64}$/) })
    expect((await createAttestationRegistry(s.devnet.publicClient, onChain.registry as `0x${string}`).recordOf('sleeve-7', 'PRE_DEPLOYMENT', 1))).toMatchObject({ contentHash: onChain.contentHash, amount: U('75'), revoked: false })
    expect(await s.attestTick()).not.toContainEqual(expect.objectContaining({ type: 'PRE_DEPLOYMENT' })) // level-triggered: nothing sent twice

    await s.at(6, '10:30')
    await s.nfatTick()
    expect((await s.sleeve()).assets).toEqual([{ type: 'USDC', amount: '75000000', location: 'in-transit', destination: 'halo-bank-account-ref', initiatedAt: s.iso(6, '10:30') }])
    expect(await s.usdcBalance(s.world.almProxy)).toBe(0n)
    expect(await s.usdcBalance(s.offRamp)).toBe(U('75'))
  })

  it('day 7 bank receipt: 75M USD at the bank, then DEPLOYING (units ACTIVE)', async () => {
    await s.at(7, '14:00')
    await s.nfatTick()
    const sleeve = await s.sleeve()
    expect(sleeve).toMatchObject({
      state: 'DEPLOYING',
      assets: [{ type: 'USD', amount: '75000000', location: 'deploying', note: 'Funds being deployed into deals per pre-deployment attestation att-101' }],
      attestations: ['att-101'],
      timestamps: { deployingStarted: s.iso(7, '14:00') },
    })
    expect((await s.unit(42)).state).toBe('ACTIVE')
    const history = await s.synome.history<{ assets: unknown[] }>('sleeve', 'sleeve-7')
    expect(history.map((v) => v.data.assets)).toContainEqual([{ type: 'USD', amount: '75000000', location: 'halo-bank-account', confirmedAt: s.iso(7, '14:00') }])
  })

  it('day 21 at rest: att-102, AT_REST with the attested aggregate risk data', async () => {
    await s.at(20, '10:00')
    expect((await s.attestTick()).some((r) => r.type)).toBe(false)
    await s.at(21, '09:00')
    expect(await s.attestTick()).toContainEqual(expect.objectContaining({ type: 'AT_REST', attestationId: 'att-102' }))
    await s.at(21, '09:30')
    await s.nfatTick()
    expect(await s.sleeve()).toMatchObject({
      state: 'AT_REST',
      assets: [{ type: 'aggregate-deployed', amount: '75000000', riskData: { schemaVersion: '1.0', attestationRef: 'att-102', data: { weightedAverageDuration: '9.2m' } } }],
      attestations: ['att-101', 'att-102'],
      timestamps: { atRestStarted: s.iso(21, '09:30') },
    })
  })

  it('day 90 periodic re-attestation: att-103 recorded on the sleeve', async () => {
    await s.at(90, '10:00')
    expect(await s.attestTick()).toContainEqual(expect.objectContaining({ type: 'PERIODIC', attestationId: 'att-103' }))
    await s.at(90, '10:30')
    await s.nfatTick()
    expect(await s.sleeve()).toMatchObject({ state: 'AT_REST', attestations: ['att-101', 'att-102', 'att-103'] })
  })

  it('day 180 unwinding: 78.75M returned → USDC → USDS → NFATs funded 31.5M / 26.25M / 21.0M, units REPAYMENT_AVAILABLE', async () => {
    await s.at(180, '09:00')
    s.bank.releaseReturn({ sleeveId: 'sleeve-7', amountUsd: U('78.75'), final: true, at: s.now() })
    await s.nfatTick()
    const sleeve = await s.sleeve()
    expect(sleeve).toMatchObject({ state: 'UNWINDING', assets: [{ type: 'USDS', amount: '78750000', location: 'redeem-contract' }], timestamps: { unwindingStarted: s.iso(180, '09:00') }, metadata: { repayment: { total: '78750000', remainder: '0' } } })
    const assetsHistory = (await s.synome.history<{ assets: unknown[]; state: string }>('sleeve', 'sleeve-7')).filter((v) => v.data.state === 'UNWINDING').map((v) => v.data.assets)
    expect(assetsHistory).toContainEqual([{ type: 'USD', amount: '78750000', location: 'halo-bank-account', confirmedAt: s.iso(180, '09:00'), note: 'principal + yield returned from deployment' }])
    expect(assetsHistory).toContainEqual([{ type: 'USDC', amount: '78750000', location: 'facility-ALMProxy' }])
    expect([await s.unit(42), await s.unit(43), await s.unit(44)]).toMatchObject([
      { state: 'REPAYMENT_AVAILABLE', repaymentAmount: '31500000' },
      { state: 'REPAYMENT_AVAILABLE', repaymentAmount: '26250000' },
      { state: 'REPAYMENT_AVAILABLE', repaymentAmount: '21000000' },
    ])
    expect([await s.world.funding(42n), await s.world.funding(43n), await s.world.funding(44n)].map((f) => f.amount)).toEqual([M('31.5'), M('26.25'), M('21')])
    expect(await s.world.view('totalFunded')).toBe(M('78.75'))
    expect(await s.usdcBalance(s.world.almProxy)).toBe(0n)
    expect(await s.world.balance(s.world.almProxy)).toBe(0n)
  })

  it('days 181–185: Spark, Grove, Keel burn their NFATs for 31.5M / 26.25M / 21.0M USDS; units CLOSED, then sleeve CLOSED', async () => {
    const { world } = s
    await s.at(181)
    await world.redeem(world.people.spark, 42n)
    await s.at(182)
    await world.redeem(world.people.grove, 43n)
    await s.nfatTick()
    expect((await s.unit(42)).state).toBe('CLOSED')
    expect((await s.sleeve()).state).toBe('UNWINDING')
    await s.at(185, '10:00')
    await world.redeem(world.people.keel, 44n)
    await s.at(185, '11:00')
    await s.nfatTick()
    expect([await world.balance(world.people.spark.address), await world.balance(world.people.grove.address), await world.balance(world.people.keel.address)]).toEqual([M('31.5'), M('26.25'), M('21')])
    expect(await world.balanceOfNfat(world.people.spark.address)).toBe(0n)
    expect(await s.sleeve()).toMatchObject({
      state: 'CLOSED',
      assets: [],
      linkedUnits: [42, 43, 44],
      timestamps: {
        created: s.iso(0),
        fillingStarted: s.iso(0),
        offboardingStarted: s.iso(6),
        deployingStarted: s.iso(7, '14:00'),
        atRestStarted: s.iso(21, '09:30'),
        unwindingStarted: s.iso(180, '09:00'),
        closed: s.iso(185, '11:00'),
      },
    })
    expect(await s.unit(44)).toMatchObject({ state: 'CLOSED', timestamps: { closed: s.iso(185, '11:00') } })
    expect(await world.view('totalFunded')).toBe(0n)
    // One claim per unit, one off-ramp transfer, no duplicates anywhere.
    expect(s.txs.all().map((t) => t.key).sort()).toEqual([
      'claim:sleeve-7:' + world.people.grove.address + ':43',
      'claim:sleeve-7:' + world.people.keel.address + ':44',
      'claim:sleeve-7:' + world.people.spark.address + ':42',
      'fund:sleeve-7:42',
      'fund:sleeve-7:43',
      'fund:sleeve-7:44',
      'offramp:sleeve-7:r1:offramp:1',
      'psm-in:sleeve-7',
      'psm-out:sleeve-7:r1',
    ].sort())
    expect((await s.synome.verifyLog()).ok).toBe(true)
  })
})
