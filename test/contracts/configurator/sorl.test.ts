/**
 * SORL at its exact boundary, the safety asymmetry (additions wait, removals are instant),
 * governance parameters that change only through the timelock, and the Type 1
 * "configuration theft" sequence of rate-limit-attacks.md with its arithmetic.
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { Hex } from 'viem'
import { beamStateAbi, beamTimeLockAbi, beamTimeLockBytecode, configuratorAbi, controllerAbi, devnetBEAMTimeLockAbi, devnetBEAMTimeLockBytecode, rateLimitsAbi, usdsAbi } from '../../../src/chain/generated/index.js'
import { encodeCall, scheduleCall } from '../../../src/chain/timelock.js'
import { LIMIT, rateLimitKey } from '../../../src/domain/rateLimits.js'
import { typeOneTheftMax } from '../../../src/domain/sorl.js'
import { useDevnet, type Devnet } from '../../fixtures/devnet.js'
import { DELAY, HOP, deployStack, usd, type Stack } from '../pau/stack.js'

let devnet: Devnet
let s: Stack
let key: Hex
const IRL = usd('100000')
const SLOPE = IRL / 86_400n

beforeAll(async () => {
  devnet = await useDevnet()
  s = await deployStack(devnet)
  await s.onboard()
  key = rateLimitKey(LIMIT.ASSET_TRANSFER, s.usds, devnet.accounts.bob.address)
  await s.timelocked(s.addInit(key, IRL, SLOPE))
})
beforeEach(() => devnet.isolate())

const limit = async () => {
  const [maxAmount, slope, lastAmount] = await devnet.publicClient.readContract({ address: s.rateLimits, abi: rateLimitsAbi, functionName: 'getRateLimitData', args: [key] })
  return { maxAmount, slope, lastAmount }
}
/** Sends the next tx at exactly `at` (chain seconds). */
async function at<T>(timestamp: bigint, action: () => Promise<T>): Promise<T> {
  await devnet.setNextBlockTimestamp(timestamp)
  return action()
}

describe('SORL at the boundary (hop 18 h, maxChange 25%)', () => {
  it('exactly +25% after exactly 18 h passes; one second sooner or one wei more reverts', async () => {
    const t0 = (await devnet.now()) + 10n
    await at(t0, () => s.setRateLimit(key, IRL, SLOPE))
    const plus25 = IRL + IRL / 4n
    const slope25 = (SLOPE * 12_500n) / 10_000n
    await expect(at(t0 + HOP - 1n, () => s.setRateLimit(key, plus25, SLOPE))).rejects.toThrow(/SorlCooldown/)
    await expect(at(t0 + HOP, () => s.setRateLimit(key, plus25 + 1n, SLOPE))).rejects.toThrow(/SorlExceeded/)
    await expect(at(t0 + HOP, () => s.setRateLimit(key, plus25, slope25 + 1n))).rejects.toThrow(/SorlExceeded/)
    await at(t0 + HOP, () => s.setRateLimit(key, plus25, slope25))
    expect(await limit()).toMatchObject({ maxAmount: plus25, slope: slope25 })
    // The next hop counts from this increase.
    await expect(at(t0 + 2n * HOP - 1n, () => s.setRateLimit(key, plus25 + 1n, slope25))).rejects.toThrow(/SorlCooldown/)
  })

  it('decreases are instant, any number of times, with no cooldown', async () => {
    await s.setRateLimit(key, IRL, SLOPE)
    await s.setRateLimit(key, IRL / 2n, SLOPE)
    await s.setRateLimit(key, IRL / 2n, SLOPE / 2n)
    await s.setRateLimit(key, 0n, 0n)
    expect(await limit()).toMatchObject({ maxAmount: 0n, slope: 0n })
  })

  it('a limit can be created only up to its init, and only from an init', async () => {
    await expect(s.setRateLimit(key, IRL + 1n, SLOPE)).rejects.toThrow(/SorlExceeded/)
    const other = rateLimitKey(LIMIT.ASSET_TRANSFER, s.usds, devnet.accounts.attacker.address)
    await expect(s.setRateLimit(other, 1n, 0n)).rejects.toThrow(/InitNotFound/)
  })

  it('removal is instant and re-creation still waits the hop (no SORL bypass by remove + add)', async () => {
    const t0 = (await devnet.now()) + 10n
    await at(t0, () => s.setRateLimit(key, IRL, SLOPE))
    await devnet.write(devnet.accounts.govOps, { address: s.configurator, abi: configuratorAbi, functionName: 'removeRateLimit', args: [s.pau, key] })
    expect(await limit()).toMatchObject({ maxAmount: 0n, slope: 0n })
    await expect(at(t0 + HOP - 1n, () => s.setRateLimit(key, IRL, SLOPE))).rejects.toThrow(/SorlCooldown/)
    await at(t0 + HOP, () => s.setRateLimit(key, IRL, SLOPE))
  })
})

