/**
 * RateLimits on its own: the on-chain arithmetic equals the domain rule over time, unlimited
 * keys, refunds, and the packed storage (a consume writes exactly one storage slot).
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { keccak256, toBytes, type Hex } from 'viem'
import { rateLimitsAbi, rateLimitsBytecode } from '../../../src/chain/generated/index.js'
import { UNLIMITED, configureRateLimit, consumeRateLimit, currentRateLimit, refundRateLimit, type RateLimitData } from '../../../src/domain/rateLimits.js'
import { useDevnet, type Devnet } from '../../fixtures/devnet.js'

let devnet: Devnet
let limits: `0x${string}`
const KEY = keccak256(toBytes('test-key'))
const OTHER = keccak256(toBytes('other-key'))

beforeAll(async () => {
  devnet = await useDevnet()
  const { deployer } = devnet.accounts
  limits = await devnet.deploy({ abi: rateLimitsAbi, bytecode: rateLimitsBytecode }, [deployer.address])
  const role = await devnet.publicClient.readContract({ address: limits, abi: rateLimitsAbi, functionName: 'CONTROLLER' })
  await devnet.write(deployer, { address: limits, abi: rateLimitsAbi, functionName: 'grantRole', args: [role, deployer.address] })
})
beforeEach(() => devnet.isolate())

const write = (functionName: 'setRateLimitData' | 'triggerRateLimitDecrease' | 'triggerRateLimitIncrease' | 'removeRateLimit', args: readonly unknown[]) =>
  devnet.write(devnet.accounts.deployer, { address: limits, abi: rateLimitsAbi, functionName, args } as never)
async function data(key: Hex = KEY): Promise<RateLimitData> {
  const [maxAmount, slope, lastAmount, lastUpdated] = await devnet.publicClient.readContract({ address: limits, abi: rateLimitsAbi, functionName: 'getRateLimitData', args: [key] })
  return { maxAmount, slope, lastAmount, lastUpdated }
}
async function at<T>(t: bigint, fn: () => Promise<T>) {
  await devnet.setNextBlockTimestamp(t)
  return fn()
}

describe('RateLimits', () => {
  it('matches the domain rule through set, refill, consume, refund and reconfigure', async () => {
    const t0 = (await devnet.now()) + 5n
    let model = configureRateLimit(undefined, 1_000n, 3n, t0)
    await at(t0, () => write('setRateLimitData', [KEY, 1_000n, 3n]))
    expect(await data()).toEqual(model)
    await at(t0 + 100n, () => write('triggerRateLimitDecrease', [KEY, 250n]))
    model = consumeRateLimit(model, 250n, t0 + 100n)
    expect(await data()).toEqual(model)
    await expect(at(t0 + 101n, () => write('triggerRateLimitDecrease', [KEY, currentRateLimit(model, t0 + 101n) + 1n]))).rejects.toThrow(/RateLimitExceeded/)
    await at(t0 + 102n, () => write('triggerRateLimitIncrease', [KEY, 40n]))
    model = refundRateLimit(model, 40n, t0 + 102n)
    expect(await data()).toEqual(model)
    await at(t0 + 500n, () => write('setRateLimitData', [KEY, 500n, 1n]))
    model = configureRateLimit(model, 500n, 1n, t0 + 500n)
    expect(await data()).toEqual(model)
    await devnet.increaseTime(10_000n)
    expect(await devnet.publicClient.readContract({ address: limits, abi: rateLimitsAbi, functionName: 'getCurrentRateLimit', args: [KEY] })).toBe(500n)
  })

  it('a key without a limit allows nothing, and a refund does not create one', async () => {
    await expect(write('triggerRateLimitDecrease', [OTHER, 1n])).rejects.toThrow(/RateLimitExceeded/)
    await write('triggerRateLimitIncrease', [OTHER, 1_000n])
    expect(await data(OTHER)).toEqual({ maxAmount: 0n, slope: 0n, lastAmount: 0n, lastUpdated: 0n })
  })

  it('unlimited: any amount, state untouched', async () => {
    await write('setRateLimitData', [KEY, UNLIMITED, 0n])
    const before = await data()
    await write('triggerRateLimitDecrease', [KEY, 10n ** 30n])
    expect(await data()).toEqual(before)
    expect(before.maxAmount).toBe(UNLIMITED)
  })

  it('removal is instant: nothing is available afterwards', async () => {
    await write('setRateLimitData', [KEY, 1_000n, 1_000n])
    await devnet.increaseTime(10n)
    await write('removeRateLimit', [KEY])
    await expect(write('triggerRateLimitDecrease', [KEY, 1n])).rejects.toThrow(/RateLimitExceeded/)
  })

  it('refuses values it cannot store instead of truncating them', async () => {
    await expect(write('setRateLimitData', [KEY, 2n ** 128n, 0n])).rejects.toThrow(/AmountTooLarge/)
    await expect(write('setRateLimitData', [KEY, 1n, 2n ** 128n])).rejects.toThrow(/AmountTooLarge/)
  })

  it('packed storage: a consume writes exactly one slot', async () => {
    await write('setRateLimitData', [KEY, 10n ** 24n, 10n ** 18n])
    await devnet.increaseTime(100n)
    const receipt = await write('triggerRateLimitDecrease', [KEY, 10n ** 18n])
    // prestateTracer in diff mode lists the storage slots the transaction changed.
    const diff = (await devnet.publicClient.request({
      method: 'debug_traceTransaction' as never,
      params: [receipt.transactionHash, { tracer: 'prestateTracer', tracerConfig: { diffMode: true } }] as never,
    })) as { post: Record<string, { storage?: Record<string, string> }> }
    const changed = Object.entries(diff.post).find(([address]) => address.toLowerCase() === limits.toLowerCase())?.[1].storage ?? {}
    expect(Object.keys(changed)).toHaveLength(1)
  })
})
