import type { Logger } from 'pino'
import { encodeFunctionData, erc20Abi, keccak256, parseEventLogs, stringToHex, type Address, type Chain, type Hex, type PublicClient, type Transport } from 'viem'
import { controllerAbi, lctsQueueAbi, portfolioHaloClassAbi, rateLimitsAbi } from '../../chain/generated/index.js'
import { readChainBook } from '../../chain/portfolio.js'
import { NotFoundError } from '../../domain/errors.js'
import { epochOf } from '../../domain/lcts/cycle.js'
import { formatUnitsExact } from '../../domain/money.js'
import { navPerShareWad } from '../../domain/portfolio/book.js'
import { decideUnitCapacity, type UnitCapacityDecision, type UnitCapacityInputs } from '../../domain/portfolio/capacity.js'
import { evaluateWarningSignals, type WarningSignalConfig } from '../../domain/portfolio/signals.js'
import { LIMIT, rateLimitKey } from '../../domain/rateLimits.js'
import type { AssetManager } from '../../portfolio/manager/adapter.js'
import type { SynomeClient } from '../../synome/client/index.js'
import { PORTFOLIO_BOOK, PORTFOLIO_NAV_REPORT, PORTFOLIO_SETTLEMENT, type PortfolioBookRecord } from '../../synome/commands/portfolio/records.js'
import { crashPoint } from '../shared/crashPoints.js'
import { RecordJournal } from '../shared/recordJournal.js'
import type { TxJournal } from '../shared/txJournal.js'

/**
 * lpha-lcts for a Portfolio Halo Class (issue 14): one book of a class on one PAU, each day:
 *   1. NAV: the manager's newest report, if newer than the chain's and than the book's last
 *      settlement, is applied on chain (reportNav: the contract runs the tranche waterfall) and
 *      recorded in the Synome (recordPortfolioNavReport, refused unless it equals the model);
 *      the book's assets are the manager's value plus the book's cash in the PAU at the
 *      report's time (PAU cash now less what the manager returned after the report);
 *   2. lock every unit; 3. decide per unit (src/domain/portfolio/capacity.ts: net flow, the
 *      unit's remaining capacity, returned liquidity, PAU limits, warning signals) and journal
 *      the decision; 4.–5. per unit: fund its redemptions PAU → class (rate limited), settle it,
 *      record the settlement with its decision and inputs; 6. send the PAU's remaining cash
 *      to the manager (rate limited) and ask the manager for the liquidity the redemptions
 *      still queued need.
 * Level-triggered and crash-safe: every transaction has a deterministic key per epoch (TxJournal
 * resolves a journaled intent instead of sending twice), decisions are journaled before the
 * first transaction that depends on them, every Synome write has an idempotency key and the
 * Synome refuses a second record of the same settlement or report. Signals: while any is up a
 * unit takes no new subscription capacity, redemptions keep settling, the signal is part of the
 * settlement record, and the tick reports an alert with its stable code.
 */
export type PortfolioUnitConfig = { unitId: string; chainUnitId: bigint; maxNav: bigint | null; warningSignals: WarningSignalConfig }
export type PortfolioCycleConfig = {
  classId: string
  bookId: string
  chainBookId: bigint
  haloClass: Address
  usds: Address
  controller: Address
  rateLimits: Address
  almProxy: Address
  /** The manager's USDS endpoint (keyed LIMIT_ASSET_TRANSFER(usds, endpoint) on the PAU). */
  managerEndpoint: Address
  units: readonly PortfolioUnitConfig[]
  /** Seconds after the decision by which every settle is mined (the price is taken at its end). */
  settleWindowSeconds: number
}

export type PortfolioCycleDeps = {
  config: PortfolioCycleConfig
  publicClient: PublicClient<Transport, Chain>
  synome: SynomeClient
  manager: AssetManager
  txs: TxJournal
  decisions: PortfolioDecisionJournal
  now: () => Promise<Date>
  log: Logger
}

export type PortfolioAlert = { unitId: string; code: string; message: string }
export type PortfolioTickReport = { epoch: string; steps: string[]; alerts: PortfolioAlert[] }

