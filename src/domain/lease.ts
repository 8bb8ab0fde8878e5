import { BaseError } from './errors.js'

/**
 * Beacon leases: which instance of a beacon acts. A lease is one row per (signer, name) in the
 * Synome's database; `epoch` is its fencing token and only ever grows — every time the lease
 * changes hands (or is taken again after it lapsed) it is one higher. The holder renews before
 * `expiresAt`; once that has passed, any instance may take it (epoch + 1) and from then on the
 * old epoch is refused by `checkFence` on every write.
 *
 * Pure rules, `now` passed in: the store (src/synome/leases.ts) loads the row under a row lock,
 * calls these, and writes back what they return.
 */
export type Lease = {
  /** The beacon's signer (lowercase): a lease is in its signer's namespace, nobody else can squat it. */
  signer: string
  name: string
  /** The instance acting now (or last), e.g. `host:pid:random`. */
  holder: string
  epoch: number
  acquiredAt: Date
  renewedAt: Date
  expiresAt: Date
  /** How often the lease changed hands after it lapsed (a standby took it). */
  takeovers: number
  /** issuedAt of the holder's last request applied: its older or equal requests are replays (per holder: hosts' clocks differ). */
  lastRequestAt: Date
}

export type LeaseToken = { name: string; epoch: number }

/** Bounds on the TTL a holder may ask for (bounded like every other wait). */
export const MIN_LEASE_TTL_MS = 500
export const MAX_LEASE_TTL_MS = 600_000

/** Another instance holds the lease and it has not lapsed. Nothing was changed. */
export class LeaseHeldError extends BaseError {
  override name = 'LeaseHeldError'
  override readonly code: string = 'LEASE_HELD'
  override readonly status: number = 409
}

/** The caller's epoch is not the lease's current one (it lapsed or someone took over). Stop acting. */
export class LeaseLostError extends BaseError {
  override name = 'LeaseLostError'
  override readonly code: string = 'LEASE_LOST'
  override readonly status: number = 409
}

/** A write from a deposed (or lease-less) instance of a lease-bound signer. Nothing was changed. */
export class LeaseFencedError extends BaseError {
  override name = 'LeaseFencedError'
  override readonly code: string = 'LEASE_FENCED'
  override readonly status: number = 409
}

/** A lease request signed no later than the last one applied: a replay. Nothing was changed. */
export class LeaseReplayError extends BaseError {
  override name = 'LeaseReplayError'
  override readonly code: string = 'LEASE_REPLAY'
  override readonly status: number = 409
}

/** The holder at `now`, or undefined when there is no lease or it lapsed (`expiresAt` itself is lapsed). */
export function leaseHolderAt(lease: Lease | undefined, now: Date): string | undefined {
  return lease && now.getTime() < lease.expiresAt.getTime() ? lease.holder : undefined
}

function checkRequestOrder(lease: Lease | undefined, holder: string, issuedAt: Date): void {
  if (lease && lease.holder === holder && issuedAt.getTime() <= lease.lastRequestAt.getTime()) {
    throw new LeaseReplayError('lease request is not newer than the last one applied', { meta: { issuedAt: issuedAt.toISOString(), last: lease.lastRequestAt.toISOString() } })
  }
}

function checkTtl(ttlMs: number): void {
  if (!Number.isInteger(ttlMs) || ttlMs < MIN_LEASE_TTL_MS || ttlMs > MAX_LEASE_TTL_MS) throw new LeaseLostError(`lease TTL must be an integer between ${MIN_LEASE_TTL_MS} and ${MAX_LEASE_TTL_MS} ms`, { meta: { ttlMs } })
}

export type AcquireLeaseParameters = { lease: Lease | undefined; signer: string; name: string; holder: string; ttlMs: number; now: Date; issuedAt: Date }

/**
 * Take the lease: free, lapsed, or live but already `holder`'s → a new epoch for `holder` (an
 * instance restarted under the same holder id starts a new term, so a stale copy of it still
 * holding the old epoch is fenced); another's and live → LeaseHeldError.
 */
export function acquireLease(p: AcquireLeaseParameters): { lease: Lease; takeover: boolean } {
  checkTtl(p.ttlMs)
  checkRequestOrder(p.lease, p.holder, p.issuedAt)
  const expiresAt = new Date(p.now.getTime() + p.ttlMs)
  const holder = leaseHolderAt(p.lease, p.now)
  if (p.lease && holder !== undefined && holder !== p.holder) {
    throw new LeaseHeldError(`lease ${p.name} is held by ${holder} until ${p.lease.expiresAt.toISOString()}`, { meta: { name: p.name, holder, epoch: p.lease.epoch, expiresAt: p.lease.expiresAt.toISOString() } })
  }
  // A lapsed lease taken by a different instance is a takeover; the first acquire or the same instance coming back is not.
  const takeover = p.lease !== undefined && p.lease.holder !== p.holder
  return {
    lease: { signer: p.signer, name: p.name, holder: p.holder, epoch: (p.lease?.epoch ?? 0) + 1, acquiredAt: p.now, renewedAt: p.now, expiresAt, takeovers: (p.lease?.takeovers ?? 0) + (takeover ? 1 : 0), lastRequestAt: p.issuedAt },
    takeover,
  }
}

