/**
 * Who may call what on the LCTS contracts, and refusals that change nothing. Every external
 * state-changing function of LCTSQueue, LCTSHoldingSystem and LCTSToken is called by every
 * account that lacks the right and must revert with its named error while queues and balances
 * stay as they were. The user functions are permissionless by design: they are called by
 * every account too, and only ever move the caller's (or, for claimFor, the named user's) funds.
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { keccak256, toHex, zeroAddress, type Abi, type Account, type Address } from 'viem'
import { lctsHoldingSystemAbi, lctsQueueAbi, lctsTokenAbi } from '../../../src/chain/generated/index.js'
import { useDevnet, type Devnet } from '../../fixtures/devnet.js'
import { approve, balanceOf, deploySrUsds, fundSusds, readQueue, t, type SrUsds } from './pair.js'

let devnet: Devnet
let s: SrUsds
let everyone: Account[]
const PBEAM = keccak256(toHex('LCTS_PBEAM'))
const ADMIN = `0x${'00'.repeat(32)}` as const

beforeAll(async () => {
  devnet = await useDevnet()
  s = await deploySrUsds(devnet)
  everyone = [...Object.values(devnet.accounts), s.pbeam]
  const { alice, bob } = devnet.accounts
  await fundSusds(devnet, s, everyone.map((a) => a.address), t('100'))
  for (const who of everyone) await approve(devnet, who, s.susds, s.subscribeQueue)
  // alice holds a finalized position in generation 1, bob is in the ACTIVE generation 2
  await devnet.write(alice, { address: s.subscribeQueue, abi: lctsQueueAbi, functionName: 'deposit', args: [t('10')] })
  await devnet.write(s.pbeam, { address: s.subscribeQueue, abi: lctsQueueAbi, functionName: 'lock' })
  await devnet.write(s.pbeam, { address: s.subscribeQueue, abi: lctsQueueAbi, functionName: 'settle', args: [t('10')] })
  await devnet.write(bob, { address: s.subscribeQueue, abi: lctsQueueAbi, functionName: 'deposit', args: [t('20')] })
})
beforeEach(() => devnet.isolate())

const except = (...allowed: Account[]) => everyone.filter((a) => !allowed.some((b) => b.address === a.address))
async function state() {
  const tracked = [...everyone.map((a) => a.address), s.subscribeQueue, s.redeemQueue, s.holdingSystem]
  return {
    subscribe: await readQueue(devnet, s.subscribeQueue),
    redeem: await readQueue(devnet, s.redeemQueue),
    rate: await devnet.publicClient.readContract({ address: s.holdingSystem, abi: lctsHoldingSystemAbi, functionName: 'exchangeRateWad' }),
    susds: await Promise.all(tracked.map((a) => balanceOf(devnet, s.susds, a))),
    srusds: await Promise.all(tracked.map((a) => balanceOf(devnet, s.token, a))),
  }
}
async function expectRefusedForAll(callers: Account[], address: Address, abi: Abi, functionName: string, args: readonly unknown[], error: RegExp) {
  const before = await state()
  for (const caller of callers) {
    await expect(devnet.write(caller, { address, abi, functionName, args } as never), `${functionName} by ${caller.address}`).rejects.toThrow(error)
  }
  expect(await state()).toEqual(before)
}
const queueAbi = lctsQueueAbi as Abi

describe('LCTSQueue access control', () => {
  it('lock: only the LCTS pBEAM', async () => {
    await expectRefusedForAll(except(s.pbeam), s.subscribeQueue, queueAbi, 'lock', [], /AccessControlUnauthorizedAccount/)
    await expectRefusedForAll(except(s.pbeam), s.redeemQueue, queueAbi, 'lock', [], /AccessControlUnauthorizedAccount/)
  })

  it('settle: only the LCTS pBEAM (an attacker cannot settle a locked generation at capacity 0 or all)', async () => {
    await devnet.write(s.pbeam, { address: s.subscribeQueue, abi: lctsQueueAbi, functionName: 'lock' })
    for (const capacity of [0n, t('20')]) {
      await expectRefusedForAll(except(s.pbeam), s.subscribeQueue, queueAbi, 'settle', [capacity], /AccessControlUnauthorizedAccount/)
    }
  })

  it('setConverter: only the admin (nobody can redirect settlements to itself)', async () => {
    await expectRefusedForAll(except(s.admin), s.subscribeQueue, queueAbi, 'setConverter', [devnet.accounts.attacker.address], /AccessControlUnauthorizedAccount/)
  })

  it('grantRole / revokeRole: only the admin; nobody grants itself the pBEAM', async () => {
    const { attacker } = devnet.accounts
    await expectRefusedForAll(except(s.admin), s.subscribeQueue, queueAbi, 'grantRole', [PBEAM, attacker.address], /AccessControlUnauthorizedAccount/)
    await expectRefusedForAll(except(s.admin), s.subscribeQueue, queueAbi, 'revokeRole', [PBEAM, s.pbeam.address], /AccessControlUnauthorizedAccount/)
  })

  it('exit: every caller without a position in the current generation is refused; alice’s finalized position is not exited', async () => {
    await expectRefusedForAll(except(devnet.accounts.alice, devnet.accounts.bob), s.subscribeQueue, queueAbi, 'exit', [], /NoPosition/)
    await expectRefusedForAll([devnet.accounts.alice], s.subscribeQueue, queueAbi, 'exit', [], /PositionFinalized/)
  })

  it('claim / claimFor: callers without a position are refused; claimFor(bob) by anyone pays bob only', async () => {
    await expectRefusedForAll(except(devnet.accounts.alice, devnet.accounts.bob), s.subscribeQueue, queueAbi, 'claim', [], /NoPosition/)
    await expectRefusedForAll(everyone, s.subscribeQueue, queueAbi, 'claimFor', [zeroAddress], /NoPosition/)
    for (const caller of everyone) {
      const before = await state()
      await devnet.write(caller, { address: s.subscribeQueue, abi: lctsQueueAbi, functionName: 'claimFor', args: [devnet.accounts.bob.address] })
      expect(await state()).toEqual(before) // bob has nothing pending: nothing moves, for any caller
    }
  })

  it('deposit: anyone may enter, with its own underlying only (no approval → refused)', async () => {
    const stranger = devnet.accounts.attacker
    await approve(devnet, stranger, s.susds, s.subscribeQueue, 0n)
    await expectRefusedForAll([stranger], s.subscribeQueue, queueAbi, 'deposit', [t('1')], /ERC20InsufficientAllowance/)
    await expectRefusedForAll(everyone, s.subscribeQueue, queueAbi, 'deposit', [0n], /ZeroAmount/)
  })
})

describe('LCTSHoldingSystem and LCTSToken access control', () => {
  it('setExchangeRate: only the LCTS pBEAM', async () => {
    await expectRefusedForAll(except(s.pbeam), s.holdingSystem, lctsHoldingSystemAbi as Abi, 'setExchangeRate', [1n], /AccessControlUnauthorizedAccount/)
  })

  it('wire: only the admin, and only once', async () => {
    const a = devnet.accounts.attacker.address
    await expectRefusedForAll(except(s.admin), s.holdingSystem, lctsHoldingSystemAbi as Abi, 'wire', [a, a, a], /AccessControlUnauthorizedAccount/)
    await expectRefusedForAll([s.admin], s.holdingSystem, lctsHoldingSystemAbi as Abi, 'wire', [a, a, a], /AlreadyWired/)
  })

  it('convert: only its two queues (nobody mints srUSDS or pulls sUSDS by calling it)', async () => {
    await expectRefusedForAll(everyone, s.holdingSystem, lctsHoldingSystemAbi as Abi, 'convert', [t('1')], /NotAQueue/)
  })

  it('mint / burn: only the Holding System', async () => {
    await expectRefusedForAll(everyone, s.token, lctsTokenAbi as Abi, 'mint', [devnet.accounts.attacker.address, 1n], /NotHoldingSystem/)
    await expectRefusedForAll(everyone, s.token, lctsTokenAbi as Abi, 'burn', [0n], /NotHoldingSystem/)
  })

  it('grantRole on the Holding System: only the admin', async () => {
    await expectRefusedForAll(except(s.admin), s.holdingSystem, lctsHoldingSystemAbi as Abi, 'grantRole', [ADMIN, devnet.accounts.attacker.address], /AccessControlUnauthorizedAccount/)
  })
})
