/**
 * Run a scenario on a fresh Term Halo: the REAL lpha-council, lpha-nfat, lpha-attest (rule
 * mode) and lpla-verify code does the work; this runner only plays the Primes (deposits,
 * redemptions), the bank (returns from deployment), the Halo's GovOps (the write-down of a
 * unit's shortfall after a final recovery at a loss, before its holder redeems) and the clock
 * (chain time, which the Synome and the beacons follow).
 *
 * Clock: scenario time = start + (chain time − chain time at scenario day 0). Each scenario day
 * runs at 09:00 (Primes, bank), 10:00 (lpha-nfat), 10:15 (lpha-attest), 10:30 (lpha-nfat
 * again) and then lpla-verify computes CRR. A quiet day (every sleeve DEPLOYING, AT_REST or
 * CLOSED, no Prime or bank event) only runs the attestor and verify, which cannot miss
 * anything: lpha-nfat has nothing to do in those states until an attestation appears, and
 * then it runs.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import { encodeFunctionData, getAddress, parseEventLogs, type Address, type Hex, type TransactionReceipt } from 'viem'
import { mnemonicToAccount, type HDAccount } from 'viem/accounts'
import { attestTick } from '../beacons/attest/reconcile.js'
import { createAttestationRegistry } from '../chain/attestation.js'
import { publishRiskFramework } from '../beacons/council/index.js'
import { createNfatChain } from '../beacons/nfat/chain.js'
import { createNfatMetrics } from '../beacons/nfat/metrics.js'
import { reconcileTick, type NfatClassConfig } from '../beacons/nfat/reconcile.js'
import { TxJournal } from '../beacons/shared/txJournal.js'
import { diffAlerts } from '../beacons/verify/policy.js'
import { runVerify } from '../beacons/verify/reconcile.js'
import { synomeReader } from '../beacons/verify/synomeReader.js'
import { BankLedger } from '../bank/ledger.js'
import { createDevnetBank } from '../bank/simulator.js'
import { ANVIL_MNEMONIC, DEVNET_ACCOUNT_NAMES, startAnvil, writeAndWait, type Anvil, type DevnetAccounts, type DevnetClients } from '../chain/devnet.js'
import { nfatFacilityAbi, usdcAbi, usdsAbi } from '../chain/generated/index.js'
import { BaseError } from '../domain/errors.js'
import { formatUnitsExact, mulDiv, parseUnitsExact, USD_DECIMALS, USDS_DECIMALS, WAD } from '../domain/money.js'
import type { Alert } from '../domain/risk/alerts.js'
import { riskReportToJson } from '../domain/risk/report.js'
import { isoTimestamp } from '../domain/sleeve.js'
import { createInProcessClient } from '../synome/client/index.js'
import { createSynome } from '../synome/create.js'
import { FACTORY_COMMANDS } from '../synome/commands/factory/index.js'
import { ingestFactoryEvents } from '../factory/ingest.js'
import type { SynomeEvent } from '../synome/log/hash.js'
import type { SleeveRecord, UnitRecord } from '../synome/records.js'
import { meteredDevnetClients, RpcWaitMeter } from './chainClients.js'
import { DEVNET_TIMELOCK_NOTE, deployTermHaloByFactory, type TermHaloDeployment } from './termHalo.js'
import { writeDownShortfalls } from './govOpsWriteDowns.js'
import { DEVNET_FRAMEWORK, DEVNET_FRAMEWORK_VERSION, devnetAttestRules } from './riskFramework.js'
import type { Scenario } from './scenario.js'

const DAY = 86_400

/** A scenario step failed for real (a beacon tick reported errors, a chain call reverted): the run stops there. */
export class ScenarioRunError extends BaseError {
  override name = 'ScenarioRunError'
  override readonly code: string = 'SCENARIO_RUN_FAILED'
}
const MAX_UINT256 = (1n << 256n) - 1n
/** HD index offset of the demo's accounts: far from a running `halo up` stack's, so nonces never collide. */
export const DEMO_ACCOUNT_OFFSET = 40

export type TimelineEntry =
  | { at: string; day: number; kind: 'synome'; position: number; actor: string; command: string; entity: string; summary: string; payload: unknown }
  | { at: string; day: number; kind: 'tx'; actor: string; action: string; txHash: Hex; summary: string }
  | { at: string; day: number; kind: 'bank'; summary: string; amountUsd: string }
  | { at: string; day: number; kind: 'alert'; change: 'raised' | 'resolved'; code: string; severity: string; entity: string; summary: string }

