import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { InvalidInputError } from '../../src/domain/errors.js'
import { parseUnitsExact } from '../../src/domain/money.js'
import { SKY_CORE } from '../../src/settlement/lines.js'
import { settle } from '../../src/settlement/settle.js'
import { parseSnapshot } from '../../src/settlement/snapshot.js'
import { allParties, buildStatements, totalsFor } from '../../src/settlement/statement.js'

const usds = (value: string) => parseUnitsExact(value, 18)
const example = JSON.parse(readFileSync(new URL('../../examples/settlement/snapshot.json', import.meta.url), 'utf8'))
const clone = () => structuredClone(example)

function fieldOf(run: () => unknown): unknown {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError)
    return (error as InvalidInputError).meta?.field
  }
  throw new Error('expected the snapshot to be refused')
}

describe('settlement of the documented example snapshot (2026-03)', () => {
  const snapshot = parseSnapshot(example)
  const result = settle(snapshot)
  const statements = buildStatements(snapshot, result)
  const spark = statements.find((s) => s.party === 'spark')!
  const sky = statements.find((s) => s.party === SKY_CORE)!

  it('writes one statement per agent plus Sky Core', () => {
    expect(statements.map((s) => s.party)).toEqual(['spark', 'grove', 'keel', SKY_CORE])
    expect(result.days).toBe(31)
  })

  it('Spark receives the seed’s $80K from Bucket 42 of Grove’s $1M reservation fee', () => {
    const bucket42 = spark.lines.find((line) => line.kind === 'durationReward' && line.inputs.bucket === '42')
    expect(bucket42).toMatchObject({ payer: 'grove', payee: 'spark', amount: usds('80000') })
    expect(bucket42?.inputs).toMatchObject({ bucketFee: '400000', bucketTotal: '100000000', tagged: '30000000' })
  })

  it('Grove’s $1M reservation fee is paid out in full: Primes’ shares + Sky’s remainder', () => {
    const fee = result.lines.filter((line) => line.source.startsWith('reservation:0')).reduce((sum, line) => sum + line.amount, 0n)
    expect(fee).toBe(usds('1000000'))
  })

  it('Spark pays the 5% issuance fee on 2M SPK issued on day 11 and upkeep on its day-by-day supply', () => {
    expect(spark.lines.find((line) => line.kind === 'issuanceFee')?.amount).toBe(usds('100000'))
    // (10 days × 10B + 21 days × 10.002B) × 0.0025 / 365, rounded up
    expect(spark.lines.find((line) => line.kind === 'upkeepFee')?.amount).toBe(usds('2123575.342465753424657535'))
  })

  it('Keel’s Grove holdings exceed its own supply’s value, so its upkeep rebate is capped at 100%: it pays zero', () => {
    const keel = statements.find((s) => s.party === 'keel')!
    expect(keel.toSkyCore.KEEL).toBe(0n)
    expect(keel.lines.find((line) => line.kind === 'upkeepRebate')?.inputs.capped).toBe('true')
  })

  it('Governance Access Reward: 1% of $100M split 3:1 between eligible Spark and Grove; Keel’s frontend is not eligible', () => {
    const gar = result.lines.filter((line) => line.kind === 'governanceAccessReward')
    expect(gar.map((line) => [line.payee, line.amount])).toEqual([['spark', usds('750000')], ['grove', usds('250000')]])
  })

  it('classifies a balance from the seed’s criteria: "StarUSD" with 40% sUSDS backing is tier 2 (10 bps)', () => {
    const grove = statements.find((s) => s.party === 'grove')!
    const line = grove.lines.find((l) => l.kind === 'distributionReward')
    expect(line?.inputs).toMatchObject({ tier: '2', tierBps: '10' })
    expect(line?.inputs.tierFrom).toContain('susdsBackingBps=4000')
    // 60M × 10 bps × 31 / 365
    expect(line?.amount).toBe(usds('5095.890410958904109589'))
  })

  it('every statement line carries its formula and inputs', () => {
    for (const line of result.lines) {
      expect(line.formula.length).toBeGreaterThan(0)
      expect(Object.keys(line.inputs).length).toBeGreaterThan(0)
    }
  })

  it('Grove’s $60M loss statement walks the waterfall: FLC $5M, JRC $45M, token inflation $10M', () => {
    const grove = statements.find((s) => s.party === 'grove')!
    expect(grove.losses[0]?.steps.slice(0, 3).map((step) => step.absorbed)).toEqual([usds('5000000'), usds('45000000'), usds('10000000')])
  })

  it('balances: every unit someone pays, someone receives', () => {
    const assets = new Set(result.lines.map((line) => line.asset))
    for (const asset of assets) {
      const net = allParties(result.lines).reduce((sum, party) => sum + (totalsFor(party, result.lines)[asset]?.net ?? 0n), 0n)
      expect(net).toBe(0n)
    }
    expect(sky.totals.USDS?.paid).toBeGreaterThan(0n)
  })
})

