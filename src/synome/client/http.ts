import { CommandFromFutureError, CommandStaleError } from '../../domain/commandFreshness.js'
import { BadSignatureError, BaseError, InvalidInputError, NotFoundError, NotPermittedError, PreconditionFailedError, VersionConflictError } from '../../domain/errors.js'
import { LeaseFencedError, LeaseHeldError, LeaseLostError, LeaseReplayError } from '../../domain/lease.js'
import type { LeaseView } from '../leases.js'
import { IdempotencyConflictError, StoreError, StoreUnavailableError } from '../errors.js'
import { UnauthenticatedError } from '../http/auth.js'
import { MIN_POSITION_HEADER } from '../http/headers.js'
import type { ListFilter } from '../reads.js'
import type { CommandResult } from '../service.js'
import { createClient } from './createClient.js'
import type { CreateClientParameters, SynomeClient, SynomeTransport } from './types.js'

export type CreateHttpClientParameters = CreateClientParameters & {
  /** Base URL of `halo synome serve`, e.g. http://127.0.0.1:8787 */
  url: string
  fetch?: typeof fetch | undefined
  /** Per-request timeout (default 30 s). */
  timeoutMs?: number | undefined
  /** Bearer token for a Synome that requires one (see resolveSynomeToken). */
  token?: string | undefined
}

/** The one precedence for a Synome token: a flag, then HALO_SYNOME_TOKEN, then a config file. */
export function resolveSynomeToken({ flag, env = process.env, config }: { flag?: string | undefined; env?: NodeJS.ProcessEnv; config?: string | undefined }): string | undefined {
  return flag || env.HALO_SYNOME_TOKEN || config || undefined
}

const ERRORS: Record<string, new (message: string, parameters?: ConstructorParameters<typeof BaseError>[1]) => BaseError> = {
  INVALID_INPUT: InvalidInputError,
  BAD_SIGNATURE: BadSignatureError,
  NOT_PERMITTED: NotPermittedError,
  NOT_FOUND: NotFoundError,
  PRECONDITION_FAILED: PreconditionFailedError,
  VERSION_CONFLICT: VersionConflictError,
  IDEMPOTENCY_CONFLICT: IdempotencyConflictError,
  STORE_UNAVAILABLE: StoreUnavailableError,
  UNAUTHENTICATED: UnauthenticatedError,
  COMMAND_STALE: CommandStaleError,
  COMMAND_FROM_FUTURE: CommandFromFutureError,
  LEASE_HELD: LeaseHeldError,
  LEASE_LOST: LeaseLostError,
  LEASE_FENCED: LeaseFencedError,
  LEASE_REPLAY: LeaseReplayError,
}

/** Rebuild the typed error from a problem+json body, so HTTP and in-process callers catch the same classes. */
function errorFromProblem(status: number, body: unknown): BaseError {
  const problem = (body ?? {}) as { code?: string; title?: string; detail?: string; meta?: Record<string, unknown> }
  const ErrorClass = (problem.code && ERRORS[problem.code]) || StoreError
  return new ErrorClass(problem.title ?? `HTTP ${status}`, { details: problem.detail, meta: problem.meta })
}

/** A client of a Synome over HTTP (the same interface as the in-process client). */
export function createHttpClient({ url, fetch: fetchFn = fetch, timeoutMs = 30_000, token, ...parameters }: CreateHttpClientParameters): SynomeClient {
  const base = url.replace(/\/+$/, '')
  const authorization: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {}
  // Read-your-writes when the server reads from a replica: every read names the newest
  // position this client's commands were acknowledged at (MIN_POSITION_HEADER).
  let lastPosition = 0
  async function call<T>(path: string, init: RequestInit = {}): Promise<T> {
    const freshness: Record<string, string> = init.method === undefined && lastPosition > 0 ? { [MIN_POSITION_HEADER]: String(lastPosition) } : {}
    const response = await fetchFn(`${base}${path}`, { ...init, headers: { ...(init.headers as Record<string, string> | undefined), ...authorization, ...freshness }, signal: AbortSignal.timeout(timeoutMs) })
    const text = await response.text()
    const body = text ? (JSON.parse(text) as unknown) : undefined
    if (!response.ok) throw errorFromProblem(response.status, body)
    return body as T
  }
  const query = (params: Record<string, string | number | undefined>) => {
    const search = new URLSearchParams()
    for (const [k, v] of Object.entries(params)) if (v !== undefined) search.set(k, String(v))
    const text = search.toString()
    return text ? `?${text}` : ''
  }
  const entity = (type: string, id: string) => `/entities/${encodeURIComponent(type)}/${encodeURIComponent(id)}`
  const transport: SynomeTransport = {
    execute: async (signed) => {
      const result = await call<CommandResult>('/commands', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(signed) })
      if (result.position > lastPosition) lastPosition = result.position
      return result
    },
    get: (type, id) => call(entity(type, id)),
    getAsOf: (type, id, time) => call(`${entity(type, id)}${query({ asOf: time })}`),
    history: (type, id, options = {}) => call(`${entity(type, id)}/history${query(options)}`),
    list: ({ type, ...filter }: ListFilter) => call(`/entities/${encodeURIComponent(type)}${query(filter)}`),
    events: (options = {}) => call(`/events${query(options)}`),
    head: () => call('/head'),
    verifyLog: () => call('/verify-log'),
    lease: (signed) => call('/leases', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(signed) }),
    appendJournal: (signed) => call('/journals', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(signed) }),
    leases: async () => (await call<{ leases: LeaseView[] }>('/leases')).leases,
    journal: (signer, name, options = {}) => call(`/journals/${encodeURIComponent(signer)}/${encodeURIComponent(name)}${query(options)}`),
    checkpoints: (options = {}) => call(`/checkpoints${query(options)}`),
    latestCheckpoint: () => call('/checkpoints/latest'),
    inclusionProof: (p) => call(`/proof/inclusion${query(p)}`),
    consistencyProof: (p) => call(`/proof/consistency${query(p)}`),
  }
  return createClient(transport, parameters)
}
