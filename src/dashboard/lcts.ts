import type { Address } from 'viem'
import { decideSettlement, SIDES, type QueueObservation, type QueueSide } from '../beacons/lcts/policy.js'
import { NotFoundError } from '../domain/errors.js'
import { DEFAULT_SCHEDULE, epochOf, isSkipped, lockTime, settleTime, type CycleSchedule } from '../domain/lcts/cycle.js'
import { emptyQueue, previewSettle } from '../domain/lcts/queue.js'
import { formatUnitsExact } from '../domain/money.js'
import type { SynomeTransport } from '../synome/client/types.js'
import { capacityInputsOf, LCTS_CAPACITY_INPUTS, LCTS_DECIMALS, LCTS_SETTLEMENT, type LctsCapacityInputsEntity, type LctsSettlementRecord } from '../synome/commands/lcts/records.js'
import type { DashboardChain, DashboardContracts, LctsPairAddresses, LctsPairFacts, LctsQueueFacts } from './chain.js'

/**
 * The dashboard's LCTS pages: the pairs the Synome records (capacity inputs and settlement
 * records), and per pair the queues on chain, a preview of the next settlement (lpha-lcts's own
 * `decideSettlement` and the queue model's `previewSettle`), the settlement history and the
 * exchange rate over time. Amounts are exact decimal strings of the 18-decimal tokens; rates are
 * Wad (value per 1e18 tokens), shown also as a decimal.
 */

/** Bound on the LCTS records read for these pages (one per pair per epoch: ~27 years of one pair). */
const MAX_RECORDS = 10_000
const LOOKBACK_DAYS = 14

const amount = (value: bigint) => formatUnitsExact(value, LCTS_DECIMALS)

async function listAll<T>(synome: Pick<SynomeTransport, 'list'>, type: string, prime?: string): Promise<T[]> {
  const out: T[] = []
  let cursor: string | undefined
  while (out.length < MAX_RECORDS) {
    const page = await synome.list<T>({ type, limit: 1000, ...(prime ? { prime } : {}), ...(cursor ? { cursor } : {}) })
    out.push(...page.items.map((i) => i.data))
    if (!page.nextCursor) break
    cursor = page.nextCursor
  }
  return out
}

/**
 * A pair's contract addresses from the dashboard's contract map: `lcts:<pairId>:subscribeQueue`,
 * `…:redeemQueue`, `…:holdingSystem`, `…:token` (null unless all four are given).
 */
export function lctsPairAddresses(contracts: DashboardContracts | undefined, pairId: string): LctsPairAddresses | null {
  const get = (name: string) => contracts?.[`lcts:${pairId}:${name}`]
  const [subscribeQueue, redeemQueue, holdingSystem, token] = ['subscribeQueue', 'redeemQueue', 'holdingSystem', 'token'].map(get)
  if (!subscribeQueue || !redeemQueue || !holdingSystem || !token) return null
  return { subscribeQueue: subscribeQueue as Address, redeemQueue: redeemQueue as Address, holdingSystem: holdingSystem as Address, token: token as Address }
}

/** Every pair named by an LCTS record, with its latest settlement. */
export async function lctsPairs(synome: Pick<SynomeTransport, 'list'>) {
  const [settlements, inputs] = await Promise.all([listAll<LctsSettlementRecord>(synome, LCTS_SETTLEMENT), listAll<LctsCapacityInputsEntity>(synome, LCTS_CAPACITY_INPUTS)])
  const ids = [...new Set([...settlements.map((s) => s.pairId), ...inputs.map((i) => i.pairId)])].sort()
  return ids.map((pairId) => {
    const own = settlements.filter((s) => s.pairId === pairId).sort((a, b) => a.epoch.localeCompare(b.epoch))
    const last = own.at(-1)
    const lastInputs = inputs.filter((i) => i.pairId === pairId).sort((a, b) => a.epoch.localeCompare(b.epoch)).at(-1)
    return {
      pairId,
      settlements: own.length,
      lastEpoch: last?.epoch ?? null,
      exchangeRateWad: last?.exchangeRateWad ?? null,
      exchangeRate: last ? amount(BigInt(last.exchangeRateWad)) : null,
      tokenSupply: last?.tokenSupply ?? null,
      lastInputsEpoch: lastInputs?.epoch ?? null,
    }
  })
}

/** The epoch of the lock a LOCKED queue is in: the latest cycle day whose lock time has passed. */
export function lockedEpoch(now: Date, schedule: CycleSchedule): string {
  for (let back = 0; back <= LOOKBACK_DAYS; back++) {
    const epoch = epochOf(new Date(now.getTime() - back * 86_400_000))
    if (!isSkipped(epoch, schedule) && lockTime(epoch, schedule) <= now) return epoch
  }
  return epochOf(now)
}

