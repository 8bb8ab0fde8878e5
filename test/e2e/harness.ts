/**
 * A Term Halo on a devnet, driven by the real beacons against a real Synome: the NFAT
 * Facility world from the contract tests (Halo PAU, facility with NFATs from #42, Spark,
 * Grove and Keel), plus the Controller limits lpha-nfat uses, an in-process Synome, the
 * devnet bank, lpha-nfat and lpha-attest in rule mode.
 *
 * Time: the devnet's genesis is "now", so the scenario clock maps chain time onto the seed's
 * calendar: scenario time = 2026-03-15T10:00:00Z + (chain time − chain time at start). Moving
 * the chain moves the Synome and the beacons with it.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import { encodeFunctionData, type Address } from 'viem'
import { mnemonicToAccount } from 'viem/accounts'
import { attestTick } from '../../src/beacons/attest/reconcile.js'
import type { AttestRuleConfig } from '../../src/beacons/attest/policy.js'
import { createNfatChain } from '../../src/beacons/nfat/chain.js'
import { writeDownShortfalls } from '../../src/devnet/govOpsWriteDowns.js'
import { createNfatMetrics } from '../../src/beacons/nfat/metrics.js'
import { reconcileTick, type NfatClassConfig } from '../../src/beacons/nfat/reconcile.js'
import { TxJournal } from '../../src/beacons/shared/txJournal.js'
import { BankLedger } from '../../src/bank/ledger.js'
import { createDevnetBank } from '../../src/bank/simulator.js'
import { ANVIL_MNEMONIC } from '../../src/chain/devnet.js'
import { attestationRegistryAbi, controllerAbi, rateLimitsAbi, usdcAbi } from '../../src/chain/generated/index.js'
import { createAttestationRegistry } from '../../src/chain/attestation.js'
import { deployAttestationRegistry } from '../../src/chain/deploy/deployAttestationRegistry.js'
import { parseUnitsExact } from '../../src/domain/money.js'
import { LIMIT, UNLIMITED, rateLimitKey } from '../../src/domain/rateLimits.js'
import { createInProcessClient } from '../../src/synome/client/index.js'
import { createSynome } from '../../src/synome/create.js'
import type { SynomeService } from '../../src/synome/service.js'
import { M, createWorld, type World } from '../contracts/nfat/facility.js'
import type { Devnet } from '../fixtures/devnet.js'
import { riskFrameworkDocument } from '../synome/support.js'

export const HALO_CLASS = 'facility-A'
export const SEED_START = Date.parse('2026-03-15T10:00:00Z')
export const DAY = 86_400
/** USDC/USD millions in base units. */
export const U = (millions: string) => parseUnitsExact(millions, 6) * 1_000_000n
export { M }

export const attestRules: AttestRuleConfig = {
  periodicCadenceSeconds: 90 * DAY,
  atRestAfterSeconds: 13 * DAY,
  evidence: {
    PRE_DEPLOYMENT: { legalStructureVerified: true, bankAccountVerified: true, expectedRiskParameters: { assetClass: 'senior-secured', expectedLossBps: 50 }, maximumDeploymentDuration: '90d' },
    // Seed att-102's shape (no riskData): the confirmed risk parameters are the attested risk data.
    AT_REST: { legalClaimsVerified: true, deploymentComplete: true, confirmedRiskParameters: { weightedAverageDuration: '9.2m' } },
    PERIODIC: { statusNominal: true },
  },
}

export function classConfig(world: World, overrides: Partial<NfatClassConfig> = {}): NfatClassConfig {
  return {
    haloClass: HALO_CLASS,
    sleeveIdPrefix: 'sleeve-',
    firstSleeveNumber: 7,
    pipeline: [
      { name: 'senior-secured-1', amount: M('25') },
      { name: 'senior-secured-2', amount: M('25') },
      { name: 'senior-secured-3', amount: M('25') },
    ],
    minUnits: 2,
    maxFillWaitSeconds: 14 * DAY,
    minUnitAmount: M('1'),
    splitDepositorQueue: true,
    maxUnitShareBps: 5_000,
    dealTerms: { apy: '0.05', termDays: 180 },
    primes: { [world.people.spark.address]: 'spark', [world.people.grove.address]: 'grove', [world.people.keel.address]: 'keel' },
    offRampDestination: 'halo-bank-account-ref',
    receiptTimeoutSeconds: 3 * DAY,
    ...overrides,
  }
}

