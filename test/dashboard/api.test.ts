import { spawn, type ChildProcess } from 'node:child_process'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDashboardApp } from '../../src/dashboard/server.js'
import { buildDashboard } from '../../src/dashboard/build.js'
import type { SynomeTransport } from '../../src/synome/client/types.js'
import { createSynomeApp } from '../../src/synome/http/app.js'
import type { SynomeEvent } from '../../src/synome/log/hash.js'
import type { SynomeService } from '../../src/synome/service.js'
import { storeBackends, useStore } from '../fixtures/store.js'
import { bootstrapRoles, clientsFor, seedRunner, testClock } from '../synome/support.js'

/**
 * The dashboard's read API on the seed's sleeve-7 run from CREATED to CLOSED in the Synome
 * (no chain): the figures, the read-only guarantee, the read token, and what a tampered log
 * looks like. On PGlite, and on PostgreSQL when TEST_DATABASE_URL is set.
 */
async function get<T>(app: Hono, path: string): Promise<T> {
  const response = await app.request(path)
  expect(response.status, `${path}: ${await response.clone().text()}`).toBe(200)
  return (await response.json()) as T
}

describe.each(storeBackends())('dashboard on $name', (backend) => {
  const store = useStore(backend)
  let synome: SynomeService
  let staticDir: string
  const time = testClock()

  beforeAll(async () => {
    synome = await store.fresh({ clock: time.clock, roles: bootstrapRoles })
    await seedRunner(clientsFor(synome, time.clock), time).until()
    staticDir = (await buildDashboard()).dir
  }, 120_000)
  afterAll(async () => {
    await synome?.close()
  })

  const appFor = (transport: Pick<SynomeTransport, 'get' | 'list' | 'history' | 'events' | 'head'> = synome) => createDashboardApp({ synome: transport, staticDir, snapshot: { sources: { clients: {} }, clock: time.clock } })

  describe('dashboard API on the seed happy path', () => {
    it('sleeve page: the whole lifecycle CREATED → CLOSED with its gates, and repayments 31.5M / 26.25M / 21M', async () => {
      const page = await get<{ timeline: { to: string; gatingAttestation: { attestationId: string } | null }[]; units: { unitId: number; principal: string; repaymentAmount: string; depositorPrime: string }[]; journal: { totalUsd: string }[]; crrHistory: { state: string; crr: string; valueUsd: string; requiredCapitalUsd: string }[] }>(appFor(), '/api/sleeves/sleeve-7')
      expect(page.timeline.map((t) => [t.to, t.gatingAttestation?.attestationId ?? null])).toEqual([
        ['CREATED', null],
        ['FILLING', null],
        ['OFFBOARDING', null],
        ['DEPLOYING', 'att-101'],
        ['AT_REST', 'att-102'],
        ['UNWINDING', null],
        ['CLOSED', null],
      ])
      expect(page.units.map((u) => [u.unitId, u.depositorPrime, u.principal, u.repaymentAmount])).toEqual([
        [42, 'spark', '30000000', '31500000'],
        [43, 'grove', '25000000', '26250000'],
        [44, 'keel', '20000000', '21000000'],
      ])
      expect(page.journal.map((p) => p.totalUsd)).toContain('78750000')
      // CRR at each change, by lpla-verify's rules and the framework published then
      const rates = new Map<string, string[]>()
      for (const p of page.crrHistory) rates.set(p.state, [...(rates.get(p.state) ?? []), p.crr])
      expect(rates.get('CREATED')).toEqual(['0'])
      expect(rates.get('FILLING')).toEqual(['0.01', '0.01', '0.01'])
      expect(rates.get('OFFBOARDING')).toEqual(['0.01', '0.02', '0.1', '0.15']) // USDS, USDC, USDC + att-101 linked, in transit, at the bank
      expect(rates.get('DEPLOYING')).toEqual(['0.3'])
      expect(rates.get('CLOSED')).toEqual(['0'])
      expect(page.crrHistory.find((p) => p.state === 'AT_REST')).toMatchObject({ crr: '0.12', valueUsd: '75000000', requiredCapitalUsd: '9000000' })
    })

    it('overview: one CLOSED sleeve, three CLOSED units, no live exposure', async () => {
      const o = await get<{ sleevesByState: { state: string; sleeves: number }[]; unitsByState: { state: string; units: number; principal: string }[]; primes: unknown[] }>(appFor(), '/api/overview')
      expect(o.sleevesByState.filter((s) => s.sleeves > 0)).toEqual([{ state: 'CLOSED', sleeves: 1, capitalUsd: expect.any(String) }])
      expect(o.unitsByState.find((u) => u.state === 'CLOSED')).toEqual({ state: 'CLOSED', units: 3, principal: '75000000' })
      expect(o.primes).toEqual([])
    })

    it('history filters by signer and entity, newest first, each signature checked', async () => {
      const nfat = clientsFor(synome, time.clock).nfat.account!.address.toLowerCase()
      const page = await get<{ events: { position: number; actor: string; entityId: string; signatureCheck: { ok: boolean } }[] }>(appFor(), `/api/events?actor=${nfat}&entityId=sleeve-7&limit=500`)
      expect(page.events.length).toBeGreaterThan(10)
      expect(page.events.every((e) => e.actor === nfat && e.entityId === 'sleeve-7' && e.signatureCheck.ok)).toBe(true)
      const positions = page.events.map((e) => e.position)
      expect(positions).toEqual([...positions].sort((a, b) => b - a))
    })

    it('after new events the overview is patched from the entities they wrote, and equals a full re-read', async () => {
      const app = appFor()
      const before = await get<{ asOf: { kind: string } }>(app, '/api/overview')
      expect(before.asOf.kind).toBe('full')
      const nfat = clientsFor(synome, time.clock).nfat
      time.set('2026-10-06T10:00:00Z')
      await nfat.send('createSleeve', { sleeveId: 'sleeve-8', haloClass: 'facility-A' })
      const after = await get<{ asOf: { kind: string; position: number }; sleevesByState: { state: string; sleeves: number }[] }>(app, '/api/overview')
      expect(after.asOf).toMatchObject({ kind: 'patch', position: (await synome.head()).position })
      expect(after.sleevesByState.filter((s) => s.sleeves > 0).map((s) => [s.state, s.sleeves])).toEqual([
        ['CREATED', 1],
        ['CLOSED', 1],
      ])
      const fresh = await get<{ asOf: unknown }>(appFor(), '/api/overview')
      const { asOf: _a, ...patched } = after
      const { asOf: _b, ...full } = fresh
      expect(patched).toEqual(full)
    })
  })

  describe('attacks on the dashboard', () => {
    it('the dashboard cannot be used to write: POST, PUT, PATCH and DELETE are refused on every path and the log does not move', async () => {
      const app = appFor()
      const before = await synome.head()
      for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
        for (const path of ['/api/overview', '/api/commands', '/commands', '/api/sleeves/sleeve-7', '/']) {
          const response = await app.request(path, { method, body: '{}', headers: { 'content-type': 'application/json' } })
          expect(response.status, `${method} ${path}`).toBe(405)
        }
      }
      expect(await synome.head()).toEqual(before)
    })

    it('a tampered event in the Synome log shows a failed signature check and breaks the hash chain at that event', async () => {
      // A Synome (or a proxy in front of it) that rewrites event 5's payload: 30M swept becomes 3M.
      const tampered: Pick<SynomeTransport, 'get' | 'list' | 'history' | 'events' | 'head'> = {
        get: (t, id) => synome.get(t, id),
        list: (f) => synome.list(f),
        history: (t, id, o) => synome.history(t, id, o),
        head: () => synome.head(),
        async events(options) {
          const page = await synome.events(options)
          return { ...page, events: page.events.map((e): SynomeEvent => (e.command === 'sweepUnit' && e.idempotencyKey === 'sweep:42' ? { ...e, payload: JSON.parse(JSON.stringify(e.payload).replace('30000000', '3000000')) as unknown } : e)) }
        },
      }
      const app = appFor(tampered)
      const events = await get<{ events: { position: number; idempotencyKey: string; signatureCheck: { ok: boolean; detail: string } }[] }>(app, '/api/events?limit=500')
      const bad = events.events.filter((e) => !e.signatureCheck.ok)
      expect(bad.map((e) => e.idempotencyKey)).toEqual(['sweep:42'])
      const chain = await get<{ ok: boolean; brokenAt: number; reason: string }>(app, '/api/verify-log')
      expect(chain).toMatchObject({ ok: false, brokenAt: bad[0]!.position, reason: 'hash does not match the event content' })
      // the untampered log verifies
      expect(await get<{ ok: boolean }>(appFor(), '/api/verify-log')).toMatchObject({ ok: true })
    })
  })

  describe('halo dashboard CLI', () => {
    let fakeSynome: { close: () => void; url: string; seen: string[] }
    let child: ChildProcess | undefined
    beforeAll(async () => {
      // The Synome's HTTP API behind a bearer-token check (as when its read tokens are on).
      const seen: string[] = []
      const app = new Hono()
      app.use('*', async (c, next) => {
        seen.push(c.req.header('authorization') ?? '')
        if (c.req.header('authorization') !== 'Bearer read-secret') return c.json({ code: 'NOT_PERMITTED', title: 'read token required', status: 401 }, 401)
        await next()
      })
      app.route('/', createSynomeApp(synome))
      const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
        const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s))
      })
      const address = server.address() as { port: number }
      fakeSynome = { url: `http://127.0.0.1:${address.port}`, seen, close: () => server.close() }
    })
    afterAll(() => {
      if (child && child.exitCode === null) child.kill('SIGKILL')
      fakeSynome?.close()
    })

    it('--synome-token is sent as Authorization: Bearer on every Synome read', async () => {
      child = spawn(process.execPath, ['bin/halo.mjs', 'dashboard', '--synome', fakeSynome.url, '--synome-token', 'read-secret', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HALO_SYNOME_TOKEN: '' } })
      let output = ''
      child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
      const url = await new Promise<string>((resolve, reject) => {
        child!.stdout!.on('data', (chunk: Buffer) => {
          output += chunk.toString()
          const match = /dashboard +(http:\/\/127\.0\.0\.1:\d+)/.exec(output)
          if (match) resolve(match[1]!)
        })
        child!.once('exit', (code) => reject(new Error(`halo dashboard exited ${code}: ${output}`)))
      })
      expect(output).toContain('(read token)')
      const head = (await (await fetch(`${url}/api/head`)).json()) as unknown
      expect(head).toEqual(await synome.head())
      const sleeve = await fetch(`${url}/api/sleeves/sleeve-7`)
      expect(sleeve.status).toBe(200)
      expect(fakeSynome.seen.length).toBeGreaterThan(3)
      expect(new Set(fakeSynome.seen)).toEqual(new Set(['Bearer read-secret']))
      const exited = new Promise((resolve) => child!.once('exit', resolve))
      child.kill('SIGTERM')
      await exited
    }, 60_000)
  })
})
