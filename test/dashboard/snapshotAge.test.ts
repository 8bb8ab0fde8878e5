import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSnapshots } from '../../src/dashboard/snapshot.js'
import { createInProcessClient } from '../../src/synome/client/inProcess.js'
import { seedPortfolioSynome, type PortfolioSeed } from './portfolioSeed.js'

/**
 * The dashboard's snapshot is re-verified when it is older than `maxAgeMs` of wall time — not of
 * the clock the risk rules run at: `halo up --speed 8640` moves that clock a simulated day per
 * 10 s, which made every request rebuild the snapshot.
 */
let seed: PortfolioSeed
beforeAll(async () => {
  seed = await seedPortfolioSynome(null)
})
afterAll(async () => {
  await seed?.service.close()
})
const settle = () => new Promise((resolve) => setTimeout(resolve, 50))

describe('snapshot age', () => {
  it('an accelerated clock does not expire the snapshot; 10 s of wall time does, and verify then runs at the accelerated time', async () => {
    const start = Date.parse('2026-01-03T00:00:00Z')
    let wall = 0
    const speed = 8640 // a simulated day per 10 s
    const snapshots = createSnapshots({ synome: createInProcessClient({ service: seed.service }), sources: { clients: {} }, clock: () => new Date(start + wall * speed), wallMs: () => wall, maxAgeMs: 10_000 })
    const first = await snapshots.current()
    for (let i = 0; i < 5; i++) {
      wall += 1_000 // 2.4 simulated hours per second
      expect(await snapshots.current()).toBe(first)
      await settle()
    }
    expect(await snapshots.current()).toBe(first)
    wall += 5_001 // now older than 10 s: served once more while lpla-verify runs again
    expect(await snapshots.current()).toBe(first)
    await settle()
    const second = await snapshots.current()
    expect(second).not.toBe(first)
    expect(second.builtAtWallMs).toBe(10_001)
    expect(first.builtAt.toISOString()).toBe('2026-01-03T00:00:00.000Z')
    expect(second.builtAt.toISOString()).toBe(new Date(start + 10_001 * speed).toISOString())
  })
})
