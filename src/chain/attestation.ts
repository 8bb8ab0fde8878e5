import { keccak256, toBytes, type Hex } from 'viem'
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
