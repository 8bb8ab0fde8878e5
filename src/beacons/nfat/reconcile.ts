import type { Logger } from 'pino'
import { getAddress, type Address } from 'viem'
import { formatUnitsExact, parseUnitsExact, USDS_DECIMALS } from '../../domain/money.js'
import { isoTimestamp, offboardingRound } from '../../domain/sleeve.js'
import { MAX_UNIT_ID, unitIdOfTokenId } from '../../domain/unitId.js'
import { pipelineTarget, planSleeveSweeps, type PolicySleeve, type SleevePolicyConfig } from '../../domain/sleevePolicy.js'
import type { OffRampBank } from '../../bank/simulator.js'
import type { SynomeClient } from '../../synome/client/index.js'
import type { EntityRecord } from '../../synome/commands/types.js'
import type { AttestationRecord, SleeveRecord, UnitRecord } from '../../synome/records.js'
import { crashPoint } from '../shared/crashPoints.js'
import { chainEventKey } from '../shared/finality.js'
import { listAll } from '../shared/synomeReads.js'
import type { TxJournal } from '../shared/txJournal.js'
import type { NfatChain } from './chain.js'
import type { NfatMetrics } from './metrics.js'
import { attemptKey, nextSleeveAction, type NfatAction, type NfatSleeveObservation } from './policy.js'

/**
 * One lpha-nfat tick for one Halo class: observe chain, Synome, bank ledger and the beacon's
 * own journal; decide with the pure policies; do the next steps. Every write carries a
 * deterministic idempotency key and sleeve writes an expected version, so re-running a tick
 * after a crash replays or refuses instead of doubling anything.
 *
 * Order inside a tick (why): (1) settle in-flight transactions, (2) finish sweeps whose NFAT
 * exists on chain but not in the Synome — this is what makes a crash between claim and
 * record harmless, (3) plan and claim new sweeps only when nothing is in flight, (4) drive each
 * other sleeve through its lifecycle a bounded number of steps.
 */
export type NfatClassConfig = SleevePolicyConfig & {
  /** Deal terms written on each unit (Phase 1: bullet). */
  dealTerms: { apy: string; termDays: number }
  /** Prime ids of depositor addresses (the unit's depositorPrime); unknown ones use the address. */
  primes: Record<string, string>
  offRampDestination: string
  receiptTimeoutSeconds: number
}

export type NfatReconcileDeps = {
  config: NfatClassConfig
  synome: SynomeClient
  chain: NfatChain
  txs: TxJournal
  bank: OffRampBank
  now: () => Promise<Date> | Date
  log: Logger
  metrics: NfatMetrics
}

export type TickReport = { actions: Array<{ sleeveId?: string | undefined; kind: string; reason: string }>; errors: Array<{ sleeveId?: string | undefined; message: string }> }

const MAX_STEPS_PER_SLEEVE = 16

function record(report: TickReport, deps: NfatReconcileDeps, entry: { sleeveId?: string | undefined; kind: string; reason: string }) {
  report.actions.push(entry)
  deps.metrics.decisions.inc({ halo_class: deps.config.haloClass, action: entry.kind })
  deps.log.info({ haloClass: deps.config.haloClass, ...entry }, `lpha-nfat ${entry.kind}`)
}

