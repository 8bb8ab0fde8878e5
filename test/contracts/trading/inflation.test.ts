/**
 * The first-depositor (donation) inflation attack on a Trading pool's LCTS shares, on anvil.
 *
 * The attacker is the only Prime in the first settled generation with 1 wei of USDS (1 share),
 * then transfers 1,000,000 USDS (or T-bills) straight to the pool: the pool's value counts its
 * balances, so one share is now worth ~1M USDS. Without a defence a victim's 1,999,999 USDS
 * settle for floor(1,999,999e18 × 1 ÷ (1e24 + 1)) = 1 share, which the LCTS queue cannot even
 * pay out (rewardPerToken floor(1 × 1e27 ÷ 1.999999e24) = 500 → floor(1.999999e24 × 500 ÷ 1e27)
 * = 0 shares claimed), and the attacker redeems his share for ~1.5M USDS; a victim below the
 * donation mints 0 shares and the generation stays LOCKED for good (ZeroShares). The same
 * lock-up needed no donation at all: a 1-wei generation once the share value is above 1.
 *
 * The defence is the virtual share offset of src/domain/trading/shares.ts (VIRTUAL_SHARES =
 * VIRTUAL_VALUE = 10^6 wei): the donation is shared with 10^6 virtual shares the attacker does
 * not own, so it costs him ~all of it while the victim loses less than one share unit (≈ the
 * donation ÷ 10^6) at each of the two floors (the pool's mint and the queue's payout). And a
 * generation worth less than one share unit converts to 0 shares instead of reverting.
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { Account } from 'viem'
import { usdsAbi } from '../../../src/chain/generated/index.js'
import * as lcts from '../../../src/domain/lcts/queue.js'
import { VIRTUAL_SHARES, sharesForSubscription, usdsForRedemption } from '../../../src/domain/trading/index.js'
import { useDevnet, type Devnet } from '../../fixtures/devnet.js'
import { extraAccounts } from '../lcts/pair.js'
import { createTradingWorld, tb, usds, type TradingWorld } from './pool.js'

let devnet: Devnet
let world: TradingWorld
let attacker: Account
let victim: Account
const MAX = 2n ** 256n - 1n
const DONATION = usds('1000000')

beforeAll(async () => {
  devnet = await useDevnet()
  world = await createTradingWorld(devnet, { shares: true })
  ;[attacker, victim] = (await extraAccounts(devnet, 2, 'trading-inflation')) as [Account, Account]
}, 180_000)
beforeEach(() => devnet.isolate())

/** One Prime alone in a generation: what the queue pays it for `reward` shares (the queue's own rounding). */
function queuePaysAlone(amount: bigint, reward: bigint): bigint {
  const q = lcts.settle(lcts.lock(lcts.deposit(lcts.emptyQueue(), 'p', amount).state), MAX, () => reward).state
  return lcts.claim(q, 'p').reward
}

async function subscribeAlone(prime: Account, amount: bigint) {
  const s = world.shares!
  await s.subscribe(prime, amount)
  await s.settleAll('subscribe')
  await s.claim('subscribe', prime)
}

/** The attacker's 1-wei first subscription, then a direct transfer of `donation` to the pool. */
async function inflate(donation: 'usds' | 'tbill') {
  await subscribeAlone(attacker, 1n)
  expect(await world.shares!.sharesOf(attacker.address)).toBe(1n)
  if (donation === 'usds') {
    await world.mintUsds(attacker.address, DONATION)
    await devnet.write(attacker, { address: world.usds, abi: usdsAbi, functionName: 'transfer', args: [world.pool, DONATION] })
  } else {
    await world.mintTBill(attacker.address, tb('1000000'))
    await devnet.write(attacker, { address: world.tbill, abi: usdsAbi, functionName: 'transfer', args: [world.pool, tb('1000000')] })
  }
  const v = await world.shareValue()
  expect(v).toMatchObject({ poolValue: DONATION + 1n, supply: 1n })
}

const claimOf = async (prime: Account) => {
  const v = await world.shareValue()
  return usdsForRedemption(await world.shares!.sharesOf(prime.address), v.poolValue, v.supply)
}

