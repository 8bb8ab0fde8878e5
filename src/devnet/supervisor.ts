import { spawn, type ChildProcess } from 'node:child_process'
import { createWriteStream, type WriteStream } from 'node:fs'

/**
 * Runs beacon processes and keeps them running: a child that exits while the stack is up is
 * restarted after a backoff (1 s doubling to 30 s), each restart logged with its exit code.
 * Bounded: after `maxRestarts` restarts a component is left `failed` (a crash loop must not
 * spin forever). `stop()` sends SIGTERM, waits, then SIGKILLs whatever remains — so no child
 * outlives the stack.
 */
export type ComponentSpec = {
  name: string
  command: string
  args: string[]
  env?: Record<string, string>
  logFile: string
  /** Where it serves (metrics etc.), shown by `halo status`. */
  url?: string | undefined
}

export type ComponentStatus = { name: string; pid: number | null; status: 'running' | 'restarting' | 'failed' | 'stopped'; restarts: number; lastExit: { code: number | null; signal: string | null; at: string } | null; logFile: string; url?: string | undefined }

export type SupervisorParameters = {
  maxRestarts?: number
  stopTimeoutMs?: number
  onChange?: (components: ComponentStatus[]) => void
  log?: (line: string) => void
}

type Entry = { spec: ComponentSpec; child: ChildProcess | null; status: ComponentStatus; out: WriteStream; timer: NodeJS.Timeout | null; exited: Promise<void> }

export function createSupervisor({ maxRestarts = 20, stopTimeoutMs = 5_000, onChange = () => {}, log = () => {} }: SupervisorParameters = {}) {
  const entries = new Map<string, Entry>()
  let stopping = false
  const changed = () => onChange([...entries.values()].map((e) => ({ ...e.status })))

  function launch(entry: Entry) {
    const child = spawn(entry.spec.command, entry.spec.args, { env: { ...process.env, ...entry.spec.env }, stdio: ['ignore', 'pipe', 'pipe'] })
    child.stdout?.pipe(entry.out, { end: false })
    child.stderr?.pipe(entry.out, { end: false })
    entry.child = child
    entry.status.pid = child.pid ?? null
    entry.status.status = 'running'
    entry.exited = new Promise((resolve) => child.once('exit', () => resolve()))
    child.once('exit', (code, signal) => {
      entry.child = null
      entry.status.pid = null
      entry.status.lastExit = { code, signal, at: new Date().toISOString() }
      if (stopping) {
        entry.status.status = 'stopped'
        return changed()
      }
      if (entry.status.restarts >= maxRestarts) {
        entry.status.status = 'failed'
        log(`${entry.spec.name} exited (code ${code}, signal ${signal}); ${maxRestarts} restarts used, giving up — see ${entry.spec.logFile}`)
        return changed()
      }
      const delayMs = Math.min(30_000, 1_000 * 2 ** entry.status.restarts)
      entry.status.status = 'restarting'
      entry.status.restarts++
      log(`${entry.spec.name} exited (code ${code}, signal ${signal}); restart ${entry.status.restarts} in ${delayMs / 1000} s — see ${entry.spec.logFile}`)
      entry.timer = setTimeout(() => {
        entry.timer = null
        if (!stopping) launch(entry)
        changed()
      }, delayMs)
      changed()
    })
    changed()
  }

  return {
    start(spec: ComponentSpec) {
      const out = createWriteStream(spec.logFile, { flags: 'a' })
      // A log file that cannot be written must not take the stack down: say so and carry on.
      out.on('error', (error) => log(`${spec.name}: cannot write ${spec.logFile}: ${error.message}`))
      const entry: Entry = { spec, child: null, out, timer: null, exited: Promise.resolve(), status: { name: spec.name, pid: null, status: 'running', restarts: 0, lastExit: null, logFile: spec.logFile, url: spec.url } }
      entries.set(spec.name, entry)
      launch(entry)
      return entry.status
    },
    components: () => [...entries.values()].map((e) => ({ ...e.status })),
    async stop() {
      stopping = true
      await Promise.all(
        [...entries.values()].map(async (entry) => {
          if (entry.timer) clearTimeout(entry.timer)
          const child = entry.child
          if (child) {
            child.kill('SIGTERM')
            const kill = setTimeout(() => child.kill('SIGKILL'), stopTimeoutMs)
            await entry.exited
            clearTimeout(kill)
          }
          entry.status.status = 'stopped'
          await new Promise<void>((resolve) => entry.out.end(resolve))
        }),
      )
      changed()
    },
  }
}
export type Supervisor = ReturnType<typeof createSupervisor>
