import { InvalidInputError, PreconditionFailedError } from '../errors.js'
import { mulDivUp } from '../money.js'
import { ASC_LIQUIDITY_MULTIPLIER, BPS, DAYS_PER_YEAR, PIONEER_PHASE_DAYS, SECONDS_PER_DAY, UNBALANCED_SUPPLY_FEE_BPS_PER_YEAR } from './parameters.js'
import { accrueSimple } from './rewards.js'
import type { TagEvent } from './tagging.js'
import { tagOwnerAt } from './tagging.js'

/** Only the five genesis Stars may be Pioneers (seed 001; the older seed's list differs). */
export const GENESIS_STARS = ['spark', 'grove', 'keel', 'star4', 'star5'] as const

export const PIONEER_PHASE_SECONDS = PIONEER_PHASE_DAYS * SECONDS_PER_DAY

export type PioneerEvent =
  | { kind: 'designate'; star: string; at: bigint }
  | { kind: 'dedesignate'; at: bigint }

export type PioneerPhase = {
  /** The Pioneer Star now, or null (none designated, or phase over). */
  star: string | null
  /** Designated seconds used so far across all Pioneers on this chain. */
  elapsedSeconds: bigint
  remainingSeconds: bigint
  ended: boolean
}

/**
 * The chain's 3-year Pioneer clock at `now`. It runs only while a Star is designated; a
 * de-designation pauses it and the next Pioneer continues from where it stopped. Events must
 * be in time order; designating while another Star holds the chain, or a non-genesis Star,
 * is refused (one Pioneer per chain). Transfer = de-designate then designate.
 */
export function pioneerPhaseAt(events: readonly PioneerEvent[], now: bigint): PioneerPhase {
  let star: string | null = null
  let since = 0n
  let elapsed = 0n
  let previousAt = -1n
  for (const event of events) {
    if (event.at > now) break
    if (event.at < previousAt) throw new InvalidInputError('pioneer events must be in time order', { meta: { field: 'events' } })
    previousAt = event.at
    if (event.kind === 'designate') {
      if (star !== null) throw new PreconditionFailedError(`chain already has Pioneer Star ${star}`, { meta: { field: 'star' } })
      if (!(GENESIS_STARS as readonly string[]).includes(event.star)) {
        throw new PreconditionFailedError(`${event.star} is not a genesis Star and cannot be a Pioneer`, { meta: { field: 'star' } })
      }
      if (elapsed >= PIONEER_PHASE_SECONDS) throw new PreconditionFailedError('the Pioneer Phase on this chain is over', { meta: { field: 'at' } })
      star = event.star
      since = event.at
    } else if (star !== null) {
      elapsed += event.at - since
      star = null
    }
  }
  if (star !== null) elapsed += now - since
  const ended = elapsed >= PIONEER_PHASE_SECONDS
  const used = ended ? PIONEER_PHASE_SECONDS : elapsed
  return { star: ended ? null : star, elapsedSeconds: used, remainingSeconds: PIONEER_PHASE_SECONDS - used, ended }
}

/**
 * Pioneer auto-tagging: during the phase the Pioneer Star tags every account on the chain that
 * nobody owns a tag on (explicit tags are never overridden). Auto-tags never earn Boosted DR.
 */
export function autoTagUntagged({ accounts, tags, star, now }: { accounts: readonly string[]; tags: readonly TagEvent[]; star: string; now: bigint }): TagEvent[] {
  return accounts.filter((account) => tagOwnerAt(tags, account, now) === null).map((account) => ({ account, prime: star, at: now, auto: true }))
}

export type UnrewardedUsdsParameters = {
  bridgedUsds: bigint
  /** USDS already earning SSR: wrapped in sUSDS, under Integration Boost, or held by agents. */
  inSusds: bigint
  integrationBoosted: bigint
  agentHoldings: bigint
}

/** Bridged USDS not earning SSR any other way (never negative). */
export function unrewardedUsds({ bridgedUsds, inSusds, integrationBoosted, agentHoldings }: UnrewardedUsdsParameters): bigint {
  const rewarded = inSusds + integrationBoosted + agentHoldings
  return rewarded >= bridgedUsds ? 0n : bridgedUsds - rewarded
}

/** Pioneer Rewards for a monthly cycle: SSR × unrewarded USDS × days / 365, rounded down. */
export function pioneerReward(parameters: UnrewardedUsdsParameters & { annualRateWad: bigint; days: bigint }): { unrewarded: bigint; amount: bigint } {
  const unrewarded = unrewardedUsds(parameters)
  return { unrewarded, amount: accrueSimple({ balance: unrewarded, annualRateWad: parameters.annualRateWad, days: parameters.days }) }
}

export type UnbalancedSupplyParameters = {
  /** Supply a Star allocated on the Pioneer Chain (average over the period). */
  supply: bigint
  /** USDS demand the Star tagged on the chain: offsets supply 1:1. */
  taggedDemand: bigint
  /** Average daily trading volume of the Star's ASC liquidity: counts 3× as demand. */
  ascAverageDailyVolume: bigint
  days: bigint
  /** Exempt via an Ecosystem Accord, or the Pioneer Star itself. */
  exempt: boolean
}

/**
 * Unbalanced supply fee: 20 bps a year on supply not offset by tagged demand (1:1) or ASC
 * liquidity (3× average daily volume); a fee, so it rounds up. Exempt Stars pay nothing.
 */
export function unbalancedSupplyFee(parameters: UnbalancedSupplyParameters): { unbalanced: bigint; feeAmount: bigint } {
  const offset = parameters.taggedDemand + ASC_LIQUIDITY_MULTIPLIER * parameters.ascAverageDailyVolume
  const unbalanced = parameters.exempt || offset >= parameters.supply ? 0n : parameters.supply - offset
  return { unbalanced, feeAmount: mulDivUp(unbalanced * UNBALANCED_SUPPLY_FEE_BPS_PER_YEAR, parameters.days, BPS * DAYS_PER_YEAR) }
}
