import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { InvalidInputError } from '../../src/domain/errors.js'
import { parseUnitsExact } from '../../src/domain/money.js'
import { allocateQueues, planSleeveSweeps, type PolicySleeve, type SleevePolicyConfig } from '../../src/domain/sleevePolicy.js'

const M = (millions: string) => parseUnitsExact(millions, 18) * 1_000_000n
const DAY = 86_400

const config: SleevePolicyConfig = {
  haloClass: 'facility-A',
  sleeveIdPrefix: 'sleeve-',
  pipeline: [
    { name: 'senior-secured-1', amount: M('25') },
    { name: 'senior-secured-2', amount: M('25') },
    { name: 'senior-secured-3', amount: M('25') },
  ],
  minUnits: 2,
  maxFillWaitSeconds: 14 * DAY,
  minUnitAmount: M('1'),
  splitDepositorQueue: true,
  maxUnitShareBps: 5_000,
}
const SPARK = '0x0000000000000000000000000000000000005a1e'
const GROVE = '0x000000000000000000000000000000000000970e'
const KEEL = '0x000000000000000000000000000000000000bee1'
const now = new Date('2026-03-15T10:00:00Z')
const sixOld: PolicySleeve[] = [1, 2, 3, 4, 5, 6].map((n) => ({ sleeveId: `sleeve-${n}`, state: 'CLOSED', targetAmount: M('10'), filledAmount: M('10'), unitCount: 2, createdAt: '2026-01-01T00:00:00Z' }))

describe('sleeve creation policy — seed example', () => {
  it('pipeline 3 × 25M; Spark 30M, Grove 50M, Keel 20M queued → sleeve-7 gets 30/25/20 as NFATs 42/43/44; Grove keeps 25M queued', () => {
    const plan = planSleeveSweeps({
      config,
      queues: [{ depositor: SPARK, amount: M('30') }, { depositor: GROVE, amount: M('50') }, { depositor: KEEL, amount: M('20') }],
      sleeves: sixOld,
      nextTokenId: 42n,
      now,
    })
    expect(plan.createSleeve).toEqual({ sleeveId: 'sleeve-7', targetAmount: M('75') })
    expect(plan.sweeps).toEqual([
      { sleeveId: 'sleeve-7', depositor: SPARK, amount: M('30'), tokenId: 42n },
      { sleeveId: 'sleeve-7', depositor: GROVE, amount: M('25'), tokenId: 43n },
      { sleeveId: 'sleeve-7', depositor: KEEL, amount: M('20'), tokenId: 44n },
    ])
    const total = plan.sweeps.reduce((sum, sweep) => sum + sweep.amount, 0n)
    expect(total).toBe(M('75'))
    expect(M('50') - plan.sweeps[1]!.amount).toBe(M('25')) // stays in Grove's queue
    expect(plan.offboard).toEqual([]) // decided once the sweeps are recorded
  })

  it('the next round, with sleeve-7 full at 3 units, offboards it and opens sleeve-8 for Grove’s 25M only when the pipeline asks', () => {
    const sleeve7: PolicySleeve = { sleeveId: 'sleeve-7', state: 'FILLING', targetAmount: M('75'), filledAmount: M('75'), unitCount: 3, createdAt: now.toISOString(), fillingStartedAt: now.toISOString() }
    const plan = planSleeveSweeps({ config, queues: [{ depositor: GROVE, amount: M('25') }], sleeves: [...sixOld, sleeve7], nextTokenId: 45n, now: new Date(now.getTime() + 5 * DAY * 1000) })
    expect(plan.sweeps).toEqual([])
    expect(plan.offboard).toEqual(['sleeve-7'])
    expect(plan.decisions.at(-1)).toMatchObject({ action: 'offboard', reason: expect.stringContaining('3 units') })
  })
})

