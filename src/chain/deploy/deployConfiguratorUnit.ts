import type { Account, Address } from 'viem'
import {
  beamStateAbi,
  beamStateBytecode,
  beamTimeLockAbi,
  beamTimeLockBytecode,
  configuratorAbi,
  configuratorBytecode,
  devnetBEAMTimeLockBytecode,
} from '../generated/index.js'
import { deployContract, writeAndWait, type ChainClients } from '../devnet.js'

export type DeployConfiguratorUnitParameters = {
  deployer: Account
  /** Root of the cascade: appoints aBEAMs on all three contracts. */
  councilBeacon: Account
  /** Admin BEAMs: propose/execute/cancel on the timelock, pause it, remove instantly. */
  aBEAMs: readonly Address[]
  /** Timelock delay; the default is 14 days. BEAMTimeLock refuses less than 7 days. */
  delaySeconds?: bigint | undefined
  /** Deploy DevnetBEAMTimeLock (no delay floor) instead, for a shortened devnet delay. */
  devnet?: boolean | undefined
}

export type DeployConfiguratorUnitReturnType = { timelock: Address; beamState: Address; configurator: Address }

/**
 * BEAMTimeLock → BEAMState → Configurator, then the Council Beacon appoints the aBEAMs on
 * BEAMState and Configurator (on the timelock the constructor already gave them their roles)
 * and gives the Configurator BEAMState's BRAKE_ROLE, so its `stop` can revoke every GovOps.
 */
export async function deployConfiguratorUnit(
  clients: ChainClients,
  { deployer, councilBeacon, aBEAMs, delaySeconds = 14n * 86_400n, devnet = false }: DeployConfiguratorUnitParameters,
): Promise<DeployConfiguratorUnitReturnType> {
  const timelock = await deployContract(clients, {
    abi: beamTimeLockAbi,
    bytecode: devnet ? devnetBEAMTimeLockBytecode : beamTimeLockBytecode,
    args: [delaySeconds, councilBeacon.address, [...aBEAMs]],
    account: deployer,
  })
  const beamState = await deployContract(clients, {
    abi: beamStateAbi,
    bytecode: beamStateBytecode,
    args: [councilBeacon.address, timelock],
    account: deployer,
  })
  const configurator = await deployContract(clients, {
    abi: configuratorAbi,
    bytecode: configuratorBytecode,
    args: [councilBeacon.address, timelock, beamState],
    account: deployer,
  })
  for (const aBEAM of aBEAMs) {
    for (const address of [beamState, configurator]) {
      const role = await clients.publicClient.readContract({ address, abi: beamStateAbi, functionName: 'ABEAM_ROLE' })
      await writeAndWait(clients, councilBeacon, { address, abi: beamStateAbi, functionName: 'grantRole', args: [role, aBEAM] })
    }
  }
  const brakeRole = await clients.publicClient.readContract({ address: beamState, abi: beamStateAbi, functionName: 'BRAKE_ROLE' })
  await writeAndWait(clients, councilBeacon, { address: beamState, abi: beamStateAbi, functionName: 'grantRole', args: [brakeRole, configurator] })
  return { timelock, beamState, configurator }
}
