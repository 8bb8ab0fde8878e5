/**
 * Run a Portfolio scenario (`"kind": "portfolio"`, src/devnet/scenario.ts) on a fresh anvil —
 * seed 000's CLO example: a senior and a junior unit over one Halo Book, sharing one PAU and one
 * lpha-lcts. The REAL lpha-lcts Portfolio cycle (src/beacons/lcts/portfolio.ts) does the
 * settling; this runner only plays the Primes (subscriptions and redemptions through their own
 * PAUs, within their rate limits), the asset manager (the devnet simulator, told to lose value
 * or miss a report on the scenario's days; what it returns it sends on chain) and the clock.
 *
 * Setup, through the Halo Factory as governance does it (docs/factory.md): the factory stack
 * (devnet timelock delay), the Portfolio template approved through the timelock, the class (its
 * PAU and PortfolioHaloClass) and the book (senior + junior: token and LCTS queue pair each)
 * deployed by GovOps, the factory's batches executed by the aBEAM after the delay, GovOps sets
 * lpha-lcts as the class PAU's relayer and the two transfer limits to their inits; the Primes'
 * PAUs (src/devnet/primes.ts) with a timelocked init per queue key; lpha-council ingests the
 * factory's events into an in-process Synome (PGlite in memory). The book opens an hour before
 * day 0 (00:00); the limits have had a day to fill.
 *
 * Each day: 09:00 the manager's instructions (a loss, a missed report) and the Primes; 13:00
 * lpha-lcts's cycle (NAV report → lock → decide → fund → settle → record → deploy → request
 * redemptions), at most three ticks until the epoch is recorded; then anyone claims the Primes'
 * settled positions. Chain time is the Synome's and the cycle's clock; timeline times are
 * scenario times (`start` + the same offset).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import { encodeFunctionData, erc20Abi, keccak256, stringToHex, toFunctionSelector, type Address, type Hex } from 'viem'
import { mnemonicToAccount } from 'viem/accounts'
import { PortfolioDecisionJournal, portfolioCycleTick, type PortfolioCycleConfig, type PortfolioTickReport, type PortfolioUnitConfig } from '../beacons/lcts/portfolio.js'
import { TxJournal } from '../beacons/shared/txJournal.js'
import { depositKey } from '../beacons/allocator/chain.js'
import { createAllocatorChain } from '../beacons/allocator/chain.js'
import { allocatorPolicySchema, policyOf } from '../beacons/allocator/config.js'
import { portfolioUnitSource } from '../beacons/allocator/portfolioUnits.js'
import { reconcileTick, type AllocatorReconcileDeps } from '../beacons/allocator/reconcile.js'
import { applyRampStep } from '../chain/rateLimits/applyRampStep.js'
import { parseRatePerPeriod } from '../domain/allocator/rampPlan.js'
import { ALLOCATOR_COMMANDS } from '../synome/commands/allocator/index.js'
import { ALLOCATOR_DECISION, type AllocatorDecisionRecord } from '../synome/commands/allocator/records.js'
import { DEVNET_FRAMEWORK } from './riskFramework.js'
import { ANVIL_MNEMONIC, startAnvil, writeAndWait, type Anvil, type DevnetClients } from '../chain/devnet.js'
import { controllerAbi, lctsQueueAbi, usdsAbi } from '../chain/generated/index.js'
import { readChainBook } from '../chain/portfolio.js'
import { formatUnitsExact, parseUnitsExact, USDS_DECIMALS } from '../domain/money.js'
import { navPerShareWad, type HaloBook } from '../domain/portfolio/book.js'
import { LIMIT, rateLimitKey } from '../domain/rateLimits.js'
import { isoTimestamp } from '../domain/sleeve.js'
import type { PortfolioBookParams } from '../factory/chain.js'
import { deployFactoryStack } from '../factory/devnet.js'
import { ingestFactoryEvents, type WarningSignals } from '../factory/ingest.js'
import { createDevnetAssetManager, type DevnetAssetManager } from '../portfolio/manager/simulator.js'
import { createInProcessClient } from '../synome/client/index.js'
import { FACTORY_COMMANDS } from '../synome/commands/factory/index.js'
import { factoryBookId } from '../synome/commands/factory/records.js'
import { bookOf, PORTFOLIO_BOOK, PORTFOLIO_COMMANDS, PORTFOLIO_SETTLEMENT, type PortfolioBookRecord } from '../synome/commands/portfolio/index.js'
import { createSynome } from '../synome/create.js'
import { meteredDevnetClients, RpcWaitMeter } from './chainClients.js'
import { deployPortfolioClassAndBook } from './portfolioHalo.js'
import { deployPrimePaus, onboardPrimeDeposit, type PrimePau } from './primes.js'
import { roleAccounts, ScenarioRunError } from './runScenario.js'
import type { PortfolioScenario } from './scenario.js'
import { DEVNET_TIMELOCK_DELAY_SECONDS, DEVNET_TIMELOCK_NOTE } from './termHalo.js'

const DAY_S = 86_400
const DAY_MS = 86_400_000
const HOUR_MS = 3_600_000
const DEPOSIT = toFunctionSelector('deposit(uint256)')
/** HD index of the demo's role accounts; the Prime allocators (devnet/primes.ts) are 40+. A fresh anvil: nothing else signs. */
const ACCOUNT_OFFSET = 60
const TRANCHES = ['senior', 'junior'] as const
export type Tranche = (typeof TRANCHES)[number]
/** Ticks a day at most: one normally, more only while a transaction is not final yet. */
const MAX_TICKS_PER_DAY = 3

