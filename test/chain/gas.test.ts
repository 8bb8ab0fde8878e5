import { describe, expect, it } from 'vitest'
import { GAS_HEADROOM_BASIS_POINTS, gasLimitWithHeadroom } from '../../src/chain/gas.js'

describe('gas limit headroom', () => {
  it('adds 25% to the estimate, rounded up, so a later-second branch cannot run out of gas', () => {
    expect(GAS_HEADROOM_BASIS_POINTS).toBe(2_500n)
    expect(gasLimitWithHeadroom(100_000n)).toBe(125_000n)
    expect(gasLimitWithHeadroom(124_849n)).toBe(156_062n) // 124,849 × 1.25 = 156,061.25 → up
    expect(gasLimitWithHeadroom(1n)).toBe(2n)
  })
  it('refuses a non-positive estimate', () => {
    expect(() => gasLimitWithHeadroom(0n)).toThrow(RangeError)
  })
})
