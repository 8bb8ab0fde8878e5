import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { useDevnet, type Devnet } from '../fixtures/devnet.js'
import { M, U, createScenario, runToAtRest, type Scenario } from './harness.js'
import { CRASH_TEST_TIMEOUT_MS, expectClean, expectKilled, handOverToProcess, runBeaconProcess } from './process.js'

/** `halo beacon nfat` killed with SIGKILL after each distinct step of unwinding and closing. */
let devnet: Devnet
let s: Scenario
let configFile: string
let release: (() => Promise<void>) | undefined
let day: number

beforeAll(async () => {
  devnet = await useDevnet()
  s = await createScenario(devnet)
  day = await runToAtRest(s, [['spark', M('30')], ['grove', M('25')], ['keel', M('20')]], 0)
  await s.at(day + 150, '09:00')
  s.bank.releaseReturn({ sleeveId: 'sleeve-7', amountUsd: U('78.75'), final: true, at: s.now() })
  const handover = await handOverToProcess(s)
  configFile = handover.configFile
  release = handover.release
})
afterAll(async () => {
  await release?.()
  await s?.close()
})

describe('crash-safe unwinding (kill -9 after each step, restart)', () => {
  it('killed after the on-ramp, after UNWINDING, after the swap, after funding #42, after REPAYMENT_AVAILABLE, after closing #42 — same end: 31.5/26.25/21.0, CLOSED', async () => {
    const { world } = s
    expectKilled(await runBeaconProcess(configFile, 'tx-broadcast#1')) // the bank's on-ramp mint broadcast, not confirmed
    expect(await s.usdcBalance(world.almProxy)).toBe(U('78.75'))
    expectKilled(await runBeaconProcess(configFile, 'synome-write#1')) // UNWINDING recorded
    expect((await s.sleeve()).state).toBe('UNWINDING')
    expectKilled(await runBeaconProcess(configFile, 'tx-broadcast#1')) // USDC → USDS swap broadcast
    expectKilled(await runBeaconProcess(configFile, 'tx-broadcast#1')) // NFAT #42 funded, not recorded
    expect((await world.funding(42n)).amount).toBe(M('31.5'))
    expectKilled(await runBeaconProcess(configFile, 'synome-write#2')) // redeem contract recorded, REPAYMENT_AVAILABLE recorded
    expectClean(await runBeaconProcess(configFile))
    expect([await s.unit(42), await s.unit(43), await s.unit(44)]).toMatchObject([
      { state: 'REPAYMENT_AVAILABLE', repaymentAmount: '31500000' },
      { state: 'REPAYMENT_AVAILABLE', repaymentAmount: '26250000' },
      { state: 'REPAYMENT_AVAILABLE', repaymentAmount: '21000000' },
    ])
    expect([await world.funding(42n), await world.funding(43n), await world.funding(44n)].map((f) => f.amount)).toEqual([M('31.5'), M('26.25'), M('21')])
    expect(await s.usdcBalance(world.almProxy)).toBe(0n)

    for (const [prime, tokenId] of [['spark', 42n], ['grove', 43n], ['keel', 44n]] as const) await world.redeem(world.people[prime], tokenId)
    await s.at(day + 155)
    expectKilled(await runBeaconProcess(configFile, 'synome-write#1')) // unit 42 CLOSED
    expectClean(await runBeaconProcess(configFile))
    expect(await s.sleeve()).toMatchObject({ state: 'CLOSED', assets: [], linkedUnits: [42, 43, 44] })
    expect([await world.balance(world.people.spark.address), await world.balance(world.people.grove.address), await world.balance(world.people.keel.address)]).toEqual([M('31.5'), M('26.25'), M('21')])
    s.restartBeacon()
    expect(s.txs.all().map((t) => t.key).filter((k) => !k.startsWith('claim')).sort()).toEqual(['fund:sleeve-7:42', 'fund:sleeve-7:43', 'fund:sleeve-7:44', 'offramp:sleeve-7:r1:offramp:1', 'psm-in:sleeve-7', 'psm-out:sleeve-7:r1'])
    expect(s.ledger.onRamp('sleeve-7:return:1')?.amountUsdc).toBe(U('78.75'))
    s.suspendBeacon()
    expect((await s.synome.verifyLog()).ok).toBe(true)
  }, CRASH_TEST_TIMEOUT_MS)
})
