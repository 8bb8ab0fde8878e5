import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { PreconditionFailedError } from '../../src/domain/errors.js'
import { useDevnet, type Devnet } from '../fixtures/devnet.js'
import { DAY, M, U, createScenario, fillAndOffboard, type Scenario } from './harness.js'

let devnet: Devnet
let s: Scenario | undefined

beforeAll(async () => {
  devnet = await useDevnet()
})
afterEach(async () => {
  await s?.close()
  s = undefined
})

const gate = (name: string) => expect.objectContaining({ code: 'PRECONDITION_FAILED', meta: expect.objectContaining({ gate: name }) })

describe('two-beacon deployment gate', () => {
  it('correct lpha-nfat: without PRE_DEPLOYMENT no USDC leaves the ALMProxy and the sleeve stays OFFBOARDING, however long it ticks', async () => {
    s = await createScenario(devnet)
    await fillAndOffboard(s)
    for (const day of [2, 10, 40]) {
      await s.at(day)
      const report = await s.nfatTick()
      expect(report.actions).toContainEqual({ sleeveId: 'sleeve-7', kind: 'wait', reason: 'gate: no positive PRE_DEPLOYMENT attestation of offboarding round 1 yet, USDC stays in the ALMProxy' })
    }
    expect(await s.sleeve()).toMatchObject({ state: 'OFFBOARDING', assets: [{ type: 'USDC', amount: '75000000', location: 'facility-ALMProxy' }] })
    expect(await s.usdcBalance(s.world.almProxy)).toBe(U('75'))
    expect(await s.usdcBalance(s.offRamp)).toBe(0n)
    expect(s.ledger.transfersFor('sleeve-7')).toEqual([])
  })

  it('faulty lpha-nfat: the Synome refuses in-transit assets, DEPLOYING without PRE_DEPLOYMENT, and AT_REST without AT_REST; nothing changes', async () => {
    s = await createScenario(devnet)
    await fillAndOffboard(s)
    const before = await s.synome.get('sleeve', 'sleeve-7')
    const faulty = s.nfatSynome
    await expect(faulty.send('updateSleeveAssets', { sleeveId: 'sleeve-7', assets: [{ type: 'USDC', amount: '75000000', location: 'in-transit', destination: 'anywhere' }] })).rejects.toEqual(gate('PRE_DEPLOYMENT_ATTESTATION_MISSING'))
    await expect(faulty.send('transitionSleeve', { sleeveId: 'sleeve-7', to: 'DEPLOYING' })).rejects.toEqual(gate('PRE_DEPLOYMENT_ATTESTATION_MISSING'))
    await expect(faulty.send('transitionSleeve', { sleeveId: 'sleeve-7', to: 'AT_REST' })).rejects.toBeInstanceOf(PreconditionFailedError)
    // lpha-attest's key cannot move a sleeve either.
    await expect(s.attestSynome.send('transitionSleeve', { sleeveId: 'sleeve-7', to: 'DEPLOYING' })).rejects.toMatchObject({ code: 'NOT_PERMITTED' })
    expect(await s.synome.get('sleeve', 'sleeve-7')).toEqual(before)

    // With att-101 the correct beacon sends and reaches DEPLOYING; a faulty jump to AT_REST is refused.
    await s.at(2)
    await s.attestTick()
    await s.nfatTick()
    await s.at(3)
    await s.nfatTick()
    expect((await s.sleeve()).state).toBe('DEPLOYING')
    const deploying = await s.synome.get('sleeve', 'sleeve-7')
    await expect(faulty.send('transitionSleeve', { sleeveId: 'sleeve-7', to: 'AT_REST' })).rejects.toEqual(gate('AT_REST_ATTESTATION_MISSING'))
    await expect(faulty.send('updateSleeveAssets', { sleeveId: 'sleeve-7', assets: [] })).rejects.toEqual(gate('DEPLOYING_IS_STATIC'))
    expect(await s.synome.get('sleeve', 'sleeve-7')).toEqual(deploying)
    // The correct beacon waits at the gate.
    expect((await s.nfatTick()).actions).toContainEqual({ sleeveId: 'sleeve-7', kind: 'wait', reason: 'gate: no positive AT_REST attestation of offboarding round 1 yet' })
  })

  it('a bank receipt that does not arrive within the Halo class timeout flags the sleeve and keeps it OFFBOARDING', async () => {
    s = await createScenario(devnet, { receiptDelaySeconds: null })
    await fillAndOffboard(s)
    await s.at(2)
    await s.attestTick()
    await s.nfatTick()
    await s.at(4, '09:59')
    await s.nfatTick()
    expect(((await s.sleeve()).metadata as Record<string, unknown>).offboardingAlert).toBeUndefined()
    await s.at(5, '10:00')
    await s.nfatTick()
    expect(await s.sleeve()).toMatchObject({ state: 'OFFBOARDING', metadata: { offboardingAlert: { reason: 'bank receipt overdue', transferIds: ['sleeve-7:r1:offramp:1'], timeoutSeconds: 3 * DAY } } })
  })

  it('the off-ramp rate limit splits the transfer into bounded pieces', async () => {
    s = await createScenario(devnet, { offRampMaxUsdc: U('50') })
    await fillAndOffboard(s)
    await s.at(2)
    await s.attestTick()
    await s.nfatTick()
    expect(await s.usdcBalance(s.offRamp)).toBe(U('50'))
    expect((await s.sleeve()).assets).toEqual([
      { type: 'USDC', amount: '25000000', location: 'facility-ALMProxy' },
      { type: 'USDC', amount: '50000000', location: 'in-transit', destination: 'halo-bank-account-ref', initiatedAt: s.iso(2) },
    ])
  })
})

