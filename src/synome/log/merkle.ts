import { createHash } from 'node:crypto'
import { InvalidInputError } from '../../domain/errors.js'

/**
 * The Merkle tree of RFC 9162 (Certificate Transparency 2.0, §2.1) over the Synome's event
 * hashes, so a reader can check one event against a signed checkpoint (inclusion proof) and
 * that a later checkpoint extends an earlier one (consistency proof) without the whole log.
 * Why our own ~150 lines: no well-kept npm package implements RFC 9162's consistency proofs;
 * the algorithms below follow the RFC's pseudocode step for step and are tested against its
 * properties (every proof verifies, any changed leaf, size or root fails).
 *
 *   leaf hash  = SHA-256(0x00 ‖ event hash)
 *   node hash  = SHA-256(0x01 ‖ left ‖ right)
 *   MTH({})    = SHA-256()
 *
 * Hashes are 32-byte Uint8Arrays inside and 0x-hex at the edges, like the event hashes.
 * Building a proof is O(n) hashing in the tree size (bounded by `MAX_TREE_SIZE`); verifying
 * is O(log n).
 */
export const MAX_TREE_SIZE = 1 << 26

export type Hash = Uint8Array

const sha256 = (...parts: Uint8Array[]): Hash => {
  const h = createHash('sha256')
  for (const part of parts) h.update(part)
  return new Uint8Array(h.digest())
}
const LEAF = Uint8Array.of(0)
const NODE = Uint8Array.of(1)

export const leafHash = (data: Uint8Array): Hash => sha256(LEAF, data)
export const nodeHash = (left: Hash, right: Hash): Hash => sha256(NODE, left, right)

export function fromHex(hex: string): Uint8Array {
  if (!/^0x([0-9a-fA-F]{2})*$/.test(hex)) throw new InvalidInputError('not a 0x-hex byte string', { details: hex })
  return new Uint8Array(Buffer.from(hex.slice(2), 'hex'))
}
export const toHex = (bytes: Uint8Array): string => `0x${Buffer.from(bytes).toString('hex')}`
const equal = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((byte, i) => byte === b[i])

/** The largest power of two strictly smaller than n (n ≥ 2). */
function split(n: number): number {
  let k = 1
  while (k << 1 < n) k <<= 1
  return k
}

function checkSize(n: number) {
  if (!Number.isSafeInteger(n) || n < 0 || n > MAX_TREE_SIZE) throw new InvalidInputError(`tree size must be 0..${MAX_TREE_SIZE}`, { details: String(n) })
}

/** MTH(D[n]) over leaf hashes. */
export function rootOf(leaves: readonly Hash[]): Hash {
  checkSize(leaves.length)
  if (leaves.length === 0) return sha256()
  return subtreeRoot(leaves, 0, leaves.length)
}

function subtreeRoot(leaves: readonly Hash[], start: number, end: number): Hash {
  const n = end - start
  if (n === 1) return leaves[start]!
  const k = split(n)
  return nodeHash(subtreeRoot(leaves, start, start + k), subtreeRoot(leaves, start + k, end))
}

/** PATH(m, D[n]): the audit path of leaf `index` in the tree of `leaves`. */
export function inclusionProof(leaves: readonly Hash[], index: number): Hash[] {
  checkSize(leaves.length)
  if (!Number.isSafeInteger(index) || index < 0 || index >= leaves.length) throw new InvalidInputError('leaf index outside the tree', { details: `${index} of ${leaves.length}` })
  const path: Hash[] = []
  const walk = (start: number, end: number, m: number) => {
    const n = end - start
    if (n === 1) return
    const k = split(n)
    if (m < k) {
      walk(start, start + k, m)
      path.push(subtreeRoot(leaves, start + k, end))
    } else {
      walk(start + k, end, m - k)
      path.push(subtreeRoot(leaves, start, start + k))
    }
  }
  walk(0, leaves.length, index)
  return path
}

/** RFC 9162 §2.1.3.2: does `proof` show leaf `index` (hash `leaf`) in the tree of `treeSize` with `root`? */
export function verifyInclusion(p: { leaf: Hash; index: number; treeSize: number; proof: readonly Hash[]; root: Hash }): boolean {
  if (p.index < 0 || p.index >= p.treeSize) return false
  let fn = p.index
  let sn = p.treeSize - 1
  let r = p.leaf
  for (const hash of p.proof) {
    if (sn === 0) return false
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(hash, r)
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn >>= 1
          sn >>= 1
        }
      }
    } else {
      r = nodeHash(r, hash)
    }
    fn >>= 1
    sn >>= 1
  }
  return sn === 0 && equal(r, p.root)
}

/** PROOF(m, D[n]): that the first `m` leaves' tree is a prefix of the tree of all `leaves`. */
export function consistencyProof(leaves: readonly Hash[], m: number): Hash[] {
  checkSize(leaves.length)
  if (!Number.isSafeInteger(m) || m < 0 || m > leaves.length) throw new InvalidInputError('old tree size outside the tree', { details: `${m} of ${leaves.length}` })
  if (m === 0 || m === leaves.length) return []
  const proof: Hash[] = []
  const subproof = (start: number, end: number, mm: number, complete: boolean) => {
    const n = end - start
    if (mm === n) {
      if (!complete) proof.push(subtreeRoot(leaves, start, end))
      return
    }
    const k = split(n)
    if (mm <= k) {
      subproof(start, start + k, mm, complete)
      proof.push(subtreeRoot(leaves, start + k, end))
    } else {
      subproof(start + k, end, mm - k, false)
      proof.push(subtreeRoot(leaves, start, start + k))
    }
  }
  subproof(0, leaves.length, m, true)
  return proof
}

/** RFC 9162 §2.1.4.2: does `proof` show the tree (oldSize, oldRoot) is a prefix of (newSize, newRoot)? */
export function verifyConsistency(p: { oldSize: number; newSize: number; oldRoot: Hash; newRoot: Hash; proof: readonly Hash[] }): boolean {
  const { oldSize, newSize } = p
  if (oldSize < 0 || oldSize > newSize) return false
  if (oldSize === newSize) return p.proof.length === 0 && equal(p.oldRoot, p.newRoot)
  if (oldSize === 0) return p.proof.length === 0
  const path = [...p.proof]
  // When the old tree is a complete subtree (a power of two), its root starts the path.
  if ((oldSize & (oldSize - 1)) === 0) path.unshift(p.oldRoot)
  let fn = oldSize - 1
  let sn = newSize - 1
  while (fn % 2 === 1) {
    fn >>= 1
    sn >>= 1
  }
  const first = path.shift()
  if (!first) return false
  let fr = first
  let sr = first
  for (const c of path) {
    if (sn === 0) return false
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr)
      sr = nodeHash(c, sr)
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn >>= 1
          sn >>= 1
        }
      }
    } else {
      sr = nodeHash(sr, c)
    }
    fn >>= 1
    sn >>= 1
  }
  return sn === 0 && equal(fr, p.oldRoot) && equal(sr, p.newRoot)
}
