/**
 * The Halo Factory on chain, from TypeScript: deploy the template implementations, the
 * template registry and the factory; build a Term template; predict, deploy and execute.
 * Every function takes the clients and named parameters like the rest of src/chain/deploy/.
 */
import type { TradingPoolParams as PoolParams } from '../chain/deploy/deployTradingPool.js'
import { parseEventLogs, stringToHex, type Account, type Address, type Hex } from 'viem'
import {
  almProxyAbi,
  almProxyBytecode,
  almProxyImmutableRanges,
  beamTimeLockAbi,
  controllerAbi,
  controllerBytecode,
  controllerImmutableRanges,
  haloFactoryAbi,
  haloFactoryBytecode,
  haloTemplateRegistryAbi,
  haloTemplateRegistryBytecode,
  lctsQueueAbi,
  lctsQueueBytecode,
  lctsQueueImmutableRanges,
  lctsTokenAbi,
  lctsTokenBytecode,
  lctsTokenImmutableRanges,
  tradingPoolAbi,
  tradingPoolBytecode,
  tradingPoolImmutableRanges,
  tradingPoolFactoryAbi,
  tradingPoolFactoryBytecode,
  nfatFacilityAbi,
  nfatFacilityBytecode,
  nfatFacilityImmutableRanges,
  portfolioHaloClassAbi,
  portfolioHaloClassBytecode,
  portfolioHaloClassImmutableRanges,
  portfolioUnitTokenAbi,
  portfolioUnitTokenBytecode,
  portfolioUnitTokenImmutableRanges,
  rateLimitsAbi,
  rateLimitsBytecode,
  rateLimitsImmutableRanges,
  allErrorsAbi,
} from '../chain/generated/index.js'
import { deployContract, writeAndWait, type ChainClients } from '../chain/devnet.js'
import { FactoryError } from './errors.js'

const ZERO = '0x0000000000000000000000000000000000000000' as const

export const KIND_TERM = 1
export const KIND_PORTFOLIO = 2
export const KIND_TRADING = 3

export type Range = { min: bigint; max: bigint }
export type TemplateRanges = {
  /** A unit's claim init (max per day), USDS base units. */
  unitCapacity: Range
  seniority: Range
  yieldBps: Range
  termSeconds: Range
  /** Smallest and largest buybox ticket, USDS base units. */
  buyboxTicket: Range
  /** The class's standard inits (PSM swap keys), max per day. */
  initRateLimit: Range
}
export type TemplateStruct = TemplateRanges & {
  kind: number
  classContracts: number
  implementations: readonly Address[]
  immutableRanges: readonly (readonly bigint[])[]
}
export type TermImplementations = { almProxy: Address; controller: Address; rateLimits: Address; nfatFacility: Address }
export type TradingImplementations = { almProxy: Address; controller: Address; rateLimits: Address; tradingPool: Address; lctsToken: Address; lctsQueue: Address }
export type PortfolioImplementations = { almProxy: Address; controller: Address; rateLimits: Address; portfolioHaloClass: Address; portfolioUnitToken: Address; lctsQueue: Address }

