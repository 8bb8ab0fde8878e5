import fc from 'fast-check'
import { bytesToHex, hashTypedData, type Hex } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { describe, expect, it } from 'vitest'
import { COMMAND_TYPES, SYNOME_DOMAIN_NAME, SYNOME_DOMAIN_VERSION, commandDigest, payloadHash, signCommand, verifyCommandSignature } from '../../src/synome/signing.js'

/**
 * The Synome's own EIP-712 digest of a command (cached domain separator, the five words encoded
 * directly) is viem's hashTypedData of the same typed data, for any strings, versions and chain
 * ids; and a command signed by viem verifies through it, while a changed field does not.
 */
const message = fc.record({
  command: fc.string({ maxLength: 40, unit: 'grapheme' }),
  payloadHash: fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => bytesToHex(b)),
  idempotencyKey: fc.string({ maxLength: 200, unit: 'binary' }),
  issuedAt: fc.string({ maxLength: 40 }),
  expectedVersion: fc.option(fc.integer({ min: 0, max: 2 ** 31 - 1 }), { nil: undefined }),
})

const viemDigest = (m: { command: string; payloadHash: Hex; idempotencyKey: string; issuedAt: string; expectedVersion: number | undefined }, chainId: number) =>
  hashTypedData({ domain: { name: SYNOME_DOMAIN_NAME, version: SYNOME_DOMAIN_VERSION, chainId }, types: COMMAND_TYPES, primaryType: 'Command', message: { ...m, expectedVersion: BigInt(m.expectedVersion ?? -1) } })

describe('commandDigest', () => {
  it("equals viem's hashTypedData for random commands, keys (any UTF-16, surrogates included), versions and chain ids", () => {
    fc.assert(
      fc.property(message, fc.integer({ min: 1, max: 2 ** 40 }), (m, chainId) => {
        expect(bytesToHex(commandDigest(m, chainId))).toBe(viemDigest(m, chainId))
      }),
      { numRuns: 300 },
    )
  })

  it('the exact digest of one command (expectedVersion absent = -1, and 0)', () => {
    const m = { command: 'createSleeve', payloadHash: payloadHash({ sleeveId: 's-1', haloClass: 'c' }), idempotencyKey: 's-1:create', issuedAt: '2026-12-02T10:00:00.000Z', expectedVersion: undefined }
    expect(bytesToHex(commandDigest(m, 31337))).toBe(viemDigest(m, 31337))
    expect(bytesToHex(commandDigest({ ...m, expectedVersion: 0 }, 31337))).toBe(viemDigest({ ...m, expectedVersion: 0 }, 31337))
    expect(bytesToHex(commandDigest(m, 31337))).not.toBe(bytesToHex(commandDigest({ ...m, expectedVersion: 0 }, 31337)))
  })

  it('a command signed by viem verifies; another chain id, a changed field or a wrong payload hash does not (BAD_SIGNATURE)', async () => {
    const account = privateKeyToAccount(`0x${'42'.repeat(32)}`)
    const signed = await signCommand({ account, command: 'createSleeve', payload: { sleeveId: 'é-1', haloClass: 'c' }, idempotencyKey: 'k-ü', issuedAt: '2026-12-02T10:00:00.000Z', expectedVersion: 3 })
    expect(await verifyCommandSignature(signed)).toBe(account.address.toLowerCase())
    expect(await verifyCommandSignature(signed, 31337, payloadHash(signed.payload))).toBe(account.address.toLowerCase())
    const refused = { code: 'BAD_SIGNATURE' }
    await expect(verifyCommandSignature(signed, 1)).rejects.toMatchObject(refused)
    await expect(verifyCommandSignature({ ...signed, expectedVersion: 4 })).rejects.toMatchObject(refused)
    await expect(verifyCommandSignature({ ...signed, idempotencyKey: 'k-u' })).rejects.toMatchObject(refused)
    await expect(verifyCommandSignature(signed, 31337, payloadHash({ sleeveId: 'é-2', haloClass: 'c' }))).rejects.toMatchObject(refused)
    // what JSON from a tampered backup may carry instead of a string or an int64
    await expect(verifyCommandSignature({ ...signed, command: 7 as unknown as string })).rejects.toMatchObject(refused)
    await expect(verifyCommandSignature({ ...signed, expectedVersion: 1.5 })).rejects.toMatchObject(refused)
  })
})
