import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isoTimestamp } from '../../src/domain/sleeve.js'
import { useDevnet, type Devnet } from '../fixtures/devnet.js'
import { M, U, createScenario, type Scenario } from './harness.js'
import { CRASH_TEST_TIMEOUT_MS, expectClean, expectKilled, handOverToProcess, runBeaconProcess } from './process.js'

/**
 * `halo beacon nfat` as a child process, killed with SIGKILL right after each distinct step
 * of sweeping and offboarding, then restarted: the run still ends in the seed's state, with
 * no duplicate NFAT, unit or transfer.
 */
let devnet: Devnet
let s: Scenario
let configFile: string
let release: (() => Promise<void>) | undefined

beforeAll(async () => {
  devnet = await useDevnet()
  s = await createScenario(devnet)
  const handover = await handOverToProcess(s)
  configFile = handover.configFile
  release = handover.release
})
afterAll(async () => {
  await release?.()
  await s?.close()
})

describe('crash-safe sweeping and offboarding (kill -9 after each step, restart)', () => {
  it('killed after a claim intent, a claim broadcast, a unit record, OFFBOARDING, the PSM broadcast — still NFATs 42/43/44 once, units once, one swap', async () => {
    const { world } = s
    await s.at(0, '09:00')
    for (const [prime, amount] of [['spark', M('30')], ['grove', M('25')], ['keel', M('20')]] as const) await world.deposit(world.people[prime], amount)
    await s.at(0, '10:00')
    expectKilled(await runBeaconProcess(configFile, 'tx-intent#1')) // claim of #42 journaled, never broadcast
    expect(await world.view('nextTokenId')).toBe(42n)
    expectKilled(await runBeaconProcess(configFile, 'tx-broadcast#1')) // #42 sent from the journal and recorded; #43 broadcast, not recorded
    expectKilled(await runBeaconProcess(configFile, 'synome-write#2')) // #43 recorded from its Claimed event; #44 claimed and recorded; killed
    expect(await world.view('nextTokenId')).toBe(45n)
    const units = (await s.synome.list<{ unitId: number; principal: string; depositorPrime: string; dealTerms: { maturity: string } }>({ type: 'unit', haloClass: 'facility-A' })).items.map((u) => u.data)
    expect(units.map((u) => [u.unitId, u.principal, u.depositorPrime]).sort()).toEqual([
      [42, '30000000', 'spark'],
      [43, '25000000', 'grove'],
      [44, '20000000', 'keel'],
    ])
    // A record completed after a kill carries the terms decided before it: maturity = the
    // journaled claim decision + 180 days, not the time of the restart.
    s.restartBeacon()
    for (const unit of units) {
      const claim = s.txs.all().find((t) => t.key.startsWith('claim:') && t.key.endsWith(`:${unit.unitId}`))!
      expect(unit.dealTerms.maturity).toBe(isoTimestamp(new Date(Date.parse(claim.createdAt) + 180 * 86_400_000)))
      expect(unit.dealTerms.maturity.slice(0, 16)).toBe(s.iso(180).slice(0, 16))
    }
    s.suspendBeacon()
    expect(await s.sleeve()).toMatchObject({ state: 'FILLING', linkedUnits: [42, 43, 44], assets: [{ type: 'USDS', amount: '75000000', location: 'facility-ALMProxy' }] })

    expectKilled(await runBeaconProcess(configFile, 'synome-write#1')) // OFFBOARDING recorded, killed before the swap
    expect((await s.sleeve()).state).toBe('OFFBOARDING')
    expect(await world.balance(world.almProxy)).toBe(M('75'))
    expectKilled(await runBeaconProcess(configFile, 'tx-broadcast#1')) // swap broadcast, not recorded
    expect(await s.usdcBalance(world.almProxy)).toBe(U('75'))
    expectClean(await runBeaconProcess(configFile))

    expect(await world.view('nextTokenId')).toBe(45n)
    expect([await world.ownerOf(42n), await world.ownerOf(43n), await world.ownerOf(44n)]).toEqual([world.people.spark.address, world.people.grove.address, world.people.keel.address])
    expect(await s.sleeve()).toMatchObject({ state: 'OFFBOARDING', linkedUnits: [42, 43, 44], assets: [{ type: 'USDC', amount: '75000000', location: 'facility-ALMProxy' }] })
    expect([await world.balance(world.almProxy), await s.usdcBalance(world.almProxy)]).toEqual([0n, U('75')])
    s.restartBeacon()
    expect(s.txs.all().map((t) => t.key.split(':')[0])).toEqual(['claim', 'claim', 'claim', 'psm-out'])
    s.suspendBeacon()
  }, CRASH_TEST_TIMEOUT_MS)
})
