import { describe, expect, it } from 'vitest'
import { parseUnits } from 'viem'
import {
  claim,
  deposit,
  emptyQueue,
  exit,
  GenerationLockedError,
  lock,
  NoPositionError,
  NotLockedError,
  PositionFinalizedError,
  previewPosition,
  previewSettle,
  queueStatus,
  RAY,
  settle,
  ZeroSharesError,
  type QueueState,
} from '../../../src/domain/lcts/queue.js'

const t = (amount: string) => parseUnits(amount, 18)
const alice = '0x00000000000000000000000000000000000000a1'
const bob = '0x00000000000000000000000000000000000000b2'
const carol = '0x00000000000000000000000000000000000000c3'
/** 1,000 sUSDS → 980 srUSDS (lcts.md story 1). */
const at98 = (amount: bigint) => (amount * 98n) / 100n
const oneToOne = (amount: bigint) => amount

function lockAndSettle(state: QueueState, capacity: bigint, rewardFor = oneToOne) {
  return settle(lock(state), capacity, rewardFor)
}

describe('LCTS queue model: the seven user stories of lcts.md', () => {
  it('story 1: subscribe 1,000, settle 1,000 → 980 srUSDS, rewardPerToken 0.98, FINALIZED, DORMANT, user settles 980', () => {
    let s = deposit(emptyQueue(), alice, t('1000'))
    expect(s.shares).toBe(t('1000'))
    const settled = lockAndSettle(s.state, t('1000'), at98)
    expect(settled.reward).toBe(t('980'))
    expect(queueStatus(settled.state)).toBe('DORMANT')
    expect(settled.state.finalized.get(1n)).toBe((98n * RAY) / 100n) // 0.98 at RAY precision
    const claimed = claim(settled.state, alice)
    expect(claimed.reward).toBe(t('980'))
    expect(claimed.state.positions.size).toBe(0)
    expect(claimed.state.rewardBalance).toBe(0n)
  })

  it('story 2: 10,000 subscribed; capacity 2,000 then 3,000, claims between; drains to FINALIZED', () => {
    let s = deposit(emptyQueue(), alice, t('10000')).state
    s = lockAndSettle(s, t('2000')).state
    expect(s.current?.totalUnderlying).toBe(t('8000'))
    expect(s.current?.status).toBe('ACTIVE')
    let c = claim(s, alice)
    expect(c.reward).toBe(t('2000'))
    s = lockAndSettle(c.state, t('3000')).state
    expect(s.current?.totalUnderlying).toBe(t('5000'))
    c = claim(s, alice)
    expect(c.reward).toBe(t('3000'))
    s = lockAndSettle(c.state, t('5000')).state
    expect(queueStatus(s)).toBe('DORMANT')
    expect(claim(s, alice).reward).toBe(t('5000'))
  })

  it('story 3: a subscribe during the lock reverts with GenerationLocked and succeeds after unlock', () => {
    const locked = lock(deposit(emptyQueue(), alice, t('1000')).state)
    expect(() => deposit(locked, bob, t('500'))).toThrow(GenerationLockedError)
    const unlocked = settle(locked, 0n, oneToOne).state
    expect(deposit(unlocked, bob, t('500')).shares).toBe(t('500'))
  })

  it('story 4: subscribe 5,000, partial settlement of 2,000, claim-and-exit returns the rewards and the 3,000 left', () => {
    let s = deposit(emptyQueue(), alice, t('5000')).state
    s = lockAndSettle(s, t('2000'), at98).state
    const out = exit(s, alice)
    expect(out.reward).toBe(t('1960'))
    expect(out.underlying).toBe(t('3000'))
    expect(queueStatus(out.state)).toBe('DORMANT')
  })

  it('story 5: a drained queue is DORMANT, the next subscriber opens a new generation', () => {
    let s = lockAndSettle(deposit(emptyQueue(), alice, t('100')).state, t('100')).state
    expect(queueStatus(s)).toBe('DORMANT')
    s = deposit(s, bob, t('50')).state
    expect(queueStatus(s)).toBe('ACTIVE')
    expect(s.current?.id).toBe(2n)
    expect(s.current?.totalShares).toBe(t('50'))
  })

  it('story 6: $100,000 over three days: 20,000, 25,000, 55,000 → FINALIZED', () => {
    let s = deposit(emptyQueue(), alice, t('100000')).state
    s = lockAndSettle(s, t('20000')).state
    expect(s.current?.totalUnderlying).toBe(t('80000'))
    s = lockAndSettle(s, t('25000')).state
    expect(s.current?.totalUnderlying).toBe(t('55000'))
    expect(() => deposit(lock(s), bob, t('1'))).toThrow(GenerationLockedError) // LOCKED in the window
    s = lockAndSettle(s, t('55000')).state
    expect(queueStatus(s)).toBe('DORMANT')
    expect(claim(s, alice).reward).toBe(t('100000'))
  })

  it('story 7: redeem 1,000 srUSDS; day 1 500 → 510 sUSDS, claimed while ACTIVE; day 2 the rest; settle finalized', () => {
    const at102 = (amount: bigint) => (amount * 102n) / 100n
    let s = deposit(emptyQueue(), alice, t('1000')).state
    s = lockAndSettle(s, t('500'), at102).state
    expect(s.current?.totalUnderlying).toBe(t('500'))
    const c = claim(s, alice)
    expect(c.reward).toBe(t('510'))
    s = lockAndSettle(c.state, t('500'), at102).state
    expect(queueStatus(s)).toBe('DORMANT')
    expect(claim(s, alice).reward).toBe(t('510'))
  })
})