export type ClassParams = {
  govOps: Address
  /** Term: lpha-nfat's pBEAM (claimer). Portfolio: lpha-lcts's key (the class's settler). */
  beaconOperator: Address
  freezer: Address
  /** The class's standard inits, max per day: the PSM swap keys; Portfolio also its two transfer keys. */
  swapRateLimit: bigint
  /** Portfolio: where the asset manager takes USDS. Term: the zero address (omit it). */
  managerEndpoint?: Address | undefined
  artifactHash: Hex
}
/** One unit of a Portfolio book (a tranche): template ranges unitCapacity, seniority, yieldBps, buyboxTicket. */
export type PortfolioUnitParams = {
  /** The unit's maximum NAV (lpha-lcts's subscription capacity), USDS base units. */
  capacity: bigint
  /** 0 = most senior; the book's most junior rank is residual (yieldBps 0). */
  rank: number
  yieldBps: bigint
  dustThreshold: bigint
  name: string
  symbol: string
  artifactHash: Hex
}
/** A Portfolio book: its accrual window (template range termSeconds) and 1–8 units. */
export type PortfolioBookParams = { accrualSeconds: bigint; units: readonly PortfolioUnitParams[] }
export type PortfolioUnitAddresses = { token: Address; subscribeQueue: Address; redeemQueue: Address }
export type UnitParams = {
  capacity: bigint
  seniority: bigint
  yieldBps: bigint
  termSeconds: bigint
  buyboxMinTicket: bigint
  buyboxMaxTicket: bigint
  firstTokenId: bigint
  name: string
  symbol: string
  artifactHash: Hex
}

/** A template id is its name, at most 31 bytes, as bytes32 (readable on chain and in events). */
export function templateIdOf(name: string): Hex {
  if (new TextEncoder().encode(name).length > 31) throw new FactoryError(`template name ${name} is longer than 31 bytes`)
  return stringToHex(name, { size: 32 })
}

/** (start << 128 | length) per immutable, as HaloTemplateRegistry takes them. */
export function packRanges(ranges: ReadonlyArray<readonly [number, number]>): bigint[] {
  return ranges.map(([start, length]) => (BigInt(start) << 128n) | BigInt(length))
}

/** A Term template: PAU (ALMProxy, Controller, RateLimits) per class, one NFAT Facility per unit. */
export function termTemplate(implementations: TermImplementations, ranges: TemplateRanges): TemplateStruct {
  return {
    kind: KIND_TERM,
    classContracts: 3,
    implementations: [implementations.almProxy, implementations.controller, implementations.rateLimits, implementations.nfatFacility],
    immutableRanges: [
      packRanges(almProxyImmutableRanges),
      packRanges(controllerImmutableRanges),
      packRanges(rateLimitsImmutableRanges),
      packRanges(nfatFacilityImmutableRanges),
    ],
    ...ranges,
  }
}

/** A Portfolio template: PAU and PortfolioHaloClass per class; per unit a PortfolioUnitToken and two LCTS queues (one implementation). */
export function portfolioTemplate(implementations: PortfolioImplementations, ranges: TemplateRanges): TemplateStruct {
  return {
    kind: KIND_PORTFOLIO,
    classContracts: 4,
    implementations: [implementations.almProxy, implementations.controller, implementations.rateLimits, implementations.portfolioHaloClass, implementations.portfolioUnitToken, implementations.lctsQueue],
    immutableRanges: [
      packRanges(almProxyImmutableRanges),
      packRanges(controllerImmutableRanges),
      packRanges(rateLimitsImmutableRanges),
      packRanges(portfolioHaloClassImmutableRanges),
      packRanges(portfolioUnitTokenImmutableRanges),
      packRanges(lctsQueueImmutableRanges),
    ],
    ...ranges,
  }
}

/**
 * A Trading template: the PAU per class (deployed by HaloFactory.deployClass, the Term batch);
 * per unit a TradingPool, its LCTS share token and two LCTS queues (TradingPoolFactory.deployPool).
 * The ranges map onto the template's fields: yieldBps = bid and ask spread, seniority =
 * maxDeviationBps, termSeconds = maxOracleAgeSeconds, buyboxTicket = maxInventory valued at the
 * reference NAV (USDS), unitCapacity = the pool's init rate limits (USDS per day), initRateLimit =
 * the class PSM swap inits.
 */
