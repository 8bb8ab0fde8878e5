import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { InvalidInputError } from '../../../src/domain/errors.js'
import { parseUnitsExact } from '../../../src/domain/money.js'
import { firstLossCapital, lossWaterfall, type RiskCapital } from '../../../src/domain/agents/waterfall.js'

const usd = (value: string) => parseUnitsExact(value, 18)
const capital: RiskCapital = {
  ijrc: usd('30000000'),
  ejrc: usd('70000000'),
  agentTokenInflation: usd('50000000'),
  tisrc: usd('20000000'),
  globalSrc: usd('180000000'),
  skyInflation: usd('100000000'),
  genesisCapital: usd('40000000'),
}

describe('First Loss Capital is 10% of total JRC, taken from the Prime’s IJRC', () => {
  it('is $10M when IJRC $30M + EJRC $70M = $100M of JRC', () => {
    expect(firstLossCapital(capital)).toBe(usd('10000000'))
  })

  it('cannot be more than the IJRC that funds it', () => {
    expect(firstLossCapital({ ijrc: usd('5000000'), ejrc: usd('95000000') })).toBe(usd('5000000'))
  })
})

describe('Loss waterfall: strict order, each step says what it absorbed and passed on', () => {
  it('a $5M loss stays inside First Loss Capital', () => {
    const result = lossWaterfall({ loss: usd('5000000'), capital })
    expect(result.steps[0]).toMatchObject({ step: 'firstLossCapital', absorbed: usd('5000000'), passedOn: 0n })
    expect(result.steps.slice(1).every((step) => step.absorbed === 0n)).toBe(true)
  })

  it('a $120M loss: FLC $10M, then IJRC/EJRC pro rata $20M/$70M, then $30M of agent token inflation', () => {
    const result = lossWaterfall({ loss: usd('120000000'), capital })
    const [flc, junior, inflation, pool] = result.steps
    expect(flc).toMatchObject({ absorbed: usd('10000000'), passedOn: usd('110000000') })
    expect(junior?.parts).toEqual([
      { layer: 'IJRC', absorbed: usd('20000000'), capacity: usd('20000000') },
      { layer: 'EJRC', absorbed: usd('70000000'), capacity: usd('70000000') },
    ])
    expect(inflation).toMatchObject({ lossIn: usd('20000000'), absorbed: usd('20000000'), passedOn: 0n })
    expect(pool?.absorbed).toBe(0n)
    expect(result.totalAbsorbed).toBe(usd('120000000'))
  })

  it('splits remaining JRC pro rata: a $46M loss puts $36M on $20M IJRC + $70M EJRC as $8M / $28M', () => {
    const junior = lossWaterfall({ loss: usd('46000000'), capital }).steps[1]
    expect(junior?.parts.map((part) => part.absorbed)).toEqual([usd('8000000'), usd('28000000')])
  })

  it('shares the SRC pool pari passu: TISRC $20M and global SRC $180M take 10% / 90%', () => {
    const pool = lossWaterfall({ loss: usd('250000000'), capital }).steps[3]
    // 250 − 10 − 90 − 50 = 100 reaches the pool
    expect(pool?.parts.map((part) => part.absorbed)).toEqual([usd('10000000'), usd('90000000')])
  })

  it('reaches the USDS peg only when everything before is exhausted', () => {
    const result = lossWaterfall({ loss: usd('600000000'), capital })
    expect(result.steps.map((step) => step.absorbed)).toEqual([
      usd('10000000'), usd('90000000'), usd('50000000'), usd('200000000'), usd('100000000'), usd('40000000'), usd('110000000'),
    ])
  })

  it('with unlimited agent token inflation, nothing ever passes beyond step 3', () => {
    const result = lossWaterfall({ loss: usd('10000000000'), capital: { ...capital, agentTokenInflation: null } })
    expect(result.steps[2]?.passedOn).toBe(0n)
  })

  it('refuses a negative loss or negative capital', () => {
    expect(() => lossWaterfall({ loss: -1n, capital })).toThrow(InvalidInputError)
    expect(() => lossWaterfall({ loss: 1n, capital: { ...capital, ejrc: -1n } })).toThrow(InvalidInputError)
  })

  const amount = fc.bigInt({ min: 0n, max: 10n ** 27n })
  const capitalArb = fc.record({
    ijrc: amount, ejrc: amount, agentTokenInflation: fc.option(amount, { nil: null }), tisrc: amount, globalSrc: amount,
    skyInflation: fc.option(amount, { nil: null }), genesisCapital: amount,
  })

  it('properties: never absorbs more than the loss, all of it when capital suffices, strict order, within capacity', () => {
    fc.assert(fc.property(amount, capitalArb, (loss, cap) => {
      const result = lossWaterfall({ loss, capital: cap })
      const absorbed = result.steps.reduce((sum, step) => sum + step.absorbed, 0n)
      expect(absorbed).toBe(loss)
      let exhaustedBefore = true
      for (const step of result.steps) {
        expect(step.absorbed >= 0n && step.absorbed <= step.lossIn).toBe(true)
        for (const part of step.parts) expect(part.capacity === null || part.absorbed <= part.capacity).toBe(true)
        // a step only absorbs if every earlier step was full
        if (step.absorbed > 0n) expect(exhaustedBefore).toBe(true)
        exhaustedBefore = exhaustedBefore && step.capacity !== null && step.absorbed === step.capacity
      }
      const finite = cap.ijrc + cap.ejrc + (cap.agentTokenInflation ?? loss) + cap.tisrc + cap.globalSrc + (cap.skyInflation ?? loss) + cap.genesisCapital
      if (finite >= loss) expect(result.steps[6]?.absorbed).toBe(0n)
    }), { numRuns: 300 })
  })
})
