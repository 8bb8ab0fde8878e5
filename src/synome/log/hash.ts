import { createHash } from 'node:crypto'
import { canonicalJson } from './canonical.js'

/** Hash of the (non-existent) event before the first one. */
export const GENESIS_HASH = `0x${'0'.repeat(64)}`

/** One event of the append-only log, as stored and as served. */
export type SynomeEvent = {
  position: number
  time: string
  actor: string
  role: string
  command: string
  payload: unknown
  payloadHash: string
  signature: string
  idempotencyKey: string
  issuedAt: string
  expectedVersion: number | null
  entityType: string
  entityId: string
  result: unknown
  prevHash: string
  hash: string
}

/**
 * sha256 over the canonical JSON of every field but `hash` itself. Each event commits to its
 * predecessor through `prevHash`, so changing, dropping or reordering any event breaks every
 * later hash.
 */
export function eventHash(event: Omit<SynomeEvent, 'hash'>): string {
  const { position, time, actor, role, command, payload, payloadHash, signature, idempotencyKey, issuedAt, expectedVersion, entityType, entityId, result, prevHash } = event
  const text = canonicalJson({ position, time, actor, role, command, payload, payloadHash, signature, idempotencyKey, issuedAt, expectedVersion, entityType, entityId, result, prevHash })
  return `0x${createHash('sha256').update(text).digest('hex')}`
}

export type VerifyChainReturnType =
  | { ok: true; events: number; head: string }
  | { ok: false; events: number; brokenAt: number; reason: string }

/** Recompute the chain over events in position order (positions may have gaps: rolled-back appends). */
export function verifyChain(events: Iterable<SynomeEvent>, start: { prevHash: string; lastPosition: number } = { prevHash: GENESIS_HASH, lastPosition: 0 }): VerifyChainReturnType {
  let prevHash = start.prevHash
  let lastPosition = start.lastPosition
  let count = 0
  for (const event of events) {
    count++
    if (event.position <= lastPosition) return { ok: false, events: count, brokenAt: event.position, reason: `position ${event.position} after ${lastPosition}` }
    if (event.prevHash !== prevHash) return { ok: false, events: count, brokenAt: event.position, reason: 'prevHash does not match the previous event' }
    const { hash, ...rest } = event
    if (eventHash(rest) !== hash) return { ok: false, events: count, brokenAt: event.position, reason: 'hash does not match the event content' }
    prevHash = hash
    lastPosition = event.position
  }
  return { ok: true, events: count, head: prevHash }
}
