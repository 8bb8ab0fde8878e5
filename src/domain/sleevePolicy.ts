import { InvalidInputError } from './errors.js'
import { formatUnitsExact, mulDiv, USDS_DECIMALS } from './money.js'

/**
 * Sleeve creation policy (seed 004 "Sleeve Creation Policy"): which queued deposits go into
 * which sleeve, when a new sleeve is opened, and when a filling sleeve stops filling.
 *
 * Pure: the caller passes queue balances (read on chain), the deal pipeline (from config),
 * the class's existing sleeves (from the Synome) and `now`. The result is a plan plus the
 * reason for every decision, so the beacon can log and count them.
 *
 * Allocation rule (why smallest-queue-first): a sleeve should hold as many distinct units
 * as possible (privacy), and a depositor that is swept whole has nothing left waiting.
 * Taking queues in ascending size fits the most whole queues into the target; the largest
 * queue absorbs the remaining capacity and its leftover seeds the next sleeve. On the seed's
 * example (target 75M; Spark 30M, Grove 50M, Keel 20M) this yields 30/25/20 with 25M of
 * Grove's left queued. Claims are then issued in queue order, so tokenIds follow the
 * order in which depositors appear on chain.
 */

/** One expected deal in the Halo class's pipeline; the sleeve target is their sum. */
export type PipelineDeal = { name: string; amount: bigint }

export type SleevePolicyConfig = {
  haloClass: string
  /** Prefix for new sleeve ids: `${prefix}${number}` (seed: "sleeve-7"). */
  sleeveIdPrefix: string
  /** Number of the class's first sleeve when none exists yet (default 1). */
  firstSleeveNumber?: number | undefined
  /** Upcoming deals; a new sleeve targets their total. */
  pipeline: readonly PipelineDeal[]
  /** Privacy threshold: a sleeve stops filling early only with at least this many units. */
  minUnits: number
  /** After this long in FILLING the sleeve offboards with what it has (don't wait forever). */
  maxFillWaitSeconds: number
  /** Sweeps smaller than this stay queued (no dust units). */
  minUnitAmount: bigint
  /** May one depositor's queue be split across sleeves (part now, rest in the next)? */
  splitDepositorQueue: boolean
  /**
   * Largest share of the target one unit may take while the fill wait runs, in basis points
   * (10_000 = no cap). Keeps room for other depositors so a single large deposit does not
   * make a one-unit sleeve unless nobody else shows up in time.
   */
  maxUnitShareBps: number
}

/** A depositor's queued balance on the facility, in on-chain queue order. */
export type QueueBalance = { depositor: string; amount: bigint }

/** The part of a Synome sleeve the policy needs. */
export type PolicySleeve = {
  sleeveId: string
  state: string
  /** Target recorded when the sleeve was created (its metadata). */
  targetAmount: bigint
  /** Principal already swept into it. */
  filledAmount: bigint
  unitCount: number
  /** ISO time the sleeve entered FILLING, if it did. */
  fillingStartedAt?: string | undefined
  createdAt: string
}

export type SleevePolicyInput = {
  config: SleevePolicyConfig
  queues: readonly QueueBalance[]
  sleeves: readonly PolicySleeve[]
  /** The facility's next NFAT tokenId (tokenIds of planned claims are predicted from it). */
  nextTokenId: bigint
  now: Date
}

export type PlannedSweep = { sleeveId: string; depositor: string; amount: bigint; tokenId: bigint }

export type PolicyDecision =
  | { action: 'create-sleeve'; sleeveId: string; reason: string }
  | { action: 'sweep'; sleeveId: string; depositor: string; amount: bigint; reason: string }
  | { action: 'offboard'; sleeveId: string; reason: string }
  | { action: 'wait'; sleeveId?: string | undefined; reason: string }

export type SweepPlan = {
  haloClass: string
  createSleeve?: { sleeveId: string; targetAmount: bigint } | undefined
  sweeps: PlannedSweep[]
  offboard: string[]
  decisions: PolicyDecision[]
}

