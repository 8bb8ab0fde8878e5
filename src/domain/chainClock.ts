/**
 * Accelerated devnet time (`halo up --speed`): every wall second moves chain time by `speed`
 * seconds. The driver (src/devnet/chainClockDriver.ts) ticks about once a wall second and asks
 * this rule how far to move the chain at each tick.
 *
 * Bounds: the speed is a whole number from 1 (real time: no driver) to MAX_SPEED; one tick never
 * moves the chain more than MAX_TICK_WALL_SECONDS of wall time's worth (a driver stalled by a
 * loaded machine, or a suspended laptop, resumes at its speed instead of jumping months ahead);
 * wall time that ran backwards (clock adjustment) moves nothing.
 */
import { InvalidInputError } from './errors.js'

/** About one simulated day per ten wall seconds. */
export const DEFAULT_SPEED = 8_640
/** Ten simulated days per wall second. */
export const MAX_SPEED = 864_000
/** A tick advances at most this much wall time's worth of chain time. */
export const MAX_TICK_WALL_SECONDS = 5

export function parseSpeed(raw: string | number): number {
  const speed = typeof raw === 'number' ? raw : /^\d{1,7}$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN
  if (!Number.isSafeInteger(speed) || speed < 1 || speed > MAX_SPEED) {
    throw new InvalidInputError(`--speed must be a whole number of chain seconds per wall second from 1 (real time) to ${MAX_SPEED}`, { meta: { field: 'speed', value: String(raw) } })
  }
  return speed
}

/** Chain seconds to advance at a tick `wallElapsedMs` after the previous one (0: nothing to do). */
export function chainAdvanceSeconds(p: { speed: number; wallElapsedMs: number }): bigint {
  const speed = parseSpeed(p.speed)
  if (speed === 1 || !(p.wallElapsedMs > 0)) return 0n
  const wallMs = BigInt(Math.floor(Math.min(p.wallElapsedMs, MAX_TICK_WALL_SECONDS * 1000)))
  return (wallMs * BigInt(speed)) / 1000n
}

/**
 * The timestamp of the block a tick mines: the previous tick's target (or the latest block,
 * whichever is later: beacons' transactions mine blocks too) plus the advance; always after
 * the latest block.
 */
export function nextChainTimestamp(p: { previousTargetSeconds: bigint; latestBlockSeconds: bigint; advanceSeconds: bigint }): bigint {
  const base = p.previousTargetSeconds > p.latestBlockSeconds ? p.previousTargetSeconds : p.latestBlockSeconds
  const next = base + (p.advanceSeconds > 0n ? p.advanceSeconds : 0n)
  return next > p.latestBlockSeconds ? next : p.latestBlockSeconds + 1n
}
