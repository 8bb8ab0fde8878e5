import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { useDevnet, type Devnet } from '../fixtures/devnet.js'
import { M, createScenario, type Scenario } from './harness.js'

/** Records derived from chain events wait for the configured finality depth. */
let devnet: Devnet
let s: Scenario

beforeAll(async () => {
  devnet = await useDevnet()
  s = await createScenario(devnet, { finalityDepth: 2 })
})
afterAll(async () => {
  await s?.close()
})

describe('finality depth 2', () => {
  it('NFAT #42 is claimed at once, but its unit is recorded only two blocks later — and no second claim is made meanwhile', async () => {
    await s.at(0, '09:00')
    await s.world.deposit(s.world.people.spark, M('30'))
    await s.at(0, '10:00')
    const first = await s.nfatTick()
    expect(first.actions.map((a) => a.kind)).toEqual(['create-sleeve', 'claim'])
    expect(await s.world.ownerOf(42n)).toBe(s.world.people.spark.address)
    expect((await s.sleeve()).linkedUnits).toEqual([])

    await s.at(0, '10:01') // one block deeper: still not final
    const second = await s.nfatTick()
    expect(second.actions).toContainEqual(expect.objectContaining({ kind: 'wait', reason: expect.stringContaining('awaiting finality') }))
    expect((await s.sleeve()).linkedUnits).toEqual([])

    await s.at(0, '10:02')
    const third = await s.nfatTick()
    expect(third.actions[0]).toMatchObject({ kind: 'record-unit', reason: expect.stringMatching(/NFAT #42 \(30000000 USDS\) minted in block \d+ 0x[0-9a-f]{64}/) })
    expect(await s.sleeve()).toMatchObject({ state: 'FILLING', linkedUnits: [42] })
    expect(await s.world.view('nextTokenId')).toBe(43n)
    expect(s.txs.all().map((t) => [t.key.split(':')[0], t.status])).toEqual([['claim', 'final']])
  })
})
