import { describe, expect, it } from 'vitest'
import { parseUnitsExact } from '../../../src/domain/money.js'
import { DISTRIBUTION_TIER_BPS, distributionReward, distributionTier, type DistributionCriteria } from '../../../src/domain/agents/distribution.js'
import { TAG_DURATION_SECONDS, tagOwnerAt, type TagEvent } from '../../../src/domain/agents/tagging.js'

const usds = (value: string) => parseUnitsExact(value, 18)
const product: DistributionCriteria = { tagged: true, directHolding: false, skyBranding: false, nameUsesUsds: false, subscribeRedeemInUsds: false, susdsBackingBps: 0n }

describe('Distribution Reward tiers 0–4 = none / 0 / 10 / 20 / 50 bps', () => {
  it('has the seed’s rates', () => {
    expect(DISTRIBUTION_TIER_BPS).toEqual({ 0: null, 1: 0n, 2: 10n, 3: 20n, 4: 50n })
  })

  it('tier 0: excluded addresses; tier 1: untagged addresses', () => {
    expect(distributionTier({ ...product, excluded: true })).toBe(0)
    expect(distributionTier({ ...product, tagged: false })).toBe(1)
  })

  it('tier 2: "StarUSD", unbranded, backed by mixed stablecoins (<90% sUSDS)', () => {
    expect(distributionTier({ ...product, susdsBackingBps: 8_999n })).toBe(2)
  })

  it('tier 3a: "StarUSDS" uses USDS in its name and subscribes/redeems in USDS', () => {
    expect(distributionTier({ ...product, nameUsesUsds: true, subscribeRedeemInUsds: true })).toBe(3)
    expect(distributionTier({ ...product, nameUsesUsds: true, subscribeRedeemInUsds: false })).toBe(2)
  })

  it('tier 3b: "StarUSDT" unbranded but ≥90% backed by sUSDS', () => {
    expect(distributionTier({ ...product, susdsBackingBps: 9_000n })).toBe(3)
  })

  it('tier 4: direct USDS/sUSDS holding with clear Sky branding — but never for Pioneer auto-tags', () => {
    expect(distributionTier({ ...product, directHolding: true, skyBranding: true })).toBe(4)
    expect(distributionTier({ ...product, directHolding: true, skyBranding: true, autoTagged: true })).toBe(3)
  })

  it('pays balance × rate × days / 365, rounded down; tier 1 pays nothing', () => {
    // $100M at 50 bps for a 365-day year = $500K; for 31 days = 42,465.7534246575342465753… → floor
    expect(distributionReward({ tier: 4, averageBalance: usds('100000000'), days: 365n })).toBe(usds('500000'))
    expect(distributionReward({ tier: 4, averageBalance: usds('100000000'), days: 31n })).toBe(usds('42465.753424657534246575'))
    expect(distributionReward({ tier: 1, averageBalance: usds('100000000'), days: 31n })).toBe(0n)
    expect(distributionReward({ tier: 0, averageBalance: usds('100000000'), days: 31n })).toBe(0n)
  })
})

describe('Tag ownership: last tagger wins the whole account, for 10 years, not transferable', () => {
  const year = 365n * 86_400n
  const tags: TagEvent[] = [
    { account: '0xabc', prime: 'spark', at: 0n },
    { account: '0xabc', prime: 'grove', at: 2n * year },
  ]

  it('the first tagger owns it until someone retags', () => {
    expect(tagOwnerAt(tags, '0xabc', year)?.prime).toBe('spark')
  })

  it('the last tagger owns the entire account after retagging', () => {
    expect(tagOwnerAt(tags, '0xabc', 3n * year)?.prime).toBe('grove')
  })

  it('a tag lasts 10 years from tagging, then the account is untagged', () => {
    expect(TAG_DURATION_SECONDS).toBe(10n * year)
    expect(tagOwnerAt(tags, '0xabc', 12n * year - 1n)?.prime).toBe('grove')
    expect(tagOwnerAt(tags, '0xabc', 12n * year)).toBeNull()
  })

  it('ignores tags from the future and other accounts', () => {
    expect(tagOwnerAt(tags, '0xdef', year)).toBeNull()
    expect(tagOwnerAt([{ account: '0xabc', prime: 'keel', at: 5n }], '0xabc', 4n)).toBeNull()
  })
})