describe('LCTS queue model: edge cases of lcts.md', () => {
  it('a dormant queue: the first entry creates an ACTIVE generation with 1:1 shares', () => {
    const s = deposit(emptyQueue(), alice, t('7'))
    expect(queueStatus(emptyQueue())).toBe('DORMANT')
    expect(queueStatus(s.state)).toBe('ACTIVE')
    expect(s.shares).toBe(t('7'))
  })

  it('zero capacity epoch: nothing converts, rewardPerToken unchanged, the generation unlocks', () => {
    const s = deposit(emptyQueue(), alice, t('1000')).state
    const settled = lockAndSettle(s, 0n)
    expect(settled.reward).toBe(0n)
    expect(settled.state.current).toEqual({ ...s.current, status: 'ACTIVE' })
  })

  it('the last user exits: totals go to zero and the queue is DORMANT', () => {
    let s = deposit(emptyQueue(), alice, t('10')).state
    s = deposit(s, bob, t('30')).state
    s = exit(s, alice).state
    const out = exit(s, bob)
    expect(out.underlying).toBe(t('30'))
    expect(queueStatus(out.state)).toBe('DORMANT')
    expect(out.state.underlyingBalance).toBe(0n)
  })

  it('a user cannot exit or claim during the lock (GenerationLocked)', () => {
    const locked = lock(deposit(emptyQueue(), alice, t('10')).state)
    expect(() => exit(locked, alice)).toThrow(GenerationLockedError)
    expect(() => claim(locked, alice)).toThrow(GenerationLockedError)
  })

  it('multiple locked generations are impossible: lock is a no-op when locked or dormant', () => {
    const locked = lock(deposit(emptyQueue(), alice, t('10')).state)
    expect(lock(locked)).toBe(locked)
    expect(lock(emptyQueue())).toEqual(emptyQueue())
    expect(() => settle(emptyQueue(), 1n, oneToOne)).toThrow(NotLockedError)
    expect(() => settle(deposit(emptyQueue(), alice, 1n).state, 1n, oneToOne)).toThrow(NotLockedError)
  })

  it('a finalized generation can be settled during the next generation’s lock', () => {
    let s = lockAndSettle(deposit(emptyQueue(), alice, t('100')).state, t('100')).state
    s = lock(deposit(s, bob, t('5')).state)
    expect(claim(s, alice).reward).toBe(t('100'))
  })

  it('subscribing again with a finalized position settles it first; into the same generation pays pending first', () => {
    let s = lockAndSettle(deposit(emptyQueue(), alice, t('100')).state, t('100')).state
    const again = deposit(s, alice, t('40'))
    expect(again.reward).toBe(t('100'))
    expect(again.state.positions.get(alice)).toEqual({ generationId: 2n, shares: t('40'), rewardDebtRay: 0n })
    s = lockAndSettle(again.state, t('10')).state
    const topUp = deposit(s, alice, t('10'))
    expect(topUp.reward).toBe(t('10'))
    expect(previewPosition(topUp.state, alice).pendingReward).toBe(0n)
  })

  it('a late subscriber earns nothing from earlier settlements (rewardDebt)', () => {
    let s = deposit(emptyQueue(), alice, t('100')).state
    s = lockAndSettle(s, t('50')).state // alice has 50 reward, 50 left
    const b = deposit(s, bob, t('50'))
    expect(b.shares).toBe(t('100')) // 50 × 100 shares ÷ 50 underlying
    expect(previewPosition(b.state, bob).pendingReward).toBe(0n)
    s = lockAndSettle(b.state, t('100')).state
    expect(claim(s, alice).reward).toBe(t('100')) // 50 + half of 100
    expect(claim(s, bob).reward).toBe(t('50'))
  })

  it('exit of a finalized position is refused (claim it); positions without shares are refused', () => {
    const s = lockAndSettle(deposit(emptyQueue(), alice, t('1')).state, t('1')).state
    expect(() => exit(s, alice)).toThrow(PositionFinalizedError)
    expect(() => claim(s, bob)).toThrow(NoPositionError)
    expect(() => exit(s, bob)).toThrow(NoPositionError)
  })

  it('rounding is against the user: three equal holders, 100 wei of reward → 33 each, 1 wei stays as dust', () => {
    let s = deposit(emptyQueue(), alice, 1n).state
    s = deposit(s, bob, 1n).state
    s = deposit(s, carol, 1n).state
    s = lockAndSettle(s, 3n, () => 100n).state
    let paid = 0n
    for (const user of [alice, bob, carol]) {
      const c = claim(s, user)
      paid += c.reward
      s = c.state
    }
    expect(paid).toBe(99n)
    expect(s.rewardBalance).toBe(1n)
  })

  it('rounding favours stayers: an exit gets floor(shares × underlying ÷ totalShares)', () => {
    let s = deposit(emptyQueue(), alice, 10n).state
    s = deposit(s, bob, 10n).state
    s = lockAndSettle(s, 7n).state // 13 underlying left for 20 shares
    const out = exit(s, alice)
    expect(out.underlying).toBe(6n) // floor(10 × 13 ÷ 20) = 6, the 0.5 stays with bob
    expect(exit(out.state, bob).underlying).toBe(7n)
  })

  it('an amount that buys no shares is refused (ZeroShares) and changes nothing', () => {
    let s = deposit(emptyQueue(), alice, 1000n).state
    s = lockAndSettle(s, 0n).state
    // make shares expensive: 1000 shares for 1 underlying is impossible to reach by rounding, so build it
    const pricey: QueueState = { ...s, current: { ...s.current!, totalShares: 1n, totalUnderlying: 1000n } }
    expect(() => deposit(pricey, bob, 999n)).toThrow(ZeroSharesError)
  })

  it('dust threshold: a remainder below it converts with the rest and the generation finalizes', () => {
    let s = deposit(emptyQueue(t('0.01')), alice, t('100')).state
    const preview = previewSettle(lock(s), t('99.995'))
    expect(preview).toEqual({ generationId: 1n, convertAmount: t('100'), remainingUnderlying: 0n, finalizes: true })
    s = lockAndSettle(s, t('99.995')).state
    expect(queueStatus(s)).toBe('DORMANT')
    // at or above the threshold it lives on
    const kept = lockAndSettle(deposit(emptyQueue(t('0.01')), alice, t('100')).state, t('99.99')).state
    expect(kept.current?.totalUnderlying).toBe(t('0.01'))
    // capacity 0 never converts dust
    expect(previewSettle(deposit(emptyQueue(t('0.01')), alice, t('0.001')).state, 0n).convertAmount).toBe(0n)
  })

  it('an exit never leaves the stayers without underlying: 1 underlying, 3 shares, the 1-share exit gets 0', () => {
    let s = deposit(emptyQueue(), alice, 2n).state
    s = deposit(s, bob, 1n).state
    s = lockAndSettle(s, 2n).state // 1 underlying, 3 shares
    const out = exit(s, bob) // floor(1 × 1 ÷ 3) = 0
    expect(out.underlying).toBe(0n)
    expect(out.state.current?.totalUnderlying).toBe(1n)
    expect(exit(out.state, alice).underlying).toBe(1n)
  })
})