describe('first-depositor inflation: a donation after a 1-wei first subscription', () => {
  it('a victim of 1,999,999 USDS keeps all but < 2 USDS of it; the attacker loses ~all of his 1M USDS donation', async () => {
    await inflate('usds')
    const deposit = usds('1999999')
    const minted = sharesForSubscription(deposit, DONATION + 1n, 1n)
    // floor(1,999,999e18 × (1 + 10^6) ÷ (1e24 + 1 + 10^6)) = 2,000,000 share units
    expect(minted).toBe(2_000_000n)
    await subscribeAlone(victim, deposit)
    const held = await world.shares!.sharesOf(victim.address)
    expect(held).toBe(queuePaysAlone(deposit, minted))
    expect(held).toBe(1_999_999n) // the queue's floor costs one unit
    const victimClaim = await claimOf(victim)
    expect(victimClaim).toBe(usdsForRedemption(held, DONATION + 1n + deposit, 1n + minted))
    expect(deposit - victimClaim).toBeLessThan(usds('2'))
    // the attacker's one share is worth about one millionth of what he gave
    const attackerClaim = await claimOf(attacker)
    expect(attackerClaim).toBeLessThan(usds('2'))
    expect(attackerClaim).toBe(usdsForRedemption(1n, DONATION + 1n + deposit, 1n + minted))
    expect(VIRTUAL_SHARES).toBe(10n ** 6n)

    // and what the chain pays out on a real redemption equals that claim
    const s = world.shares!
    const before = await world.usdsOf(victim.address)
    await s.redeem(victim, held)
    await s.settleAll('redeem')
    await s.claim('redeem', victim)
    expect((await world.usdsOf(victim.address)) - before).toBe(queuePaysAlone(held, victimClaim))
  })

  it('a victim below the donation still gets shares: the generation settles (no ZeroShares lock-up) at a loss below 2 USDS', async () => {
    await inflate('usds')
    const deposit = usds('500000')
    await subscribeAlone(victim, deposit)
    expect(await world.shares!.sharesOf(victim.address)).toBe(queuePaysAlone(deposit, sharesForSubscription(deposit, DONATION + 1n, 1n)))
    expect(deposit - (await claimOf(victim))).toBeLessThan(usds('2'))
  })

  it('a T-bill donation (inventory at NAV) is refused the same way', async () => {
    await inflate('tbill')
    const deposit = usds('1999999')
    await subscribeAlone(victim, deposit)
    expect(deposit - (await claimOf(victim))).toBeLessThan(usds('2'))
    expect(await claimOf(attacker)).toBeLessThan(usds('2'))
  })

  it('a generation worth less than one share unit cannot brick the SubscribeQueue: it converts to 0 shares (its wei stay with the holders) and the queue is free again', async () => {
    await subscribeAlone(victim, usds('1000'))
    const { alice } = devnet.accounts
    await world.approveTrader(alice)
    await world.mintTBill(alice.address, tb('1000'))
    await world.sell(alice, tb('1000')) // 0.5 USDS of spread: a share unit is now worth more than 1 wei
    const v = await world.shareValue()
    expect(sharesForSubscription(1n, v.poolValue, v.supply)).toBe(0n)
    const s = world.shares!
    await s.subscribe(attacker, 1n) // alone in its generation; lpha-amm locks and settles it
    await s.settleAll('subscribe')
    await s.claim('subscribe', attacker)
    expect(await s.sharesOf(attacker.address)).toBe(0n)
    expect(await world.shareValue()).toMatchObject({ poolValue: v.poolValue + 1n, supply: v.supply })
    // the next Prime's subscription is not stuck behind a LOCKED generation
    const [late] = await extraAccounts(devnet, 1, 'trading-inflation-late')
    await subscribeAlone(late!, usds('500'))
    expect(await s.sharesOf(late!.address)).toBe(queuePaysAlone(usds('500'), sharesForSubscription(usds('500'), v.poolValue + 1n, v.supply)))
  })
})