export function tradingTemplate(implementations: TradingImplementations, ranges: TemplateRanges): TemplateStruct {
  return {
    kind: KIND_TRADING,
    classContracts: 3,
    implementations: [implementations.almProxy, implementations.controller, implementations.rateLimits, implementations.tradingPool, implementations.lctsToken, implementations.lctsQueue],
    immutableRanges: [
      packRanges(almProxyImmutableRanges),
      packRanges(controllerImmutableRanges),
      packRanges(rateLimitsImmutableRanges),
      packRanges(tradingPoolImmutableRanges),
      packRanges(lctsTokenImmutableRanges),
      packRanges(lctsQueueImmutableRanges),
    ],
    ...ranges,
  }
}

/** The locked implementations of a Trading template; the PAU and queue ones are shared with the other templates when given. */
export async function deployTradingImplementations(clients: ChainClients, p: { deployer: Account; pau?: Pick<TermImplementations, 'almProxy' | 'controller' | 'rateLimits'>; lctsQueue?: Address }): Promise<TradingImplementations> {
  const account = p.deployer
  const pau = p.pau ?? (await deployTermImplementations(clients, p))
  const zeroParams = { oracle: ZERO, issuer: ZERO, bidSpreadBps: 0, askSpreadBps: 0, maxDeviationBps: 0, maxOracleAgeSeconds: 0, maxInventory: 0n }
  const tradingPool = await deployContract(clients, { abi: tradingPoolAbi, bytecode: tradingPoolBytecode, args: [ZERO, ZERO, ZERO, ZERO, ZERO, ZERO, ZERO, zeroParams, 0n], account })
  const lctsToken = await deployContract(clients, { abi: lctsTokenAbi, bytecode: lctsTokenBytecode, args: ['', '', ZERO], account })
  const lctsQueue = p.lctsQueue ?? (await deployContract(clients, { abi: lctsQueueAbi, bytecode: lctsQueueBytecode, args: [ZERO, ZERO, 0n, ZERO, ZERO], account }))
  return { almProxy: pau.almProxy, controller: pau.controller, rateLimits: pau.rateLimits, tradingPool, lctsToken, lctsQueue }
}

/** The locked implementations of a Portfolio template; the PAU ones are shared with a Term template when given. */
export async function deployPortfolioImplementations(clients: ChainClients, p: { deployer: Account; pau?: Pick<TermImplementations, 'almProxy' | 'controller' | 'rateLimits'> }): Promise<PortfolioImplementations> {
  const account = p.deployer
  const pau = p.pau ?? (await deployTermImplementations(clients, p))
  const portfolioHaloClass = await deployContract(clients, { abi: portfolioHaloClassAbi, bytecode: portfolioHaloClassBytecode, args: [ZERO, ZERO, ZERO, ZERO], account })
  const portfolioUnitToken = await deployContract(clients, { abi: portfolioUnitTokenAbi, bytecode: portfolioUnitTokenBytecode, args: ['', '', ZERO], account })
  const lctsQueue = await deployContract(clients, { abi: lctsQueueAbi, bytecode: lctsQueueBytecode, args: [ZERO, ZERO, 0n, ZERO, ZERO], account })
  return { almProxy: pau.almProxy, controller: pau.controller, rateLimits: pau.rateLimits, portfolioHaloClass, portfolioUnitToken, lctsQueue }
}

/** The locked implementations of a Term template (constructors given only zero addresses). */
export async function deployTermImplementations(clients: ChainClients, p: { deployer: Account }): Promise<TermImplementations> {
  const account = p.deployer
  const almProxy = await deployContract(clients, { abi: almProxyAbi, bytecode: almProxyBytecode, args: [ZERO], account })
  const controller = await deployContract(clients, { abi: controllerAbi, bytecode: controllerBytecode, args: [ZERO, ZERO, ZERO, ZERO, ZERO, ZERO, ZERO], account })
  const rateLimits = await deployContract(clients, { abi: rateLimitsAbi, bytecode: rateLimitsBytecode, args: [ZERO], account })
  const nfatFacility = await deployContract(clients, {
    abi: nfatFacilityAbi,
    bytecode: nfatFacilityBytecode,
    args: [{ usds: ZERO, almProxy: ZERO, admin: ZERO, claimer: ZERO, funder: ZERO, pauser: ZERO, writeDowner: ZERO, name: '', symbol: '', firstTokenId: 0n, rateLimits: ZERO }],
    account,
  })
  return { almProxy, controller, rateLimits, nfatFacility }
}

