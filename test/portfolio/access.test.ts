/**
 * Who may call what on a Portfolio Halo Class, and attacks on its capital paths. Every external
 * state-changing function of PortfolioHaloClass and PortfolioUnitToken (and the unit's LCTS
 * queues, which the class drives) is called by every account that lacks the right and must
 * revert with its named error while books, units and balances stay as they were.
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { keccak256, toHex, type Abi, type Account, type Address } from 'viem'
import { controllerAbi, lctsQueueAbi, portfolioHaloClassAbi, portfolioUnitTokenAbi } from '../../src/chain/generated/index.js'
import { useDevnet, type Devnet } from '../fixtures/devnet.js'
import { actions, balanceOf, deployWorld, key, usd, type PortfolioWorld } from './world.js'

let devnet: Devnet
let w: PortfolioWorld
let a: ReturnType<typeof actions>
let everyone: Account[]
const SETTLER = keccak256(toHex('PORTFOLIO_SETTLER'))
const PBEAM = keccak256(toHex('LCTS_PBEAM'))
const ADMIN = `0x${'00'.repeat(32)}` as const
const terms = { accrualSeconds: 86_400, units: [{ name: 'Senior', symbol: 'S', rank: 0, targetRateBps: 400n }, { name: 'Junior', symbol: 'J', rank: 1 }] }

beforeAll(async () => {
  devnet = await useDevnet()
  w = await deployWorld(devnet, { books: [terms], primes: 1 })
  a = actions(devnet, w)
  everyone = [...Object.values(devnet.accounts), w.gov, w.settler, w.manager, w.primes[0]!.relayer]
  // the senior unit holds 100 USDS (settled), 50 more wait in its locked subscribe queue
  await a.mint(w.primes[0]!.pau.proxy, usd('1000'))
  await a.subscribe(w.primes[0]!, w.units[0]!, usd('100'))
  await a.lock(w.units[0]!.unitId)
  await a.settle(w.units[0]!.unitId, usd('100'), 0n)
  await a.claim(w.units[0]!.subscribeQueue, w.primes[0]!.pau.proxy)
  await a.subscribe(w.primes[0]!, w.units[0]!, usd('50'))
  await a.lock(w.units[0]!.unitId)
})
beforeEach(() => devnet.isolate())

const except = (...allowed: Account[]) => everyone.filter((x) => !allowed.some((b) => b.address === x.address))
async function state() {
  const holders: Address[] = [...everyone.map((x) => x.address), w.haloClass, w.classPau.proxy, w.primes[0]!.pau.proxy, ...w.units.flatMap((u) => [u.subscribeQueue, u.redeemQueue])]
  return {
    book: await a.book(0n),
    usds: await Promise.all(holders.map((h) => balanceOf(devnet, w.usds, h))),
    shares: await Promise.all(w.units.flatMap((u) => holders.map((h) => balanceOf(devnet, u.token, h)))),
    settler: await devnet.publicClient.readContract({ address: w.haloClass, abi: portfolioHaloClassAbi, functionName: 'hasRole', args: [SETTLER, w.settler.address] }),
  }
}
async function expectRefusedForAll(callers: Account[], address: Address, abi: Abi, functionName: string, args: readonly unknown[], error: RegExp) {
  const before = await state()
  for (const caller of callers) {
    await expect(devnet.write(caller, { address, abi, functionName, args } as never), `${functionName} by ${caller.address}`).rejects.toThrow(error)
  }
  expect(await state()).toEqual(before)
}
const classAbi = portfolioHaloClassAbi as Abi
const tokenAbi = portfolioUnitTokenAbi as Abi
const queueAbi = lctsQueueAbi as Abi
const config = () => ({ rank: 0, residual: true, rateBps: 0n, token: w.units[0]!.token, subscribeQueue: w.units[0]!.subscribeQueue, redeemQueue: w.units[0]!.redeemQueue })

describe('PortfolioHaloClass access control', () => {
  it('initialize: nobody can initialize an initialized class again (no takeover of admin or settler)', async () => {
    await expectRefusedForAll(everyone, w.haloClass, classAbi, 'initialize', [devnet.accounts.attacker.address, devnet.accounts.attacker.address, w.usds, devnet.accounts.attacker.address], /InvalidInitialization/)
  })

  it('addBook: only the admin', async () => {
    await expectRefusedForAll(except(w.gov), w.haloClass, classAbi, 'addBook', [0n, [config()]], /AccessControlUnauthorizedAccount/)
  })

  it('lockUnit, reportNav, settleUnit: only the settler (lpha-lcts)', async () => {
    const unitId = w.units[0]!.unitId
    await expectRefusedForAll(except(w.settler), w.haloClass, classAbi, 'lockUnit', [unitId], /AccessControlUnauthorizedAccount/)
    await expectRefusedForAll(except(w.settler), w.haloClass, classAbi, 'reportNav', [0n, usd('1'), await devnet.now()], /AccessControlUnauthorizedAccount/)
    await expectRefusedForAll(except(w.settler), w.haloClass, classAbi, 'settleUnit', [unitId, usd('50'), 0n], /AccessControlUnauthorizedAccount/)
  })

  it('an attacker cannot mint unit shares by calling convert outside a settlement (every caller, the settler too)', async () => {
    await expectRefusedForAll(everyone, w.haloClass, classAbi, 'convert', [usd('1000')], /NotSettling/)
  })

  it('grantRole / revokeRole: only the admin; nobody grants itself SETTLER', async () => {
    const { attacker } = devnet.accounts
    await expectRefusedForAll(except(w.gov), w.haloClass, classAbi, 'grantRole', [SETTLER, attacker.address], /AccessControlUnauthorizedAccount/)
    await expectRefusedForAll(except(w.gov), w.haloClass, classAbi, 'revokeRole', [SETTLER, w.settler.address], /AccessControlUnauthorizedAccount/)
    await expectRefusedForAll(except(w.settler), w.haloClass, classAbi, 'renounceRole', [SETTLER, w.settler.address], /AccessControlBadConfirmation/)
  })
})

describe('PortfolioUnitToken access control', () => {
  it('initialize: nobody can re-point an initialized token at another class', async () => {
    await expectRefusedForAll(everyone, w.units[0]!.token, tokenAbi, 'initialize', ['X', 'X', devnet.accounts.attacker.address], /InvalidInitialization/)
  })

  it('mint / burn: only the class (not the admin, not the settler)', async () => {
    await expectRefusedForAll(everyone, w.units[0]!.token, tokenAbi, 'mint', [devnet.accounts.attacker.address, usd('1')], /NotHaloClass/)
    await expectRefusedForAll(everyone, w.units[0]!.token, tokenAbi, 'burn', [0n], /NotHaloClass/)
  })
})

describe('the unit queues are driven only through the class', () => {
  it('lock / settle of a unit queue: only the class, not even the settler key directly (the book would miss the flow)', async () => {
    const q = w.units[0]!.subscribeQueue
    await expectRefusedForAll(everyone, q, queueAbi, 'settle', [usd('50')], /AccessControlUnauthorizedAccount/)
    await expectRefusedForAll(everyone, w.units[1]!.subscribeQueue, queueAbi, 'lock', [], /AccessControlUnauthorizedAccount/)
  })

  it('setConverter / grantRole on a unit queue: only the queue admin', async () => {
    await expectRefusedForAll(except(w.gov), w.units[0]!.subscribeQueue, queueAbi, 'setConverter', [devnet.accounts.attacker.address], /AccessControlUnauthorizedAccount/)
    await expectRefusedForAll(except(w.gov), w.units[0]!.redeemQueue, queueAbi, 'grantRole', [PBEAM, devnet.accounts.attacker.address], /AccessControlUnauthorizedAccount/)
  })
})

describe('attacks on the book and the capital paths', () => {
  it('a report no newer than the last one, or from the future, is refused and changes nothing', async () => {
    const book = await a.book(0n)
    const before = await state()
    await expect(a.reportNav(0n, usd('1'), BigInt(book.lastReportMs / 1000))).rejects.toThrow(/StaleReport/)
    await expect(a.reportNav(0n, usd('1'), (await devnet.now()) + 3600n)).rejects.toThrow(/FutureReport/)
    expect(await state()).toEqual(before)
  })

  it('addBook refuses a queue already serving a unit, a queue not wired to the class, and a token of another class', async () => {
    await expect(devnet.write(w.gov, { address: w.haloClass, abi: portfolioHaloClassAbi, functionName: 'addBook', args: [0n, [config()]] })).rejects.toThrow(/QueueAlreadyUsed/)
    // a fresh world's queue is wired to its own class, not this one
    const other = await deployWorld(devnet, { books: [{ accrualSeconds: 0, units: [{ name: 'O', symbol: 'O', rank: 0 }] }] })
    const foreign = { rank: 0, residual: true, rateBps: 0n, token: other.units[0]!.token, subscribeQueue: other.units[0]!.subscribeQueue, redeemQueue: other.units[0]!.redeemQueue }
    await expect(devnet.write(w.gov, { address: w.haloClass, abi: portfolioHaloClassAbi, functionName: 'addBook', args: [0n, [foreign]] })).rejects.toThrow(/TokenMismatch/)
  })

  it('addBook refuses tranche terms the domain refuses (residual not the most junior rank, more than 8 units)', async () => {
    const bad = { ...config(), residual: false }
    await expect(devnet.write(w.gov, { address: w.haloClass, abi: portfolioHaloClassAbi, functionName: 'addBook', args: [0n, [bad]] })).rejects.toThrow(/ResidualRankMismatch/)
    await expect(devnet.write(w.gov, { address: w.haloClass, abi: portfolioHaloClassAbi, functionName: 'addBook', args: [0n, Array(9).fill(config())] })).rejects.toThrow(/TooManyUnits/)
  })

  it('a redemption the PAU has not funded reverts InsufficientLiquidity and changes nothing', async () => {
    await a.settle(w.units[0]!.unitId, usd('50'), 0n)
    await a.claim(w.units[0]!.subscribeQueue, w.primes[0]!.pau.proxy)
    await a.redeem(w.primes[0]!, w.units[0]!, usd('40'))
    await a.lock(w.units[0]!.unitId)
    const before = await state()
    await expect(a.settle(w.units[0]!.unitId, 0n, usd('40'))).rejects.toThrow(/InsufficientLiquidity/)
    expect(await state()).toEqual(before)
    await a.fundRedemptions(usd('40'))
    await a.settle(w.units[0]!.unitId, 0n, usd('40'))
    expect(await balanceOf(devnet, w.usds, w.haloClass)).toBe(0n)
  })

  it('subscribed USDS leaves the class PAU only within its rate limits: not beyond the limit, not to an unkeyed address', async () => {
    await a.settle(w.units[0]!.unitId, usd('50'), 0n)
    expect(await balanceOf(devnet, w.usds, w.classPau.proxy)).toBe(usd('150'))
    expect(await balanceOf(devnet, w.usds, w.haloClass)).toBe(0n)
    const attacker = key('thief')
    await expect(devnet.write(w.settler, { address: w.classPau.controller, abi: controllerAbi, functionName: 'transferAsset', args: [w.usds, attacker.address, usd('1')] })).rejects.toThrow(/RateLimitExceeded/)
    // the manager's key allows its limit (1 000 000) over a day; a second full day's worth at once is refused
    await a.deployToManager(usd('150'))
    await a.mint(w.classPau.proxy, usd('1000000'))
    await expect(a.deployToManager(usd('1000000'))).rejects.toThrow(/RateLimitExceeded/)
  })
})