type UnitDecisionLine = { unitId: string; inputs: UnitCapacityInputs; decision: UnitCapacityDecision }
type EpochDecision = { epoch: string; decidedAt: string; units: UnitDecisionLine[] }
type DeployLine = { epoch: string; deploy: string }
type JournalLine = { kind: 'decision'; value: EpochDecision } | { kind: 'deploy'; value: DeployLine }

const revive = (value: unknown): unknown =>
  JSON.parse(JSON.stringify(value), (k, v) => (typeof v === 'string' && /^-?\d+n$/.test(v) ? BigInt(v.slice(0, -1)) : v))
const freeze = (value: unknown): unknown => JSON.parse(JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? `${v}n` : v)))

/**
 * lpha-lcts's Portfolio decisions and deploy amounts, durable before the transactions that use
 * them: a file (a path) for one instance, or the runtime's record journal (the Synome's shared
 * journal under HA, src/beacons/shared/recordJournal.ts).
 */
export class PortfolioDecisionJournal {
  static parse = (raw: unknown): JournalLine => raw as JournalLine
  readonly #journal: RecordJournal<JournalLine>
  constructor(where: string | RecordJournal<JournalLine>) {
    this.#journal = typeof where === 'string' ? new RecordJournal({ path: where, parse: PortfolioDecisionJournal.parse }) : where
  }
  decision(epoch: string): EpochDecision | undefined {
    const line = this.#journal.records.find((r) => r.kind === 'decision' && r.value.epoch === epoch)
    return line && (revive(line.value) as EpochDecision)
  }
  latestDecision(before: string): EpochDecision | undefined {
    const line = this.#journal.records.filter((r) => r.kind === 'decision' && r.value.epoch < before).at(-1)
    return line && (revive(line.value) as EpochDecision)
  }
  deploy(epoch: string): bigint | undefined {
    const line = this.#journal.records.find((r) => r.kind === 'deploy' && r.value.epoch === epoch)
    return line ? BigInt((line.value as DeployLine).deploy) : undefined
  }
  appendDecision(value: EpochDecision): Promise<void> {
    return this.#journal.append(freeze({ kind: 'decision', value }))
  }
  appendDeploy(epoch: string, amount: bigint): Promise<void> {
    return this.#journal.append({ kind: 'deploy', value: { epoch, deploy: amount.toString() } })
  }
  close(): void {
    this.#journal.close()
  }
}

const text = (value: bigint) => formatUnitsExact(value, 18)
/** The Synome takes idempotency keys of at most 200 characters; a factory book's id (`<haloClass>:<salt>`) makes longer ones: those are hashed (deterministic, so a restart sends the same key). */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 200
export const synomeKey = (prefix: string, id: string): string => {
  const key = `${prefix}:${id}`
  return key.length <= MAX_IDEMPOTENCY_KEY_LENGTH ? key : `${prefix}:${keccak256(stringToHex(id))}`
}
const iso = (seconds: bigint) => new Date(Number(seconds) * 1000).toISOString()

async function maybeGet<T>(synome: SynomeClient, type: string, id: string): Promise<T | undefined> {
  try {
    return (await synome.get<T>(type, id)).data
  } catch (error) {
    if (error instanceof NotFoundError || (error as { code?: string }).code === 'NOT_FOUND') return undefined
    throw error
  }
}

async function sendFinal(deps: PortfolioCycleDeps, key: string, to: Address, data: Hex) {
  const state = await deps.txs.send(key, { to, data })
  if (state.status === 'reverted') throw new Error(`${key} reverted (${state.hash})`)
  return state.status === 'final' ? state : undefined
}

const balance = (deps: PortfolioCycleDeps, who: Address) => deps.publicClient.readContract({ address: deps.config.usds, abi: erc20Abi, functionName: 'balanceOf', args: [who] })
const limit = (deps: PortfolioCycleDeps, destination: Address) =>
  deps.publicClient.readContract({ address: deps.config.rateLimits, abi: rateLimitsAbi, functionName: 'getCurrentRateLimit', args: [rateLimitKey(LIMIT.ASSET_TRANSFER, deps.config.usds, destination)] })
const queueRead = (deps: PortfolioCycleDeps, queue: Address, functionName: 'status' | 'totalUnderlying') =>
  deps.publicClient.readContract({ address: queue, abi: lctsQueueAbi, functionName }) as Promise<number | bigint>

