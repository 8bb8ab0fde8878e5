/**
 * Property run: random deposits, withdrawals, claims, fundings, transfers, redemptions and
 * pauses across three Primes, checked against a plain model after every step.
 *
 * Invariants after every step:
 * - facility USDS ≥ queued + funded-but-unredeemed (and equals it: nothing else is held)
 * - USDS is conserved exactly: queue + ALMProxy + holders = everything minted into the system
 * - a queue withdrawal works even while the facility is paused
 * - only the NFAT's holder can redeem it; a holder never receives more than was funded
 * - a transfer never moves funds
 */
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Address } from 'viem'
import type { HDAccount } from 'viem/accounts'
import { useDevnet, type Devnet } from '../../fixtures/devnet.js'
import { M, createWorld, type World } from './facility.js'

let devnet: Devnet
let world: World
let primes: HDAccount[]

beforeAll(async () => {
  devnet = await useDevnet()
  world = await createWorld(devnet)
  primes = [world.people.spark, world.people.grove, world.people.keel]
})

type Unit = { holder: HDAccount; principal: bigint; funded: bigint; fundedPrincipal: bigint }
type Model = {
  queued: Map<Address, bigint>
  units: Map<bigint, Unit>
  nextTokenId: bigint
  minted: bigint
  /** Per token: USDS funded in total and USDS paid to holders in total. */
  fundedTotal: Map<bigint, bigint>
  paidTotal: Map<bigint, bigint>
}

const action = fc.record({
  // Repeats weight the draw towards the flows that build state (deposit, claim, fund, redeem).
  kind: fc.constantFrom(
    ...(['deposit', 'deposit', 'deposit', 'claim', 'claim', 'claim', 'fund', 'fund', 'fund', 'redeem', 'redeem', 'redeem'] as const),
    ...(['transfer', 'transfer', 'withdraw', 'overClaim', 'overFund', 'strangerRedeem', 'pause'] as const),
  ),
  actor: fc.nat({ max: 2 }),
  other: fc.nat({ max: 2 }),
  pick: fc.nat({ max: 1_000 }),
  amount: fc.bigInt({ min: 1n, max: M('50') }),
  ratio: fc.bigInt({ min: 0n, max: 120n }),
  penalty: fc.bigInt({ min: 0n, max: M('0.1') }),
})
type Action = typeof action extends fc.Arbitrary<infer T> ? T : never

const total = (m: Map<unknown, bigint>) => [...m.values()].reduce((a, b) => a + b, 0n)

