import type { Account, Address } from 'viem'
import { identityRegistryAbi, identityRegistryBytecode } from '../generated/index.js'
import { deployContract, type ChainClients } from '../devnet.js'

export type DeployIdentityRegistryParameters = {
  deployer: Account
  /** DEFAULT_ADMIN_ROLE (update rate, unpause additions, role grants): the BEAMTimeLock. */
  admin: Address
  /** WRITER_ROLE: lpha-identity's key, the only one that adds or removes members. */
  writer: Address
  /** PAUSER_ROLE: the freezer (stops additions; removals stay open). */
  pauser: Address
  /** Address changes allowed per window (default 1,000 per day). */
  maxUpdatesPerWindow?: number | undefined
  windowSeconds?: number | undefined
}

/** One Identity Network Halo's registry. */
export function deployIdentityRegistry(clients: ChainClients, p: DeployIdentityRegistryParameters): Promise<Address> {
  return deployContract(clients, {
    abi: identityRegistryAbi,
    bytecode: identityRegistryBytecode,
    account: p.deployer,
    args: [p.admin, p.writer, p.pauser, p.maxUpdatesPerWindow ?? 1_000, p.windowSeconds ?? 86_400],
  })
}
