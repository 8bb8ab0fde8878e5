import fc from 'fast-check'
import { bytesToHex, recoverTypedDataAddress as viemRecover, type Hex } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { describe, expect, it } from 'vitest'
import { NATIVE_SECP256K1, recoverTypedDataAddress } from '../../src/chain/recoverTypedDataAddress.js'

/**
 * The Synome's signer recovery (libsecp256k1) gives viem's answer for every signature viem
 * accepts — v as 27/28 or 0/1, high-s twins included — and refuses what is not a 65-byte
 * (r, s, v) signature by BAD_SIGNATURE.
 */
const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n
const types = { Command: [{ name: 'command', type: 'string' }, { name: 'payloadHash', type: 'bytes32' }, { name: 'idempotencyKey', type: 'string' }, { name: 'issuedAt', type: 'string' }, { name: 'expectedVersion', type: 'int64' }] } as const
const definition = (m: { command: string; payloadHash: Hex; idempotencyKey: string; expectedVersion: bigint }, chainId: number) =>
  ({ domain: { name: 'Synome', version: '1', chainId }, types, primaryType: 'Command' as const, message: { ...m, issuedAt: '2026-12-02T10:00:00.000Z' } })

const privateKey = fc.bigInt({ min: 1n, max: N - 1n }).map((k) => `0x${k.toString(16).padStart(64, '0')}` as Hex)
const message = fc.record({
  command: fc.string({ minLength: 1, maxLength: 40 }),
  payloadHash: fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => bytesToHex(b)),
  idempotencyKey: fc.string({ minLength: 1, maxLength: 60 }),
  expectedVersion: fc.bigInt({ min: -1n, max: 2n ** 31n - 1n }),
})

/** The same signature with s' = n − s and the other parity: also recovers the signer. */
function highS(signature: Hex): Hex {
  const s = BigInt(`0x${signature.slice(66, 130)}`)
  const v = Number.parseInt(signature.slice(130), 16)
  return `${signature.slice(0, 66)}${(N - s).toString(16).padStart(64, '0')}${(v === 27 ? 28 : 27).toString(16)}` as Hex
}

describe('recoverTypedDataAddress (libsecp256k1)', () => {
  it('uses the native binding on this machine', () => {
    expect(NATIVE_SECP256K1).toBe(true)
  })

  it('recovers what viem recovers, for random keys, messages and chains, with v as 27/28 or 0/1 and the high-s twin', async () => {
    await fc.assert(
      fc.asyncProperty(privateKey, message, fc.integer({ min: 1, max: 2 ** 31 }), async (key, m, chainId) => {
        const account = privateKeyToAccount(key)
        const d = definition(m, chainId)
        const signature = await account.signTypedData(d)
        const parity = Number.parseInt(signature.slice(130), 16) - 27
        const variants: Hex[] = [signature, `${signature.slice(0, 130)}0${parity}` as Hex, highS(signature)]
        for (const sig of variants) {
          const ours = recoverTypedDataAddress({ ...d, signature: sig })
          expect(ours).toBe(await viemRecover({ ...d, signature: sig }))
          expect(ours).toBe(account.address)
        }
        // another message under the same signature recovers someone else
        expect(recoverTypedDataAddress({ ...definition({ ...m, expectedVersion: m.expectedVersion + 1n }, chainId), signature })).not.toBe(account.address)
      }),
      { numRuns: 60 },
    )
  })

  it('agrees with viem on random 65-byte strings: the same address, or both refuse', async () => {
    const d = definition({ command: 'x', payloadHash: `0x${'22'.repeat(32)}`, idempotencyKey: 'k', expectedVersion: -1n }, 31337)
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 64, maxLength: 64 }), fc.constantFrom(0, 1, 27, 28), async (rs, v) => {
        const signature = `${bytesToHex(rs)}${v.toString(16).padStart(2, '0')}` as Hex
        const viem = await viemRecover({ ...d, signature }).catch(() => null)
        let ours: string | null = null
        try {
          ours = recoverTypedDataAddress({ ...d, signature })
        } catch (error) {
          expect(error).toMatchObject({ code: 'BAD_SIGNATURE' })
        }
        expect(ours).toBe(viem)
      }),
      { numRuns: 200 },
    )
  })

  it('refuses a signature of another length, a v outside 0/1/27/28 and r = 0 or s ≥ n by BAD_SIGNATURE', async () => {
    const account = privateKeyToAccount(`0x${'11'.repeat(32)}`)
    const d = definition({ command: 'x', payloadHash: `0x${'22'.repeat(32)}`, idempotencyKey: 'k', expectedVersion: -1n }, 31337)
    const signature = await account.signTypedData(d)
    const refused = (sig: string) => expect(() => recoverTypedDataAddress({ ...d, signature: sig as Hex })).toThrow(expect.objectContaining({ code: 'BAD_SIGNATURE' }))
    refused(signature.slice(0, 130)) // 64 bytes (no v)
    refused(`${signature}00`) // 66 bytes
    refused(`${signature.slice(0, 130)}1d`) // v = 29
    refused(`${signature.slice(0, 130)}02`) // v = 2
    refused(`0x${'00'.repeat(32)}${signature.slice(66)}`) // r = 0
    refused(`${signature.slice(0, 66)}${N.toString(16)}${signature.slice(130)}`) // s = n
    refused('0xzz')
  })
})