export type Scenario = Awaited<ReturnType<typeof createScenario>>

export async function createScenario(devnet: Devnet, options: { receiptDelaySeconds?: number | null; offRampMaxUsdc?: bigint; config?: Partial<NfatClassConfig>; finalityDepth?: number; firstTokenId?: bigint } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'halo-e2e-'))
  const world = await createWorld(devnet, { firstTokenId: options.firstTokenId ?? 42n })
  const assets = { usdc: await devnet.publicClient.readContract({ address: world.pau.controller, abi: [{ type: 'function', name: 'usdc', inputs: [], outputs: [{ type: 'address' }], stateMutability: 'view' }] as const, functionName: 'usdc' }) }
  const offRamp = world.people.haloBank.address
  const limits = { address: world.pau.rateLimits, abi: rateLimitsAbi } as const
  for (const key of [LIMIT.USDS_TO_USDC, LIMIT.USDC_TO_USDS]) await devnet.write(devnet.accounts.govOps, { ...limits, functionName: 'setRateLimitData', args: [key, UNLIMITED, 0n] })
  // The gated off-ramp: an attestation registry on the Controller (govOps is its admin in this
  // world, the deployer stands in for the timelock) and only the LIMIT_SLEEVE_OFFRAMP key open.
  const { deployer: registryTimelock, council: registryCouncil, attestor: registryAttestor, govOps: registryAdmin } = devnet.accounts
  const attestationRegistry = await deployAttestationRegistry(devnet, { deployer: registryTimelock, councilBeacon: registryCouncil.address, timelock: registryTimelock.address })
  await devnet.write(registryTimelock, { address: attestationRegistry, abi: attestationRegistryAbi, functionName: 'addAttestor', args: [registryAttestor.address] })
  await devnet.write(registryAdmin, { address: world.pau.controller, abi: controllerAbi, functionName: 'setAttestationRegistry', args: [attestationRegistry] })
  const transferKey = rateLimitKey(LIMIT.SLEEVE_OFFRAMP, assets.usdc, offRamp)
  await devnet.write(devnet.accounts.govOps, { ...limits, functionName: 'setRateLimitData', args: [transferKey, UNLIMITED, 0n] })
  if (options.offRampMaxUsdc !== undefined) await devnet.write(devnet.accounts.govOps, { ...limits, functionName: 'setRateLimitData', args: [transferKey, options.offRampMaxUsdc, 0n] })

  // Scenario clock (see the file comment).
  // Scenario day 0 10:00 lies one day after setup, so setup blocks never overtake it.
  const chainStart = (await devnet.now()) + BigInt(DAY)
  let current = new Date(SEED_START - DAY * 1000)
  const sync = async () => {
    current = new Date(SEED_START + Number((await devnet.now()) - chainStart) * 1000)
    return current
  }
  /** Move chain (and so Synome and beacons) to day `day` at `hhmm` of the scenario calendar. */
  const at = async (day: number, hhmm = '10:00') => {
    const [h, m] = hhmm.split(':').map(Number) as [number, number]
    const target = SEED_START + (day * DAY + (h - 10) * 3600 + m * 60) * 1000
    const seconds = BigInt(Math.round((target - SEED_START) / 1000))
    const next = chainStart + seconds
    const latest = await devnet.now()
    if (next <= latest) throw new Error(`time only moves forward: day ${day} ${hhmm}`)
    await devnet.testClient.setNextBlockTimestamp({ timestamp: next })
    await devnet.testClient.mine({ blocks: 1 })
    return sync()
  }
  const iso = (day: number, hhmm = '10:00') => {
    const [h, m] = hhmm.split(':').map(Number) as [number, number]
    return new Date(SEED_START + (day * DAY + (h - 10) * 3600 + m * 60) * 1000).toISOString().replace('.000Z', 'Z')
  }

  const { relayer, attestor, council, deployer } = devnet.accounts
  const synomeService: SynomeService = await createSynome({
    dataDir: null,
    clock: () => current,
    roles: [
      { address: relayer.address, role: 'nfat', haloClasses: [HALO_CLASS] },
      { address: attestor.address, role: 'attest', haloClasses: [HALO_CLASS] },
      { address: council.address, role: 'council', haloClasses: [] },
    ],
  })
  const clock = () => current
  const councilClient = createInProcessClient({ service: synomeService, account: council, clock })
  await councilClient.send('registerHaloClass', { haloClass: HALO_CLASS, facility: world.facility, description: 'Senior secured Term Halo' })
  await councilClient.send('publishRiskFramework', { version: 'rf-1', document: { ...riskFrameworkDocument, riskData: { schemaVersions: { '1.0': { jsonSchema: { type: 'object' } } } } } })
  const nfatSynome = createInProcessClient({ service: synomeService, account: relayer, clock })
  const attestSynome = createInProcessClient({ service: synomeService, account: attestor, clock })

  const chain = createNfatChain(devnet.publicClient, {
    facility: world.facility,
    controller: world.pau.controller,
    rateLimits: world.pau.rateLimits,
    almProxy: world.almProxy,
    usdc: assets.usdc,
    offRamp,
    fromBlock: 0n,
    finalityDepth: options.finalityDepth ?? 0,
  })
  const log = pino({ level: process.env.LOG_LEVEL ?? 'silent' })
  const metrics = createNfatMetrics()
  const config = classConfig(world, options.config)

  let txs = new TxJournal({ path: join(dir, 'txs.jsonl'), account: relayer, publicClient: devnet.publicClient, finalityDepth: options.finalityDepth ?? 0, clock: () => current })
  let ledger = new BankLedger(join(dir, 'bank.jsonl'))
  // The devnet bank's on-ramp: USDC minted to the ALMProxy by the USDC owner, journaled so a
  // retry after a crash is the same transaction.
  let bankTxs = new TxJournal({ path: join(dir, 'bank-txs.jsonl'), account: deployer, publicClient: devnet.publicClient, finalityDepth: 0 })
  const attestTxs = new TxJournal({ path: join(dir, 'attest-txs.jsonl'), account: attestor, publicClient: devnet.publicClient, finalityDepth: 0 })
  const registry = createAttestationRegistry(devnet.publicClient, attestationRegistry)
  const makeBank = () =>
    createDevnetBank({
      ledger,
      receiptDelaySeconds: options.receiptDelaySeconds === undefined ? 20 * 3600 : options.receiptDelaySeconds,
      onRamp: async ({ returnId, amountUsdc }) => {
        const state = await bankTxs.send(`onramp:${returnId}`, { to: assets.usdc, data: encodeFunctionData({ abi: usdcAbi, functionName: 'mint', args: [world.almProxy, amountUsdc] }) })
        return { txHash: state.hash }
      },
    })
  let bank = makeBank()

  const scenario = {
    world,
    devnet,
    dir,
    synome: synomeService,
    nfatSynome,
    attestSynome,
    chain,
    metrics,
    config,
    get ledger() {
      return ledger
    },
    get bank() {
      return bank
    },
    get txs() {
      return txs
    },
    at,
    iso,
    now: clock,
    offRamp,
    usdc: assets.usdc,
    attestationRegistry,
    /** One lpha-nfat tick at the current scenario time. */
    nfatTick: async () => {
      const report = await reconcileTick({ config, synome: nfatSynome, chain, txs, bank, now: clock, log, metrics })
      if (report.errors.length > 0) throw new Error(`lpha-nfat tick failed: ${JSON.stringify(report.errors)}`)
      return report
    },
    /** The Halo's GovOps writes down the shortfall of units repaid at a loss (src/devnet/govOpsWriteDowns.ts). */
    govOpsWriteDowns: async () => {
      const units = (await synomeService.list<{ unitId: number; state: string; principal: string; repaymentAmount: string | null }>({ type: 'unit', limit: 1000 })).items.map((i) => i.data)
      return writeDownShortfalls(devnet, { facility: world.facility, govOps: devnet.accounts.govOps, units })
    },
    /** One lpha-attest (rule mode) tick. */
    attestTick: () => attestTick({ synome: attestSynome, identity: { haloClass: HALO_CLASS, idPrefix: 'att-', firstNumber: 101 }, rules: attestRules, now: current, log, onChain: { registry, txs: attestTxs } }),
    /** chain time + this = scenario time (for a beacon process's `clock`). */
    chainOffsetSeconds: SEED_START / 1000 - Number(chainStart),
    /** Let another process own the beacon's state dir (closes the journals and their locks). */
    suspendBeacon() {
      txs.close()
      ledger.close()
      bankTxs.close()
    },
    /** Reopen the beacon's durable state, as a restarted process would. */
    restartBeacon() {
      txs.close()
      ledger.close()
      bankTxs.close()
      txs = new TxJournal({ path: join(dir, 'txs.jsonl'), account: relayer, publicClient: devnet.publicClient, finalityDepth: options.finalityDepth ?? 0, clock: () => current })
      ledger = new BankLedger(join(dir, 'bank.jsonl'))
      bankTxs = new TxJournal({ path: join(dir, 'bank-txs.jsonl'), account: deployer, publicClient: devnet.publicClient, finalityDepth: 0 })
      bank = makeBank()
    },
    sleeve: async (sleeveId = 'sleeve-7') => (await synomeService.get<Record<string, unknown>>('sleeve', sleeveId)).data,
    unit: async (unitId: number) => (await synomeService.get<Record<string, unknown>>('unit', String(unitId))).data,
    usdcBalance: (who: Address) => devnet.publicClient.readContract({ address: assets.usdc, abi: usdcAbi, functionName: 'balanceOf', args: [who] }),
    async close() {
      txs.close()
      ledger.close()
      bankTxs.close()
      attestTxs.close()
      await synomeService.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
  return scenario
}

/** A fresh HD account (for a faulty lpha-nfat key etc.). */
export const extraAccount = (index: number) => mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: index })

