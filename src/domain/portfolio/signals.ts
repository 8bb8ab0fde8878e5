import { InvalidInputError } from '../errors.js'
import { mulDiv } from '../money.js'
import { BPS } from './book.js'

/**
 * Warning signals of a Halo Unit (seed 000 "Emergency Procedures": "Unit Artifacts specify
 * warning signals and response procedures"). The unit's configuration names which signals it
 * watches and their bounds; `evaluateWarningSignals` is level-triggered — it looks only at
 * the facts at `now`, so a signal clears by itself once the facts no longer show it (a fresh
 * NAV report, a redemption finally paid). The response is `gateUnitCapacity`: while any
 * signal is up the unit takes no new subscription capacity, and keeps settling redemptions
 * from the liquidity the manager has returned.
 */

/** Stable alert codes (metrics, logs, Synome records and runbooks match on these). */
export const PORTFOLIO_ALERT_CODES = {
  navDrop: 'PORTFOLIO_NAV_DROP',
  navReportMissed: 'PORTFOLIO_NAV_REPORT_MISSED',
  redemptionOverdue: 'PORTFOLIO_REDEMPTION_OVERDUE',
} as const
export type PortfolioAlertCode = (typeof PORTFOLIO_ALERT_CODES)[keyof typeof PORTFOLIO_ALERT_CODES]

/** What a unit watches; leave a signal out to not watch it. */
export type WarningSignalConfig = {
  /** NAV per share falling by more than this (bps) from the previous report to the latest. */
  navDrop?: { maxDropBps: bigint } | undefined
  /** No NAV report for longer than this since the last one (report interval + grace). */
  navReport?: { maxAgeSeconds: number } | undefined
  /** A redemption request the manager has not returned this long after it was made. */
  redemption?: { maxDelaySeconds: number } | undefined
}

export type NavPoint = { navPerShareWad: bigint; reportedAt: Date }
export type PendingRedemption = { redemptionId: string; requestedAt: Date }

export type WarningSignalFacts = {
  now: Date
  /** The last two NAV reports of the unit (latest last); fewer while the unit is new. */
  latest: NavPoint | null
  previous: NavPoint | null
  /** When the unit started (the missed-report clock starts here before the first report). */
  openedAt: Date
  /** Redemption requests sent to the manager and not yet returned. */
  pendingRedemptions: readonly PendingRedemption[]
}

export type WarningSignal = { code: PortfolioAlertCode; message: string; meta: Record<string, string> }

function assertConfig(config: WarningSignalConfig): void {
  if (config.navDrop && (config.navDrop.maxDropBps < 0n || config.navDrop.maxDropBps > BPS)) throw new InvalidInputError('navDrop.maxDropBps must be within 0..10000', { meta: { field: 'navDrop.maxDropBps' } })
  for (const [field, seconds] of [['navReport.maxAgeSeconds', config.navReport?.maxAgeSeconds], ['redemption.maxDelaySeconds', config.redemption?.maxDelaySeconds]] as const) {
    if (seconds !== undefined && (!Number.isInteger(seconds) || seconds <= 0)) throw new InvalidInputError(`${field} must be a positive integer`, { meta: { field } })
  }
}

/** The unit's signals at `facts.now`, in a fixed order (navDrop, navReport, redemption). Pure. */
export function evaluateWarningSignals(config: WarningSignalConfig, facts: WarningSignalFacts): WarningSignal[] {
  assertConfig(config)
  const signals: WarningSignal[] = []
  const nowMs = facts.now.getTime()

  if (config.navDrop && facts.latest && facts.previous && facts.previous.navPerShareWad > 0n) {
    const before = facts.previous.navPerShareWad
    const after = facts.latest.navPerShareWad
    // drop > bound ⇔ after < before × (1 − bound); the threshold is floored, so a drop of
    // exactly the bound does not signal.
    const floor = mulDiv(before, BPS - config.navDrop.maxDropBps, BPS)
    if (after < floor) {
      signals.push({
        code: PORTFOLIO_ALERT_CODES.navDrop,
        message: `NAV per share fell from ${before} to ${after}, beyond ${config.navDrop.maxDropBps} bps`,
        meta: { before: before.toString(), after: after.toString(), maxDropBps: config.navDrop.maxDropBps.toString() },
      })
    }
  }

  if (config.navReport) {
    const since = facts.latest?.reportedAt ?? facts.openedAt
    const ageSeconds = Math.floor((nowMs - since.getTime()) / 1000)
    if (ageSeconds > config.navReport.maxAgeSeconds) {
      signals.push({
        code: PORTFOLIO_ALERT_CODES.navReportMissed,
        message: `no NAV report for ${ageSeconds} s (allowed ${config.navReport.maxAgeSeconds} s)`,
        meta: { since: since.toISOString(), ageSeconds: String(ageSeconds), maxAgeSeconds: String(config.navReport.maxAgeSeconds) },
      })
    }
  }

  if (config.redemption) {
    const maxDelaySeconds = config.redemption.maxDelaySeconds
    const overdue = facts.pendingRedemptions.filter((r) => nowMs - r.requestedAt.getTime() > maxDelaySeconds * 1000)
    if (overdue.length > 0) {
      signals.push({
        code: PORTFOLIO_ALERT_CODES.redemptionOverdue,
        message: `${overdue.length} redemption(s) not honoured within ${maxDelaySeconds} s`,
        meta: { redemptionIds: overdue.map((r) => r.redemptionId).join(','), maxDelaySeconds: String(maxDelaySeconds) },
      })
    }
  }
  return signals
}

export type UnitCapacity = {
  /** Subscription capacity the unit would offer without signals (asset base units). */
  subscribeCapacity: bigint
  /** Redemption capacity (unit shares) the unit would settle without signals. */
  redeemCapacity: bigint
}

export type GatedUnitCapacity = UnitCapacity & { halted: boolean; signals: WarningSignal[] }

/**
 * The emergency response, the one rule every path applies: with any signal up, no new
 * subscription capacity (and so no netting against redemptions — subscribers' money is not
 * taken into a unit that may be impaired); redemptions keep settling, limited to the shares
 * that the liquidity the manager has already returned pays for (`redeemableShares`).
 */
export function gateUnitCapacity(capacity: UnitCapacity, signals: readonly WarningSignal[], redeemableShares: bigint): GatedUnitCapacity {
  if (capacity.subscribeCapacity < 0n || capacity.redeemCapacity < 0n || redeemableShares < 0n) throw new InvalidInputError('capacities must not be negative')
  if (signals.length === 0) return { ...capacity, halted: false, signals: [] }
  const redeemCapacity = capacity.redeemCapacity < redeemableShares ? capacity.redeemCapacity : redeemableShares
  return { subscribeCapacity: 0n, redeemCapacity, halted: true, signals: [...signals] }
}
