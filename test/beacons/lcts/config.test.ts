import { describe, expect, it } from 'vitest'
import { parseLctsBeaconConfig, scheduleOf } from '../../../src/beacons/lcts/config.js'

const base = {
  pairId: 'srUSDS',
  rpcUrl: 'http://127.0.0.1:8545',
  synome: { url: 'http://127.0.0.1:8787' },
  chain: { subscribeQueue: `0x${'11'.repeat(20)}`, redeemQueue: `0x${'22'.repeat(20)}`, holdingSystem: `0x${'33'.repeat(20)}`, token: `0x${'44'.repeat(20)}` },
}
const key = `0x${'ab'.repeat(32)}`

describe('lpha-lcts config', () => {
  it('defaults to lock 13:00 and settle 16:00 UTC on chain time; the key may come from HALO_LCTS_PRIVATE_KEY', () => {
    const config = parseLctsBeaconConfig(base, { HALO_LCTS_PRIVATE_KEY: key })
    expect(config.privateKey).toBe(key)
    expect(scheduleOf(config)).toEqual({ lockAtSecondsUtc: 46_800, settleAtSecondsUtc: 57_600, skipWeekdaysUtc: [], skipDates: [] })
    expect(config.clock).toEqual({ chainOffsetSeconds: 0 })
  })

  it('a configured schedule with skipped weekends and dates', () => {
    const config = parseLctsBeaconConfig({ ...base, privateKey: key, schedule: { lockAt: '12:30', settleAt: '15:00', skipWeekdaysUtc: [0, 6], skipDates: ['2026-12-25'] } }, {})
    expect(scheduleOf(config)).toEqual({ lockAtSecondsUtc: 45_000, settleAtSecondsUtc: 54_000, skipWeekdaysUtc: [0, 6], skipDates: ['2026-12-25'] })
  })

  it('refuses no key, a settle before the lock, a window over 3 hours and a malformed time', () => {
    expect(() => parseLctsBeaconConfig(base, {})).toThrow(/no beacon key/)
    expect(() => parseLctsBeaconConfig({ ...base, privateKey: key, schedule: { lockAt: '16:00', settleAt: '13:00' } }, {})).toThrow(/lock before/)
    expect(() => parseLctsBeaconConfig({ ...base, privateKey: key, schedule: { lockAt: '09:00', settleAt: '16:00' } }, {})).toThrow(/3 hours/)
    expect(() => parseLctsBeaconConfig({ ...base, privateKey: key, schedule: { lockAt: '1pm' } }, {})).toThrow(/does not validate/)
  })
})
