/**
 * One error base for the whole project (the viem pattern): a short message for people,
 * optional details, an optional cause, and a stable `code` that APIs, CLIs and tests match on.
 * Subclasses only choose a code, a name and an HTTP status; they never change the shape.
 */
export type BaseErrorParameters = {
  details?: string | undefined
  cause?: unknown
  /** Extra structured facts (expected vs current version, field path, …). */
  meta?: Record<string, unknown> | undefined
}

export class BaseError extends Error {
  override name = 'BaseError'
  readonly code: string = 'INTERNAL'
  readonly status: number = 500
  readonly shortMessage: string
  readonly details: string | undefined
  readonly meta: Record<string, unknown> | undefined

  constructor(shortMessage: string, parameters: BaseErrorParameters = {}) {
    const message = parameters.details ? `${shortMessage}\n\nDetails: ${parameters.details}` : shortMessage
    super(message, parameters.cause === undefined ? undefined : { cause: parameters.cause })
    this.shortMessage = shortMessage
    this.details = parameters.details
    this.meta = parameters.meta
  }

  /** problem+json body (RFC 9457) carrying the stable code. */
  toProblem(): Record<string, unknown> {
    return {
      type: `urn:halo:error:${this.code}`,
      title: this.shortMessage,
      status: this.status,
      code: this.code,
      ...(this.details ? { detail: this.details } : {}),
      ...(this.meta ? { meta: this.meta } : {}),
    }
  }
}

/** Input that does not parse or validate. Nothing was changed. */
export class InvalidInputError extends BaseError {
  override name = 'InvalidInputError'
  override readonly code: string = 'INVALID_INPUT'
  override readonly status: number = 400
}

/** The signature does not verify or does not match the claimed signer. */
export class BadSignatureError extends BaseError {
  override name = 'BadSignatureError'
  override readonly code: string = 'BAD_SIGNATURE'
  override readonly status: number = 401
}

/** The signer's role may not perform this operation. */
export class NotPermittedError extends BaseError {
  override name = 'NotPermittedError'
  override readonly code: string = 'NOT_PERMITTED'
  override readonly status: number = 403
}

/** A referenced entity does not exist. */
export class NotFoundError extends BaseError {
  override name = 'NotFoundError'
  override readonly code: string = 'NOT_FOUND'
  override readonly status: number = 404
}

/** A domain precondition (lifecycle gate, attestation gate, …) does not hold. */
export class PreconditionFailedError extends BaseError {
  override name = 'PreconditionFailedError'
  override readonly code: string = 'PRECONDITION_FAILED'
  override readonly status: number = 409
}

/** Optimistic concurrency: the entity moved on since the caller read it. */
export class VersionConflictError extends BaseError {
  override name = 'VersionConflictError'
  override readonly code: string = 'VERSION_CONFLICT'
  override readonly status: number = 409
}

export function isBaseError(error: unknown): error is BaseError {
  return error instanceof BaseError
}
