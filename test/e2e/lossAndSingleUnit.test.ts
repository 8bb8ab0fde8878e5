import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { useDevnet, type Devnet } from '../fixtures/devnet.js'
import { M, U, createScenario, runToAtRest, type Scenario } from './harness.js'

let devnet: Devnet
let s: Scenario | undefined

beforeAll(async () => {
  devnet = await useDevnet()
})
afterEach(async () => {
  await s?.close()
  s = undefined
})

describe('seed "Loss Distribution" on chain', () => {
  it('60M back on 75M (final recovery): NFATs #42/#43/#44 funded 24M / 20M / 16M, burned, sleeve CLOSED', async () => {
    s = await createScenario(devnet)
    const day = await runToAtRest(s, [['spark', M('30')], ['grove', M('25')], ['keel', M('20')]], 0)
    await s.at(day + 150, '09:00')
    s.bank.releaseReturn({ sleeveId: 'sleeve-7', amountUsd: U('60'), final: true, at: s.now() })
    await s.nfatTick()
    expect([await s.unit(42), await s.unit(43), await s.unit(44)]).toMatchObject([
      { state: 'REPAYMENT_AVAILABLE', repaymentAmount: '24000000' },
      { state: 'REPAYMENT_AVAILABLE', repaymentAmount: '20000000' },
      { state: 'REPAYMENT_AVAILABLE', repaymentAmount: '16000000' },
    ])
    const { world } = s
    // lpha-nfat funded 24M / 20M / 16M as principal only; the Halo's GovOps writes the 6M / 5M / 4M shortfall down.
    expect(await s.govOpsWriteDowns()).toMatchObject([{ unitId: 42, amount: M('6') }, { unitId: 43, amount: M('5') }, { unitId: 44, amount: M('4') }])
    expect(await s.govOpsWriteDowns()).toEqual([]) // level-triggered: nothing left to write down
    for (const [prime, tokenId] of [['spark', 42n], ['grove', 43n], ['keel', 44n]] as const) await world.redeem(world.people[prime], tokenId)
    await s.at(day + 151)
    await s.nfatTick()
    expect([await world.balance(world.people.spark.address), await world.balance(world.people.grove.address), await world.balance(world.people.keel.address)]).toEqual([M('24'), M('20'), M('16')])
    expect(await s.sleeve()).toMatchObject({ state: 'CLOSED', metadata: { repayment: { total: '60000000', remainder: '0' } } })
  })

  it('partial default (not final): entitlements recorded pro rata, nothing funded, sleeve stays UNWINDING until the final recovery', async () => {
    s = await createScenario(devnet)
    const day = await runToAtRest(s, [['spark', M('30')], ['grove', M('25')], ['keel', M('20')]], 0)
    await s.at(day + 150, '09:00')
    s.bank.releaseReturn({ sleeveId: 'sleeve-7', amountUsd: U('60'), final: false, at: s.now() })
    await s.nfatTick()
    await s.at(day + 151)
    await s.nfatTick()
    expect(await s.sleeve()).toMatchObject({
      state: 'UNWINDING',
      assets: [{ type: 'USD', amount: '60000000', location: 'halo-bank-account', note: 'partial return; recovery pending' }],
      metadata: { entitlements: { returnedUsd: '60000000', final: false, units: [{ unitId: 42, amount: '24000000' }, { unitId: 43, amount: '20000000' }, { unitId: 44, amount: '16000000' }], remainder: '0' } },
    })
    expect((await s.unit(42)).state).toBe('ACTIVE')
    expect(await s.world.view('totalFunded')).toBe(0n)
    expect(await s.usdcBalance(s.world.almProxy)).toBe(0n) // not on-ramped until final
    await s.at(day + 200, '09:00')
    s.bank.releaseReturn({ sleeveId: 'sleeve-7', amountUsd: U('7.5'), final: true, at: s.now() })
    await s.nfatTick()
    // 67.5M in total: 27M / 22.5M / 18M.
    expect([await s.world.funding(42n), await s.world.funding(43n), await s.world.funding(44n)].map((f) => f.amount)).toEqual([M('27'), M('22.5'), M('18')])
  })
})

describe('a sleeve with a single unit', () => {
  it('one 30M deposit against a 30M pipeline: sleeve offboards full with one unit, returns 31.5M, NFAT #42 repaid whole', async () => {
    s = await createScenario(devnet, { config: { pipeline: [{ name: 'single-deal', amount: M('30') }], maxUnitShareBps: 10_000 } })
    const day = await runToAtRest(s, [['spark', M('30')]], 0)
    expect(await s.sleeve()).toMatchObject({ linkedUnits: [42], state: 'AT_REST' })
    await s.at(day + 150, '09:00')
    s.bank.releaseReturn({ sleeveId: 'sleeve-7', amountUsd: U('31.5'), final: true, at: s.now() })
    await s.nfatTick()
    expect(await s.unit(42)).toMatchObject({ state: 'REPAYMENT_AVAILABLE', repaymentAmount: '31500000' })
    await s.world.redeem(s.world.people.spark, 42n)
    await s.at(day + 151)
    await s.nfatTick()
    expect(await s.world.balance(s.world.people.spark.address)).toBe(M('31.5'))
    expect((await s.sleeve()).state).toBe('CLOSED')
  })
})