describe('a malformed snapshot is refused with the field that is wrong', () => {
  it('names a bad amount by its path', () => {
    const bad = clone()
    bad.agents[0].token.bidPrice = '9.5e-2'
    expect(fieldOf(() => parseSnapshot(bad))).toBe('agents[0].token.bidPrice')
  })

  it('names a reference to an unknown agent', () => {
    const bad = clone()
    bad.reservations[0].prime = 'obex'
    expect(fieldOf(() => parseSnapshot(bad))).toBe('reservations[0].prime')
  })

  it('refuses a bid above the ask, tagged USDS above the bucket total, and an unknown field', () => {
    const bid = clone()
    bid.agents[1].token.bidPrice = '3'
    expect(fieldOf(() => parseSnapshot(bid))).toBe('agents[1].token.bidPrice')
    const tagged = clone()
    tagged.durationBuckets[1].tagged.spark = '100000001'
    expect(fieldOf(() => parseSnapshot(tagged))).toBe('durationBuckets[1].tagged')
    const extra = clone()
    extra.agents[0].tokenz = {}
    expect(fieldOf(() => parseSnapshot(extra))).toBe('agents[0]')
  })

  it('refuses a bucket outside 0–100 and an issuance day after the month ends', () => {
    const bucket = clone()
    bucket.reservations[0].target = 101
    expect(fieldOf(() => parseSnapshot(bucket))).toBe('reservations[0].target')
    const day = clone()
    day.period = '2026-02'
    day.agents[0].token.issuances[0].day = 30
    expect(fieldOf(() => parseSnapshot(day))).toBe('agents[0].token.issuances[0].day')
  })
})

describe('properties over random snapshots (bounded)', () => {
  const amount = fc.bigInt({ min: 0n, max: 10n ** 12n }).map(String)
  const ids = ['a', 'b', 'c']
  const agentArb = (id: string) => fc.record({
    id: fc.constant(id), name: fc.constant(id.toUpperCase()), type: fc.constant('prime'),
    token: fc.record({ symbol: fc.constant(id.toUpperCase()), openingSupply: amount, issuances: fc.array(fc.record({ day: fc.integer({ min: 1, max: 28 }), amount, purpose: fc.constant('p') }), { maxLength: 2 }), bidPrice: fc.constant('1'), askPrice: fc.constantFrom('1', '1.5') }),
    holdings: fc.subarray(ids.filter((other) => other !== id)).chain((held) => fc.tuple(...held.map((agent) => fc.record({ agent: fc.constant(agent), amount })))),
    taggedBalances: fc.array(fc.record({ tier: fc.constantFrom(0, 1, 2, 3, 4), averageBalance: amount }), { maxLength: 3 }),
    governanceFrontend: fc.record({ skyStaked: amount, eligible: fc.boolean() }),
  })
  const snapshotArb = fc.record({
    period: fc.constantFrom('2026-02', '2026-03'),
    ssr: fc.constantFrom('0', '0.045', '0.1'),
    skyNetRevenue: amount,
    agents: fc.tuple(...ids.map(agentArb)),
    durationBuckets: fc.uniqueArray(fc.integer({ min: 0, max: 100 }), { maxLength: 4 }).chain((buckets) => fc.tuple(...buckets.map((bucket) => fc.record({ bucket: fc.constant(bucket), total: fc.constant('1000'), tagged: fc.record({ a: fc.constantFrom('0', '300'), b: fc.constantFrom('0', '500') }) })))),
    reservations: fc.array(fc.record({ prime: fc.constantFrom(...ids), target: fc.integer({ min: 0, max: 100 }), amount: fc.constantFrom('500', '2500'), fee: amount }), { maxLength: 3 }),
  })

  it('statements balance, reservation fees are fully distributed, rebates never make upkeep negative', () => {
    fc.assert(fc.property(snapshotArb, (raw) => {
      const snapshot = parseSnapshot(raw)
      const result = settle(snapshot)
      for (const asset of new Set(result.lines.map((line) => line.asset))) {
        expect(allParties(result.lines).reduce((sum, party) => sum + (totalsFor(party, result.lines)[asset]?.net ?? 0n), 0n)).toBe(0n)
      }
      snapshot.reservations.forEach((reservation, index) => {
        const paid = result.lines.filter((line) => line.source === `reservation:${index}:${reservation.prime}`).reduce((sum, line) => sum + line.amount, 0n)
        expect(paid).toBe(reservation.fee)
      })
      for (const statement of buildStatements(snapshot, result)) {
        for (const [asset, owed] of Object.entries(statement.toSkyCore)) if (asset !== 'USDS') expect(owed >= 0n).toBe(true)
      }
      const gar = result.lines.filter((line) => line.kind === 'governanceAccessReward').reduce((sum, line) => sum + line.amount, 0n)
      expect(gar <= snapshot.skyNetRevenue / 100n).toBe(true)
    }), { numRuns: 150 })
  })
})
