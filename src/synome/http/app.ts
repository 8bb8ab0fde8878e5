import { Hono, type Context } from 'hono'
import { BaseError, InvalidInputError, NotFoundError, isBaseError } from '../../domain/errors.js'
import type { SynomeService } from '../service.js'
import { authenticate, type SynomeToken } from './auth.js'
import { createSynomeMetrics, type SynomeMetrics } from './metrics.js'
import { MIN_POSITION_HEADER } from './headers.js'
import { openApiDocument } from './openapi.js'

/** The routes a read replica serves. */
const READ_API = /^\/(head|events|entities)(\/|$)/

const PROBLEM = 'application/problem+json'
/** Bodies above this are refused before parsing (a command is a few KB). */
const MAX_BODY_BYTES = 1_000_000

function problem(c: Context, error: BaseError) {
  const headers: Record<string, string> = { 'content-type': PROBLEM }
  if (error.status === 401 && error.code === 'UNAUTHENTICATED') headers['www-authenticate'] = 'Bearer realm="synome"'
  return c.body(JSON.stringify(error.toProblem()), error.status as 400, headers)
}

export type CreateSynomeAppOptions = {
  logError?: ((error: unknown) => void) | undefined
  /** Bearer tokens (src/synome/http/auth.ts); every route but /health needs one when given. */
  tokens?: readonly SynomeToken[] | undefined
  /** Default: a new registry for this app, served at GET /metrics. */
  metrics?: SynomeMetrics | undefined
}

/** A bounded JSON body. */
async function jsonBody(c: Context): Promise<unknown> {
  const length = Number(c.req.header('content-length') ?? 0)
  if (length > MAX_BODY_BYTES) throw new InvalidInputError(`body larger than ${MAX_BODY_BYTES} bytes`)
  const text = await c.req.text()
  if (text.length > MAX_BODY_BYTES) throw new InvalidInputError(`body larger than ${MAX_BODY_BYTES} bytes`)
  try {
    return JSON.parse(text) as unknown
  } catch {
    throw new InvalidInputError('body is not JSON')
  }
}

function intParam(value: string | undefined, field: string): number | undefined {
  if (value === undefined) return undefined
  if (!/^\d{1,15}$/.test(value)) throw new InvalidInputError(`${field} must be a non-negative integer`, { meta: { field } })
  return Number(value)
}

/**
 * The Synome's HTTP API: POST /commands for signed writes, reads for everything else, GET
 * /metrics for Prometheus. Every error is problem+json with the stable code of
 * src/domain/errors.ts. With tokens, a request without a valid one is refused (401) before
 * anything is read or written; /health stays open for liveness probes.
 */