export type CrrPoint = { at: string; day: number; state: string; crr: string; requiredCapitalUsd: string; valueUsd: string }

export type ScenarioOutcome = {
  scenario: string
  startedAt: string
  chain: { rpcUrl: string; facility: Address; almProxy: Address; configurator: Address; timelockDelaySeconds: string; timelockDelayNote: string }
  timeline: TimelineEntry[]
  sleeves: Array<{ sleeveId: string; state: string; linkedUnits: number[]; attestations: string[]; assets: unknown[]; timestamps: Record<string, string | undefined>; returnedUsd: string }>
  units: Array<{ unitId: number; sleeveId: string; prime: string; state: string; principal: string; repaymentAmount: string | null; redeemed: { paid: string; txHash: Hex; at: string } | null }>
  repayments: Array<{ unitId: number; prime: string; principal: string; paid: string }>
  crr: Record<string, CrrPoint[]>
  alerts: Array<{ raisedAt: string; resolvedAt: string | null; code: string; severity: string; entity: string; message: string }>
  synomeLogVerified: boolean
  timing: { wallMs: number; chainWaitMs: number; rpcRequests: number }
}

export type RunScenarioParameters = {
  scenario: Scenario
  /** An anvil-compatible node to use (the scenario deploys its own Term Halo there); else a fresh anvil. */
  rpcUrl?: string | undefined
  onEntry?: ((entry: TimelineEntry) => void) | undefined
  onProgress?: ((message: string) => void) | undefined
}

export function roleAccounts(offset: number): DevnetAccounts {
  return Object.fromEntries(DEVNET_ACCOUNT_NAMES.map((name, i) => [name, mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: offset + i })])) as DevnetAccounts
}

