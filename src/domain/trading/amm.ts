import { InvalidInputError } from '../errors.js'
import { exceedsDeviation, type AssetParams, type OracleReading } from './pricing.js'
import { inventoryValueOf, poolValueOf, redeemCapacityShares } from './shares.js'

/**
 * lpha-amm's rules (reference `halo-agents/trading-halo.md`, "lpha-amm"): each cycle, from one
 * observation of a pool, the transactions to send and the alerts to raise. Pure: `now` is chain
 * time in seconds, passed in; the beacon observes, this decides, the beacon acts.
 *
 * lpha-amm can only do what the pool lets its OPERATOR key do — sync the price within the
 * deviation bound, send inventory to the governance-set issuer, return USDS to the PAU's
 * ALMProxy, each within its PAU rate-limit key — so these rules decide *when*, never *whether
 * it is allowed*: the contract refuses anything else whatever this module says.
 */

/** Stable alert codes (logs, Synome records, dashboards match on them; never rename one). */
export const AMM_ALERT_CODES = {
  /** The oracle reading is older than `maxOracleAgeSeconds` (or zero or from the future): swaps are paused. */
  AMM_ORACLE_STALE: 'critical',
  /** The oracle moved beyond `maxDeviationBps` of the reference: swaps are paused and lpha-amm cannot follow; governance resets the reference. */
  AMM_ORACLE_DEVIATION: 'critical',
  /** Held + pending inventory reached the pool's limit: the pool buys no more of the asset. */
  AMM_INVENTORY_LIMIT_REACHED: 'warning',
  /** An issuer redemption is unsettled past its promised settlement time plus grace. */
  AMM_REDEMPTION_MISSED: 'critical',
  /** A redemption or capital return lpha-amm should make is held back by its PAU rate-limit key. */
  AMM_RATE_LIMIT_BINDING: 'warning',
  /** The freezer paused the pool. */
  AMM_POOL_PAUSED: 'warning',
} as const
export type AmmAlertCode = keyof typeof AMM_ALERT_CODES
export type AmmAlertSeverity = (typeof AMM_ALERT_CODES)[AmmAlertCode]

export type AmmAlert = {
  code: AmmAlertCode
  severity: AmmAlertSeverity
  /** What the alert is about, unique per occurrence: the request id, the oracle's updatedAt, the day. */
  subject: string
  message: string
  /** JSON-safe facts (amounts as integer strings in base units). */
  details: Record<string, string>
}

export type AmmPolicy = {
  /** Start an issuer redemption once the pool holds at least this much of the asset (base units). */
  redeemThreshold: bigint
  /** USDS the pool keeps to buy the asset; above `usdsCeiling` the excess goes back to the ALMProxy. null = never return. */
  usdsCeiling: bigint | null
  /** The issuer's settlement promise (T+N) in seconds, from the Unit Artifact. */
  redemptionDueSeconds: bigint
  /** Time past the promise before a redemption counts as missed. */
  redemptionGraceSeconds: bigint
  /** Smallest redemption worth a transaction, asset base units (dust stays in the pool). */
  minRedeemAmount: bigint
  /** Smallest capital return worth a transaction, USDS base units. */
  minReturnAmount: bigint
}

export type OpenRedemption = { requestId: bigint; amount: bigint; requestedAt: bigint; settled: boolean }

export type AmmObservation = {
  now: bigint
  paused: boolean
  oracle: OracleReading
  referencePriceWad: bigint
  params: Pick<AssetParams, 'maxOracleAgeSeconds' | 'maxDeviationBps' | 'maxInventory'>
  assetHeld: bigint
  usdsHeld: bigint
  pendingRedemption: bigint
  /** The pool's redemption requests not yet closed, oldest first. */
  openRequests: readonly OpenRedemption[]
  /** What the redeem and return keys allow now (RateLimits.getCurrentRateLimit). */
  available: { redeem: bigint; return: bigint }
  /** The pool's LCTS shares (absent until the admin wires them). */
  shares?: SharesObservation | undefined
}

export type QueueSide = 'subscribe' | 'redeem'
export type LctsQueueObservation = { status: 'DORMANT' | 'ACTIVE' | 'LOCKED'; generationId: bigint; totalUnderlying: bigint }