export async function reconcileTick(deps: NfatReconcileDeps): Promise<TickReport> {
  const report: TickReport = { actions: [], errors: [] }
  const { config, txs } = deps
  await txs.recover()
  const reorged = await txs.checkReorgs()
  for (const key of reorged) deps.log.warn({ key }, 'transaction block no longer canonical; re-resolving')

  const sleeves = (await listAll<SleeveRecord>(deps.synome, { type: 'sleeve', haloClass: config.haloClass })).map((r) => r.data)

  try {
    await completeSweeps(deps, report)
    await planSweeps(deps, report, sleeves)
  } catch (error) {
    report.errors.push({ message: (error as Error).message })
    deps.metrics.errors.inc({ halo_class: config.haloClass, stage: 'sweep' })
    deps.log.error({ err: error }, 'sweep stage failed')
  }

  await deps.bank.tick(await deps.now())
  // Re-read: the sweep stage may have moved a sleeve to OFFBOARDING.
  const current = (await listAll<SleeveRecord>(deps.synome, { type: 'sleeve', haloClass: config.haloClass })).map((r) => r.data)
  for (const sleeve of current) {
    if (sleeve.state === 'CREATED' || sleeve.state === 'FILLING' || sleeve.state === 'CLOSED') continue
    try {
      await driveSleeve(deps, report, sleeve.sleeveId)
    } catch (error) {
      report.errors.push({ sleeveId: sleeve.sleeveId, message: (error as Error).message })
      deps.metrics.errors.inc({ halo_class: config.haloClass, stage: 'lifecycle' })
      deps.log.error({ err: error, sleeveId: sleeve.sleeveId }, 'sleeve step failed')
    }
  }
  deps.metrics.ticks.inc({ halo_class: config.haloClass })
  deps.metrics.sleeves.reset()
  for (const sleeve of await listAll<SleeveRecord>(deps.synome, { type: 'sleeve', haloClass: config.haloClass })) deps.metrics.sleeves.inc({ halo_class: config.haloClass, state: sleeve.data.state })
  return report
}

// ------------------------------------------------------------------ sweeps

/** Claims this beacon made (journal keys `claim:<sleeveId>:...`) by transaction hash, with when they were decided. */
function claimIntents(txs: TxJournal): Map<string, { sleeveId: string; decidedAt: string }> {
  const byHash = new Map<string, { sleeveId: string; decidedAt: string }>()
  for (const state of txs.all()) {
    if (!state.key.startsWith('claim:')) continue
    byHash.set(state.hash.toLowerCase(), { sleeveId: state.key.split(':')[1]!, decidedAt: state.createdAt })
  }
  return byHash
}

/** Every finalized Claimed event that is not yet a Synome unit becomes one — the same tokenId. */
async function completeSweeps(deps: NfatReconcileDeps, report: TickReport): Promise<void> {
  const { synome, chain, config } = deps
  const claimed = await chain.claimed()
  if (claimed.length === 0) return
  // Compared as decimal text: Number() of a tokenId above 2^53 − 1 would name another token.
  const units = new Set((await listAll<UnitRecord>(synome, { type: 'unit', haloClass: config.haloClass })).map((u) => String(u.data.unitId)))
  const intents = claimIntents(deps.txs)
  for (const event of claimed) {
    if (units.has(event.tokenId.toString())) continue
    const intent = intents.get(event.ref.txHash.toLowerCase())
    if (!intent) {
      deps.log.warn({ tokenId: event.tokenId.toString(), txHash: event.ref.txHash }, 'NFAT claimed outside this beacon; not recorded')
      deps.metrics.errors.inc({ halo_class: config.haloClass, stage: 'foreign-claim' })
      continue
    }
    const unitId = unitIdOfTokenId(event.tokenId)
    const { sleeveId } = intent
    const principal = formatUnitsExact(event.amount, USDS_DECIMALS)
    // From the journaled decision time, so a record completed after a crash has the same terms.
    const maturity = isoTimestamp(new Date(Date.parse(intent.decidedAt) + config.dealTerms.termDays * 86_400_000))
    await synome.send(
      'sweepUnit',
      {
        sleeveId,
        unit: {
          unitId,
          nfat: { tokenId: event.tokenId.toString(), facility: chain.config.facility, txHash: event.ref.txHash },
          principal,
          dealTerms: { apy: config.dealTerms.apy, maturity, paymentSchedule: 'bullet' },
          depositorPrime: config.primes[getAddress(event.depositor)] ?? event.depositor.toLowerCase(),
        },
      },
      { idempotencyKey: `sweep:${chainEventKey(event.ref)}` },
    )
    record(report, deps, { sleeveId, kind: 'record-unit', reason: `NFAT #${unitId} (${principal} USDS) minted in block ${event.ref.blockNumber} ${event.ref.blockHash}` })
  }
}