export type DeployHaloFactoryParameters = {
  deployer: Account
  /** Council Beacon: appoints the registry's aBEAMs and makes the factory a timelock proposer. */
  councilBeacon: Account
  aBEAMs: readonly Address[]
  configuratorUnit: { timelock: Address; beamState: Address; configurator: Address }
  assets: { usds: Address; usdc: Address; psm: Address }
}
/** `tradingFactory`: the TradingPoolFactory that deploys a Trading class's pools (HaloFactory has no room for them). */
export type HaloFactoryDeployment = { registry: Address; factory: Address; tradingFactory: Address }

/**
 * Registry and factory for one Configurator Unit. The Council Beacon appoints the aBEAMs on the
 * registry (instant template removal, inventory) and grants the factory PROPOSER on the
 * BEAMTimeLock, the one role the factory holds: it schedules each deployment's batch. The
 * TradingPoolFactory (Trading units, reading the classes from the factory) gets the same.
 */
export async function deployHaloFactory(clients: ChainClients, p: DeployHaloFactoryParameters): Promise<HaloFactoryDeployment> {
  const { timelock, beamState, configurator } = p.configuratorUnit
  const registry = await deployContract(clients, { abi: haloTemplateRegistryAbi, bytecode: haloTemplateRegistryBytecode, args: [p.councilBeacon.address, timelock], account: p.deployer })
  const factory = await deployContract(clients, {
    abi: haloFactoryAbi,
    bytecode: haloFactoryBytecode,
    args: [registry, timelock, configurator, beamState, p.assets.usds, p.assets.usdc, p.assets.psm],
    account: p.deployer,
  })
  const tradingFactory = await deployContract(clients, { abi: tradingPoolFactoryAbi, bytecode: tradingPoolFactoryBytecode, args: [factory], account: p.deployer })
  const aBEAMRole = await clients.publicClient.readContract({ address: registry, abi: haloTemplateRegistryAbi, functionName: 'ABEAM_ROLE' })
  for (const aBEAM of p.aBEAMs) {
    await writeAndWait(clients, p.councilBeacon, { address: registry, abi: haloTemplateRegistryAbi, functionName: 'grantRole', args: [aBEAMRole, aBEAM] })
  }
  const proposer = await clients.publicClient.readContract({ address: timelock, abi: beamTimeLockAbi, functionName: 'PROPOSER_ROLE' })
  for (const account of [factory, tradingFactory]) {
    await writeAndWait(clients, p.councilBeacon, { address: timelock, abi: beamTimeLockAbi, functionName: 'grantRole', args: [proposer, account] })
  }
  return { registry, factory, tradingFactory }
}

/** Reverts raised by the registry under the factory decode by name. */
const factoryAbiWithErrors = [...haloFactoryAbi, ...allErrorsAbi] as const

/** `haloClass`: the PortfolioHaloClass of a Portfolio class (absent for Term). */
export type ClassAddresses = { pau: Address; controller: Address; rateLimits: Address; haloClass?: Address }

/** The contract's ClassParams (managerEndpoint zero when omitted). */
export const classArgs = (params: ClassParams) => ({ ...params, managerEndpoint: params.managerEndpoint ?? ZERO })
const withHaloClass = (haloClass: Address) => (haloClass === ZERO ? {} : { haloClass })

export async function predictClass(clients: ChainClients, p: { factory: Address; deployer: Address; templateId: Hex; params: ClassParams; salt: Hex }): Promise<ClassAddresses> {
  const [pau, controller, rateLimits, haloClass] = await clients.publicClient.readContract({
    address: p.factory,
    abi: factoryAbiWithErrors,
    functionName: 'predictClass',
    args: [p.deployer, p.templateId, classArgs(p.params), p.salt],
  })
  return { pau, controller, rateLimits, ...withHaloClass(haloClass) }
}

