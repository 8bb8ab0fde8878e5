import { keccak256, stringToBytes, type Address, type Hex, type LocalAccount } from 'viem'
import { recoverTypedDataAddress } from '../chain/recoverTypedDataAddress.js'
import { z } from 'zod'
import { BadSignatureError, InvalidInputError } from '../domain/errors.js'
import { canonicalJson } from './log/canonical.js'

/**
 * Every write is an EIP-712 signed command. The signature covers the command name, the
 * keccak256 of the payload's canonical JSON, the idempotency key, the issue time and the
 * optional expected version (-1 = none; EIP-712 has no optional fields).
 */
export const SYNOME_DOMAIN_NAME = 'Synome'
export const SYNOME_DOMAIN_VERSION = '1'
/** Default chain id of the signing domain (anvil's); set per deployment. */
export const DEFAULT_SYNOME_CHAIN_ID = 31337

export const COMMAND_TYPES = {
  Command: [
    { name: 'command', type: 'string' },
    { name: 'payloadHash', type: 'bytes32' },
    { name: 'idempotencyKey', type: 'string' },
    { name: 'issuedAt', type: 'string' },
    { name: 'expectedVersion', type: 'int64' },
  ],
} as const

/** The envelope sent over the wire (and stored in the log). */
export type SignedCommand = {
  command: string
  payload: unknown
  idempotencyKey: string
  issuedAt: string
  expectedVersion?: number | undefined
  signer: Address
  signature: Hex
  /**
   * The fencing token of the signer's beacon lease (src/domain/lease.ts) when an HA instance
   * sends it; not signed and not stored in the log (it is about who may write now, not what).
   */
  lease?: { name: string; epoch: number } | undefined
}

export const SignedCommandSchema = z.strictObject({
  command: z.string().min(1).max(64),
  payload: z.unknown(),
  idempotencyKey: z.string().min(1).max(200).refine((key) => !key.includes('\u0000'), 'idempotencyKey must not contain NUL characters'),
  issuedAt: z.iso.datetime(),
  expectedVersion: z.number().int().min(0).max(2 ** 31 - 1).optional(),
  signer: z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'signer is a 20-byte hex address'),
  signature: z.string().regex(/^0x[0-9a-fA-F]+$/, 'signature is hex'),
  lease: z.strictObject({ name: z.string().min(1).max(200), epoch: z.number().int().positive() }).optional(),
})

export function payloadHash(payload: unknown): Hex {
  return keccak256(stringToBytes(canonicalJson(payload)))
}

function typedData(envelope: Omit<SignedCommand, 'signer' | 'signature'>, chainId: number) {
  return {
    domain: { name: SYNOME_DOMAIN_NAME, version: SYNOME_DOMAIN_VERSION, chainId },
    types: COMMAND_TYPES,
    primaryType: 'Command' as const,
    message: {
      command: envelope.command,
      payloadHash: payloadHash(envelope.payload),
      idempotencyKey: envelope.idempotencyKey,
      issuedAt: envelope.issuedAt,
      expectedVersion: BigInt(envelope.expectedVersion ?? -1),
    },
  }
}

export type SignCommandParameters = {
  account: LocalAccount
  command: string
  payload: unknown
  idempotencyKey: string
  issuedAt: string
  expectedVersion?: number | undefined
  chainId?: number | undefined
}

export async function signCommand({ account, chainId = DEFAULT_SYNOME_CHAIN_ID, ...envelope }: SignCommandParameters): Promise<SignedCommand> {
  if (!account.signTypedData) throw new InvalidInputError('the signer account cannot sign typed data')
  const signature = await account.signTypedData(typedData(envelope, chainId))
  return { ...envelope, ...(envelope.expectedVersion === undefined ? {} : { expectedVersion: envelope.expectedVersion }), signer: account.address, signature }
}

/** Recover the signer; refuses when it is not the claimed `signer`. Returns the checksum-free lowercase address. */
export async function verifyCommandSignature(signed: SignedCommand, chainId = DEFAULT_SYNOME_CHAIN_ID): Promise<Address> {
  let recovered: Address
  try {
    recovered = recoverTypedDataAddress({ ...typedData(signed, chainId), signature: signed.signature })
  } catch (cause) {
    throw new BadSignatureError('signature does not verify', { cause, details: String((cause as Error).message).split('\n')[0] })
  }
  if (recovered.toLowerCase() !== signed.signer.toLowerCase()) {
    throw new BadSignatureError('signature was not made by the claimed signer', { meta: { claimed: signed.signer, recovered } })
  }
  return recovered.toLowerCase() as Address
}
