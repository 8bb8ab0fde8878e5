import { encodeFunctionData, keccak256, toBytes, type Address, type Chain, type Hex, type PublicClient, type Transport } from 'viem'
import { canonicalJson } from '../synome/log/canonical.js'
import { attestationRegistryAbi } from './generated/index.js'
import { ATTESTATION_TYPES, type AttestationType } from '../domain/sleeve.js'

/**
 * Encodings shared by lpha-attest (which records), lpha-nfat (which off-ramps) and lpla-verify
 * (which checks) for contracts/attestation/AttestationRegistry.sol.
 */

/** The registry's bytes32 sleeve id: keccak256 of the Synome's sleeve entity id. */
export function attestationSleeveKey(sleeveId: string): Hex {
  return keccak256(toBytes(sleeveId))
}

/** The registry's enum value for an attestation type (same order as ATTESTATION_TYPES). */
export function attestationTypeIndex(type: AttestationType): number {
  return ATTESTATION_TYPES.indexOf(type)
}

/** The registry's contentHash of an attestation: keccak256 of its content's canonical JSON (what the Synome stores). */
export function attestationContentHash(content: unknown): Hex {
  return keccak256(toBytes(canonicalJson(content)))
}

/** One record as the registry holds it (recordedAt 0: none). */
export type OnChainAttestation = { contentHash: Hex; amount: bigint; recordedAt: bigint; revoked: boolean; attestor: Address }

export function createAttestationRegistry(publicClient: PublicClient<Transport, Chain>, registry: Address) {
  return {
    address: registry,
    /** The record for (sleeve, type, round), or undefined when none was made. */
    async recordOf(sleeveId: string, type: AttestationType, round: number): Promise<OnChainAttestation | undefined> {
      const a = await publicClient.readContract({ address: registry, abi: attestationRegistryAbi, functionName: 'attestationOf', args: [attestationSleeveKey(sleeveId), attestationTypeIndex(type), BigInt(round)] })
      if (a.recordedAt === 0n) return undefined
      return { contentHash: a.contentHash, amount: a.amount, recordedAt: a.recordedAt, revoked: a.revoked, attestor: a.attestor }
    },
    recordCall(p: { sleeveId: string; type: AttestationType; round: number; contentHash: Hex; amount: bigint }): { to: Address; data: Hex } {
      return { to: registry, data: encodeFunctionData({ abi: attestationRegistryAbi, functionName: 'record', args: [attestationSleeveKey(p.sleeveId), attestationTypeIndex(p.type), BigInt(p.round), p.contentHash, p.amount] }) }
    },
  }
}
export type AttestationRegistryClient = ReturnType<typeof createAttestationRegistry>
