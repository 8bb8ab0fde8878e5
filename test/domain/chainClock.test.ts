import { describe, expect, it } from 'vitest'
import { chainAdvanceSeconds, DEFAULT_SPEED, MAX_SPEED, nextChainTimestamp, parseSpeed } from '../../src/domain/chainClock.js'

describe('accelerated devnet time', () => {
  it('the default speed is one simulated day per ten wall seconds', () => {
    // ten one-second ticks: one day
    expect(10n * chainAdvanceSeconds({ speed: DEFAULT_SPEED, wallElapsedMs: 1_000 })).toBe(86_400n)
    expect(chainAdvanceSeconds({ speed: DEFAULT_SPEED, wallElapsedMs: 1_000 })).toBe(8_640n)
    // a late tick (1.25 s) moves its share, rounded down to the second
    expect(chainAdvanceSeconds({ speed: DEFAULT_SPEED, wallElapsedMs: 1_250 })).toBe(10_800n)
    expect(chainAdvanceSeconds({ speed: 3, wallElapsedMs: 999 })).toBe(2n)
  })

  it('speed 1 is real time: the driver moves nothing', () => {
    expect(chainAdvanceSeconds({ speed: 1, wallElapsedMs: 60_000 })).toBe(0n)
  })

  it('a stalled tick moves at most five wall seconds worth; wall time running backwards moves nothing', () => {
    expect(chainAdvanceSeconds({ speed: DEFAULT_SPEED, wallElapsedMs: 5_000 })).toBe(43_200n)
    expect(chainAdvanceSeconds({ speed: DEFAULT_SPEED, wallElapsedMs: 3_600_000 })).toBe(43_200n)
    expect(chainAdvanceSeconds({ speed: DEFAULT_SPEED, wallElapsedMs: -2_000 })).toBe(0n)
    expect(chainAdvanceSeconds({ speed: DEFAULT_SPEED, wallElapsedMs: Number.NaN })).toBe(0n)
  })

  it('the next block is the later of the previous target and the latest block, plus the advance; never at or before the latest block', () => {
    expect(nextChainTimestamp({ previousTargetSeconds: 1_000n, latestBlockSeconds: 990n, advanceSeconds: 8_640n })).toBe(9_640n)
    // a beacon's transaction mined past the target: continue from it
    expect(nextChainTimestamp({ previousTargetSeconds: 1_000n, latestBlockSeconds: 1_005n, advanceSeconds: 8_640n })).toBe(9_645n)
    expect(nextChainTimestamp({ previousTargetSeconds: 1_000n, latestBlockSeconds: 1_005n, advanceSeconds: 0n })).toBe(1_006n)
    expect(nextChainTimestamp({ previousTargetSeconds: 1_000n, latestBlockSeconds: 1_005n, advanceSeconds: -5n })).toBe(1_006n)
  })

  it('--speed is refused outside 1..MAX_SPEED or when not a whole number, naming the field', () => {
    expect(parseSpeed('8640')).toBe(8_640)
    expect(parseSpeed(' 1 ')).toBe(1)
    expect(parseSpeed(String(MAX_SPEED))).toBe(MAX_SPEED)
    for (const bad of ['0', '-1', '1.5', 'fast', '', String(MAX_SPEED + 1), '1e3']) {
      expect(() => parseSpeed(bad), bad).toThrow(/--speed must be a whole number/)
    }
    expect(() => chainAdvanceSeconds({ speed: 0, wallElapsedMs: 1_000 })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT', meta: expect.objectContaining({ field: 'speed' }) }))
  })
})