async function step(model: Model, a: Action): Promise<void> {
  const prime = primes[a.actor]!
  const live = [...model.units.keys()]
  // Redeems mostly pick a funded unit (an unfunded pick exercises NotFunded).
  const funded = live.filter((id) => model.units.get(id)!.funded > 0n)
  const pool = a.kind === 'redeem' && funded.length > 0 && a.pick % 4 !== 0 ? funded : live
  const tokenId = pool.length ? pool[a.pick % pool.length]! : undefined
  const unit = tokenId === undefined ? undefined : model.units.get(tokenId)!
  const queued = model.queued.get(prime.address) ?? 0n

  switch (a.kind) {
    case 'pause': {
      // The freezer pauses: new capital stops, exits keep working, then the Halo unpauses.
      await world.pause()
      await expect(world.claim(prime, 1n)).rejects.toThrow(/EnforcedPause/)
      await expect(world.deposit(prime, 1n)).rejects.toThrow(/EnforcedPause/)
      model.minted += 1n // deposit() minted the Prime its USDS before the refused deposit
      if (queued > 0n) await step(model, { ...a, kind: 'withdraw' })
      if (funded.length > 0) await step(model, { ...a, kind: 'redeem', pick: live.indexOf(funded[0]!) })
      await world.asAdmin.unpause()
      return
    }
    case 'deposit':
      await world.deposit(prime, a.amount)
      model.minted += a.amount
      model.queued.set(prime.address, queued + a.amount)
      return
    case 'withdraw': {
      if (queued === 0n) return void (await expect(world.withdraw(prime)).rejects.toThrow(/NothingQueued/))
      const before = await world.balance(prime.address)
      await world.withdraw(prime) // also called while paused: a queue is never locked
      expect((await world.balance(prime.address)) - before).toBe(queued)
      model.queued.set(prime.address, 0n)
      return
    }
    case 'claim': {
      // lpha-nfat claims from any Prime that has something queued.
      const depositors = primes.filter((p) => (model.queued.get(p.address) ?? 0n) > 0n)
      if (depositors.length === 0) return
      const depositor = depositors[a.pick % depositors.length]!
      const available = model.queued.get(depositor.address)!
      const amount = (a.amount % available) + 1n
      expect(await world.claim(depositor, amount)).toBe(model.nextTokenId)
      model.units.set(model.nextTokenId, { holder: depositor, principal: amount, funded: 0n, fundedPrincipal: 0n })
      model.nextTokenId += 1n
      model.queued.set(depositor.address, available - amount)
      return
    }
    case 'overClaim':
      return void (await expect(world.claim(prime, queued + a.amount)).rejects.toThrow(/InsufficientQueuedBalance/))
    case 'fund': {
      if (!unit || tokenId === undefined) return
      const outstanding = unit.principal - unit.fundedPrincipal
      const principalPaid = (outstanding * BigInt(a.pick % 101)) / 100n
      const amount = (unit.principal * a.ratio) / 100n // 0%..120% of principal: losses, yield
      if (amount + a.penalty === 0n) return
      await world.mint(world.almProxy, amount + a.penalty) // returns arrive from outside
      model.minted += amount + a.penalty
      await world.fund(tokenId, amount, principalPaid, a.penalty)
      unit.funded += amount + a.penalty
      unit.fundedPrincipal += principalPaid
      model.fundedTotal.set(tokenId, (model.fundedTotal.get(tokenId) ?? 0n) + amount + a.penalty)
      return
    }
    case 'overFund': {
      if (!unit || tokenId === undefined) return
      const outstanding = unit.principal - unit.fundedPrincipal
      await world.mint(world.almProxy, a.amount)
      model.minted += a.amount
      return void (await expect(world.fund(tokenId, a.amount, outstanding + 1n)).rejects.toThrow(/PrincipalOverpaid/))
    }
    case 'transfer': {
      if (!unit || tokenId === undefined) return
      const to = primes[a.other]!
      const balancesBefore = await usdsBalances()
      await world.transfer(unit.holder, to.address, tokenId)
      expect(await usdsBalances()).toEqual(balancesBefore) // a transfer never moves funds
      unit.holder = to
      return
    }
    case 'strangerRedeem': {
      if (!unit || tokenId === undefined) return
      const stranger = primes.find((p) => p.address !== unit.holder.address)!
      return void (await expect(world.redeem(stranger, tokenId)).rejects.toThrow(/NotHolder/))
    }
    case 'redeem': {
      if (!unit || tokenId === undefined) return
      if (unit.funded === 0n) return void (await expect(world.redeem(unit.holder, tokenId)).rejects.toThrow(/NotFunded/))
      const before = await world.balance(unit.holder.address)
      await world.redeem(unit.holder, tokenId) // also called while paused
      const paid = (await world.balance(unit.holder.address)) - before
      expect(paid).toBe(unit.funded)
      model.paidTotal.set(tokenId, (model.paidTotal.get(tokenId) ?? 0n) + paid)
      unit.principal -= unit.fundedPrincipal
      unit.funded = 0n
      unit.fundedPrincipal = 0n
      if (unit.principal === 0n) {
        model.units.delete(tokenId)
        await expect(world.redeem(unit.holder, tokenId)).rejects.toThrow(/AlreadyRedeemed/)
      }
      return
    }
  }
}

async function usdsBalances() {
  return Promise.all([world.facility, world.almProxy, ...primes.map((p) => p.address)].map((a) => world.balance(a)))
}

async function checkInvariants(model: Model): Promise<void> {
  const [facilityUsds, almProxyUsds, ...primeUsds] = await usdsBalances()
  const totalUnderlying = await world.view('totalUnderlying')
  const totalFunded = await world.view('totalFunded')
  expect(totalUnderlying).toBe(total(model.queued))
  expect(totalFunded).toBe([...model.units.values()].reduce((s, u) => s + u.funded, 0n))
  expect(facilityUsds! >= totalUnderlying + totalFunded).toBe(true)
  expect(facilityUsds).toBe(totalUnderlying + totalFunded)
  // Conservation: every USDS minted into the system is in the queue/redeem pool, the ALMProxy or a Prime.
  expect(facilityUsds! + almProxyUsds! + primeUsds.reduce((a, b) => a + b!, 0n)).toBe(model.minted)
  for (const [tokenId, paid] of model.paidTotal) expect(paid <= (model.fundedTotal.get(tokenId) ?? 0n)).toBe(true)
  for (const prime of primes) expect(await world.queued(prime.address)).toBe(model.queued.get(prime.address) ?? 0n)
  for (const [tokenId, unit] of model.units) {
    expect(await world.ownerOf(tokenId)).toBe(unit.holder.address)
    expect((await world.unit(tokenId)).principal).toBe(unit.principal)
    expect(await world.funding(tokenId)).toEqual({ amount: unit.funded, principalPaid: unit.fundedPrincipal })
  }
}

describe('NFAT Facility invariants under random sequences', () => {
  it('conserve USDS, never overpay a holder, let only holders redeem, keep the queue open when paused', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 10, maxLength: 40, size: 'large' }), async (actions) => {
        await devnet.withSnapshot(async () => {
          const model: Model = {
            queued: new Map(),
            units: new Map(),
            nextTokenId: await world.view('nextTokenId'),
            minted: 0n,
            fundedTotal: new Map(),
            paidTotal: new Map(),
          }
          for (const a of actions) {
            await step(model, a)
            await checkInvariants(model)
          }
        })
      }),
      { numRuns: Number(process.env.NFAT_PROPERTY_RUNS ?? 25), endOnFailure: true },
    )
  })
})
