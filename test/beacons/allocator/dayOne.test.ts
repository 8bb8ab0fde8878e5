/**
 * Issue 16 "Done when", on anvil: three Primes (Spark, Grove, Keel), each with its own PAU and
 * allocator. Each Prime's first allocation into a newly onboarded Unit lands in the first tick
 * after onboarding completes and never exceeds a rate limit; later increases are paced by SORL
 * (GovOps apply the step the allocator proposed, at the earliest the Configurator accepts). A
 * Unit not properly onboarded receives nothing, and each allocator's Synome record names why.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rmSync } from 'node:fs'
import type { Address } from 'viem'
import { applyRampStep } from '../../../src/chain/rateLimits/applyRampStep.js'
import { nfatFacilityAbi } from '../../../src/chain/generated/index.js'
import { parseUnitsExact, USDS_DECIMALS } from '../../../src/domain/money.js'
import { ALLOCATOR_DECISION, type AllocatorDecisionPayload, type AllocatorDecisionRecord } from '../../../src/synome/commands/allocator/records.js'
import { useDevnet, type Devnet } from '../../fixtures/devnet.js'
import { ARTIFACT, IRL, onboardPrimeDeposit, setupWorld, type World } from './support.js'

let devnet: Devnet
let w: World
let facilityA: Address
const HOUR = 3600n
const usds = (v: string) => parseUnitsExact(v, USDS_DECIMALS)

beforeAll(async () => {
  devnet = await useDevnet()
  w = await setupWorld(devnet)
  facilityA = w.deployment.facility
}, 120_000)
afterAll(async () => {
  await w?.close()
  if (w) rmSync(w.stateDir, { recursive: true, force: true })
})

async function record(prime: string): Promise<AllocatorDecisionRecord> {
  return (await w.synome.get<AllocatorDecisionRecord>(ALLOCATOR_DECISION, prime)).data
}
const unitOf = (r: AllocatorDecisionPayload, unitId: string) => r.units.find((u) => u.unitId === unitId)!
const queued = (facility: Address, proxy: Address) => devnet.publicClient.readContract({ address: facility, abi: nfatFacilityAbi, functionName: 'queuedBalanceOf', args: [proxy] })

/** One tick of every allocator; checks the invariant that no order ever exceeds the limit read. */
async function tickAll() {
  const reports = new Map<string, Awaited<ReturnType<NonNullable<ReturnType<World['allocators']['get']>>['tick']>>>()
  for (const [prime, allocator] of w.allocators) {
    const report = await allocator.tick()
    expect(report.errors).toEqual([])
    for (const u of report.record.units) {
      if (!u.executed) continue
      expect(u.rateLimit).not.toBeNull()
      expect(usds(u.executed.amount)).toBeLessThanOrEqual(usds(u.rateLimit!.available) + usds(u.rateLimit!.maxAmount)) // refilled by at most one block
      // Observation and execution read the limit at the same block: the order is at most what was available.
      expect(usds(u.executed.amount)).toBeLessThanOrEqual(usds(u.rateLimit!.available))
      expect(usds(u.executed.amount)).toBeLessThanOrEqual(usds(u.rateLimit!.maxAmount))
    }
    for (const s of report.sent) expect(s.status).toBe('final')
    reports.set(prime, report)
  }
  return reports
}

