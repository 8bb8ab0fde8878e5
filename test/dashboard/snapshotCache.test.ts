import { describe, expect, it } from 'vitest'
import { createSnapshots, snapshotExpired } from '../../src/dashboard/snapshot.js'

/**
 * The dashboard's snapshot expires on wall time, not chain time: under `halo up --speed 8640`
 * a wall second is 8640 chain seconds, and an expiry counted on the chain clock rebuilt the
 * snapshot (a full lpla-verify run) on every request.
 */
function fakeSynome() {
  let heads = 0
  return {
    get heads() {
      return heads
    },
    synome: {
      head: async () => (heads++, { position: 0, hash: null }),
      list: async () => ({ items: [], nextCursor: null }),
      events: async () => ({ events: [], next: 0 }),
      get: async () => {
        throw new Error('no entity')
      },
    },
  }
}
const flush = () => new Promise((resolve) => setTimeout(resolve, 0))

describe('dashboard snapshot cache', () => {
  it('snapshotExpired counts wall milliseconds from builtAtWallMs', () => {
    expect(snapshotExpired({ builtAtWallMs: 1_000 }, 11_000, 10_000)).toBe(false)
    expect(snapshotExpired({ builtAtWallMs: 1_000 }, 11_001, 10_000)).toBe(true)
  })

  it('at --speed 8640 (a chain day per 10 wall seconds) the snapshot is served from cache until 10 s of wall time passed, then re-verified once', async () => {
    const fake = fakeSynome()
    let chainMs = Date.parse('2027-01-04T00:00:00Z')
    let wallMs = 1_000_000
    // Every read of the chain clock moves it 8640 chain seconds (one wall second at --speed 8640).
    const clock = () => new Date((chainMs += 8_640_000))
    const snapshots = createSnapshots({ synome: fake.synome as never, sources: { clients: {} }, clock, wallNow: () => wallMs, maxAgeMs: 10_000 })
    const first = await snapshots.current()
    expect(first.builtAtWallMs).toBe(1_000_000)
    for (let i = 0; i < 5; i++) {
      wallMs += 1_000
      expect(await snapshots.current()).toBe(first)
      await flush()
    }
    // 2 head reads for the first build (current + build), then 1 per cached request: no rebuild although days of chain time passed.
    expect(fake.heads).toBe(2 + 5)
    wallMs += 5_001 // 10.001 s of wall time since the build
    expect(await snapshots.current()).toBe(first) // served while lpla-verify runs again in the background
    await flush()
    await flush()
    const second = await snapshots.current()
    expect(second).not.toBe(first)
    expect(second.builtAtWallMs).toBe(wallMs)
  })
})