export async function runScenario({ scenario, rpcUrl, onEntry = () => {}, onProgress = () => {} }: RunScenarioParameters): Promise<ScenarioOutcome> {
  const started = performance.now()
  const meter = new RpcWaitMeter()
  const dir = mkdtempSync(join(tmpdir(), 'halo-demo-'))
  let anvil: Anvil | undefined
  const closers: Array<() => unknown> = []
  try {
    if (!rpcUrl) {
      onProgress('starting anvil')
      anvil = await startAnvil()
    }
    const url = rpcUrl ?? anvil!.rpcUrl
    const clients = meteredDevnetClients(url, meter)
    const run = await setUp({ scenario, clients, dir, onProgress, closers })
    onProgress(`running ${scenario.days} scenario days`)
    const outcome = await playDays({ scenario, run, onEntry })
    return {
      scenario: scenario.name,
      startedAt: scenario.start,
      chain: {
        rpcUrl: url,
        facility: run.deployment.facility,
        almProxy: run.deployment.almProxy,
        configurator: run.deployment.configuratorUnit.configurator,
        timelockDelaySeconds: run.deployment.timelockDelaySeconds.toString(),
        timelockDelayNote: DEVNET_TIMELOCK_NOTE,
      },
      ...outcome,
      synomeLogVerified: (await run.synome.verifyLog()).ok,
      timing: { wallMs: Math.round(performance.now() - started), chainWaitMs: Math.round(meter.busyMs), rpcRequests: meter.requests },
    }
  } finally {
    for (const close of closers.reverse()) await close()
    await anvil?.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}

type Run = Awaited<ReturnType<typeof setUp>>

async function setUp({ scenario, clients, dir, onProgress, closers }: { scenario: Scenario; clients: DevnetClients; dir: string; onProgress: (m: string) => void; closers: Array<() => unknown> }) {
  const accounts = roleAccounts(DEMO_ACCOUNT_OFFSET)
  const haloBank = mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: DEMO_ACCOUNT_OFFSET + 19 })
  const primes = new Map<string, HDAccount>(scenario.primes.map((p, i) => [p.name, mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: DEMO_ACCOUNT_OFFSET + 20 + i })]))
  try {
    for (const account of [...Object.values(accounts), ...primes.values()]) await clients.testClient.setBalance({ address: account.address, value: 10n ** 21n })
  } catch (cause) {
    // The demo funds its accounts and moves chain time: only a devnet node allows either.
    throw new ScenarioRunError('the demo needs an anvil-compatible devnet (anvil_setBalance, evm_mine)', { cause: cause as Error, details: (cause as Error).message.split('\n')[0] })
  }

  const deployment = await deployTermHaloByFactory(clients, { accounts, offRamp: haloBank.address, firstTokenId: 42n, onProgress })
  for (const prime of primes.values()) await writeAndWait(clients, prime, { address: deployment.usds, abi: usdsAbi, functionName: 'approve', args: [deployment.facility, MAX_UINT256] })

  // Scenario day 0 10:00 lies one day after setup, so setup blocks never overtake it.
  const startMs = Date.parse(scenario.start)
  const chainStart = (await clients.publicClient.getBlock()).timestamp + BigInt(DAY)
  let current = new Date(startMs - DAY * 1000)
  const clock = () => current
  const moveTo = async (day: number, minutes: number) => {
    const next = chainStart + BigInt(day * DAY + minutes * 60)
    await clients.testClient.setNextBlockTimestamp({ timestamp: next })
    await clients.testClient.mine({ blocks: 1 })
    current = new Date(startMs + (day * DAY + minutes * 60) * 1000)
  }

  onProgress('Synome-MVP (in-process, PGlite in memory)')
  const { relayer, attestor, council, deployer } = accounts
  const synome = await createSynome({
    dataDir: null,
    clock,
    commands: [...FACTORY_COMMANDS],
    roles: [
      { address: relayer.address, role: 'nfat', haloClasses: [scenario.haloClass] },
      { address: attestor.address, role: 'attest', haloClasses: [scenario.haloClass] },
      { address: council.address, role: 'council', haloClasses: [] },
    ],
  })
  closers.push(() => synome.close())
  const councilClient = createInProcessClient({ service: synome, account: council, clock })
  onProgress('lpha-council ingests the factory\'s metadata events into the Synome')
  await ingestFactoryEvents({ publicClient: clients.publicClient, synome: councilClient, factory: deployment.factory.factory, fromBlock: deployment.fromBlock, finalityDepth: 0 })
  await councilClient.send('registerHaloClass', { haloClass: scenario.haloClass, facility: deployment.facility, description: `Term Halo: ${scenario.name}` })
  onProgress(`lpha-council publishes risk framework ${DEVNET_FRAMEWORK_VERSION}`)
  await publishRiskFramework({ client: councilClient, version: DEVNET_FRAMEWORK_VERSION, document: DEVNET_FRAMEWORK })

  const chain = createNfatChain(clients.publicClient, {
    facility: deployment.facility,
    controller: deployment.pau.controller,
    rateLimits: deployment.pau.rateLimits,
    almProxy: deployment.almProxy,
    usdc: deployment.usdc,
    offRamp: haloBank.address,
    fromBlock: deployment.fromBlock,
    finalityDepth: 0,
  })
  const txs = new TxJournal({ path: join(dir, 'nfat-txs.jsonl'), account: relayer, publicClient: clients.publicClient, finalityDepth: 0 })
  const ledger = new BankLedger(join(dir, 'bank.jsonl'))
  const bankTxs = new TxJournal({ path: join(dir, 'bank-txs.jsonl'), account: deployer, publicClient: clients.publicClient, finalityDepth: 0 })
  // lpha-attest's own key records PRE_DEPLOYMENT on the deployment's attestation registry.
  const attestTxs = new TxJournal({ path: join(dir, 'attest-txs.jsonl'), account: attestor, publicClient: clients.publicClient, finalityDepth: 0 })
  const attestOnChain = { registry: createAttestationRegistry(clients.publicClient, deployment.attestationRegistry), txs: attestTxs }
  closers.push(() => txs.close(), () => ledger.close(), () => bankTxs.close(), () => attestTxs.close())
  const bank = createDevnetBank({
    ledger,
    receiptDelaySeconds: scenario.bank.receiptDelayHours * 3600,
    onRamp: async ({ returnId, amountUsdc }) => {
      const state = await bankTxs.send(`onramp:${returnId}`, { to: deployment.usdc, data: encodeFunctionData({ abi: usdcAbi, functionName: 'mint', args: [deployment.almProxy, amountUsdc] }) })
      return { txHash: state.hash }
    },
  })
  const primeNames = Object.fromEntries([...primes].map(([name, account]) => [getAddress(account.address), name]))
  const config: NfatClassConfig = {
    haloClass: scenario.haloClass,
    sleeveIdPrefix: 'sleeve-',
    firstSleeveNumber: 7,
    pipeline: scenario.pipeline.map((d) => ({ name: d.name, amount: parseUnitsExact(d.amount, USDS_DECIMALS) })),
    minUnits: scenario.sleevePolicy.minUnits,
    maxFillWaitSeconds: scenario.sleevePolicy.maxWaitDays * DAY,
    minUnitAmount: parseUnitsExact(scenario.sleevePolicy.minUnitAmount, USDS_DECIMALS),
    splitDepositorQueue: scenario.sleevePolicy.splitDepositorQueue,
    maxUnitShareBps: scenario.sleevePolicy.maxUnitShareBps,
    dealTerms: scenario.dealTerms,
    primes: primeNames,
    offRampDestination: 'halo-bank-account-ref',
    receiptTimeoutSeconds: 3 * DAY,
  }
  const log = pino({ level: process.env.LOG_LEVEL ?? 'silent' })
  const metrics = createNfatMetrics()
  const nfatSynome = createInProcessClient({ service: synome, account: relayer, clock })
  const attestSynome = createInProcessClient({ service: synome, account: attestor, clock })
  const reader = synomeReader(createInProcessClient({ service: synome, clock }))
  const rules = devnetAttestRules(scenario.attestation)
  return {
    clients,
    deployment,
    accounts,
    primes,
    synome,
    bank,
    txs,
    bankTxs,
    clock,
    moveTo,
    nfatTick: async () => {
      const report = await reconcileTick({ config, synome: nfatSynome, chain, txs, bank, now: clock, log, metrics })
      if (report.errors.length > 0) throw new ScenarioRunError('lpha-nfat tick failed', { details: JSON.stringify(report.errors), meta: { at: isoTimestamp(clock()) } })
      return report
    },
    attestTick: () => attestTick({ synome: attestSynome, identity: { haloClass: scenario.haloClass, idPrefix: 'att-', firstNumber: 101 }, rules, now: clock(), log, onChain: attestOnChain }),
    verify: () => runVerify({ reader, chain: undefined, sources: { clients: {} }, now: clock(), primeAddresses: Object.fromEntries([...primes].map(([n, a]) => [n, a.address])) }),
  }
}

