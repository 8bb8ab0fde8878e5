import { distributionReward, DISTRIBUTION_TIER_BPS } from '../domain/agents/distribution.js'
import { attributeFee, distributeBucketFee, tugReservation } from '../domain/agents/duration.js'
import { GOVERNANCE_ACCESS_BPS, ISSUANCE_FEE_BPS, UPKEEP_BPS_PER_YEAR } from '../domain/agents/parameters.js'
import { pioneerReward, unbalancedSupplyFee } from '../domain/agents/pioneer.js'
import { buyback, governanceAccessReward, integrationBoost } from '../domain/agents/rewards.js'
import { issuanceFee, upkeepFee, upkeepRebate } from '../domain/agents/tokenFees.js'
import { lossWaterfall, type LossWaterfallReturnType } from '../domain/agents/waterfall.js'
import { formatUnitsExact, mulDivUp } from '../domain/money.js'
import { SKY_CORE, USDS, type SettlementLine } from './lines.js'
import { daysInPeriod, SETTLEMENT_DECIMALS, type Snapshot, type SnapshotAgent } from './snapshot.js'

const fmt = (value: bigint) => formatUnitsExact(value, SETTLEMENT_DECIMALS)
const ROUND_UP = 'fee owed to Sky: rounded up to the next base unit'
const ROUND_DOWN = 'paid by Sky or a payer to others: rounded down; dust stays with the payer'

export type SettlementResult = {
  period: string
  days: number
  lines: SettlementLine[]
  losses: { prime: string; waterfall: LossWaterfallReturnType }[]
}

/** Daily total supply: opening supply, plus each issuance from its day on (day 1 = first day). */
export function dailySupplies(agent: SnapshotAgent, days: number): bigint[] {
  const token = agent.token
  if (!token) return []
  return Array.from({ length: days }, (_, index) =>
    token.issuances.reduce((supply, issuance) => (issuance.day <= index + 1 ? supply + issuance.amount : supply), token.openingSupply))
}

function tokenFeeLines(agent: SnapshotAgent, days: number, byId: ReadonlyMap<string, SnapshotAgent>): SettlementLine[] {
  const token = agent.token
  if (!token) return []
  const lines: SettlementLine[] = token.issuances.map((issuance, index) => ({
    kind: 'issuanceFee', source: `issuance:${agent.id}:${index}`, payer: agent.id, payee: SKY_CORE, asset: token.symbol,
    amount: issuanceFee({ issuedAmount: issuance.amount }).feeAmount,
    formula: `issued × ${ISSUANCE_FEE_BPS} / 10000`,
    inputs: { issued: fmt(issuance.amount), day: String(issuance.day), purpose: issuance.purpose },
    rounding: ROUND_UP,
  }))
  const { feeAmount, supplyDays } = upkeepFee({ dailySupplies: dailySupplies(agent, days) })
  lines.push({
    kind: 'upkeepFee', source: `upkeep:${agent.id}`, payer: agent.id, payee: SKY_CORE, asset: token.symbol, amount: feeAmount,
    formula: `Σ daily supply × ${UPKEEP_BPS_PER_YEAR} / 10000 / 365`,
    inputs: { supplyDays: fmt(supplyDays), days: String(days) },
    rounding: ROUND_UP,
  })
  const holdings = agent.holdings.map((holding) => ({ amount: holding.amount, bidPriceWad: byId.get(holding.agent)?.token?.bidPrice ?? 0n, agent: holding.agent }))
  if (holdings.length === 0) return lines
  const averageSupply = mulDivUp(supplyDays, 1n, BigInt(days))
  const rebate = upkeepRebate({ upkeepAmount: feeAmount, ownSupply: averageSupply, ownAskPriceWad: token.askPrice, holdings })
  lines.push({
    kind: 'upkeepRebate', source: `upkeep:${agent.id}`, payer: SKY_CORE, payee: agent.id, asset: token.symbol, amount: rebate.rebateAmount,
    formula: 'min(upkeep, upkeep × Σ(held × bid price) / (average own supply × own ask price))',
    inputs: {
      upkeep: fmt(feeAmount), holdingsValueUsd: fmt(rebate.holdingsValue), ownSupplyValueUsd: fmt(rebate.ownSupplyValue),
      averageOwnSupply: fmt(averageSupply), ownAskPrice: fmt(token.askPrice), capped: String(rebate.capped),
      held: holdings.map((h) => `${h.agent}:${fmt(h.amount)}@${fmt(h.bidPriceWad)}`).join(' '),
    },
    rounding: 'rebate: rounded down, capped at 100% of upkeep (never income)',
  })
  return lines
}