describe('Day 1: every Prime allocates into a newly onboarded Unit through its own PAU, within its rate limits', () => {
  it('before onboarding completes (the beacon has not acted yet) no Prime allocates, and each record says BEACON_SILENT', async () => {
    await w.council.send('registerHaloClass', { haloClass: 'facility-A', facility: facilityA, metadata: { artifact: ARTIFACT, inventory: { codeHash: await w.codeHash(facilityA) } } })
    // GovOps of Spark and Grove configure the deposit limit (init through the timelock); Keel's do not.
    await onboardPrimeDeposit(devnet, { base: w.deployment, accounts: devnet.accounts, primes: w.primes.filter((p) => p.prime !== 'keel'), key: (p) => w.key(p, facilityA), init: IRL })
    await tickAll()
    expect(unitOf(await record('spark'), 'facility-A')).toMatchObject({ eligible: false, reasons: ['BEACON_SILENT'], executed: null })
    expect(unitOf(await record('grove'), 'facility-A')).toMatchObject({ eligible: false, reasons: ['BEACON_SILENT'] })
    expect(unitOf(await record('keel'), 'facility-A')).toMatchObject({ eligible: false, reasons: ['BEACON_SILENT', 'NO_RATE_LIMIT'] })
    for (const p of w.primes) expect(await queued(facilityA, p.almProxy)).toBe(0n)
  })

  it('the first tick after lpha-nfat acts lands each configured Prime’s first allocation, clipped to the limit available; Keel gets nothing and is told to get an init', async () => {
    await devnet.increaseTime(HOUR)
    await w.nfat.send('createSleeve', { sleeveId: 'sleeve-7', haloClass: 'facility-A' })
    const reports = await tickAll()
    for (const prime of ['spark', 'grove']) {
      const p = w.primes.find((x) => x.prime === prime)!
      const u = unitOf(reports.get(prime)!.record, 'facility-A')
      expect(u).toMatchObject({ eligible: true, reasons: [], target: '5000000', limitedBy: 'UNIT_CAP', order: { kind: 'deposit', rateLimited: true } })
      // An hour and a few blocks of refill at 100K/day: about 4.2K USDS, never more than is available.
      const amount = usds(u.executed!.amount)
      expect(amount).toBeGreaterThan(usds('4166'))
      expect(amount).toBeLessThan(usds('4200'))
      expect(await queued(facilityA, p.almProxy)).toBe(amount)
      // The 5M target cannot be met at 100K: it proposes the next SORL step (+25%, one hop after the limit was created).
      const [proposal] = reports.get(prime)!.record.proposals
      expect(proposal).toMatchObject({ unitId: 'facility-A', kind: 'set', maxAmount: '125000' })
    }
    const keel = unitOf(reports.get('keel')!.record, 'facility-A')
    expect(keel).toMatchObject({ eligible: false, reasons: ['NO_RATE_LIMIT'], executed: null, rateLimit: null })
    expect(reports.get('keel')!.record.proposals).toEqual([expect.objectContaining({ unitId: 'facility-A', kind: 'schedule-init', maxAmount: '100000' })])
    expect(await queued(facilityA, w.primes.find((x) => x.prime === 'keel')!.almProxy)).toBe(0n)
  })

  it('later increases are paced by SORL: GovOps apply each proposed step at its time (not a second earlier), and deposits follow the raised limit, never above it', async () => {
    const spark = w.primes.find((x) => x.prime === 'spark')!
    const where = { configurator: w.deployment.configuratorUnit.configurator, pau: spark.pau, key: w.key(spark, facilityA) }
    let previous = { maxAmount: IRL.maxAmount, at: 0n }
    for (let step = 0; step < 3; step++) {
      const proposal = (await record('spark')).proposals[0]!
      expect(proposal.kind).toBe('set')
      const at = BigInt(Date.parse(proposal.at) / 1000)
      const setting = { maxAmount: usds(proposal.maxAmount), slope: usds(proposal.slope) }
      expect(setting.maxAmount * 10_000n).toBeLessThanOrEqual(previous.maxAmount * 12_500n)
      if (previous.at !== 0n) expect(at - previous.at).toBeGreaterThanOrEqual(18n * HOUR)
      await devnet.setNextBlockTimestamp(at - 1n)
      await expect(applyRampStep(devnet, { ...where, govOps: devnet.accounts.govOps, step: { kind: 'set', at, setting, increase: true } })).rejects.toThrow(/SorlCooldown/)
      await devnet.setNextBlockTimestamp(at)
      await applyRampStep(devnet, { ...where, govOps: devnet.accounts.govOps, step: { kind: 'set', at, setting, increase: true } })
      previous = { maxAmount: setting.maxAmount, at }
      // lpha-nfat keeps acting on the class (its beacon integration stays live).
      await w.nfat.send('updateSleeveMetadata', { sleeveId: 'sleeve-7', metadata: { heartbeat: step } })
      const before = await queued(facilityA, spark.almProxy)
      const reports = await tickAll()
      const u = unitOf(reports.get('spark')!.record, 'facility-A')
      expect(u).toMatchObject({ eligible: true })
      expect(usds(u.rateLimit!.maxAmount)).toBe(setting.maxAmount)
      // It deposits exactly what the raised limit has available (refilled since the last deposit), never more.
      const amount = usds(u.executed!.amount)
      expect(amount).toBe(usds(u.rateLimit!.available))
      expect(amount).toBeLessThanOrEqual(setting.maxAmount)
      expect(amount).toBeGreaterThan(0n)
      expect(await queued(facilityA, spark.almProxy)).toBe(before + amount)
    }
    expect(previous.maxAmount).toBe(usds('195312.5'))
  })
})