type DayContext = { scenario: Scenario; run: Run; onEntry: (entry: TimelineEntry) => void }

async function playDays({ scenario, run, onEntry }: DayContext) {
  const timeline: TimelineEntry[] = []
  const emit = (entry: TimelineEntry) => {
    timeline.push(entry)
    onEntry(entry)
  }
  let eventCursor = 0
  let day = 0
  const iso = () => isoTimestamp(run.clock())
  const drainSynome = async () => {
    // Bounded: at most 100 pages of 1000 events per step.
    for (let page = 0; page < 100; page++) {
      const { events, next } = await run.synome.events({ after: eventCursor, limit: 1000 })
      for (const event of events) emit(synomeEntry(event, day))
      eventCursor = next
      if (events.length < 1000) return
    }
  }
  await drainSynome()
  const seenTxs = new Set<string>()
  const drainBeaconTxs = () => {
    for (const state of [...run.txs.all(), ...run.bankTxs.all()]) {
      if (seenTxs.has(state.key) || (state.status !== 'final' && state.status !== 'mined')) continue
      seenTxs.add(state.key)
      const actor = state.key.startsWith('onramp:') ? 'bank' : 'lpha-nfat'
      emit({ at: iso(), day, kind: 'tx', actor, action: state.key.split(':')[0]!, txHash: state.hash, summary: `${actor} ${state.key}` })
    }
  }

  const crr: Record<string, CrrPoint[]> = {}
  const alerts: ScenarioOutcome['alerts'] = []
  let active = new Map<string, Alert>()
  const redeemed = new Map<number, { paid: string; txHash: Hex; at: string }>()
  const returned = new Map<string, bigint>()

  for (day = 0; day < scenario.days; day++) {
    // 09:00: Primes and the bank (the chain only moves there when one of them acts today).
    let primeEvents = 0
    let bankEvents = 0
    if (await primeOrBankDue(scenario, run, day, redeemed)) {
      await run.moveTo(day, -60)
      await playGovOps(run, day, emit, redeemed)
      primeEvents = await playPrimes(scenario, run, day, emit, redeemed)
      bankEvents = await playBank(scenario, run, day, emit, returned)
    }
    const sleeves = (await run.synome.list<SleeveRecord>({ type: 'sleeve', limit: 1000 })).items.map((i) => i.data)
    const busy = primeEvents + bankEvents > 0 || sleeves.some((s) => !['DEPLOYING', 'AT_REST', 'CLOSED'].includes(s.state)) || day === 0
    if (busy) {
      await run.moveTo(day, 0)
      await run.nfatTick()
      drainBeaconTxs()
      await drainSynome()
    }
    await run.moveTo(day, 15)
    const missed = scenario.attestation.missed.some((m) => day >= m.fromDay && day <= m.toDay)
    const posted = missed ? [] : (await run.attestTick()).filter((r) => r.type)
    await drainSynome()
    if (busy || posted.length > 0) {
      await run.moveTo(day, 30)
      await run.nfatTick()
      drainBeaconTxs()
      await drainSynome()
    }
    // lpla-verify: CRR per sleeve (a point when it changes, and weekly) and alert changes.
    const verified = await run.verify()
    if (verified.ok) {
      const report = riskReportToJson(verified.report)
      for (const s of report.sleeves) {
        const series = (crr[s.sleeveId] ??= [])
        const last = series.at(-1)
        if (!last || last.crr !== s.crr || last.state !== s.state || last.requiredCapitalUsd !== s.requiredCapitalUsd || day - last.day >= 7) {
          series.push({ at: iso(), day, state: s.state, crr: s.crr, requiredCapitalUsd: s.requiredCapitalUsd, valueUsd: s.valueUsd })
        }
      }
    }
    const current = verified.ok ? verified.report.alerts : verified.alerts
    const diff = diffAlerts(active, current)
    active = diff.active
    for (const a of diff.raised) {
      alerts.push({ raisedAt: iso(), resolvedAt: null, code: a.code, severity: a.severity, entity: `${a.entity.type}:${a.entity.id}`, message: a.message })
      emit({ at: iso(), day, kind: 'alert', change: 'raised', code: a.code, severity: a.severity, entity: `${a.entity.type}:${a.entity.id}`, summary: a.message })
    }
    for (const a of diff.resolved) {
      const open = alerts.find((x) => x.code === a.code && x.entity === `${a.entity.type}:${a.entity.id}` && x.resolvedAt === null)
      if (open) open.resolvedAt = iso()
      emit({ at: iso(), day, kind: 'alert', change: 'resolved', code: a.code, severity: a.severity, entity: `${a.entity.type}:${a.entity.id}`, summary: `resolved: ${a.message}` })
    }
  }
  return { timeline, crr, alerts, ...(await finalRecords(run, redeemed, returned)) }
}

