import type { Logger } from 'pino'
import { z } from 'zod'
import { NotFoundError } from '../../domain/errors.js'
import { epochOf, type CycleSchedule } from '../../domain/lcts/cycle.js'
import { formatUnitsExact } from '../../domain/money.js'
import type { SynomeClient } from '../../synome/client/index.js'
import type { EntityRecord } from '../../synome/commands/types.js'
import { capacityInputsOf, LCTS_CAPACITY_INPUTS, LCTS_DECIMALS, LCTS_SETTLEMENT, type CapacityInputsRecord, type LctsCapacityInputsEntity, type LctsSettlementRecord } from '../../synome/commands/lcts/records.js'
import { crashPoint } from '../shared/crashPoints.js'
import type { RecordJournal } from '../shared/recordJournal.js'
import type { TxJournal } from '../shared/txJournal.js'
import type { LctsChain } from './chain.js'
import { decideSettlement, nextCycleAction, SIDES, type CycleAction, type QueueObservation, type QueueSide, type SettlementDecision } from './policy.js'

/**
 * One lpha-lcts tick: observe chain, Synome and the beacon's journals, ask the pure policy for
 * the next step, do it, repeat (bounded). Crash-safe by construction:
 *  - every transaction has a deterministic key per epoch (`lock:` / `rate:` / `settle:`), so
 *    a restart resolves the journaled intent instead of sending a second one;
 *  - the settlement decision (capacities, rate) is journaled once, right after the locks are
 *    final, so a restart between two settles uses the same numbers;
 *  - the Synome record is written only after every settle is final on chain, with an
 *    idempotency key per epoch, and the Synome refuses a second record of an epoch.
 */
export type LctsReconcileDeps = {
  pairId: string
  schedule: CycleSchedule
  synome: SynomeClient
  chain: LctsChain
  txs: TxJournal
  decisions: DecisionJournal
  now: () => Promise<Date>
  log: Logger
}

export type LctsTickReport = { actions: Array<{ kind: string; reason: string }>; errors: string[] }

const MAX_STEPS = 8
const INPUT_PAGES = 50

// ------------------------------------------------------------------ decision journal

const bigintString = z.string().regex(/^-?\d+$/).transform((v) => BigInt(v))
const queueLine = z.strictObject({ status: z.enum(['DORMANT', 'ACTIVE', 'LOCKED']), generationId: bigintString, totalShares: bigintString, totalUnderlying: bigintString }).nullable()
const inputsLine = z.strictObject({ originationCapacity: bigintString, clearingSpreadBps: bigintString, riskCapitalDemand: bigintString, targetSpreadBps: bigintString, redemptionLimit: bigintString }).nullable()
const decisionLine = z.strictObject({
  epoch: z.string(),
  decidedAt: z.string(),
  locked: z.strictObject({ subscribe: queueLine, redeem: queueLine }),
  capacity: z.strictObject({ matchedValue: bigintString, subscribeCapacity: bigintString, redeemCapacity: bigintString, originationAllowed: bigintString, fallback: z.enum(['none', 'previous-epoch', 'net-flow-only']), inputsUsed: inputsLine }),
  fallback: z.enum(['none', 'previous-epoch', 'net-flow-only']),
  exchangeRateBeforeWad: bigintString,
  exchangeRateWad: bigintString,
  tokenSupply: bigintString,
})

const toJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? v.toString() : v)))

/**
 * Settlement decisions, one per epoch, durable before the first settle transaction: a file for
 * one instance, the Synome's shared journal under HA (src/beacons/shared/recordJournal.ts).
 */
export class DecisionJournal {
  /** One journal line (bigints as decimal strings) as a decision. */
  static parse = (raw: unknown): SettlementDecision => decisionLine.parse(raw) as SettlementDecision
  readonly #journal: RecordJournal<SettlementDecision>
  constructor(journal: RecordJournal<SettlementDecision>) {
    this.#journal = journal
  }
  get(epoch: string): SettlementDecision | undefined {
    return this.#journal.records.find((d) => d.epoch === epoch)
  }
  latest(): SettlementDecision | undefined {
    return this.#journal.records.at(-1)
  }
  append(decision: SettlementDecision): Promise<void> {
    return this.#journal.append(toJson(decision))
  }
}

// ------------------------------------------------------------------ Synome reads

async function maybeGet<T>(synome: SynomeClient, type: string, id: string): Promise<EntityRecord<T> | undefined> {
  try {
    return await synome.get<T>(type, id)
  } catch (error) {
    if (error instanceof NotFoundError || (error as { code?: string }).code === 'NOT_FOUND') return undefined
    throw error
  }
}