function policySleeve(sleeve: SleeveRecord, config: NfatClassConfig): PolicySleeve {
  const target = typeof sleeve.metadata.targetAmount === 'string' ? parseUnitsExact(sleeve.metadata.targetAmount, USDS_DECIMALS) : pipelineTarget(config.pipeline)
  const filled = sleeve.assets.filter((a) => a.type === 'USDS').reduce((sum, a) => sum + parseUnitsExact(a.amount, USDS_DECIMALS), 0n)
  return { sleeveId: sleeve.sleeveId, state: sleeve.state, targetAmount: target, filledAmount: filled, unitCount: sleeve.linkedUnits.length, createdAt: sleeve.timestamps.created!, fillingStartedAt: sleeve.timestamps.fillingStarted }
}

async function planSweeps(deps: NfatReconcileDeps, report: TickReport, sleeves: SleeveRecord[]): Promise<void> {
  const { config, chain, txs, synome } = deps
  const inFlight = txs.all().filter((s) => s.key.startsWith('claim:') && (s.status === 'pending' || s.status === 'mined'))
  if (inFlight.length > 0) {
    record(report, deps, { kind: 'wait', reason: `claim ${inFlight[0]!.key} awaiting finality` })
    return
  }
  // A claim that is final on chain but not yet a unit (event not deep enough) also blocks planning.
  const units = new Set((await listAll<UnitRecord>(synome, { type: 'unit', haloClass: config.haloClass })).map((u) => String(u.data.unitId)))
  const unrecorded = txs.all().filter((s) => s.key.startsWith('claim:') && s.status === 'final' && !units.has(s.key.split(':')[3]!))
  if (unrecorded.length > 0) {
    record(report, deps, { kind: 'wait', reason: `claim ${unrecorded[0]!.key} not yet recorded as a unit` })
    return
  }
  const now = await deps.now()
  const plan = planSleeveSweeps({ config, queues: await chain.queueBalances(), sleeves: sleeves.map((s) => policySleeve(s, config)), nextTokenId: await chain.nextTokenId(), now })
  for (const decision of plan.decisions.filter((d) => d.action === 'wait')) record(report, deps, { sleeveId: decision.sleeveId, kind: 'wait', reason: decision.reason })
  if (plan.createSleeve) {
    const { sleeveId, targetAmount } = plan.createSleeve
    await synome.send('createSleeve', { sleeveId, haloClass: config.haloClass, metadata: { targetAmount: formatUnitsExact(targetAmount, USDS_DECIMALS), pipeline: config.pipeline.map((d) => ({ name: d.name, amount: formatUnitsExact(d.amount, USDS_DECIMALS) })) } }, { idempotencyKey: `create:${config.haloClass}:${sleeveId}` })
    record(report, deps, { sleeveId, kind: 'create-sleeve', reason: plan.decisions.find((d) => d.action === 'create-sleeve')!.reason })
  }
  for (const sweep of plan.sweeps) {
    // Never claim a deposit into an NFAT the Synome cannot record exactly (throws TOKEN_ID_UNSAFE).
    unitIdOfTokenId(sweep.tokenId)
    if ((await chain.claimCapacity()) < sweep.amount) {
      record(report, deps, { sleeveId: sweep.sleeveId, kind: 'wait', reason: `claim rate limit below ${formatUnitsExact(sweep.amount, USDS_DECIMALS)} USDS` })
      return
    }
    const key = `claim:${sweep.sleeveId}:${sweep.depositor}:${sweep.tokenId}`
    const state = await txs.send(key, chain.claimCall(sweep.depositor as Address, sweep.amount))
    deps.metrics.txs.inc({ halo_class: config.haloClass, action: 'claim' })
    record(report, deps, { sleeveId: sweep.sleeveId, kind: 'claim', reason: `${formatUnitsExact(sweep.amount, USDS_DECIMALS)} USDS from ${sweep.depositor} as NFAT #${sweep.tokenId} (${state.status})` })
    // Claims go one at a time: the next tokenId is only known once this one is mined.
    if (state.status !== 'final') return
    await completeSweeps(deps, report)
  }
  for (const sleeveId of plan.offboard) {
    const sleeve = (await synome.get<SleeveRecord>('sleeve', sleeveId))
    // One key per offboarding round: after an operator revert, round 2 is a new command, not a replay of round 1.
    const round = offboardingRound(sleeve.data) + 1
    await synome.send('transitionSleeve', { sleeveId, to: 'OFFBOARDING' }, { idempotencyKey: `transition:${sleeveId}:OFFBOARDING:r${round}`, expectedVersion: sleeve.version })
    record(report, deps, { sleeveId, kind: 'transition', reason: plan.decisions.find((d) => d.action === 'offboard')!.reason })
  }
}

