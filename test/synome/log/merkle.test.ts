import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  consistencyProof,
  fromHex,
  inclusionProof,
  leafHash,
  rootOf,
  toHex,
  verifyConsistency,
  verifyInclusion,
} from '../../../src/synome/log/merkle.js'

// The RFC 6962 test vectors used by Certificate Transparency implementations.
const VECTOR_LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f']
const leaves = VECTOR_LEAVES.map((hex) => leafHash(fromHex(`0x${hex}`)))

const tree = (n: number) => Array.from({ length: n }, (_, i) => leafHash(Uint8Array.of(i & 0xff, i >> 8)))
const flip = (hash: Uint8Array) => Uint8Array.from(hash, (b, i) => (i === 0 ? b ^ 1 : b))

describe('RFC 9162 Merkle tree over the event log', () => {
  it('matches the RFC 6962 reference roots', () => {
    expect(toHex(rootOf([]))).toBe('0xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')
    expect(toHex(rootOf(leaves.slice(0, 1)))).toBe('0x6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d')
    expect(toHex(rootOf(leaves))).toBe('0x5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328')
  })

  it('every inclusion proof verifies, and a changed leaf, index, size, root or path element does not', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 130 }), fc.nat(), (n, seed) => {
        const t = tree(n)
        const root = rootOf(t)
        const index = seed % n
        const proof = inclusionProof(t, index)
        const ok = { leaf: t[index]!, index, treeSize: n, proof, root }
        expect(verifyInclusion(ok)).toBe(true)
        expect(verifyInclusion({ ...ok, leaf: flip(ok.leaf) })).toBe(false)
        expect(verifyInclusion({ ...ok, root: flip(root) })).toBe(false)
        if (n > 1) expect(verifyInclusion({ ...ok, index: (index + 1) % n })).toBe(false)
        if (proof.length > 0) expect(verifyInclusion({ ...ok, proof: [flip(proof[0]!), ...proof.slice(1)] })).toBe(false)
      }),
      { numRuns: 200 },
    )
  })

  it('every consistency proof verifies; a forked or rewritten prefix does not', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 130 }), fc.nat(), (n, seed) => {
        const t = tree(n)
        const m = seed % (n + 1)
        const proof = consistencyProof(t, m)
        const ok = { oldSize: m, newSize: n, oldRoot: rootOf(t.slice(0, m)), newRoot: rootOf(t), proof }
        expect(verifyConsistency(ok)).toBe(true)
        if (m > 0 && m < n) {
          // A fork: the old checkpoint's log had a different event somewhere in its prefix.
          const forked = [...t]
          forked[seed % m] = flip(forked[seed % m]!)
          expect(verifyConsistency({ ...ok, oldRoot: rootOf(forked.slice(0, m)) })).toBe(false)
          expect(verifyConsistency({ ...ok, newRoot: rootOf(forked) })).toBe(false)
          expect(verifyConsistency({ ...ok, proof: [flip(proof[0]!), ...proof.slice(1)] })).toBe(false)
        }
      }),
      { numRuns: 200 },
    )
  })

  it('refuses sizes outside the tree', () => {
    expect(() => inclusionProof(tree(3), 3)).toThrow(/outside/)
    expect(() => consistencyProof(tree(3), 4)).toThrow(/outside/)
  })
})
