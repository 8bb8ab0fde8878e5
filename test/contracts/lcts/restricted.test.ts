/**
 * A restricted Halo Unit's share (identity-network.md "Restricted Halo Units"): an LCTS pair
 * whose token only members of an accepted Identity Network or admitted contracts receive. The
 * stories: a member subscribes and claims; a non-member's claim and a transfer to a non-member
 * revert with NotAdmitted and move nothing; a PAU's ALMProxy holds shares once admitted; a
 * member removed from the network can no longer receive but can still redeem. And every
 * external function of the token per caller.
 */
import { keccak256, toHex, zeroAddress, type Account, type Address } from 'viem'
import { beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { deployIdentityRegistry } from '../../../src/chain/deploy/deployIdentityRegistry.js'
import { deployLctsPair, type LctsPair } from '../../../src/chain/deploy/deployLcts.js'
import { deployDevnetAssets, type DeployDevnetAssetsReturnType } from '../../../src/chain/deploy/deployDevnetAssets.js'
import { identityRegistryAbi, lctsQueueAbi, restrictedLCTSTokenAbi } from '../../../src/chain/generated/index.js'
import { useDevnet, type Devnet } from '../../fixtures/devnet.js'
import { approve, balanceOf, extraAccounts, fundSusds, t, type SrUsds } from './pair.js'

let devnet: Devnet
let s: SrUsds
let registry: Address
let almProxy: Address
/** A second member of the network (a funded extra account). */
let carol: Account
const entity = keccak256(toHex('acme-fund'))

const token = () => ({ address: s.token, abi: restrictedLCTSTokenAbi }) as const
const q = (address: Address) => ({ address, abi: lctsQueueAbi }) as const
const subscribeAndSettle = async (amount: bigint, who = devnet.accounts.alice) => {
  await devnet.write(who, { ...q(s.subscribeQueue), functionName: 'deposit', args: [amount] })
  await devnet.write(s.pbeam, { ...q(s.subscribeQueue), functionName: 'lock' })
  await devnet.write(s.pbeam, { ...q(s.subscribeQueue), functionName: 'settle', args: [amount] })
}
const claim = (who = devnet.accounts.alice) => devnet.write(who, { ...q(s.subscribeQueue), functionName: 'claim' })
const transfer = (from: Account, to: Address, amount: bigint) => devnet.write(from, { ...token(), functionName: 'transfer', args: [to, amount] })

beforeAll(async () => {
  devnet = await useDevnet()
  const { deployer, govOps, relayer, freezer, alice, bob } = devnet.accounts
  carol = (await extraAccounts(devnet, 1, 'carol-member'))[0]!
  registry = await deployIdentityRegistry(devnet, { deployer, admin: govOps.address, writer: relayer.address, pauser: freezer.address })
  await devnet.write(relayer, { address: registry, abi: identityRegistryAbi, functionName: 'addMembers', args: [entity, [alice.address, carol.address]] })
  const [pbeam] = await extraAccounts(devnet, 1, 'lpha-lcts-restricted')
  const assets: DeployDevnetAssetsReturnType = await deployDevnetAssets(devnet, { owner: deployer })
  almProxy = keccak256(toHex('a PAU ALMProxy')).slice(0, 42) as Address
  const pair: LctsPair = await deployLctsPair(devnet, {
    admin: deployer,
    pbeam: pbeam!.address,
    asset: assets.susds,
    name: 'Restricted Unit Share',
    symbol: 'rUNIT',
    restricted: { identityNetworks: [registry], admitted: [almProxy] },
  })
  s = { ...assets, ...pair, pbeam: pbeam!, admin: deployer }
  await fundSusds(devnet, s, [alice.address, bob.address], t('10000'))
  for (const who of [alice, bob]) {
    await approve(devnet, who, s.susds, s.subscribeQueue)
    await approve(devnet, who, s.token, s.redeemQueue)
  }
}, 120_000)
beforeEach(() => devnet.isolate())

describe('a restricted unit share', () => {
  it('a member subscribes 1,000 and claims 1,000 shares; a transfer to another member goes through', async () => {
    await subscribeAndSettle(t('1000'))
    await claim()
    expect(await balanceOf(devnet, s.token, devnet.accounts.alice.address)).toBe(t('1000'))
    await transfer(devnet.accounts.alice, carol.address, t('250'))
    expect(await balanceOf(devnet, s.token, carol.address)).toBe(t('250'))
  })

  it('a share cannot be transferred to a non-member: NotAdmitted, and nothing moves', async () => {
    await subscribeAndSettle(t('1000'))
    await claim()
    const { alice, bob } = devnet.accounts
    await expect(transfer(alice, bob.address, t('1'))).rejects.toThrow(/NotAdmitted/)
    expect(await balanceOf(devnet, s.token, bob.address)).toBe(0n)
    expect(await balanceOf(devnet, s.token, alice.address)).toBe(t('1000'))
  })

  it('a non-member’s subscription settles but its claim of shares reverts NotAdmitted (the shares wait in the queue)', async () => {
    const { bob } = devnet.accounts
    await subscribeAndSettle(t('500'), bob)
    await expect(claim(bob)).rejects.toThrow(/NotAdmitted/)
    expect(await balanceOf(devnet, s.token, s.subscribeQueue)).toBe(t('500'))
  })

  it('a PAU’s ALMProxy holds shares because it was admitted explicitly', async () => {
    await subscribeAndSettle(t('1000'))
    await claim()
    await transfer(devnet.accounts.alice, almProxy, t('400'))
    expect(await balanceOf(devnet, s.token, almProxy)).toBe(t('400'))
  })

  it('a member removed from the network can no longer receive, but can still redeem through the admitted redeem queue', async () => {
    const { alice, relayer } = devnet.accounts
    await subscribeAndSettle(t('1000'))
    await claim()
    await devnet.write(relayer, { address: registry, abi: identityRegistryAbi, functionName: 'removeMembers', args: [[alice.address]] })
    await transfer(alice, carol.address, t('100'))
    await expect(transfer(carol, alice.address, t('1'))).rejects.toThrow(/NotAdmitted/)
    await devnet.write(alice, { ...q(s.redeemQueue), functionName: 'deposit', args: [t('900')] })
    expect(await balanceOf(devnet, s.token, s.redeemQueue)).toBe(t('900'))
  })
})

describe('RestrictedLCTSToken access control (every external function per caller)', () => {
  it('setAdmitted: the admin only; zero address refused', async () => {
    const { attacker, bob, deployer } = devnet.accounts
    await expect(devnet.write(attacker, { ...token(), functionName: 'setAdmitted', args: [attacker.address, true] })).rejects.toThrow(/AccessControlUnauthorizedAccount/)
    await expect(devnet.write(deployer, { ...token(), functionName: 'setAdmitted', args: [zeroAddress, true] })).rejects.toThrow(/ZeroAddress/)
    await devnet.write(deployer, { ...token(), functionName: 'setAdmitted', args: [bob.address, true] })
    expect(await devnet.publicClient.readContract({ ...token(), functionName: 'isAdmitted', args: [bob.address] })).toBe(true)
  })

  it('setIdentityNetworks: the admin only; at most MAX_NETWORKS; an empty list leaves only admitted contracts', async () => {
    const { attacker, deployer, alice } = devnet.accounts
    await expect(devnet.write(attacker, { ...token(), functionName: 'setIdentityNetworks', args: [[]] })).rejects.toThrow(/AccessControlUnauthorizedAccount/)
    await expect(devnet.write(deployer, { ...token(), functionName: 'setIdentityNetworks', args: [[registry, registry, registry, registry, registry]] })).rejects.toThrow(/TooManyNetworks/)
    await expect(devnet.write(deployer, { ...token(), functionName: 'setIdentityNetworks', args: [[zeroAddress]] })).rejects.toThrow(/ZeroAddress/)
    expect(await devnet.publicClient.readContract({ ...token(), functionName: 'identityNetworks' })).toEqual([registry])
    await devnet.write(deployer, { ...token(), functionName: 'setIdentityNetworks', args: [[almProxy, registry]] })
    expect(await devnet.publicClient.readContract({ ...token(), functionName: 'identityNetworks' })).toEqual([almProxy, registry].map((a) => expect.stringMatching(new RegExp(a, 'i'))))
    await devnet.write(deployer, { ...token(), functionName: 'setIdentityNetworks', args: [[]] })
    expect(await devnet.publicClient.readContract({ ...token(), functionName: 'identityNetworks' })).toEqual([])
    expect(await devnet.publicClient.readContract({ ...token(), functionName: 'isAdmitted', args: [alice.address] })).toBe(false)
    expect(await devnet.publicClient.readContract({ ...token(), functionName: 'isAdmitted', args: [s.subscribeQueue] })).toBe(true)
  })

  it('mint and burn: the Holding System only (NotHoldingSystem for anyone else, the admin included)', async () => {
    const { attacker, deployer, alice } = devnet.accounts
    for (const who of [attacker, deployer]) {
      await expect(devnet.write(who, { ...token(), functionName: 'mint', args: [alice.address, 1n] })).rejects.toThrow(/NotHoldingSystem/)
      await expect(devnet.write(who, { ...token(), functionName: 'burn', args: [1n] })).rejects.toThrow(/NotHoldingSystem/)
    }
  })

  it('a constructor with a zero admin or holding system is refused', async () => {
    const { deployer } = devnet.accounts
    const { restrictedLCTSTokenBytecode } = await import('../../../src/chain/generated/index.js')
    await expect(devnet.deploy({ abi: restrictedLCTSTokenAbi, bytecode: restrictedLCTSTokenBytecode }, ['x', 'x', s.holdingSystem, zeroAddress, []], deployer)).rejects.toThrow()
    await expect(devnet.deploy({ abi: restrictedLCTSTokenAbi, bytecode: restrictedLCTSTokenBytecode }, ['x', 'x', zeroAddress, deployer.address, []], deployer)).rejects.toThrow()
  })
})
