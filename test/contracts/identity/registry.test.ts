/**
 * IdentityRegistry on anvil: O(1) membership, batched add/remove by lpha-identity's key only,
 * the update rate limit, events for every change, and restricted NFATs that admit members of
 * accepted Identity Networks (a transfer to a non-member reverts; the ALMProxy is admitted
 * explicitly).
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { encodeFunctionData, keccak256, parseEventLogs, toHex, type Address } from 'viem'
import type { HDAccount } from 'viem/accounts'
import { identityRegistryAbi, nfatFacilityAbi } from '../../../src/chain/generated/index.js'
import { deployIdentityRegistry } from '../../../src/chain/deploy/deployIdentityRegistry.js'
import { useDevnet, type Devnet } from '../../fixtures/devnet.js'
import { M, createWorld, type World } from '../nfat/facility.js'

let devnet: Devnet
let registry: Address
let world: World
const ENTITY_A = keccak256(toHex('entity:acme-fund'))
const ENTITY_B = keccak256(toHex('entity:beta-capital'))
const addr = (i: number) => `0x${(0x1000 + i).toString(16).padStart(40, '0')}` as Address
const at = () => ({ address: registry, abi: identityRegistryAbi }) as const

beforeAll(async () => {
  devnet = await useDevnet()
  const { deployer, govOps, relayer, freezer } = devnet.accounts
  registry = await deployIdentityRegistry(devnet, { deployer, admin: govOps.address, writer: relayer.address, pauser: freezer.address, maxUpdatesPerWindow: 300, windowSeconds: 3600 })
  world = await createWorld(devnet)
}, 120_000)
beforeEach(() => devnet.isolate())

const add = (entity: `0x${string}`, accounts: Address[], by: HDAccount = devnet.accounts.relayer) =>
  devnet.write(by, { ...at(), functionName: 'addMembers', args: [entity, accounts] })
const remove = (accounts: Address[], by: HDAccount = devnet.accounts.relayer) => devnet.write(by, { ...at(), functionName: 'removeMembers', args: [accounts] })
const isMember = (a: Address) => devnet.publicClient.readContract({ ...at(), functionName: 'isMember', args: [a] })

describe('IdentityRegistry', () => {
  it('adds and removes in batches, with one event per changed address; a replayed batch changes nothing', async () => {
    const receipt = await add(ENTITY_A, [addr(1), addr(2), addr(3)])
    expect(parseEventLogs({ abi: identityRegistryAbi, logs: receipt.logs, eventName: 'MemberAdded' }).map((l) => l.args.account)).toEqual([addr(1), addr(2), addr(3)])
    const replay = await add(ENTITY_A, [addr(1), addr(2), addr(3)])
    expect(parseEventLogs({ abi: identityRegistryAbi, logs: replay.logs, eventName: 'MemberAdded' })).toHaveLength(0)
    expect(await devnet.publicClient.readContract({ ...at(), functionName: 'availableUpdates' })).toBe(297n)
    const removed = await remove([addr(2), addr(9)])
    expect(parseEventLogs({ abi: identityRegistryAbi, logs: removed.logs, eventName: 'MemberRemoved' }).map((l) => [l.args.account, l.args.entityId])).toEqual([[addr(2), ENTITY_A]])
    expect([await isMember(addr(1)), await isMember(addr(2)), await isMember(addr(9))]).toEqual([true, false, false])
  })

  it('isMember is O(1): the same gas with 1 and with 200 members', async () => {
    await add(ENTITY_A, [addr(1)])
    const gas = () => devnet.publicClient.estimateGas({ to: registry, data: encodeFunctionData({ abi: identityRegistryAbi, functionName: 'isMember', args: [addr(1)] }) })
    const one = await gas()
    await add(ENTITY_B, Array.from({ length: 199 }, (_, i) => addr(100 + i)))
    const many = await gas()
    expect(many).toBe(one)
  })

  it('a stolen writer key cannot rewrite the network at once: batches are bounded (BatchTooLarge) and so is the update rate (UpdateRateExceeded)', async () => {
    await expect(add(ENTITY_A, Array.from({ length: 201 }, (_, i) => addr(i)))).rejects.toThrow(/BatchTooLarge/)
    await add(ENTITY_A, Array.from({ length: 200 }, (_, i) => addr(i)))
    await expect(remove(Array.from({ length: 101 }, (_, i) => addr(i)))).rejects.toThrow(/UpdateRateExceeded/)
    await remove(Array.from({ length: 100 }, (_, i) => addr(i)))
    await devnet.increaseTime(3600)
    await remove(Array.from({ length: 100 }, (_, i) => addr(100 + i)))
  })

  it('only lpha-identity writes; only the freezer pauses additions (removals stay open); only the admin sets the rate or unpauses', async () => {
    const { relayer, freezer, govOps } = devnet.accounts
    for (const caller of Object.values(devnet.accounts)) {
      if (caller.address !== relayer.address) {
        await expect(add(ENTITY_A, [addr(1)], caller)).rejects.toThrow(/AccessControlUnauthorizedAccount/)
        await expect(remove([addr(1)], caller)).rejects.toThrow(/AccessControlUnauthorizedAccount/)
      }
      if (caller.address !== freezer.address) {
        await expect(devnet.write(caller, { ...at(), functionName: 'pauseAdditions' })).rejects.toThrow(/AccessControlUnauthorizedAccount/)
      }
      if (caller.address !== govOps.address) {
        await expect(devnet.write(caller, { ...at(), functionName: 'setUpdateRate', args: [1, 1] })).rejects.toThrow(/AccessControlUnauthorizedAccount/)
        await expect(devnet.write(caller, { ...at(), functionName: 'unpauseAdditions' })).rejects.toThrow(/AccessControlUnauthorizedAccount/)
        await expect(devnet.write(caller, { ...at(), functionName: 'grantRole', args: [keccak256(toHex('IDENTITY_WRITER')), caller.address] })).rejects.toThrow(
          /AccessControlUnauthorizedAccount/,
        )
      }
    }
    expect(await isMember(addr(1))).toBe(false)
    await add(ENTITY_A, [addr(1)])
    await devnet.write(freezer, { ...at(), functionName: 'pauseAdditions' })
    await expect(add(ENTITY_A, [addr(2)])).rejects.toThrow(/AdditionsPaused/)
    await remove([addr(1)])
    await devnet.write(govOps, { ...at(), functionName: 'unpauseAdditions' })
    await add(ENTITY_A, [addr(2)])
  })
})

describe('restricted NFATs accept members of the configured Identity Networks', () => {
  it("a restricted unit cannot be transferred to a non-member; a member can receive it; removal from the network closes the door; the ALMProxy is admitted explicitly", async () => {
    const { primeX, primeY, randomAddress } = world.people
    await world.deposit(primeX, M('10'))
    await world.claim(primeX, M('10')) // NFAT #1 to primeX, before restriction
    await world.asAdmin.setWhitelistMode(true)
    await devnet.write(devnet.accounts.govOps, { address: world.facility, abi: nfatFacilityAbi, functionName: 'setIdentityNetworks', args: [[registry]] })
    await world.asAdmin.setWhitelisted(world.almProxy, true)
    await add(ENTITY_A, [primeY.address])
    await expect(world.transfer(primeX, randomAddress.address, 1n)).rejects.toThrow(/NotWhitelisted/)
    await world.transfer(primeX, primeY.address, 1n)
    expect(await world.ownerOf(1n)).toBe(primeY.address)
    await world.transfer(primeY, world.almProxy, 1n) // a contract admitted explicitly
    await remove([primeY.address])
    await expect(
      devnet.write(devnet.accounts.govOps, { address: world.facility, abi: nfatFacilityAbi, functionName: 'setIdentityNetworks', args: [[addr(1), addr(2), addr(3), addr(4), addr(5)]] }),
    ).rejects.toThrow(/TooManyIdentityNetworks/)
    expect(await devnet.publicClient.readContract({ address: world.facility, abi: nfatFacilityAbi, functionName: 'identityNetworks' })).toEqual([registry])
  })
})