function distributionLines(agent: SnapshotAgent, days: number): SettlementLine[] {
  return agent.taggedBalances.filter((entry) => entry.tier !== 0).map((entry) => ({
    kind: 'distributionReward', source: `distribution:${agent.id}:tier${entry.tier}`, payer: SKY_CORE, payee: agent.id, asset: USDS,
    amount: distributionReward({ tier: entry.tier, averageBalance: entry.averageBalance, days: BigInt(days) }),
    formula: 'average tagged balance × tier bps / 10000 × days / 365',
    inputs: {
      tier: String(entry.tier), tierBps: String(DISTRIBUTION_TIER_BPS[entry.tier]), averageBalance: fmt(entry.averageBalance), days: String(days),
      ...(entry.criteria ? { tierFrom: Object.entries(entry.criteria).map(([key, value]) => `${key}=${String(value)}`).join(' ') } : {}),
    },
    rounding: ROUND_DOWN,
  }))
}

/**
 * Reservations tug buckets in snapshot order; each tug uses up the bucket's untugged USDS,
 * so a later reservation sees what earlier ones left. Fees follow the actual tugs.
 */
function durationLines(snapshot: Snapshot): SettlementLine[] {
  const available = new Map(snapshot.durationBuckets.map((b) => [b.bucket, b.available ?? b.total]))
  const contents = new Map(snapshot.durationBuckets.map((b) => [b.bucket, { total: b.total, taggedByPrime: new Map(Object.entries(b.tagged)) }]))
  const lines: SettlementLine[] = []
  snapshot.reservations.forEach((reservation, index) => {
    const source = `reservation:${index}:${reservation.prime}`
    const { tugs, unfilled } = tugReservation({ target: reservation.target, amount: reservation.amount, available })
    for (const tug of tugs) available.set(tug.bucket, (available.get(tug.bucket) ?? 0n) - tug.amount)
    const tugText = tugs.map((tug) => `${tug.bucket}:${fmt(tug.amount)}`).join(' ')
    if (tugs.length === 0) {
      lines.push({ kind: 'durationFeeToSky', source, payer: reservation.prime, payee: SKY_CORE, asset: USDS, amount: reservation.fee, formula: 'no bucket could be tugged: the whole fee goes to Sky', inputs: { fee: fmt(reservation.fee), target: String(reservation.target), unfilled: fmt(unfilled) }, rounding: ROUND_DOWN })
      return
    }
    for (const { bucket, fee } of attributeFee({ fee: reservation.fee, tugs })) {
      const bucketContents = contents.get(bucket) ?? { total: 0n, taggedByPrime: new Map<string, bigint>() }
      const split = distributeBucketFee({ fee, contents: bucketContents })
      const inputs = { reservationFee: fmt(reservation.fee), target: String(reservation.target), tugs: tugText, bucket: String(bucket), bucketFee: fmt(fee), bucketTotal: fmt(bucketContents.total) }
      for (const share of split.primeShares) {
        lines.push({ kind: 'durationReward', source, payer: reservation.prime, payee: share.prime, asset: USDS, amount: share.amount, formula: 'bucket fee × tagged / bucket total × 2/3', inputs: { ...inputs, tagged: fmt(share.tagged) }, rounding: ROUND_DOWN })
      }
      lines.push({ kind: 'durationFeeToSky', source, payer: reservation.prime, payee: SKY_CORE, asset: USDS, amount: split.skyAmount, formula: 'bucket fee − Primes’ shares (the 1/3 split, untagged USDS, dust)', inputs, rounding: 'remainder: Sky keeps all rounding dust' })
    }
  })
  return lines
}

function integrationLines(snapshot: Snapshot, days: number): SettlementLine[] {
  return snapshot.integrations.map((integration) => ({
    kind: 'integrationBoost', source: `integration:${integration.contract}`, payer: SKY_CORE, payee: `contract:${integration.contract}`, asset: USDS,
    amount: integrationBoost({ averageBalance: integration.averageBalance, annualRateWad: snapshot.ssr, days: BigInt(days), approved: integration.approved }),
    formula: integration.approved ? 'average naked USDS × SSR × days / 365' : 'not approved by governance: 0',
    inputs: { averageBalance: fmt(integration.averageBalance), ssr: fmt(snapshot.ssr), days: String(days), approved: String(integration.approved), ...(integration.prime ? { prime: integration.prime } : {}) },
    rounding: ROUND_DOWN,
  }))
}

function governanceAccessLines(snapshot: Snapshot): SettlementLine[] {
  const stakedByPrime = snapshot.agents.filter((a) => a.governanceFrontend).map((a) => ({ prime: a.id, staked: a.governanceFrontend?.skyStaked ?? 0n, eligible: a.governanceFrontend?.eligible ?? false }))
  if (stakedByPrime.length === 0) return []
  const result = governanceAccessReward({ netRevenue: snapshot.skyNetRevenue, stakedByPrime })
  const totalStaked = result.shares.reduce((sum, share) => sum + share.staked, 0n)
  return result.shares.map((share) => ({
    kind: 'governanceAccessReward', source: 'governanceAccess', payer: SKY_CORE, payee: share.prime, asset: USDS, amount: share.amount,
    formula: `net revenue × ${GOVERNANCE_ACCESS_BPS} / 10000 × SKY staked via frontend / SKY staked via all eligible frontends`,
    inputs: { netRevenue: fmt(snapshot.skyNetRevenue), pool: fmt(result.pool), staked: fmt(share.staked), totalEligibleStaked: fmt(totalStaked), retainedBySky: fmt(result.retainedBySky) },
    rounding: ROUND_DOWN,
  }))
}