/** One tick. Returns after the epoch is done, or at the first transaction not final yet. */
export async function portfolioCycleTick(deps: PortfolioCycleDeps): Promise<PortfolioTickReport> {
  const { config, synome, manager, log } = deps
  const now = await deps.now()
  const epoch = epochOf(now)
  const report: PortfolioTickReport = { epoch, steps: [], alerts: [] }
  await deps.txs.recover()
  await manager.tick(now)

  // 1. NAV
  const reports = manager.navReports(config.bookId)
  const latest = reports.at(-1)
  const chainBook = await readChainBook(deps.publicClient, config.haloClass, config.chainBookId)
  const lastDecision = deps.decisions.latestDecision('9999-12-31')
  // a report older than the last settlement would drop that settlement's flows: wait for a newer one
  const lastSettledMs = lastDecision ? Date.parse(lastDecision.decidedAt) + config.settleWindowSeconds * 1000 : 0
  if (latest && Date.parse(latest.reportedAt) > chainBook.lastReportMs && Date.parse(latest.reportedAt) > lastSettledMs) {
    const reportedAtSeconds = BigInt(Date.parse(latest.reportedAt) / 1000)
    const returnedAfter = manager.returnedRedemptions(config.bookId).filter((r) => Date.parse(r.returnedAt) > Date.parse(latest.reportedAt)).reduce((s, r) => s + r.amount, 0n)
    const key = `nav:${config.bookId}:${latest.reportId}`
    let assets: bigint
    const journaled = deps.txs.get(key)
    if (journaled) assets = 0n // the intent carries the amount; it is resolved, not recomputed
    else assets = latest.assets + (await balance(deps, config.almProxy)) + (await balance(deps, config.haloClass)) - returnedAfter
    const data = encodeFunctionData({ abi: portfolioHaloClassAbi, functionName: 'reportNav', args: [config.chainBookId, assets, reportedAtSeconds] })
    const state = await sendFinal(deps, key, config.haloClass, data)
    if (!state) return report
    report.steps.push(`nav ${latest.reportId}`)
  }
  await recordNavReports(deps)

  // signals are level-triggered: evaluated from the facts now, for the whole epoch
  const book = await readChainBook(deps.publicClient, config.haloClass, config.chainBookId)
  const previousDecision = deps.decisions.latestDecision(epoch)
  const settlementId = (u: PortfolioUnitConfig) => `${config.bookId}:${u.unitId}:${epoch}`
  const recorded = await Promise.all(config.units.map((u) => maybeGet(synome, PORTFOLIO_SETTLEMENT, settlementId(u))))
  if (recorded.every((r) => r !== undefined)) {
    report.steps.push('epoch recorded')
    await deployAndRequest(deps, epoch, report)
    return report
  }

  // 2. lock
  if (!deps.decisions.decision(epoch)) {
    for (const u of config.units) {
      const state = await sendFinal(deps, `lock:${u.unitId}:${epoch}`, config.haloClass, encodeFunctionData({ abi: portfolioHaloClassAbi, functionName: 'lockUnit', args: [u.chainUnitId] }))
      if (!state) return report
    }
    report.steps.push('locked')
    // 3. decide
    const settleBy = new Date(now.getTime() + config.settleWindowSeconds * 1000)
    const returnedLiquidity = (await balance(deps, config.almProxy)) + (await balance(deps, config.haloClass))
    let liquidityLeft = returnedLiquidity
    let deployLeft = await limit(deps, config.managerEndpoint)
    let fundLeft = await limit(deps, config.haloClass)
    const lines: UnitDecisionLine[] = []
    for (const u of config.units) {
      const position = book.units.find((p) => p.unitId === String(u.chainUnitId))!
      const chainUnit = await deps.publicClient.readContract({ address: config.haloClass, abi: portfolioHaloClassAbi, functionName: 'unitOf', args: [u.chainUnitId] })
      const locked = async (queue: Address) => ((await queueRead(deps, queue, 'status')) === 2 ? BigInt(await queueRead(deps, queue, 'totalUnderlying')) : 0n)
      const price = navPerShareWad(book, position.unitId, settleBy)
      const previous = previousDecision?.units.find((x) => x.unitId === u.unitId)
      const signals = evaluateWarningSignals(u.warningSignals, {
        now,
        latest: { navPerShareWad: navPerShareWad(book, position.unitId, now), reportedAt: new Date(book.lastReportMs) },
        previous: previous ? { navPerShareWad: previous.inputs.navPerShareWad, reportedAt: new Date(previousDecision!.decidedAt) } : null,
        openedAt: new Date(book.lastReportMs),
        pendingRedemptions: manager.pendingRedemptions(config.bookId).map((r) => ({ redemptionId: r.redemptionId, requestedAt: new Date(r.requestedAt) })),
      })
      const inputs: UnitCapacityInputs = {
        subscribeQueued: await locked(chainUnit.subscribeQueue),
        redeemQueuedShares: await locked(chainUnit.redeemQueue),
        navPerShareWad: price,
        unitNav: position.nav,
        maxNav: u.maxNav,
        returnedLiquidity: liquidityLeft,
        deployLimit: deployLeft,
        fundLimit: fundLeft,
      }
      const decision = decideUnitCapacity(inputs, signals)
      liquidityLeft -= decision.fundAmount
      fundLeft -= decision.fundAmount
      deployLeft -= decision.newSubscription
      lines.push({ unitId: u.unitId, inputs, decision })
    }
    await deps.decisions.appendDecision({ epoch, decidedAt: now.toISOString(), units: lines })
    crashPoint('ledger-write')
    report.steps.push('decided')
  }
  const decided = deps.decisions.decision(epoch)!
  for (const line of decided.units) {
    for (const signal of line.decision.signals) {
      report.alerts.push({ unitId: line.unitId, code: signal.code, message: signal.message })
      log.warn({ alert: signal.code, unitId: line.unitId, epoch }, `lpha-lcts portfolio alert ${signal.code}: ${signal.message}`)
    }
  }

  // 5. fund, settle and record, unit by unit
  for (const [i, u] of config.units.entries()) {
    if (recorded[i]) continue
    const line = decided.units.find((l) => l.unitId === u.unitId)!
    // 4. fund this unit's redemptions beyond the netted value (each settlement returns the class's USDS to the PAU)
    if (line.decision.fundAmount > 0n) {
      const fund = encodeFunctionData({ abi: controllerAbi, functionName: 'transferAsset', args: [config.usds, config.haloClass, line.decision.fundAmount] })
      if (!(await sendFinal(deps, `fund:${u.unitId}:${epoch}`, config.controller, fund))) return report
    }
    const data = encodeFunctionData({ abi: portfolioHaloClassAbi, functionName: 'settleUnit', args: [u.chainUnitId, line.decision.subscribeCapacity, line.decision.redeemCapacity] })
    const state = await sendFinal(deps, `settle:${u.unitId}:${epoch}`, config.haloClass, data)
    if (!state) return report
    const receipt = await deps.publicClient.getTransactionReceipt({ hash: state.hash })
    const [event] = parseEventLogs({ abi: portfolioHaloClassAbi, eventName: 'UnitSettled', logs: receipt.logs })
    const block = await deps.publicClient.getBlock({ blockNumber: receipt.blockNumber })
    const d = line.decision
    const inputs = line.inputs
    await synome.send(
      'recordPortfolioSettlement',
      {
        bookId: config.bookId, unitId: u.unitId, epoch, settledAt: iso(block.timestamp), subscribed: text(event!.args.subscribed), redeemedShares: text(event!.args.redeemedShares),
        decision: {
          decidedAt: decided.decidedAt, subscribeQueued: text(inputs.subscribeQueued), redeemQueuedShares: text(inputs.redeemQueuedShares), navPerShareWad: inputs.navPerShareWad.toString(),
          unitNav: text(inputs.unitNav), maxNav: inputs.maxNav === null ? null : text(inputs.maxNav), returnedLiquidity: text(inputs.returnedLiquidity), deployLimit: text(inputs.deployLimit), fundLimit: text(inputs.fundLimit),
          matchedValue: text(d.matchedValue), newSubscription: text(d.newSubscription), subscribeCapacity: text(d.subscribeCapacity), redeemCapacity: text(d.redeemCapacity), fundAmount: text(d.fundAmount),
          halted: d.halted, signals: d.signals.map((s) => ({ code: s.code, message: s.message })),
        },
      },
      { idempotencyKey: synomeKey('portfolio-settlement', settlementId(u)) },
    )
    report.steps.push(`settled ${u.unitId}`)
  }
  await deployAndRequest(deps, epoch, report)
  return report
}

