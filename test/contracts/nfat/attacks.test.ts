/**
 * Issue 12, findings 2 and 7, written as the attacks (each named after what the attacker
 * tries). On the old facility a 2-argument `fund(tokenId, amount)` marked all outstanding
 * principal paid whatever `amount` was, so a faulty relayer's 1-wei funding let the next redeem
 * burn the NFAT for dust; the facility admin (GovOps) granted the claimer role with no delay,
 * the freezer could not remove a rogue claimer, `pause` also stopped repayments, and the
 * facility's CONTROLLER role on the PAU's RateLimits could never be given up.
 *
 * Part 1 uses the NFAT test world (facility.ts); part 2 the PAU + Configurator Unit stack, where
 * the facility's admin is the BEAMTimeLock, as deployed.
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { keccak256, parseEventLogs, toFunctionSelector, toHex, type Address, type Hex } from 'viem'
import { controllerAbi, nfatFacilityAbi, rateLimitsAbi, usdsAbi } from '../../../src/chain/generated/index.js'
import { encodeCall, executeCall, scheduleCall } from '../../../src/chain/timelock.js'
import { LIMIT, UNLIMITED, rateLimitKey } from '../../../src/domain/rateLimits.js'
import { useDevnet, type Devnet } from '../../fixtures/devnet.js'
import { DELAY, deployStack, usd, type Stack } from '../pau/stack.js'
import { M, createWorld, type World } from './facility.js'

const ROLE = {
  claimer: keccak256(toHex('NFAT_CLAIMER')),
  writeDown: keccak256(toHex('NFAT_WRITE_DOWN')),
}
/** Facility and Controller errors both decode on Controller calls (the ALMProxy bubbles them). */
const controllerCallAbi = [...controllerAbi, ...nfatFacilityAbi.filter((item) => item.type === 'error')] as const

let devnet: Devnet

beforeAll(async () => {
  devnet = await useDevnet()
})

