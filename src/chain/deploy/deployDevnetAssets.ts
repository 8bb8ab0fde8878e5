import type { Account, Address } from 'viem'
import { psmAbi, psmBytecode, susdsAbi, susdsBytecode, usdcAbi, usdcBytecode, usdsAbi, usdsBytecode } from '../generated/index.js'
import { deployContract, writeAndWait, type ChainClients } from '../devnet.js'

export type DeployDevnetAssetsParameters = {
  /** Owns USDS and USDC (the only minter). */
  owner: Account
  /** PSM reserves minted at deployment, in USDS (the USDC side gets the same value). */
  psmLiquidityUsds?: bigint | undefined
}

export type DeployDevnetAssetsReturnType = { usds: Address; usdc: Address; psm: Address; susds: Address }

/** USDS, USDC, a PSM seeded on both sides, and sUSDS (devnet only). */
export async function deployDevnetAssets(
  clients: ChainClients,
  { owner, psmLiquidityUsds = 10n ** 9n * 10n ** 18n }: DeployDevnetAssetsParameters,
): Promise<DeployDevnetAssetsReturnType> {
  const usds = await deployContract(clients, { abi: usdsAbi, bytecode: usdsBytecode, args: [owner.address], account: owner })
  const usdc = await deployContract(clients, { abi: usdcAbi, bytecode: usdcBytecode, args: [owner.address], account: owner })
  const psm = await deployContract(clients, { abi: psmAbi, bytecode: psmBytecode, args: [usds, usdc], account: owner })
  const susds = await deployContract(clients, { abi: susdsAbi, bytecode: susdsBytecode, args: [usds], account: owner })
  await writeAndWait(clients, owner, { address: usds, abi: usdsAbi, functionName: 'mint', args: [psm, psmLiquidityUsds] })
  await writeAndWait(clients, owner, { address: usdc, abi: usdcAbi, functionName: 'mint', args: [psm, psmLiquidityUsds / 10n ** 12n] })
  return { usds, usdc, psm, susds }
}