describe('sleeve creation policy — edge cases are handled by rules', () => {
  it('day-by-day filling: each arriving deposit is swept into the same sleeve until the target', () => {
    const day1 = planSleeveSweeps({ config, queues: [{ depositor: SPARK, amount: M('30') }], sleeves: sixOld, nextTokenId: 42n, now })
    expect(day1.createSleeve?.sleeveId).toBe('sleeve-7')
    expect(day1.sweeps).toEqual([{ sleeveId: 'sleeve-7', depositor: SPARK, amount: M('30'), tokenId: 42n }])
    const sleeve7: PolicySleeve = { sleeveId: 'sleeve-7', state: 'FILLING', targetAmount: M('75'), filledAmount: M('30'), unitCount: 1, createdAt: now.toISOString(), fillingStartedAt: now.toISOString() }
    const day2 = planSleeveSweeps({ config, queues: [{ depositor: GROVE, amount: M('25') }], sleeves: [...sixOld, sleeve7], nextTokenId: 43n, now: new Date(now.getTime() + DAY * 1000) })
    expect(day2.createSleeve).toBeUndefined()
    expect(day2.sweeps).toEqual([{ sleeveId: 'sleeve-7', depositor: GROVE, amount: M('25'), tokenId: 43n }])
  })

  it('a single large deposit takes at most half the target while others may still come', () => {
    const plan = planSleeveSweeps({ config, queues: [{ depositor: GROVE, amount: M('100') }], sleeves: [], nextTokenId: 1n, now })
    expect(plan.createSleeve).toEqual({ sleeveId: 'sleeve-1', targetAmount: M('75') })
    expect(plan.sweeps).toEqual([{ sleeveId: 'sleeve-1', depositor: GROVE, amount: M('37.5'), tokenId: 1n }])
  })

  it('after the max fill wait the cap lifts: the large depositor fills the rest, then the sleeve offboards', () => {
    const sleeve: PolicySleeve = { sleeveId: 'sleeve-1', state: 'FILLING', targetAmount: M('75'), filledAmount: M('37.5'), unitCount: 1, createdAt: now.toISOString(), fillingStartedAt: now.toISOString() }
    const later = new Date(now.getTime() + 14 * DAY * 1000)
    const plan = planSleeveSweeps({ config, queues: [{ depositor: GROVE, amount: M('62.5') }], sleeves: [sleeve], nextTokenId: 2n, now: later })
    expect(plan.sweeps).toEqual([{ sleeveId: 'sleeve-1', depositor: GROVE, amount: M('37.5'), tokenId: 2n }])
    const settled = planSleeveSweeps({ config, queues: [{ depositor: GROVE, amount: M('25') }], sleeves: [{ ...sleeve, filledAmount: M('75'), unitCount: 2 }], nextTokenId: 3n, now: later })
    expect(settled.offboard).toEqual(['sleeve-1'])
  })

  it('not enough demand before the max wait: keeps filling; after it, offboards what it has (a single-unit sleeve)', () => {
    const sleeve: PolicySleeve = { sleeveId: 'sleeve-1', state: 'FILLING', targetAmount: M('75'), filledAmount: M('20'), unitCount: 1, createdAt: now.toISOString(), fillingStartedAt: now.toISOString() }
    const early = planSleeveSweeps({ config, queues: [], sleeves: [sleeve], nextTokenId: 2n, now: new Date(now.getTime() + 13 * DAY * 1000) })
    expect(early.offboard).toEqual([])
    expect(early.decisions).toEqual([{ action: 'wait', sleeveId: 'sleeve-1', reason: expect.stringContaining('fill wait still running') }])
    const late = planSleeveSweeps({ config, queues: [], sleeves: [sleeve], nextTokenId: 2n, now: new Date(now.getTime() + 14 * DAY * 1000) })
    expect(late.offboard).toEqual(['sleeve-1'])
    expect(late.decisions.at(-1)?.reason).toMatch(/max fill wait/)
  })

  it('without splitting, a queue that does not fit stays whole for the next sleeve', () => {
    const plan = planSleeveSweeps({
      config: { ...config, splitDepositorQueue: false, maxUnitShareBps: 10_000 },
      queues: [{ depositor: SPARK, amount: M('30') }, { depositor: GROVE, amount: M('50') }, { depositor: KEEL, amount: M('20') }],
      sleeves: [],
      nextTokenId: 42n,
      now,
    })
    expect(plan.sweeps.map((s) => [s.depositor, s.amount, s.tokenId])).toEqual([[SPARK, M('30'), 42n], [KEEL, M('20'), 43n]])
  })

  it('dust: queues below the minimum unit stay queued, and no sleeve opens for them', () => {
    const plan = planSleeveSweeps({ config, queues: [{ depositor: KEEL, amount: M('0.5') }, { depositor: SPARK, amount: M('0.75') }], sleeves: [], nextTokenId: 1n, now })
    expect(plan.createSleeve).toBeUndefined()
    expect(plan).toMatchObject({ sweeps: [], offboard: [] })
    expect(plan.decisions[0]?.action).toBe('wait')
  })

  it('no pipeline: no sleeve is opened whatever the demand', () => {
    const plan = planSleeveSweeps({ config: { ...config, pipeline: [] }, queues: [{ depositor: SPARK, amount: M('30') }], sleeves: [], nextTokenId: 1n, now })
    expect(plan.createSleeve).toBeUndefined()
    expect(plan.decisions[0]?.reason).toMatch(/pipeline/)
  })

  it('sleeves in other states are left alone; only a CREATED/FILLING one fills', () => {
    const others: PolicySleeve[] = ['OFFBOARDING', 'DEPLOYING', 'AT_REST', 'UNWINDING'].map((state, i) => ({ sleeveId: `sleeve-${i + 1}`, state, targetAmount: M('75'), filledAmount: M('75'), unitCount: 3, createdAt: now.toISOString() }))
    const plan = planSleeveSweeps({ config, queues: [{ depositor: SPARK, amount: M('10') }], sleeves: others, nextTokenId: 100n, now })
    expect(plan.createSleeve?.sleeveId).toBe('sleeve-5')
    expect(plan.sweeps).toEqual([{ sleeveId: 'sleeve-5', depositor: SPARK, amount: M('10'), tokenId: 100n }])
  })

  it('a bad config is refused with a typed error', () => {
    expect(() => planSleeveSweeps({ config: { ...config, minUnits: 0 }, queues: [], sleeves: [], nextTokenId: 1n, now })).toThrow(InvalidInputError)
    expect(() => planSleeveSweeps({ config: { ...config, maxUnitShareBps: 0 }, queues: [], sleeves: [], nextTokenId: 1n, now })).toThrow(/maxUnitShareBps/)
  })
})

