/**
 * Who may call what, and refusals that change nothing. Every state-changing external function
 * of NFATFacility is called by every account that lacks the right, and must revert with its
 * named error while balances, queue, units and funding stay exactly as they were.
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { decodeErrorResult, encodeDeployData, keccak256, parseEventLogs, toHex, zeroAddress, type Address, type BaseError, type Hex } from 'viem'
import type { HDAccount } from 'viem/accounts'
import { nfatFacilityAbi, nfatFacilityBytecode, rateLimitsAbi } from '../../../src/chain/generated/index.js'
import { LIMIT, currentRateLimit, rateLimitKey } from '../../../src/domain/rateLimits.js'
import { useDevnet, type Devnet } from '../../fixtures/devnet.js'
import { M, createWorld, type World } from './facility.js'

let devnet: Devnet
let world: World
let everyone: HDAccount[]
let tracked: Address[]
const ROLE = {
  admin: `0x${'00'.repeat(32)}` as const,
  claimer: keccak256(toHex('NFAT_CLAIMER')),
  funder: keccak256(toHex('NFAT_FUNDER')),
  pauser: keccak256(toHex('NFAT_PAUSER')),
  writeDown: keccak256(toHex('NFAT_WRITE_DOWN')),
}

beforeAll(async () => {
  devnet = await useDevnet()
  world = await createWorld(devnet, { claimMaxAmount: M('100') })
  const { primeX, primeY } = world.people
  await world.deposit(primeX, M('50'))
  await world.claim(primeX, M('25')) // NFAT #1, funded below
  await world.claim(primeX, M('10')) // NFAT #2, never funded
  await world.mint(world.almProxy, M('1.25'))
  await world.fund(1n, M('25'), M('1.25'))
  await world.deposit(primeY, M('10'))
  everyone = [...Object.values(devnet.accounts), ...Object.values(world.people)]
  tracked = everyone.map((a) => a.address).concat(world.facility)
})
beforeEach(() => devnet.isolate())

const state = () => world.snapshotState([1n, 2n], tracked)
const except = (...allowed: HDAccount[]) => everyone.filter((a) => !allowed.some((b) => b.address === a.address))
const call = (account: HDAccount, functionName: string, args: readonly unknown[] = []) =>
  devnet.write(account, { address: world.facility, abi: nfatFacilityAbi, functionName, args } as never)

async function expectRefusedForAll(callers: HDAccount[], functionName: string, args: readonly unknown[], error: RegExp) {
  const before = await state()
  for (const caller of callers) {
    await expect(call(caller, functionName, args), `${functionName} by ${caller.address}`).rejects.toThrow(error)
  }
  expect(await state()).toEqual(before)
}

describe('access control: every external function refuses every unauthorized caller', () => {
  it('claim: only the lpha-nfat pBEAM (CLAIMER_ROLE)', async () => {
    await expectRefusedForAll(except(devnet.accounts.relayer), 'claim', [world.people.primeY.address, M('1')], /AccessControlUnauthorizedAccount/)
  })

  it('fund (the one funding call): only the Halo ALMProxy (FUNDER_ROLE) — no key holder, even with USDS and an approval', async () => {
    const { primeY } = world.people
    await world.mint(primeY.address, M('1'))
    await world.approve(primeY, world.facility)
    await expectRefusedForAll(everyone, 'fund', [2n, M('1'), 0n], /AccessControlUnauthorizedAccount/)
    await expectRefusedForAll(everyone, 'fund', [2n, 0n, M('1')], /AccessControlUnauthorizedAccount/)
  })

  it('writeDown: only the write-down key (WRITE_DOWN_ROLE, GovOps) — not the relayer, the funder or the freezer', async () => {
    await expectRefusedForAll(except(devnet.accounts.govOps), 'writeDown', [2n, M('1')], /AccessControlUnauthorizedAccount/)
  })

  it('removeOperator: only the freezer (PAUSER_ROLE)', async () => {
    await expectRefusedForAll(except(devnet.accounts.freezer), 'removeOperator', [ROLE.claimer, devnet.accounts.relayer.address], /AccessControlUnauthorizedAccount/)
    await expectRefusedForAll(except(devnet.accounts.freezer), 'removeOperator', [ROLE.writeDown, devnet.accounts.govOps.address], /AccessControlUnauthorizedAccount/)
  })

  it('removeOperator: the freezer removes only claimer or write-down keys, and only real holders (RoleNotRemovableByFreezer, NotOperator)', async () => {
    const before = await state()
    const freezer = devnet.accounts.freezer
    await expect(call(freezer, 'removeOperator', [ROLE.funder, world.almProxy])).rejects.toThrow(/RoleNotRemovableByFreezer/)
    await expect(call(freezer, 'removeOperator', [ROLE.admin, devnet.accounts.govOps.address])).rejects.toThrow(/RoleNotRemovableByFreezer/)
    await expect(call(freezer, 'removeOperator', [ROLE.pauser, freezer.address])).rejects.toThrow(/RoleNotRemovableByFreezer/)
    await expect(call(freezer, 'removeOperator', [ROLE.claimer, devnet.accounts.attacker.address])).rejects.toThrow(/NotOperator/)
    await expect(call(freezer, 'removeOperator', [ROLE.writeDown, devnet.accounts.attacker.address])).rejects.toThrow(/NotOperator/)
    expect(await state()).toEqual(before)
  })

  it('initialize: a directly deployed facility cannot be initialised by anyone, the admin included (clones: test/contracts/factory)', async () => {
    const roles = { admin: devnet.accounts.attacker.address, claimer: devnet.accounts.attacker.address, funder: devnet.accounts.attacker.address, pauser: devnet.accounts.attacker.address, writeDowner: devnet.accounts.attacker.address, name: 'x', symbol: 'x' }
    await expectRefusedForAll(everyone, 'initialize', [roles], /InvalidInitialization/)
  })

  it('renounceRateLimitsController: DEFAULT_ADMIN_ROLE only', async () => {
    await expectRefusedForAll(except(devnet.accounts.govOps), 'renounceRateLimitsController', [], /AccessControlUnauthorizedAccount/)
  })

  it('CLAIMER_ROLE has one holder: granting a second reverts ClaimerAlreadySet; revoke then grant rotates it', async () => {
    const { govOps, relayer, attacker } = devnet.accounts
    await expect(call(govOps, 'grantRole', [ROLE.claimer, attacker.address])).rejects.toThrow(/ClaimerAlreadySet/)
    expect(await devnet.publicClient.readContract({ address: world.facility, abi: nfatFacilityAbi, functionName: 'claimer' })).toBe(relayer.address)
    await call(govOps, 'revokeRole', [ROLE.claimer, relayer.address])
    await call(govOps, 'grantRole', [ROLE.claimer, attacker.address])
    await expect(world.claim(world.people.primeY, M('1'))).rejects.toThrow(/AccessControlUnauthorizedAccount/)
    await call(attacker, 'claim', [world.people.primeY.address, M('1')])
  })

  it('redeem: only the current holder of the NFAT — not the Halo, the pBEAM, or the depositor after a sale', async () => {
    const { primeX, primeY } = world.people
    await world.transfer(primeX, primeY.address, 1n)
    await expectRefusedForAll(except(primeY), 'redeem', [1n], /NotHolder/)
  })

  it('withdraw: a caller only ever withdraws its own queue (others have nothing queued)', async () => {
    const { primeY } = world.people
    const callers = except(world.people.primeX, primeY) // primeX still has 15M queued itself
    await expectRefusedForAll(callers, 'withdraw', [], /NothingQueued/)
    expect(await world.queued(primeY.address)).toBe(M('10'))
  })

  it('deposit: in whitelist mode only whitelisted depositors may queue', async () => {
    await world.asAdmin.setWhitelistMode(true)
    await world.asAdmin.setWhitelisted(world.people.primeX.address, true)
    for (const account of everyone) await world.mint(account.address, M('1')).then(() => world.approve(account, world.facility))
    await expectRefusedForAll(except(world.people.primeX), 'deposit', [M('1')], /NotWhitelisted/)
    await call(world.people.primeX, 'deposit', [M('1')])
  })

  it('Halo administration (whitelist, identity networks, claim limit, unpause, roles): DEFAULT_ADMIN_ROLE only', async () => {
    const outsiders = except(devnet.accounts.govOps)
    await expectRefusedForAll(outsiders, 'setWhitelistMode', [true], /AccessControlUnauthorizedAccount/)
    await expectRefusedForAll(outsiders, 'setWhitelisted', [world.people.randomAddress.address, true], /AccessControlUnauthorizedAccount/)
    await expectRefusedForAll(outsiders, 'setIdentityNetworks', [[world.people.randomAddress.address]], /AccessControlUnauthorizedAccount/)
    await expectRefusedForAll(outsiders, 'grantRole', [ROLE.claimer, devnet.accounts.attacker.address], /AccessControlUnauthorizedAccount/)
    await expectRefusedForAll(outsiders, 'revokeRole', [ROLE.claimer, devnet.accounts.relayer.address], /AccessControlUnauthorizedAccount/)
    await world.pause()
    await expectRefusedForAll(except(devnet.accounts.govOps), 'unpause', [], /AccessControlUnauthorizedAccount/)
  })

  it('pause: the freezer (PAUSER_ROLE) only', async () => {
    await expectRefusedForAll(except(devnet.accounts.freezer), 'pause', [], /AccessControlUnauthorizedAccount/)
  })

  it('renounceRole: nobody can renounce on behalf of another account', async () => {
    await expectRefusedForAll(except(devnet.accounts.relayer), 'renounceRole', [ROLE.claimer, devnet.accounts.relayer.address], /AccessControlBadConfirmation/)
  })

  it('ERC-721 transfer and approvals: only the holder or its approved operator', async () => {
    const { primeX, randomAddress } = world.people
    const outsiders = except(primeX)
    await expectRefusedForAll(outsiders, 'transferFrom', [primeX.address, randomAddress.address, 1n], /ERC721InsufficientApproval/)
    await expectRefusedForAll(outsiders, 'safeTransferFrom', [primeX.address, randomAddress.address, 1n], /ERC721InsufficientApproval/)
    await expectRefusedForAll(outsiders, 'approve', [randomAddress.address, 1n], /ERC721InvalidApprover/)
  })

  it('role holders are exactly the configured ones', async () => {
    const has = (role: `0x${string}`, who: Address) =>
      devnet.publicClient.readContract({ address: world.facility, abi: nfatFacilityAbi, functionName: 'hasRole', args: [role, who] })
    expect(await has(ROLE.admin, devnet.accounts.govOps.address)).toBe(true)
    expect(await has(ROLE.claimer, devnet.accounts.relayer.address)).toBe(true)
    expect(await has(ROLE.funder, world.almProxy)).toBe(true)
    expect(await has(ROLE.pauser, devnet.accounts.freezer.address)).toBe(true)
    expect(await has(ROLE.writeDown, devnet.accounts.govOps.address)).toBe(true)
    expect(await has(ROLE.claimer, zeroAddress)).toBe(false)
    expect(await has(ROLE.admin, devnet.accounts.deployer.address)).toBe(false) // the deployer keeps nothing
    const supports = (id: Hex) => devnet.publicClient.readContract({ address: world.facility, abi: nfatFacilityAbi, functionName: 'supportsInterface', args: [id] })
    expect([await supports('0x80ac58cd'), await supports('0x7965db0b'), await supports('0xffffffff')]).toEqual([true, true, false]) // ERC-721, IAccessControl
  })
})

describe('named refusals change nothing', () => {
  it('double redeem reverts AlreadyRedeemed', async () => {
    await world.redeem(world.people.primeX, 1n)
    const before = await state()
    await expect(world.redeem(world.people.primeX, 1n)).rejects.toThrow(/AlreadyRedeemed/)
    await expect(world.fund(1n, M('1'), 0n)).rejects.toThrow(/AlreadyRedeemed/)
    await expect(world.writeDown(1n, M('1'))).rejects.toThrow(/AlreadyRedeemed/)
    expect(await state()).toEqual(before)
  })

  it('redeem of an unfunded NFAT reverts NotFunded; an id never minted reverts UnknownToken', async () => {
    const before = await state()
    await expect(world.redeem(world.people.primeX, 2n)).rejects.toThrow(/NotFunded/)
    await expect(world.redeem(world.people.primeX, 99n)).rejects.toThrow(/UnknownToken/)
    await expect(world.redeem(world.people.primeX, 0n)).rejects.toThrow(/UnknownToken/)
    expect(await state()).toEqual(before)
  })

  it('claim beyond the depositor’s queued balance reverts InsufficientQueuedBalance (also for a depositor with nothing)', async () => {
    const before = await state()
    await expect(world.claim(world.people.primeY, M('10') + 1n)).rejects.toThrow(/InsufficientQueuedBalance/)
    await expect(world.claim(world.people.keel, 1n)).rejects.toThrow(/InsufficientQueuedBalance/)
    await expect(world.claim(world.people.primeY, 0n)).rejects.toThrow(/ZeroAmount/)
    expect(await state()).toEqual(before)
  })

  it('transfer to a non-whitelisted address reverts NotWhitelisted, and so does a claim minting to one', async () => {
    await world.asAdmin.setWhitelistMode(true)
    await world.asAdmin.setWhitelisted(world.people.primeX.address, true)
    const before = await state()
    await expect(world.transfer(world.people.primeX, world.people.randomAddress.address, 1n)).rejects.toThrow(/NotWhitelisted/)
    await expect(world.claim(world.people.primeY, M('1'))).rejects.toThrow(/NotWhitelisted/)
    expect(await state()).toEqual(before)
  })

  it('claims are bounded by the Halo PAU RateLimits under the facility key: beyond it RateLimitExceeded, then refill at the slope', async () => {
    await world.setClaimRateLimit(M('5'), M('1') / 3600n) // 5M burst, refills 1M per hour
    const before = await state()
    await expect(world.claim(world.people.primeY, M('6'))).rejects.toThrow(/RateLimitExceeded/)
    expect(await state()).toEqual(before)
    await world.claim(world.people.primeY, M('5'))
    expect(await world.view('claimCapacity')).toBe(0n)
    for (const hours of [1, 10]) {
      await devnet.increaseTime(hours * 3600)
      // Oracle: the PAU rate-limit rule from src/domain, on the key the facility reports —
      // the one LIMIT.NFAT_CLAIM key derivation shared with RateLimitKeys.sol.
      const key = await devnet.publicClient.readContract({ address: world.facility, abi: nfatFacilityAbi, functionName: 'claimRateLimitKey' })
      expect(key).toBe(rateLimitKey(LIMIT.NFAT_CLAIM, world.facility))
      const [maxAmount, slope, lastAmount, lastUpdated] = await devnet.publicClient.readContract({
        address: world.pau.rateLimits,
        abi: rateLimitsAbi,
        functionName: 'getRateLimitData',
        args: [key],
      })
      const expected = currentRateLimit({ maxAmount, slope, lastAmount, lastUpdated }, await devnet.now())
      expect(await world.view('claimCapacity')).toBe(expected)
    }
    expect(await world.view('claimCapacity')).toBe(M('5')) // after 11 hours: capped at the burst
  })

  it('a facility without CONTROLLER on the RateLimits, or with its limit removed, cannot claim', async () => {
    const limits = { address: world.pau.rateLimits, abi: rateLimitsAbi } as const
    await devnet.write(devnet.accounts.govOps, { ...limits, functionName: 'removeRateLimit', args: [await devnet.publicClient.readContract({ address: world.facility, abi: nfatFacilityAbi, functionName: 'claimRateLimitKey' })] })
    await expect(world.claim(world.people.primeY, M('1'))).rejects.toThrow(/RateLimitExceeded/)
    const controllerRole = await devnet.publicClient.readContract({ ...limits, functionName: 'CONTROLLER' })
    await world.setClaimRateLimit(M('5'), 0n)
    await devnet.write(devnet.accounts.govOps, { ...limits, functionName: 'revokeRole', args: [controllerRole, world.facility] })
    await expect(world.claim(world.people.primeY, M('1'))).rejects.toThrow(/AccessControlUnauthorizedAccount/)
    expect(await world.queued(world.people.primeY.address)).toBe(M('10'))
  })

  it('funding more principal than is outstanding and uncovered reverts PrincipalOverpaid; an empty funding reverts ZeroAmount', async () => {
    await world.mint(world.almProxy, M('20'))
    const before = await state()
    await expect(world.fund(2n, M('10') + 1n)).rejects.toThrow(/PrincipalOverpaid/)
    await expect(world.fund(1n, 1n)).rejects.toThrow(/PrincipalOverpaid/) // #1 is already fully covered
    await expect(world.fund(2n, 0n, 0n)).rejects.toThrow(/ZeroAmount/)
    expect(await state()).toEqual(before)
  })

  it('writing down more than the uncovered principal reverts WriteDownTooLarge; zero reverts ZeroAmount', async () => {
    const before = await state()
    await expect(world.writeDown(2n, M('10') + 1n)).rejects.toThrow(/WriteDownTooLarge/)
    await expect(world.writeDown(1n, 1n)).rejects.toThrow(/WriteDownTooLarge/) // #1's principal is all funded
    await expect(world.writeDown(2n, 0n)).rejects.toThrow(/ZeroAmount/)
    await expect(world.writeDown(99n, 1n)).rejects.toThrow(/UnknownToken/)
    expect(await state()).toEqual(before)
  })

  it('a write-down of all principal with nothing funded closes the unit: burned, Redeemed with paid 0', async () => {
    const receipt = await world.writeDown(2n, M('10'))
    const [redeemed] = parseEventLogs({ abi: nfatFacilityAbi, eventName: 'Redeemed', logs: receipt.logs })
    expect(redeemed?.args).toMatchObject({ tokenId: 2n, depositor: world.people.primeX.address, holder: world.people.primeX.address, paid: 0n })
    await expect(world.unit(2n)).rejects.toThrow(/AlreadyRedeemed/)
    expect(await world.balanceOfNfat(world.people.primeX.address)).toBe(1n)
  })

  it('when paused: deposit, claim and writeDown refuse; fund, withdraw, redeem and transfers still work', async () => {
    const { primeX, primeY } = world.people
    await world.pause()
    await expect(world.pause()).rejects.toThrow(/EnforcedPause/)
    await world.mint(primeY.address, M('1'))
    const before = await state()
    await expect(call(primeY, 'deposit', [M('1')])).rejects.toThrow(/EnforcedPause/)
    await expect(world.claim(primeY, M('1'))).rejects.toThrow(/EnforcedPause/)
    await expect(world.writeDown(2n, M('1'))).rejects.toThrow(/EnforcedPause/)
    expect(await state()).toEqual(before)
    await world.mint(world.almProxy, M('0.5'))
    await world.fund(2n, M('10'), M('0.5')) // an honest repayment is never blocked by the brake
    await world.withdraw(primeY)
    await world.redeem(primeX, 1n)
    await world.redeem(primeX, 2n)
    expect(await world.balance(primeX.address)).toBe(M('26.25') + M('10.5'))
    await world.asAdmin.unpause()
    await expect(world.asAdmin.unpause()).rejects.toThrow(/ExpectedPause/)
    await world.claim(primeX, M('1'))
    await world.transfer(primeX, primeY.address, 3n)
    expect(await world.balance(primeY.address)).toBe(M('11'))
  })

  it('deployment refuses a zero address for any role, the token or the ALMProxy', async () => {
    const base = {
      usds: world.usds,
      almProxy: world.almProxy,
      admin: devnet.accounts.govOps.address,
      claimer: devnet.accounts.relayer.address,
      funder: world.almProxy,
      pauser: devnet.accounts.freezer.address,
      writeDowner: devnet.accounts.govOps.address,
      name: 'x',
      symbol: 'x',
      firstTokenId: 1n,
      rateLimits: world.pau.rateLimits,
    }
    const deployError = async (config: typeof base) => {
      const data = encodeDeployData({ abi: nfatFacilityAbi, bytecode: nfatFacilityBytecode, args: [config] })
      const error = await devnet.publicClient.call({ account: devnet.accounts.deployer, data }).then(() => undefined, (e: BaseError) => e)
      const revertData = error?.walk((e) => typeof (e as { data?: unknown }).data === 'string') as { data?: Hex } | null | undefined
      return revertData?.data ? decodeErrorResult({ abi: nfatFacilityAbi, data: revertData.data }).errorName : undefined
    }
    expect(await deployError(base)).toBeUndefined()
    for (const field of ['usds', 'almProxy', 'admin', 'claimer', 'funder', 'pauser', 'writeDowner', 'rateLimits'] as const) {
      expect(await deployError({ ...base, [field]: zeroAddress }), field).toBe('ZeroAddress')
    }
  })
})
