import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createSupervisor } from '../../src/devnet/supervisor.js'

const dir = mkdtempSync(join(tmpdir(), 'halo-supervisor-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const node = (script: string, name: string) => ({ name, command: process.execPath, args: ['-e', script], logFile: join(dir, `${name}.log`) })
const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

describe('beacon supervisor', () => {
  it('restarts a crashing child with backoff, logs each restart, and gives up after maxRestarts (a crash loop is bounded)', async () => {
    const lines: string[] = []
    const supervisor = createSupervisor({ maxRestarts: 2, log: (l) => lines.push(l) })
    supervisor.start(node('console.log("starting"); process.exit(3)', 'crasher'))
    const deadline = Date.now() + 15_000
    while (supervisor.components()[0]!.status !== 'failed' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
    expect(supervisor.components()[0]).toMatchObject({ status: 'failed', restarts: 2, pid: null, lastExit: { code: 3, signal: null } })
    expect(lines).toEqual([
      expect.stringMatching(/^crasher exited \(code 3, signal null\); restart 1 in 1 s/),
      expect.stringMatching(/^crasher exited \(code 3, signal null\); restart 2 in 2 s/),
      expect.stringMatching(/^crasher exited \(code 3, signal null\); 2 restarts used, giving up/),
    ])
    await supervisor.stop()
    // Three runs of the child wrote to its log.
    expect(readFileSync(join(dir, 'crasher.log'), 'utf8').match(/starting/g)).toHaveLength(3)
  }, 20_000)

  it('stop() terminates every child, SIGKILLing one that ignores SIGTERM, and restarts nothing', async () => {
    const changes: string[] = []
    const supervisor = createSupervisor({ stopTimeoutMs: 300, onChange: (c) => changes.push(c.map((x) => x.status).join(',')) })
    const polite = supervisor.start(node('setInterval(() => {}, 1000)', 'polite'))
    const stubborn = supervisor.start(node('process.on("SIGTERM", () => {}); console.log("ready"); setInterval(() => {}, 1000)', 'stubborn'))
    const pids = [polite.pid!, stubborn.pid!]
    // Let the stubborn child install its SIGTERM handler first.
    const deadline = Date.now() + 10_000
    const ready = () => existsSync(join(dir, 'stubborn.log')) && readFileSync(join(dir, 'stubborn.log'), 'utf8').includes('ready')
    while (!ready() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
    await supervisor.stop()
    expect(supervisor.components().map((c) => [c.name, c.status, c.restarts])).toEqual([
      ['polite', 'stopped', 0],
      ['stubborn', 'stopped', 0],
    ])
    expect(supervisor.components()[1]!.lastExit).toMatchObject({ signal: 'SIGKILL' })
    for (const pid of pids) expect(alive(pid)).toBe(false)
    await new Promise((r) => setTimeout(r, 1_200))
    expect(supervisor.components().every((c) => c.pid === null && c.status === 'stopped')).toBe(true)
  }, 20_000)
})
