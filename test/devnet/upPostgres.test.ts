import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startAnvil, type Anvil } from '../../src/chain/devnet.js'
import { pidAlive, stackStatus } from '../../src/devnet/status.js'
import type { StackState } from '../../src/devnet/stateFile.js'
import { createTestDatabase } from '../fixtures/store.js'
import { portOpen } from './support.js'

/**
 * `halo up --database-url … --rpc-url …`: the Synome on a PostgreSQL server instead of PGlite,
 * and a chain someone else runs instead of a new anvil. Ctrl-C stops what halo up started and
 * nothing else: the chain keeps running, the database keeps the Synome's log.
 * PostgreSQL comes from TEST_DATABASE_URL (required in CI, like the store suites).
 */
const baseUrl = process.env.TEST_DATABASE_URL
if (!baseUrl && process.env.CI === 'true') throw new Error('CI=true but TEST_DATABASE_URL is not set: halo up on PostgreSQL is required in CI')

const stateDir = mkdtempSync(join(tmpdir(), 'halo-up-pg-'))
let chain: Anvil
let database: { url: string; drop: () => Promise<void> }
let up: ChildProcess | undefined
let output = ''

const state = () => JSON.parse(readFileSync(join(stateDir, 'state.json'), 'utf8')) as StackState

describe.skipIf(!baseUrl)('halo up on PostgreSQL and an existing chain', () => {
  beforeAll(async () => {
    chain = await startAnvil()
    database = await createTestDatabase(baseUrl!)
  })
  afterAll(async () => {
    if (up && up.exitCode === null) up.kill('SIGKILL')
    await chain?.stop()
    await database?.drop()
    rmSync(stateDir, { recursive: true, force: true })
  })

  it('boots healthy with the Synome on PostgreSQL and the given chain; Ctrl-C leaves the chain and the log in place', async () => {
    up = spawn(process.execPath, ['bin/halo.mjs', 'up', '--state-dir', stateDir, '--synome-port', '0', '--dashboard-port', '0', '--interval', '1', '--database-url', database.url, '--rpc-url', chain.rpcUrl, '--no-primes'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    up.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    up.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    const deadline = Date.now() + 120_000
    let status = await stackStatus(stateDir)
    while (!status.healthy && Date.now() < deadline && up.exitCode === null) {
      await new Promise((resolve) => setTimeout(resolve, 500))
      status = await stackStatus(stateDir)
    }
    expect(status.healthy, output).toBe(true)
    expect(status.synome).toMatchObject({ ok: true, backend: 'postgresql' })
    expect(status.chain.rpcUrl).toBe(chain.rpcUrl)
    expect(output).toContain('Synome-MVP on PostgreSQL')
    expect(output).not.toContain('starting anvil')

    const pids = state().components.map((c) => c.pid!)
    const synomePort = Number(new URL(state().synome.url).port)
    const exited = new Promise<number | null>((resolve) => up!.once('exit', (code) => resolve(code)))
    up.kill('SIGINT')
    expect(await exited).toBe(0)
    for (const pid of [...pids, up.pid!]) expect(pidAlive(pid)).toBe(false)
    expect(await portOpen(synomePort)).toBe(false)
    // What halo up did not start is still there.
    expect(await portOpen(Number(new URL(chain.rpcUrl).port))).toBe(true)
    const client = new pg.Client({ connectionString: database.url })
    await client.connect()
    const { rows } = await client.query<{ command: string }>('SELECT command FROM events ORDER BY position')
    await client.end()
    expect(rows.map((r) => r.command)).toEqual(expect.arrayContaining(['registerHaloClass', 'publishRiskFramework']))
  }, 180_000)
})
