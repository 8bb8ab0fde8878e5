import type { Logger } from 'pino'
import { NotFoundError } from '../../domain/errors.js'
import { formatUnitsExact, USDS_DECIMALS } from '../../domain/money.js'
import { planAmmCycle, poolReportFigures, type AmmAction, type AmmAlert, type AmmPolicy } from '../../domain/trading/amm.js'
import type { SynomeClient } from '../../synome/client/index.js'
import { AMM_ALERT, AMM_POOL, ammAlertId, type PoolReportRecord } from '../../synome/commands/amm/records.js'
import type { TxJournal, TxState } from '../shared/txJournal.js'
import type { AmmChain, PoolShares, PoolSnapshot } from './chain.js'

/**
 * One lpha-amm tick for one pool: resolve every journaled transaction first (a transaction
 * signed before a crash is mined or given up, never re-planned), then observe → plan (pure,
 * src/domain/trading/amm.ts) → act, a bounded number of rounds, then raise new alerts and
 * write the pool report when the final state differs from the Synome's.
 *
 * Crash safety: each transaction's key is derived from the state it changes (the request id
 * it closes, the count of redemptions/returns before it, the oracle reading it syncs), and no
 * observation is made while an intent is unresolved, so a restart after any step re-derives
 * the same key for the same state and the journal returns the existing transaction. Alerts and
 * reports carry idempotency keys and the Synome refuses a second alert or an older report.
 */
export type AmmReconcileDeps = {
  poolId: string
  haloClass: string
  synome: SynomeClient
  chain: AmmChain
  txs: TxJournal
  policy: (assetDecimals: number) => AmmPolicy
  log: Logger
}

export type AmmTickReport = { blockNumber: bigint | null; actions: string[]; alerts: string[]; reported: boolean; pending: number; errors: string[] }

/** Observe → act rounds per tick (a close frees room for a redemption in the next round). */
const MAX_ROUNDS = 4
/** Sends per action key after reverts, each from a fresh observation. */
const MAX_ATTEMPTS = 3

async function maybeGet<T>(synome: SynomeClient, type: string, id: string) {
  try {
    return await synome.get<T>(type, id)
  } catch (error) {
    if (error instanceof NotFoundError || (error as { code?: string }).code === 'NOT_FOUND') return undefined
    throw error
  }
}

function actionKey(poolId: string, action: AmmAction, snap: PoolSnapshot): string {
  switch (action.kind) {
    case 'closeRedemption':
      return `amm:${poolId}:close:${action.requestId}`
    case 'syncPrice':
      return `amm:${poolId}:sync:${snap.observation.oracle.updatedAt}:${action.priceWad}`
    case 'requestRedemption':
      return `amm:${poolId}:redeem:${snap.redemptionsRequested}`
    case 'returnCapital':
      return `amm:${poolId}:return:${snap.capitalReturns}`
    case 'lockQueue':
    case 'settleQueue': {
      // a queue converts once per settle, so (generation, conversions so far) names one lock and one settle
      const q = snap.observation.shares![action.side]
      return `amm:${poolId}:lcts-${action.kind === 'lockQueue' ? 'lock' : 'settle'}:${action.side}:${q.generationId}:${snap.conversions[action.side]}`
    }
  }
}

function callOf(chain: AmmChain, shares: PoolShares | undefined, action: AmmAction) {
  const queueOf = (side: 'subscribe' | 'redeem') => (side === 'subscribe' ? shares!.subscribeQueue : shares!.redeemQueue)
  switch (action.kind) {
    case 'closeRedemption':
      return chain.closeCall(action.requestId)
    case 'syncPrice':
      return chain.syncCall()
    case 'requestRedemption':
      return chain.redeemCall(action.amount)
    case 'returnCapital':
      return chain.returnCall(action.amount)
    case 'lockQueue':
      return chain.lockCall(queueOf(action.side))
    case 'settleQueue':
      return chain.settleCall(queueOf(action.side), action.capacity)
  }
}

/** Send under `key`, or under `key#n` after earlier attempts reverted; the state of the attempt that counts. */
async function sendOnce(txs: TxJournal, key: string, call: { to: `0x${string}`; data: `0x${string}` }): Promise<TxState | 'exhausted'> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const attemptKey = attempt === 0 ? key : `${key}#${attempt}`
    const known = txs.get(attemptKey)
    if (known && (known.status === 'reverted' || known.status === 'replaced')) continue
    return txs.send(attemptKey, call)
  }
  return 'exhausted'
}

