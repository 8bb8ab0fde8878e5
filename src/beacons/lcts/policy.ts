import { pairCapacity, tokensToValue, type CapacityFallback, type CapacityInputs, type PairCapacity } from '../../domain/lcts/capacity.js'
import { accrueExchangeRate, daysBetween, epochOf, isSkipped, lockTime, settleTime, type CycleSchedule } from '../../domain/lcts/cycle.js'

/**
 * lpha-lcts's pure decisions: what the next step of the daily cycle is, and (once the queues
 * are locked) the epoch's settlement decision. No I/O; `now` is chain time, passed in.
 */
export type QueueSide = 'subscribe' | 'redeem'
export const SIDES: readonly QueueSide[] = ['subscribe', 'redeem']
export type ChainQueueStatus = 'DORMANT' | 'ACTIVE' | 'LOCKED'

export type QueueObservation = { status: ChainQueueStatus; generationId: bigint; totalShares: bigint; totalUnderlying: bigint }

export type CycleObservation = {
  now: Date
  schedule: CycleSchedule
  queues: Record<QueueSide, QueueObservation>
  /** The epoch whose decision is journaled but whose settlement is not yet in the Synome. */
  openEpoch: string | undefined
  /** Epoch of this beacon's most recent lock transaction (from its journal). */
  lockEpoch: string | undefined
  /** Is today's settlement already recorded in the Synome? */
  recordedToday: boolean
}

export type CycleAction =
  | { kind: 'wait'; reason: string }
  | { kind: 'lock'; epoch: string; sides: QueueSide[] }
  | { kind: 'decide'; epoch: string }
  | { kind: 'settle'; epoch: string }

/** The next step. Level-triggered: derived from chain + journal + Synome every tick. */
export function nextCycleAction(o: CycleObservation): CycleAction {
  const today = epochOf(o.now)
  const locked = SIDES.filter((side) => o.queues[side].status === 'LOCKED')
  // 1. a journaled decision not yet recorded: finish it (settle what is still locked, then record)
  if (o.openEpoch !== undefined) {
    if (o.now < settleTime(o.openEpoch, o.schedule)) return { kind: 'wait', reason: `epoch ${o.openEpoch} locked; settles at ${settleTime(o.openEpoch, o.schedule).toISOString()}` }
    return { kind: 'settle', epoch: o.openEpoch }
  }
  // 2. locked without a decision: finish locking inside the window, then decide (locked queues cannot move)
  if (locked.length > 0) {
    const epoch = o.lockEpoch ?? today
    const active = SIDES.filter((side) => o.queues[side].status === 'ACTIVE')
    if (active.length > 0 && epoch === today && o.now < settleTime(today, o.schedule)) return { kind: 'lock', epoch, sides: active }
    return { kind: 'decide', epoch }
  }
  if (o.recordedToday) return { kind: 'wait', reason: `epoch ${today} already settled` }
  if (isSkipped(today, o.schedule)) return { kind: 'wait', reason: `epoch ${today} is a skipped day` }
  if (o.now < lockTime(today, o.schedule)) return { kind: 'wait', reason: `epoch ${today} locks at ${lockTime(today, o.schedule).toISOString()}` }
  if (o.now >= settleTime(today, o.schedule)) return { kind: 'wait', reason: `epoch ${today}: the lock window has passed` }
  const active = SIDES.filter((side) => o.queues[side].status === 'ACTIVE')
  if (active.length === 0) return { kind: 'wait', reason: `epoch ${today}: nothing to lock` }
  return { kind: 'lock', epoch: today, sides: active }
}

export type SettlementDecision = {
  epoch: string
  decidedAt: string
  /** What each locked queue held when the decision was made (null: not locked this epoch). */
  locked: Record<QueueSide, QueueObservation | null>
  capacity: PairCapacity
  fallback: CapacityFallback
  exchangeRateBeforeWad: bigint
  exchangeRateWad: bigint
  tokenSupply: bigint
}

export type DecideParameters = {
  epoch: string
  now: Date
  queues: Record<QueueSide, QueueObservation>
  tokenSupply: bigint
  exchangeRateWad: bigint
  inputs: CapacityInputs | null
  previous: { epoch: string; inputs: CapacityInputs | null } | null
}

/** The epoch's settlement: accrue the rate since the previous settlement, then the capacities. */
export function decideSettlement(p: DecideParameters): SettlementDecision {
  const locked = Object.fromEntries(SIDES.map((side) => [side, p.queues[side].status === 'LOCKED' ? p.queues[side] : null])) as Record<QueueSide, QueueObservation | null>
  const inputsForRate = p.inputs ?? p.previous?.inputs ?? null
  const days = p.previous ? daysBetween(p.previous.epoch, p.epoch) : 1n
  const exchangeRateWad = accrueExchangeRate({ exchangeRateWad: p.exchangeRateWad, inputs: inputsForRate, supplyValue: tokensToValue(p.tokenSupply, p.exchangeRateWad), days })
  const capacity = pairCapacity({
    subscribeQueued: locked.subscribe?.totalUnderlying ?? 0n,
    redeemQueued: locked.redeem?.totalUnderlying ?? 0n,
    tokenSupply: tokensToValue(p.tokenSupply, exchangeRateWad),
    exchangeRateWad,
    inputs: p.inputs,
    previousInputs: p.previous?.inputs ?? null,
  })
  return { epoch: p.epoch, decidedAt: p.now.toISOString(), locked, capacity, fallback: capacity.fallback, exchangeRateBeforeWad: p.exchangeRateWad, exchangeRateWad, tokenSupply: p.tokenSupply }
}
