import { BaseError } from '../domain/errors.js'

/** An idempotency key reused for a different command, payload or signer. */
export class IdempotencyConflictError extends BaseError {
  override name = 'IdempotencyConflictError'
  override readonly code: string = 'IDEMPOTENCY_CONFLICT'
  override readonly status: number = 409
}

/** The store (data directory, backup, log) is unusable: tampered, locked, incompatible. */
export class StoreError extends BaseError {
  override name = 'StoreError'
  override readonly code: string = 'STORE'
  override readonly status: number = 500
}

/** The database server went away or none accepts writes (a failover is under way). Retry the same signed command. */
export class StoreUnavailableError extends BaseError {
  override name = 'StoreUnavailableError'
  override readonly code: string = 'STORE_UNAVAILABLE'
  override readonly status: number = 503
}