async function primeOrBankDue(scenario: Scenario, run: Run, day: number, redeemed: ReadonlyMap<number, unknown>): Promise<boolean> {
  if (scenario.returns.some((r) => r.day === day) || scenario.primes.some((p) => p.deposits.some((d) => d.day === day))) return true
  const units = (await run.synome.list<UnitRecord>({ type: 'unit', limit: 1000 })).items
  return units.some((u) => u.data.state === 'REPAYMENT_AVAILABLE' && !redeemed.has(u.data.unitId))
}

/** GovOps writes down each repayable unit's shortfall before its holder redeems (see govOpsWriteDowns.ts). */
async function playGovOps(run: Run, day: number, emit: (e: TimelineEntry) => void, redeemed: ReadonlyMap<number, unknown>): Promise<void> {
  const units = (await run.synome.list<UnitRecord>({ type: 'unit', limit: 1000 })).items.map((i) => i.data).filter((u) => !redeemed.has(u.unitId))
  for (const w of await writeDownShortfalls(run.clients, { facility: run.deployment.facility, govOps: run.accounts.govOps, units })) {
    const amount = formatUnitsExact(w.amount, USDS_DECIMALS)
    emit({ at: isoTimestamp(run.clock()), day, kind: 'tx', actor: 'govops', action: 'write-down', txHash: w.txHash, summary: `govops writes down ${amount} USDS of NFAT #${w.unitId} (recovery short of principal)` })
  }
}

