import { BaseError as ViemBaseError, ContractFunctionRevertedError, erc20Abi, type Address, type PublicClient } from 'viem'
import { nfatFacilityAbi } from '../../chain/generated/index.js'
import type { NfatOnChain } from '../../domain/risk/position.js'
import { createAttestationRegistry } from '../../chain/attestation.js'

/**
 * What position verification reads on chain, behind a small interface so the rules can be
 * tested without a node. `createVerifyChain` is the viem implementation over the NFAT
 * Facility ABI: the facility is at once the NFAT contract and the redeem contract (funding
 * lives with each token), and it names its ALMProxy and USDS.
 */
export interface VerifyChain {
  /** The NFAT's on-chain record; `{ exists: false }` when never minted or already burned. */
  readNfat(facility: Address, tokenId: bigint): Promise<NfatOnChain>
  /** The facility's ALMProxy and USDS token. */
  facilityContracts(facility: Address): Promise<{ almProxy: Address; usds: Address }>
  /** USDS funded for redemption and not yet redeemed at the facility. */
  fundedForRedemption(facility: Address): Promise<bigint>
  balanceOf(token: Address, holder: Address): Promise<bigint>
  /** The registry's PRE_DEPLOYMENT record of (sleeve, round); undefined when none. */
  preDeploymentRecord(registry: Address, sleeveId: string, round: number): Promise<{ contentHash: string; amount: bigint; revoked: boolean } | undefined>
}

const GONE = new Set(['UnknownToken', 'AlreadyRedeemed'])

export function createVerifyChain(client: PublicClient): VerifyChain {
  const contracts = new Map<string, Promise<{ almProxy: Address; usds: Address }>>()
  return {
    async readNfat(facility, tokenId) {
      try {
        const [nfatFacility, principal, depositor] = await client.readContract({ address: facility, abi: nfatFacilityAbi, functionName: 'unitOf', args: [tokenId] })
        return { exists: true, facility: nfatFacility, principal, depositor }
      } catch (error) {
        const reverted = error instanceof ViemBaseError ? error.walk((e) => e instanceof ContractFunctionRevertedError) : null
        if (reverted instanceof ContractFunctionRevertedError && GONE.has(reverted.data?.errorName ?? '')) return { exists: false }
        throw error
      }
    },
    facilityContracts(facility) {
      const key = facility.toLowerCase()
      let hit = contracts.get(key)
      if (!hit) {
        hit = Promise.all([
          client.readContract({ address: facility, abi: nfatFacilityAbi, functionName: 'almProxy' }),
          client.readContract({ address: facility, abi: nfatFacilityAbi, functionName: 'usds' }),
        ]).then(([almProxy, usds]) => ({ almProxy, usds }))
        hit.catch(() => contracts.delete(key))
        contracts.set(key, hit)
      }
      return hit
    },
    fundedForRedemption: (facility) => client.readContract({ address: facility, abi: nfatFacilityAbi, functionName: 'totalFunded' }),
    balanceOf: (token, holder) => client.readContract({ address: token, abi: erc20Abi, functionName: 'balanceOf', args: [holder] }),
    preDeploymentRecord: (registry, sleeveId, round) => createAttestationRegistry(client as never, registry).recordOf(sleeveId, 'PRE_DEPLOYMENT', round),
  }
}
