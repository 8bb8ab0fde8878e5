import { describe, expect, it } from 'vitest'
import { InvalidInputError } from '../../../src/domain/errors.js'
import { parseUnitsExact } from '../../../src/domain/money.js'
import { buyback, governanceAccessReward, integrationBoost, stakingRewards } from '../../../src/domain/agents/rewards.js'

const usds = (value: string) => parseUnitsExact(value, 18)

describe('Integration Boost: SSR on naked USDS in approved contracts', () => {
  it('pays $10M × 4.5% × 30/365 to an approved contract, rounded down', () => {
    // 10,000,000 × 0.045 × 30 / 365 = 36,986.301369863013698630136…
    expect(integrationBoost({ averageBalance: usds('10000000'), annualRateWad: usds('0.045'), days: 30n, approved: true })).toBe(usds('36986.30136986301369863'))
  })

  it('pays nothing to an integration governance has not approved', () => {
    expect(integrationBoost({ averageBalance: usds('10000000'), annualRateWad: usds('0.045'), days: 30n, approved: false })).toBe(0n)
  })
})

describe('Governance Access Reward: 1% of net revenue, split by SKY staked through each Prime’s frontend', () => {
  it('splits a $1M pool (1% of $100M) 3:1 between Spark and Grove; an ineligible frontend gets nothing', () => {
    const result = governanceAccessReward({
      netRevenue: usds('100000000'),
      stakedByPrime: [
        { prime: 'spark', staked: usds('300000000'), eligible: true },
        { prime: 'grove', staked: usds('100000000'), eligible: true },
        { prime: 'keel', staked: usds('500000000'), eligible: false },
      ],
    })
    expect(result.pool).toBe(usds('1000000'))
    expect(result.shares).toEqual([
      { prime: 'spark', staked: usds('300000000'), amount: usds('750000') },
      { prime: 'grove', staked: usds('100000000'), amount: usds('250000') },
    ])
    expect(result.retainedBySky).toBe(0n)
  })

  it('keeps the whole pool with Sky when no frontend is eligible', () => {
    expect(governanceAccessReward({ netRevenue: 1_000n, stakedByPrime: [] })).toEqual({ pool: 10n, shares: [], retainedBySky: 10n })
  })
})

describe('Agent staking rewards and buyback', () => {
  it('splits a treasury distribution pro rata by stake; dust stays in the treasury', () => {
    expect(stakingRewards({ amount: 10n, stakers: [{ staker: 'a', staked: 1n }, { staker: 'b', staked: 2n }] })).toEqual({
      payouts: [{ staker: 'a', amount: 3n }, { staker: 'b', amount: 6n }],
      retainedByTreasury: 1n,
    })
  })

  it('a $1M buyback at $0.08 buys 12.5M tokens; burning them shrinks supply, distributing does not', () => {
    const burn = buyback({ spend: usds('1000000'), priceWad: usds('0.08'), destination: 'burn', supplyBefore: usds('10000000000') })
    expect(burn).toEqual({ tokensBought: usds('12500000'), supplyAfter: usds('9987500000') })
    expect(buyback({ spend: usds('1000000'), priceWad: usds('0.08'), destination: 'stakers', supplyBefore: usds('10000000000') }).supplyAfter).toBe(usds('10000000000'))
    expect(() => buyback({ spend: 1n, priceWad: 0n, destination: 'burn', supplyBefore: 0n })).toThrow(InvalidInputError)
  })
})