describe('finding 2: funding retires at most what it pays', () => {
  let world: World
  beforeAll(async () => {
    world = await createWorld(devnet)
    await world.deposit(world.people.primeX, M('35'))
    await world.claim(world.people.primeX, M('25')) // #1
    await world.claim(world.people.primeX, M('10')) // #2
  })
  beforeEach(() => devnet.isolate())

  it('a faulty relayer funds 1 wei per NFAT and the NFAT can no longer be burned for dust', async () => {
    const { primeX } = world.people
    for (const tokenId of [1n, 2n]) {
      await world.fund(tokenId, 1n) // 1 wei of principal through Controller.fundRedeem (the relayer's call)
      const receipt = await world.redeem(primeX, tokenId)
      expect(parseEventLogs({ abi: nfatFacilityAbi, eventName: 'Redeemed', logs: receipt.logs })).toHaveLength(0)
      const [spent] = parseEventLogs({ abi: nfatFacilityAbi, eventName: 'Spent', logs: receipt.logs })
      expect(spent?.args).toMatchObject({ tokenId, paid: 1n, principalReduced: 1n })
      expect(await world.ownerOf(tokenId)).toBe(primeX.address) // still alive, still the holder's claim
    }
    expect([(await world.unit(1n)).principal, (await world.unit(2n)).principal]).toEqual([M('25') - 1n, M('10') - 1n])
    // 1 wei of interest retires no principal at all.
    await world.fund(1n, 0n, 1n)
    await world.redeem(primeX, 1n)
    expect((await world.unit(1n)).principal).toBe(M('25') - 1n)
  })

  it('a faulty relayer cannot claim more principal than it pays: principal beyond the uncovered part reverts PrincipalOverpaid and changes nothing', async () => {
    await world.mint(world.almProxy, M('26'))
    const before = await world.snapshotState([1n], [world.almProxy])
    await expect(world.fund(1n, M('25') + 1n)).rejects.toThrow(/PrincipalOverpaid/)
    expect(await world.snapshotState([1n], [world.almProxy])).toEqual(before)
  })

  it('the dust overloads are gone: fund(uint256,uint256) and the old 4-argument fund do not exist on the facility', async () => {
    const code = (await devnet.publicClient.getCode({ address: world.facility }))!.toLowerCase()
    const dispatches = (signature: string) => code.includes(`63${toFunctionSelector(signature).slice(2)}`) // PUSH4 <selector> in the dispatcher
    expect(dispatches('fund(uint256,uint256)')).toBe(false)
    expect(dispatches('fund(uint256,uint256,uint256,uint256)')).toBe(false)
    expect(dispatches('fund(uint256,uint256,uint256)')).toBe(true)
    const funds = nfatFacilityAbi.filter((item) => item.type === 'function' && item.name === 'fund')
    expect(funds.map((f) => f.type === 'function' && f.inputs.map((i) => i.name))).toEqual([['tokenId', 'principalAmount', 'interestAmount']])
  })

  it('a faulty relayer cannot write principal down: writeDown is the write-down key’s alone, and the Controller has no write-down action', async () => {
    const before = await world.snapshotState([1n, 2n], [world.almProxy])
    await expect(devnet.write(devnet.accounts.relayer, { address: world.facility, abi: nfatFacilityAbi, functionName: 'writeDown', args: [1n, M('25')] })).rejects.toThrow(/AccessControlUnauthorizedAccount/)
    expect(controllerAbi.some((item) => item.type === 'function' && /writeDown/i.test(item.name))).toBe(false)
    expect(await world.snapshotState([1n, 2n], [world.almProxy])).toEqual(before)
  })

  it('a stolen write-down key is removed by the freezer in one call; its next write-down reverts', async () => {
    const { govOps, freezer } = devnet.accounts
    await world.writeDown(2n, M('1')) // the key works …
    const receipt = await world.removeOperator(ROLE.writeDown, govOps.address)
    const [removed] = parseEventLogs({ abi: nfatFacilityAbi, eventName: 'OperatorRemoved', logs: receipt.logs })
    expect(removed?.args).toMatchObject({ role: ROLE.writeDown, account: govOps.address, freezer: freezer.address })
    await expect(world.writeDown(2n, M('1'))).rejects.toThrow(/AccessControlUnauthorizedAccount/) // … until the next block
    expect((await world.unit(2n)).principal).toBe(M('9'))
  })

  it('partial recovery (seed 60M of 75M on #42-like units): funding 24M as principal plus a 6M write-down burns the NFAT on redeem for exactly 24M', async () => {
    const { primeX } = world.people
    await world.deposit(primeX, M('30'))
    const tokenId = await world.claim(primeX, M('30'))
    await world.mint(world.almProxy, M('24'))
    await world.fund(tokenId, M('24'))
    const receipt = await world.writeDown(tokenId, M('6'))
    const [written] = parseEventLogs({ abi: nfatFacilityAbi, eventName: 'WrittenDown', logs: receipt.logs })
    expect(written?.args).toMatchObject({ tokenId, principalAmount: M('6'), principalRemaining: M('24') })
    const before = await world.balance(primeX.address)
    await world.redeem(primeX, tokenId)
    expect((await world.balance(primeX.address)) - before).toBe(M('24'))
    await expect(world.unit(tokenId)).rejects.toThrow(/AlreadyRedeemed/)
  })

  it('the depositor stays on record after the NFAT changes hands twice (stored at its first transfer only)', async () => {
    const { primeX, primeY, keel } = world.people
    await world.transfer(primeX, primeY.address, 1n)
    await world.transfer(primeY, keel.address, 1n)
    expect(await world.unit(1n)).toMatchObject({ principal: M('25'), depositor: primeX.address })
    await world.fund(1n, 1n)
    const receipt = await world.redeem(keel, 1n)
    const [spent] = parseEventLogs({ abi: nfatFacilityAbi, eventName: 'Spent', logs: receipt.logs })
    expect(spent?.args).toMatchObject({ depositor: primeX.address, holder: keel.address })
  })
})