type UnitFigures = { nav: string; shares: string; navPerShare: string }

export type PortfolioTimelineEntry =
  | { at: string; day: number; kind: 'tx'; actor: string; action: string; txHash: Hex; summary: string }
  | { at: string; day: number; kind: 'manager'; summary: string }
  | { at: string; day: number; kind: 'settlement'; unit: Tranche; subscribed: string; redeemedShares: string; halted: boolean; summary: string }
  | { at: string; day: number; kind: 'nav'; reportedAt: string; units: Record<Tranche, UnitFigures>; summary: string }
  | { at: string; day: number; kind: 'alert'; change: 'raised' | 'resolved'; code: string; severity: 'warning'; entity: string; summary: string }
  /** One allocator tick's decision for its unit (src/beacons/allocator): eligibility, target, the limit it read, what it executed. */
  | { at: string; day: number; kind: 'allocation'; prime: string; unit: Tranche; eligible: boolean; reasons: string[]; current: string; target: string; limitedBy: string; order: 'deposit' | 'redeem' | 'none'; limitMax: string | null; available: string | null; executed: string | null; txHash: Hex | null; ineligible: Array<{ unit: Tranche; reasons: string[] }>; summary: string }
  /** GovOps apply the SORL step the allocator proposed (Configurator.setRateLimit through the cBEAM), when it falls due. */
  | { at: string; day: number; kind: 'ramp'; prime: string; unit: Tranche; maxAmount: string; slope: string; txHash: Hex; summary: string }

export type PortfolioScenarioOutcome = {
  kind: 'portfolio'
  scenario: string
  startedAt: string
  chain: { rpcUrl: string; factory: Address; haloClass: Address; pau: Address; managerEndpoint: Address; units: Record<Tranche, { token: Address; subscribeQueue: Address; redeemQueue: Address }>; timelockDelaySeconds: string; timelockDelayNote: string }
  timeline: PortfolioTimelineEntry[]
  /** Each unit at the end of the last day: NAV (USDS), shares outstanding, NAV per share (USDS). */
  units: Record<Tranche, UnitFigures>
  primes: Array<{ name: string; subscribed: Record<Tranche, string>; shares: Record<Tranche, string>; paidUsds: string }>
  alerts: Array<{ code: string; unit: Tranche; raisedAt: string; resolvedAt: string | null; message: string }>
  /** Each Prime's allocator (scenario `primes[].allocator`): its first allocation, what it subscribed and redeemed, the SORL raises its GovOps applied. */
  allocators: Array<{ prime: string; unit: Tranche; firstAllocation: { day: number; at: string; amount: string } | null; subscribed: string; redeemed: string; target: string; limitRaises: Array<{ day: number; at: string; maxAmount: string }> }>
  navReports: number
  /** The chain's book equals the Synome's book record (the Synome refuses a record unequal to the pure model). */
  chainEqualsSynome: boolean
  synomeLogVerified: boolean
  timing: { wallMs: number; chainWaitMs: number; rpcRequests: number }
}

export type RunPortfolioScenarioParameters = {
  scenario: PortfolioScenario
  onEntry?: ((entry: PortfolioTimelineEntry) => void) | undefined
  onProgress?: ((message: string) => void) | undefined
}

const usds = (amount: string) => parseUnitsExact(amount, USDS_DECIMALS, 'amount')
const text = (value: bigint) => formatUnitsExact(value, USDS_DECIMALS)
/** "0.1" → 1000 bps (the schema allows at most four decimals). */
const bpsOf = (fraction: string) => parseUnitsExact(fraction, 4, 'fraction')

