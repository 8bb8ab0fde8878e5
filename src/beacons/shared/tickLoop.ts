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

/** Doublings of the wait after ticks that threw in a row: at most 2^3 = 8 intervals between attempts. */
export const MAX_BACKOFF_DOUBLINGS = 3

/** The wait before the next tick: one interval, doubled per further tick that threw in a row (bounded). */
export function tickDelaySeconds(intervalSeconds: number, thrownInARow: number): number {
  return intervalSeconds * 2 ** Math.min(Math.max(thrownInARow - 1, 0), MAX_BACKOFF_DOUBLINGS)
}

/**
 * The loop every beacon process runs: tick, log, wait, again — until SIGTERM/SIGINT, or once.
 * A tick that throws (RPC or Synome down) is logged and retried next interval, never fatal:
 * the next tick observes the world afresh; ticks that keep throwing back off (tickDelaySeconds),
 * so a beacon does not hammer a dead RPC or Synome. The wait is cut short by a signal, so a supervisor's
 * stop never has to wait out an interval (or resort to SIGKILL).
 */
export async function runTickLoop<R>(p: RunTickLoopParameters<R>): Promise<void> {
  const stopping = new AbortController()
  const stop = () => stopping.abort()
  p.stopSignal?.addEventListener('abort', stop, { once: true })
  process.once('SIGTERM', stop)
  process.once('SIGINT', stop)
  let thrownInARow = 0
  try {
    while (!stopping.signal.aborted) {
      const failed = await p.tick().then(
        (report) => {
          thrownInARow = 0
          const { fields, failed } = p.summarise(report)
          p.log.info(fields, 'tick done')
          return failed
        },
        (error: unknown) => {
          thrownInARow += 1
          p.log.error({ err: error, thrownInARow, retryInSeconds: tickDelaySeconds(p.intervalSeconds, thrownInARow) }, 'tick failed')
          return true
        },
      )
      if (p.once) {
        if (failed) process.exitCode = 1
        return
      }
      await sleep(tickDelaySeconds(p.intervalSeconds, thrownInARow) * 1000, undefined, { signal: stopping.signal }).catch(() => undefined)
    }
  } finally {
    p.stopSignal?.removeEventListener('abort', stop)
    process.off('SIGTERM', stop)
    process.off('SIGINT', stop)
  }
}
