/**
 * PGlite data-directory safety (issue 2): one owner per directory, clean close on SIGTERM,
 * refusal of a directory written by another PGlite version, and persistence across restarts.
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { afterAll, describe, expect, it } from 'vitest'
import { createSynome } from '../../src/synome/create.js'
import { LOCK_FILE, MARKER_FILE, checkDataDirVersion, lockDataDir } from '../../src/synome/sql/dataDir.js'
import { bootstrapRoles, clientsFor, testClock } from './support.js'

const root = mkdtempSync(join(tmpdir(), 'synome-dir-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('PGlite data directory', () => {
  it('one process owns a directory; the data survives a restart', async () => {
    const dataDir = join(root, 'owned')
    const time = testClock()
    const first = await createSynome({ dataDir, clock: time.clock, roles: bootstrapRoles })
    await clientsFor(first, time.clock).council.send('registerHaloClass', { haloClass: 'facility-A' })
    // a second owner in this or another process is refused before PGlite opens anything
    expect(() => lockDataDir(dataDir)).toThrow(/in use by process/)
    await expect(createSynome({ dataDir })).rejects.toMatchObject({ code: 'STORE', meta: { pid: process.pid } })
    await first.close()
    expect(existsSync(join(dataDir, LOCK_FILE))).toBe(false)

    const again = await createSynome({ dataDir, roles: bootstrapRoles })
    expect((await again.get('haloClass', 'facility-A')).data).toMatchObject({ haloClass: 'facility-A' })
    expect(await again.verifyLog()).toMatchObject({ ok: true, events: 2 })
    await again.close()
  })

  it('a stale lock of a dead process is taken over', () => {
    const dataDir = join(root, 'stale')
    const release = lockDataDir(dataDir)
    release()
    writeFileSync(join(dataDir, LOCK_FILE), JSON.stringify({ pid: 2 ** 22 + 12345 }))
    const again = lockDataDir(dataDir)
    expect(JSON.parse(readFileSync(join(dataDir, LOCK_FILE), 'utf8')).pid).toBe(process.pid)
    again()
  })

  it('refuses a directory written by another PGlite version, or by something else', () => {
    const dataDir = join(root, 'versions')
    const cluster = checkDataDirVersion(dataDir, '0.5.16')
    writeFileSync(join(cluster, 'PG_VERSION'), '18\n')
    expect(checkDataDirVersion(dataDir, '0.5.99')).toBe(cluster) // patch releases share the format
    expect(() => checkDataDirVersion(dataDir, '0.6.0')).toThrow(/written by PGlite 0\.5\.16; this build has PGlite 0\.6\.0/)
    rmSync(join(dataDir, MARKER_FILE))
    expect(() => checkDataDirVersion(dataDir, '0.5.16')).toThrow(/not written by halo synome/)
  })

  it('`halo synome serve` stops cleanly on SIGTERM and releases the directory', async () => {
    const dataDir = join(root, 'served')
    const child = spawn(process.execPath, ['bin/halo.mjs', 'synome', 'serve', '--port', '0', '--data-dir', dataDir, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (chunk) => (stderr += String(chunk)))
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
    const lines = createInterface({ input: child.stdout })
    const first = await new Promise<string>((resolve, reject) => {
      lines.once('line', resolve)
      void exited.then(() => reject(new Error(`serve exited: ${stderr}`)))
    })
    const { url } = JSON.parse(first) as { url: string }
    expect(await (await fetch(`${url}/health`)).json()).toMatchObject({ ok: true })
    expect(existsSync(join(dataDir, LOCK_FILE))).toBe(true)
    child.kill('SIGTERM')
    expect(await exited).toBe(0)
    expect(existsSync(join(dataDir, LOCK_FILE))).toBe(false)
  })
})