export async function runPortfolioScenario({ scenario, onEntry = () => {}, onProgress = () => {} }: RunPortfolioScenarioParameters): Promise<PortfolioScenarioOutcome> {
  const started = performance.now()
  const meter = new RpcWaitMeter()
  const dir = mkdtempSync(join(tmpdir(), 'halo-demo-portfolio-'))
  let anvil: Anvil | undefined
  const closers: Array<() => unknown> = []
  try {
    onProgress('starting anvil')
    anvil = await startAnvil()
    const clients = meteredDevnetClients(anvil.rpcUrl, meter)
    const run = await setUp({ scenario, clients, dir, onProgress, closers })
    onProgress(`running ${scenario.days} scenario days`)
    const played = await playDays(scenario, run, onEntry)
    const chain = await readChainBook(clients.publicClient, run.deployment.haloClass, 0n)
    const record = bookOf((await run.synome.get<PortfolioBookRecord>(PORTFOLIO_BOOK, run.config.bookId)).data)
    const chainAsSynome: HaloBook = { ...chain, bookId: run.config.bookId, units: chain.units.map((u) => ({ ...u, unitId: run.config.units.find((c) => String(c.chainUnitId) === u.unitId)!.unitId })) }
    return {
      kind: 'portfolio',
      scenario: scenario.name,
      startedAt: scenario.start,
      chain: {
        rpcUrl: anvil.rpcUrl,
        factory: run.deployment.factory,
        haloClass: run.deployment.haloClass,
        pau: run.deployment.pau,
        managerEndpoint: run.deployment.managerEndpoint,
        units: run.deployment.units,
        timelockDelaySeconds: run.deployment.timelockDelaySeconds.toString(),
        timelockDelayNote: DEVNET_TIMELOCK_NOTE,
      },
      ...played,
      chainEqualsSynome: JSON.stringify(chainAsSynome, bigintText) === JSON.stringify(record, bigintText),
      synomeLogVerified: (await run.synome.verifyLog()).ok,
      timing: { wallMs: Math.round(performance.now() - started), chainWaitMs: Math.round(meter.busyMs), rpcRequests: meter.requests },
    }
  } finally {
    for (const close of closers.reverse()) await close()
    await anvil?.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}

const bigintText = (_: string, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)

type Run = Awaited<ReturnType<typeof setUp>>

const riskModelOf = (t: Tranche) => `portfolio-${t}`

/** The devnet Unit Artifact of a tranche, as lpha-council publishes it for the Primes' allocators (the fields docs/allocator.md requires). */
function portfolioUnitArtifact(scenario: PortfolioScenario, t: Tranche) {
  const unit = scenario.book[t]
  return {
    operationalParameters: { book: scenario.name, tranche: t, rank: TRANCHES.indexOf(t), accrualDays: scenario.book.accrualDays, settlement: 'daily at 13:00 by lpha-lcts' },
    legalRecourse: t === 'senior' ? 'first claim on the Halo Book’s assets up to the target yield (devnet)' : 'the residual of the Halo Book after the senior; absorbs losses first (devnet)',
    sentinelConfiguration: { beacon: 'lpha-lcts', manager: 'devnet asset manager simulator' },
    riskMonitoring: `lpha-lcts warning signals: NAV report older than ${unit.warningSignals.navReportMaxAgeHours} h${unit.warningSignals.navDropMaxBps === undefined ? '' : `, NAV drop over ${unit.warningSignals.navDropMaxBps} bps`}`,
    yieldBps: t === 'senior' ? scenario.book.senior.targetYieldBps : 0,
    capacity: unit.capacity,
    riskModelRef: riskModelOf(t),
  }
}

/** The unit's warning signals: as the Synome records them (ingestion, by artifact hash) and as the cycle takes them. */
function signalsOf(s: PortfolioScenario['book']['senior']['warningSignals']): { record: WarningSignals; cycle: PortfolioUnitConfig['warningSignals'] } {
  const navReport = { maxAgeSeconds: s.navReportMaxAgeHours * 3600 }
  if (s.navDropMaxBps === undefined) return { record: { navReport }, cycle: { navReport } }
  return { record: { navReport, navDrop: { maxDropBps: s.navDropMaxBps } }, cycle: { navReport, navDrop: { maxDropBps: BigInt(s.navDropMaxBps) } } }
}

async function setUp({ scenario, clients, dir, onProgress, closers }: { scenario: PortfolioScenario; clients: DevnetClients; dir: string; onProgress: (m: string) => void; closers: Array<() => unknown> }) {
  const accounts = roleAccounts(ACCOUNT_OFFSET)
  const { council, deployer } = accounts
  const lcts = accounts.relayer // lpha-lcts: the class's settler and its PAU's relayer
  const manager = mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: ACCOUNT_OFFSET + 19 })
  for (const account of [...Object.values(accounts), manager]) await clients.testClient.setBalance({ address: account.address, value: 10n ** 21n })

  onProgress(`devnet assets, Configurator Unit (timelock delay ${DEVNET_TIMELOCK_DELAY_SECONDS} s, ${DEVNET_TIMELOCK_NOTE}), Halo Factory and template registry`)
  const stack = await deployFactoryStack(clients, accounts, { delaySeconds: DEVNET_TIMELOCK_DELAY_SECONDS, devnetTimelock: true })
  // The devnet's Unit Artifact of a tranche is its scenario terms (JSON); ingestion keys its warning signals by that hash.
  const unitArtifact = (t: Tranche) => keccak256(stringToHex(JSON.stringify({ unit: t, ...scenario.book[t] })))
  const bookParams: PortfolioBookParams = {
    accrualSeconds: BigInt(scenario.book.accrualDays * DAY_S),
    units: TRANCHES.map((t, rank) => ({
      capacity: usds(scenario.book[t].capacity), rank, yieldBps: t === 'senior' ? BigInt(scenario.book.senior.targetYieldBps) : 0n, dustThreshold: 0n,
      name: scenario.book[t].name, symbol: scenario.book[t].symbol, artifactHash: unitArtifact(t),
    })),
  }
  const { cls, haloClass, book, openBook } = await deployPortfolioClassAndBook(clients, {
    stack, accounts, lcts: lcts.address, manager: manager.address, classLimit: usds(scenario.classDailyLimit),
    artifactHash: keccak256(stringToHex(JSON.stringify({ haloClass: scenario.name, manager: scenario.manager }))), book: bookParams, onProgress,
  })

  const subscribedBy = (p: PortfolioScenario['primes'][number]) => p.subscriptions.reduce((sum, s) => sum + usds(s.amount), 0n)
  const funds = scenario.primes.reduce((max, p) => (subscribedBy(p) > max ? subscribedBy(p) : max), 0n)
  const base = { usds: stack.usds, usdc: stack.usdc, psm: stack.psm, configuratorUnit: { timelock: stack.timelock, beamState: stack.beamState, configurator: stack.configurator }, timelockDelaySeconds: stack.delaySeconds }
  const paus = await deployPrimePaus(clients, { base, accounts, primes: scenario.primes.map((p) => p.name), fundsPerPrime: funds, onProgress })
  // An allocator's capital for Halo Units comes on top of what the Prime's scripted subscriptions need.
  for (const [i, p] of scenario.primes.entries()) {
    if (p.allocator) await writeAndWait(clients, deployer, { address: stack.usds, abi: usdsAbi, functionName: 'mint', args: [paus[i]!.almProxy, usds(p.allocator.capital)] })
  }
  const units = Object.fromEntries(TRANCHES.map((t, i) => [t, book.units[i]!])) as Record<Tranche, (typeof book.units)[number]>
  onProgress('governance approves each Prime’s subscribe and redeem keys (timelocked), GovOps sets them')
  const initOf = (p: PortfolioScenario['primes'][number], t: Tranche, subscribe: boolean) =>
    subscribe && p.allocator?.unit === t ? parseRatePerPeriod(p.allocator.subscribeLimit, USDS_DECIMALS, 'allocator.subscribeLimit') : { maxAmount: usds(p.dailyLimit), slope: usds(p.dailyLimit) / BigInt(DAY_S) }
  for (const t of TRANCHES) {
    const u = units[t]
    for (const subscribe of [true, false]) {
      const key = subscribe ? rateLimitKey(LIMIT.APPROVE_AND_CALL, stack.usds, u.subscribeQueue, DEPOSIT) : rateLimitKey(LIMIT.APPROVE_AND_CALL, u.token, u.redeemQueue, DEPOSIT)
      const groups = new Map<string, { init: { maxAmount: bigint; slope: bigint }; primes: PrimePau[] }>()
      for (const [i, p] of scenario.primes.entries()) {
        const init = initOf(p, t, subscribe)
        const group = groups.get(`${init.maxAmount}:${init.slope}`) ?? { init, primes: [] }
        group.primes.push(paus[i]!)
        groups.set(`${init.maxAmount}:${init.slope}`, group)
      }
      for (const g of groups.values()) await onboardPrimeDeposit(clients, { base, accounts, primes: g.primes, init: g.init, key: () => key })
    }
  }

  // Day 0 00:00 (chain) is the first midnight a day after the last limit was set (every limit full); the book opens an hour before.
  const afterSetup = Number((await clients.publicClient.getBlock()).timestamp) * 1000
  const day0Ms = Math.ceil((afterSetup + DAY_MS + HOUR_MS) / DAY_MS) * DAY_MS
  const startMs = Date.parse(scenario.start)
  let current = new Date(day0Ms - HOUR_MS)
  const clock = () => current
  const moveTo = async (ms: number) => {
    await clients.testClient.setNextBlockTimestamp({ timestamp: BigInt(ms / 1000) })
    await clients.testClient.mine({ blocks: 1 })
    current = new Date(ms)
  }
  // from here every block is one second after the last (not wall-clock time): the same scenario gives the same figures to the wei
  await clients.testClient.setBlockTimestampInterval({ interval: 1 })
  await moveTo(day0Ms - HOUR_MS)
  onProgress('aBEAM executes the book batch: the book opens on chain')
  await openBook()
  const opened = await readChainBook(clients.publicClient, haloClass, 0n)

  onProgress('Synome-MVP (in-process, PGlite in memory); lpha-council ingests the factory’s events (class, book, units)')
  current = new Date(opened.lastReportMs) // the book record opens when the chain's book did
  const synome = await createSynome({
    dataDir: null,
    clock,
    commands: [...FACTORY_COMMANDS, ...PORTFOLIO_COMMANDS, ...ALLOCATOR_COMMANDS],
    roles: [
      { address: council.address.toLowerCase(), role: 'council', haloClasses: [] },
      { address: lcts.address.toLowerCase(), role: 'lcts', haloClasses: ['*'] },
      ...paus.filter((_, i) => scenario.primes[i]!.allocator).map((x) => ({ address: x.allocator.address.toLowerCase(), role: 'allocator' as const, haloClasses: ['*'] })),
    ],
  })
  closers.push(() => synome.close())
  const councilClient = createInProcessClient({ service: synome, account: council, clock })
  const signals = Object.fromEntries(TRANCHES.map((t) => [t, signalsOf(scenario.book[t].warningSignals)])) as Record<Tranche, ReturnType<typeof signalsOf>>
  await ingestFactoryEvents({ publicClient: clients.publicClient, synome: councilClient, factory: stack.factory, fromBlock: stack.fromBlock, finalityDepth: 0, warningSignals: Object.fromEntries(TRANCHES.map((t) => [unitArtifact(t), signals[t].record])) })

  const allocated = new Set(scenario.primes.flatMap((p) => (p.allocator ? [p.allocator.unit] : [])))
  if (allocated.size > 0) {
    onProgress(`lpha-council publishes the risk framework's capital models and the Unit Artifact of the ${[...allocated].join(' and ')} unit: the Primes' allocators may now onboard it`)
    const riskModels = Object.fromEntries(TRANCHES.map((t) => [riskModelOf(t), { kind: 'risk-weight' as const, riskWeight: scenario.book[t].riskWeight, category: riskModelOf(t) }]))
    await councilClient.send('publishRiskFramework', { version: 'devnet-portfolio-1', document: { ...DEVNET_FRAMEWORK, capitalFormula: { riskModels, categoryCaps: {} } } })
    for (const t of allocated) await councilClient.send('registerHaloClass', { haloClass: units[t].token.toLowerCase(), description: `Unit Artifact of the ${t} unit of ${scenario.name}`, metadata: { artifact: portfolioUnitArtifact(scenario, t) } })
  }

  const config: PortfolioCycleConfig = {
    classId: haloClass.toLowerCase(),
    bookId: factoryBookId(haloClass, book.salt),
    chainBookId: 0n,
    haloClass,
    usds: stack.usds,
    controller: cls.controller,
    rateLimits: cls.rateLimits,
    almProxy: cls.pau,
    managerEndpoint: manager.address,
    settleWindowSeconds: 3600,
    units: TRANCHES.map((t, i) => ({ unitId: units[t].token.toLowerCase(), chainUnitId: BigInt(opened.units[i]!.unitId), maxNav: usds(scenario.book[t].capacity), warningSignals: signals[t].cycle })),
  }

  // the devnet manager; what it returns it sends on chain from its endpoint (its yield is minted)
  const sim = createDevnetAssetManager()
  sim.openBook({ bookId: config.bookId, openedAt: new Date(day0Ms), annualYieldBps: BigInt(scenario.manager.annualYieldBps), redemptionDelaySeconds: scenario.manager.redemptionDelayDays * DAY_S })
  const mirrored = new Map<string, Hex>()
  const assetManager: DevnetAssetManager = {
    ...sim,
    async tick(now) {
      await sim.tick(now)
      for (const r of sim.returnedRedemptions(config.bookId)) {
        if (mirrored.has(r.redemptionId)) continue
        const held = await clients.publicClient.readContract({ address: stack.usds, abi: erc20Abi, functionName: 'balanceOf', args: [manager.address] })
        if (held < r.amount) await writeAndWait(clients, deployer, { address: stack.usds, abi: usdsAbi, functionName: 'mint', args: [manager.address, r.amount - held] })
        const receipt = await writeAndWait(clients, manager, { address: stack.usds, abi: erc20Abi, functionName: 'transfer', args: [cls.pau, r.amount] })
        mirrored.set(r.redemptionId, receipt.transactionHash)
      }
    },
  }
  const lctsClient = createInProcessClient({ service: synome, account: lcts, clock })
  const txs = new TxJournal({ path: join(dir, 'portfolio-txs.jsonl'), account: lcts, publicClient: clients.publicClient, finalityDepth: 0, clock, receiptTimeoutMs: 5_000 })
  const decisions = new PortfolioDecisionJournal(join(dir, 'portfolio-decisions.jsonl'))
  closers.push(() => txs.close(), () => decisions.close())
  const deps = { config, publicClient: clients.publicClient, synome: lctsClient, manager: assetManager, txs, decisions, now: async () => current, log: pino({ level: process.env.LOG_LEVEL ?? 'silent' }) }

  const allocators = []
  for (const [i, prime] of scenario.primes.entries()) {
    if (!prime.allocator) continue
    const pau = paus[i]!
    const { rampCadenceSeconds, ...policy } = policyOf(allocatorPolicySchema.parse(prime.allocator.policy))
    const client = createInProcessClient({ service: synome, account: pau.allocator, clock })
    const allocatorTxs = new TxJournal({ path: join(dir, `allocator-${prime.name}-txs.jsonl`), account: pau.allocator, publicClient: clients.publicClient, finalityDepth: 0, clock, receiptTimeoutMs: 5_000 })
    closers.push(() => allocatorTxs.close())
    const tickDeps: AllocatorReconcileDeps = {
      prime: prime.name,
      synome: client,
      source: portfolioUnitSource(client, { usds: stack.usds }),
      chain: createAllocatorChain(clients.publicClient, { configurator: stack.configurator, almProxy: pau.almProxy, controller: pau.controller, rateLimits: pau.rateLimits, usds: stack.usds, finalityDepth: 0 }, [prime.name]),
      publicClient: clients.publicClient,
      txs: allocatorTxs,
      policy,
      rampCadenceSeconds,
      now: async () => BigInt(current.getTime() / 1000),
      log: pino({ level: process.env.LOG_LEVEL ?? 'silent' }),
    }
    const u = units[prime.allocator.unit]
    allocators.push({ prime: prime.name, unit: prime.allocator.unit, pau, unitId: u.token.toLowerCase(), key: depositKey({ kind: 'lcts', pairId: u.token, subscribeQueue: u.subscribeQueue, redeemQueue: u.redeemQueue, token: u.token, holdingSystem: haloClass, asset: stack.usds }), deps: tickDeps })
  }

  return {
    clients,
    accounts,
    allocators,
    configurator: stack.configurator,
    synome,
    config,
    deps,
    manager: assetManager,
    mirrored,
    paus,
    units,
    moveTo,
    clock,
    /** Chain time → scenario time (day 0 00:00 chain = `start`). */
    scenarioTime: (chainMs: number) => isoTimestamp(new Date(startMs + chainMs - day0Ms)),
    day0Ms,
    deployment: {
      factory: stack.factory,
      haloClass,
      pau: cls.pau,
      managerEndpoint: manager.address,
      usds: stack.usds,
      units: Object.fromEntries(TRANCHES.map((t) => [t, { token: units[t].token, subscribeQueue: units[t].subscribeQueue, redeemQueue: units[t].redeemQueue }])) as PortfolioScenarioOutcome['chain']['units'],
      timelockDelaySeconds: stack.delaySeconds,
    },
  }
}

