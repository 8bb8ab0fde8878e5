/**
 * Finding 1 of issue 12: a stolen GovOps (cBEAM) key. Before the brake the thief could remove
 * the freezer, install its own relayer and raise limits within SORL, and neither `delGovOps`
 * nor `removePauContracts` revoked what it had installed, so the drain ran until a new GovOps
 * came through the 14-day timelock. Now the freezer is an aBEAM power and `stop(pau)` (an
 * aBEAM or the Council Beacon, one transaction) stops the PAU's RateLimits, revokes every
 * relayer and every GovOps of the PAU; decreases and removals keep working afterwards, also
 * once the PAU is unregistered.
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { Account, Hex } from 'viem'
import { beamStateAbi, configuratorAbi, controllerAbi, nfatFacilityAbi, rateLimitsAbi, usdsAbi } from '../../../src/chain/generated/index.js'
import { encodeCall } from '../../../src/chain/timelock.js'
import { LIMIT, rateLimitKey } from '../../../src/domain/rateLimits.js'
import { useDevnet, type Devnet } from '../../fixtures/devnet.js'
import { HOP, deployStack, usd, type Stack } from '../pau/stack.js'

let devnet: Devnet
let s: Stack
let drainKey: Hex
const IRL = usd('100000')
const SLOPE = IRL / 86_400n

beforeAll(async () => {
  devnet = await useDevnet()
  s = await deployStack(devnet)
  await s.onboard()
  // An approved init the thief can use: USDS to a destination it controls (the Type 1 surface).
  drainKey = rateLimitKey(LIMIT.ASSET_TRANSFER, s.usds, devnet.accounts.bob.address)
  await s.timelocked(s.addInit(drainKey, IRL, SLOPE), s.addInit(s.nfatClaimKey, usd('1000000'), usd('1000000') / 86_400n))
  await s.setRateLimit(s.nfatClaimKey, usd('1000000'), usd('1000000') / 86_400n)
  await s.mint(s.proxy, usd('1000000'))
})
beforeEach(() => devnet.isolate())

const configurator = () => ({ address: s.configurator, abi: configuratorAbi }) as const
const asConfigurator = (who: Account, functionName: string, args: readonly unknown[]) =>
  devnet.write(who, { ...configurator(), functionName, args } as never)
const read = <T>(address: `0x${string}`, abi: readonly unknown[], functionName: string, args: readonly unknown[] = []) =>
  devnet.publicClient.readContract({ address, abi, functionName, args } as never) as Promise<T>
const isRelayer = async (who: `0x${string}`) =>
  read<boolean>(s.controller, controllerAbi, 'hasRole', [await read<Hex>(s.controller, controllerAbi, 'RELAYER'), who])
const transfer = (as: Account, amount: bigint) =>
  devnet.write(as, { address: s.controller, abi: controllerAbi, functionName: 'transferAsset', args: [s.usds, devnet.accounts.bob.address, amount] })
const balance = (who: `0x${string}`) => read<bigint>(s.usds, usdsAbi, 'balanceOf', [who])

/** The thief holds the GovOps key (and with it picks a relayer of its own). */
async function stolenGovOpsKeyAttack() {
  const { govOps: thief, attacker, freezer } = devnet.accounts
  // 1. Remove the freezer so nobody can pull its relayer: refused, the freezer is the aBEAM's.
  await expect(asConfigurator(thief, 'removeFreezer', [s.pau, freezer.address])).rejects.toThrow(/NotBrake/)
  await expect(asConfigurator(thief, 'setFreezer', [s.pau, attacker.address])).rejects.toThrow(/OnlyTimelock/)
  // 2. Install its own relayer and onboard the approved init; raise it by SORL after the hop.
  await asConfigurator(thief, 'setRelayer', [s.pau, attacker.address])
  const t0 = await devnet.now()
  await s.setRateLimit(drainKey, IRL, SLOPE, thief)
  await devnet.setNextBlockTimestamp(t0 + HOP + 1n)
  await s.setRateLimit(drainKey, IRL + IRL / 4n, (SLOPE * 125n) / 100n, thief)
  // 3. Drain what accrued so far.
  await transfer(attacker, usd('70000'))
  expect(await balance(devnet.accounts.bob.address)).toBe(usd('70000'))
}

