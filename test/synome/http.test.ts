/**
 * The read API over HTTP (through the typed HTTP client), problem+json errors, OpenAPI.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NotPermittedError, PreconditionFailedError } from '../../src/domain/errors.js'
import { createHttpClient } from '../../src/synome/client/http.js'
import type { SynomeService } from '../../src/synome/service.js'
import { startSynomeServer } from '../../src/synome/server.js'
import type { SleeveRecord, UnitRecord } from '../../src/synome/records.js'
import { storeBackends, useStore } from '../fixtures/store.js'
import { HALO_CLASS, accounts, bootstrapRoles, clientsFor, seedRunner, testClock, type Actor } from './support.js'

describe.each(storeBackends())('HTTP API on $name', (backend) => {
  const store = useStore(backend)
  let synome: SynomeService
  let server: Awaited<ReturnType<typeof startSynomeServer>>
  const time = testClock()

  beforeAll(async () => {
    synome = await store.fresh({ clock: time.clock, roles: bootstrapRoles })
    server = await startSynomeServer({ service: synome, port: 0 })
  })
  afterAll(async () => {
    await server?.close()
  })

  it('the seed path over HTTP, with typed errors and reads', async () => {
    const http = (actor: Actor) => createHttpClient({ url: server.url, account: accounts[actor], clock: time.clock })
    const c = { ...clientsFor(synome, time.clock), nfat: http('nfat'), attest: http('attest'), council: http('council') }
    await seedRunner(c, time).until('offboard')
    await expect(http('attest').send('createSleeve', { sleeveId: 'x', haloClass: HALO_CLASS })).rejects.toBeInstanceOf(NotPermittedError)
    await expect(http('nfat').send('transitionSleeve', { sleeveId: 'sleeve-7', to: 'DEPLOYING' })).rejects.toBeInstanceOf(PreconditionFailedError)

    const reader = http('stranger')
    expect((await reader.get<SleeveRecord>('sleeve', 'sleeve-7')).data.linkedUnits).toEqual([42, 43, 44])
    expect((await reader.getAsOf<SleeveRecord>('sleeve', 'sleeve-7', '2026-03-15T10:06:00Z')).data.assets[0]!.amount).toBe('30000000')
    expect((await reader.history('sleeve', 'sleeve-7')).map((v) => v.command)).toEqual(['createSleeve', 'sweepUnit', 'sweepUnit', 'sweepUnit'])
    expect((await reader.list<UnitRecord>({ type: 'unit', prime: 'grove' })).items.map((u) => u.data.unitId)).toEqual([43])
    expect((await reader.list({ type: 'unit', sleeveId: 'sleeve-7', createdFrom: '2026-03-16T00:00:00Z' })).items.map((u) => u.id)).toEqual(['43', '44'])
    expect((await reader.list({ type: 'unit', createdTo: '2026-03-16T00:00:00Z' })).items.map((u) => u.id)).toEqual(['42'])
    expect((await reader.list({ type: 'sleeve', haloClass: HALO_CLASS, state: 'FILLING' })).items).toHaveLength(1)
    expect((await reader.list({ type: 'sleeve', state: 'CLOSED' })).items).toHaveLength(0)
    // cursor pagination walks every unit once
    const ids: string[] = []
    let cursor: string | undefined
    do {
      const page = await reader.list({ type: 'unit', limit: 2, cursor })
      ids.push(...page.items.map((u) => u.id))
      cursor = page.nextCursor ?? undefined
    } while (cursor)
    expect(ids).toEqual(['42', '43', '44'])
    const { events, next } = await reader.events({ after: 3, limit: 2 })
    expect(events.map((e) => e.position)).toEqual([4, 5])
    expect(next).toBe(5)
    expect(await reader.verifyLog()).toMatchObject({ ok: true })
  })

  it('problem+json on every error route, and an OpenAPI document', async () => {
    const get = (path: string) => fetch(`${server.url}${path}`)
    for (const [path, status, code] of [
      ['/entities/sleeve/nope', 404, 'NOT_FOUND'],
      ['/entities/sleeve?cursor=%%%', 400, 'INVALID_INPUT'],
      ['/entities/sleeve?limit=0', 400, 'INVALID_INPUT'],
      ['/entities/sleeve/sleeve-7?asOf=yesterday', 400, 'INVALID_INPUT'],
      ['/events?after=-1', 400, 'INVALID_INPUT'],
      ['/no/such/route', 404, 'NOT_FOUND'],
      ['/entities/sleeve%00/x', 400, 'INVALID_INPUT'],
      ['/entities/sleeve?state=%00', 400, 'INVALID_INPUT'],
      ['/entities/sleeve/x/history?afterVersion=abc', 400, 'INVALID_INPUT'],
      [`/entities/unit?cursor=${Buffer.from(JSON.stringify([1, 'a\u0000'])).toString('base64url')}`, 400, 'INVALID_INPUT'],
    ] as const) {
      const response = await get(path)
      expect(response.status, path).toBe(status)
      expect(response.headers.get('content-type')).toContain('application/problem+json')
      expect(await response.json()).toMatchObject({ code, status })
    }
    const bad = await fetch(`${server.url}/commands`, { method: 'POST', body: '{not json' })
    expect(bad.status).toBe(400)
    const doc = (await (await get('/openapi.json')).json()) as { openapi: string; paths: Record<string, unknown>; components: { schemas: Record<string, unknown> } }
    expect(doc.openapi).toBe('3.1.0')
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/commands', '/entities/{type}', '/entities/{type}/{id}', '/entities/{type}/{id}/history', '/events']))
    expect(doc.components.schemas.sweepUnitPayload).toMatchObject({ type: 'object' })
  })
})