describe('finding 7: facility roles sit inside the cascade', () => {
  let s: Stack
  let alice: (typeof devnet.accounts)['alice']
  const facility = () => ({ address: s.facility, abi: nfatFacilityAbi }) as const
  const claim = (amount: bigint, as = devnet.accounts.relayer) => devnet.write(as, { ...facility(), functionName: 'claim', args: [alice.address, amount] })
  const hasRole = (role: Hex, who: Address) => devnet.publicClient.readContract({ ...facility(), functionName: 'hasRole', args: [role, who] })

  beforeAll(async () => {
    alice = devnet.accounts.alice
    s = await deployStack(devnet)
    await s.onboard()
    const limits: Array<[Hex, bigint]> = [
      [s.nfatClaimKey, usd('1000000')],
      [rateLimitKey(LIMIT.REDEEM_FUND_PRINCIPAL, s.facility), usd('1000000')],
      [rateLimitKey(LIMIT.REDEEM_FUND_INTEREST, s.facility), usd('100000')],
    ]
    await s.timelocked(...limits.map(([key, max]) => s.addInit(key, max, max / 86_400n)))
    for (const [key, max] of limits) await s.setRateLimit(key, max, max / 86_400n)
    await devnet.increaseTime(60n)
    await s.mint(alice.address, usd('1000'))
    await devnet.write(alice, { address: s.usds, abi: usdsAbi, functionName: 'approve', args: [s.facility, UNLIMITED] })
    await devnet.write(alice, { ...facility(), functionName: 'deposit', args: [usd('1000')] })
    await claim(usd('100')) // NFAT #42, alice's
  }, 120_000)
  beforeEach(() => devnet.isolate())

  it('a stolen GovOps key cannot grant itself the claimer role: the facility admin is the BEAMTimeLock, and a grant waits out its delay', async () => {
    const { govOps, aBEAM, attacker, relayer } = devnet.accounts
    for (const as of [govOps, aBEAM, devnet.accounts.council]) {
      await expect(devnet.write(as, { ...facility(), functionName: 'grantRole', args: [ROLE.claimer, attacker.address] })).rejects.toThrow(/AccessControlUnauthorizedAccount/)
    }
    // Through the timelock: revoke the old claimer and grant the new one in one operation.
    const call = encodeCall(s.facility, { abi: nfatFacilityAbi, functionName: 'grantRole', args: [ROLE.claimer, attacker.address] })
    const revoke = { ...encodeCall(s.facility, { abi: nfatFacilityAbi, functionName: 'revokeRole', args: [ROLE.claimer, relayer.address] }), salt: toHex(1, { size: 32 }) }
    const grant = { ...call, salt: toHex(2, { size: 32 }) }
    for (const c of [revoke, grant]) await scheduleCall(devnet, { timelock: s.timelock, proposer: aBEAM, call: c, delaySeconds: DELAY })
    await devnet.increaseTime(DELAY - 60n)
    await expect(executeCall(devnet, { timelock: s.timelock, executor: aBEAM, call: revoke })).rejects.toThrow(/TimelockUnexpectedOperationState/)
    expect(await hasRole(ROLE.claimer, attacker.address)).toBe(false)
    await devnet.increaseTime(60n)
    for (const c of [revoke, grant]) await executeCall(devnet, { timelock: s.timelock, executor: aBEAM, call: c })
    expect(await hasRole(ROLE.claimer, attacker.address)).toBe(true)
    expect(await hasRole(ROLE.claimer, relayer.address)).toBe(false)
  })

  it('the freezer removes a rogue claimer in one call: the claimer claims nothing in the next block', async () => {
    const { freezer, relayer } = devnet.accounts
    const queued = await devnet.publicClient.readContract({ ...facility(), functionName: 'queuedBalanceOf', args: [alice.address] })
    await devnet.write(freezer, { ...facility(), functionName: 'removeOperator', args: [ROLE.claimer, relayer.address] })
    await expect(claim(usd('1'))).rejects.toThrow(/AccessControlUnauthorizedAccount/)
    expect(await devnet.publicClient.readContract({ ...facility(), functionName: 'queuedBalanceOf', args: [alice.address] })).toBe(queued)
    expect(await devnet.publicClient.readContract({ ...facility(), functionName: 'claimer' })).toBe('0x0000000000000000000000000000000000000000')
  })

  it('pause does not block honest repayments: while paused the Halo funds NFAT #42 through the Controller and alice redeems it', async () => {
    await devnet.write(devnet.accounts.freezer, { ...facility(), functionName: 'pause' })
    await expect(claim(usd('1'))).rejects.toThrow(/EnforcedPause/)
    await s.mint(s.proxy, usd('5'))
    await devnet.write(devnet.accounts.relayer, { address: s.controller, abi: controllerCallAbi, functionName: 'fundRedeem', args: [s.facility, 42n, usd('100'), usd('5')] })
    const before = await devnet.publicClient.readContract({ address: s.usds, abi: usdsAbi, functionName: 'balanceOf', args: [alice.address] })
    await devnet.write(alice, { ...facility(), functionName: 'redeem', args: [42n] })
    expect(await devnet.publicClient.readContract({ address: s.usds, abi: usdsAbi, functionName: 'balanceOf', args: [alice.address] })).toBe(before + usd('105'))
    await devnet.write(alice, { ...facility(), functionName: 'withdraw' }) // and the queue exit
  })

  it('the facility’s CONTROLLER role on RateLimits can be given up, through the timelock: claims then revert', async () => {
    const controllerRole = await devnet.publicClient.readContract({ address: s.rateLimits, abi: rateLimitsAbi, functionName: 'CONTROLLER' })
    expect(await devnet.publicClient.readContract({ address: s.rateLimits, abi: rateLimitsAbi, functionName: 'hasRole', args: [controllerRole, s.facility] })).toBe(true)
    await expect(devnet.write(devnet.accounts.govOps, { ...facility(), functionName: 'renounceRateLimitsController' })).rejects.toThrow(/AccessControlUnauthorizedAccount/)
    await s.timelocked(encodeCall(s.facility, { abi: nfatFacilityAbi, functionName: 'renounceRateLimitsController', args: [] }))
    expect(await devnet.publicClient.readContract({ address: s.rateLimits, abi: rateLimitsAbi, functionName: 'hasRole', args: [controllerRole, s.facility] })).toBe(false)
    await expect(claim(usd('1'))).rejects.toThrow(/AccessControlUnauthorizedAccount/)
  })
})
