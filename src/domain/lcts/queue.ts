import { PreconditionFailedError, InvalidInputError } from '../errors.js'
import { mulDiv } from '../money.js'

/**
 * The pure model of one LCTS queue (reference/smart-contracts/lcts.md). The same model is a
 * SubscribeQueue (underlying sUSDS, reward srUSDS) or a RedeemQueue (underlying srUSDS, reward
 * sUSDS); contracts/lcts/LCTSQueue.sol implements exactly these steps and the property test on
 * anvil compares the two after every operation.
 *
 * Rounding (every division rounds against the user and in favour of the users who stay):
 *   shares minted      = floor(amount × totalShares ÷ totalUnderlying)   (1:1 when totalShares = 0)
 *   underlying on exit = floor(shares × totalUnderlying ÷ totalShares)
 *   rewardPerToken    += floor(reward × RAY ÷ totalShares)
 *   reward paid        = floor(shares × (rewardPerToken − rewardDebt) ÷ RAY)
 * What rounding keeps stays in the queue and is owed to nobody ("dust"); it is bounded by one
 * base unit per division per user-operation plus totalShares ÷ RAY per settlement.
 *
 * rewardPerToken is kept at RAY (1e27) precision, not the spec's 1e18: the truncation of each
 * settlement's increment costs the generation up to totalShares ÷ precision reward base units.
 * With 1e18 and a $1bn generation (1e27 shares) that is 1e9 base units per settlement; with
 * 1e27 it is at most one. The contract uses 512-bit mulDiv, so the larger scale cannot overflow
 * the intermediate products (shares × rewardPerToken stays below 2^256 for any real supply).
 */
export const RAY = 10n ** 27n

export type GenerationStatus = 'ACTIVE' | 'LOCKED'

/** The current generation, if the queue is not DORMANT. */
export type Generation = {
  id: bigint
  status: GenerationStatus
  totalShares: bigint
  totalUnderlying: bigint
  rewardPerTokenRay: bigint
}

export type Position = { generationId: bigint; shares: bigint; rewardDebtRay: bigint }

export type QueueState = {
  /** Underlying below which a settled generation converts the rest and finalizes. */
  dustThreshold: bigint
  /** Id the next generation gets (ids start at 1; a position with id 0 is empty). */
  nextGenerationId: bigint
  current: Generation | null
  /** finalRewardPerToken of every FINALIZED generation that still has positions to settle. */
  finalized: ReadonlyMap<bigint, bigint>
  positions: ReadonlyMap<string, Position>
  /** Token balances the queue contract holds. */
  underlyingBalance: bigint
  rewardBalance: bigint
}

export type QueueStatus = 'DORMANT' | GenerationStatus

export class GenerationLockedError extends PreconditionFailedError {
  override name = 'GenerationLockedError'
  override readonly code: string = 'GENERATION_LOCKED'
}
export class NotLockedError extends PreconditionFailedError {
  override name = 'NotLockedError'
  override readonly code: string = 'NOT_LOCKED'
}
export class NoPositionError extends PreconditionFailedError {
  override name = 'NoPositionError'
  override readonly code: string = 'NO_POSITION'
}
export class PositionFinalizedError extends PreconditionFailedError {
  override name = 'PositionFinalizedError'
  override readonly code: string = 'POSITION_FINALIZED'
}
export class ZeroSharesError extends InvalidInputError {
  override name = 'ZeroSharesError'
  override readonly code: string = 'ZERO_SHARES'
}

export function emptyQueue(dustThreshold = 0n): QueueState {
  if (dustThreshold < 0n) throw new InvalidInputError('dustThreshold must be non-negative')
  return {
    dustThreshold,
    nextGenerationId: 1n,
    current: null,
    finalized: new Map(),
    positions: new Map(),
    underlyingBalance: 0n,
    rewardBalance: 0n,
  }
}

export function queueStatus(state: QueueState): QueueStatus {
  return state.current === null ? 'DORMANT' : state.current.status
}

const key = (user: string) => user.toLowerCase()

function withPosition(positions: ReadonlyMap<string, Position>, user: string, position: Position | null): Map<string, Position> {
  const next = new Map(positions)
  if (position === null) next.delete(key(user))
  else next.set(key(user), position)
  return next
}

function pendingOf(position: Position, rewardPerTokenRay: bigint): bigint {
  return mulDiv(position.shares, rewardPerTokenRay - position.rewardDebtRay, RAY)
}

