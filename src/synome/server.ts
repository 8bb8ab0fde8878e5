import { serve, type ServerType } from '@hono/node-server'
import type { SynomeService } from './service.js'
import { createSynomeApp } from './http/app.js'
import { assertTokensForHost, type SynomeToken } from './http/auth.js'

export type StartSynomeServerParameters = {
  service: SynomeService
  port?: number
  hostname?: string
  logError?: (error: unknown) => void
  /** Bearer tokens; required (the server refuses to start) when `hostname` is not loopback. */
  tokens?: readonly SynomeToken[] | undefined
}

/** Serve the HTTP API; resolves once listening, with the bound port and a close function. */
export async function startSynomeServer({ service, port = 8787, hostname = '127.0.0.1', logError, tokens }: StartSynomeServerParameters): Promise<{ url: string; port: number; close: () => Promise<void> }> {
  assertTokensForHost(hostname, tokens)
  const app = createSynomeApp(service, { logError, tokens })
  return new Promise((resolve, reject) => {
    let server: ServerType
    try {
      server = serve({ fetch: app.fetch, port, hostname }, (info) => {
        resolve({
          url: `http://${hostname.includes(':') ? `[${hostname}]` : hostname}:${info.port}`,
          port: info.port,
          close: () => new Promise<void>((done) => server.close(() => done())),
        })
      })
      server.once('error', reject)
    } catch (error) {
      reject(error)
    }
  })
}