describe('additions wait the timelock, removals are immediate', () => {
  it('no addition can be scheduled with less than 14 days, nor run directly', async () => {
    const { aBEAM, council } = devnet.accounts
    const call = encodeCall(s.beamState, { abi: beamStateAbi, functionName: 'addGovOps', args: [s.pau, aBEAM.address] })
    await expect(scheduleCall(devnet, { timelock: s.timelock, proposer: aBEAM, call, delaySeconds: DELAY - 1n })).rejects.toThrow(/TimelockInsufficientDelay/)
    for (const who of [aBEAM, council]) {
      await expect(devnet.write(who, { address: s.beamState, abi: beamStateAbi, functionName: 'addGovOps', args: [s.pau, who.address] })).rejects.toThrow(/OnlyTimelock/)
    }
  })

  it('pause stops single and batch scheduling and execution until the Council Beacon unpauses', async () => {
    const { aBEAM, council } = devnet.accounts
    const call = encodeCall(s.beamState, { abi: beamStateAbi, functionName: 'addGovOps', args: [s.pau, devnet.accounts.alice.address] })
    const B32 = `0x${'0'.repeat(64)}` as const
    const tl = { address: s.timelock, abi: beamTimeLockAbi } as const
    await devnet.write(aBEAM, { ...tl, functionName: 'scheduleBatch', args: [[call.target], [0n], [call.data], B32, B32, DELAY] })
    await devnet.write(aBEAM, { ...tl, functionName: 'pause' })
    await devnet.increaseTime(DELAY)
    await expect(devnet.write(aBEAM, { ...tl, functionName: 'executeBatch', args: [[call.target], [0n], [call.data], B32, B32] })).rejects.toThrow(/EnforcedPause/)
    await expect(devnet.write(aBEAM, { ...tl, functionName: 'execute', args: [call.target, 0n, call.data, B32, B32] })).rejects.toThrow(/EnforcedPause/)
    await expect(devnet.write(aBEAM, { ...tl, functionName: 'schedule', args: [call.target, 0n, call.data, B32, `0x${'2'.padStart(64, '0')}`, DELAY] })).rejects.toThrow(/EnforcedPause/)
    await expect(devnet.write(aBEAM, { ...tl, functionName: 'scheduleBatch', args: [[call.target], [0n], [call.data], B32, `0x${'3'.padStart(64, '0')}`, DELAY] })).rejects.toThrow(/EnforcedPause/)
    await devnet.write(council, { ...tl, functionName: 'unpause' })
    await devnet.write(aBEAM, { ...tl, functionName: 'executeBatch', args: [[call.target], [0n], [call.data], B32, B32] })
    expect(await devnet.publicClient.readContract({ address: s.beamState, abi: beamStateAbi, functionName: 'isGovOps', args: [s.pau, devnet.accounts.alice.address] })).toBe(true)
  })

  it('maxIncrease tells GovOps the most the next setRateLimit accepts and from when', async () => {
    const t0 = (await devnet.now()) + 10n
    await at(t0, () => s.setRateLimit(key, IRL, SLOPE))
    const [maxAmount, slope, notBefore] = await devnet.publicClient.readContract({ address: s.configurator, abi: configuratorAbi, functionName: 'maxIncrease', args: [s.pau, key] })
    expect([maxAmount, slope, notBefore]).toEqual([IRL + IRL / 4n, (SLOPE * 12_500n) / 10_000n, t0 + HOP])
  })

  it('aBEAM revokes the cBEAM and unregisters the PAU instantly', async () => {
    const { aBEAM, govOps } = devnet.accounts
    await devnet.write(aBEAM, { address: s.beamState, abi: beamStateAbi, functionName: 'delGovOps', args: [s.pau, govOps.address] })
    await expect(s.setRateLimit(key, IRL, SLOPE)).rejects.toThrow(/NotAccordant/)
    await devnet.write(aBEAM, { address: s.configurator, abi: configuratorAbi, functionName: 'removePauContracts', args: [s.pau] })
    // Unregistered: the contracts stay known (for decreases and removals), but nothing is registered.
    const [controller, , registered] = await devnet.publicClient.readContract({ address: s.configurator, abi: configuratorAbi, functionName: 'pauContracts', args: [s.pau] })
    expect([controller, registered]).toEqual([s.controller, false])
  })
})