export type PositionView = {
  generationId: bigint
  shares: bigint
  /** 'CURRENT' while the position is in the current generation, else 'FINALIZED'. */
  where: 'NONE' | 'CURRENT' | 'FINALIZED'
  /** Reward a claim would pay now (also while LOCKED, as a preview). */
  pendingReward: bigint
  /** Underlying an exit would return now (0 for finalized positions). */
  underlying: bigint
}

/** What a position is worth now: the previewPosition view. */
export function previewPosition(state: QueueState, user: string): PositionView {
  const position = state.positions.get(key(user))
  if (!position) return { generationId: 0n, shares: 0n, where: 'NONE', pendingReward: 0n, underlying: 0n }
  const current = state.current
  if (current && current.id === position.generationId) {
    return {
      generationId: position.generationId,
      shares: position.shares,
      where: 'CURRENT',
      pendingReward: pendingOf(position, current.rewardPerTokenRay),
      underlying: mulDiv(position.shares, current.totalUnderlying, current.totalShares),
    }
  }
  const finalRay = state.finalized.get(position.generationId)
  if (finalRay === undefined) throw new Error(`invariant: position in unknown generation ${position.generationId}`)
  return { generationId: position.generationId, shares: position.shares, where: 'FINALIZED', pendingReward: pendingOf(position, finalRay), underlying: 0n }
}

export type ClaimResult = { state: QueueState; reward: bigint; underlying: bigint }

/** Settle a position in a FINALIZED generation: pay its last rewards and clear it (allowed while LOCKED). */
function settleFinalized(state: QueueState, user: string, position: Position): ClaimResult {
  const finalRay = state.finalized.get(position.generationId)!
  const reward = pendingOf(position, finalRay)
  return {
    state: { ...state, positions: withPosition(state.positions, user, null), rewardBalance: state.rewardBalance - reward },
    reward,
    underlying: 0n,
  }
}

function isFinalizedPosition(state: QueueState, position: Position): boolean {
  return state.current === null || state.current.id !== position.generationId
}

/** Subscribe (SubscribeQueue) or redeem (RedeemQueue) `amount` of underlying. */
export function deposit(state: QueueState, user: string, amount: bigint): ClaimResult & { shares: bigint } {
  if (amount <= 0n) throw new InvalidInputError('amount must be positive', { meta: { amount } })
  if (state.current?.status === 'LOCKED') throw new GenerationLockedError('the current generation is locked', { meta: { generationId: state.current.id } })
  let next = state
  let reward = 0n
  const existing = state.positions.get(key(user))
  if (existing && isFinalizedPosition(state, existing)) {
    const settled = settleFinalized(next, user, existing)
    next = settled.state
    reward += settled.reward
  }
  let current = next.current
  let nextGenerationId = next.nextGenerationId
  if (current === null) {
    current = { id: nextGenerationId, status: 'ACTIVE', totalShares: 0n, totalUnderlying: 0n, rewardPerTokenRay: 0n }
    nextGenerationId += 1n
  }
  const shares = current.totalShares === 0n ? amount : mulDiv(amount, current.totalShares, current.totalUnderlying)
  if (shares === 0n) throw new ZeroSharesError('amount buys no shares', { meta: { amount } })
  const position = next.positions.get(key(user))
  // same (current) generation: pay what has accrued, then re-base the debt
  const pending = position ? pendingOf(position, current.rewardPerTokenRay) : 0n
  reward += pending
  const held = position ? position.shares : 0n
  const rewardBalance = next.rewardBalance - pending
  return {
    state: {
      ...next,
      nextGenerationId,
      current: { ...current, totalShares: current.totalShares + shares, totalUnderlying: current.totalUnderlying + amount },
      positions: withPosition(next.positions, user, { generationId: current.id, shares: held + shares, rewardDebtRay: current.rewardPerTokenRay }),
      underlyingBalance: next.underlyingBalance + amount,
      rewardBalance,
    },
    shares,
    reward,
    underlying: 0n,
  }
}

/**
 * Claim rewards: from the ACTIVE current generation (the position stays), or settle a
 * position in a FINALIZED generation (the position is cleared; allowed while LOCKED).
 * claimFor(user) is this same step: whoever calls, only `user` is paid.
 */
export function claim(state: QueueState, user: string): ClaimResult {
  const position = state.positions.get(key(user))
  if (!position) throw new NoPositionError('no position in this queue', { meta: { user } })
  if (isFinalizedPosition(state, position)) return settleFinalized(state, user, position)
  const current = state.current!
  if (current.status === 'LOCKED') throw new GenerationLockedError('the current generation is locked', { meta: { generationId: current.id } })
  const reward = pendingOf(position, current.rewardPerTokenRay)
  return {
    state: {
      ...state,
      positions: withPosition(state.positions, user, { ...position, rewardDebtRay: current.rewardPerTokenRay }),
      rewardBalance: state.rewardBalance - reward,
    },
    reward,
    underlying: 0n,
  }
}

