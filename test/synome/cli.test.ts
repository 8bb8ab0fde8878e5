/**
 * `halo synome …` against a running Synome (HTTP) and a data directory: signed send with a
 * key file, --json reads, verify-log exit status, backup and restore.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { main } from '../../src/cli/main.js'
import type { SynomeService } from '../../src/synome/service.js'
import { readTokensFile } from '../../src/synome/http/auth.js'
import { startSynomeServer } from '../../src/synome/server.js'
import { storeBackends, useStore } from '../fixtures/store.js'
import { HALO_CLASS, bootstrapRoles, keys, unitPayload } from './support.js'
import { runHalo } from '../support/cli.js'

const dir = mkdtempSync(join(tmpdir(), 'synome-cli-'))

const halo = runHalo

describe('halo synome CLI', () => {
  const store = useStore(storeBackends()[0]!)
  let synome: SynomeService
  let server: Awaited<ReturnType<typeof startSynomeServer>>
  let url: string

  beforeAll(async () => {
    // The wall clock, as in production: the CLI signs with it and the Synome refuses commands
    // issued outside its freshness window (600 s before, 60 s after its clock).
    synome = await store.fresh({ roles: bootstrapRoles })
    server = await startSynomeServer({ service: synome, port: 0 })
    url = server.url
  })
  afterAll(async () => {
    await server?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('sends signed commands with --key (hex or file) and reads with --json', async () => {
    const keyFile = join(dir, 'nfat.key')
    writeFileSync(keyFile, `${keys.nfat}\n`)
    expect((await halo('synome', 'send', 'registerHaloClass', JSON.stringify({ haloClass: HALO_CLASS }), '--key', keys.council, '--synome', url, '--json')).code).toBe(0)
    const created = await halo('synome', 'send', 'createSleeve', JSON.stringify({ sleeveId: 'sleeve-7', haloClass: HALO_CLASS }), '--key', keyFile, '--idempotency-key', 'create:sleeve-7', '--synome', url, '--json')
    expect(JSON.parse(created.stdout)).toMatchObject({ entity: { type: 'sleeve', id: 'sleeve-7', version: 1 }, replayed: false })
    const replay = await halo('synome', 'send', 'createSleeve', JSON.stringify({ sleeveId: 'sleeve-7', haloClass: HALO_CLASS }), '--key', keyFile, '--idempotency-key', 'create:sleeve-7', '--synome', url, '--json')
    expect(JSON.parse(replay.stdout)).toMatchObject({ replayed: true })
    const payloadFile = join(dir, 'sweep.json')
    writeFileSync(payloadFile, JSON.stringify({ sleeveId: 'sleeve-7', unit: unitPayload(42, '30000000', 'spark') }))
    expect((await halo('synome', 'send', 'sweepUnit', '--payload-file', payloadFile, '--key', keyFile, '--synome', url)).stdout).toMatch(/^accepted: sweepUnit → sleeve sleeve-7 v2/)

    const refused = await halo('synome', 'send', 'createSleeve', JSON.stringify({ sleeveId: 's2', haloClass: HALO_CLASS }), '--key', keys.attest, '--synome', url, '--json')
    expect(refused.code).toBe(1)
    expect(JSON.parse(refused.stderr)).toMatchObject({ code: 'NOT_PERMITTED', status: 403 })

    const afterSweep = new Date().toISOString()
    const got = JSON.parse((await halo('synome', 'get', 'sleeve', 'sleeve-7', '--synome', url, '--json')).stdout)
    expect(got.data).toMatchObject({ state: 'FILLING', linkedUnits: [42], assets: [{ type: 'USDS', amount: '30000000', location: 'facility-ALMProxy' }] })
    const asOf = JSON.parse((await halo('synome', 'get', 'sleeve', 'sleeve-7', '--as-of', afterSweep, '--synome', url, '--json')).stdout)
    expect(asOf.version).toBe(2)
    const list = JSON.parse((await halo('synome', 'list', 'unit', '--prime', 'spark', '--synome', url, '--json')).stdout)
    expect(list.items.map((u: { id: string }) => u.id)).toEqual(['42'])
    const history = JSON.parse((await halo('synome', 'history', 'sleeve', 'sleeve-7', '--synome', url, '--json')).stdout)
    expect(history.map((v: { command: string }) => v.command)).toEqual(['createSleeve', 'sweepUnit'])
    expect(JSON.parse((await halo('synome', 'events', '--after', '2', '--synome', url, '--json')).stdout).events).toHaveLength(2)
    expect((await halo('synome', 'commands')).stdout).toMatch(/sweepUnit\s+nfat/)
  })

  it('verify-log exits 1 on a broken chain; backup + restore round-trip; restore refuses a tampered file', async () => {
    const ok = await halo('synome', 'verify-log', '--synome', url, '--json')
    expect(JSON.parse(ok.stdout)).toMatchObject({ ok: true, events: 4 })
    const file = join(dir, 'backup.jsonl')
    expect(JSON.parse((await halo('synome', 'backup', file, '--synome', url, '--json')).stdout)).toMatchObject({ events: 4 })

    const restoredDir = join(dir, 'restored')
    const restored = await halo('synome', 'restore', file, '--data-dir', restoredDir, '--json')
    expect(JSON.parse(restored.stdout), restored.stderr).toMatchObject({ events: 4 })
    const tamperedFile = join(dir, 'tampered.jsonl')
    writeFileSync(tamperedFile, (await import('node:fs')).readFileSync(file, 'utf8').replace('30000000', '90000000'))
    const refused = await halo('synome', 'restore', tamperedFile, '--data-dir', join(dir, 'refused'), '--json')
    expect(refused.code).toBe(1)
    expect(JSON.parse(refused.stderr)).toMatchObject({ code: 'INVALID_INPUT', title: expect.stringMatching(/tampered/) })

    await store.sql.query(`UPDATE events SET actor = '0x0000000000000000000000000000000000000001' WHERE position = 3`)
    const broken = await halo('synome', 'verify-log', '--synome', url)
    expect(broken.code).toBe(1)
    expect(broken.stdout).toMatch(/BROKEN at event 3/)
  })

  it('bearer tokens: `halo synome token` makes one, reads pass it by --token or HALO_SYNOME_TOKEN, and serve refuses a non-loopback address without tokens', async () => {
    const made = JSON.parse((await halo('synome', 'token', 'ops-dashboard', '--access', 'read', '--json')).stdout)
    expect(made.entry).toMatchObject({ name: 'ops-dashboard', access: ['read'], sha256: expect.stringMatching(/^[0-9a-f]{64}$/) })
    const tokensFile = join(dir, 'tokens.json')
    writeFileSync(tokensFile, JSON.stringify({ tokens: [made.entry] }))
    const guarded = await startSynomeServer({ service: synome, port: 0, tokens: readTokensFile(tokensFile) })
    try {
      const without = await halo('synome', 'get', 'sleeve', 'sleeve-7', '--synome', guarded.url, '--json')
      expect(without.code).toBe(1)
      expect(JSON.parse(without.stderr)).toMatchObject({ code: 'UNAUTHENTICATED', status: 401 })
      expect(JSON.parse((await halo('synome', 'get', 'sleeve', 'sleeve-7', '--synome', guarded.url, '--token', made.token, '--json')).stdout)).toMatchObject({ data: { sleeveId: 'sleeve-7' } })
      process.env.HALO_SYNOME_TOKEN = made.token
      expect((await halo('synome', 'get', 'sleeve', 'sleeve-7', '--synome', guarded.url, '--json')).code).toBe(0)
      // the flag wins over the environment
      expect((await halo('synome', 'get', 'sleeve', 'sleeve-7', '--synome', guarded.url, '--token', `halo_${'0'.repeat(43)}`, '--json')).code).toBe(1)
    } finally {
      delete process.env.HALO_SYNOME_TOKEN
      await guarded.close()
    }
    const refused = await halo('synome', 'serve', '--host', '0.0.0.0', '--port', '0', '--data-dir', join(dir, 'wide'), '--json')
    expect(refused.code).toBe(1)
    expect(JSON.parse(refused.stderr)).toMatchObject({ code: 'TOKENS_REQUIRED' })
  })
})