function pioneerLines(snapshot: Snapshot, days: number): SettlementLine[] {
  const lines: SettlementLine[] = []
  for (const chain of snapshot.pioneerChains) {
    const reward = pioneerReward({ ...chain, annualRateWad: snapshot.ssr, days: BigInt(days) })
    lines.push({
      kind: 'pioneerReward', source: `pioneer:${chain.chain}`, payer: SKY_CORE, payee: chain.pioneer, asset: USDS, amount: reward.amount,
      formula: 'SSR × (bridged − sUSDS − Integration Boost − agent holdings) × days / 365',
      inputs: { chain: chain.chain, bridgedUsds: fmt(chain.bridgedUsds), inSusds: fmt(chain.inSusds), integrationBoosted: fmt(chain.integrationBoosted), agentHoldings: fmt(chain.agentHoldings), unrewarded: fmt(reward.unrewarded), ssr: fmt(snapshot.ssr), days: String(days) },
      rounding: ROUND_DOWN,
    })
    for (const entry of chain.supply) {
      const exempt = entry.exempt || entry.star === chain.pioneer
      const fee = unbalancedSupplyFee({ ...entry, days: BigInt(days), exempt })
      lines.push({
        kind: 'unbalancedSupplyFee', source: `pioneer:${chain.chain}:${entry.star}`, payer: entry.star, payee: chain.pioneer, asset: USDS, amount: fee.feeAmount,
        formula: exempt ? 'exempt (Pioneer Star itself or Ecosystem Accord): 0' : 'max(0, supply − tagged demand − 3 × ASC average daily volume) × 20 / 10000 × days / 365',
        inputs: { chain: chain.chain, supply: fmt(entry.supply), taggedDemand: fmt(entry.taggedDemand), ascAverageDailyVolume: fmt(entry.ascAverageDailyVolume), unbalanced: fmt(fee.unbalanced), exempt: String(exempt), days: String(days) },
        rounding: 'fee: rounded up',
      })
    }
  }
  return lines
}

function treasuryLines(agent: SnapshotAgent, days: number): SettlementLine[] {
  const token = agent.token
  if (!token) return []
  const lines: SettlementLine[] = []
  if (agent.stakingRewards !== undefined) {
    lines.push({ kind: 'stakingReward', source: `staking:${agent.id}`, payer: agent.id, payee: `stakers:${agent.id}`, asset: token.symbol, amount: agent.stakingRewards, formula: 'treasury distribution decided by the agent', inputs: { amount: fmt(agent.stakingRewards) }, rounding: 'none (amount given)' })
  }
  if (agent.buyback) {
    const supplyBefore = dailySupplies(agent, days).at(-1) ?? token.openingSupply
    const { tokensBought, supplyAfter } = buyback({ spend: agent.buyback.spend, priceWad: agent.buyback.price, destination: agent.buyback.destination, supplyBefore })
    const source = `buyback:${agent.id}`
    const inputs = { spend: fmt(agent.buyback.spend), price: fmt(agent.buyback.price), destination: agent.buyback.destination, supplyBefore: fmt(supplyBefore), supplyAfter: fmt(supplyAfter) }
    lines.push({ kind: 'buybackSpend', source, payer: agent.id, payee: 'market', asset: USDS, amount: agent.buyback.spend, formula: 'revenue spent on open-market buyback', inputs, rounding: 'none (amount given)' })
    lines.push({ kind: 'buybackTokens', source, payer: 'market', payee: agent.id, asset: token.symbol, amount: tokensBought, formula: 'spend / average price', inputs, rounding: 'rounded down' })
    lines.push({ kind: 'buybackDestination', source, payer: agent.id, payee: agent.buyback.destination === 'burn' ? 'burn' : `stakers:${agent.id}`, asset: token.symbol, amount: tokensBought, formula: agent.buyback.destination === 'burn' ? 'bought tokens burned (supply falls)' : 'bought tokens distributed to stakers', inputs, rounding: 'none' })
  }
  return lines
}

/** Compute every fee, reward and loss allocation of one period from a validated snapshot. Pure. */
export function settle(snapshot: Snapshot): SettlementResult {
  const days = daysInPeriod(snapshot.period)
  const byId = new Map(snapshot.agents.map((agent) => [agent.id, agent]))
  const lines = [
    ...snapshot.agents.flatMap((agent) => [...tokenFeeLines(agent, days, byId), ...distributionLines(agent, days), ...treasuryLines(agent, days)]),
    ...durationLines(snapshot),
    ...integrationLines(snapshot, days),
    ...governanceAccessLines(snapshot),
    ...pioneerLines(snapshot, days),
  ]
  const losses = snapshot.losses.map((loss) => ({ prime: loss.prime, waterfall: lossWaterfall({ loss: loss.amount, capital: loss.capital }) }))
  return { period: snapshot.period, days, lines, losses }
}
