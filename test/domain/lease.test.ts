import { describe, expect, it } from 'vitest'
import { acquireLease, actingDeadlineMs, checkFence, leaseHolderAt, LeaseFencedError, LeaseHeldError, LeaseLostError, LeaseReplayError, releaseLease, renewLease, takeoverBoundMs, type Lease } from '../../src/domain/lease.js'

const t = (s: number) => new Date(Date.UTC(2026, 0, 1) + s * 1000)
const base = { signer: '0xabc', name: 'lpha-nfat:A', ttlMs: 4_000 }

function acquired(holder: string, at: number, lease?: Lease) {
  return acquireLease({ ...base, lease, holder, now: t(at), issuedAt: t(at) })
}

describe('beacon lease rule', () => {
  it('the first acquire is epoch 1 and lapses exactly at now + TTL', () => {
    const { lease, takeover } = acquired('a', 0)
    expect({ epoch: lease.epoch, takeover, expiresAt: lease.expiresAt.toISOString() }).toEqual({ epoch: 1, takeover: false, expiresAt: '2026-01-01T00:00:04.000Z' })
    expect(leaseHolderAt(lease, t(3))).toBe('a')
    expect(leaseHolderAt(lease, t(4))).toBeUndefined()
  })

  it('a standby cannot take a live lease (LEASE_HELD), and takes a lapsed one at epoch + 1 as a takeover', () => {
    const { lease } = acquired('a', 0)
    expect(() => acquired('b', 3, lease)).toThrow(LeaseHeldError)
    const next = acquired('b', 4, lease)
    expect({ holder: next.lease.holder, epoch: next.lease.epoch, takeover: next.takeover, takeovers: next.lease.takeovers }).toEqual({ holder: 'b', epoch: 2, takeover: true, takeovers: 1 })
  })

  it('acquiring again under the same holder id is a new term (epoch + 1), not a takeover: a stale copy with that id is fenced', () => {
    const { lease } = acquired('a', 0)
    const again = acquired('a', 2, lease)
    expect({ epoch: again.lease.epoch, takeover: again.takeover }).toEqual({ epoch: 2, takeover: false })
    expect(() => checkFence({ leases: [again.lease], token: { name: base.name, epoch: 1 }, now: t(3) })).toThrow(LeaseFencedError)
    expect(acquired('a', 7, again.lease)).toMatchObject({ lease: { epoch: 3 }, takeover: false })
  })

  it('renew extends only the live lease of that holder and epoch', () => {
    const { lease } = acquired('a', 0)
    expect(renewLease({ lease, holder: 'a', epoch: 1, ttlMs: 4_000, now: t(3), issuedAt: t(3) }).expiresAt).toEqual(t(7))
    expect(() => renewLease({ lease, holder: 'a', epoch: 1, ttlMs: 4_000, now: t(4), issuedAt: t(4) })).toThrow(LeaseLostError)
    const taken = acquired('b', 5, lease).lease
    expect(() => renewLease({ lease: taken, holder: 'a', epoch: 1, ttlMs: 4_000, now: t(5), issuedAt: t(5) })).toThrow(LeaseLostError)
  })

  it('a replayed request (issued no later than the last applied) is refused', () => {
    const { lease } = acquired('a', 0)
    const renewed = renewLease({ lease, holder: 'a', epoch: 1, ttlMs: 4_000, now: t(2), issuedAt: t(2) })
    expect(() => renewLease({ lease: renewed, holder: 'a', epoch: 1, ttlMs: 4_000, now: t(3), issuedAt: t(2) })).toThrow(LeaseReplayError)
    // per holder: another host whose clock is behind still takes a lapsed lease
    expect(acquireLease({ ...base, lease: renewed, holder: 'b', now: t(7), issuedAt: t(1) }).lease).toMatchObject({ holder: 'b', epoch: 2 })
  })

  it('release lapses the lease at once, so a standby takes over without waiting out the TTL', () => {
    const { lease } = acquired('a', 0)
    const released = releaseLease({ lease, holder: 'a', epoch: 1, now: t(1), issuedAt: t(1) })
    expect(acquired('b', 1.5, released).lease).toMatchObject({ holder: 'b', epoch: 2 })
  })

  it('fence: a deposed epoch is refused, the current one passes, a token-less write is refused while a lease is live', () => {
    const first = acquired('a', 0).lease
    const second = acquired('b', 5, first).lease
    expect(() => checkFence({ leases: [second], token: { name: base.name, epoch: 1 }, now: t(6) })).toThrow(LeaseFencedError)
    expect(() => checkFence({ leases: [second], token: { name: base.name, epoch: 2 }, now: t(6) })).not.toThrow()
    expect(() => checkFence({ leases: [second], token: undefined, now: t(6) })).toThrow(LeaseFencedError)
    expect(() => checkFence({ leases: [second], token: { name: 'other', epoch: 2 }, now: t(6) })).toThrow(LeaseFencedError)
    // lapsed: even the last epoch is refused (a standby may take it at any moment); a lease-less write is not lease-bound any more
    expect(() => checkFence({ leases: [second], token: { name: base.name, epoch: 2 }, now: t(9) })).toThrow(LeaseFencedError)
    expect(() => checkFence({ leases: [second], token: undefined, now: t(9) })).not.toThrow()
    expect(() => checkFence({ leases: [], token: undefined, now: t(9) })).not.toThrow()
  })

  it('TTL is bounded and the renew deadline must be below it', () => {
    expect(() => acquireLease({ ...base, ttlMs: 100, lease: undefined, holder: 'a', now: t(0), issuedAt: t(0) })).toThrow(LeaseLostError)
    expect(actingDeadlineMs({ sentAtMs: 1_000, renewDeadlineMs: 2_500, ttlMs: 4_000 })).toBe(3_500)
    expect(() => actingDeadlineMs({ sentAtMs: 0, renewDeadlineMs: 4_000, ttlMs: 4_000 })).toThrow(LeaseLostError)
    expect(takeoverBoundMs({ ttlMs: 4_000, retryIntervalMs: 500 })).toBe(4_500)
  })
})