/** The next epoch with a cycle whose lock has not passed yet (or today's, if locked now). */
function nextEpoch(now: Date, schedule: CycleSchedule, anyLocked: boolean): string {
  if (anyLocked) return lockedEpoch(now, schedule)
  for (let ahead = 0; ahead <= LOOKBACK_DAYS; ahead++) {
    const epoch = epochOf(new Date(now.getTime() + ahead * 86_400_000))
    if (!isSkipped(epoch, schedule) && now < settleTime(epoch, schedule)) return epoch
  }
  return epochOf(now)
}

function queueView(facts: LctsQueueFacts, now: Date, schedule: CycleSchedule) {
  const unlocksAt = facts.status === 'LOCKED' ? settleTime(lockedEpoch(now, schedule), schedule) : null
  return {
    status: facts.status,
    generationId: facts.status === 'DORMANT' ? null : facts.generationId.toString(),
    totalUnderlying: amount(facts.totalUnderlying),
    totalShares: amount(facts.totalShares),
    dustThreshold: amount(facts.dustThreshold),
    /** LOCKED: when lpha-lcts settles (unlocks) it, per its schedule; past = overdue. */
    unlocksAt: unlocksAt?.toISOString() ?? null,
    overdue: unlocksAt !== null && now >= unlocksAt,
  }
}

/**
 * What the next settlement would convert: lpha-lcts's decision (`decideSettlement`) on the
 * queues as they stand (a generation that is ACTIVE now is taken as locked as it is), with the
 * last capacity inputs recorded for the pair, then `previewSettle` per queue (the dust rule).
 */
export function previewNextSettlement(parameters: { facts: LctsPairFacts; now: Date; schedule: CycleSchedule; inputs: LctsCapacityInputsEntity | null; last: LctsSettlementRecord | null }) {
  const { facts, now, schedule } = parameters
  const anyLocked = SIDES.some((side) => facts[side].status === 'LOCKED')
  const epoch = nextEpoch(now, schedule, anyLocked)
  const observation = (q: LctsQueueFacts): QueueObservation => ({ status: q.status === 'DORMANT' ? 'DORMANT' : 'LOCKED', generationId: q.generationId, totalShares: q.totalShares, totalUnderlying: q.totalUnderlying })
  const inputsForEpoch = parameters.inputs && parameters.inputs.epoch === epoch ? capacityInputsOf(parameters.inputs.inputs) : null
  // The last recorded inputs stand in as the fallback when they are not this epoch's: the
  // same `previous-epoch` rule lpha-lcts applies when the Council has not published in time.
  const previousInputs = parameters.inputs && !inputsForEpoch ? capacityInputsOf(parameters.inputs.inputs) : parameters.last?.inputsUsed ? capacityInputsOf(parameters.last.inputsUsed) : null
  const previous = parameters.last ? { epoch: parameters.last.epoch, inputs: previousInputs } : previousInputs ? { epoch, inputs: previousInputs } : null
  const decision = decideSettlement({
    epoch,
    now,
    queues: { subscribe: observation(facts.subscribe), redeem: observation(facts.redeem) },
    tokenSupply: facts.tokenSupply,
    exchangeRateWad: facts.exchangeRateWad,
    inputs: inputsForEpoch,
    previous,
  })
  const side = (name: QueueSide, capacity: bigint) => {
    const q = facts[name]
    const state = { ...emptyQueue(q.dustThreshold), current: q.status === 'DORMANT' ? null : { id: q.generationId, status: 'LOCKED' as const, totalShares: q.totalShares, totalUnderlying: q.totalUnderlying, rewardPerTokenRay: 0n } }
    const preview = previewSettle(state, capacity)
    return { capacity: amount(capacity), converts: amount(preview.convertAmount), remaining: amount(preview.remainingUnderlying), finalizes: preview.finalizes }
  }
  const source = inputsForEpoch ? 'this-epoch' : parameters.inputs ? 'last-recorded' : parameters.last?.inputsUsed ? 'last-settlement' : 'none'
  return {
    epoch,
    settlesAt: settleTime(epoch, schedule).toISOString(),
    inputs: { source, epoch: source === 'last-settlement' ? parameters.last!.epoch : (parameters.inputs?.epoch ?? null), values: source === 'last-settlement' ? parameters.last!.inputsUsed : (parameters.inputs?.inputs ?? null) },
    fallback: decision.fallback,
    exchangeRateBeforeWad: decision.exchangeRateBeforeWad.toString(),
    exchangeRateWad: decision.exchangeRateWad.toString(),
    exchangeRateBefore: amount(decision.exchangeRateBeforeWad),
    exchangeRate: amount(decision.exchangeRateWad),
    matchedValue: amount(decision.capacity.matchedValue),
    originationAllowed: amount(decision.capacity.originationAllowed),
    subscribe: side('subscribe', decision.capacity.subscribeCapacity),
    redeem: side('redeem', decision.capacity.redeemCapacity),
  }
}