async function playDays(scenario: PortfolioScenario, run: Run, onEntry: (e: PortfolioTimelineEntry) => void) {
  const { clients, deployment } = run
  const timeline: PortfolioTimelineEntry[] = []
  const emit = (entry: PortfolioTimelineEntry) => {
    timeline.push(entry)
    onEntry(entry)
  }
  const trancheOf = new Map(run.config.units.map((u, i) => [u.unitId, TRANCHES[i]!]))
  const balance = (token: Address, who: Address) => clients.publicClient.readContract({ address: token, abi: erc20Abi, functionName: 'balanceOf', args: [who] })
  const paid = new Map<string, bigint>(scenario.primes.map((p) => [p.name, 0n]))
  const open = new Map<string, { code: string; unit: Tranche; raisedAt: string; message: string }>()
  const alerts: PortfolioScenarioOutcome['alerts'] = []
  let navReports = 0

  for (let day = 0; day < scenario.days; day++) {
    const dayMs = run.day0Ms + day * DAY_MS
    const at = () => run.scenarioTime(run.clock().getTime())

    // 09:00 the manager's instructions, then the Primes
    await run.moveTo(dayMs + 9 * HOUR_MS)
    for (const loss of scenario.losses.filter((l) => l.day === day)) {
      const before = run.manager.assetsOf(run.config.bookId)
      run.manager.loseValue({ bookId: run.config.bookId, bps: bpsOf(loss.fraction) })
      emit({ at: at(), day, kind: 'manager', summary: `the manager's holdings lose ${loss.fraction} of their value: ${text(before)} → ${text(run.manager.assetsOf(run.config.bookId))} USDS` })
    }
    if (scenario.missedNavReports.includes(day)) {
      run.manager.missReports({ bookId: run.config.bookId, count: 1 })
      emit({ at: at(), day, kind: 'manager', summary: `the manager publishes no NAV report dated day ${day}` })
    }
    for (const [i, prime] of scenario.primes.entries()) {
      const pau = run.paus[i]!
      for (const s of prime.subscriptions.filter((x) => x.day === day)) {
        const unit = run.units[s.unit]
        const receipt = await viaPau(run, pau, deployment.usds, unit.subscribeQueue, usds(s.amount))
        emit({ at: at(), day, kind: 'tx', actor: prime.name, action: 'subscribe', txHash: receipt.transactionHash, summary: `${prime.name} subscribes ${s.amount} USDS to the ${s.unit} unit through its PAU` })
      }
      for (const r of prime.redemptions.filter((x) => x.day === day)) {
        const unit = run.units[r.unit]
        const shares = r.shares === 'all' ? await balance(unit.token, pau.almProxy) : usds(r.shares)
        const receipt = await viaPau(run, pau, unit.token, unit.redeemQueue, shares)
        emit({ at: at(), day, kind: 'tx', actor: prime.name, action: 'redeem', txHash: receipt.transactionHash, summary: `${prime.name} queues ${text(shares)} ${r.unit} shares for redemption through its PAU` })
      }
    }

    // 09:00 too: each Prime's GovOps apply the SORL step its allocator proposed, once due; then each allocator ticks
    for (const a of run.allocators) {
      const step = await dueRampStep(run, a)
      if (!step) continue
      const receipt = await applyRampStep(clients, { configurator: run.configurator, pau: a.pau.pau, key: a.key, govOps: run.accounts.govOps, step })
      const maxAmount = text(step.setting.maxAmount)
      emit({ at: at(), day, kind: 'ramp', prime: a.prime, unit: a.unit, maxAmount, slope: text(step.setting.slope), txHash: receipt.transactionHash, summary: `${a.prime}'s GovOps raise its ${a.unit} subscribe limit to ${maxAmount} USDS/day as its allocator proposed (SORL: +25% at most, 18 h after the last raise)` })
    }
    for (const a of run.allocators) {
      const report = await reconcileTick(a.deps)
      if (report.errors.length > 0) throw new ScenarioRunError(`day ${day}: ${a.prime}'s allocator failed`, { details: report.errors.join('\n') })
      const u = report.record.units.find((x) => x.unitId === a.unitId)
      if (!u) throw new ScenarioRunError(`day ${day}: ${a.prime}'s allocator does not see the ${a.unit} unit`)
      const executed = u.executed?.amount ?? null
      const done = u.order.kind === 'redeem' ? `queues ${executed} USDS worth of shares for redemption (it holds ${u.current}, above its ${u.target} target as NAV accrues)` : `subscribes ${executed} USDS (target ${u.target}, limited by ${u.limitedBy}; ${u.rateLimit!.available} of its ${u.rateLimit!.maxAmount} limit available)`
      const why = u.eligible ? (executed ? done : `holds ${u.current} of its ${u.target} target${u.waiting ? ` (${u.waiting})` : ''}`) : `does not allocate: ${u.reasons.join(', ')}`
      // The book's other units as this allocator judged them (the reason codes it recorded).
      const ineligible = report.record.units.flatMap((x) => (x.unitId !== a.unitId && !x.eligible && trancheOf.has(x.unitId) ? [{ unit: trancheOf.get(x.unitId)!, reasons: x.reasons }] : []))
      emit({
        at: at(), day, kind: 'allocation', prime: a.prime, ineligible, unit: a.unit, eligible: u.eligible, reasons: u.reasons, current: u.current, target: u.target, limitedBy: u.limitedBy, order: u.order.kind,
        limitMax: u.rateLimit?.maxAmount ?? null, available: u.rateLimit?.available ?? null, executed, txHash: (u.executed?.txHash as Hex | undefined) ?? null,
        summary: `${a.prime}'s allocator, ${a.unit} unit: ${why}`,
      })
    }

    // 13:00 lpha-lcts
    await run.moveTo(dayMs + 13 * HOUR_MS)
    const returnedBefore = new Set(run.mirrored.keys())
    const reports: PortfolioTickReport[] = []
    for (let tick = 0; tick < MAX_TICKS_PER_DAY; tick++) {
      const report = await portfolioCycleTick(run.deps)
      reports.push(report)
      if (report.steps.includes('epoch recorded')) break
    }
    if (!reports.at(-1)!.steps.includes('epoch recorded')) throw new ScenarioRunError(`day ${day}: lpha-lcts did not finish the epoch in ${MAX_TICKS_PER_DAY} ticks`, { details: JSON.stringify(reports) })
    for (const [id, hash] of run.mirrored) {
      if (!returnedBefore.has(id)) emit({ at: at(), day, kind: 'tx', actor: 'manager', action: 'return', txHash: hash, summary: `the manager returns the redemption liquidity lpha-lcts asked for on day ${(Date.parse(id.split(':').at(-1)!) - run.day0Ms) / DAY_MS} to the class PAU` })
    }

    // alerts: level-triggered per cycle; raised when a code appears on a unit, resolved when it clears
    const up = new Map<string, { code: string; unit: Tranche; message: string }>()
    for (const a of reports.flatMap((r) => r.alerts)) up.set(`${a.unitId}:${a.code}`, { code: a.code, unit: trancheOf.get(a.unitId)!, message: a.message })
    for (const [key, a] of up) {
      if (open.has(key)) continue
      open.set(key, { ...a, raisedAt: at() })
      emit({ at: at(), day, kind: 'alert', change: 'raised', code: a.code, severity: 'warning', entity: `unit:${a.unit}`, summary: `${a.message} (the ${a.unit} unit takes no new subscriptions)` })
    }
    for (const [key, a] of open) {
      if (up.has(key)) continue
      open.delete(key)
      alerts.push({ code: a.code, unit: a.unit, raisedAt: a.raisedAt, resolvedAt: at(), message: a.message })
      emit({ at: at(), day, kind: 'alert', change: 'resolved', code: a.code, severity: 'warning', entity: `unit:${a.unit}`, summary: `cleared on the ${a.unit} unit: it takes subscriptions again` })
    }

    const epoch = new Date(run.clock()).toISOString().slice(0, 10)
    for (const u of run.config.units) {
      const s = (await run.synome.get<{ subscribed: string; redeemedShares: string; decision: { halted: boolean; subscribeQueued: string } }>(PORTFOLIO_SETTLEMENT, `${run.config.bookId}:${u.unitId}:${epoch}`)).data
      const unit = trancheOf.get(u.unitId)!
      if (s.subscribed === '0' && s.redeemedShares === '0' && !(s.decision.halted && s.decision.subscribeQueued !== '0')) continue
      const held = s.decision.halted && s.decision.subscribeQueued !== '0' ? `; halted: ${s.decision.subscribeQueued} USDS stay queued` : ''
      emit({ at: at(), day, kind: 'settlement', unit, subscribed: s.subscribed, redeemedShares: s.redeemedShares, halted: s.decision.halted, summary: `lpha-lcts settles the ${unit} unit: ${s.subscribed} USDS subscribed, ${s.redeemedShares} shares redeemed${held}` })
    }
    const applied = reports.flatMap((r) => r.steps).find((s) => s.startsWith('nav '))
    if (applied) {
      navReports += 1
      const book = await readChainBook(clients.publicClient, deployment.haloClass, 0n)
      const figures = unitFigures(book, run.config.units, run.clock())
      emit({
        at: at(), day, kind: 'nav', reportedAt: run.scenarioTime(book.lastReportMs), units: figures,
        summary: `lpha-lcts applied the NAV report dated ${run.scenarioTime(book.lastReportMs).slice(0, 10)}; after the day's cycle: book ${text(book.assets)} USDS, senior ${figures.senior.nav} (${figures.senior.navPerShare}/share), junior ${figures.junior.nav} (${figures.junior.navPerShare}/share)`,
      })
    }

    // anyone claims the Primes' settled positions for them
    for (const [i, prime] of scenario.primes.entries()) {
      const pau = run.paus[i]!
      for (const t of TRANCHES) {
        for (const queue of [run.units[t].subscribeQueue, run.units[t].redeemQueue]) {
          const position = await clients.publicClient.readContract({ address: queue, abi: lctsQueueAbi, functionName: 'positionOf', args: [pau.almProxy] })
          if (position.shares === 0n) continue
          const before = await balance(deployment.usds, pau.almProxy)
          const receipt = await writeAndWait(clients, run.accounts.deployer, { address: queue, abi: lctsQueueAbi, functionName: 'claimFor', args: [pau.almProxy] })
          const got = (await balance(deployment.usds, pau.almProxy)) - before
          if (got > 0n) {
            paid.set(prime.name, paid.get(prime.name)! + got)
            emit({ at: at(), day, kind: 'tx', actor: prime.name, action: 'claim', txHash: receipt.transactionHash, summary: `${prime.name} is paid ${text(got)} USDS for its redeemed ${t} shares` })
          }
        }
      }
    }
  }

  for (const a of open.values()) alerts.push({ code: a.code, unit: a.unit, raisedAt: a.raisedAt, resolvedAt: null, message: a.message })
  const book = await readChainBook(clients.publicClient, deployment.haloClass, 0n)
  const primes = []
  for (const [i, prime] of scenario.primes.entries()) {
    const pau = run.paus[i]!
    const shares = {} as Record<Tranche, string>
    const subscribed = {} as Record<Tranche, string>
    for (const t of TRANCHES) {
      shares[t] = text(await balance(run.units[t].token, pau.almProxy))
      const byAllocator = timeline.reduce((sum, e) => (e.kind === 'allocation' && e.prime === prime.name && e.unit === t && e.order === 'deposit' && e.executed ? sum + usds(e.executed) : sum), 0n)
      subscribed[t] = text(prime.subscriptions.filter((s) => s.unit === t).reduce((sum, s) => sum + usds(s.amount), 0n) + byAllocator)
    }
    primes.push({ name: prime.name, subscribed, shares, paidUsds: text(paid.get(prime.name)!) })
  }
  const allocators = run.allocators.map((a) => {
    const ticks = timeline.filter((e): e is Extract<PortfolioTimelineEntry, { kind: 'allocation' }> => e.kind === 'allocation' && e.prime === a.prime)
    const first = ticks.find((e) => e.executed !== null)
    const total = (order: 'deposit' | 'redeem') => text(ticks.reduce((sum, e) => (e.order === order && e.executed ? sum + usds(e.executed) : sum), 0n))
    const raises = timeline.flatMap((e) => (e.kind === 'ramp' && e.prime === a.prime ? [{ day: e.day, at: e.at, maxAmount: e.maxAmount }] : []))
    return { prime: a.prime, unit: a.unit, firstAllocation: first ? { day: first.day, at: first.at, amount: first.executed! } : null, subscribed: total('deposit'), redeemed: total('redeem'), target: ticks.at(-1)?.target ?? '0', limitRaises: raises }
  })
  return { timeline, units: unitFigures(book, run.config.units, run.clock()), primes, alerts, allocators, navReports }
}

