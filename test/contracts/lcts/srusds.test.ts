import { beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { parseUnits, type Address, type Hex } from 'viem'
import { lctsHoldingSystemAbi, lctsQueueAbi, lctsTokenAbi, usdsAbi } from '../../../src/chain/generated/index.js'
import { deployLctsPair } from '../../../src/chain/deploy/deployLcts.js'
import { LIMIT, rateLimitKey } from '../../../src/domain/rateLimits.js'
import { useDevnet, type Devnet } from '../../fixtures/devnet.js'
import { deployStack, type Stack } from '../pau/stack.js'
import { approve, balanceOf, deploySrUsds, fundSusds, positionOf, readQueue, t, type SrUsds } from './pair.js'

let devnet: Devnet
let s: SrUsds
const DAY = 86_400n
const STATUS = { DORMANT: 0, ACTIVE: 1, LOCKED: 2 }
const rate = (value: string) => parseUnits(value, 18)

const q = (address: Address) => ({ address, abi: lctsQueueAbi }) as const
const deposit = (who = devnet.accounts.alice, queue = s.subscribeQueue, amount: bigint) =>
  devnet.write(who, { ...q(queue), functionName: 'deposit', args: [amount] })
const claim = (who = devnet.accounts.alice, queue = s.subscribeQueue) => devnet.write(who, { ...q(queue), functionName: 'claim' })
const exit = (who = devnet.accounts.alice, queue = s.subscribeQueue) => devnet.write(who, { ...q(queue), functionName: 'exit' })
const lock = (queue = s.subscribeQueue) => devnet.write(s.pbeam, { ...q(queue), functionName: 'lock' })
const settle = (capacity: bigint, queue = s.subscribeQueue) => devnet.write(s.pbeam, { ...q(queue), functionName: 'settle', args: [capacity] })
const setRate = (value: bigint) => devnet.write(s.pbeam, { address: s.holdingSystem, abi: lctsHoldingSystemAbi, functionName: 'setExchangeRate', args: [value] })

beforeAll(async () => {
  devnet = await useDevnet()
  s = await deploySrUsds(devnet)
  const { alice, bob, attacker } = devnet.accounts
  await fundSusds(devnet, s, [alice.address, bob.address, attacker.address], t('200000'))
  for (const who of [alice, bob, attacker]) {
    await approve(devnet, who, s.susds, s.subscribeQueue)
    await approve(devnet, who, s.token, s.redeemQueue)
  }
})
beforeEach(() => devnet.isolate())

describe('srUSDS SubscribeQueue on chain (lcts.md user stories)', () => {
  it('story 1: 1,000 sUSDS at rate 1.25 → 800 srUSDS minted at settlement, FINALIZED, DORMANT, claimed by the user', async () => {
    await deposit(undefined, undefined, t('1000'))
    await setRate(rate('1.25'))
    await lock()
    await settle(t('1000'))
    expect((await readQueue(devnet, s.subscribeQueue)).status).toBe(STATUS.DORMANT)
    expect(await devnet.publicClient.readContract({ ...q(s.subscribeQueue), functionName: 'finalRewardPerTokenRay', args: [1n] })).toEqual([true, parseUnits('0.8', 27)])
    expect(await balanceOf(devnet, s.susds, s.holdingSystem)).toBe(t('1000'))
    expect(await devnet.publicClient.readContract({ address: s.token, abi: lctsTokenAbi, functionName: 'exchangeRate' })).toBe(rate('1.25'))
    await claim()
    expect(await balanceOf(devnet, s.token, devnet.accounts.alice.address)).toBe(t('800'))
    expect(await balanceOf(devnet, s.token, s.subscribeQueue)).toBe(0n)
    expect((await positionOf(devnet, s.subscribeQueue, devnet.accounts.alice.address)).shares).toBe(0n)
  })

  it('story 3: while LOCKED, subscribe, exit and claim revert with GenerationLocked; a finalized position still settles', async () => {
    const { alice, bob } = devnet.accounts
    await deposit(bob, undefined, t('10'))
    await lock()
    await settle(t('10')) // bob's generation 1 finalizes
    await deposit(alice, undefined, t('500'))
    await lock()
    await expect(deposit(alice, undefined, t('500'))).rejects.toThrow(/GenerationLocked/)
    await expect(deposit(devnet.accounts.attacker, undefined, t('1'))).rejects.toThrow(/GenerationLocked/)
    await expect(exit(alice)).rejects.toThrow(/GenerationLocked/)
    await expect(claim(alice)).rejects.toThrow(/GenerationLocked/)
    await claim(bob)
    expect(await balanceOf(devnet, s.token, bob.address)).toBe(t('10'))
    await settle(0n)
    await deposit(alice, undefined, t('500'))
    expect((await readQueue(devnet, s.subscribeQueue)).totalUnderlying).toBe(t('1000'))
  })

  it('story 4 and 6: $100,000 over days of 20,000 and 25,000; an exit returns rewards and the rest', async () => {
    const { alice, bob } = devnet.accounts
    await deposit(alice, undefined, t('100000'))
    await lock()
    await settle(t('20000'))
    expect((await readQueue(devnet, s.subscribeQueue)).totalUnderlying).toBe(t('80000'))
    await lock()
    await settle(t('25000'))
    expect(await readQueue(devnet, s.subscribeQueue)).toMatchObject({ status: STATUS.ACTIVE, totalUnderlying: t('55000') })
    const before = await balanceOf(devnet, s.susds, alice.address)
    await exit(alice)
    expect(await balanceOf(devnet, s.token, alice.address)).toBe(t('45000'))
    expect((await balanceOf(devnet, s.susds, alice.address)) - before).toBe(t('55000'))
    expect((await readQueue(devnet, s.subscribeQueue)).status).toBe(STATUS.DORMANT)
    // story 5: the next subscriber opens generation 2
    await deposit(bob, undefined, t('5'))
    expect(await readQueue(devnet, s.subscribeQueue)).toMatchObject({ status: STATUS.ACTIVE, currentGenerationId: 2n })
  })

  it('previewSettle and previewPosition say what the next settlement converts and what a position receives', async () => {
    const { alice, bob } = devnet.accounts
    await deposit(alice, undefined, t('300'))
    await deposit(bob, undefined, t('100'))
    await lock()
    expect(await devnet.publicClient.readContract({ ...q(s.subscribeQueue), functionName: 'previewSettle', args: [t('1000')] })).toEqual([1n, t('400'), 0n, true])
    expect(await devnet.publicClient.readContract({ ...q(s.subscribeQueue), functionName: 'previewSettle', args: [t('100')] })).toEqual([1n, t('100'), t('300'), false])
    await settle(t('100'))
    expect(await devnet.publicClient.readContract({ ...q(s.subscribeQueue), functionName: 'previewPosition', args: [alice.address] })).toEqual([1n, t('300'), false, t('75'), t('225')])
  })

  it('an attacker’s claimFor(alice) pays alice, not the attacker (keeper auto-claim)', async () => {
    const { alice, attacker } = devnet.accounts
    await deposit(alice, undefined, t('50'))
    await lock()
    await settle(t('50'))
    await devnet.write(attacker, { ...q(s.subscribeQueue), functionName: 'claimFor', args: [alice.address] })
    expect(await balanceOf(devnet, s.token, alice.address)).toBe(t('50'))
    expect(await balanceOf(devnet, s.token, attacker.address)).toBe(0n)
    await expect(devnet.write(attacker, { ...q(s.subscribeQueue), functionName: 'claimFor', args: [alice.address] })).rejects.toThrow(/NoPosition/)
  })

  it('positions are not tokens: the queue has no transfer, approve or balanceOf', () => {
    const names = lctsQueueAbi.filter((item) => item.type === 'function').map((item) => item.name)
    for (const name of ['transfer', 'transferFrom', 'approve', 'balanceOf']) expect(names).not.toContain(name)
  })
})

describe('srUSDS RedeemQueue and the Holding System', () => {
  it('story 7: 1,000 srUSDS redeemed; day 1 500 → 510 sUSDS at rate 1.02, claimed; day 2 the rest; srUSDS burned', async () => {
    const { alice } = devnet.accounts
    await deposit(alice, undefined, t('1000'))
    await lock()
    await settle(t('1000'))
    await claim(alice) // 1,000 srUSDS at rate 1
    await setRate(rate('1.02'))
    await deposit(alice, s.redeemQueue, t('1000'))
    // holding system has 1,000 sUSDS; 1.02 × 1,000 needs 20 more: fund it (a Prime would, below)
    await fundSusds(devnet, s, [s.holdingSystem], t('20'))
    await lock(s.redeemQueue)
    await settle(t('500'), s.redeemQueue)
    const before = await balanceOf(devnet, s.susds, alice.address)
    await claim(alice, s.redeemQueue)
    expect((await balanceOf(devnet, s.susds, alice.address)) - before).toBe(t('510'))
    await lock(s.redeemQueue)
    await settle(t('500'), s.redeemQueue)
    await claim(alice, s.redeemQueue)
    expect((await balanceOf(devnet, s.susds, alice.address)) - before).toBe(t('1020'))
    expect(await devnet.publicClient.readContract({ address: s.token, abi: lctsTokenAbi, functionName: 'totalSupply' })).toBe(0n)
    expect(await balanceOf(devnet, s.susds, s.holdingSystem)).toBe(0n)
  })

  it('a redemption the Holding System cannot back reverts (InsufficientBacking) and changes nothing', async () => {
    const { alice } = devnet.accounts
    await deposit(alice, undefined, t('100'))
    await lock()
    await settle(t('100'))
    await claim(alice)
    await setRate(rate('2'))
    await deposit(alice, s.redeemQueue, t('100'))
    await lock(s.redeemQueue)
    await expect(settle(t('100'), s.redeemQueue)).rejects.toThrow(/InsufficientBacking/)
    expect(await readQueue(devnet, s.redeemQueue)).toMatchObject({ status: STATUS.LOCKED, totalUnderlying: t('100') })
  })

  it('nobody but the Holding System mints or burns srUSDS; nobody but the queues converts', async () => {
    const { attacker } = devnet.accounts
    await expect(devnet.write(attacker, { address: s.token, abi: lctsTokenAbi, functionName: 'mint', args: [attacker.address, 1n] })).rejects.toThrow(/NotHoldingSystem/)
    await expect(devnet.write(attacker, { address: s.token, abi: lctsTokenAbi, functionName: 'burn', args: [0n] })).rejects.toThrow(/NotHoldingSystem/)
    await expect(devnet.write(attacker, { address: s.holdingSystem, abi: lctsHoldingSystemAbi, functionName: 'convert', args: [1n] })).rejects.toThrow(/NotAQueue/)
  })
})

describe('a Prime PAU funds the Holding System within its rate limit', () => {
  let stack: Stack
  let key: Hex
  beforeAll(async () => {
    stack = await deployStack(devnet)
    await stack.onboard()
    // the srUSDS pair of this test runs over the PAU stack's own sUSDS
    s = { ...s, ...(await deployLctsPair(devnet, { admin: s.admin, pbeam: s.pbeam.address, asset: stack.susds, name: 'Senior Risk USDS', symbol: 'srUSDS' })), susds: stack.susds }
    key = rateLimitKey(LIMIT.ASSET_TRANSFER, stack.susds, s.holdingSystem)
    await stack.timelocked(stack.addInit(key, t('1000000'), t('1000000') / DAY))
    await stack.setRateLimit(key, t('1000000'), t('1000000') / DAY)
    // the Prime holds sUSDS in its ALMProxy
    await stack.mint(devnet.accounts.deployer.address, t('3000000'))
    await devnet.write(devnet.accounts.deployer, { address: stack.usds, abi: usdsAbi, functionName: 'approve', args: [stack.susds, t('3000000')] })
    await devnet.write(devnet.accounts.deployer, { address: stack.susds, abi: [{ type: 'function', name: 'deposit', stateMutability: 'nonpayable', inputs: [{ type: 'uint256', name: 'assets' }, { type: 'address', name: 'receiver' }], outputs: [{ type: 'uint256' }] }] as const, functionName: 'deposit', args: [t('3000000'), stack.proxy] })
    await devnet.increaseTime(DAY)
  })

  const relayTransfer = (amount: bigint) =>
    devnet.write(devnet.accounts.relayer, {
      address: stack.controller,
      abi: [{ type: 'function', name: 'transferAsset', stateMutability: 'nonpayable', inputs: [{ type: 'address', name: 'asset' }, { type: 'address', name: 'destination' }, { type: 'uint256', name: 'amount' }], outputs: [] }, ...lctsHoldingSystemAbi.filter((i) => i.type === 'error')] as const,
      functionName: 'transferAsset',
      args: [stack.susds, s.holdingSystem, amount],
    })

  it('the relayer funds the Holding System through Controller.transferAsset; beyond the limit it reverts', async () => {
    await relayTransfer(t('600000'))
    expect(await balanceOf(devnet, stack.susds, s.holdingSystem)).toBe(t('600000'))
    await expect(relayTransfer(t('500000'))).rejects.toThrow(/RateLimitExceeded/)
    expect(await balanceOf(devnet, stack.susds, s.holdingSystem)).toBe(t('600000'))
  })
})

describe('the queue does not assume a Halo: a TEJRC pair for a Prime', () => {
  it('a Prime’s TEJRC over USDS subscribes, settles at its own rate and redeems with the same contracts', async () => {
    const { alice, deployer } = devnet.accounts
    const tejrc = await deployLctsPair(devnet, { admin: deployer, pbeam: s.pbeam.address, asset: s.usds, name: 'Tokenized External Junior Risk Capital (Prime 1)', symbol: 'TEJRC-P1' })
    await devnet.write(deployer, { address: s.usds, abi: usdsAbi, functionName: 'mint', args: [alice.address, t('1000')] })
    await approve(devnet, alice, s.usds, tejrc.subscribeQueue)
    await approve(devnet, alice, tejrc.token, tejrc.redeemQueue)
    await devnet.write(s.pbeam, { address: tejrc.holdingSystem, abi: lctsHoldingSystemAbi, functionName: 'setExchangeRate', args: [rate('0.5')] })
    await deposit(alice, tejrc.subscribeQueue, t('1000'))
    await lock(tejrc.subscribeQueue)
    await settle(t('1000'), tejrc.subscribeQueue)
    await claim(alice, tejrc.subscribeQueue)
    expect(await balanceOf(devnet, tejrc.token, alice.address)).toBe(t('2000'))
    await deposit(alice, tejrc.redeemQueue, t('2000'))
    await lock(tejrc.redeemQueue)
    await settle(t('2000'), tejrc.redeemQueue)
    await claim(alice, tejrc.redeemQueue)
    expect(await balanceOf(devnet, s.usds, alice.address)).toBe(t('1000'))
    // the srUSDS pair is untouched
    expect((await readQueue(devnet, s.subscribeQueue)).status).toBe(STATUS.DORMANT)
  })
})
