/**
 * `halo prime ramp-plan` as a Prime's GovOps uses it: offline to see the schedule, against the
 * chain to read a key's live state, and with --apply to submit the step that is due.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import type { Hex } from 'viem'
import { parseRatePerPeriod } from '../../src/domain/allocator/rampPlan.js'
import { USDS_DECIMALS } from '../../src/domain/money.js'
import { LIMIT, rateLimitKey } from '../../src/domain/rateLimits.js'
import { rateLimitsAbi } from '../../src/chain/generated/index.js'
import { useDevnet, type Devnet } from '../fixtures/devnet.js'
import { deployStack, type Stack } from '../contracts/pau/stack.js'
import { runHalo } from '../support/cli.js'

const UNIT = '0x2279B7A0a67DB372996a5FaB50D91eAA73d2eBe6'
let devnet: Devnet
let s: Stack
let key: Hex

describe('halo prime ramp-plan, offline', () => {
  it('prints the 100K → 100M/day schedule at one raise a day, reached on day 31', async () => {
    const run = await runHalo('prime', 'ramp-plan', '--prime', 'spark', '--unit', UNIT, '--target', '100M/day', '--from', '2026-04-01', '--cadence', '1d', '--json')
    expect(run.code).toBe(0)
    const plan = JSON.parse(run.stdout)
    expect(plan.reachedAt).toBe('2026-05-02T00:00:00.000Z')
    expect(plan.steps[0]).toMatchObject({ kind: 'set', at: '2026-04-01T00:00:00.000Z', maxAmount: '100000' })
    expect(plan.steps[7]).toMatchObject({ at: '2026-04-08T00:00:00.000Z', maxAmount: '476837.158203125' })
    expect(plan.steps.at(-1)).toMatchObject({ maxAmount: '100000000', slope: ((100_000_000n * 10n ** 18n) / 86_400n).toString() })
    expect(plan.key).toBe(rateLimitKey(LIMIT.FACILITY_DEPOSIT, UNIT))
  })

  it('refuses a target SORL makes impossible by the date asked, naming the earliest feasible date', async () => {
    const run = await runHalo('prime', 'ramp-plan', '--prime', 'spark', '--unit', UNIT, '--target', '100M/day', '--from', '2026-04-01', '--cadence', '1d', '--by', '2026-05-01')
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('RAMP_INFEASIBLE')
    expect(run.stderr).toContain('earliest feasible: 2026-05-02T00:00:00.000Z')
  })

  it('starts with the timelocked init when none exists, and names a malformed target', async () => {
    const run = await runHalo('prime', 'ramp-plan', '--prime', 'grove', '--unit', UNIT, '--target', '100M/day', '--from', '2026-04-01', '--needs-init')
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('governance schedules the init (max 100000, 99999.9999999999999648/day) in the BEAM timelock, ready 2026-04-15T00:00:00.000Z')
    expect(run.stdout).toContain('reached 2026-05-08T06:00:00.000Z (32 raises)')
    const bad = await runHalo('prime', 'ramp-plan', '--prime', 'grove', '--unit', UNIT, '--target', '100 million', '--json')
    expect(bad.code).toBe(1)
    expect(JSON.parse(bad.stderr)).toMatchObject({ code: 'INVALID_INPUT', meta: { field: 'target' } })
  })
})

describe('halo prime ramp-plan --apply, on the devnet', () => {
  beforeAll(async () => {
    devnet = await useDevnet()
    s = await deployStack(devnet)
    await s.onboard()
    key = rateLimitKey(LIMIT.FACILITY_DEPOSIT, s.facility)
    const irl = parseRatePerPeriod('100K/day', USDS_DECIMALS)
    await s.timelocked(s.addInit(key, irl.maxAmount, irl.slope, s.pau))
  })
  const live = () => ['prime', 'ramp-plan', '--prime', 'spark', '--unit', s.facility, '--target', '100M/day', '--rpc-url', devnet.rpcUrl, '--configurator', s.configurator, '--pau', s.pau]
  const limit = async () => (await devnet.publicClient.readContract({ address: s.rateLimits, abi: rateLimitsAbi, functionName: 'getRateLimitData', args: [key] }))[0]

  it('submits the due step as the cBEAM, then says when the next one is due', async () => {
    const govOpsKey = devnet.accounts.govOps.getHdKey().privateKey!
    const hex = `0x${Buffer.from(govOpsKey).toString('hex')}`
    const first = await runHalo(...live(), '--apply', '--govops-key', hex, '--json')
    expect(first.code).toBe(0)
    expect(JSON.parse(first.stdout).applied).toMatchObject({ step: { kind: 'set', maxAmount: '100000' } })
    expect(await limit()).toBe(100_000n * 10n ** 18n)

    const second = await runHalo(...live(), '--apply', '--govops-key', hex, '--json')
    const out = JSON.parse(second.stdout)
    expect(out.applied.due).toBe(out.steps[0].at)
    expect(out.steps[0].maxAmount).toBe('125000')
    expect(await limit()).toBe(100_000n * 10n ** 18n)

    // A key that is not the PAU's GovOps is refused by the Configurator and changes nothing.
    await devnet.increaseTime(18n * 3600n)
    const thief = `0x${'11'.repeat(32)}`
    const stolen = await runHalo(...live(), '--apply', '--govops-key', thief, '--json')
    expect(stolen.code).toBe(1)
    expect(JSON.parse(stolen.stderr)).toMatchObject({ code: 'RAMP_STEP_REFUSED', meta: { reason: 'NotAccordant' } })
    expect(await limit()).toBe(100_000n * 10n ** 18n)
  })
})