export type RenewLeaseParameters = { lease: Lease | undefined; holder: string; epoch: number; ttlMs: number; now: Date; issuedAt: Date }

/** Extend the caller's lease; LeaseLostError when it is not the live lease of that holder and epoch. */
export function renewLease(p: RenewLeaseParameters): Lease {
  checkTtl(p.ttlMs)
  const lease = currentLease(p.lease, { holder: p.holder, epoch: p.epoch }, p.now)
  checkRequestOrder(lease, p.holder, p.issuedAt)
  return { ...lease, renewedAt: p.now, expiresAt: new Date(p.now.getTime() + p.ttlMs), lastRequestAt: p.issuedAt }
}

/** Give the lease up now (a clean shutdown): it lapses at once, so a standby takes over without waiting out the TTL. */
export function releaseLease(p: Omit<RenewLeaseParameters, 'ttlMs'>): Lease {
  const lease = currentLease(p.lease, { holder: p.holder, epoch: p.epoch }, p.now)
  checkRequestOrder(lease, p.holder, p.issuedAt)
  return { ...lease, expiresAt: p.now, lastRequestAt: p.issuedAt }
}

function currentLease(lease: Lease | undefined, caller: { holder: string; epoch: number }, now: Date): Lease {
  if (!lease || lease.epoch !== caller.epoch || lease.holder !== caller.holder || leaseHolderAt(lease, now) === undefined) {
    throw new LeaseLostError(lease ? `lease ${lease.name} epoch ${caller.epoch} is not live (current epoch ${lease.epoch}, ${leaseHolderAt(lease, now) ? `held by ${lease.holder}` : 'lapsed'})` : 'no such lease', {
      meta: { epoch: caller.epoch, current: lease?.epoch, holder: lease?.holder },
    })
  }
  return lease
}

/**
 * The fencing gate, applied to every write of a signer (commands and journal appends):
 *  - a write carrying a token must name a lease of this signer at exactly that epoch, live at `now`;
 *  - a write without a token is refused while any lease of this signer is live (a second copy
 *    started without HA, or a tool using the beacon key, cannot write behind the leader's back);
 *  - a signer that never took a lease (or whose leases all lapsed) is not lease-bound.
 */
export function checkFence({ leases, token, now }: { leases: readonly Lease[]; token: LeaseToken | undefined; now: Date }): void {
  if (token) {
    const lease = leases.find((l) => l.name === token.name)
    if (!lease || lease.epoch !== token.epoch || leaseHolderAt(lease, now) === undefined) {
      throw new LeaseFencedError(`lease ${token.name} epoch ${token.epoch} is not current${lease ? ` (epoch ${lease.epoch}, ${leaseHolderAt(lease, now) ? 'live' : 'lapsed'})` : ''}`, {
        meta: { name: token.name, epoch: token.epoch, current: lease?.epoch },
      })
    }
    return
  }
  const live = leases.find((l) => leaseHolderAt(l, now) !== undefined)
  if (live) throw new LeaseFencedError(`signer ${live.signer} is lease-bound: lease ${live.name} is held by ${live.holder}; a write must carry its token`, { meta: { name: live.name, epoch: live.epoch } })
}

/**
 * The holder's side: how long it may act after a renew it *sent* at `sentAtMs` (its own
 * monotonic clock) succeeded. The Synome set `expiresAt` = its clock at processing + TTL, which
 * is no earlier than the send, so stopping at `sentAtMs + renewDeadlineMs` (< TTL) stops before
 * any standby can take the lease — with `ttlMs − renewDeadlineMs` of margin for clock-rate drift.
 */
export function actingDeadlineMs({ sentAtMs, renewDeadlineMs, ttlMs }: { sentAtMs: number; renewDeadlineMs: number; ttlMs: number }): number {
  if (!(renewDeadlineMs > 0 && renewDeadlineMs < ttlMs)) throw new LeaseLostError('the renew deadline must be positive and below the TTL', { meta: { renewDeadlineMs, ttlMs } })
  return sentAtMs + renewDeadlineMs
}

/** Worst-case time from a leader's death to a standby acting: the TTL plus one standby poll. */
export function takeoverBoundMs({ ttlMs, retryIntervalMs }: { ttlMs: number; retryIntervalMs: number }): number {
  return ttlMs + retryIntervalMs
}
