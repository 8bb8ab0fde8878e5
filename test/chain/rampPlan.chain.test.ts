/**
 * Issue 16 "Done when": the ramp planner's 100K → 100M/day schedule, applied step by step on
 * the devnet through the Configurator as the Prime's GovOps, never exceeds +25% per 18 h and
 * reaches the target on the date it printed. Each step is planned afresh from the chain's
 * state (as `halo prime ramp-plan --apply` does) and must be the one printed at the start.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import type { Hex } from 'viem'
import { executeCall, scheduleCall } from '../../src/chain/timelock.js'
import { applyRampStep } from '../../src/chain/rateLimits/applyRampStep.js'
import { readRampState } from '../../src/chain/rateLimits/readRampState.js'
import { parseRatePerPeriod, planRamp, type RampStep } from '../../src/domain/allocator/rampPlan.js'
import { USDS_DECIMALS } from '../../src/domain/money.js'
import { LIMIT, rateLimitKey } from '../../src/domain/rateLimits.js'
import { useDevnet, type Devnet } from '../fixtures/devnet.js'
import { deployStack, type Stack } from '../contracts/pau/stack.js'

let devnet: Devnet
let s: Stack
let key: Hex
const irl = parseRatePerPeriod('100K/day', USDS_DECIMALS)
const target = parseRatePerPeriod('100M/day', USDS_DECIMALS)

beforeAll(async () => {
  devnet = await useDevnet()
  s = await deployStack(devnet)
  await s.onboard()
  // The Prime's PAU queues into the new Unit's NFAT Facility: the key GovOps must ramp.
  key = rateLimitKey(LIMIT.FACILITY_DEPOSIT, s.facility)
})

describe('halo prime ramp-plan applied on the devnet', () => {
  it('plans the init through the timelock, then 32 SORL-paced settings that land on the printed date', async () => {
    const where = { configurator: s.configurator, pau: s.pau, key }
    const start = await readRampState(devnet, where)
    const printed = planRamp({ ...start, proposedInit: irl, target })
    expect(printed.steps[0]).toMatchObject({ kind: 'schedule-init', readyAt: start.now + start.timelockDelaySeconds })

    // Governance approves the init: an aBEAM schedules it in the block the plan was made for
    // and executes it the moment the 14-day delay has passed.
    const init = s.addInit(key, irl.maxAmount, irl.slope, s.pau)
    const { aBEAM } = devnet.accounts
    await devnet.setNextBlockTimestamp(start.now)
    await scheduleCall(devnet, { timelock: s.timelock, proposer: aBEAM, call: init, delaySeconds: start.timelockDelaySeconds })
    await devnet.setNextBlockTimestamp(start.now + start.timelockDelaySeconds)
    await executeCall(devnet, { timelock: s.timelock, executor: aBEAM, call: init })

    const applied: Array<{ at: bigint; maxAmount: bigint; slope: bigint }> = []
    const planned = printed.steps.filter((step): step is Extract<RampStep, { kind: 'set' }> => step.kind === 'set')
    for (const [i, step] of planned.entries()) {
      if (i > 0) {
        // One second early the Configurator refuses: the plan's times are the earliest.
        await devnet.setNextBlockTimestamp(step.at - 1n)
        await expect(applyRampStep(devnet, { ...where, govOps: devnet.accounts.govOps, step })).rejects.toThrow(/SorlCooldown/)
      }
      await devnet.setNextBlockTimestamp(step.at)
      const state = await readRampState(devnet, where)
      const next = planRamp({ ...state, now: step.at, target }).steps[0]
      expect(next).toEqual(step)
      await applyRampStep(devnet, { ...where, govOps: devnet.accounts.govOps, step: next! })
      const after = await readRampState(devnet, where)
      expect(after.current).toEqual(step.setting)
      applied.push({ at: after.now, ...after.current })
    }

    expect(applied[0]).toMatchObject(irl)
    for (let i = 1; i < applied.length; i++) {
      const [prev, next] = [applied[i - 1]!, applied[i]!]
      expect(next.at - prev.at).toBeGreaterThanOrEqual(18n * 3600n)
      expect(next.maxAmount * 10_000n).toBeLessThanOrEqual(prev.maxAmount * 12_500n)
      expect(next.slope * 10_000n).toBeLessThanOrEqual(prev.slope * 12_500n)
    }
    expect(applied.at(-1)).toEqual({ at: printed.reachedAt, ...target })
    expect(applied).toHaveLength(32)
  })
})
