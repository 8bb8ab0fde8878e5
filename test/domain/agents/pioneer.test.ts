import { describe, expect, it } from 'vitest'
import { PreconditionFailedError } from '../../../src/domain/errors.js'
import { parseUnitsExact } from '../../../src/domain/money.js'
import { autoTagUntagged, GENESIS_STARS, PIONEER_PHASE_SECONDS, pioneerPhaseAt, pioneerReward, unbalancedSupplyFee } from '../../../src/domain/agents/pioneer.js'
import { distributionTier } from '../../../src/domain/agents/distribution.js'

const usds = (value: string) => parseUnitsExact(value, 18)
const day = 86_400n
const year = 365n * day

describe('Pioneer designation: genesis Stars only, one per chain, a 3-year clock that pauses', () => {
  it('is open to Spark, Grove, Keel, Star4 and Star5 only', () => {
    expect(GENESIS_STARS).toEqual(['spark', 'grove', 'keel', 'star4', 'star5'])
    expect(() => pioneerPhaseAt([{ kind: 'designate', star: 'obex', at: 0n }], 1n)).toThrow(PreconditionFailedError)
  })

  it('runs 3 years while designated', () => {
    expect(PIONEER_PHASE_SECONDS).toBe(3n * year)
    expect(pioneerPhaseAt([{ kind: 'designate', star: 'spark', at: 0n }], year)).toEqual({ star: 'spark', elapsedSeconds: year, remainingSeconds: 2n * year, ended: false })
    expect(pioneerPhaseAt([{ kind: 'designate', star: 'spark', at: 0n }], 3n * year)).toMatchObject({ star: null, ended: true, remainingSeconds: 0n })
  })

  it('pauses on de-designation; the next Pioneer continues where the previous one stopped', () => {
    const events = [
      { kind: 'designate', star: 'spark', at: 0n },
      { kind: 'dedesignate', at: year },
      { kind: 'designate', star: 'keel', at: 2n * year },
    ] as const
    expect(pioneerPhaseAt(events, year + 100n * day)).toMatchObject({ star: null, elapsedSeconds: year })
    expect(pioneerPhaseAt(events, 3n * year)).toMatchObject({ star: 'keel', elapsedSeconds: 2n * year, remainingSeconds: year })
    expect(pioneerPhaseAt(events, 4n * year)).toMatchObject({ star: null, ended: true })
  })

  it('allows one Pioneer Star per chain', () => {
    expect(() => pioneerPhaseAt([{ kind: 'designate', star: 'spark', at: 0n }, { kind: 'designate', star: 'grove', at: 1n }], 2n)).toThrow(PreconditionFailedError)
  })
})

describe('Pioneer benefits', () => {
  it('auto-tags only untagged accounts, and auto-tags never reach Boosted DR', () => {
    const tags = autoTagUntagged({ accounts: ['0xa', '0xb'], tags: [{ account: '0xa', prime: 'grove', at: 0n }], star: 'spark', now: 10n })
    expect(tags).toEqual([{ account: '0xb', prime: 'spark', at: 10n, auto: true }])
    expect(distributionTier({ tagged: true, autoTagged: true, directHolding: true, skyBranding: true, nameUsesUsds: false, subscribeRedeemInUsds: false, susdsBackingBps: 0n })).toBe(3)
  })

  it('pays SSR × unrewarded USDS each monthly cycle: $50M bridged − $20M sUSDS − $5M boosted − $5M agents = $20M', () => {
    const reward = pioneerReward({ bridgedUsds: usds('50000000'), inSusds: usds('20000000'), integrationBoosted: usds('5000000'), agentHoldings: usds('5000000'), annualRateWad: usds('0.0365'), days: 30n })
    expect(reward.unrewarded).toBe(usds('20000000'))
    // 20,000,000 × 0.0365 × 30 / 365 = 60,000
    expect(reward.amount).toBe(usds('60000'))
  })

  it('charges 20 bps a year on unbalanced supply; $1M tagged demand offsets $1M supply; ASC liquidity counts 3× daily volume', () => {
    const fee = unbalancedSupplyFee({ supply: usds('10000000'), taggedDemand: usds('1000000'), ascAverageDailyVolume: usds('1000000'), days: 365n, exempt: false })
    expect(fee.unbalanced).toBe(usds('6000000'))
    expect(fee.feeAmount).toBe(usds('12000'))
    expect(unbalancedSupplyFee({ supply: usds('1000000'), taggedDemand: usds('1000000'), ascAverageDailyVolume: 0n, days: 365n, exempt: false }).feeAmount).toBe(0n)
  })

  it('exempt Stars (Ecosystem Accord) pay nothing', () => {
    expect(unbalancedSupplyFee({ supply: usds('10000000'), taggedDemand: 0n, ascAverageDailyVolume: 0n, days: 365n, exempt: true })).toEqual({ unbalanced: 0n, feeAmount: 0n })
  })
})