export type SharesObservation = {
  supply: bigint
  assetDecimals: number
  /** USDS waiting in the SubscribeQueue, shares waiting in the RedeemQueue. */
  subscribe: LctsQueueObservation
  redeem: LctsQueueObservation
  /** What the SUBSCRIBE (USDS in) and UNSUBSCRIBE (USDS out) keys allow now. */
  available: { subscribe: bigint; unsubscribe: bigint }
}

export type AmmAction =
  | { kind: 'closeRedemption'; requestId: bigint }
  | { kind: 'syncPrice'; priceWad: bigint }
  | { kind: 'requestRedemption'; amount: bigint }
  | { kind: 'returnCapital'; amount: bigint }
  | { kind: 'lockQueue'; side: QueueSide }
  | { kind: 'settleQueue'; side: QueueSide; capacity: bigint }

export type AmmPlan = { actions: AmmAction[]; alerts: AmmAlert[] }

/** Bound on the redemptions closed per cycle (each is one transaction). */
export const MAX_CLOSES_PER_CYCLE = 16

export function validateAmmPolicy(p: AmmPolicy): AmmPolicy {
  const bad = (field: string, why: string) => new InvalidInputError(`lpha-amm policy: ${field} ${why}`, { meta: { field } })
  if (p.redeemThreshold <= 0n) throw bad('redeemThreshold', 'must be positive')
  if (p.usdsCeiling !== null && p.usdsCeiling < 0n) throw bad('usdsCeiling', 'must not be negative')
  if (p.redemptionDueSeconds <= 0n) throw bad('redemptionDueSeconds', 'must be positive')
  if (p.redemptionGraceSeconds < 0n) throw bad('redemptionGraceSeconds', 'must not be negative')
  if (p.minRedeemAmount <= 0n) throw bad('minRedeemAmount', 'must be positive (1 = any amount)')
  if (p.minReturnAmount <= 0n) throw bad('minReturnAmount', 'must be positive (1 = any amount)')
  return p
}

/** Is the reading usable at `now` (same rule as the pool's oracle gate, minus the deviation)? */
export function oracleFresh(reading: OracleReading, maxOracleAgeSeconds: bigint, now: bigint): boolean {
  return reading.priceWad > 0n && reading.updatedAt <= now && now - reading.updatedAt <= maxOracleAgeSeconds
}

const alertOf = (code: AmmAlertCode, subject: string, message: string, details: Record<string, string>): AmmAlert => ({ code, severity: AMM_ALERT_CODES[code], subject, message, details })

/**
 * One cycle, in the order that frees the most room first: close settled redemptions (they
 * leave the pending book), follow the oracle, send inventory above the threshold to the
 * issuer, return USDS above the ceiling. Every amount is clamped to its key's availability.
 */
