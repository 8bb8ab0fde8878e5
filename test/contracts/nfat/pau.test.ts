/**
 * Both PAUs around one facility: the Prime's PAU queues and withdraws through its Controller
 * under its own rate limits (scenario 1's onboarding: "govops sets a 100M limit for Prime X in
 * Facility 123"), the Halo's pBEAM claims into the Halo ALMProxy and funds through the Halo
 * Controller. The NFAT is minted to the Prime's ALMProxy, the Prime's custody address.
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { Address, Hex } from 'viem'
import { controllerAbi, nfatFacilityAbi, rateLimitsAbi } from '../../../src/chain/generated/index.js'
import { deployPau, type DeployPauReturnType } from '../../../src/chain/deploy/deployPau.js'
import { LIMIT, UNLIMITED, rateLimitKey } from '../../../src/domain/rateLimits.js'
import { useDevnet, type Devnet } from '../../fixtures/devnet.js'
import { M, createWorld, deployFacility, type World } from './facility.js'

let devnet: Devnet
let world: World
let prime: DeployPauReturnType

/** Prime X's allocator relayer (its pBEAM) and its governance (standing in for its Configurator). */
const primeRelayer = () => devnet.accounts.alice
const primeGov = () => devnet.accounts.bob

beforeAll(async () => {
  devnet = await useDevnet()
  world = await createWorld(devnet)
  const { deployer } = devnet.accounts
  const usdc = await devnet.publicClient.readContract({ address: world.pau.controller, abi: controllerAbi, functionName: 'usdc' })
  const psm = await devnet.publicClient.readContract({ address: world.pau.controller, abi: controllerAbi, functionName: 'psm' })
  prime = await deployPau(devnet, { deployer, configurator: primeGov().address, proxyAdmin: primeGov().address, usds: world.usds, usdc, psm })
  const relayerRole = await devnet.publicClient.readContract({ address: prime.controller, abi: controllerAbi, functionName: 'RELAYER' })
  await devnet.write(primeGov(), { address: prime.controller, abi: controllerAbi, functionName: 'grantRole', args: [relayerRole, primeRelayer().address] })
  // Onboarding: 100M deposit limit for this facility (opened, then capped: a new key starts empty), withdrawals free.
  await setPrimeLimit(rateLimitKey(LIMIT.FACILITY_DEPOSIT, world.facility), UNLIMITED)
  await setPrimeLimit(rateLimitKey(LIMIT.FACILITY_DEPOSIT, world.facility), M('100'))
  await setPrimeLimit(rateLimitKey(LIMIT.FACILITY_WITHDRAW, world.facility), UNLIMITED)
  await world.mint(prime.proxy, M('150'))
})
beforeEach(() => devnet.isolate())

function setPrimeLimit(key: Hex, maxAmount: bigint) {
  return devnet.write(primeGov(), { address: prime.rateLimits, abi: rateLimitsAbi, functionName: 'setRateLimitData', args: [key, maxAmount, 0n] })
}
const primeAvailable = (key: Hex) =>
  devnet.publicClient.readContract({ address: prime.rateLimits, abi: rateLimitsAbi, functionName: 'getCurrentRateLimit', args: [key] })
/** Controller calls revert with RateLimits errors too: decode both. */
const controllerCallAbi = [...controllerAbi, ...rateLimitsAbi.filter((item) => item.type === 'error')] as const
const primeController = (functionName: 'depositToFacility' | 'withdrawFromFacility' | 'redeemFromFacility', args: readonly [Address, bigint] | readonly [Address]) =>
  devnet.write(primeRelayer(), { address: prime.controller, abi: controllerCallAbi, functionName, args } as never)

