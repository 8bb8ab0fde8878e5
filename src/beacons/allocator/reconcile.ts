import type { Logger } from 'pino'
import { keccak256, toBytes, type Chain, type PublicClient, type Transport } from 'viem'
import { formatUnitsExact, USDS_DECIMALS } from '../../domain/money.js'
import { parseRiskFramework, type RiskFramework } from '../../domain/risk/framework.js'
import { readRampState } from '../../chain/rateLimits/readRampState.js'
import type { SynomeClient } from '../../synome/client/index.js'
import type { RiskFrameworkRecord } from '../../synome/records.js'
import type { AllocatorDecisionPayload, AllocatorUnitDecision } from '../../synome/commands/allocator/records.js'
import { MAX_DECISION_UNITS } from '../../synome/commands/allocator/records.js'
import { listAll } from '../shared/synomeReads.js'
import type { TxJournal, TxState } from '../shared/txJournal.js'
import { depositKey, redeemKey, type AllocatorChain } from './chain.js'
import { decideAllocation, proposeRamp, wantedLimit, type AllocatorPolicy, type RampProposal, type UnitDecision } from './policy.js'
import type { UnitSource } from './units.js'

/**
 * One allocator tick for one Prime. Level-triggered and crash-safe:
 *  - first every journaled transaction is resolved (a SIGKILL after the intent or after the
 *    broadcast leaves an intent the journal re-broadcasts with the same signed bytes); while
 *    one is still unresolved, nothing new is sent;
 *  - then the decision is made afresh from the chain (which already shows what landed), so a
 *    restart never deposits twice;
 *  - each order is clamped to the limit available right before it is sent (read again), and a
 *    deposit never exceeds the idle USDS: nothing above any limit is ever attempted;
 *  - the decision is written to the Synome with an idempotency key of its content, so a restart
 *    that repeats it replays instead of adding a record.
 */
export type AllocatorReconcileDeps = {
  prime: string
  synome: SynomeClient
  source: UnitSource
  chain: AllocatorChain
  publicClient: PublicClient<Transport, Chain>
  txs: TxJournal
  policy: AllocatorPolicy
  /** Seconds between two proposed increases (GovOps may ramp slower than SORL allows). */
  rampCadenceSeconds?: bigint | undefined
  /** Chain time, unix seconds. */
  now: () => Promise<bigint>
  log: Logger
}

export type AllocatorTickReport = { record: AllocatorDecisionPayload; sent: TxState[]; errors: string[] }

const usds = (value: bigint) => formatUnitsExact(value, USDS_DECIMALS)
const iso = (seconds: bigint) => new Date(Number(seconds) * 1000).toISOString().replace('.000Z', 'Z')
const toJson = (value: unknown) => JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? v.toString() : v))

async function currentFramework(synome: SynomeClient): Promise<RiskFramework | undefined> {
  const record = (await listAll<RiskFrameworkRecord>(synome, { type: 'riskFramework' })).at(-1)
  return record ? parseRiskFramework(record.data.document, record.data.version) : undefined
}

export async function reconcileTick(deps: AllocatorReconcileDeps): Promise<AllocatorTickReport> {
  const { prime, chain, txs, log } = deps
  const errors: string[] = []
  const open = (await txs.recover()).filter((s) => s.status === 'pending' || s.status === 'mined')
  const now = await deps.now()
  const detected = (await deps.source.detect()).slice(0, MAX_DECISION_UNITS)
  const observations = await Promise.all(detected.map((unit) => chain.observe(unit)))
  const decision = decideAllocation({ observations, policy: deps.policy, framework: await currentFramework(deps.synome), idle: await chain.idleUsds(), now })

  const sent: TxState[] = []
  const units: AllocatorUnitDecision[] = []
  for (const unit of decision.units) {
    let executed: AllocatorUnitDecision['executed'] = null
    let waiting: string | null = null
    try {
      const result = await execute(deps, unit, open)
      if (result.kind === 'sent') {
        sent.push(result.state)
        executed = { amount: usds(result.amount), txHash: result.state.hash }
      } else waiting = result.reason
    } catch (error) {
      errors.push(`${unit.observation.unit.unitId}: ${(error as Error).message}`)
      waiting = `failed: ${(error as Error).message.split('\n')[0]!.slice(0, 400)}`
    }
    units.push(unitRecord(unit, executed, waiting))
  }

  const proposals: AllocatorDecisionPayload['proposals'] = []
  for (const unit of decision.units) {
    const wanted = wantedLimit(unit, deps.policy)
    if (!wanted) continue
    const state = await readRampState(deps, { configurator: chain.config.configurator, pau: chain.config.almProxy, key: depositKey(unit.observation.unit.target) })
    const proposal = proposeRamp(unit.observation.unit.unitId, { ...state, now }, wanted, deps.policy.initialLimit, deps.rampCadenceSeconds)
    if (proposal) proposals.push(proposalRecord(proposal))
  }

  const record: AllocatorDecisionPayload = { prime, at: iso(now), deployable: usds(decision.deployable), requiredCapital: usds(decision.requiredCapital), units, proposals }
  await deps.synome.send('recordAllocatorDecision', record, { idempotencyKey: `allocator:${prime}:${keccak256(toBytes(toJson(record)))}` })
  for (const u of units) if (u.executed) log.info({ prime, unitId: u.unitId, amount: u.executed.amount, tx: u.executed.txHash }, 'allocated')
  return { record, sent, errors }
}

