import { readdirSync, readFileSync, statSync } from 'node:fs'
import { extname, join, relative } from 'node:path'
import { serve, type ServerType } from '@hono/node-server'
import { Hono } from 'hono'
import { createDashboardApi, type DashboardApiParameters } from './api.js'
import { createSnapshots, type SnapshotParameters } from './snapshot.js'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
}
/** Bound on the static bundle held in memory (it is well under 2 MB). */
const MAX_STATIC_BYTES = 32 * 1024 * 1024

/** Every built file, read once: the bundle is small, and serving from memory is one map lookup. */
function loadStatic(dir: string): Map<string, { body: Buffer; type: string }> {
  const files = new Map<string, { body: Buffer; type: string }>()
  let total = 0
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name)
      if (statSync(path).isDirectory()) walk(path)
      else {
        const body = readFileSync(path)
        total += body.length
        if (total > MAX_STATIC_BYTES) throw new Error(`dashboard bundle larger than ${MAX_STATIC_BYTES} bytes`)
        files.set(`/${relative(dir, path).split('\\').join('/')}`, { body, type: TYPES[extname(path)] ?? 'application/octet-stream' })
      }
    }
  }
  walk(dir)
  return files
}

export type DashboardAppParameters = Omit<DashboardApiParameters, 'snapshots'> & {
  /** The built web app (buildDashboard().dir). */
  staticDir: string
  snapshot?: Omit<SnapshotParameters, 'synome'> | undefined
}

/**
 * The dashboard: GET /api/* (read-only JSON) and the single-page app for every other GET path
 * (deep links such as /sleeves/sleeve-7 load index.html, the router takes it from there).
 * Anything but GET/HEAD is refused: the dashboard never writes.
 */
export function createDashboardApp(p: DashboardAppParameters): Hono {
  const files = loadStatic(p.staticDir)
  const index = files.get('/index.html')
  if (!index) throw new Error(`no index.html in ${p.staticDir}`)
  const snapshots = createSnapshots({ synome: p.synome, sources: p.snapshot?.sources ?? { clients: {} }, ...p.snapshot })
  const app = new Hono()
  app.use('*', async (c, next) => {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') return c.json({ type: 'urn:halo:error:NOT_PERMITTED', title: 'the dashboard is read-only', status: 405, code: 'METHOD_NOT_ALLOWED' }, 405, { allow: 'GET, HEAD' })
    await next()
    c.header('x-content-type-options', 'nosniff')
  })
  app.route('/api', createDashboardApi({ ...p, snapshots }))
  app.get('/api/*', (c) => c.json({ type: 'urn:halo:error:NOT_FOUND', title: `no route GET ${c.req.path}`, status: 404, code: 'NOT_FOUND' }, 404, { 'content-type': 'application/problem+json' }))
  app.get('*', (c) => {
    const file = files.get(c.req.path)
    if (file) return c.body(new Uint8Array(file.body), 200, { 'content-type': file.type, 'cache-control': c.req.path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache' })
    // A page is being opened: bring the snapshot up to the log head while the browser loads the
    // scripts, so the page's API call finds it current (shared with that call if still running).
    void snapshots.current().catch(() => undefined)
    return c.body(new Uint8Array(index.body), 200, { 'content-type': index.type, 'cache-control': 'no-cache' })
  })
  return app
}

export type StartDashboardServerParameters = DashboardAppParameters & { port?: number | undefined; hostname?: string | undefined }

/** Serve the dashboard; resolves once listening. */
export async function startDashboardServer({ port = 8790, hostname = '127.0.0.1', ...p }: StartDashboardServerParameters): Promise<{ url: string; port: number; close: () => Promise<void> }> {
  const app = createDashboardApp(p)
  return new Promise((resolve, reject) => {
    let server: ServerType
    try {
      server = serve({ fetch: app.fetch, port, hostname }, (info) => {
        resolve({ url: `http://${hostname}:${info.port}`, port: info.port, close: () => new Promise<void>((done) => server.close(() => done())) })
      })
      server.once('error', reject)
    } catch (error) {
      reject(error)
    }
  })
}