type Prime = 'spark' | 'grove' | 'keel'

/**
 * Deposit, then tick lpha-nfat and lpha-attest through filling, offboarding and deployment
 * until `sleeveId` is AT_REST, starting on `startDay` (each phase one scenario day apart).
 */
export async function runToAtRest(s: Scenario, deposits: ReadonlyArray<readonly [Prime, bigint]>, startDay: number, sleeveId = 'sleeve-7'): Promise<number> {
  let day = startDay
  await s.at(day, '09:00')
  for (const [prime, amount] of deposits) await s.world.deposit(s.world.people[prime], amount)
  // Bounded: filling, offboarding, gate, transfer, receipt, at-rest diligence.
  for (let round = 0; round < 40; round++) {
    await s.at(day, '10:00')
    await s.nfatTick()
    await s.attestTick()
    await s.at(day, '10:30')
    await s.nfatTick()
    const state = (await s.sleeve(sleeveId)).state
    if (state === 'AT_REST') return day
    // Deployment diligence takes the attestor's configured time: jump over it.
    day += state === 'DEPLOYING' ? attestRules.atRestAfterSeconds / DAY : 1
  }
  throw new Error(`${sleeveId} did not reach AT_REST`)
}

/** Seed deposits (Spark 30M, Grove 25M, Keel 20M) swept on day 0; day 1 OFFBOARDING with 75M USDC, at the gate. */
export async function fillAndOffboard(s: Scenario): Promise<void> {
  const { world } = s
  await s.at(0, '09:00')
  for (const [prime, amount] of [['spark', M('30')], ['grove', M('25')], ['keel', M('20')]] as const) await world.deposit(world.people[prime], amount)
  await s.at(0, '10:00')
  await s.nfatTick()
  await s.at(1, '10:00')
  await s.nfatTick()
}