export function planAmmCycle(o: AmmObservation, policy: AmmPolicy): AmmPlan {
  const actions: AmmAction[] = []
  const alerts: AmmAlert[] = []
  const day = String(o.now / 86_400n)

  if (o.paused) alerts.push(alertOf('AMM_POOL_PAUSED', day, 'the pool is paused by its freezer; swaps stop until the admin unpauses', {}))

  let pending = o.pendingRedemption
  for (const request of o.openRequests) {
    if (request.settled) {
      if (actions.length < MAX_CLOSES_PER_CYCLE) {
        actions.push({ kind: 'closeRedemption', requestId: request.requestId })
        pending -= request.amount
      }
      continue
    }
    const missedAt = request.requestedAt + policy.redemptionDueSeconds + policy.redemptionGraceSeconds
    if (o.now > missedAt) {
      alerts.push(
        alertOf('AMM_REDEMPTION_MISSED', `request-${request.requestId}`, `issuer redemption ${request.requestId} is unsettled past its promised time plus grace`, {
          requestId: String(request.requestId),
          amount: String(request.amount),
          requestedAt: String(request.requestedAt),
          missedAt: String(missedAt),
        }),
      )
    }
  }

  const fresh = oracleFresh(o.oracle, o.params.maxOracleAgeSeconds, o.now)
  if (!fresh) {
    alerts.push(alertOf('AMM_ORACLE_STALE', `oracle-${o.oracle.updatedAt}`, 'the oracle reading is stale: swaps are paused', { updatedAt: String(o.oracle.updatedAt), now: String(o.now) }))
  } else if (exceedsDeviation(o.oracle.priceWad, o.referencePriceWad, o.params.maxDeviationBps)) {
    alerts.push(
      alertOf('AMM_ORACLE_DEVIATION', `oracle-${o.oracle.updatedAt}`, 'the oracle moved beyond the deviation bound: swaps are paused until governance resets the reference', {
        priceWad: String(o.oracle.priceWad),
        referencePriceWad: String(o.referencePriceWad),
      }),
    )
  } else if (o.oracle.priceWad !== o.referencePriceWad && !o.paused) {
    actions.push({ kind: 'syncPrice', priceWad: o.oracle.priceWad })
  }

  if (o.assetHeld + pending >= o.params.maxInventory) {
    alerts.push(
      alertOf('AMM_INVENTORY_LIMIT_REACHED', day, 'inventory (held + pending) reached the pool limit: the pool buys no more', {
        held: String(o.assetHeld),
        pending: String(pending),
        maxInventory: String(o.params.maxInventory),
      }),
    )
  }

  if (o.assetHeld >= policy.redeemThreshold) {
    const amount = o.assetHeld < o.available.redeem ? o.assetHeld : o.available.redeem
    if (amount >= policy.minRedeemAmount) actions.push({ kind: 'requestRedemption', amount })
    if (amount < o.assetHeld) {
      alerts.push(alertOf('AMM_RATE_LIMIT_BINDING', `redeem-${day}`, 'the redeem key holds back part of the inventory above the threshold', { wanted: String(o.assetHeld), available: String(o.available.redeem) }))
    }
  }

  if (policy.usdsCeiling !== null && o.usdsHeld > policy.usdsCeiling) {
    const excess = o.usdsHeld - policy.usdsCeiling
    const amount = excess < o.available.return ? excess : o.available.return
    if (amount >= policy.minReturnAmount) actions.push({ kind: 'returnCapital', amount })
    if (amount < excess) {
      alerts.push(alertOf('AMM_RATE_LIMIT_BINDING', `return-${day}`, 'the return key holds back part of the USDS above the ceiling', { wanted: String(excess), available: String(o.available.return) }))
    }
  }

  if (o.shares && fresh && !o.paused && !exceedsDeviation(o.oracle.priceWad, o.referencePriceWad, o.params.maxDeviationBps)) {
    for (const step of planShareSettlements(o, o.shares)) {
      if (step.kind === 'alert') alerts.push(alertOf('AMM_RATE_LIMIT_BINDING', `${step.side}-${day}`, `the ${step.side === 'subscribe' ? 'SUBSCRIBE' : 'UNSUBSCRIBE'} key (or the pool's USDS) holds back part of the ${step.side} queue`, step.details))
      else actions.push(step)
    }
  }
  return { actions, alerts }
}

/**
 * The pool's LCTS queues: lock a queue with something to convert, settle a locked one at the
 * most its key (and, for redemptions, the pool's USDS) allows. One settlement per cycle: the
 * next is planned from a fresh observation, since each one moves the value and the supply.
 * Never at a price the pool would refuse (the caller checks the oracle and the pause first), and
 * never with capacity 0: a locked queue waits for its key to refill.
 */
function planShareSettlements(
  o: AmmObservation,
  sh: SharesObservation,
): Array<Extract<AmmAction, { kind: 'lockQueue' | 'settleQueue' }> | { kind: 'alert'; side: QueueSide; details: Record<string, string> }> {
  const pendingUnpaid = o.openRequests.filter((r) => !r.settled).reduce((sum, r) => sum + r.amount, 0n)
  const value = poolValueOf({ usdsHeld: o.usdsHeld, assetHeld: o.assetHeld, pendingUnpaid, priceWad: o.oracle.priceWad, assetDecimals: sh.assetDecimals })
  const min = (a: bigint, b: bigint) => (a < b ? a : b)
  const usdsOutLimit = min(sh.available.unsubscribe, o.usdsHeld)
  const capacityOf = (side: QueueSide) =>
    side === 'subscribe' ? min(sh.subscribe.totalUnderlying, sh.available.subscribe) : min(sh.redeem.totalUnderlying, redeemCapacityShares(usdsOutLimit, value, sh.supply))
  const out: ReturnType<typeof planShareSettlements> = []
  let settling = false
  for (const side of ['subscribe', 'redeem'] as const) {
    const q = sh[side]
    if (q.status === 'DORMANT' || q.totalUnderlying === 0n) continue
    const capacity = capacityOf(side)
    if (capacity < q.totalUnderlying) out.push({ kind: 'alert', side, details: { queued: String(q.totalUnderlying), capacity: String(capacity) } })
    if (capacity === 0n) continue
    if (q.status === 'ACTIVE') out.push({ kind: 'lockQueue', side })
    else if (!settling) {
      out.push({ kind: 'settleQueue', side, capacity })
      settling = true
    }
  }
  return out
}

