import { execFile, execFileSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { projectRoot } from '../../src/chain/build.js'

/**
 * The newcomer's path without the install hook: a fresh clone has no src/chain/generated
 * (gitignored, built) and no solc cache, as after `npm install --ignore-scripts` (a plain
 * `npm install` runs the project's `postinstall` build). Every `halo` command must still work.
 * The clone is the tracked files of this checkout copied to a temp dir, node_modules linked.
 */
describe('a fresh clone after npm install', () => {
  let clone: string
  beforeAll(() => {
    clone = mkdtempSync(join(tmpdir(), 'halo-fresh-clone-'))
    const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: projectRoot, encoding: 'utf8' }).split('\0').filter(Boolean)
    for (const file of tracked) {
      if (!existsSync(join(projectRoot, file))) continue
      mkdirSync(dirname(join(clone, file)), { recursive: true })
      cpSync(join(projectRoot, file), join(clone, file))
    }
    symlinkSync(join(projectRoot, 'node_modules'), join(clone, 'node_modules'), 'dir')
  })
  afterAll(() => rmSync(clone, { recursive: true, force: true }))

  /** Asynchronous (spawnSync would block the test worker for the whole compile). */
  const halo = (...args: string[]) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [join(clone, 'bin/halo.mjs'), ...args], { cwd: clone, encoding: 'utf8', timeout: 120_000 }, (error, stdout, stderr) => {
        resolve({ status: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr })
      })
    })

  it('has no generated ABIs before the first command', () => {
    expect(existsSync(join(clone, 'src/chain/generated'))).toBe(false)
    expect(existsSync(join(clone, '.cache'))).toBe(false)
  })

  it('`halo --help` builds the ABIs once and prints the help', async () => {
    const run = await halo('--help')
    expect(run.stderr).not.toContain('ERR_MODULE_NOT_FOUND')
    expect(run.status).toBe(0)
    expect(run.stdout).toContain('Usage: halo')
    expect(run.stderr).toMatch(/compiled \d+ contracts/)
    expect(existsSync(join(clone, 'src/chain/generated/index.ts'))).toBe(true)
  }, 120_000)

  it('`halo status --help` then runs from the warm cache, silently', async () => {
    const run = await halo('status', '--help')
    expect(run.status).toBe(0)
    expect(run.stdout).toContain('Usage: halo status')
    expect(run.stderr).toBe('')
  }, 60_000)
})