/** Deposits due today, then redemptions of units whose repayment is available. Returns how many happened. */
async function playPrimes(scenario: Scenario, run: Run, day: number, emit: (e: TimelineEntry) => void, redeemed: Map<number, { paid: string; txHash: Hex; at: string }>): Promise<number> {
  let count = 0
  const { deployment, clients } = run
  const at = isoTimestamp(run.clock())
  for (const prime of scenario.primes) {
    const account = run.primes.get(prime.name)!
    for (const deposit of prime.deposits.filter((d) => d.day === day)) {
      const amount = parseUnitsExact(deposit.amount, USDS_DECIMALS)
      // New USDS from the Prime's treasury (devnet mint), then queued on the facility.
      await writeAndWait(clients, run.accounts.deployer, { address: deployment.usds, abi: usdsAbi, functionName: 'mint', args: [account.address, amount] })
      const receipt = await writeAndWait(clients, account, { address: deployment.facility, abi: nfatFacilityAbi, functionName: 'deposit', args: [amount] })
      emit({ at, day, kind: 'tx', actor: prime.name, action: 'deposit', txHash: receipt.transactionHash, summary: `${prime.name} queues ${deposit.amount} USDS on the facility` })
      count++
    }
  }
  const units = (await run.synome.list<UnitRecord>({ type: 'unit', limit: 1000 })).items.map((i) => i.data)
  for (const unit of units) {
    if (unit.state !== 'REPAYMENT_AVAILABLE' || redeemed.has(unit.unitId)) continue
    const prime = scenario.primes.find((p) => p.name === unit.depositorPrime)
    if (!prime) continue
    const availableDay = Math.floor((Date.parse(unit.timestamps?.repaymentAvailable ?? at) - Date.parse(scenario.start)) / (DAY * 1000))
    // On (or after) a listed redeem day that is not before the repayment; by default the next day.
    const due = prime.redeemDays ? prime.redeemDays.some((d) => d <= day && d >= availableDay) : day > availableDay
    if (!due) continue
    const receipt = await writeAndWait(clients, run.primes.get(prime.name)!, { address: deployment.facility, abi: nfatFacilityAbi, functionName: 'redeem', args: [BigInt(unit.unitId)] })
    const paid = formatUnitsExact(redeemedAmount(receipt), USDS_DECIMALS)
    redeemed.set(unit.unitId, { paid, txHash: receipt.transactionHash, at })
    emit({ at, day, kind: 'tx', actor: prime.name, action: 'redeem', txHash: receipt.transactionHash, summary: `${prime.name} burns NFAT #${unit.unitId} and receives ${paid} USDS` })
    count++
  }
  return count
}

function redeemedAmount(receipt: TransactionReceipt): bigint {
  const [event] = parseEventLogs({ abi: nfatFacilityAbi, eventName: 'Redeemed', logs: receipt.logs })
  if (!event) throw new ScenarioRunError('no Redeemed event in the redeem receipt', { details: receipt.transactionHash })
  return event.args.paid
}

/** The bank reports returns from deployment due today (amount, or recovery fraction × principal). */
async function playBank(scenario: Scenario, run: Run, day: number, emit: (e: TimelineEntry) => void, returned: Map<string, bigint>): Promise<number> {
  const due = scenario.returns.filter((r) => r.day === day)
  for (const r of due) {
    const sleeves = (await run.synome.list<SleeveRecord>({ type: 'sleeve', limit: 1000 })).items.map((i) => i.data)
    const sleeve = r.sleeveId ? sleeves.find((s) => s.sleeveId === r.sleeveId) : sleeves.find((s) => s.state === 'AT_REST' || s.state === 'DEPLOYING' || s.state === 'UNWINDING')
    if (!sleeve) {
      emit({ at: isoTimestamp(run.clock()), day, kind: 'bank', summary: `return due on day ${day} but no deployed sleeve${r.sleeveId ? ` ${r.sleeveId}` : ''} exists; nothing returned`, amountUsd: '0' })
      continue
    }
    let amountUsd: bigint
    if ('amount' in r) amountUsd = parseUnitsExact(r.amount, USD_DECIMALS)
    else {
      const units = (await run.synome.list<UnitRecord>({ type: 'unit', sleeveId: sleeve.sleeveId, limit: 1000 })).items.map((i) => i.data)
      const principal = units.reduce((sum, u) => sum + parseUnitsExact(u.principal, USD_DECIMALS), 0n)
      amountUsd = mulDiv(principal, parseUnitsExact(r.recoveryFraction, 18), WAD)
    }
    run.bank.releaseReturn({ sleeveId: sleeve.sleeveId, amountUsd, final: r.final, at: run.clock() })
    returned.set(sleeve.sleeveId, (returned.get(sleeve.sleeveId) ?? 0n) + amountUsd)
    const amount = formatUnitsExact(amountUsd, USD_DECIMALS)
    emit({ at: isoTimestamp(run.clock()), day, kind: 'bank', summary: `bank confirms ${amount} USD returned from deployment for ${sleeve.sleeveId}${r.final ? ' (final)' : ' (recovery continues)'}`, amountUsd: amount })
  }
  return due.length
}

