import pino from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import { MAX_BACKOFF_DOUBLINGS, runTickLoop, tickDelaySeconds } from '../../../src/beacons/shared/tickLoop.js'

const log = pino({ level: 'silent' })

describe('beacon tick loop', () => {
  afterEach(() => {
    process.exitCode = undefined
  })

  it('a tick that throws is logged and retried next interval, not fatal', async () => {
    const stop = new AbortController()
    let ticks = 0
    await runTickLoop({
      tick: async () => {
        ticks += 1
        if (ticks === 1) throw new Error('RPC down')
        if (ticks === 3) stop.abort()
        return ticks
      },
      summarise: () => ({ fields: {}, failed: false }),
      intervalSeconds: 0.01,
      log,
      stopSignal: stop.signal,
    })
    expect(ticks).toBe(3)
    expect(process.exitCode).toBeUndefined()
  })

  it('a stop during the wait ends the loop at once instead of waiting out the interval', async () => {
    const stop = new AbortController()
    let ticks = 0
    const started = performance.now()
    const loop = runTickLoop({ tick: async () => ++ticks, summarise: () => ({ fields: {}, failed: false }), intervalSeconds: 3600, log, stopSignal: stop.signal })
    await new Promise((resolve) => setTimeout(resolve, 50))
    stop.abort()
    await loop
    expect(ticks).toBe(1)
    expect(performance.now() - started).toBeLessThan(10_000)
  })

  it('--once runs one tick; a failed one sets exit code 1', async () => {
    let ticks = 0
    await runTickLoop({ tick: async () => ++ticks, summarise: () => ({ fields: {}, failed: true }), intervalSeconds: 3600, once: true, log })
    expect(ticks).toBe(1)
    expect(process.exitCode).toBe(1)
    process.exitCode = undefined
    await runTickLoop({ tick: () => Promise.reject(new Error('Synome down')), summarise: () => ({ fields: {}, failed: false }), intervalSeconds: 3600, once: true, log })
    expect(process.exitCode).toBe(1)
  })
})

describe('beacon tick loop backoff', () => {
  it('waits one interval after a tick, doubling per further tick that threw in a row, at most 8 intervals', () => {
    expect([0, 1, 2, 3, 4, 5, 50].map((n) => tickDelaySeconds(2, n))).toEqual([2, 2, 4, 8, 16, 16, 16])
    expect(tickDelaySeconds(0.5, 4)).toBe(0.5 * 2 ** MAX_BACKOFF_DOUBLINGS)
  })
})
