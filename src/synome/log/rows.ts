import { timestampText } from '../sql/timestamps.js'
import type { SqlRow } from '../sql/sql.js'
import type { SynomeEvent } from './hash.js'

export function eventFromRow(row: SqlRow): SynomeEvent {
  return {
    position: Number(row.position),
    time: timestampText(row.time),
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
