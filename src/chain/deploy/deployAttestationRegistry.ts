import type { Account, Address } from 'viem'
import { attestationRegistryAbi, attestationRegistryBytecode } from '../generated/index.js'
import { deployContract, type ChainClients } from '../devnet.js'

export type DeployAttestationRegistryParameters = {
  deployer: Account
  /** Holds DEFAULT_ADMIN_ROLE: appoints the aBEAMs who remove attestors and revoke records. */
  councilBeacon: Address
  /** The Configurator Unit's BEAMTimeLock: the only one who adds attestors. */
  timelock: Address
}

/**
 * The on-chain attestation registry gating `Controller.transferForSleeve`. Wiring, all through
 * the timelock (additions): `addAttestor(lpha-attest)` on the registry, and an approved
 * controller action `setAttestationRegistry(registry)` that GovOps then calls; the Council
 * Beacon grants the registry's ABEAM_ROLE like on BEAMState. Off-ramp destinations must then be
 * keyed under LIMIT_SLEEVE_OFFRAMP, not LIMIT_ASSET_TRANSFER, or the gate can be bypassed.
 */
export async function deployAttestationRegistry(clients: ChainClients, p: DeployAttestationRegistryParameters): Promise<Address> {
  return deployContract(clients, {
    abi: attestationRegistryAbi,
    bytecode: attestationRegistryBytecode,
    args: [p.councilBeacon, p.timelock],
    account: p.deployer,
  })
}
