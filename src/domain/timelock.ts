import { BaseError } from './errors.js'
/**
 * The state of one BEAM timelock operation, from the timestamp OpenZeppelin's
 * TimelockController stores for it (`getTimestamp(id)`) and the chain time.
 *
 * OpenZeppelin stores 0 for an operation never scheduled or cancelled, 1 (`_DONE_TIMESTAMP`)
 * once executed, and otherwise the earliest execution time; an operation is ready from that
 * second on (`timestamp <= block.timestamp`). The CLI and the devnet read the state through
 * this one function so "ready" means what the contract means.
 */
export const TIMELOCK_DONE_TIMESTAMP = 1n

export type TimelockOperationState =
  | { state: 'unset' } // never scheduled, or cancelled
  | { state: 'done' }
  | { state: 'pending'; readyAt: bigint; waitSeconds: bigint }
  | { state: 'ready'; readyAt: bigint }

export function timelockOperationState(p: { timestamp: bigint; now: bigint }): TimelockOperationState {
  if (p.timestamp < 0n || p.now < 0n) throw new RangeError('timestamps are unsigned')
  if (p.timestamp === 0n) return { state: 'unset' }
  if (p.timestamp === TIMELOCK_DONE_TIMESTAMP) return { state: 'done' }
  if (p.timestamp > p.now) return { state: 'pending', readyAt: p.timestamp, waitSeconds: p.timestamp - p.now }
  return { state: 'ready', readyAt: p.timestamp }
}

export class TimelockOperationUnknownError extends BaseError {
  override name = 'TimelockOperationUnknownError'
  override readonly code: string = 'TIMELOCK_OPERATION_UNKNOWN'
  override readonly status: number = 404
}
export class TimelockNotReadyError extends BaseError {
  override name = 'TimelockNotReadyError'
  override readonly code: string = 'TIMELOCK_NOT_READY'
  override readonly status: number = 409
}
export class TimelockAlreadyDoneError extends BaseError {
  override name = 'TimelockAlreadyDoneError'
  override readonly code: string = 'TIMELOCK_ALREADY_DONE'
  override readonly status: number = 409
}

/**
 * May the operation be executed now? Refuses before anything is sent, naming why: the chain
 * would revert with TimelockUnexpectedOperationState, which tells an operator much less.
 */
export function assertExecutable(id: string, state: TimelockOperationState): asserts state is { state: 'ready'; readyAt: bigint } {
  if (state.state === 'unset') throw new TimelockOperationUnknownError('no such operation is scheduled (never scheduled, or cancelled)', { details: id })
  if (state.state === 'done') throw new TimelockAlreadyDoneError('the operation was already executed', { details: id })
  if (state.state === 'pending') {
    throw new TimelockNotReadyError(`the operation is ready in ${state.waitSeconds} s`, { details: id, meta: { readyAt: state.readyAt.toString(), waitSeconds: state.waitSeconds.toString() } })
  }
}
