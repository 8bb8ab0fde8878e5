import { setTimeout as sleep } from 'node:timers/promises'
import type { Logger } from 'pino'

export type RunTickLoopParameters<R> = {
  /** One level-triggered reconcile pass; everything it needs is re-observed each time. */
  tick: () => Promise<R>
  /** What to log about a finished tick, and whether it counts as failed (exit code 1 with `once`). */
  summarise: (report: R) => { fields: Record<string, unknown>; failed: boolean }
  intervalSeconds: number
  once?: boolean | undefined
  log: Logger
  /** Stops the loop like SIGTERM does (for embedding and tests). */
  stopSignal?: AbortSignal | undefined
}

/**
 * The loop every beacon process runs: tick, log, wait, again — until SIGTERM/SIGINT, or once.
 * A tick that throws (RPC or Synome down) is logged and retried next interval, never fatal:
 * the next tick observes the world afresh. The wait is cut short by a signal, so a supervisor's
 * stop never has to wait out an interval (or resort to SIGKILL).
 */
export async function runTickLoop<R>(p: RunTickLoopParameters<R>): Promise<void> {
  const stopping = new AbortController()
  const stop = () => stopping.abort()
  p.stopSignal?.addEventListener('abort', stop, { once: true })
  process.once('SIGTERM', stop)
  process.once('SIGINT', stop)
  try {
    while (!stopping.signal.aborted) {
      const failed = await p.tick().then(
        (report) => {
          const { fields, failed } = p.summarise(report)
          p.log.info(fields, 'tick done')
          return failed
        },
        (error: unknown) => {
          p.log.error({ err: error }, 'tick failed')
          return true
        },
      )
      if (p.once) {
        if (failed) process.exitCode = 1
        return
      }
      await sleep(p.intervalSeconds * 1000, undefined, { signal: stopping.signal }).catch(() => undefined)
    }
  } finally {
    p.stopSignal?.removeEventListener('abort', stop)
    process.off('SIGTERM', stop)
    process.off('SIGINT', stop)
  }
}
