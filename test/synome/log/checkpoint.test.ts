import { describe, expect, it } from 'vitest'
import type { Hex } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import {
  checkConsistency,
  checkInclusion,
  checkpointOver,
  signCheckpoint,
  verifyLogWithCheckpoints,
  type Checkpoint,
} from '../../../src/synome/log/checkpoint.js'
import { eventHash, GENESIS_HASH, type SynomeEvent } from '../../../src/synome/log/hash.js'
import { consistencyProof, inclusionProof, leafHash, fromHex, toHex } from '../../../src/synome/log/merkle.js'

const synomeKey = privateKeyToAccount(`0x${'5a'.repeat(32)}`)
const mallory = privateKeyToAccount(`0x${'6b'.repeat(32)}`)
const chainId = 31337
const trusted = [synomeKey.address]

/** A hash-chained log of `n` events (positions with a gap, as a rolled-back append leaves). */
function log(n: number, tweak: (i: number) => string = () => 'sleeve-7'): SynomeEvent[] {
  const events: SynomeEvent[] = []
  let prevHash = GENESIS_HASH
  for (let i = 0; i < n; i++) {
    const position = i < 3 ? i + 1 : i + 2
    const body = {
      position, time: `2026-03-15T10:${String(i).padStart(2, '0')}:00.000Z`, actor: '0xabc', role: 'nfat', command: 'sweepUnit',
      payload: { sleeveId: tweak(i), unitId: String(42 + i) }, payloadHash: '0x00', signature: '0x00', idempotencyKey: `sweep:${42 + i}`,
      issuedAt: '2026-03-15T10:00:00.000Z', expectedVersion: null, entityType: 'unit', entityId: String(42 + i), result: null, prevHash,
    }
    const hash = eventHash(body)
    events.push({ ...body, hash })
    prevHash = hash
  }
  return events
}
/** Recompute every hash after an edit, as an attacker with write access to the database would. */
function rehash(events: SynomeEvent[]): SynomeEvent[] {
  let prevHash = GENESIS_HASH
  return events.map(({ hash: _, ...rest }) => {
    const hash = eventHash({ ...rest, prevHash })
    const event = { ...rest, prevHash, hash }
    prevHash = hash
    return event
  })
}
const sign = (events: SynomeEvent[], n: number) => signCheckpoint(synomeKey, checkpointOver(events.slice(0, n), '2026-03-16T00:00:00.000Z'), chainId)
const verify = (events: SynomeEvent[], checkpoints: Checkpoint[]) => verifyLogWithCheckpoints({ events, checkpoints, trusted, chainId })

describe('signed checkpoints over the Synome log', () => {
  it('an untouched log verifies against every checkpoint, and serves inclusion and consistency proofs', async () => {
    const events = log(20)
    const checkpoints = [await sign(events, 8), await sign(events, 20)]
    await expect(verify(events, checkpoints)).resolves.toMatchObject({ events: 20, checkpoints: 2, head: events[19]!.hash })
    const leaves = events.map((e) => leafHash(fromHex(e.hash)))
    const proof = inclusionProof(leaves, 5).map(toHex) as Hex[]
    expect(() => checkInclusion({ event: events[5]!, index: 5, checkpoint: checkpoints[1]!, proof })).not.toThrow()
    expect(() => checkConsistency({ older: checkpoints[0]!, newer: checkpoints[1]!, proof: consistencyProof(leaves, 8).map(toHex) as Hex[] })).not.toThrow()
  })

  it('a tampered event is caught: LOG_CHAIN_BROKEN as stored, CHECKPOINT_ROOT_MISMATCH when the chain is rehashed', async () => {
    const events = log(12)
    const checkpoints = [await sign(events, 12)]
    const tampered = events.map((e, i) => (i === 4 ? { ...e, payload: { sleeveId: 'sleeve-7', unitId: '999' } } : e))
    await expect(verify(tampered, checkpoints)).rejects.toMatchObject({ code: 'LOG_CHAIN_BROKEN', meta: { position: 6 } })
    await expect(verify(rehash(tampered), checkpoints)).rejects.toMatchObject({ code: 'CHECKPOINT_ROOT_MISMATCH' })
  })

  it('a dropped event is caught, even with the chain rehashed; a dropped tail is LOG_TRUNCATED', async () => {
    const events = log(12)
    const checkpoints = [await sign(events, 12)]
    const dropped = events.filter((_, i) => i !== 7)
    await expect(verify(dropped, checkpoints)).rejects.toMatchObject({ code: 'LOG_CHAIN_BROKEN' })
    await expect(verify(rehash(dropped), checkpoints)).rejects.toMatchObject({ code: 'LOG_TRUNCATED' })
    await expect(verify(rehash(events.slice(0, 10)), checkpoints)).rejects.toMatchObject({ code: 'LOG_TRUNCATED' })
  })

  it('a forked log is caught: its checkpoint does not extend the one a reader already trusts', async () => {
    const events = log(10)
    const older = await sign(events, 10)
    const fork = log(16, (i) => (i === 3 ? 'sleeve-8' : 'sleeve-7'))
    const forkCheckpoint = await sign(fork, 16)
    const leaves = fork.map((e) => leafHash(fromHex(e.hash)))
    expect(() => checkConsistency({ older, newer: forkCheckpoint, proof: consistencyProof(leaves, 10).map(toHex) as Hex[] })).toThrow(
      expect.objectContaining({ code: 'CHECKPOINT_INCONSISTENT' }),
    )
    await expect(verify(fork, [older, forkCheckpoint])).rejects.toMatchObject({ code: 'CHECKPOINT_ROOT_MISMATCH', meta: { treeSize: 10 } })
  })

  it("a checkpoint signed by another key, or edited after signing, is CHECKPOINT_BAD_SIGNATURE", async () => {
    const events = log(6)
    const forged = await signCheckpoint(mallory, checkpointOver(events, '2026-03-16T00:00:00.000Z'), chainId)
    await expect(verify(events, [forged])).rejects.toMatchObject({ code: 'CHECKPOINT_BAD_SIGNATURE' })
    const edited = { ...(await sign(events, 6)), treeSize: 5 }
    await expect(verify(events, [edited])).rejects.toMatchObject({ code: 'CHECKPOINT_BAD_SIGNATURE' })
  })
})
