import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { writeStackState } from '../../src/devnet/stateFile.js'
import { stackStatus } from '../../src/devnet/status.js'

const dir = mkdtempSync(join(tmpdir(), 'halo-status-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('halo status without a healthy stack', () => {
  it('no state file: not running, not healthy', async () => {
    expect(await stackStatus(join(dir, 'nothing'))).toMatchObject({ healthy: false, stack: { status: 'not-running', pid: null }, components: [] })
  })

  it('a stack still booting (no chain or Synome URL yet) is reported as such, not as a crash', async () => {
    writeStackState({ pid: process.pid, startedAt: new Date().toISOString(), status: 'booting', stateDir: dir, chain: { rpcUrl: '', anvilStartedByUs: true, chainId: 31337 }, synome: { url: '', backend: 'pglite', dataDir: null }, contracts: null, timelock: null, components: [] })
    expect(await stackStatus(dir)).toMatchObject({ healthy: false, stack: { ok: false, status: 'booting' }, chain: { ok: false, error: 'not started yet' }, synome: { ok: false, error: 'not started yet' } })
  })

  it('a dead stack process and dead components are DOWN even if the file says up', async () => {
    writeStackState({ pid: 2 ** 22 + 12345, startedAt: new Date().toISOString(), status: 'up', stateDir: dir, chain: { rpcUrl: 'http://127.0.0.1:1', anvilStartedByUs: true, chainId: 31337 }, synome: { url: 'http://127.0.0.1:1', backend: 'pglite', dataDir: null }, contracts: null, timelock: null, components: [{ name: 'lpha-nfat', pid: 2 ** 22 + 12346, status: 'running', restarts: 0, lastExit: null, logFile: 'x.log' }] })
    const status = await stackStatus(dir)
    expect(status).toMatchObject({ healthy: false, stack: { ok: false }, chain: { ok: false }, synome: { ok: false }, components: [{ name: 'lpha-nfat', ok: false }] })
  })
})

describe('npm start', () => {
  it('runs `halo up` through the executable entry point (src/cli/main.ts alone only defines the program)', async () => {
    const { readFileSync } = await import('node:fs')
    const { execFileSync } = await import('node:child_process')
    const start = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts.start!
    const help = execFileSync('sh', ['-c', `${start} --help`], { encoding: 'utf8' })
    expect(help).toContain('boot the Term Halo devnet on loopback')
    expect(help).toContain('--database-url')
    expect(help).toContain('--rpc-url')
  }, 30_000)
})

describe('halo status with `halo up --ha`', () => {
  it('shows which instance of each beacon is the leader (the Synome lease) and which is standby', async () => {
    const { privateKeyToAccount } = await import('viem/accounts')
    const { createSynome } = await import('../../src/synome/create.js')
    const { startSynomeServer } = await import('../../src/synome/server.js')
    const { createHttpClient } = await import('../../src/synome/client/index.js')
    const { formatStatus } = await import('../../src/devnet/status.js')
    const synome = await createSynome({ dataDir: null })
    const server = await startSynomeServer({ service: synome, port: 0 })
    try {
      const beacon = createHttpClient({ url: server.url, account: privateKeyToAccount(`0x${'a1'.repeat(32)}`) })
      await beacon.acquireLease({ name: 'lpha-nfat:facility-A', holder: 'lpha-nfat#2', ttlMs: 30_000 })
      const haDir = join(dir, 'ha')
      const { mkdirSync } = await import('node:fs')
      mkdirSync(haDir, { recursive: true })
      const component = (name: string) => ({ name, pid: process.pid, status: 'running' as const, restarts: 0, lastExit: null, logFile: `${name}.log` })
      writeStackState({
        pid: process.pid, startedAt: new Date().toISOString(), status: 'up', stateDir: haDir,
        chain: { rpcUrl: 'http://127.0.0.1:1', anvilStartedByUs: true, chainId: 31337 }, synome: { url: server.url, backend: 'pglite', dataDir: null }, contracts: null, timelock: null,
        components: [component('lpha-nfat#1'), component('lpha-nfat#2'), component('lpha-attest#1')],
        ha: { leases: { 'lpha-nfat#1': 'lpha-nfat:facility-A', 'lpha-nfat#2': 'lpha-nfat:facility-A', 'lpha-attest#1': 'lpha-attest:facility-A' } },
      })
      const status = await stackStatus(haDir)
      expect(status.components.map((c) => [c.name, c.lease?.role, c.lease?.leader, c.lease?.epoch])).toEqual([
        ['lpha-nfat#1', 'standby', 'lpha-nfat#2', 1],
        ['lpha-nfat#2', 'leader', 'lpha-nfat#2', 1],
        // no instance holds the attest lease yet: both are standby, nobody leads
        ['lpha-attest#1', 'standby', null, null],
      ])
      expect(formatStatus(status)).toContain('lpha-nfat#2 pid')
      expect(formatStatus(status)).toMatch(/lpha-nfat#2 pid \d+ {2}running, 0 restart\(s\) {2}leader \(lease lpha-nfat:facility-A epoch 1, 0 takeover\(s\)\)/)
    } finally {
      await server.close()
      await synome.close()
    }
  }, 30_000)
})