describe('allocation properties', () => {
  it('never exceeds capacity or a queue, never leaves dust, respects the per-unit cap', () => {
    fc.assert(
      fc.property(
        fc.array(fc.bigInt({ min: 0n, max: 10n ** 9n }), { maxLength: 8 }),
        fc.bigInt({ min: 0n, max: 5n * 10n ** 9n }),
        fc.bigInt({ min: 1n, max: 10n ** 8n }),
        fc.boolean(),
        fc.bigInt({ min: 1n, max: 5n * 10n ** 9n }),
        (amounts, capacity, minUnitAmount, split, perUnitCap) => {
          const queues = amounts.map((amount, i) => ({ depositor: `d${i}`, amount }))
          const taken = allocateQueues({ queues, capacity, minUnitAmount, splitDepositorQueue: split, perUnitCap })
          let total = 0n
          for (const queue of queues) {
            const amount = taken.get(queue.depositor)
            if (amount === undefined) continue
            total += amount
            expect(amount).toBeGreaterThanOrEqual(minUnitAmount)
            expect(amount <= queue.amount).toBe(true)
            expect(amount <= perUnitCap).toBe(true)
            const leftover = queue.amount - amount
            expect(leftover === 0n || leftover >= minUnitAmount).toBe(true)
            if (!split) expect(leftover).toBe(0n)
          }
          expect(total <= capacity).toBe(true)
        },
      ),
      { numRuns: 300 },
    )
  })
})

describe('sleeve numbers beyond 2^53', () => {
  it('the next sleeve after sleeve-9007199254740993 is sleeve-9007199254740994 (Number() would read …992 and reuse an id)', () => {
    const big: PolicySleeve = { ...sixOld[5]!, sleeveId: 'sleeve-9007199254740993' }
    const plan = planSleeveSweeps({ config, queues: [{ depositor: SPARK, amount: M('30') }], sleeves: [big], nextTokenId: 42n, now })
    expect(plan.createSleeve?.sleeveId).toBe('sleeve-9007199254740994')
  })
})