async function finalRecords(run: Run, redeemed: Map<number, { paid: string; txHash: Hex; at: string }>, returned: Map<string, bigint>) {
  const sleeves = (await run.synome.list<SleeveRecord>({ type: 'sleeve', limit: 1000 })).items.map((i) => i.data)
  const units = (await run.synome.list<UnitRecord>({ type: 'unit', limit: 1000 })).items.map((i) => i.data)
  return {
    sleeves: sleeves.map((s) => ({ sleeveId: s.sleeveId, state: s.state, linkedUnits: s.linkedUnits, attestations: s.attestations, assets: s.assets, timestamps: s.timestamps, returnedUsd: formatUnitsExact(returned.get(s.sleeveId) ?? 0n, USD_DECIMALS) })),
    units: units.map((u) => ({ unitId: u.unitId, sleeveId: u.sleeveId, prime: u.depositorPrime, state: u.state, principal: u.principal, repaymentAmount: u.repaymentAmount ?? null, redeemed: redeemed.get(u.unitId) ?? null })),
    repayments: units.filter((u) => redeemed.has(u.unitId)).map((u) => ({ unitId: u.unitId, prime: u.depositorPrime, principal: u.principal, paid: redeemed.get(u.unitId)!.paid })),
  }
}

function synomeEntry(event: SynomeEvent, day: number): TimelineEntry {
  return { at: event.time, day, kind: 'synome', position: event.position, actor: event.role, command: event.command, entity: `${event.entityType}:${event.entityId}`, summary: summarize(event), payload: event.payload }
}

const ROLE_NAMES: Record<string, string> = { nfat: 'lpha-nfat', attest: 'lpha-attest', council: 'lpha-council', system: 'synome' }

/** One readable line per Synome write. */
function summarize(event: SynomeEvent): string {
  const who = ROLE_NAMES[event.role] ?? event.role
  const p = (event.payload ?? {}) as Record<string, any>
  const assets = (list: Array<Record<string, unknown>> | undefined) => (list ?? []).map((a) => `${a.amount} ${a.type} @ ${a.location ?? '-'}`).join(', ') || 'none'
  switch (event.command) {
    case 'createSleeve':
      return `${who} creates ${p.sleeveId} (target ${p.metadata?.targetAmount ?? '?'} USDS)`
    case 'sweepUnit':
      return `${who} sweeps NFAT #${p.unit?.unitId} (${p.unit?.principal} USDS from ${p.unit?.depositorPrime}) into ${p.sleeveId}`
    case 'transitionSleeve':
      return `${who} moves ${p.sleeveId} to ${p.to}${p.assets ? ` (assets: ${assets(p.assets)})` : ''}`
    case 'updateSleeveAssets':
      return `${who} updates ${p.sleeveId} assets: ${assets(p.assets)}`
    case 'postAttestation':
      return `${who} posts ${p.attestationId} (${p.type}) on ${p.sleeveId}`
    case 'writeRiskData':
      return `${who} writes attested risk data to ${p.sleeveId} → AT_REST`
    case 'recordPeriodicAttestation':
      return `${who} records periodic attestation ${p.attestationId} on ${p.sleeveId}`
    case 'markRepaymentAvailable':
      return `${who} marks ${p.sleeveId} units REPAYMENT_AVAILABLE (total ${p.total} USDS)`
    case 'closeUnit':
      return `${who} closes unit ${p.unitId}`
    case 'updateSleeveMetadata':
      return `${who} flags ${p.sleeveId}: ${JSON.stringify(p.metadata)}`
    default:
      return `${who} ${event.command} ${event.entityType}:${event.entityId}`
  }
}

export type { TermHaloDeployment }