/** The pair's settlement records, oldest first (bounded pages). */
export async function settlementRecords(synome: Pick<SynomeClient, 'list'>, pairId: string): Promise<LctsSettlementRecord[]> {
  const items: LctsSettlementRecord[] = []
  let cursor: string | undefined
  for (let page = 0; page < INPUT_PAGES; page++) {
    const result = await synome.list<LctsSettlementRecord>({ type: LCTS_SETTLEMENT, prime: pairId, limit: 1000, cursor })
    items.push(...result.items.map((r) => r.data))
    if (!result.nextCursor) break
    cursor = result.nextCursor
  }
  return items.sort((a, b) => (a.epoch < b.epoch ? -1 : a.epoch > b.epoch ? 1 : 0))
}

// ------------------------------------------------------------------ the tick

export async function reconcileTick(deps: LctsReconcileDeps): Promise<LctsTickReport> {
  const report: LctsTickReport = { actions: [], errors: [] }
  await deps.txs.recover()
  for (const key of await deps.txs.checkReorgs()) deps.log.warn({ key }, 'transaction block no longer canonical; re-resolving')
  for (let step = 0; step < MAX_STEPS; step++) {
    const action = nextCycleAction(await observe(deps))
    report.actions.push({ kind: action.kind, reason: 'reason' in action ? action.reason : `epoch ${action.epoch}` })
    deps.log.info({ pairId: deps.pairId, ...action }, `lpha-lcts ${action.kind}`)
    if (action.kind === 'wait') break
    try {
      if (!(await execute(deps, action))) break
    } catch (error) {
      report.errors.push((error as Error).message)
      deps.log.error({ err: error, pairId: deps.pairId, action: action.kind }, 'lpha-lcts step failed')
      break
    }
  }
  return report
}

async function observe(deps: LctsReconcileDeps) {
  const now = await deps.now()
  const today = epochOf(now)
  const queues = { subscribe: await deps.chain.queue('subscribe'), redeem: await deps.chain.queue('redeem') }
  const latest = deps.decisions.latest()
  const openEpoch = latest && !(await maybeGet(deps.synome, LCTS_SETTLEMENT, `${deps.pairId}:${latest.epoch}`)) ? latest.epoch : undefined
  const lockKeys = deps.txs.all().filter((s) => s.key.startsWith(`lock:${deps.pairId}:`) && s.status !== 'replaced' && s.status !== 'reverted')
  const lockEpoch = lockKeys.map((s) => s.key.split(':')[2]!).sort().at(-1)
  const recordedToday = (await maybeGet(deps.synome, LCTS_SETTLEMENT, `${deps.pairId}:${today}`)) !== undefined
  return { now, schedule: deps.schedule, queues, openEpoch, lockEpoch, recordedToday }
}

/** Perform one action; false when it cannot progress in this tick (a transaction not final yet). */
async function execute(deps: LctsReconcileDeps, action: Exclude<CycleAction, { kind: 'wait' }>): Promise<boolean> {
  switch (action.kind) {
    case 'lock':
      return lockQueues(deps, action.epoch, action.sides)
    case 'decide':
      return decide(deps, action.epoch)
    case 'settle':
      return settleEpoch(deps, action.epoch)
  }
}

async function lockQueues(deps: LctsReconcileDeps, epoch: string, sides: readonly QueueSide[]): Promise<boolean> {
  for (const side of sides) {
    const state = await deps.txs.send(`lock:${deps.pairId}:${epoch}:${side}`, deps.chain.lockCall(side))
    if (state.status === 'reverted') throw new Error(`lock of the ${side} queue reverted (${state.hash})`)
    if (state.status !== 'final') return false
  }
  return true
}

async function decide(deps: LctsReconcileDeps, epoch: string): Promise<boolean> {
  if (deps.decisions.get(epoch)) return true
  const { synome, chain, pairId } = deps
  const inputsRecord = await maybeGet<LctsCapacityInputsEntity>(synome, LCTS_CAPACITY_INPUTS, `${pairId}:${epoch}`)
  const previousRecord = (await settlementRecords(synome, pairId)).filter((r) => r.epoch < epoch).at(-1)
  const queues = { subscribe: await chain.queue('subscribe'), redeem: await chain.queue('redeem') }
  const decision = decideSettlement({
    epoch,
    now: await deps.now(),
    queues,
    tokenSupply: await chain.tokenSupply(),
    exchangeRateWad: await chain.exchangeRateWad(),
    inputs: inputsRecord ? capacityInputsOf(inputsRecord.data.inputs) : null,
    previous: previousRecord ? { epoch: previousRecord.epoch, inputs: previousRecord.inputsUsed ? capacityInputsOf(previousRecord.inputsUsed) : null } : null,
  })
  if (decision.fallback !== 'none') deps.log.warn({ pairId, epoch, fallback: decision.fallback }, `capacity inputs for ${epoch} missing at lock time: using ${decision.fallback}`)
  await deps.decisions.append(decision)
  crashPoint('ledger-write')
  return true
}