const bookArgs = (units: readonly PortfolioUnitParams[]) => units.map((u) => ({ ...u }))

/** The addresses of a Portfolio book's units (token and queue pair each), in the order given. */
export async function predictBook(clients: ChainClients, p: { factory: Address; deployer: Address; pau: Address; book: PortfolioBookParams; salt: Hex }): Promise<PortfolioUnitAddresses[]> {
  const units = await clients.publicClient.readContract({
    address: p.factory,
    abi: factoryAbiWithErrors,
    functionName: 'predictBook',
    args: [p.deployer, p.pau, p.book.accrualSeconds, bookArgs(p.book.units), p.salt],
  })
  return units.map((u) => ({ token: u.token, subscribeQueue: u.subscribeQueue, redeemQueue: u.redeemQueue }))
}

export async function predictUnit(clients: ChainClients, p: { factory: Address; deployer: Address; pau: Address; params: UnitParams; salt: Hex }): Promise<Address> {
  return clients.publicClient.readContract({ address: p.factory, abi: factoryAbiWithErrors, functionName: 'predictUnit', args: [p.deployer, p.pau, unitArgs(p.params), p.salt] })
}

const unitArgs = (params: UnitParams) => ({ ...params, firstTokenId: params.firstTokenId })

export type DeployedClass = ClassAddresses & { timelockBatchId: Hex; blockNumber: bigint; txHash: Hex }
/** `salt`: the book's effective salt (bound to deployer, class and parameters; the event's, part of the Synome book id). */
export type DeployedBook = { pau: Address; haloClass: Address; units: PortfolioUnitAddresses[]; salt: Hex; timelockBatchId: Hex; blockNumber: bigint; txHash: Hex }
export type DeployedUnit = { unit: Address; pau: Address; timelockBatchId: Hex; blockNumber: bigint; txHash: Hex }

export async function deployClass(clients: ChainClients, p: { factory: Address; account: Account; templateId: Hex; params: ClassParams; salt: Hex }): Promise<DeployedClass> {
  const receipt = await writeAndWait(clients, p.account, { address: p.factory, abi: haloFactoryAbi, functionName: 'deployClass', args: [p.templateId, classArgs(p.params), p.salt] })
  const [log] = parseEventLogs({ abi: haloFactoryAbi, eventName: 'HaloClassDeployed', logs: receipt.logs })
  if (!log) throw new FactoryError('deployClass emitted no HaloClassDeployed', { details: `tx ${receipt.transactionHash}` })
  const { pau, controller, rateLimits, haloClass, timelockBatchId } = log.args
  return { pau, controller, rateLimits, ...withHaloClass(haloClass), timelockBatchId, blockNumber: receipt.blockNumber, txHash: receipt.transactionHash }
}

/** GovOps adds a book of units to a Portfolio class; the timelock batch (after the class's) runs addBook. */
export async function deployBook(clients: ChainClients, p: { factory: Address; account: Account; pau: Address; book: PortfolioBookParams; salt: Hex }): Promise<DeployedBook> {
  const receipt = await writeAndWait(clients, p.account, { address: p.factory, abi: haloFactoryAbi, functionName: 'deployBook', args: [p.pau, p.book.accrualSeconds, bookArgs(p.book.units), p.salt] })
  const [log] = parseEventLogs({ abi: haloFactoryAbi, eventName: 'PortfolioBookDeployed', logs: receipt.logs })
  if (!log) throw new FactoryError('deployBook emitted no PortfolioBookDeployed', { details: `tx ${receipt.transactionHash}` })
  const units = log.args.units.map((u) => ({ token: u.token, subscribeQueue: u.subscribeQueue, redeemQueue: u.redeemQueue }))
  return { pau: log.args.pau, haloClass: log.args.haloClass, units, salt: log.args.salt, timelockBatchId: log.args.timelockBatchId, blockNumber: receipt.blockNumber, txHash: receipt.transactionHash }
}

