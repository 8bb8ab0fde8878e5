import { BaseError } from './errors.js'

/**
 * How far a signed command's `issuedAt` may lie from the Synome clock when it is first applied.
 * On top of idempotency: a signed command someone kept (a leaked log, a captured request) cannot
 * be applied long after it was signed, and a command stamped far ahead (a wrong clock) cannot
 * wait to become fresh. A replay of an already applied key is answered before this check (the
 * first result again, however old), so a beacon retrying after a crash never turns into a refusal.
 */
export type FreshnessWindow = {
  /** issuedAt may be at most this many seconds before the Synome clock. */
  maxAgeSeconds: number
  /** issuedAt may be at most this many seconds after the Synome clock (clock skew). */
  maxLeadSeconds: number
}

export const DEFAULT_FRESHNESS_WINDOW: FreshnessWindow = { maxAgeSeconds: 600, maxLeadSeconds: 60 }

/** Signed longer ago than the window allows: sign it again. Nothing was changed. */
export class CommandStaleError extends BaseError {
  override name = 'CommandStaleError'
  override readonly code: string = 'COMMAND_STALE'
  override readonly status: number = 400
}

/** Signed further ahead of the Synome clock than skew explains. Nothing was changed. */
export class CommandFromFutureError extends BaseError {
  override name = 'CommandFromFutureError'
  override readonly code: string = 'COMMAND_FROM_FUTURE'
  override readonly status: number = 400
}

/** The gate: throws when `issuedAt` is outside [now − maxAge, now + maxLead] (both ends allowed). */
export function checkCommandFreshness({ issuedAt, now, window }: { issuedAt: Date; now: Date; window: FreshnessWindow }): void {
  const aheadMs = issuedAt.getTime() - now.getTime()
  const meta = { issuedAt: issuedAt.toISOString(), now: now.toISOString(), maxAgeSeconds: window.maxAgeSeconds, maxLeadSeconds: window.maxLeadSeconds }
  if (-aheadMs > window.maxAgeSeconds * 1000) {
    throw new CommandStaleError(`command issued ${Math.floor(-aheadMs / 1000)} s before the Synome clock; at most ${window.maxAgeSeconds} s is accepted`, { meta })
  }
  if (aheadMs > window.maxLeadSeconds * 1000) {
    throw new CommandFromFutureError(`command issued ${Math.ceil(aheadMs / 1000)} s after the Synome clock; at most ${window.maxLeadSeconds} s is accepted`, { meta })
  }
}
