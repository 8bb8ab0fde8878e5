import { z } from 'zod'
import type { CommandHandler } from '../commands/types.js'
import { ENTITY_TYPES } from '../records.js'

/**
 * OpenAPI 3.1 document. Why generated this way: the command payload schemas come from the
 * same zod schemas the service validates with (z.toJSONSchema), so the document cannot
 * drift from what is enforced; the handful of read routes are written by hand.
 */
const problem = { description: 'problem+json with a stable `code`', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } }
const json = (schema: object, description = 'OK') => ({ description, content: { 'application/json': { schema } } })
const param = (name: string, where: 'path' | 'query', description: string, schema: object = { type: 'string' }) => ({ name, in: where, required: where === 'path', description, schema })

function payloadSchema(handler: CommandHandler): object {
  try {
    return z.toJSONSchema(handler.schema, { io: 'input', unrepresentable: 'any' })
  } catch {
    return { type: 'object' }
  }
}

export function openApiDocument(commands: readonly CommandHandler[]): Record<string, unknown> {
  const listParams = ['haloClass', 'sleeveId', 'prime', 'state', 'createdFrom', 'createdTo', 'updatedFrom', 'updatedTo', 'cursor'].map((n) => param(n, 'query', `filter: ${n}`))
  return {
    openapi: '3.1.0',
    info: { title: 'Synome-MVP', version: '1.0.0', description: 'Shared, auditable operational database of a Laniakea Halo. Writes are EIP-712 signed commands; reads are open unless the server has bearer tokens (then every route but /health needs one). A sleeve is a Halo Book.' },
    // Optional: a server with --tokens requires the bearer scheme, one without accepts none.
    security: [{}, { bearer: [] }],
    paths: {
      '/commands': {
        post: {
          summary: 'Submit a signed command',
          description: `Commands: ${commands.map((c) => `${c.name} (${c.role}): ${c.summary}`).join('; ')}`,
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/SignedCommand' } } } },
          responses: { 201: json({ $ref: '#/components/schemas/CommandResult' }, 'appended'), 200: json({ $ref: '#/components/schemas/CommandResult' }, 'idempotent replay'), 400: problem, 401: problem, 403: problem, 404: problem, 409: problem },
        },
      },
      '/entities/{type}': {
        get: { summary: 'List entities with filters and cursor pagination', parameters: [param('type', 'path', 'entity type', { enum: ENTITY_TYPES }), ...listParams, param('limit', 'query', '1..1000', { type: 'integer' })], responses: { 200: json({ type: 'object', properties: { items: { type: 'array', items: { $ref: '#/components/schemas/Entity' } }, nextCursor: { type: ['string', 'null'] } } }), 400: problem } },
      },
      '/entities/{type}/{id}': {
        get: { summary: 'Latest state, or the state as of a time', parameters: [param('type', 'path', 'entity type'), param('id', 'path', 'entity id'), param('asOf', 'query', 'ISO-8601 time')], responses: { 200: json({ $ref: '#/components/schemas/Entity' }), 400: problem, 404: problem } },
      },
      '/entities/{type}/{id}/history': {
        get: { summary: 'Every version with actor, role and command; operator overrides have override=true', parameters: [param('type', 'path', 'entity type'), param('id', 'path', 'entity id'), param('afterVersion', 'query', 'page', { type: 'integer' }), param('limit', 'query', '1..1000', { type: 'integer' })], responses: { 200: json({ type: 'array', items: { type: 'object' } }), 404: problem } },
      },
      '/events': { get: { summary: 'Events after position N (never skips a late commit)', parameters: [param('after', 'query', 'position', { type: 'integer' }), param('limit', 'query', '1..1000', { type: 'integer' })], responses: { 200: json({ type: 'object', properties: { events: { type: 'array', items: { type: 'object' } }, next: { type: 'integer' } } }), 400: problem } } },
      '/verify-log': { get: { summary: 'Recompute the hash chain', responses: { 200: json({ type: 'object' }) } } },
      '/checkpoints': { get: { summary: 'Signed checkpoints in the order written (treeSize, RFC 9162 rootHash, lastPosition, headHash, time, signer, EIP-712 signature)', parameters: [param('after', 'query', 'checkpoint id', { type: 'integer' }), param('limit', 'query', '1..1000', { type: 'integer' })], responses: { 200: json({ type: 'object', properties: { checkpoints: { type: 'array', items: { type: 'object' } }, next: { type: 'integer' } } }), 400: problem } } },
      '/checkpoints/latest': { get: { summary: 'The newest signed checkpoint', responses: { 200: json({ type: 'object' }), 404: problem } } },
      '/proof/inclusion': { get: { summary: 'Audit path of the event at position in the tree of the first treeSize events', parameters: [param('position', 'query', 'event position', { type: 'integer' }), param('treeSize', 'query', 'a checkpoint treeSize', { type: 'integer' })], responses: { 200: json({ type: 'object', properties: { position: { type: 'integer' }, index: { type: 'integer' }, treeSize: { type: 'integer' }, eventHash: { type: 'string' }, proof: { type: 'array', items: { type: 'string' } } } }), 400: problem, 404: problem } } },
      '/proof/consistency': { get: { summary: 'Consistency proof that the tree of the first `from` events is a prefix of the first `to`', parameters: [param('from', 'query', 'older treeSize', { type: 'integer' }), param('to', 'query', 'newer treeSize', { type: 'integer' })], responses: { 200: json({ type: 'object', properties: { from: { type: 'integer' }, to: { type: 'integer' }, proof: { type: 'array', items: { type: 'string' } } } }), 400: problem, 404: problem } } },
      '/head': { get: { summary: 'Newest position and hash', responses: { 200: json({ type: 'object' }) } } },
      '/health': { get: { summary: 'Liveness (never needs a token)', security: [{}], responses: { 200: json({ type: 'object' }) } } },
      '/metrics': { get: { summary: 'Prometheus metrics: commands by outcome, append latency, refusals by code, log position', responses: { 200: { description: 'Prometheus text format', content: { 'text/plain': { schema: { type: 'string' } } } }, 401: problem } } },
      '/openapi.json': { get: { summary: 'This document', responses: { 200: json({ type: 'object' }) } } },
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'a reader token from `halo synome token` (read and/or commands access)' } },
      schemas: {
        Problem: { type: 'object', required: ['type', 'title', 'status', 'code'], properties: { type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, code: { type: 'string', enum: ['INVALID_INPUT', 'BAD_SIGNATURE', 'NOT_PERMITTED', 'NOT_FOUND', 'PRECONDITION_FAILED', 'VERSION_CONFLICT', 'IDEMPOTENCY_CONFLICT', 'UNAUTHENTICATED', 'COMMAND_STALE', 'COMMAND_FROM_FUTURE', 'INTERNAL'] }, detail: { type: 'string' }, meta: { type: 'object' } } },
        SignedCommand: {
          type: 'object',
          required: ['command', 'payload', 'idempotencyKey', 'issuedAt', 'signer', 'signature'],
          properties: { command: { enum: commands.map((c) => c.name) }, payload: { type: 'object' }, idempotencyKey: { type: 'string' }, issuedAt: { type: 'string', format: 'date-time' }, expectedVersion: { type: 'integer' }, signer: { type: 'string' }, signature: { type: 'string' } },
        },
        CommandResult: { type: 'object', properties: { position: { type: 'integer' }, hash: { type: 'string' }, entity: { type: 'object' }, writes: { type: 'array' }, result: { type: 'object' }, replayed: { type: 'boolean' } } },
        Entity: { type: 'object', properties: { type: { type: 'string' }, id: { type: 'string' }, version: { type: 'integer' }, position: { type: 'integer' }, haloClass: { type: ['string', 'null'] }, sleeveId: { type: ['string', 'null'] }, prime: { type: ['string', 'null'] }, state: { type: ['string', 'null'] }, createdAt: { type: 'string' }, updatedAt: { type: 'string' }, data: { type: 'object' } } },
        ...Object.fromEntries(commands.map((c) => [`${c.name}Payload`, payloadSchema(c)])),
      },
    },
  }
}
