/**
 * The Synome's keccak-256 and EIP-55 checksum (src/chain/keccak.ts, js-sha3) give exactly what
 * viem's keccak256 and getAddress give, for any bytes and any address (fast-check), and the
 * checksum refuses anything but 40 lowercase hex digits.
 */
import fc from 'fast-check'
import { getAddress, keccak256, toHex } from 'viem'
import { describe, expect, it } from 'vitest'
import { checksumAddress, keccak256Bytes, keccak256Hex } from '../../src/chain/keccak.js'

describe('keccak-256 and EIP-55 as viem computes them', () => {
  it('keccak256Hex / keccak256Bytes equal viem keccak256 on random bytes of every length around the 136-byte block', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 700 }), (data) => {
        const expected = keccak256(data)
        expect(keccak256Hex(data)).toBe(expected)
        expect(toHex(keccak256Bytes(data))).toBe(expected)
      }),
      { numRuns: 400 },
    )
    for (const length of [0, 135, 136, 137, 271, 272, 273]) expect(keccak256Hex(new Uint8Array(length).fill(0xa5))).toBe(keccak256(new Uint8Array(length).fill(0xa5)))
  })

  it('checksumAddress equals viem getAddress for random addresses, and refuses other input', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 20, maxLength: 20 }), (bytes) => {
        const lower = toHex(bytes).slice(2)
        expect(checksumAddress(lower)).toBe(getAddress(`0x${lower}`))
      }),
      { numRuns: 400 },
    )
    for (const bad of ['', '0x' + 'a'.repeat(40), 'A'.repeat(40), 'g'.repeat(40), 'a'.repeat(39)]) expect(() => checksumAddress(bad)).toThrow(/40 lowercase hex/)
  })
})
