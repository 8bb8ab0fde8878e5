/**
 * Property run: random deposits, withdrawals, claims, fundings (principal + interest parts),
 * write-downs, dust fundings, transfers, redemptions and pauses across three Primes, checked
 * against a plain model after every step.
 *
 * Invariants after every step:
 * - facility USDS ≥ queued + funded-but-unredeemed (and equals it: nothing else is held)
 * - USDS is conserved exactly: queue + ALMProxy + holders = everything minted into the system
 * - a queue withdrawal works even while the facility is paused
 * - only the NFAT's holder can redeem it; a holder never receives more than was funded
 * - a transfer never moves funds
 * - principal is only ever retired by what was paid toward it or written down: for every NFAT,
 *   original principal = principal paid out + written down + outstanding, and a burn means
 *   the first two add up to the original (a 1-wei funding never burns an NFAT)
 * - funding and redeem work while paused; claim, deposit and write-down do not
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
/** Per token ever minted: how its original principal was retired. */
type Ledger = { original: bigint; repaid: bigint; writtenDown: bigint; burned: boolean }
type Model = {
  ledger: Map<bigint, Ledger>
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
    ...(['transfer', 'transfer', 'withdraw', 'overClaim', 'overFund', 'strangerRedeem', 'pause', 'writeDown', 'dustFund'] as const),
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
      if (unit && tokenId !== undefined && unit.principal > unit.fundedPrincipal) {
        await expect(world.writeDown(tokenId, 1n)).rejects.toThrow(/EnforcedPause/)
        await step(model, { ...a, kind: 'fund' }) // repayments are never blocked by the brake
      }
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
      model.ledger.set(model.nextTokenId, { original: amount, repaid: 0n, writtenDown: 0n, burned: false })
      model.nextTokenId += 1n
      model.queued.set(depositor.address, available - amount)
      return
    }
    case 'overClaim':
      return void (await expect(world.claim(prime, queued + a.amount)).rejects.toThrow(/InsufficientQueuedBalance/))
    case 'fund':
    case 'dustFund': {
      if (!unit || tokenId === undefined) return
      const uncovered = unit.principal - unit.fundedPrincipal
      // A dust funding (a faulty relayer) pays 1 wei of principal; a normal one 0%..100% of
      // the uncovered principal plus 0%..12% interest and a late penalty.
      const principalAmount = a.kind === 'dustFund' ? (uncovered > 0n ? 1n : 0n) : (uncovered * BigInt(a.pick % 101)) / 100n
      const interestAmount = a.kind === 'dustFund' ? (uncovered > 0n ? 0n : 1n) : (unit.principal * a.ratio) / 1000n + a.penalty
      if (principalAmount + interestAmount === 0n) return
      await world.mint(world.almProxy, principalAmount + interestAmount) // returns arrive from outside
      model.minted += principalAmount + interestAmount
      await world.fund(tokenId, principalAmount, interestAmount)
      unit.funded += principalAmount + interestAmount
      unit.fundedPrincipal += principalAmount
      model.fundedTotal.set(tokenId, (model.fundedTotal.get(tokenId) ?? 0n) + principalAmount + interestAmount)
      return
    }
    case 'overFund': {
      if (!unit || tokenId === undefined) return
      const uncovered = unit.principal - unit.fundedPrincipal
      await world.mint(world.almProxy, uncovered + 1n)
      model.minted += uncovered + 1n
      return void (await expect(world.fund(tokenId, uncovered + 1n)).rejects.toThrow(/PrincipalOverpaid/))
    }
    case 'writeDown': {
      // GovOps recognises a loss on part of the uncovered principal (never on funded principal).
      if (!unit || tokenId === undefined) return
      const uncovered = unit.principal - unit.fundedPrincipal
      if (uncovered === 0n) return void (await expect(world.writeDown(tokenId, 1n)).rejects.toThrow(/WriteDownTooLarge/))
      const amount = (uncovered * BigInt((a.pick % 100) + 1)) / 100n || 1n
      await world.writeDown(tokenId, amount)
      unit.principal -= amount
      model.ledger.get(tokenId)!.writtenDown += amount
      if (unit.principal === 0n && unit.funded === 0n) {
        model.units.delete(tokenId) // written off entirely: closed
        model.ledger.get(tokenId)!.burned = true
      }
      return
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
      model.ledger.get(tokenId)!.repaid += unit.fundedPrincipal
      unit.funded = 0n
      unit.fundedPrincipal = 0n
      if (unit.principal === 0n) {
        model.units.delete(tokenId)
        model.ledger.get(tokenId)!.burned = true
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
  // Principal is retired only by payment toward it or by a write-down.
  for (const [tokenId, entry] of model.ledger) {
    const outstanding = model.units.get(tokenId)?.principal ?? 0n
    expect(entry.repaid + entry.writtenDown + outstanding).toBe(entry.original)
    if (entry.burned) await expect(world.unit(tokenId)).rejects.toThrow(/AlreadyRedeemed/)
  }
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
            ledger: new Map(),
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