/** The step the allocator's last decision proposed for its unit, when it is a rate-limit setting already due (GovOps never apply one early). */
async function dueRampStep(run: Run, a: Run['allocators'][number]) {
  const record = await run.synome.get<AllocatorDecisionRecord>(ALLOCATOR_DECISION, a.prime).catch(() => undefined)
  const proposal = record?.data.proposals.find((x) => x.unitId === a.unitId)
  if (!proposal || proposal.kind !== 'set' || Date.parse(proposal.at) > run.clock().getTime()) return undefined
  const setting = { maxAmount: usds(proposal.maxAmount), slope: usds(proposal.slope) }
  return { kind: 'set' as const, at: BigInt(Date.parse(proposal.at) / 1000), setting, increase: true }
}

function unitFigures(book: HaloBook, units: readonly PortfolioUnitConfig[], at: Date): Record<Tranche, UnitFigures> {
  return Object.fromEntries(
    units.map((u, i) => {
      const position = book.units.find((p) => p.unitId === String(u.chainUnitId))!
      return [TRANCHES[i]!, { nav: text(position.nav), shares: text(position.shares), navPerShare: text(navPerShareWad(book, position.unitId, at)) }]
    }),
  ) as Record<Tranche, UnitFigures>
}

/** A Prime deposits `amount` of `asset` into an LCTS queue through its own PAU (the Controller's rate-limited approveAndCall). */
function viaPau(run: Run, pau: PrimePau, asset: Address, queue: Address, amount: bigint) {
  return writeAndWait(run.clients, pau.allocator, {
    address: pau.controller, abi: controllerAbi, functionName: 'approveAndCall',
    args: [asset, queue, amount, encodeFunctionData({ abi: lctsQueueAbi, functionName: 'deposit', args: [amount] })],
  })
}
