/**
 * lpha-amm settles the pool's LCTS queues each tick within the SUBSCRIBE / UNSUBSCRIBE keys, at
 * the pool's share value: two Primes subscribe, the T-bill story earns 50 USDS, the Primes
 * redeem through a binding key (partly settled, raised once as AMM_RATE_LIMIT_BINDING, the rest
 * the next day) and receive their pro-rata value.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import { toHex, type Account, type Hex } from 'viem'
import { privateKeyToAccount, type HDAccount } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseAmmBeaconConfig } from '../../../src/beacons/amm/config.js'
import { startAmmBeacon, type AmmBeacon } from '../../../src/beacons/amm/main.js'
import { rateLimitsAbi } from '../../../src/chain/generated/index.js'
import { WAD, redeemCapacityShares } from '../../../src/domain/trading/index.js'
import { createInProcessClient } from '../../../src/synome/client/index.js'
import { AMM_COMMANDS } from '../../../src/synome/commands/amm/index.js'
import { createSynome } from '../../../src/synome/create.js'
import type { SynomeService } from '../../../src/synome/service.js'
import { useDevnet, type Devnet } from '../../fixtures/devnet.js'
import { extraAccounts } from '../../contracts/lcts/pair.js'
import { DAY, createTradingWorld, tb, usds, type TradingWorld } from '../../contracts/trading/pool.js'

const CLASS = 'tbill-class'
const POOL_ID = 'tbill-usds'

let devnet: Devnet
let world: TradingWorld
let synome: SynomeService
let beacon: AmmBeacon
let dir: string
let primeA: Account
let primeB: Account

const keyOf = (account: HDAccount) => toHex(account.getHdKey().privateKey!)

beforeAll(async () => {
  devnet = await useDevnet()
  world = await createTradingWorld(devnet, { shares: true, limits: { unsubscribe: { maxAmount: usds('700000'), slope: 0n } } })
  await world.mintUsds(world.issuer, usds('10000000'))
  await world.approveTrader(devnet.accounts.alice)
  const primes = await extraAccounts(devnet, 2, 'amm-prime')
  primeA = primes[0]!
  primeB = primes[1]!
  const { relayer } = devnet.accounts
  synome = await createSynome({ dataDir: null, freshness: false, commands: [...AMM_COMMANDS], roles: [{ address: relayer.address, role: 'amm', haloClasses: [CLASS] }] })
  dir = mkdtempSync(join(tmpdir(), 'lpha-amm-shares-'))
  const config = parseAmmBeaconConfig({
    poolId: POOL_ID,
    haloClass: CLASS,
    rpcUrl: devnet.rpcUrl,
    privateKey: keyOf(relayer),
    synome: { dataDir: join(dir, 'unused') },
    chain: { pool: world.pool, fromBlock: 0, finalityDepth: 0 },
    policy: { redeemThreshold: '50000', redemptionDueSeconds: Number(DAY), redemptionGraceSeconds: 3600 },
    stateDir: dir,
  })
  beacon = await startAmmBeacon(config, pino({ level: 'silent' }), { synome: createInProcessClient({ service: synome, account: privateKeyToAccount(keyOf(relayer) as Hex) }) })
}, 120_000)

afterAll(async () => {
  await beacon?.close()
  await synome?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

describe('lpha-amm settles the pool’s LCTS generations', () => {
  it('one tick locks and settles the Primes’ subscriptions: their USDS becomes pool capital; a second tick sends nothing', async () => {
    const s = world.shares!
    await s.subscribe(primeA, usds('600000'))
    await s.subscribe(primeB, usds('400000'))
    const tick = await beacon.tick()
    expect(tick.errors).toEqual([])
    expect(tick.actions).toEqual(['lockQueue subscribe', `settleQueue subscribe ${usds('1000000')}`])
    expect(await world.usdsOf(world.pool)).toBe(usds('1000000'))
    expect(await s.supply()).toBe(usds('1000000'))
    expect((await beacon.tick()).actions).toEqual([])
  })

  it('the T-bill story raises the share value by 50 USDS; redemptions settle within the UNSUBSCRIBE key, the rest the next day', async () => {
    const s = world.shares!
    await s.claim('subscribe', primeA)
    await s.claim('subscribe', primeB)
    const { alice } = devnet.accounts
    await world.mintTBill(alice.address, tb('100000'))
    await world.sell(alice, tb('100000'), usds('99950'))
    expect((await beacon.tick()).actions).toEqual([`requestRedemption ${tb('100000')}`])
    await devnet.increaseTime(DAY)
    await world.setNav(WAD)
    await world.settle(1n)
    expect((await beacon.tick()).actions).toEqual(['closeRedemption #1'])
    expect((await world.shareValue()).poolValue).toBe(usds('1000050'))

    await s.redeem(primeA, usds('600000'))
    await s.redeem(primeB, usds('400000'))
    const partial = await beacon.tick()
    const capacity = redeemCapacityShares(usds('700000'), usds('1000050'), usds('1000000'))
    expect(partial.actions).toEqual(['lockQueue redeem', `settleQueue redeem ${capacity}`])
    expect(partial.alerts).toContain('AMM_RATE_LIMIT_BINDING')
    expect((await world.rateLimit(world.keys.unsubscribe)).lastAmount).toBeLessThanOrEqual(1n) // the key is spent, never overdrawn
    expect((await beacon.tick()).actions).toEqual([]) // nothing available: the queue waits
    await devnet.write(devnet.accounts.govOps, { address: world.pau.rateLimits, abi: rateLimitsAbi, functionName: 'setRateLimitData', args: [world.keys.unsubscribe, usds('700000'), usds('700000') / DAY] })
    await devnet.increaseTime(DAY) // the key refills over the day; the issuer posts the day's NAV
    await world.setNav(WAD)
    const rest = await beacon.tick()
    expect(rest.errors).toEqual([])
    expect(rest.actions).toHaveLength(2) // lock and settle the remainder
    expect(await s.supply()).toBe(0n)
    await s.claim('redeem', primeA)
    await s.claim('redeem', primeB)
    // each Prime gets its pro-rata value less the virtual holder's part of the spread (30 / 20 wei,
    // src/domain/trading/shares.ts) and the rounding of two settlements (a few wei), nothing more
    const a = await world.usdsOf(primeA.address)
    const b = await world.usdsOf(primeB.address)
    expect(a).toBeLessThanOrEqual(usds('600030') - 30n)
    expect(b).toBeLessThanOrEqual(usds('400020') - 20n)
    expect(usds('600030') - 30n - a).toBeLessThanOrEqual(4n)
    expect(usds('400020') - 20n - b).toBeLessThanOrEqual(4n)
  })
})
