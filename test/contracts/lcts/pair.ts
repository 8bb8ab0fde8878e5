/** An srUSDS LCTS pair on a devnet, its users and the reads the LCTS chain tests share. */
import { keccak256, parseUnits, toHex, type Account, type Address } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { erc20Abi } from 'viem'
import { lctsQueueAbi, susdsAbi, usdsAbi } from '../../../src/chain/generated/index.js'
import { deployDevnetAssets, type DeployDevnetAssetsReturnType } from '../../../src/chain/deploy/deployDevnetAssets.js'
import { deployLctsPair, type LctsPair } from '../../../src/chain/deploy/deployLcts.js'
import type { Devnet } from '../../fixtures/devnet.js'

export const t = (amount: string) => parseUnits(amount, 18)

/** `count` funded accounts beyond anvil's ten (deterministic keys, 100 ETH each). */
export async function extraAccounts(devnet: Devnet, count: number, seed = 'lcts-user'): Promise<Account[]> {
  const accounts = Array.from({ length: count }, (_, i) => privateKeyToAccount(keccak256(toHex(`${seed}-${i}`))))
  for (const account of accounts) await devnet.testClient.setBalance({ address: account.address, value: 10n ** 20n })
  return accounts
}

export type SrUsds = LctsPair & DeployDevnetAssetsReturnType & { pbeam: Account; admin: Account }

/** sUSDS from the devnet vault, an srUSDS pair over it; lpha-lcts's pBEAM is a dedicated key. */
export async function deploySrUsds(devnet: Devnet, options: { subscribeDustThreshold?: bigint; redeemDustThreshold?: bigint } = {}): Promise<SrUsds> {
  const admin = devnet.accounts.deployer
  const [pbeam] = await extraAccounts(devnet, 1, 'lpha-lcts')
  const assets = await deployDevnetAssets(devnet, { owner: admin })
  const pair = await deployLctsPair(devnet, { admin, pbeam: pbeam!.address, asset: assets.susds, name: 'Senior Risk USDS', symbol: 'srUSDS', ...options })
  return { ...assets, ...pair, pbeam: pbeam!, admin }
}

/** Mint USDS, wrap it into sUSDS and send it to each of `to` (`amount` each). */
export async function fundSusds(devnet: Devnet, s: SrUsds, to: readonly Address[], amount: bigint) {
  const admin = s.admin
  const total = amount * BigInt(to.length)
  await devnet.write(admin, { address: s.usds, abi: usdsAbi, functionName: 'mint', args: [admin.address, total] })
  await devnet.write(admin, { address: s.usds, abi: usdsAbi, functionName: 'approve', args: [s.susds, total] })
  await devnet.write(admin, { address: s.susds, abi: susdsAbi, functionName: 'deposit', args: [total, admin.address] })
  for (const address of to) await devnet.write(admin, { address: s.susds, abi: erc20Abi, functionName: 'transfer', args: [address, amount] })
}

export const balanceOf = (devnet: Devnet, token: Address, who: Address) =>
  devnet.publicClient.readContract({ address: token, abi: erc20Abi, functionName: 'balanceOf', args: [who] })

export async function approve(devnet: Devnet, account: Account, token: Address, spender: Address, amount = 2n ** 255n) {
  await devnet.write(account, { address: token, abi: erc20Abi, functionName: 'approve', args: [spender, amount] })
}

export type ChainQueue = {
  status: number
  currentGenerationId: bigint
  nextGenerationId: bigint
  totalShares: bigint
  totalUnderlying: bigint
  rewardPerTokenRay: bigint
}

export async function readQueue(devnet: Devnet, queue: Address): Promise<ChainQueue> {
  const read = (functionName: 'status' | 'currentGenerationId' | 'nextGenerationId' | 'totalShares' | 'totalUnderlying' | 'rewardPerTokenRay') =>
    devnet.publicClient.readContract({ address: queue, abi: lctsQueueAbi, functionName }) as Promise<bigint | number>
  const [status, currentGenerationId, nextGenerationId, totalShares, totalUnderlying, rewardPerTokenRay] = await Promise.all([
    read('status'), read('currentGenerationId'), read('nextGenerationId'), read('totalShares'), read('totalUnderlying'), read('rewardPerTokenRay'),
  ])
  return {
    status: Number(status),
    currentGenerationId: BigInt(currentGenerationId),
    nextGenerationId: BigInt(nextGenerationId),
    totalShares: BigInt(totalShares),
    totalUnderlying: BigInt(totalUnderlying),
    rewardPerTokenRay: BigInt(rewardPerTokenRay),
  }
}

export const positionOf = (devnet: Devnet, queue: Address, user: Address) =>
  devnet.publicClient.readContract({ address: queue, abi: lctsQueueAbi, functionName: 'positionOf', args: [user] })
