import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { InvalidInputError } from '../../../src/domain/errors.js'
import { parseUnitsExact } from '../../../src/domain/money.js'
import { PRIME_GENESIS_SUPPLY } from '../../../src/domain/agents/registry.js'
import { issuanceFee, upkeepFee, upkeepRebate } from '../../../src/domain/agents/tokenFees.js'

const tokens = (value: string) => parseUnitsExact(value, 18)
const days = (count: number, supply: bigint) => Array.from({ length: count }, () => supply)

describe('Agent Token Issuance Fee: 5% of every issuance goes to Sky Core', () => {
  it('takes 500M of a Prime’s 10B genesis issuance', () => {
    expect(issuanceFee({ issuedAmount: PRIME_GENESIS_SUPPLY }).feeAmount).toBe(tokens('500000000'))
  })

  it('applies to later issuances too (a 2M-token fundraising round pays 100K)', () => {
    expect(issuanceFee({ issuedAmount: tokens('2000000') }).feeAmount).toBe(tokens('100000'))
  })

  it('rounds up: 1 base unit issued still owes 1 unit, never 0', () => {
    expect(issuanceFee({ issuedAmount: 1n }).feeAmount).toBe(1n)
    expect(issuanceFee({ issuedAmount: 21n }).feeAmount).toBe(2n)
  })

  it('refuses a negative issuance with a typed error', () => {
    expect(() => issuanceFee({ issuedAmount: -1n })).toThrow(InvalidInputError)
  })
})

describe('Agent Upkeep Fee: 25 bps a year of total supply, in the agent’s own tokens, accrued per day', () => {
  it('is 0.25% of a 10B supply held all year: 25M tokens', () => {
    expect(upkeepFee({ dailySupplies: days(365, PRIME_GENESIS_SUPPLY) }).feeAmount).toBe(tokens('25000000'))
  })

  it('accrues per day: one day on 10B is 10B × 0.0025 / 365, rounded up to the next base unit', () => {
    const oneDay = upkeepFee({ dailySupplies: [PRIME_GENESIS_SUPPLY] }).feeAmount
    // 25,000,000 / 365 = 68,493.150684931506849315068… tokens
    expect(oneDay).toBe(tokens('68493.150684931506849316'))
  })

  it('follows supply day by day: 30 days at 10B then 1 day at 20B', () => {
    const fee = upkeepFee({ dailySupplies: [...days(30, PRIME_GENESIS_SUPPLY), 2n * PRIME_GENESIS_SUPPLY] }).feeAmount
    // (30 + 2) × 10B × 0.0025 / 365 = 2,191,780.821917808219178082… → rounded up
    expect(fee).toBe(tokens('2191780.821917808219178083'))
  })

  it('never undercharges Sky: the period total is at least the exact accrual', () => {
    fc.assert(fc.property(fc.array(fc.bigInt({ min: 0n, max: 10n ** 30n }), { maxLength: 31 }), (supplies) => {
      const { feeAmount, supplyDays } = upkeepFee({ dailySupplies: supplies })
      expect(feeAmount * 10_000n * 365n >= supplyDays * 25n).toBe(true)
      expect((feeAmount - 1n) * 10_000n * 365n < supplyDays * 25n || feeAmount === 0n).toBe(true)
    }), { numRuns: 200 })
  })
})

describe('Upkeep rebates: holdings of other agents’ tokens at a conservative price, capped at 100%', () => {
  const upkeepAmount = tokens('25000000')
  const ownSupply = PRIME_GENESIS_SUPPLY

  it('gives a proportional discount: holdings worth 10% of own supply value cut upkeep by 10%', () => {
    // own supply 10B at ask $0.10 = $1B; holds 50M Grove tokens at bid $2 = $100M → 10%
    const rebate = upkeepRebate({ upkeepAmount, ownSupply, ownAskPriceWad: tokens('0.1'), holdings: [{ amount: tokens('50000000'), bidPriceWad: tokens('2') }] })
    expect(rebate.holdingsValue).toBe(tokens('100000000'))
    expect(rebate.rebateAmount).toBe(tokens('2500000'))
    expect(rebate.netUpkeep).toBe(tokens('22500000'))
    expect(rebate.capped).toBe(false)
  })

  it('uses the spread in Sky’s favour: bid for held tokens, ask for own tokens', () => {
    const atBid = upkeepRebate({ upkeepAmount, ownSupply, ownAskPriceWad: tokens('0.1'), holdings: [{ amount: tokens('50000000'), bidPriceWad: tokens('1.9') }] })
    const atAsk = upkeepRebate({ upkeepAmount, ownSupply, ownAskPriceWad: tokens('0.11'), holdings: [{ amount: tokens('50000000'), bidPriceWad: tokens('2') }] })
    expect(atBid.rebateAmount < tokens('2500000')).toBe(true)
    expect(atAsk.rebateAmount < tokens('2500000')).toBe(true)
  })

  it('caps at 100%: holdings worth twice the own supply bring upkeep to zero, not below', () => {
    const rebate = upkeepRebate({ upkeepAmount, ownSupply, ownAskPriceWad: tokens('0.1'), holdings: [{ amount: tokens('1000000000'), bidPriceWad: tokens('2') }] })
    expect(rebate.uncappedRebate).toBe(2n * upkeepAmount)
    expect(rebate.rebateAmount).toBe(upkeepAmount)
    expect(rebate.netUpkeep).toBe(0n)
    expect(rebate.capped).toBe(true)
  })

  it('never makes upkeep negative nor exceeds the exact proportional rebate (property)', () => {
    const amount = fc.bigInt({ min: 0n, max: 10n ** 30n })
    const price = fc.bigInt({ min: 0n, max: 10n ** 21n })
    fc.assert(fc.property(amount, amount, fc.bigInt({ min: 1n, max: 10n ** 21n }), fc.array(fc.record({ amount, bidPriceWad: price }), { maxLength: 5 }), (upkeep, supply, ask, holdings) => {
      const result = upkeepRebate({ upkeepAmount: upkeep, ownSupply: supply, ownAskPriceWad: ask, holdings })
      expect(result.netUpkeep >= 0n).toBe(true)
      expect(result.rebateAmount <= upkeep).toBe(true)
      expect(result.netUpkeep + result.rebateAmount).toBe(upkeep)
      // never more than the exact (unrounded) proportional rebate: Sky keeps the dust
      expect(result.rebateAmount * result.ownSupplyValue <= upkeep * result.holdingsValue || result.rebateAmount === 0n).toBe(true)
    }), { numRuns: 300 })
  })
})
