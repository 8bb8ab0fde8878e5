import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { getAddress, keccak256, toHex, type Address, type Hex } from 'viem'
import { InvalidInputError } from '../../../src/domain/errors.js'
import { applyIdentityBatches, isEntityActive, planIdentitySync, type IdentityEntity } from '../../../src/domain/identity/sync.js'

const addr = (i: number) => getAddress(`0x${(0x1000 + i).toString(16).padStart(40, '0')}`)
const id = (name: string) => keccak256(toHex(name))
const DAY = 86_400n
const entity = (name: string, addresses: Address[], over: Partial<IdentityEntity> = {}): IdentityEntity => ({
  entityId: id(name),
  attestationType: 'KYB',
  level: 2,
  issuedAt: 0n,
  expiresAt: 365n * DAY,
  jurisdiction: 'CH',
  addresses,
  revoked: false,
  ...over,
})

describe('identity sync plan', () => {
  it("an entity's expiry removes every linked address in one plan", () => {
    const acme = entity('acme', [addr(1), addr(2), addr(3)], { expiresAt: 10n * DAY })
    const onChain = applyIdentityBatches(new Map(), planIdentitySync([acme], new Map(), DAY))
    expect([...onChain.keys()].sort()).toEqual([addr(1), addr(2), addr(3)])
    const plan = planIdentitySync([acme], onChain, 10n * DAY)
    expect(plan).toEqual([{ kind: 'remove', accounts: [addr(1), addr(2), addr(3)] }])
    expect(applyIdentityBatches(onChain, plan).size).toBe(0)
  })

  it('revoking an entity removes all its addresses; others stay', () => {
    const acme = entity('acme', [addr(1), addr(2)])
    const beta = entity('beta', [addr(3)])
    const onChain = applyIdentityBatches(new Map(), planIdentitySync([acme, beta], new Map(), DAY))
    const after = applyIdentityBatches(onChain, planIdentitySync([{ ...acme, revoked: true }, beta], onChain, DAY))
    expect([...after.entries()]).toEqual([[addr(3), id('beta')]])
  })

  it('an entity before its issue date admits nothing; batches are bounded', () => {
    expect(isEntityActive(entity('x', [], { issuedAt: 5n }), 4n)).toBe(false)
    const big = entity('big', Array.from({ length: 450 }, (_, i) => addr(i)))
    const plan = planIdentitySync([big], new Map(), DAY)
    expect(plan.map((b) => b.accounts.length)).toEqual([200, 200, 50])
  })

  it('one address cannot be linked to two active entities (refused, nothing planned)', () => {
    expect(() => planIdentitySync([entity('a', [addr(1)]), entity('b', [addr(1)])], new Map(), DAY)).toThrow(InvalidInputError)
  })

  it('property: applying the plan reaches exactly the active addresses, and planning again is empty (level-triggered, converges after any partial apply)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ n: fc.integer({ min: 0, max: 30 }), expiresDay: fc.integer({ min: 0, max: 20 }), revoked: fc.boolean() }), { maxLength: 12 }),
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 0, max: 10 }),
        (specs, day, maxBatch, applied) => {
          let next = 0
          const entities = specs.map((s, i) => entity(`e${i}`, Array.from({ length: s.n }, () => addr(next++)), { expiresAt: BigInt(s.expiresDay) * DAY, revoked: s.revoked }))
          const now = BigInt(day) * DAY
          const start = new Map<Address, Hex>([[addr(999), id('stale')]])
          const plan = planIdentitySync(entities, start, now, maxBatch)
          // A crash after `applied` batches: the next tick plans from what the chain holds.
          const partial = applyIdentityBatches(start, plan.slice(0, applied))
          const final = applyIdentityBatches(partial, planIdentitySync(entities, partial, now, maxBatch))
          const want = new Map(entities.filter((e) => isEntityActive(e, now)).flatMap((e) => e.addresses.map((a) => [a, e.entityId] as const)))
          expect(final).toEqual(want)
          expect(planIdentitySync(entities, final, now, maxBatch)).toEqual([])
          for (const b of plan) expect(b.accounts.length).toBeLessThanOrEqual(maxBatch)
        },
      ),
    )
  })
})
