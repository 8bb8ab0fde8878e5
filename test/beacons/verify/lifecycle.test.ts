/**
 * Acceptance tests 1 and 4 through the real Synome: the seed's happy path of sleeve-7 written
 * by lpha-nfat / lpha-attest (the Synome suite's own step list), with lpha-council publishing
 * the test framework of multipliers; after every step lpla-verify reads the Synome and must
 * report the CRR the framework gives that state and sub-step.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { publishRiskFramework } from '../../../src/beacons/council/index.js'
import { runVerify, type VerifyRun } from '../../../src/beacons/verify/reconcile.js'
import { synomeReader } from '../../../src/beacons/verify/synomeReader.js'
import { parseUnitsExact } from '../../../src/domain/money.js'
import { createSynome, type SynomeService } from '../../../src/synome/index.js'
import { SEED_STEPS, bootstrapRoles, clientsFor, riskFrameworkDocument, testClock, type Clients } from '../../synome/support.js'
import { TEST_FRAMEWORK } from '../../domain/risk/fixtures.js'

const wad = (value: string) => parseUnitsExact(value, 18)
const clock = testClock()
let synome: SynomeService
let clients: Clients
/** Seed steps already written (the framework step is replaced by council's test framework). */
const done = new Set<string>(['registerHaloClass'])

beforeAll(async () => {
  synome = await createSynome({ dataDir: null, clock: clock.clock, roles: bootstrapRoles })
  clients = clientsFor(synome, clock.clock)
}, 60_000)
afterAll(async () => {
  await synome?.close()
})

// [after step, state, sub-steps, CRR, sleeve required capital, per-unit capital 42/43/44]
const EXPECTED: [string, string, string[], string, string, string[]][] = [
  ['createSleeve', 'CREATED', [], '0', '0', []],
  ['sweep42', 'FILLING', [], '0.01', '300000', ['300000']],
  ['sweep43', 'FILLING', [], '0.01', '550000', ['300000', '250000']],
  ['sweep44', 'FILLING', [], '0.01', '750000', ['300000', '250000', '200000']],
  ['offboard', 'OFFBOARDING', ['usds-at-almproxy'], '0.01', '750000', ['300000', '250000', '200000']],
  ['convertToUsdc', 'OFFBOARDING', ['usdc-at-almproxy'], '0.02', '1500000', ['600000', '500000', '400000']],
  ['att101', 'OFFBOARDING', ['usdc-at-almproxy'], '0.02', '1500000', ['600000', '500000', '400000']],
  ['sendUsdc', 'OFFBOARDING', ['in-transit'], '0.1', '7500000', ['3000000', '2500000', '2000000']],
  ['confirmReceipt', 'OFFBOARDING', ['at-bank'], '0.15', '11250000', ['4500000', '3750000', '3000000']],
  ['deploy', 'DEPLOYING', [], '0.3', '22500000', ['9000000', '7500000', '6000000']],
  ['att102', 'DEPLOYING', [], '0.3', '22500000', ['9000000', '7500000', '6000000']],
  ['atRest', 'AT_REST', [], '0.12', '9000000', ['3600000', '3000000', '2400000']],
  ['att103', 'AT_REST', [], '0.12', '9000000', ['3600000', '3000000', '2400000']],
  ['recordAtt103', 'AT_REST', [], '0.12', '9000000', ['3600000', '3000000', '2400000']],
  // unwinding starts with the return at the bank (asset gate): the at-bank sub-step at once
  ['unwind', 'UNWINDING', ['at-bank'], '0.15', '11812500', ['4725000', '3937500', '3150000']],
  ['fundsInBank', 'UNWINDING', ['at-bank'], '0.15', '11812500', ['4725000', '3937500', '3150000']],
  ['onRamp', 'UNWINDING', ['usdc-at-almproxy'], '0.02', '1575000', ['630000', '525000', '420000']],
  ['fundRedeem', 'UNWINDING', ['usds-at-redeem'], '0.01', '787500', ['315000', '262500', '210000']],
  ['repaymentAvailable', 'UNWINDING', ['usds-at-redeem'], '0.01', '787500', ['315000', '262500', '210000']],
  // Spark burned #42: the sleeve's charge is shared by the units still outstanding (25:20).
  ['close42', 'UNWINDING', ['usds-at-redeem'], '0.01', '787500', ['437500', '350000']],
  ['close43', 'UNWINDING', ['usds-at-redeem'], '0.01', '787500', ['787500']],
  ['close', 'CLOSED', [], '0', '0', []],
]

describe('seed lifecycle in the Synome → lpla-verify CRR per state and sub-step', () => {
  it('council publishes the framework as a signed command; lpla-verify reads it', async () => {
    for (const step of SEED_STEPS.slice(0, SEED_STEPS.findIndex((s) => s.name === 'publishRiskFramework'))) {
      clock.set(step.at)
      await step.run(clients)
    }
    // The test multipliers, accepting the risk data schema the Synome suite's attestor writes.
    await publishRiskFramework({ client: clients.council, version: 'test-lifecycle-1', document: { ...TEST_FRAMEWORK, riskData: riskFrameworkDocument.riskData, attestations: riskFrameworkDocument.attestations } })
    const run = await runVerify({ reader: synomeReader(clients.council), sources: { clients: {} }, now: clock.clock() })
    expect(run).toMatchObject({ ok: true, report: { frameworkVersion: 'test-lifecycle-1', sleeves: [], alerts: [] } })
  })

  it.each(EXPECTED)('after %s: %s %j, CRR %s, required %s, units %j', async (stop, state, subSteps, crr, capital, units) => {
    const index = SEED_STEPS.findIndex((s) => s.name === stop)
    for (const step of SEED_STEPS.slice(0, index + 1)) {
      if (done.has(step.name) || step.name === 'publishRiskFramework' || step.name === 'registerHaloClass') continue
      clock.set(step.at)
      await step.run(clients)
      done.add(step.name)
    }
    const run: VerifyRun = await runVerify({ reader: synomeReader(clients.council), sources: { clients: {} }, now: new Date(clock.clock().getTime() + 60_000) })
    if (!run.ok) throw new Error(run.alerts.map((a) => a.message).join('; '))
    expect(run.report.alerts).toEqual([])
    expect(run.report.sleeves).toHaveLength(1)
    const sleeve = run.report.sleeves[0]!
    expect({ state: sleeve.state, subSteps: sleeve.subSteps, crr: sleeve.crrWad, capital: sleeve.requiredCapitalWad }).toEqual({ state, subSteps, crr: wad(crr), capital: wad(capital) })
    expect(run.report.units.map((u) => u.requiredCapitalWad)).toEqual(units.map(wad))
  })
})