export async function reconcileAmmTick(deps: AmmReconcileDeps): Promise<AmmTickReport> {
  const { chain, txs, log, poolId } = deps
  const report: AmmTickReport = { blockNumber: null, actions: [], alerts: [], reported: false, pending: 0, errors: [] }
  for (const key of await txs.checkReorgs()) log.warn({ key }, 'transaction block no longer canonical; re-resolving')
  const open = (await txs.recover()).filter((s) => s.status === 'pending' || s.status === 'mined')
  if (open.length > 0) {
    report.pending = open.length
    return report
  }
  const statics = await chain.poolStatic()
  const decimals = statics.assetDecimals
  const policy = deps.policy(decimals)
  let alerts: AmmAlert[] = []
  let lastSnap: PoolSnapshot | undefined
  rounds: for (let round = 0; round < MAX_ROUNDS; round++) {
    const snap = await chain.snapshot()
    lastSnap = snap
    const plan = planAmmCycle(snap.observation, policy)
    alerts = plan.alerts
    if (plan.actions.length === 0) break
    for (const action of plan.actions) {
      const key = actionKey(poolId, action, snap)
      const state = await sendOnce(txs, key, callOf(chain, statics.shares, action))
      if (state === 'exhausted') {
        report.errors.push(`${key}: reverted ${MAX_ATTEMPTS} times`)
        log.error({ poolId, key }, 'lpha-amm action keeps reverting; an operator should look')
        break rounds
      }
      report.actions.push(
        `${action.kind}${'side' in action ? ` ${action.side}` : ''}${'amount' in action ? ` ${action.amount}` : ''}${'capacity' in action ? ` ${action.capacity}` : ''}${'requestId' in action ? ` #${action.requestId}` : ''}`,
      )
      log.info({ poolId, key, status: state.status, hash: state.hash }, `lpha-amm ${action.kind}`)
      if (state.status === 'reverted') {
        report.errors.push(`${key}: reverted (${state.hash})`)
        continue
      }
      if (state.status !== 'final') {
        report.pending++
        break rounds
      }
    }
  }
  report.blockNumber = lastSnap?.blockNumber ?? null
  if (lastSnap) await raiseAlerts(deps, alerts, lastSnap, report)
  if (report.pending === 0) report.reported = await writeReport(deps)
  return report
}

async function raiseAlerts(deps: AmmReconcileDeps, alerts: AmmAlert[], snap: PoolSnapshot, report: AmmTickReport): Promise<void> {
  for (const a of alerts) {
    const id = ammAlertId(deps.poolId, a.code, a.subject)
    report.alerts.push(a.code)
    if (await maybeGet(deps.synome, AMM_ALERT, id)) continue
    const level = a.severity === 'critical' ? 'error' : 'warn'
    deps.log[level]({ poolId: deps.poolId, code: a.code, subject: a.subject, ...a.details }, `ALERT ${a.code}: ${a.message}`)
    await deps.synome.send(
      'raiseAmmAlert',
      { poolId: deps.poolId, haloClass: deps.haloClass, code: a.code, subject: a.subject, message: a.message, details: a.details, observedAt: new Date(Number(snap.blockTime) * 1000).toISOString() },
      { idempotencyKey: `amm-alert:${id}` },
    )
  }
}

/** Report the pool as of the last final block, unless the Synome already has those figures. */
async function writeReport(deps: AmmReconcileDeps): Promise<boolean> {
  const { chain, poolId } = deps
  const s = await chain.poolStatic()
  const snap = await chain.snapshot(await chain.finalBlock())
  const o = snap.observation
  const figures = poolReportFigures({ usdsHeld: o.usdsHeld, assetHeld: o.assetHeld, pendingRedemption: o.pendingRedemption, priceWad: o.oracle.priceWad, assetDecimals: s.assetDecimals, trades: snap.trades })
  const usds = (v: bigint) => formatUnitsExact(v, USDS_DECIMALS)
  const asset = (v: bigint) => formatUnitsExact(v, s.assetDecimals)
  const spread = figures.spreadEarned < 0n ? `-${usds(-figures.spreadEarned)}` : usds(figures.spreadEarned)
  const payload = {
    poolId,
    haloClass: deps.haloClass,
    pool: chain.config.pool.toLowerCase(),
    asset: s.asset.toLowerCase(),
    assetDecimals: s.assetDecimals,
    asOfBlock: snap.blockNumber.toString(),
    asOfTime: new Date(Number(snap.blockTime) * 1000).toISOString(),
    usdsHeld: usds(figures.usdsHeld),
    assetHeld: asset(figures.assetHeld),
    pendingRedemption: asset(figures.pendingRedemption),
    openRedemptions: o.openRequests.length,
    priceWad: figures.priceWad.toString(),
    referencePriceWad: o.referencePriceWad.toString(),
    inventoryValue: usds(figures.inventoryValue),
    poolValue: usds(figures.poolValue),
    spreadEarned: spread,
    trades: figures.trades.toString(),
    volumeUsds: usds(figures.volumeUsds),
    paused: o.paused,
  }
  const last = (await maybeGet<PoolReportRecord>(deps.synome, AMM_POOL, poolId))?.data
  if (last && BigInt(last.asOfBlock) >= snap.blockNumber) return false
  const same = last && (['usdsHeld', 'assetHeld', 'pendingRedemption', 'openRedemptions', 'priceWad', 'referencePriceWad', 'trades', 'paused'] as const).every((k) => last[k] === payload[k])
  if (same) return false
  await deps.synome.send('recordAmmPoolReport', payload, { idempotencyKey: `amm-report:${poolId}:${snap.blockNumber}` })
  return true
}