/** Every applied on-chain NAV report of the book that the Synome has not recorded yet. */
async function recordNavReports(deps: PortfolioCycleDeps): Promise<void> {
  const { config, synome, manager } = deps
  for (const r of manager.navReports(config.bookId).slice(-3)) {
    const state = deps.txs.get(`nav:${config.bookId}:${r.reportId}`)
    if (!state || state.status !== 'final') continue
    const reportId = r.reportId.replaceAll(':', '-')
    if (await maybeGet(synome, PORTFOLIO_NAV_REPORT, `${config.bookId}:${reportId}`)) continue
    const receipt = await deps.publicClient.getTransactionReceipt({ hash: state.hash })
    const [nav] = parseEventLogs({ abi: portfolioHaloClassAbi, eventName: 'NavReported', logs: receipt.logs })
    const changes = parseEventLogs({ abi: portfolioHaloClassAbi, eventName: 'UnitNavChanged', logs: receipt.logs })
    const record = await synome.get<PortfolioBookRecord>(PORTFOLIO_BOOK, config.bookId)
    await synome.send(
      'recordPortfolioNavReport',
      {
        bookId: config.bookId, reportId, reportedAssets: text(nav!.args.reportedAssets), reportedAt: iso(nav!.args.reportedAt),
        units: record.data.units.map((u) => ({ unitId: u.unitId, nav: text(changes.find((c) => String(c.args.unitId) === String(config.units.find((x) => x.unitId === u.unitId)!.chainUnitId))!.args.navAfter) })),
      },
      { idempotencyKey: synomeKey('portfolio-nav', `${config.bookId}:${r.reportId}`) },
    )
  }
}