// ------------------------------------------------------------------ lifecycle

async function observe(deps: NfatReconcileDeps, sleeveRecord: EntityRecord<SleeveRecord>): Promise<NfatSleeveObservation> {
  const { synome, bank, txs, chain, config } = deps
  const sleeve = sleeveRecord.data
  const [attestations, units] = await Promise.all([
    listAll<AttestationRecord>(synome, { type: 'attestation', sleeveId: sleeve.sleeveId }),
    listAll<UnitRecord>(synome, { type: 'unit', sleeveId: sleeve.sleeveId }),
  ])
  const statuses = Object.fromEntries(txs.all().map((s) => [s.key, s.status]))
  // Finish the bookkeeping of off-ramp transfers whose transaction is final (crash-safe: idempotent).
  // Only this offboarding round's transfers: after a revert the sleeve offboards afresh.
  const round = offboardingRound(sleeve)
  const transfers = bank.ledger.transfersFor(sleeve.sleeveId).filter((t) => (t.round ?? 1) === round)
  for (const transfer of transfers) {
    const attempt = attemptKey(statuses, `offramp:${transfer.transferId}`)
    const state = attempt && txs.get(attempt.key)
    if (state?.status === 'final' && transfer.txHash !== state.hash) bank.ledger.markTransferSent(transfer.transferId, state.hash)
  }
  const returns = await Promise.all(
    bank.ledger.returnsFor(sleeve.sleeveId).map(async (r) => {
      const onRamp = bank.ledger.onRamp(r.returnId)
      // Trust the chain, not the message: the USDC must be in the ALMProxy, final.
      const delivered = onRamp ? await chain.usdcDeliveredBy(onRamp.txHash as `0x${string}`) : undefined
      return { returnId: r.returnId, amountUsd: r.amountUsd, confirmedAt: r.confirmedAt, final: r.final, onRampedAt: onRamp && delivered !== undefined && delivered >= r.amountUsd ? onRamp.confirmedAt : undefined }
    }),
  )
  // A tokenId above 2^53 − 1 is never a unit (unitIdOfTokenId refuses it), so it is left out, not rounded.
  const burned = new Set((await chain.redeemed()).filter((e) => e.tokenId <= MAX_UNIT_ID).map((e) => unitIdOfTokenId(e.tokenId)))
  return {
    sleeve: { ...sleeve },
    attestations: attestations.map((a) => a.data),
    units: units.map((u) => ({ unitId: u.data.unitId, state: u.data.state, principal: u.data.principal })),
    transfers: transfers.map((t) => {
      const receipt = bank.ledger.receipt(t.transferId)
      return { transferId: t.transferId, amountUsdc: t.amountUsdc, destination: t.destination, initiatedAt: t.initiatedAt, failed: t.failed !== undefined, receipt: receipt && { amountUsd: receipt.amountUsd, confirmedAt: receipt.confirmedAt } }
    }),
    returns,
    txs: statuses,
    burned,
    offRampCapacityUsdc: await chain.offRampCapacity(),
    config: { offRampDestination: config.offRampDestination, receiptTimeoutSeconds: config.receiptTimeoutSeconds },
    now: await deps.now(),
  }
}

