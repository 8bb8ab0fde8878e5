import { describe, expect, it } from 'vitest'
import { decideSettlement, nextCycleAction, type CycleObservation, type QueueObservation } from '../../../src/beacons/lcts/policy.js'
import { DEFAULT_SCHEDULE } from '../../../src/domain/lcts/cycle.js'
import { WAD } from '../../../src/domain/money.js'

const q = (status: QueueObservation['status'], totalUnderlying = 0n): QueueObservation => ({ status, generationId: status === 'DORMANT' ? 0n : 1n, totalShares: totalUnderlying, totalUnderlying })
const obs = (iso: string, over: Partial<CycleObservation> = {}): CycleObservation => ({
  now: new Date(iso),
  schedule: { ...DEFAULT_SCHEDULE, skipWeekdaysUtc: [0, 6] },
  queues: { subscribe: q('ACTIVE', 10n), redeem: q('DORMANT') },
  openEpoch: undefined,
  lockEpoch: undefined,
  recordedToday: false,
  ...over,
})

describe('lpha-lcts policy: the daily cycle on chain time', () => {
  it('waits before 13:00, locks the ACTIVE queues from 13:00, never on a skipped day or after the window', () => {
    expect(nextCycleAction(obs('2026-12-07T12:59:59Z')).kind).toBe('wait')
    expect(nextCycleAction(obs('2026-12-07T13:00:00Z'))).toEqual({ kind: 'lock', epoch: '2026-12-07', sides: ['subscribe'] })
    expect(nextCycleAction(obs('2026-12-05T13:00:00Z'))).toMatchObject({ kind: 'wait', reason: expect.stringContaining('skipped') })
    expect(nextCycleAction(obs('2026-12-07T16:00:00Z'))).toMatchObject({ kind: 'wait', reason: expect.stringContaining('passed') })
  })

  it('nothing to lock → no transaction; an epoch already recorded is not locked again', () => {
    expect(nextCycleAction(obs('2026-12-07T13:30:00Z', { queues: { subscribe: q('DORMANT'), redeem: q('DORMANT') } }))).toMatchObject({ kind: 'wait', reason: expect.stringContaining('nothing to lock') })
    expect(nextCycleAction(obs('2026-12-07T13:30:00Z', { recordedToday: true })).kind).toBe('wait')
  })

  it('locked without a decision: finish the locks in the window, then decide for the lock’s epoch (also after a late restart)', () => {
    expect(nextCycleAction(obs('2026-12-07T13:01:00Z', { queues: { subscribe: q('LOCKED', 10n), redeem: q('ACTIVE', 5n) }, lockEpoch: '2026-12-07' }))).toEqual({ kind: 'lock', epoch: '2026-12-07', sides: ['redeem'] })
    expect(nextCycleAction(obs('2026-12-07T13:01:00Z', { queues: { subscribe: q('LOCKED', 10n), redeem: q('DORMANT') }, lockEpoch: '2026-12-07' }))).toEqual({ kind: 'decide', epoch: '2026-12-07' })
    expect(nextCycleAction(obs('2026-12-08T09:00:00Z', { queues: { subscribe: q('LOCKED', 10n), redeem: q('ACTIVE') }, lockEpoch: '2026-12-07' }))).toEqual({ kind: 'decide', epoch: '2026-12-07' })
  })

  it('a decided epoch settles at 16:00, not before; a restart after 16:00 still settles it', () => {
    const locked = { queues: { subscribe: q('LOCKED', 10n), redeem: q('DORMANT') }, openEpoch: '2026-12-07', lockEpoch: '2026-12-07' }
    expect(nextCycleAction(obs('2026-12-07T15:59:59Z', locked)).kind).toBe('wait')
    expect(nextCycleAction(obs('2026-12-07T16:00:00Z', locked))).toEqual({ kind: 'settle', epoch: '2026-12-07' })
    expect(nextCycleAction(obs('2026-12-09T02:00:00Z', locked))).toEqual({ kind: 'settle', epoch: '2026-12-07' })
  })

  it('the decision: the netting example at rate 1 with no inputs published and none before → net-flow-only', () => {
    const M = 10n ** 24n
    const d = decideSettlement({
      epoch: '2026-12-07', now: new Date('2026-12-07T13:00:05Z'),
      queues: { subscribe: q('LOCKED', 100n * M), redeem: q('LOCKED', 30n * M) },
      tokenSupply: 500n * M, exchangeRateWad: WAD, inputs: null, previous: null,
    })
    expect(d.fallback).toBe('net-flow-only')
    expect(d.capacity.subscribeCapacity).toBe(30n * M)
    expect(d.capacity.redeemCapacity).toBe(30n * M)
    expect(d.exchangeRateWad).toBe(WAD)
  })
})
