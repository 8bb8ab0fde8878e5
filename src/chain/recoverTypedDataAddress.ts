import { createRequire } from 'node:module'
import type Secp256k1 from 'secp256k1'
import { hashTypedData, hexToBytes, type Address, type Hex, type TypedData, type TypedDataDefinition } from 'viem'
import { BadSignatureError } from '../domain/errors.js'
import { checksumAddress, keccak256Hex } from './keccak.js'

/**
 * EIP-712 signer recovery with libsecp256k1 (the `secp256k1` package's N-API binding, shipped
 * as a prebuilt linux-x64/darwin/win32 binary, so no install script runs). Same answer as
 * viem's `recoverTypedDataAddress`, ~0.07 ms instead of ~3.8 ms per signature on this machine
 * (test/chain/recoverTypedDataAddress.test.ts proves the equality, bench/synome measures the
 * Synome's throughput with it): the Synome recovers one signer per command on its event loop,
 * and viem's pure-JS curve arithmetic was its limit (README bench, docs/synome.md). The typed
 * data is still hashed by viem; only the curve step moved.
 *
 * Stricter than viem on the format, never looser: exactly 65 bytes (r ‖ s ‖ v) with v in
 * {0, 1, 27, 28}; r and s must be in [1, n) (libsecp256k1 refuses otherwise).
 */
export type RecoverTypedDataAddressParameters<T extends TypedData | Record<string, unknown> = TypedData, P extends keyof T | 'EIP712Domain' = keyof T> = TypedDataDefinition<T, P> & { signature: Hex }
export type RecoverTypedDataAddressReturnType = Address
export type RecoverTypedDataAddressErrorType = BadSignatureError

const { secp256k1, native } = loadSecp256k1()
/** True when the native binding loaded (not the package's pure-JS fallback: same answers, ~10× slower). */
export const NATIVE_SECP256K1 = native

export function recoverTypedDataAddress<const T extends TypedData | Record<string, unknown>, P extends keyof T | 'EIP712Domain'>(p: RecoverTypedDataAddressParameters<T, P>): RecoverTypedDataAddressReturnType {
  const { signature, ...definition } = p
  return recoverDigestAddress(hexToBytes(hashTypedData(definition as TypedDataDefinition)), signature)
}

/** The signer of a 32-byte digest (an EIP-712 hash computed by the caller, e.g. the Synome's cached-domain commandDigest). Same format checks. */
export function recoverDigestAddress(digest: Uint8Array, signature: Hex): RecoverTypedDataAddressReturnType {
  if (digest.length !== 32) throw new BadSignatureError('a digest is 32 bytes', { details: `got ${digest.length} bytes` })
  if (!/^0x[0-9a-fA-F]{130}$/.test(signature)) throw new BadSignatureError('a signature is 65 bytes of hex (r, s, v)', { details: `got ${(signature.length - 2) / 2} bytes` })
  const bytes = hexToBytes(signature)
  const v = bytes[64]!
  const recoveryId = v >= 27 ? v - 27 : v
  if (recoveryId !== 0 && recoveryId !== 1) throw new BadSignatureError('signature v must be 0, 1, 27 or 28', { details: `v = ${v}` })
  let publicKey: Uint8Array
  try {
    publicKey = secp256k1.ecdsaRecover(bytes.subarray(0, 64), recoveryId, digest, false)
  } catch (cause) {
    throw new BadSignatureError('signature does not recover a public key', { cause, details: (cause as Error).message })
  }
  return checksumAddress(keccak256Hex(publicKey.subarray(1)).slice(26))
}

function loadSecp256k1(): { secp256k1: typeof Secp256k1; native: boolean } {
  const require = createRequire(import.meta.url)
  try {
    return { secp256k1: require('secp256k1/bindings') as typeof Secp256k1, native: true }
  } catch {
    return { secp256k1: require('secp256k1/elliptic') as typeof Secp256k1, native: false }
  }
}