async function settleEpoch(deps: LctsReconcileDeps, epoch: string): Promise<boolean> {
  const { chain, txs, pairId } = deps
  const decision = deps.decisions.get(epoch)!
  if (decision.exchangeRateWad !== decision.exchangeRateBeforeWad) {
    const rate = await txs.send(`rate:${pairId}:${epoch}`, chain.rateCall(decision.exchangeRateWad))
    if (rate.status === 'reverted') throw new Error(`setExchangeRate reverted (${rate.hash})`)
    if (rate.status !== 'final') return false
  }
  const capacities: Record<QueueSide, bigint> = { subscribe: decision.capacity.subscribeCapacity, redeem: decision.capacity.redeemCapacity }
  const hashes: Partial<Record<QueueSide, `0x${string}`>> = {}
  for (const side of SIDES) {
    const locked = decision.locked[side]
    if (!locked) continue
    const key = `settle:${pairId}:${epoch}:${side}`
    if (!txs.get(key)) {
      const queue = await chain.queue(side)
      if (queue.status !== 'LOCKED' || queue.generationId !== locked.generationId) {
        throw new Error(`the ${side} queue is no longer locked in generation ${locked.generationId} and this beacon did not settle it`)
      }
    }
    const state = await txs.send(key, chain.settleCall(side, capacities[side]))
    if (state.status === 'reverted') throw new Error(`settle of the ${side} queue reverted (${state.hash})`)
    if (state.status !== 'final') return false
    hashes[side] = state.hash
  }
  await deps.synome.send('recordLctsSettlement', await settlementRecord(deps, decision, hashes), { idempotencyKey: `lcts-settlement:${pairId}:${epoch}` })
  return true
}

const amount = (value: bigint) => formatUnitsExact(value, LCTS_DECIMALS)

function inputsRecordOf(decision: SettlementDecision): CapacityInputsRecord | null {
  const inputs = decision.capacity.inputsUsed
  if (!inputs) return null
  return {
    originationCapacity: amount(inputs.originationCapacity),
    clearingSpreadBps: Number(inputs.clearingSpreadBps),
    riskCapitalDemand: amount(inputs.riskCapitalDemand),
    targetSpreadBps: Number(inputs.targetSpreadBps),
    redemptionLimit: amount(inputs.redemptionLimit),
  }
}

async function settlementRecord(deps: LctsReconcileDeps, decision: SettlementDecision, hashes: Partial<Record<QueueSide, `0x${string}`>>): Promise<LctsSettlementRecord> {
  const side = async (s: QueueSide, locked: QueueObservation | null) => {
    const hash = hashes[s]
    if (!locked || !hash) return null
    const event = await deps.chain.settled(hash)
    return {
      generationId: event.generationId.toString(),
      capacity: amount(event.capacity),
      converted: amount(event.converted),
      reward: amount(event.reward),
      rewardPerTokenRay: event.rewardPerTokenRay.toString(),
      totalUnderlyingBefore: amount(locked.totalUnderlying),
      totalShares: amount(locked.totalShares),
      finalized: event.finalized,
      txHash: hash,
    }
  }
  return {
    pairId: deps.pairId,
    epoch: decision.epoch,
    decidedAt: new Date(decision.decidedAt).toISOString(),
    recordedAt: (await deps.now()).toISOString(),
    fallback: decision.fallback,
    inputsUsed: inputsRecordOf(decision),
    exchangeRateBeforeWad: decision.exchangeRateBeforeWad.toString(),
    exchangeRateWad: decision.exchangeRateWad.toString(),
    tokenSupply: amount(decision.tokenSupply),
    matchedValue: amount(decision.capacity.matchedValue),
    originationAllowed: amount(decision.capacity.originationAllowed),
    subscribe: await side('subscribe', decision.locked.subscribe),
    redeem: await side('redeem', decision.locked.redeem),
  }
}