async function driveSleeve(deps: NfatReconcileDeps, report: TickReport, sleeveId: string): Promise<void> {
  for (let step = 0; step < MAX_STEPS_PER_SLEEVE; step++) {
    const sleeveRecord = await deps.synome.get<SleeveRecord>('sleeve', sleeveId)
    const observation = await observe(deps, sleeveRecord)
    const action = nextSleeveAction(observation)
    record(report, deps, { sleeveId, kind: action.kind, reason: action.reason })
    if (action.kind === 'wait') return
    const progressed = await execute(deps, sleeveRecord, observation, action)
    if (!progressed) return
  }
}

/** Perform one action; false when it cannot progress further in this tick (a tx not final yet). */
async function execute(deps: NfatReconcileDeps, sleeveRecord: EntityRecord<SleeveRecord>, obs: NfatSleeveObservation, action: Exclude<NfatAction, { kind: 'wait' }>): Promise<boolean> {
  const { synome, txs, chain, bank, config } = deps
  const sleeveId = sleeveRecord.data.sleeveId
  // Keys carry the sleeve version (and so its offboarding round): a write after a revert is a new write.
  const sleeveWrite = { idempotencyKey: `${action.kind}:${sleeveId}:v${sleeveRecord.version}`, expectedVersion: sleeveRecord.version }
  switch (action.kind) {
    case 'tx': {
      const state = await txs.send(action.key, chain.encode(action.call))
      deps.metrics.txs.inc({ halo_class: config.haloClass, action: action.call.fn })
      if (action.call.fn === 'transferForSleeve' && state.status === 'final') bank.ledger.markTransferSent(action.call.transferId, state.hash)
      return state.status === 'final'
    }
    case 'register-transfer':
      bank.ledger.registerTransfer({ transferId: action.transferId, sleeveId, amountUsdc: action.usdcAmount, destination: action.destination, initiatedAt: isoTimestamp(obs.now), round: offboardingRound(sleeveRecord.data) })
      crashPoint('ledger-write')
      return true
    case 'fail-transfer':
      bank.ledger.markTransferFailed(action.transferId, action.reason, isoTimestamp(obs.now))
      return true
    case 'record-entitlements':
      await synome.send('recordEntitlements', { sleeveId, returned: action.returned, final: false }, sleeveWrite)
      return true
    case 'update-assets':
      await synome.send('updateSleeveAssets', { sleeveId, assets: action.assets }, sleeveWrite)
      return true
    case 'transition':
      await synome.send('transitionSleeve', { sleeveId, to: action.to as 'OFFBOARDING', ...(action.assets ? { assets: action.assets } : {}) }, sleeveWrite)
      return true
    case 'write-risk-data':
      await synome.send('writeRiskData', { sleeveId, riskData: action.riskData }, sleeveWrite)
      return true
    case 'record-periodic':
      await synome.send('recordPeriodicAttestation', { sleeveId, attestationId: action.attestationId, ...(action.riskData ? { riskData: action.riskData } : {}) }, sleeveWrite)
      return true
    case 'flag':
      await synome.send('updateSleeveMetadata', { sleeveId, metadata: { ...sleeveRecord.data.metadata, ...action.metadata } }, sleeveWrite)
      return true
    case 'repayment-available':
      await synome.send('markRepaymentAvailable', { sleeveId, total: action.total }, sleeveWrite)
      return true
    case 'close-unit':
      await synome.send('closeUnit', { unitId: action.unitId }, { idempotencyKey: `close-unit:${action.unitId}` })
      return true
  }
}