const FILLABLE = new Set(['CREATED', 'FILLING'])
/** Facility queues hold USDS: reasons show amounts as exact USDS decimals. */
const usds = (amount: bigint) => formatUnitsExact(amount, USDS_DECIMALS)

export function pipelineTarget(pipeline: readonly PipelineDeal[]): bigint {
  return pipeline.reduce((sum, deal) => sum + deal.amount, 0n)
}

export function validateSleevePolicyConfig(config: SleevePolicyConfig): void {
  const problems: string[] = []
  if (!config.haloClass) problems.push('haloClass is empty')
  if (!Number.isInteger(config.minUnits) || config.minUnits < 1) problems.push('minUnits must be an integer ≥ 1')
  if (!Number.isInteger(config.maxFillWaitSeconds) || config.maxFillWaitSeconds < 0) problems.push('maxFillWaitSeconds must be an integer ≥ 0')
  if (config.minUnitAmount <= 0n) problems.push('minUnitAmount must be positive')
  if (!Number.isInteger(config.maxUnitShareBps) || config.maxUnitShareBps < 1 || config.maxUnitShareBps > 10_000) problems.push('maxUnitShareBps must be within 1..10000')
  if (config.pipeline.some((deal) => deal.amount <= 0n)) problems.push('every pipeline deal amount must be positive')
  if (problems.length > 0) throw new InvalidInputError('invalid sleeve policy config', { details: problems.join('; '), meta: { haloClass: config.haloClass } })
}

/** Allocate queued balances into `capacity`, smallest queue first; result in queue order. */
export function allocateQueues(params: {
  queues: readonly QueueBalance[]
  capacity: bigint
  minUnitAmount: bigint
  splitDepositorQueue: boolean
  perUnitCap: bigint
}): Map<string, bigint> {
  const { queues, minUnitAmount, splitDepositorQueue, perUnitCap } = params
  let remaining = params.capacity
  const taken = new Map<string, bigint>()
  const ascending = queues
    .map((queue, index) => ({ ...queue, index }))
    .filter((queue) => queue.amount >= minUnitAmount)
    .sort((a, b) => (a.amount === b.amount ? a.index - b.index : a.amount < b.amount ? -1 : 1))
  for (const queue of ascending) {
    if (remaining < minUnitAmount) break
    const limit = remaining < perUnitCap ? remaining : perUnitCap
    if (queue.amount <= limit) {
      taken.set(queue.depositor, queue.amount)
      remaining -= queue.amount
      continue
    }
    if (!splitDepositorQueue || limit < minUnitAmount) continue
    const leftover = queue.amount - limit
    // Never leave a dust remainder behind in the queue: it could never be swept on its own.
    if (leftover < minUnitAmount) continue
    taken.set(queue.depositor, limit)
    remaining -= limit
  }
  return taken
}

function fillWaitExpired(sleeve: PolicySleeve, config: SleevePolicyConfig, now: Date): boolean {
  const started = Date.parse(sleeve.fillingStartedAt ?? sleeve.createdAt)
  return now.getTime() - started >= config.maxFillWaitSeconds * 1000
}

/** One past the highest numbered sleeve; bigint, so `sleeve-9007199254740993` is not read as …992. */
function nextSleeveId(config: SleevePolicyConfig, sleeves: readonly PolicySleeve[]): string {
  let highest = BigInt(config.firstSleeveNumber ?? 1) - 1n
  for (const sleeve of sleeves) {
    if (!sleeve.sleeveId.startsWith(config.sleeveIdPrefix)) continue
    const digits = sleeve.sleeveId.slice(config.sleeveIdPrefix.length)
    if (/^(0|[1-9]\d{0,77})$/.test(digits) && BigInt(digits) > highest) highest = BigInt(digits)
  }
  return `${config.sleeveIdPrefix}${highest + 1n}`
}

/**
 * One decision round for a Halo class. At most one sleeve fills at a time (the oldest
 * CREATED/FILLING one); a new one is opened only when none is filling and demand exists.
 */