describe('timelock delay, hop and maxChange change only through the timelock', () => {
  it('direct calls fail for everyone; through the timelock they apply after 14 days', async () => {
    const { aBEAM, council } = devnet.accounts
    for (const who of [aBEAM, council]) {
      await expect(devnet.write(who, { address: s.configurator, abi: configuratorAbi, functionName: 'file', args: ['0x686f700000000000000000000000000000000000000000000000000000000000', 3600n] })).rejects.toThrow(/OnlyTimelock/)
      await expect(devnet.write(who, { address: s.timelock, abi: beamTimeLockAbi, functionName: 'updateDelay', args: [0n] })).rejects.toThrow(/TimelockUnauthorizedCaller/)
    }
    const hop = '0x686f700000000000000000000000000000000000000000000000000000000000' as const // "hop"
    const maxChange = '0x6d61784368616e67650000000000000000000000000000000000000000000000' as const // "maxChange"
    await s.timelocked(
      encodeCall(s.configurator, { abi: configuratorAbi, functionName: 'file', args: [hop, 24n * 3600n] }),
      encodeCall(s.configurator, { abi: configuratorAbi, functionName: 'file', args: [maxChange, 2_000n] }),
      encodeCall(s.timelock, { abi: beamTimeLockAbi, functionName: 'updateDelay', args: [7n * 86_400n] }),
    )
    const read = (functionName: 'hop' | 'maxChange') => devnet.publicClient.readContract({ address: s.configurator, abi: configuratorAbi, functionName })
    expect(await read('hop')).toBe(86_400n)
    expect(await read('maxChange')).toBe(2_000n)
    expect(await devnet.publicClient.readContract({ address: s.timelock, abi: beamTimeLockAbi, functionName: 'getMinDelay' })).toBe(7n * 86_400n)
  })
})

describe('timelock floor and later aBEAMs (finding 8)', () => {
  it('a production BEAMTimeLock refuses a delay below 7 days, at deployment and through updateDelay', async () => {
    const { council, aBEAM } = devnet.accounts
    await expect(devnet.deploy({ abi: beamTimeLockAbi, bytecode: beamTimeLockBytecode }, [7n * 86_400n - 1n, council.address, [aBEAM.address]])).rejects.toThrow(/DelayBelowFloor|reverted/)
    await expect(s.timelocked(encodeCall(s.timelock, { abi: beamTimeLockAbi, functionName: 'updateDelay', args: [60n] }))).rejects.toThrow(/DelayBelowFloor/)
    // The devnet build (a separate contract) has no floor.
    const devnetLock = await devnet.deploy({ abi: devnetBEAMTimeLockAbi, bytecode: devnetBEAMTimeLockBytecode }, [60n, council.address, [aBEAM.address]])
    expect(await devnet.publicClient.readContract({ address: devnetLock, abi: beamTimeLockAbi, functionName: 'getMinDelay' })).toBe(60n)
  })

  it('an aBEAM appointed later can cancel and pause like the first; revoking its proposer role takes both away', async () => {
    const { council, alice: lateABEAM } = devnet.accounts
    const tl = { address: s.timelock, abi: beamTimeLockAbi } as const
    const role = (functionName: 'PROPOSER_ROLE' | 'CANCELLER_ROLE' | 'PAUSER_ROLE') => devnet.publicClient.readContract({ ...tl, functionName })
    await devnet.write(council, { ...tl, functionName: 'grantRole', args: [await role('PROPOSER_ROLE'), lateABEAM.address] })
    const call = encodeCall(s.beamState, { abi: beamStateAbi, functionName: 'addGovOps', args: [s.pau, devnet.accounts.attacker.address] })
    await scheduleCall(devnet, { timelock: s.timelock, proposer: devnet.accounts.aBEAM, call, delaySeconds: DELAY })
    const B32 = `0x${'0'.repeat(64)}` as const
    const id = await devnet.publicClient.readContract({ ...tl, functionName: 'hashOperation', args: [call.target, 0n, call.data, B32, B32] })
    await devnet.write(lateABEAM, { ...tl, functionName: 'cancel', args: [id] })
    await devnet.write(lateABEAM, { ...tl, functionName: 'pause' })
    await devnet.write(council, { ...tl, functionName: 'revokeRole', args: [await role('PROPOSER_ROLE'), lateABEAM.address] })
    for (const r of ['CANCELLER_ROLE', 'PAUSER_ROLE'] as const) {
      expect(await devnet.publicClient.readContract({ ...tl, functionName: 'hasRole', args: [await role(r), lateABEAM.address] })).toBe(false)
    }
  })
})