type ExecuteResult = { kind: 'sent'; state: TxState; amount: bigint } | { kind: 'waiting'; reason: string | null }

async function execute(deps: AllocatorReconcileDeps, unit: UnitDecision, open: readonly TxState[]): Promise<ExecuteResult> {
  const { order } = unit.allocation
  const detected = unit.observation.unit
  if (order.kind === 'none') return { kind: 'waiting', reason: order.rateLimited ? 'the rate limit has nothing available now' : null }
  const prefix = `alloc:${deps.prime}:${detected.unitId}:`
  if (open.length > 0) return { kind: 'waiting', reason: `transaction ${open[0]!.key} is not final yet` }
  const seq = deps.txs.all().filter((s) => s.key.startsWith(prefix)).length
  if (order.kind === 'deposit') {
    // Read the limit again right before sending: never above what is available at this block.
    const limit = await deps.chain.rateLimit(depositKey(detected.target))
    const amount = order.amount < (limit?.available ?? 0n) ? order.amount : (limit?.available ?? 0n)
    if (amount === 0n) return { kind: 'waiting', reason: 'the rate limit has nothing available now' }
    const state = await deps.txs.send(`${prefix}${seq}:deposit`, deps.chain.depositCall(detected.target, amount))
    if (state.status === 'reverted') throw new Error(`deposit into ${detected.unitId} reverted (${state.hash})`)
    return { kind: 'sent', state, amount }
  }
  if (detected.target.kind === 'nfat-facility') return { kind: 'waiting', reason: 'an NFAT is held to maturity and redeemed then; the allocator does not exit it early' }
  const limit = await deps.chain.rateLimit(redeemKey(detected.target))
  const call = await deps.chain.redeemCall(detected.target, order.amount)
  const shares = call.shares < (limit?.available ?? 0n) ? call.shares : (limit?.available ?? 0n)
  if (shares === 0n) return { kind: 'waiting', reason: limit ? 'the redeem rate limit has nothing available now' : 'no redeem rate limit for this Prime’s PAU' }
  const clamped = shares === call.shares ? call : await deps.chain.redeemCall(detected.target, (order.amount * shares) / call.shares)
  const state = await deps.txs.send(`${prefix}${seq}:redeem`, { to: clamped.to, data: clamped.data })
  if (state.status === 'reverted') throw new Error(`redeem from ${detected.unitId} reverted (${state.hash})`)
  return { kind: 'sent', state, amount: (order.amount * clamped.shares) / call.shares }
}

function unitRecord(unit: UnitDecision, executed: AllocatorUnitDecision['executed'], waiting: string | null): AllocatorUnitDecision {
  const { observation, eligibility, allocation } = unit
  return {
    unitId: observation.unit.unitId,
    haloClass: observation.unit.haloClass,
    kind: observation.unit.target.kind,
    eligible: eligibility.eligible,
    reasons: eligibility.eligible ? [] : eligibility.reasons,
    current: usds(allocation.current),
    target: usds(allocation.target),
    limitedBy: allocation.limitedBy,
    rateLimit: observation.rateLimit ? { maxAmount: usds(observation.rateLimit.maxAmount), available: usds(observation.rateLimit.available) } : null,
    order: { kind: allocation.order.kind, amount: usds(allocation.order.amount), rateLimited: allocation.order.rateLimited },
    executed,
    waiting,
  }
}

function proposalRecord(p: RampProposal): AllocatorDecisionPayload['proposals'][number] {
  const setting = p.step.kind === 'set' ? p.step.setting : p.step.init
  return { unitId: p.unitId, kind: p.step.kind, at: iso(p.step.kind === 'set' ? p.step.at : p.step.readyAt), maxAmount: usds(setting.maxAmount), slope: usds(setting.slope), reachedAt: iso(p.reachedAt) }
}
