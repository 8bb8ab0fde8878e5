/**
 * An LCTS queue pair with its token and Holding System: srUSDS over sUSDS for the Generator,
 * or a Prime's TEJRC / TISRC over its asset. The same contracts serve every pair; nothing here
 * assumes a Halo. `admin` wires the pair and keeps DEFAULT_ADMIN_ROLE; `pbeam` (lpha-lcts) gets
 * LCTS_PBEAM on both queues and the Holding System.
 */
import type { Account, Address } from 'viem'
import {
  lctsHoldingSystemAbi,
  lctsHoldingSystemBytecode,
  lctsQueueAbi,
  lctsQueueBytecode,
  lctsTokenAbi,
  lctsTokenBytecode,
  restrictedLCTSTokenAbi,
  restrictedLCTSTokenBytecode,
} from '../generated/index.js'
import { deployContract, writeAndWait, type ChainClients } from '../devnet.js'

export type DeployLctsPairParameters = {
  admin: Account
  /** Address of the LCTS pBEAM (the account lpha-lcts signs with). */
  pbeam: Address
  /** The backing asset (sUSDS for srUSDS). */
  asset: Address
  name: string
  symbol: string
  /** Underlying below which a settled generation converts the rest and finalizes, per queue. */
  subscribeDustThreshold?: bigint | undefined
  redeemDustThreshold?: bigint | undefined
  /**
   * A restricted unit share (RestrictedLCTSToken): only members of these Identity Networks and
   * admitted contracts receive it. The pair's queues are admitted here; `admitted` adds others
   * (a PAU's ALMProxy, an AMM). Omit for an unrestricted token.
   */
  restricted?: { identityNetworks: readonly Address[]; admitted?: readonly Address[] | undefined } | undefined
}

export type LctsPair = { holdingSystem: Address; token: Address; subscribeQueue: Address; redeemQueue: Address; asset: Address }

export async function deployLctsPair(clients: ChainClients, p: DeployLctsPairParameters): Promise<LctsPair> {
  const { admin, pbeam, asset } = p
  const holdingSystem = await deployContract(clients, { abi: lctsHoldingSystemAbi, bytecode: lctsHoldingSystemBytecode, args: [asset, admin.address, pbeam], account: admin })
  const token = p.restricted
    ? await deployContract(clients, { abi: restrictedLCTSTokenAbi, bytecode: restrictedLCTSTokenBytecode, args: [p.name, p.symbol, holdingSystem, admin.address, [...p.restricted.identityNetworks]], account: admin })
    : await deployContract(clients, { abi: lctsTokenAbi, bytecode: lctsTokenBytecode, args: [p.name, p.symbol, holdingSystem], account: admin })
  const { subscribeQueue, redeemQueue } = await deployLctsQueuePair(clients, {
    admin,
    pbeam,
    asset,
    token,
    converter: holdingSystem,
    subscribeDustThreshold: p.subscribeDustThreshold,
    redeemDustThreshold: p.redeemDustThreshold,
  })
  await writeAndWait(clients, admin, { address: holdingSystem, abi: lctsHoldingSystemAbi, functionName: 'wire', args: [token, subscribeQueue, redeemQueue] })
  for (const account of p.restricted ? [subscribeQueue, redeemQueue, ...(p.restricted.admitted ?? [])] : []) {
    await writeAndWait(clients, admin, { address: token, abi: restrictedLCTSTokenAbi, functionName: 'setAdmitted', args: [account, true] })
  }
  return { holdingSystem, token, subscribeQueue, redeemQueue, asset }
}

/**
 * The two queues of an LCTS pair (asset → token, token → asset), each settling against
 * `converter`: a Holding System, or a Trading Halo pool that holds its own backing.
 */
export async function deployLctsQueuePair(
  clients: ChainClients,
  p: { admin: Account; pbeam: Address; asset: Address; token: Address; converter: Address; subscribeDustThreshold?: bigint | undefined; redeemDustThreshold?: bigint | undefined },
): Promise<{ subscribeQueue: Address; redeemQueue: Address }> {
  const queue = (underlying: Address, reward: Address, dust: bigint) =>
    deployContract(clients, { abi: lctsQueueAbi, bytecode: lctsQueueBytecode, args: [underlying, reward, dust, p.admin.address, p.pbeam], account: p.admin })
  const subscribeQueue = await queue(p.asset, p.token, p.subscribeDustThreshold ?? 0n)
  const redeemQueue = await queue(p.token, p.asset, p.redeemDustThreshold ?? 0n)
  for (const q of [subscribeQueue, redeemQueue]) {
    await writeAndWait(clients, p.admin, { address: q, abi: lctsQueueAbi, functionName: 'setConverter', args: [p.converter] })
  }
  return { subscribeQueue, redeemQueue }
}