/** Claim-and-exit: the whole position of the ACTIVE current generation, rewards and underlying. */
export function exit(state: QueueState, user: string): ClaimResult {
  const position = state.positions.get(key(user))
  if (!position) throw new NoPositionError('no position in this queue', { meta: { user } })
  if (isFinalizedPosition(state, position)) {
    throw new PositionFinalizedError('the position is in a finalized generation; claim it instead', { meta: { generationId: position.generationId } })
  }
  const current = state.current!
  if (current.status === 'LOCKED') throw new GenerationLockedError('the current generation is locked', { meta: { generationId: current.id } })
  const reward = pendingOf(position, current.rewardPerTokenRay)
  const underlying = mulDiv(position.shares, current.totalUnderlying, current.totalShares)
  const totalShares = current.totalShares - position.shares
  const totalUnderlying = current.totalUnderlying - underlying
  // Last user out: nobody is left and the queue is DORMANT again (the last exit takes
  // totalUnderlying exactly). Otherwise floor(shares × U ÷ S) < U, so the stayers always keep
  // some underlying and the share price stays finite.
  const nextCurrent: Generation | null = totalShares === 0n ? null : { ...current, totalShares, totalUnderlying }
  return {
    state: {
      ...state,
      current: nextCurrent,
      positions: withPosition(state.positions, user, null),
      underlyingBalance: state.underlyingBalance - underlying,
      rewardBalance: state.rewardBalance - reward,
    },
    reward,
    underlying,
  }
}

/** LCTS pBEAM: ACTIVE → LOCKED. DORMANT or already LOCKED: nothing to do (no-op). */
export function lock(state: QueueState): QueueState {
  if (state.current === null || state.current.status === 'LOCKED') return state
  return { ...state, current: { ...state.current, status: 'LOCKED' } }
}

export type SettlePreview = {
  generationId: bigint
  /** Underlying the settlement converts: min(capacity, totalUnderlying), or all of it when the rest would be dust. */
  convertAmount: bigint
  /** Underlying left in the generation after the settlement. */
  remainingUnderlying: bigint
  finalizes: boolean
}

/** What settle(capacity) would convert now: the previewSettle view (DORMANT → all zero). */
export function previewSettle(state: QueueState, capacity: bigint): SettlePreview {
  if (capacity < 0n) throw new InvalidInputError('capacity must be non-negative')
  const current = state.current
  if (current === null) return { generationId: 0n, convertAmount: 0n, remainingUnderlying: 0n, finalizes: false }
  let convertAmount = capacity < current.totalUnderlying ? capacity : current.totalUnderlying
  // dust rule: once something converts, a remainder below the threshold converts with it
  if (convertAmount > 0n && current.totalUnderlying - convertAmount < state.dustThreshold) convertAmount = current.totalUnderlying
  const remainingUnderlying = current.totalUnderlying - convertAmount
  return { generationId: current.id, convertAmount, remainingUnderlying, finalizes: remainingUnderlying === 0n }
}

/**
 * LCTS pBEAM: settle the LOCKED generation. `convertAmount` of underlying left for the
 * converter, which paid `reward` of the reward asset into the queue. Unlocks (ACTIVE) or
 * finalizes (the queue becomes DORMANT).
 */
export function settle(state: QueueState, capacity: bigint, rewardFor: (convertAmount: bigint) => bigint): { state: QueueState; preview: SettlePreview; reward: bigint } {
  const current = state.current
  if (current === null || current.status !== 'LOCKED') throw new NotLockedError('no locked generation to settle')
  const preview = previewSettle(state, capacity)
  const reward = preview.convertAmount === 0n ? 0n : rewardFor(preview.convertAmount)
  if (reward < 0n) throw new InvalidInputError('reward must be non-negative')
  const rewardPerTokenRay = current.rewardPerTokenRay + mulDiv(reward, RAY, current.totalShares)
  const base = { ...state, underlyingBalance: state.underlyingBalance - preview.convertAmount, rewardBalance: state.rewardBalance + reward }
  if (preview.finalizes) {
    return { state: { ...base, current: null, finalized: new Map(state.finalized).set(current.id, rewardPerTokenRay) }, preview, reward }
  }
  return { state: { ...base, current: { ...current, status: 'ACTIVE', totalUnderlying: preview.remainingUnderlying, rewardPerTokenRay } }, preview, reward }
}