export type LctsPairViewParameters = {
  synome: Pick<SynomeTransport, 'list'>
  pairId: string
  chain?: DashboardChain | undefined
  contracts?: DashboardContracts | undefined
  schedule?: CycleSchedule | undefined
}

/** One pair's page: on-chain queues (when an RPC and its addresses are configured), preview, history. */
export async function lctsPairView(p: LctsPairViewParameters) {
  const schedule = p.schedule ?? DEFAULT_SCHEDULE
  const [allSettlements, allInputs] = await Promise.all([listAll<LctsSettlementRecord>(p.synome, LCTS_SETTLEMENT, p.pairId), listAll<LctsCapacityInputsEntity>(p.synome, LCTS_CAPACITY_INPUTS, p.pairId)])
  const settlements = allSettlements.filter((s) => s.pairId === p.pairId).sort((a, b) => a.epoch.localeCompare(b.epoch))
  const inputs = allInputs.filter((i) => i.pairId === p.pairId).sort((a, b) => a.epoch.localeCompare(b.epoch))
  if (settlements.length === 0 && inputs.length === 0) throw new NotFoundError(`no LCTS records for pair ${p.pairId}`, { meta: { pairId: p.pairId } })
  const last = settlements.at(-1) ?? null
  const lastInputs = inputs.at(-1) ?? null

  const addresses = lctsPairAddresses(p.contracts, p.pairId)
  let chain: unknown = null
  let preview: ReturnType<typeof previewNextSettlement> | null = null
  const notes: string[] = []
  if (!p.chain) notes.push('no RPC configured: queue state and the preview are not shown')
  else if (!addresses) notes.push(`no addresses for ${p.pairId}: give lcts:${p.pairId}:subscribeQueue, …:redeemQueue, …:holdingSystem and …:token in --contracts`)
  else {
    try {
      const facts = await p.chain.lctsPair(addresses)
      const now = new Date(Number(facts.chainTimeSeconds) * 1000)
      chain = {
        block: facts.block.toString(),
        chainTime: now.toISOString(),
        addresses,
        subscribe: queueView(facts.subscribe, now, schedule),
        redeem: queueView(facts.redeem, now, schedule),
        exchangeRateWad: facts.exchangeRateWad.toString(),
        exchangeRate: amount(facts.exchangeRateWad),
        tokenSupply: amount(facts.tokenSupply),
      }
      preview = previewNextSettlement({ facts, now, schedule, inputs: lastInputs, last })
    } catch (error) {
      notes.push(`could not read the pair on chain: ${error instanceof Error ? ((error as { shortMessage?: string }).shortMessage ?? error.message).split('\n')[0] : String(error)}`)
    }
  }
  return {
    pairId: p.pairId,
    schedule: { lockAt: hhmm(schedule.lockAtSecondsUtc), settleAt: hhmm(schedule.settleAtSecondsUtc), skipWeekdaysUtc: schedule.skipWeekdaysUtc, skipDates: schedule.skipDates },
    chain,
    preview,
    notes,
    inputs: inputs.map((i) => ({ epoch: i.epoch, setAt: i.setAt, inputs: i.inputs })),
    settlements: settlements.map((s) => ({ ...s, exchangeRate: amount(BigInt(s.exchangeRateWad)), exchangeRateBefore: amount(BigInt(s.exchangeRateBeforeWad)) })),
    /** The exchange rate after each settlement (and before the first), for the chart. */
    rateHistory: [
      ...(settlements[0] ? [{ epoch: `before ${settlements[0].epoch}`, exchangeRateWad: settlements[0].exchangeRateBeforeWad, exchangeRate: amount(BigInt(settlements[0].exchangeRateBeforeWad)) }] : []),
      ...settlements.map((s) => ({ epoch: s.epoch, exchangeRateWad: s.exchangeRateWad, exchangeRate: amount(BigInt(s.exchangeRateWad)) })),
    ],
  }
}

const hhmm = (seconds: number) => `${String(Math.floor(seconds / 3600)).padStart(2, '0')}:${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')} UTC`