export async function deployUnit(clients: ChainClients, p: { factory: Address; account: Account; pau: Address; params: UnitParams; salt: Hex }): Promise<DeployedUnit> {
  const receipt = await writeAndWait(clients, p.account, { address: p.factory, abi: haloFactoryAbi, functionName: 'deployUnit', args: [p.pau, unitArgs(p.params), p.salt] })
  const [log] = parseEventLogs({ abi: haloFactoryAbi, eventName: 'HaloUnitDeployed', logs: receipt.logs })
  if (!log) throw new FactoryError('deployUnit emitted no HaloUnitDeployed', { details: `tx ${receipt.transactionHash}` })
  return { unit: log.args.unit, pau: log.args.pau, timelockBatchId: log.args.timelockBatchId, blockNumber: receipt.blockNumber, txHash: receipt.transactionHash }
}

// ---------------------------------------------------------------- Trading units (TradingPoolFactory)

/** One Trading Halo Unit (a USDS/asset pool): template ranges yieldBps (both spreads), seniority (maxDeviationBps), termSeconds (maxOracleAgeSeconds), buyboxTicket (maxInventory at the reference NAV), unitCapacity (capacity). */
export type TradingPoolParams = PoolParams & {
  asset: Address
  referencePriceWad: bigint
  /** The init (max per day) of the pool's USDS keys; its asset keys get the same at the reference NAV. */
  capacity: bigint
  name: string
  symbol: string
  artifactHash: Hex
}
export type TradingPoolAddresses = { pool: Address; shareToken: Address; subscribeQueue: Address; redeemQueue: Address }
export type DeployedPool = TradingPoolAddresses & { pau: Address; salt: Hex; timelockBatchId: Hex; blockNumber: bigint; txHash: Hex }

const poolFactoryAbiWithErrors = [...tradingPoolFactoryAbi, ...allErrorsAbi] as const
const poolAddresses = (a: TradingPoolAddresses): TradingPoolAddresses => ({ pool: a.pool, shareToken: a.shareToken, subscribeQueue: a.subscribeQueue, redeemQueue: a.redeemQueue })

export async function predictPool(clients: ChainClients, p: { tradingFactory: Address; deployer: Address; pau: Address; params: TradingPoolParams; salt: Hex }): Promise<TradingPoolAddresses> {
  const a = await clients.publicClient.readContract({ address: p.tradingFactory, abi: poolFactoryAbiWithErrors, functionName: 'predictPool', args: [p.deployer, p.pau, p.params, p.salt] })
  return poolAddresses(a)
}

/** GovOps adds a pool to a Trading class; its timelock batch (after the class's) lets the pool use the PAU's RateLimits and adds its LIMIT_AMM_* inits. */
export async function deployPool(clients: ChainClients, p: { tradingFactory: Address; account: Account; pau: Address; params: TradingPoolParams; salt: Hex }): Promise<DeployedPool> {
  const receipt = await writeAndWait(clients, p.account, { address: p.tradingFactory, abi: poolFactoryAbiWithErrors, functionName: 'deployPool', args: [p.pau, p.params, p.salt] })
  const [log] = parseEventLogs({ abi: tradingPoolFactoryAbi, eventName: 'TradingPoolDeployed', logs: receipt.logs })
  if (!log) throw new FactoryError('deployPool emitted no TradingPoolDeployed', { details: `tx ${receipt.transactionHash}` })
  return { ...poolAddresses(log.args.addresses), pau: log.args.pau, salt: log.args.salt, timelockBatchId: log.args.timelockBatchId, blockNumber: receipt.blockNumber, txHash: receipt.transactionHash }
}