describe('concurrent sleeves of one Halo class (seed "Concurrent Sleeves")', () => {
  it('sleeve-7 AT_REST, sleeve-8 DEPLOYING and sleeve-9 FILLING at once, each driven independently', async () => {
    s = await createScenario(devnet)
    const { world } = s
    const people = world.people
    // Seed queue state: Spark 30M, Grove 50M, Keel 20M → sleeve-7 takes 30/25/20, Grove keeps 25M.
    await s.at(0, '09:00')
    await world.deposit(people.spark, M('30'))
    await world.deposit(people.grove, M('50'))
    await world.deposit(people.keel, M('20'))
    await s.at(0, '10:00')
    await s.nfatTick()
    expect(await s.sleeve('sleeve-7')).toMatchObject({ linkedUnits: [42, 43, 44], assets: [{ type: 'USDS', amount: '75000000' }] })
    expect(await world.queued(people.grove.address)).toBe(M('25'))

    // Day 1: sleeve-7 offboards; Grove's 25M opens sleeve-8.
    await s.at(1, '10:00')
    await s.nfatTick()
    await s.at(1, '10:30')
    await s.nfatTick()
    expect(await s.sleeve('sleeve-8')).toMatchObject({ state: 'FILLING', linkedUnits: [45], assets: [{ type: 'USDS', amount: '25000000' }] })
    await world.deposit(people.spark, M('25'))
    await world.deposit(people.keel, M('25'))
    await s.at(1, '11:00')
    await s.attestTick()
    await s.nfatTick()
    await s.at(2, '10:00')
    await s.nfatTick() // sleeve-7 DEPLOYING; sleeve-8 full → offboards next round
    await s.at(3, '10:00')
    await s.nfatTick()
    await s.attestTick()
    await s.at(3, '11:00')
    await s.nfatTick()
    await s.at(4, '12:00')
    await s.nfatTick() // sleeve-8 DEPLOYING
    await s.at(15, '10:00')
    await s.attestTick() // AT_REST for sleeve-7 only (sleeve-8's diligence runs until day 17)
    await world.deposit(people.grove, M('40'))
    await s.nfatTick()

    const [s7, s8, s9] = [await s.sleeve('sleeve-7'), await s.sleeve('sleeve-8'), await s.sleeve('sleeve-9')]
    expect([s7.state, s8.state, s9.state]).toEqual(['AT_REST', 'DEPLOYING', 'FILLING'])
    expect(s8.linkedUnits).toEqual([45, 46, 47])
    expect(s9).toMatchObject({ linkedUnits: [48], assets: [{ type: 'USDS', amount: '37500000' }] })
    expect(await world.ownerOf(48n)).toBe(people.grove.address)
    expect(s.metrics.registry.getSingleMetric('lpha_nfat_sleeves')).toBeDefined()
    const gauge = await s.metrics.registry.getSingleMetricAsString('lpha_nfat_sleeves')
    expect(gauge).toContain('state="FILLING"')
  })
})
