import type { ChildProcess } from 'node:child_process'
import { connect } from 'node:net'
import { expect } from 'vitest'
import { readStackState } from '../../src/devnet/stateFile.js'
import { pidAlive } from '../../src/devnet/status.js'

/** Whether something accepts connections on this loopback port (a stopped stack leaves none). */
export function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port })
    socket.once('connect', () => (socket.destroy(), resolve(true)))
    socket.once('error', () => resolve(false))
  })
}

/**
 * Ctrl-C a running `halo up` and check it took everything down: exit code 0, its goodbye
 * line, no component process, no port of the stack (chain, Synome, dashboard, metrics)
 * left, and the state file says stopped.
 */
export async function stopStackAndExpectNothingLeft(up: ChildProcess, stateDir: string, output: () => string): Promise<void> {
  const s = readStackState(stateDir)!
  const pids = s.components.map((c) => c.pid!)
  const ports = [Number(new URL(s.chain.rpcUrl).port), Number(new URL(s.synome.url).port), Number(new URL(s.dashboard!.url).port), ...s.components.filter((c) => c.url).map((c) => Number(new URL(c.url!).port))]
  const exited = new Promise<number | null>((resolve) => up.once('exit', (code) => resolve(code)))
  up.kill('SIGINT')
  expect(await exited).toBe(0)
  expect(output()).toContain('stopped: no process or port left behind')
  for (const pid of [...pids, up.pid!]) expect(pidAlive(pid)).toBe(false)
  for (const port of ports) expect(await portOpen(port)).toBe(false)
  expect(readStackState(stateDir)!.status).toBe('stopped')
}
