/**
 * Synome operations: the issuedAt freshness window, bearer tokens per reader, and /metrics.
 * Every refusal is shown to change nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CommandFromFutureError, CommandStaleError } from '../../src/domain/commandFreshness.js'
import { NotPermittedError } from '../../src/domain/errors.js'
import { loadVerifyConfig } from '../../src/beacons/verify/config.js'
import { createHttpClient, resolveSynomeToken } from '../../src/synome/client/http.js'
import { createInProcessClient } from '../../src/synome/client/inProcess.js'
import { generateToken, hashToken, isLoopbackHost, UnauthenticatedError } from '../../src/synome/http/auth.js'
import { startSynomeServer } from '../../src/synome/server.js'
import type { SynomeService } from '../../src/synome/service.js'
import { storeBackends, useStore } from '../fixtures/store.js'
import { HALO_CLASS, accounts, bootstrapRoles, testClock } from './support.js'

const at = (iso: string) => () => new Date(iso)

describe.each(storeBackends())('command freshness on $name', (backend) => {
  const store = useStore(backend)
  const time = testClock('2026-03-15T09:00:00Z')
  let synome: SynomeService
  beforeAll(async () => {
    synome = await store.fresh({ clock: time.clock, roles: bootstrapRoles })
    await createInProcessClient({ service: synome, account: accounts.council, clock: time.clock }).send('registerHaloClass', { haloClass: HALO_CLASS })
  })
  const nfatSignedAt = (iso: string) => createInProcessClient({ service: synome, account: accounts.nfat, clock: at(iso) })

  it('a command signed 601 s before the Synome clock is refused as COMMAND_STALE and changes nothing', async () => {
    const before = await store.snapshot()
    const refused = nfatSignedAt('2026-03-15T08:49:59Z').send('createSleeve', { sleeveId: 'sleeve-old', haloClass: HALO_CLASS })
    await expect(refused).rejects.toBeInstanceOf(CommandStaleError)
    await expect(refused).rejects.toMatchObject({ code: 'COMMAND_STALE', status: 400, meta: { maxAgeSeconds: 600 } })
    expect(await store.snapshot()).toBe(before)
  })

  it('a command signed 61 s ahead of the Synome clock is refused as COMMAND_FROM_FUTURE and changes nothing', async () => {
    const before = await store.snapshot()
    await expect(nfatSignedAt('2026-03-15T09:01:01Z').send('createSleeve', { sleeveId: 'sleeve-ahead', haloClass: HALO_CLASS })).rejects.toBeInstanceOf(CommandFromFutureError)
    expect(await store.snapshot()).toBe(before)
  })

  it('the window includes both ends: 600 s before and 60 s after are accepted', async () => {
    await expect(nfatSignedAt('2026-03-15T08:50:00Z').send('createSleeve', { sleeveId: 'sleeve-600', haloClass: HALO_CLASS })).resolves.toMatchObject({ replayed: false })
    await expect(nfatSignedAt('2026-03-15T09:01:00Z').send('createSleeve', { sleeveId: 'sleeve-60', haloClass: HALO_CLASS })).resolves.toMatchObject({ replayed: false })
  })

  it('a replay of an applied command after the window still returns the first result (idempotency first)', async () => {
    const signed = await nfatSignedAt('2026-03-15T09:00:00Z').sign('createSleeve', { sleeveId: 'sleeve-7', haloClass: HALO_CLASS }, { idempotencyKey: 'create:sleeve-7' })
    const first = await synome.execute(signed)
    time.set('2026-03-16T09:00:00Z') // a day later: the signature is long stale
    const before = await store.snapshot()
    expect(await synome.execute(signed)).toEqual({ ...first, replayed: true })
    expect(await store.snapshot()).toBe(before)
    // …but the same stale signature under a key never applied is refused.
    const late = await nfatSignedAt('2026-03-15T09:00:00Z').sign('createSleeve', { sleeveId: 'sleeve-8', haloClass: HALO_CLASS }, { idempotencyKey: 'create:sleeve-8' })
    await expect(synome.execute(late)).rejects.toMatchObject({ code: 'COMMAND_STALE' })
    expect(await store.snapshot()).toBe(before)
  })
})

describe('bearer tokens and metrics over HTTP', () => {
  const store = useStore(storeBackends()[0]!)
  const time = testClock('2026-03-15T09:00:00Z')
  const reader = generateToken('lpla-verify', ['read'])
  const writer = generateToken('lpha-nfat', ['read', 'commands'])
  let synome: SynomeService
  let open: Awaited<ReturnType<typeof startSynomeServer>>
  let guarded: Awaited<ReturnType<typeof startSynomeServer>>
  beforeAll(async () => {
    synome = await store.fresh({ clock: time.clock, roles: bootstrapRoles })
    open = await startSynomeServer({ service: synome, port: 0 })
    guarded = await startSynomeServer({ service: synome, port: 0, tokens: [reader.entry, writer.entry] })
    await createHttpClient({ url: open.url, account: accounts.council, clock: time.clock }).send('registerHaloClass', { haloClass: HALO_CLASS })
  })
  afterAll(async () => {
    await open?.close()
    await guarded?.close()
  })
  const client = (token?: string) => createHttpClient({ url: guarded.url, account: accounts.nfat, clock: time.clock, token })

  it('a command without a token, or with a wrong one, gets 401 problem+json and changes nothing', async () => {
    const before = await store.snapshot()
    const signed = await client().sign('createSleeve', { sleeveId: 'sleeve-7', haloClass: HALO_CLASS })
    for (const authorization of [undefined, 'Bearer halo_' + 'x'.repeat(43), `Basic ${writer.token}`, `Bearer ${writer.token}x`]) {
      const response = await fetch(`${guarded.url}/commands`, { method: 'POST', headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) }, body: JSON.stringify(signed) })
      expect(response.status, authorization).toBe(401)
      expect(response.headers.get('content-type')).toContain('application/problem+json')
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/)
      expect(await response.json()).toMatchObject({ code: 'UNAUTHENTICATED', status: 401 })
    }
    await expect(client().send('createSleeve', { sleeveId: 'sleeve-7', haloClass: HALO_CLASS })).rejects.toBeInstanceOf(UnauthenticatedError)
    expect(await store.snapshot()).toBe(before)
  })

  it('reads need a token too (every route but /health); a read-only token cannot send commands (403)', async () => {
    for (const path of ['/head', '/events', '/entities/haloClass', '/verify-log', '/checkpoints', '/checkpoints/latest', '/proof/inclusion?position=1&treeSize=1', '/proof/consistency?from=0&to=1', '/openapi.json', '/metrics']) {
      const response = await fetch(`${guarded.url}${path}`)
      expect(response.status, path).toBe(401)
      expect(await response.json()).toMatchObject({ code: 'UNAUTHENTICATED' })
    }
    expect((await fetch(`${guarded.url}/health`)).status).toBe(200)
    await expect(client(reader.token).get('haloClass', HALO_CLASS)).resolves.toMatchObject({ version: 1 })
    const before = await store.snapshot()
    await expect(client(reader.token).send('createSleeve', { sleeveId: 'sleeve-7', haloClass: HALO_CLASS })).rejects.toBeInstanceOf(NotPermittedError)
    expect(await store.snapshot()).toBe(before)
  })

  it('a token with commands access lets the signed command in (role checks still apply)', async () => {
    await expect(client(writer.token).send('createSleeve', { sleeveId: 'sleeve-7', haloClass: HALO_CLASS })).resolves.toMatchObject({ entity: { id: 'sleeve-7', version: 1 } })
    const attestor = createHttpClient({ url: guarded.url, account: accounts.attest, clock: time.clock, token: writer.token })
    await expect(attestor.send('createSleeve', { sleeveId: 'sleeve-x', haloClass: HALO_CLASS })).rejects.toMatchObject({ code: 'NOT_PERMITTED' })
  })

  it('/metrics shows appends, append latency, refusals by code and the log position', async () => {
    const nfat = client(writer.token)
    await nfat.send('createSleeve', { sleeveId: 'sleeve-8', haloClass: HALO_CLASS }, { idempotencyKey: 'k-8' })
    await nfat.send('createSleeve', { sleeveId: 'sleeve-8', haloClass: HALO_CLASS }, { idempotencyKey: 'k-8' })
    const stale = createHttpClient({ url: guarded.url, account: accounts.nfat, clock: at('2026-03-15T08:00:00Z'), token: writer.token })
    await expect(stale.send('createSleeve', { sleeveId: 'sleeve-9', haloClass: HALO_CLASS })).rejects.toBeInstanceOf(CommandStaleError)
    const response = await fetch(`${guarded.url}/metrics`, { headers: { authorization: `Bearer ${reader.token}` } })
    expect(response.headers.get('content-type')).toContain('text/plain')
    const text = await response.text()
    const head = await synome.head()
    expect(text).toContain(`synome_log_position ${head.position}`)
    // this server appended sleeve-7 and sleeve-8 (registerHaloClass went through the open one)
    expect(text).toContain('synome_commands_total{command="createSleeve",outcome="appended"} 2')
    expect(text).toContain('synome_commands_total{command="createSleeve",outcome="replayed"} 1')
    // refused by a gate after the token let them in: the attestor's (NOT_PERMITTED) and the stale one
    expect(text).toContain('synome_commands_total{command="createSleeve",outcome="refused"} 2')
    expect(text).toContain('synome_append_duration_seconds_count{command="createSleeve"} 2')
    expect(text).toContain('synome_refusals_total{code="UNAUTHENTICATED"}')
    expect(text).toContain('synome_refusals_total{code="NOT_PERMITTED"} 2')
    expect(text).toContain('synome_refusals_total{code="COMMAND_STALE"} 1')
  })

  it('refuses to start beyond loopback without tokens (TOKENS_REQUIRED), and starts with them', async () => {
    await expect(startSynomeServer({ service: synome, port: 0, hostname: '0.0.0.0' })).rejects.toMatchObject({ code: 'TOKENS_REQUIRED' })
    await expect(startSynomeServer({ service: synome, port: 0, hostname: '::', tokens: [] })).rejects.toMatchObject({ code: 'TOKENS_REQUIRED' })
    const wide = await startSynomeServer({ service: synome, port: 0, hostname: '0.0.0.0', tokens: [reader.entry] })
    expect((await fetch(`http://127.0.0.1:${wide.port}/head`)).status).toBe(401)
    await wide.close()
    expect(['127.0.0.1', '127.8.0.1', 'localhost', '::1', '[::1]'].map(isLoopbackHost)).toEqual([true, true, true, true, true])
    expect(['0.0.0.0', '::', '10.0.0.5', 'synome.internal', '128.0.0.1'].map(isLoopbackHost)).toEqual([false, false, false, false, false])
  })

  it('the server keeps only the SHA-256 of a token; a token is taken from the flag, then HALO_SYNOME_TOKEN, then the config', () => {
    expect(writer.entry).toEqual({ name: 'lpha-nfat', sha256: hashToken(writer.token), access: ['read', 'commands'] })
    expect(JSON.stringify(writer.entry)).not.toContain(writer.token)
    expect(resolveSynomeToken({ flag: 'f', env: { HALO_SYNOME_TOKEN: 'e' }, config: 'c' })).toBe('f')
    expect(resolveSynomeToken({ env: { HALO_SYNOME_TOKEN: 'e' }, config: 'c' })).toBe('e')
    expect(resolveSynomeToken({ env: {}, config: 'c' })).toBe('c')
    expect(resolveSynomeToken({ env: {} })).toBeUndefined()
    // lpla-verify's config follows the same order (flags > env > file)
    expect(loadVerifyConfig({ env: { HALO_SYNOME_TOKEN: 'e' } }).synomeToken).toBe('e')
    expect(loadVerifyConfig({ env: { HALO_SYNOME_TOKEN: 'e' }, flags: { synomeToken: 'f' } }).synomeToken).toBe('f')
  })

  it('the OpenAPI document names the bearer scheme, /metrics and the new codes', async () => {
    const doc = (await (await fetch(`${guarded.url}/openapi.json`, { headers: { authorization: `Bearer ${reader.token}` } })).json()) as { paths: Record<string, unknown>; components: { securitySchemes: Record<string, unknown>; schemas: { Problem: { properties: { code: { enum: string[] } } } } } }
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' })
    expect(Object.keys(doc.paths)).toContain('/metrics')
    expect(doc.components.schemas.Problem.properties.code.enum).toEqual(expect.arrayContaining(['UNAUTHENTICATED', 'COMMAND_STALE', 'COMMAND_FROM_FUTURE']))
  })
})