describe('the brake on a stolen GovOps key', () => {
  it('a stolen GovOps key cannot remove the freezer; after the aBEAM brake its relayer moves nothing in the next block', async () => {
    const { aBEAM, attacker, govOps: thief, relayer, alice } = devnet.accounts
    await stolenGovOpsKeyAttack()
    const bobBefore = await balance(devnet.accounts.bob.address)
    const proxyBefore = await balance(s.proxy)
    // The brake: one transaction by the aBEAM.
    const stop = await asConfigurator(aBEAM, 'stop', [s.pau])
    expect(stop.status).toBe('success')
    // Time to freeze: one transaction, effective from the block after the one it lands in.
    const nextBlock = stop.blockNumber + 1n
    await expect(transfer(attacker, usd('1'))).rejects.toThrow(/AccessControlUnauthorizedAccount/)
    expect(await devnet.publicClient.getBlockNumber()).toBeLessThanOrEqual(nextBlock)
    expect(await isRelayer(attacker.address)).toBe(false)
    expect(await isRelayer(relayer.address)).toBe(false)
    expect(await read<boolean>(s.rateLimits, rateLimitsAbi, 'stopped')).toBe(true)
    expect(await read<bigint>(s.rateLimits, rateLimitsAbi, 'getRoleMemberCount', [await read<Hex>(s.rateLimits, rateLimitsAbi, 'CONTROLLER')])).toBe(0n)
    // The GovOps key is no longer accordant: it cannot install a relayer or raise a limit.
    expect(await read<boolean>(s.beamState, beamStateAbi, 'isGovOps', [s.pau, thief.address])).toBe(false)
    await expect(asConfigurator(thief, 'setRelayer', [s.pau, attacker.address])).rejects.toThrow(/NotAccordant/)
    await devnet.increaseTime(HOP)
    await expect(s.setRateLimit(drainKey, usd('150000'), (SLOPE * 150n) / 100n, thief)).rejects.toThrow(/NotAccordant/)
    // The stop also holds every other consumer of the PAU's limits: the facility's claims
    // (its CONTROLLER role on RateLimits is parked until the timelock resumes).
    await devnet.write(alice, { address: s.usds, abi: usdsAbi, functionName: 'approve', args: [s.facility, usd('10')] })
    await s.mint(alice.address, usd('10'))
    await devnet.write(alice, { address: s.facility, abi: nfatFacilityAbi, functionName: 'deposit', args: [usd('10')] })
    await expect(devnet.write(relayer, { address: s.facility, abi: nfatFacilityAbi, functionName: 'claim', args: [alice.address, usd('10')] })).rejects.toThrow(/AccessControlUnauthorizedAccount/)
    // Nothing moved after the brake.
    expect(await balance(devnet.accounts.bob.address)).toBe(bobBefore)
    expect(await balance(s.proxy)).toBe(proxyBefore)
  })

  it('delGovOps alone leaves the relayer a thief installed (rotation, not a brake); the aBEAM pulls it instantly', async () => {
    const { aBEAM, attacker, govOps: thief } = devnet.accounts
    await stolenGovOpsKeyAttack()
    await devnet.write(aBEAM, { address: s.beamState, abi: beamStateAbi, functionName: 'delGovOps', args: [s.pau, thief.address] })
    expect(await isRelayer(attacker.address)).toBe(true)
    await asConfigurator(aBEAM, 'removeRelayer', [s.pau, attacker.address])
    await expect(transfer(attacker, usd('1'))).rejects.toThrow(/AccessControlUnauthorizedAccount/)
  })

  it('the Council Beacon can brake too', async () => {
    await stolenGovOpsKeyAttack()
    await asConfigurator(devnet.accounts.council, 'stop', [s.pau])
    await expect(transfer(devnet.accounts.attacker, usd('1'))).rejects.toThrow(/AccessControlUnauthorizedAccount/)
  })

  it('after the brake and unregistering, the aBEAM still decreases and removes limits, relayers and freezers', async () => {
    const { aBEAM, council, freezer } = devnet.accounts
    await stolenGovOpsKeyAttack()
    await asConfigurator(aBEAM, 'stop', [s.pau])
    await asConfigurator(aBEAM, 'removePauContracts', [s.pau])
    await asConfigurator(aBEAM, 'setRateLimit', [s.pau, drainKey, 0n, 0n])
    expect(await read<readonly bigint[]>(s.rateLimits, rateLimitsAbi, 'getRateLimitData', [drainKey])).toEqual([0n, 0n, 0n, expect.any(BigInt)])
    await asConfigurator(council, 'removeRateLimit', [s.pau, s.nfatClaimKey])
    await asConfigurator(aBEAM, 'removeFreezer', [s.pau, freezer.address])
    // An increase is an addition: refused to brake holders, and on an unregistered PAU.
    await expect(asConfigurator(aBEAM, 'setRateLimit', [s.pau, drainKey, 1n, 0n])).rejects.toThrow(/NotAccordant/)
  })

  it('removePauContracts applies the brake itself (the old code revoked nothing and then blocked decreases)', async () => {
    const { aBEAM, attacker, govOps: thief } = devnet.accounts
    await stolenGovOpsKeyAttack()
    await asConfigurator(aBEAM, 'removePauContracts', [s.pau])
    await expect(transfer(attacker, usd('1'))).rejects.toThrow(/AccessControlUnauthorizedAccount/)
    expect(await read<boolean>(s.beamState, beamStateAbi, 'isGovOps', [s.pau, thief.address])).toBe(false)
    await asConfigurator(aBEAM, 'setRateLimit', [s.pau, drainKey, 0n, 0n])
  })

  it('the thief cannot make the brake run out of gas: at most MAX_RELAYERS relayers per PAU', async () => {
    const { govOps: thief, alice, bob, attacker, attestor, aBEAM } = devnet.accounts
    // relayer (from onboarding) + three more = MAX_RELAYERS (4); a fifth is refused.
    for (const who of [alice, bob, attacker]) await asConfigurator(thief, 'setRelayer', [s.pau, who.address])
    await expect(asConfigurator(thief, 'setRelayer', [s.pau, attestor.address])).rejects.toThrow(/TooManyRelayers/)
    const stop = await asConfigurator(aBEAM, 'stop', [s.pau])
    for (const who of [alice, bob, attacker, devnet.accounts.relayer]) expect(await isRelayer(who.address)).toBe(false)
    expect(stop.gasUsed).toBeLessThan(300_000n) // 4 relayers and 2 RateLimits controllers revoked: ~240k
  })

  it('only the timelock resumes; GovOps and relayers must be granted again', async () => {
    const { aBEAM, govOps, relayer } = devnet.accounts
    await asConfigurator(aBEAM, 'stop', [s.pau])
    await expect(asConfigurator(aBEAM, 'resume', [s.pau])).rejects.toThrow(/OnlyTimelock/)
    await s.timelocked(
      encodeCall(s.configurator, { abi: configuratorAbi, functionName: 'resume', args: [s.pau] }),
      encodeCall(s.beamState, { abi: beamStateAbi, functionName: 'addGovOps', args: [s.pau, govOps.address] }),
    )
    expect(await read<boolean>(s.rateLimits, rateLimitsAbi, 'stopped')).toBe(false)
    const controllerRole = await read<Hex>(s.rateLimits, rateLimitsAbi, 'CONTROLLER')
    for (const consumer of [s.controller, s.facility]) expect(await read<boolean>(s.rateLimits, rateLimitsAbi, 'hasRole', [controllerRole, consumer])).toBe(true)
    await asConfigurator(govOps, 'setRelayer', [s.pau, relayer.address])
    await s.setRateLimit(drainKey, IRL, SLOPE)
    await devnet.increaseTime(3_600n)
    await transfer(relayer, usd('1'))
  })

  it('while stopped, a re-added GovOps cannot install a relayer or raise a limit before the timelock resumes', async () => {
    const { aBEAM, govOps } = devnet.accounts
    await asConfigurator(aBEAM, 'stop', [s.pau])
    await s.timelocked(encodeCall(s.beamState, { abi: beamStateAbi, functionName: 'addGovOps', args: [s.pau, govOps.address] }))
    await expect(asConfigurator(govOps, 'setRelayer', [s.pau, govOps.address])).rejects.toThrow(/PauIsStopped/)
    await expect(s.setRateLimit(drainKey, IRL, SLOPE)).rejects.toThrow(/PauIsStopped/)
  })

  it('BEAMState.delAllGovOps by the Configurator only through its brake; nobody else but aBEAMs', async () => {
    const { attacker, aBEAM, govOps } = devnet.accounts
    await expect(devnet.write(attacker, { address: s.beamState, abi: beamStateAbi, functionName: 'delAllGovOps', args: [s.pau] })).rejects.toThrow(/OnlyBrake/)
    await devnet.write(aBEAM, { address: s.beamState, abi: beamStateAbi, functionName: 'delAllGovOps', args: [s.pau] })
    expect(await read<boolean>(s.beamState, beamStateAbi, 'isGovOps', [s.pau, govOps.address])).toBe(false)
  })
})