describe('Prime PAU → facility → Halo PAU', () => {
  it('Prime X queues 50M through its Controller, the Halo claims 25M as NFAT #1 to the Prime ALMProxy and funds 26.25M', async () => {
    await primeController('depositToFacility', [world.facility, M('50')])
    expect(await world.queued(prime.proxy)).toBe(M('50'))

    const tokenId = await world.claim(prime.proxy, M('25'))
    expect(await world.ownerOf(tokenId)).toBe(prime.proxy)
    expect(await world.unit(tokenId)).toMatchObject({ principal: M('25'), depositor: prime.proxy })
    expect(await world.balance(world.almProxy)).toBe(M('25'))

    await world.mint(world.almProxy, M('1.25'))
    await world.fund(tokenId, M('25'), M('1.25'))
    expect(await world.funding(tokenId)).toEqual({ amount: M('26.25'), principalPaid: M('25') })
    expect(await world.balance(world.facility)).toBe(M('25') + M('26.25')) // queued + funded
  })

  it('the Prime’s 100M facility limit refuses a deposit beyond it and changes nothing', async () => {
    await primeController('depositToFacility', [world.facility, M('50')])
    await expect(primeController('depositToFacility', [world.facility, M('60')])).rejects.toThrow(/RateLimitExceeded/)
    expect(await world.queued(prime.proxy)).toBe(M('50'))
    expect(await world.balance(prime.proxy)).toBe(M('100'))
  })

  it('withdrawFromFacility takes back the unclaimed rest and restores the deposit capacity', async () => {
    await primeController('depositToFacility', [world.facility, M('50')])
    await world.claim(prime.proxy, M('25'))
    await primeController('withdrawFromFacility', [world.facility])
    expect(await world.queued(prime.proxy)).toBe(0n)
    expect(await world.balance(prime.proxy)).toBe(M('125'))
    expect(await primeAvailable(rateLimitKey(LIMIT.FACILITY_DEPOSIT, world.facility))).toBe(M('75')) // 100M − 50M deposited + 25M withdrawn
  })

  it('seed day 1 → 181: Spark’s PAU queues 30M, lpha-nfat claims NFAT #42 to it, the Halo funds 31.5M, Spark burns #42 and receives 31.5M USDS', async () => {
    // facility-A numbers its NFATs from 42 (the Synome unitIds); Spark's governance opens deposit and redeem keys for it.
    const facilityA = await deployFacility(devnet, { usds: world.usds, pau: world.pau, firstTokenId: 42n })
    await world.openFundingPaths(facilityA)
    const redeemKey = rateLimitKey(LIMIT.FACILITY_REDEEM, facilityA)
    for (const key of [rateLimitKey(LIMIT.FACILITY_DEPOSIT, facilityA), redeemKey]) {
      await setPrimeLimit(key, UNLIMITED)
      await setPrimeLimit(key, M('100'))
    }

    await primeController('depositToFacility', [facilityA, M('30')])
    const tokenId = await world.claim(prime.proxy, M('30'), facilityA)
    expect(tokenId).toBe(42n)
    expect(await world.unit(tokenId, facilityA)).toMatchObject({ principal: M('30'), depositor: prime.proxy })

    // Day 180: 30M principal + 1.5M (its pro rata share of 3.75M yield) back at the Halo ALMProxy, funded to #42.
    await world.mint(world.almProxy, M('1.5'))
    await world.fund(tokenId, M('30'), M('1.5'), facilityA)
    const sparkBefore = await world.balance(prime.proxy)

    await primeController('redeemFromFacility', [facilityA, tokenId])
    expect(await world.balance(prime.proxy)).toBe(sparkBefore + M('31.5'))
    expect(await world.balance(facilityA)).toBe(0n)
    await expect(devnet.publicClient.readContract({ address: facilityA, abi: nfatFacilityAbi, functionName: 'ownerOf', args: [tokenId] })).rejects.toThrow(/ERC721NonexistentToken/)
    expect(await primeAvailable(redeemKey)).toBe(M('100') - M('31.5')) // consumed by what came in
    // A second redeem of the burned NFAT fails and changes nothing.
    await expect(primeController('redeemFromFacility', [facilityA, tokenId])).rejects.toThrow(/AlreadyRedeemed/)
    expect(await world.balance(prime.proxy)).toBe(sparkBefore + M('31.5'))
  })
})