describe('Type 1 configuration theft (rate-limit-attacks.md)', () => {
  it('IRL $100K, +25% at 18 h, drain at 24 h: the attacker moves at most IRL × 1.0625 = $106,250', async () => {
    const { relayer } = devnet.accounts // relayer and cBEAM (govOps) keys both compromised
    const vault = devnet.accounts.bob.address // the misconfigured target the init approved
    await s.mint(s.proxy, usd('1000000'))
    const t0 = (await devnet.now()) + 10n
    // T+0: onboard the IRL; the limit starts at 0 and accrues at IRL per day.
    await at(t0, () => s.setRateLimit(key, IRL, SLOPE))
    // T+18h: the earliest SORL increase, max and slope +25%.
    const raisedSlope = (SLOPE * 12_500n) / 10_000n
    await at(t0 + HOP, () => s.setRateLimit(key, IRL + IRL / 4n, raisedSlope))
    // T+24h: everything accrued is drained just before the freeze.
    const theft = typeOneTheftMax({ irl: IRL, maxChangeBps: 2_500n, hopSeconds: HOP, timeToFreezeSeconds: 24n * 3600n })
    const transfer = (amount: bigint) =>
      devnet.write(relayer, { address: s.controller, abi: controllerAbi, functionName: 'transferAsset', args: [s.usds, vault, amount] })
    await expect(at(t0 + 24n * 3600n, () => transfer(theft.maxTaken + 1n))).rejects.toThrow(/RateLimitExceeded/)
    await at(t0 + 24n * 3600n, () => transfer(theft.maxTaken))
    const moved = await devnet.publicClient.readContract({ address: s.usds, abi: usdsAbi, functionName: 'balanceOf', args: [vault] })
    expect(moved).toBe(theft.maxTaken)
    // The spec's arithmetic: 0.75 × IRL + 0.25 × IRL × 1.25 = $106,250, less the slope's
    // integer rounding (the per-second slope of $100K/day is not a whole number of wei).
    expect(usd('106250') - moved).toBeGreaterThanOrEqual(0n)
    expect(usd('106250') - moved).toBeLessThan(10n ** 6n)
    // Exactly: 18 h at the init slope plus 6 h at the raised slope, in wei.
    expect(moved).toBe(SLOPE * 18n * 3600n + raisedSlope * 6n * 3600n)
    // 0.75 × IRL = $75,000 less the slope's rounding (0.407 wei/s × 64,800 s = 26,400 wei).
    expect(SLOPE * 18n * 3600n).toBe(usd('75000') - 26_400n)
  })

  it('an init refilling in 87 s would let Type 1 take IRL × 1.25 = $125,000: refused, and no increase may exceed max per day', async () => {
    // The arithmetic the slope bound prevents: 10M refilling in 87 s is full long before 24 h.
    const fast = typeOneTheftMax({ irl: usd('10000000'), maxChangeBps: 2_500n, hopSeconds: HOP, timeToFreezeSeconds: 24n * 3600n, slopePerSecond: usd('115000') })
    expect(fast.maxTaken).toBe(usd('12500000'))
    const daily = typeOneTheftMax({ irl: usd('10000000'), maxChangeBps: 2_500n, hopSeconds: HOP, timeToFreezeSeconds: 24n * 3600n })
    expect(daily.maxTaken).toBeLessThanOrEqual(usd('10625000'))
    const other = rateLimitKey(LIMIT.ASSET_TRANSFER, s.usds, devnet.accounts.alice.address)
    await expect(s.timelocked(s.addInit(other, usd('10000000'), usd('115000')))).rejects.toThrow(/InitSlopeTooHigh/)
    // With a daily init, raising only the slope by 25% would refill faster than the max per day.
    const t0 = (await devnet.now()) + 10n
    await at(t0, () => s.setRateLimit(key, IRL, SLOPE))
    await expect(at(t0 + HOP, () => s.setRateLimit(key, IRL, (SLOPE * 125n) / 100n))).rejects.toThrow(/SlopeAboveDailyMax/)
    await at(t0 + HOP, () => s.setRateLimit(key, IRL + IRL / 4n, (SLOPE * 125n) / 100n))
  })
})
