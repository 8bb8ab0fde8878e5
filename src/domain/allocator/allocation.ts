import { InvalidInputError } from '../errors.js'
import { mulDiv, mulDivUp } from '../money.js'
import type { Eligibility } from './eligibility.js'

/**
 * The Prime-side allocator's target allocation (issue 16; seed 000 "Calculates optimal
 * allocation based on risk parameters, yield, and portfolio balance"), as a deterministic
 * rule a Prime's risk team can read:
 *
 *   1. Units the Prime may not add to (ineligible) keep what they hold: no new capital, and
 *      no forced exit (an exit is a separate, human decision).
 *   2. Eligible Units are filled in order of yield (highest first, then unit id), each up to
 *      the smallest of: what is left to deploy, the per-Unit cap, what is left of its class
 *      cap, the diversification cap (a share of the deployable total), the Unit's remaining
 *      capacity, and what the required-capital (CRR) budget still covers.
 *   3. The order for each Unit is the difference to what it holds; a deposit never exceeds
 *      the rate limit available now (the rest waits for the next tick).
 *
 * All amounts are base units (bigint); rates in basis points. Required capital rounds up
 * (against the Prime), allocations round down.
 */
export const BPS = 10_000n

export type AllocationUnit = {
  unitId: string
  haloClass: string
  yieldBps: bigint
  /** Required capital per unit of exposure, by lpla-verify's rules (basis points). */
  crrBps: bigint
  /** What this Prime holds in the Unit now. */
  current: bigint
  /** What the Unit can still take from this Prime (its capacity less everyone's holdings, plus this Prime's). */
  capacity: bigint
  /** Deposit rate limit available now on this Prime's PAU (0 when none). */
  depositAvailable: bigint
}

export type AllocationPolicy = {
  /** The Prime's capital for Halo Units, held positions included. */
  deployable: bigint
  perUnitCap: bigint
  perClassCap: bigint
  /** Diversification: at most this share of `deployable` in one Unit. */
  maxShareBps: bigint
  /** Required capital the Prime may spend on these positions. */
  capitalBudget: bigint
}

/** The bound that set a Unit's target (the smallest; the first listed on a tie). */
export type LimitedBy = 'DEPLOYABLE' | 'UNIT_CAP' | 'CLASS_CAP' | 'SHARE_CAP' | 'CAPACITY' | 'CRR_BUDGET' | 'INELIGIBLE'

export type UnitAllocation = {
  unitId: string
  current: bigint
  target: bigint
  limitedBy: LimitedBy
  order: { kind: 'deposit' | 'redeem' | 'none'; amount: bigint; rateLimited: boolean }
}

export type TargetAllocationReturnType = { units: UnitAllocation[]; deployed: bigint; requiredCapital: bigint }

export const MAX_ALLOCATION_UNITS = 10_000

const min = (a: bigint, b: bigint) => (a < b ? a : b)
const requiredCapital = (amount: bigint, crrBps: bigint) => mulDivUp(amount, crrBps, BPS)

export function targetAllocation(units: readonly AllocationUnit[], eligibility: readonly Eligibility[], policy: AllocationPolicy): TargetAllocationReturnType {
  if (units.length > MAX_ALLOCATION_UNITS) throw new InvalidInputError(`at most ${MAX_ALLOCATION_UNITS} units per allocation`)
  for (const value of [policy.deployable, policy.perUnitCap, policy.perClassCap, policy.maxShareBps, policy.capitalBudget]) {
    if (value < 0n) throw new InvalidInputError('allocation policy amounts must not be negative')
  }
  const eligible = new Set(eligibility.filter((e) => e.eligible).map((e) => e.unitId))
  const shareCap = mulDiv(policy.deployable, policy.maxShareBps, BPS)
  const byClass = new Map<string, bigint>()
  let left = policy.deployable
  let capitalLeft = policy.capitalBudget
  const targets = new Map<string, { target: bigint; limitedBy: LimitedBy }>()

  // 1. Held positions in units the Prime may not add to stay as they are, and count first.
  for (const unit of units) {
    if (eligible.has(unit.unitId)) continue
    targets.set(unit.unitId, { target: unit.current, limitedBy: 'INELIGIBLE' })
    byClass.set(unit.haloClass, (byClass.get(unit.haloClass) ?? 0n) + unit.current)
    left = left > unit.current ? left - unit.current : 0n
    const capital = requiredCapital(unit.current, unit.crrBps)
    capitalLeft = capitalLeft > capital ? capitalLeft - capital : 0n
  }

  // 2. Eligible units by yield, highest first; ties by unit id (deterministic).
  const ranked = units
    .filter((u) => eligible.has(u.unitId))
    .sort((a, b) => (a.yieldBps === b.yieldBps ? (a.unitId < b.unitId ? -1 : 1) : a.yieldBps > b.yieldBps ? -1 : 1))
  for (const unit of ranked) {
    const classLeft = policy.perClassCap - (byClass.get(unit.haloClass) ?? 0n)
    const byCapital = unit.crrBps === 0n ? left : mulDiv(capitalLeft, BPS, unit.crrBps)
    const bounds: Array<[LimitedBy, bigint]> = [
      ['DEPLOYABLE', left],
      ['UNIT_CAP', policy.perUnitCap],
      ['CLASS_CAP', classLeft > 0n ? classLeft : 0n],
      ['SHARE_CAP', shareCap],
      ['CAPACITY', unit.capacity],
      ['CRR_BUDGET', byCapital],
    ]
    let [limitedBy, target] = bounds[0]!
    for (const [name, value] of bounds) if (value < target) [limitedBy, target] = [name, value]
    targets.set(unit.unitId, { target, limitedBy })
    byClass.set(unit.haloClass, (byClass.get(unit.haloClass) ?? 0n) + target)
    left -= target
    capitalLeft -= min(capitalLeft, requiredCapital(target, unit.crrBps))
  }

  // 3. Orders: the difference, deposits clipped to the rate limit available now.
  let deployed = 0n
  let capital = 0n
  const result = units.map((unit): UnitAllocation => {
    const { target, limitedBy } = targets.get(unit.unitId)!
    deployed += target
    capital += requiredCapital(target, unit.crrBps)
    if (target > unit.current) {
      const wanted = target - unit.current
      const amount = min(wanted, unit.depositAvailable)
      return { unitId: unit.unitId, current: unit.current, target, limitedBy, order: { kind: amount === 0n ? 'none' : 'deposit', amount, rateLimited: amount < wanted } }
    }
    if (target < unit.current) return { unitId: unit.unitId, current: unit.current, target, limitedBy, order: { kind: 'redeem', amount: unit.current - target, rateLimited: false } }
    return { unitId: unit.unitId, current: unit.current, target, limitedBy, order: { kind: 'none', amount: 0n, rateLimited: false } }
  })
  return { units: result, deployed, requiredCapital: capital }
}
