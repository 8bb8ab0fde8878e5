import { isoTimestamp } from '../../domain/sleeve.js'
import type { SqlRow } from '../sql/sql.js'
import type { SynomeEvent } from './hash.js'

export function eventFromRow(row: SqlRow): SynomeEvent {
  return {
    position: Number(row.position),
    time: isoTimestamp(new Date(row.time as string | Date)),
    actor: String(row.actor),
    role: String(row.role),
    command: String(row.command),
    payload: row.payload,
    payloadHash: String(row.payload_hash),
    signature: String(row.signature),
    idempotencyKey: String(row.idempotency_key),
    issuedAt: String(row.issued_at),
    expectedVersion: row.expected_version === null || row.expected_version === undefined ? null : Number(row.expected_version),
    entityType: String(row.entity_type),
    entityId: String(row.entity_id),
    result: row.result,
    prevHash: String(row.prev_hash),
    hash: String(row.hash),
  }
}

export const INSERT_EVENT = `INSERT INTO events (position, time, actor, role, command, payload, payload_hash, signature, idempotency_key, issued_at, expected_version, entity_type, entity_id, result, prev_hash, hash)
VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9, $10, $11, $12, $13, $14::jsonb, $15, $16)`

export function eventParams(event: SynomeEvent): unknown[] {
  return [
    event.position,
    new Date(event.time),
    event.actor,
    event.role,
    event.command,
    JSON.stringify(event.payload),
    event.payloadHash,
    event.signature,
    event.idempotencyKey,
    event.issuedAt,
    event.expectedVersion,
    event.entityType,
    event.entityId,
    JSON.stringify(event.result),
    event.prevHash,
    event.hash,
  ]
}