export function planSleeveSweeps(input: SleevePolicyInput): SweepPlan {
  const { config, queues, sleeves, now } = input
  validateSleevePolicyConfig(config)
  const plan: SweepPlan = { haloClass: config.haloClass, sweeps: [], offboard: [], decisions: [] }
  const queued = queues.reduce((sum, queue) => sum + queue.amount, 0n)

  let filling = sleeves.find((sleeve) => FILLABLE.has(sleeve.state))
  if (!filling) {
    const target = pipelineTarget(config.pipeline)
    if (target === 0n) {
      plan.decisions.push({ action: 'wait', reason: 'no deals in the pipeline: no sleeve to open' })
      return plan
    }
    if (!queues.some((queue) => queue.amount >= config.minUnitAmount)) {
      plan.decisions.push({ action: 'wait', reason: 'no queued deposit large enough for a unit' })
      return plan
    }
    const sleeveId = nextSleeveId(config, sleeves)
    plan.createSleeve = { sleeveId, targetAmount: target }
    plan.decisions.push({ action: 'create-sleeve', sleeveId, reason: `pipeline needs ${usds(target)} USDS; ${usds(queued)} USDS queued` })
    filling = { sleeveId, state: 'CREATED', targetAmount: target, filledAmount: 0n, unitCount: 0, createdAt: now.toISOString() }
  }

  const expired = filling.state === 'FILLING' && fillWaitExpired(filling, config, now)
  const capacity = filling.targetAmount - filling.filledAmount
  const perUnitCap = expired ? capacity : mulDiv(filling.targetAmount, BigInt(config.maxUnitShareBps), 10_000n)
  const taken = capacity > 0n
    ? allocateQueues({ queues, capacity, minUnitAmount: config.minUnitAmount, splitDepositorQueue: config.splitDepositorQueue, perUnitCap })
    : new Map<string, bigint>()

  let tokenId = input.nextTokenId
  let filled = filling.filledAmount
  let units = filling.unitCount
  for (const queue of queues) {
    const amount = taken.get(queue.depositor)
    if (amount === undefined) continue
    plan.sweeps.push({ sleeveId: filling.sleeveId, depositor: queue.depositor, amount, tokenId })
    plan.decisions.push({ action: 'sweep', sleeveId: filling.sleeveId, depositor: queue.depositor, amount, reason: amount === queue.amount ? 'whole queue fits' : `split: ${usds(queue.amount - amount)} USDS stays queued` })
    tokenId += 1n
    filled += amount
    units += 1
  }

  // Offboarding is decided on a settled sleeve: sweeps planned now land first, and the next
  // round (seeing them in the Synome) decides. A crash between the two then cannot offboard
  // a sleeve whose last unit was never recorded.
  if (plan.sweeps.length > 0) return plan
  const decision = offboardDecision({ sleeve: filling, filled, units, expired, config })
  plan.decisions.push(decision)
  if (decision.action === 'offboard') plan.offboard.push(filling.sleeveId)
  return plan
}

function offboardDecision(params: { sleeve: PolicySleeve; filled: bigint; units: number; expired: boolean; config: SleevePolicyConfig }): PolicyDecision {
  const { sleeve, filled, units, expired, config } = params
  const sleeveId = sleeve.sleeveId
  if (units === 0) return { action: 'wait', sleeveId, reason: 'sleeve has no units yet' }
  const full = filled >= sleeve.targetAmount
  if (full && units >= config.minUnits) return { action: 'offboard', sleeveId, reason: `target ${usds(sleeve.targetAmount)} USDS reached with ${units} units` }
  if (full) return { action: 'offboard', sleeveId, reason: `target reached by ${units} unit(s), below the privacy threshold of ${config.minUnits}: a full sleeve cannot take more units` }
  if (expired) return { action: 'offboard', sleeveId, reason: `max fill wait of ${config.maxFillWaitSeconds}s passed with ${usds(filled)} of ${usds(sleeve.targetAmount)} USDS in ${units} unit(s)` }
  return { action: 'wait', sleeveId, reason: `${usds(filled)} of ${usds(sleeve.targetAmount)} USDS filled in ${units} unit(s); fill wait still running` }
}