describe('a Unit that is not properly onboarded receives nothing, and each allocator’s Synome record gives the reason code', () => {
  it('missing Artifact field → ARTIFACT_INCOMPLETE; inventory code that does not match → INVENTORY_NON_CONFORMING; no provenance → NOT_FACTORY_DEPLOYED; unknown risk model → RISK_MODEL_UNKNOWN', async () => {
    const facilities = { B: await w.deployFacility(), C: await w.deployFacility(), D: await w.deployFacility(), E: await w.deployFacility() }
    const { legalRecourse: _missing, ...withoutRecourse } = ARTIFACT
    const metadata = {
      B: { artifact: withoutRecourse, inventory: { codeHash: await w.codeHash(facilities.B) } },
      C: { artifact: ARTIFACT, inventory: { codeHash: await w.codeHash(facilityA) } }, // another contract's code
      D: { artifact: ARTIFACT },
      E: { artifact: { ...ARTIFACT, riskModelRef: 'unrated' }, inventory: { codeHash: await w.codeHash(facilities.E) } },
    }
    for (const [name, facility] of Object.entries(facilities)) {
      await w.council.send('registerHaloClass', { haloClass: `facility-${name}`, facility, metadata: metadata[name as keyof typeof metadata] })
      await onboardPrimeDeposit(devnet, { base: w.deployment, accounts: devnet.accounts, primes: w.primes, key: (p) => w.key(p, facility), init: IRL })
      await w.nfat.send('createSleeve', { sleeveId: `sleeve-${name}`, haloClass: `facility-${name}` })
    }
    await devnet.increaseTime(HOUR)
    await tickAll()
    const expected = { B: 'ARTIFACT_INCOMPLETE', C: 'INVENTORY_NON_CONFORMING', D: 'NOT_FACTORY_DEPLOYED', E: 'RISK_MODEL_UNKNOWN' }
    for (const p of w.primes) {
      const r = await record(p.prime)
      for (const [name, reason] of Object.entries(expected)) {
        expect(unitOf(r, `facility-${name}`)).toMatchObject({ eligible: false, reasons: [reason], order: { kind: 'none', amount: '0' }, executed: null })
        expect(await queued(facilities[name as keyof typeof facilities], p.almProxy)).toBe(0n)
      }
    }
  })

  it('a beacon silent for longer than the Prime allows → BEACON_SILENT: no new capital, what is held stays', async () => {
    await devnet.increaseTime(3n * 86_400n)
    const held = new Map(await Promise.all(w.primes.map(async (p) => [p.prime, await queued(facilityA, p.almProxy)] as const)))
    await tickAll()
    for (const p of w.primes) {
      const u = unitOf(await record(p.prime), 'facility-A')
      expect(u.reasons).toContain('BEACON_SILENT')
      expect(u).toMatchObject({ eligible: false, limitedBy: 'INELIGIBLE', executed: null, order: { kind: 'none' } })
      expect(await queued(facilityA, p.almProxy)).toBe(held.get(p.prime))
    }
  })
})