/** 6. The PAU's cash to the manager (journaled amount), then ask for what queued redemptions need. */
async function deployAndRequest(deps: PortfolioCycleDeps, epoch: string, report: PortfolioTickReport): Promise<void> {
  const { config, manager } = deps
  let amount = deps.decisions.deploy(epoch)
  if (amount === undefined) {
    const cash = await balance(deps, config.almProxy)
    const allowed = await limit(deps, config.managerEndpoint)
    amount = cash < allowed ? cash : allowed
    await deps.decisions.appendDeploy(epoch, amount)
  }
  if (amount > 0n) {
    const data = encodeFunctionData({ abi: controllerAbi, functionName: 'transferAsset', args: [config.usds, config.managerEndpoint, amount] })
    if (!(await sendFinal(deps, `deploy:${config.bookId}:${epoch}`, config.controller, data))) return
    await manager.subscribe({ subscriptionId: `${config.bookId}:${epoch}`, bookId: config.bookId, amount, at: await deps.now() })
    report.steps.push('deployed')
  }
  const book = await readChainBook(deps.publicClient, config.haloClass, config.chainBookId)
  const now = await deps.now()
  let queuedValue = 0n
  for (const u of config.units) {
    const chainUnit = await deps.publicClient.readContract({ address: config.haloClass, abi: portfolioHaloClassAbi, functionName: 'unitOf', args: [u.chainUnitId] })
    const shares = BigInt(await queueRead(deps, chainUnit.redeemQueue, 'totalUnderlying'))
    queuedValue += (shares * navPerShareWad(book, String(u.chainUnitId), now)) / 10n ** 18n
  }
  const pending = manager.pendingRedemptions(config.bookId).reduce((s, r) => s + r.amount, 0n)
  const cash = await balance(deps, config.almProxy)
  const need = queuedValue - pending - cash
  // one request per epoch: a later tick of the same epoch (a restart) sees a price accrued a little further, not a new need
  const redemptionId = `${config.bookId}:${epoch}`
  const asked = [...manager.pendingRedemptions(config.bookId), ...manager.returnedRedemptions(config.bookId)].some((r) => r.redemptionId === redemptionId)
  if (need > 0n && !asked) {
    await manager.requestRedemption({ redemptionId, bookId: config.bookId, amount: need, at: now })
    report.steps.push('redemption requested')
  }
}
