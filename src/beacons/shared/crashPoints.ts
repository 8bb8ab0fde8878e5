/**
 * Fault injection for the crash tests: inert unless `HALO_CRASH_AT=<point>#<n>` is set, in
 * which case the process SIGKILLs itself the n-th time it passes `point` — a real kill -9 at
 * an exact place (after a durable intent, after a broadcast, after a Synome write), which
 * a timer-based kill from outside could only hit by luck.
 */
const spec = process.env.HALO_CRASH_AT
const [target, nth] = spec ? [spec.split('#')[0], Number(spec.split('#')[1] ?? '1')] : [undefined, 0]
/** `HALO_PAUSE_AT=<point>#<n>`: SIGSTOP instead — a leader frozen at an exact step, resumed by SIGCONT (the HA tests). */
const pauseSpec = process.env.HALO_PAUSE_AT
const [pauseTarget, pauseNth] = pauseSpec ? [pauseSpec.split('#')[0], Number(pauseSpec.split('#')[1] ?? '1')] : [undefined, 0]
const seen = new Map<string, number>()

export type CrashPoint = 'tx-intent' | 'tx-broadcast' | 'synome-write' | 'ledger-write'

export function crashPoint(point: CrashPoint): void {
  const count = (seen.get(point) ?? 0) + 1
  seen.set(point, count)
  if (process.env.HALO_CRASH_TRACE) process.stderr.write(`crash-point ${point}#${count}\n`)
  if (point === pauseTarget && count === pauseNth) {
    process.stderr.write(`crash-point ${point}#${count}: SIGSTOP\n`)
    process.kill(process.pid, 'SIGSTOP')
  }
  if (point !== target || count !== nth) return
  process.stderr.write(`crash-point ${point}#${count}: SIGKILL\n`)
  process.kill(process.pid, 'SIGKILL')
}

/** The same client, passing the `synome-write` crash point after every accepted command. */
export function withCrashPoints<C extends { send: (...args: never[]) => Promise<unknown> }>(client: C): C {
  if (!spec && !pauseSpec) return client
  return {
    ...client,
    send: (async (...args: never[]) => {
      const result = await client.send(...args)
      crashPoint('synome-write')
      return result
    }) as C['send'],
  }
}