// ------------------------------------------------------------------ the pool report

export type PoolTrade = { side: 'sell' | 'buy'; assetAmount: bigint; usdsAmount: bigint; priceWad: bigint }

export type PoolReportFigures = {
  usdsHeld: bigint
  assetHeld: bigint
  pendingRedemption: bigint
  priceWad: bigint
  /** (held + pending) at the oracle price, USDS base units, rounded down. */
  inventoryValue: bigint
  /** usdsHeld + inventoryValue. */
  poolValue: bigint
  /** Spread earned on every trade at its own price: Σ sells (value − paid) + Σ buys (paid − value), rounded down once. */
  spreadEarned: bigint
  /** Trades counted and their USDS volume. */
  trades: bigint
  volumeUsds: bigint
}

const pow10 = (decimals: number) => 10n ** BigInt(decimals)

/** The figures lpha-amm reports and the Synome re-checks (one rule for both). */
export function poolReportFigures(p: { usdsHeld: bigint; assetHeld: bigint; pendingRedemption: bigint; priceWad: bigint; assetDecimals: number; trades: readonly PoolTrade[] }): PoolReportFigures {
  const scale = pow10(p.assetDecimals)
  const inventoryValue = inventoryValueOf(p.assetHeld + p.pendingRedemption, p.priceWad, p.assetDecimals)
  let spreadScaled = 0n
  let volumeUsds = 0n
  for (const t of p.trades) {
    const valueScaled = t.assetAmount * t.priceWad
    spreadScaled += t.side === 'sell' ? valueScaled - t.usdsAmount * scale : t.usdsAmount * scale - valueScaled
    volumeUsds += t.usdsAmount
  }
  return {
    usdsHeld: p.usdsHeld,
    assetHeld: p.assetHeld,
    pendingRedemption: p.pendingRedemption,
    priceWad: p.priceWad,
    inventoryValue,
    poolValue: p.usdsHeld + inventoryValue,
    spreadEarned: spreadScaled >= 0n ? spreadScaled / scale : -((-spreadScaled + scale - 1n) / scale),
    trades: BigInt(p.trades.length),
    volumeUsds,
  }
}

/** The Synome's gate on a report: the derived figures must follow from the observed ones. */
export function checkPoolReportArithmetic(f: Pick<PoolReportFigures, 'usdsHeld' | 'assetHeld' | 'pendingRedemption' | 'priceWad' | 'inventoryValue' | 'poolValue'>, assetDecimals: number): string | undefined {
  const inventoryValue = ((f.assetHeld + f.pendingRedemption) * f.priceWad) / pow10(assetDecimals)
  if (f.inventoryValue !== inventoryValue) return `inventoryValue must be (assetHeld + pendingRedemption) × priceWad / 10^${assetDecimals} = ${inventoryValue}`
  if (f.poolValue !== f.usdsHeld + inventoryValue) return `poolValue must be usdsHeld + inventoryValue = ${f.usdsHeld + inventoryValue}`
  return undefined
}

/**
 * The Synome's gate on a pool report's succession: a pool keeps its class, address and asset,
 * and a report is never older than the one it replaces (a replayed or reordered report is refused).
 */
export function checkPoolReportSuccession(
  previous: { haloClass: string; pool: string; asset: string; asOfBlock: bigint } | undefined,
  next: { haloClass: string; pool: string; asset: string; asOfBlock: bigint },
): { gate: string; message: string } | undefined {
  if (!previous) return undefined
  if (previous.haloClass !== next.haloClass) return { gate: 'OTHER_CLASS', message: `the pool belongs to Halo class ${previous.haloClass}` }
  if (previous.pool !== next.pool || previous.asset !== next.asset) return { gate: 'POOL_MISMATCH', message: `the pool id names ${previous.pool} (asset ${previous.asset})` }
  if (next.asOfBlock <= previous.asOfBlock) return { gate: 'REPORT_NOT_NEWER', message: `the latest report is as of block ${previous.asOfBlock}` }
  return undefined
}
