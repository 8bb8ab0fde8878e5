/**
 * Who may call what on a TradingPool. Every role-gated external function is called by every
 * account that lacks the role and must revert AccessControlUnauthorizedAccount while every
 * balance and parameter stays as it was; the attacks on lpha-amm's key are named tests.
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { keccak256, toHex, type Address } from 'viem'
import type { HDAccount } from 'viem/accounts'
import { tradingPoolAbi } from '../../../src/chain/generated/index.js'
import { useDevnet, type Devnet } from '../../fixtures/devnet.js'
import { createTradingWorld, tb, usds, type TradingWorld } from './pool.js'

let devnet: Devnet
let world: TradingWorld
const ROLE = { admin: `0x${'00'.repeat(32)}` as const, operator: keccak256(toHex('AMM_OPERATOR')), pauser: keccak256(toHex('AMM_PAUSER')) }

beforeAll(async () => {
  devnet = await useDevnet()
  world = await createTradingWorld(devnet, { limits: { return: { maxAmount: usds('1000'), slope: 0n } } })
  await world.contribute('usds', usds('1000000'))
  await world.contribute('tbill', tb('1000'))
}, 120_000)
beforeEach(() => devnet.isolate())

const at = () => ({ address: world.pool, abi: tradingPoolAbi }) as const
async function snapshotState() {
  const read = devnet.publicClient
  return JSON.stringify(
    {
      pool: [await world.usdsOf(world.pool), await world.tbillOf(world.pool), await world.pending(), await world.reference()],
      params: await read.readContract({ ...at(), functionName: 'params' }),
      paused: await read.readContract({ ...at(), functionName: 'paused' }),
      proxy: await world.usdsOf(world.pau.proxy),
    },
    (_, v) => (typeof v === 'bigint' ? v.toString() : v),
  )
}

type Call = { name: string; holders: () => Address[]; send: (caller: HDAccount) => Promise<unknown> }
const calls: Call[] = [
  { name: 'syncPrice', holders: () => [devnet.accounts.relayer.address], send: (c) => devnet.write(c, { ...at(), functionName: 'syncPrice' }) },
  { name: 'requestRedemption', holders: () => [devnet.accounts.relayer.address], send: (c) => devnet.write(c, { ...at(), functionName: 'requestRedemption', args: [tb('1')] }) },
  { name: 'returnCapital', holders: () => [devnet.accounts.relayer.address], send: (c) => devnet.write(c, { ...at(), functionName: 'returnCapital', args: [usds('1')] }) },
  {
    name: 'setParams',
    holders: () => [devnet.accounts.govOps.address],
    send: (c) => devnet.write(c, { ...at(), functionName: 'setParams', args: [{ ...world.params, bidSpreadBps: 0, askSpreadBps: 0 }, 10n ** 18n] }),
  },
  { name: 'unpause', holders: () => [devnet.accounts.govOps.address], send: (c) => devnet.write(c, { ...at(), functionName: 'unpause' }) },
  { name: 'pause', holders: () => [devnet.accounts.freezer.address], send: (c) => devnet.write(c, { ...at(), functionName: 'pause' }) },
  {
    name: 'grantRole',
    holders: () => [devnet.accounts.govOps.address],
    send: (c) => devnet.write(c, { ...at(), functionName: 'grantRole', args: [ROLE.operator, c.address] }),
  },
  {
    name: 'revokeRole',
    holders: () => [devnet.accounts.govOps.address],
    send: (c) => devnet.write(c, { ...at(), functionName: 'revokeRole', args: [ROLE.operator, devnet.accounts.relayer.address] }),
  },
]

describe('TradingPool access control: every role-gated function, every caller without the role', () => {
  for (const call of calls) {
    it(`${call.name}: refused for everyone but its holder, and the refusal changes nothing`, async () => {
      const before = await snapshotState()
      for (const caller of Object.values(devnet.accounts)) {
        if (call.holders().includes(caller.address)) continue
        await expect(call.send(caller), `${call.name} by ${caller.address}`).rejects.toThrow(/AccessControlUnauthorizedAccount/)
      }
      expect(await snapshotState()).toBe(before)
      const holder = Object.values(devnet.accounts).find((a) => call.holders().includes(a.address))!
      await call.send(holder)
    })
  }

  it('swaps and closing a settled redemption are open to anyone (no role)', async () => {
    const { attacker } = devnet.accounts
    await world.approveTrader(attacker)
    await world.mintTBill(attacker.address, tb('10'))
    await world.sell(attacker, tb('10'))
    await world.buy(attacker, tb('1'))
    await expect(devnet.write(attacker, { ...at(), functionName: 'closeRedemption', args: [1n] })).rejects.toThrow(/UnknownRedemption/)
  })
})

describe("attacks on lpha-amm's key", () => {
  it('lpha-amm cannot change spreads, the oracle or the issuer (setParams is the timelock’s)', async () => {
    await expect(
      devnet.write(devnet.accounts.relayer, { ...at(), functionName: 'setParams', args: [{ ...world.params, issuer: devnet.accounts.relayer.address }, 10n ** 18n] }),
    ).rejects.toThrow(/AccessControlUnauthorizedAccount/)
  })

  it('lpha-amm cannot add a pair: the asset is fixed at deployment and no function takes another token', () => {
    const takesAddress = tradingPoolAbi.filter((f) => f.type === 'function' && f.stateMutability !== 'view' && f.inputs.some((i) => i.type === 'address'))
    // Only the admin's role functions, wireShares (the admin's, once: test/contracts/trading/shares.test.ts) and setParams
    // (whose struct holds oracle and issuer) take addresses; the swaps' `to` is the recipient.
    expect(takesAddress.map((f) => (f as { name: string }).name).sort()).toEqual(['buyFromPool', 'grantRole', 'renounceRole', 'revokeRole', 'sellToPool', 'wireShares'])
  })

  it('lpha-amm cannot return capital beyond its rate limit, and returned USDS only ever lands at the PAU', async () => {
    const proxyBefore = await world.usdsOf(world.pau.proxy)
    await expect(devnet.write(devnet.accounts.relayer, { ...at(), functionName: 'returnCapital', args: [usds('1000.000000000000000001')] })).rejects.toThrow(
      /RateLimitExceeded/,
    )
    await devnet.write(devnet.accounts.relayer, { ...at(), functionName: 'returnCapital', args: [usds('1000')] })
    expect((await world.usdsOf(world.pau.proxy)) - proxyBefore).toBe(usds('1000'))
  })

  it('lpha-amm cannot send inventory to the issuer beyond the redeem limit once GovOps lowers it to zero', async () => {
    const { govOps } = devnet.accounts
    const { rateLimitsAbi } = await import('../../../src/chain/generated/index.js')
    await devnet.write(govOps, { address: world.pau.rateLimits, abi: rateLimitsAbi, functionName: 'setRateLimitData', args: [world.keys.redeem, 0n, 0n] })
    await expect(world.requestRedemption(tb('1'))).rejects.toThrow(/RateLimitExceeded/)
  })
})