export function createSynomeApp(service: SynomeService, options: CreateSynomeAppOptions = {}): Hono {
  const app = new Hono()
  const metrics = options.metrics ?? createSynomeMetrics(service)
  const tokens = options.tokens && options.tokens.length > 0 ? options.tokens : undefined
  /** Label values are command names the registry knows (bounded), or `unknown`. */
  const known = new Set(service.commands.map((h) => h.name))

  app.onError((error, c) => {
    if (isBaseError(error) && error.status < 500) {
      metrics.refusals.inc({ code: error.code })
      return problem(c, error)
    }
    options.logError?.(error)
    return problem(c, isBaseError(error) ? error : new BaseError('internal error'))
  })
  app.notFound((c) => problem(c, new NotFoundError(`no route ${c.req.method} ${c.req.path}`)))

  app.use(async (c, next) => {
    if (tokens && c.req.path !== '/health') authenticate(tokens, c.req.header('authorization'), c.req.method === 'POST' ? 'commands' : 'read')
    await next()
  })

  // Read-your-writes over a read replica: a reader names the newest position it wrote (the
  // HTTP client sends its last acknowledged one); the read waits, bounded, until the replica
  // has applied it (src/synome/reads.ts). A no-op on the primary.
  app.use(async (c, next) => {
    const min = c.req.header(MIN_POSITION_HEADER)
    if (c.req.method === 'GET' && min !== undefined && READ_API.test(c.req.path)) await service.awaitReadPosition(intParam(min, MIN_POSITION_HEADER)!)
    await next()
  })

  app.get('/openapi.json', (c) => c.json(openApiDocument(service.commands)))
  app.get('/health', async (c) => c.json({ ok: true, head: await service.head() }))
  app.get('/head', async (c) => c.json(await service.head()))
  app.get('/metrics', async (c) => c.body(await metrics.registry.metrics(), 200, { 'content-type': metrics.registry.contentType }))

  app.post('/commands', async (c) => {
    const body = await jsonBody(c)
    const name = (body as { command?: unknown } | null)?.command
    const command = typeof name === 'string' && known.has(name) ? name : 'unknown'
    const stop = metrics.appendSeconds.startTimer({ command })
    let result: Awaited<ReturnType<SynomeService['execute']>>
    try {
      result = await service.execute(body)
    } catch (error) {
      metrics.commands.inc({ command, outcome: 'refused' })
      throw error
    }
    if (result.replayed) metrics.commands.inc({ command, outcome: 'replayed' })
    else {
      stop()
      metrics.commands.inc({ command, outcome: 'appended' })
    }
    return c.json(result, result.replayed ? 200 : 201)
  })

  // Beacon leases and journals (src/synome/leases.ts): signed by the beacon key, fenced by epoch.
  app.post('/leases', async (c) => c.json(await service.leases.lease(await jsonBody(c))))
  app.post('/journals', async (c) => c.json(await service.leases.append(await jsonBody(c)), 201))
  app.get('/leases', async (c) => c.json({ leases: await service.leases.list() }))
  app.get('/journals/:signer/:name', async (c) => {
    const { signer, name } = c.req.param()
    return c.json(await service.leases.journal(signer, name, { after: intParam(c.req.query('after'), 'after'), limit: intParam(c.req.query('limit'), 'limit') }))
  })

  app.get('/events', async (c) => c.json(await service.events({ after: intParam(c.req.query('after'), 'after'), limit: intParam(c.req.query('limit'), 'limit') })))
  app.get('/verify-log', async (c) => c.json(await service.verifyLog()))
  app.get('/checkpoints', async (c) => c.json(await service.checkpoints({ after: intParam(c.req.query('after'), 'after'), limit: intParam(c.req.query('limit'), 'limit') })))
  app.get('/checkpoints/latest', async (c) => c.json(await service.latestCheckpoint()))
  app.get('/proof/inclusion', async (c) => {
    const position = intParam(c.req.query('position'), 'position')
    const treeSize = intParam(c.req.query('treeSize'), 'treeSize')
    if (position === undefined || treeSize === undefined) throw new InvalidInputError('position and treeSize are required')
    return c.json(await service.inclusionProof({ position, treeSize }))
  })
  app.get('/proof/consistency', async (c) => {
    const from = intParam(c.req.query('from'), 'from')
    const to = intParam(c.req.query('to'), 'to')
    if (from === undefined || to === undefined) throw new InvalidInputError('from and to are required')
    return c.json(await service.consistencyProof({ from, to }))
  })

  app.get('/entities/:type', async (c) => {
    const q = c.req.query()
    return c.json(
      await service.list({
        type: c.req.param('type'),
        haloClass: q.haloClass,
        sleeveId: q.sleeveId,
        prime: q.prime,
        state: q.state,
        createdFrom: q.createdFrom,
        createdTo: q.createdTo,
        updatedFrom: q.updatedFrom,
        updatedTo: q.updatedTo,
        cursor: q.cursor,
        limit: intParam(q.limit, 'limit'),
      }),
    )
  })
  app.get('/entities/:type/:id', async (c) => {
    const asOf = c.req.query('asOf')
    const { type, id } = c.req.param()
    return c.json(asOf === undefined ? await service.get(type, id) : await service.getAsOf(type, id, asOf))
  })
  app.get('/entities/:type/:id/history', async (c) => {
    const { type, id } = c.req.param()
    return c.json(await service.history(type, id, { afterVersion: intParam(c.req.query('afterVersion'), 'afterVersion'), limit: intParam(c.req.query('limit'), 'limit') }))
  })
  return app
}
