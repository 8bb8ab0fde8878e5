/**
 * The inputs of a deployed class's or unit's artifact, read from the factory (its metadata
 * events and views): what `halo artifact` renders and `halo day0` compares with.
 */
import { erc20Abi, getAddress, hexToString, type Address, type Chain, type PublicClient, type Transport } from 'viem'
import { haloFactoryAbi, haloTemplateRegistryAbi } from '../chain/generated/index.js'
import { KIND_TRADING } from './chain.js'
import { NotFoundError } from '../domain/errors.js'
import type { SynomeClient } from '../synome/client/types.js'
import type { FactoryBookRecord, FactoryClassRecord } from '../synome/commands/factory/records.js'
import type { PortfolioBookParams, PortfolioUnitAddresses, TradingPoolAddresses, TradingPoolParams } from './chain.js'
import { PORTFOLIO_BOOK, type PortfolioBookRecord } from '../synome/commands/portfolio/records.js'
import type { HaloArtifactInput, PortfolioHaloArtifactInput, PortfolioUnitArtifactInput, PortfolioWarningSignals, TradingHaloArtifactInput, TradingHaloPool, TradingUnitArtifactInput, UnitArtifactInput } from './artifact.js'
import { FactoryError } from './errors.js'
import { bookUnitRecord, readFactoryDeployments, tradingPoolRecord } from './reader.js'

export const templateNameOf = (templateId: `0x${string}`) => hexToString(templateId, { size: 32 }).replace(/\0+$/, '')

export async function haloArtifactInput(p: { publicClient: PublicClient<Transport, Chain>; factory: Address; pau: Address; fromBlock?: bigint }): Promise<HaloArtifactInput> {
  const { classes } = await readFactoryDeployments({ publicClient: p.publicClient, factory: p.factory, fromBlock: p.fromBlock ?? 0n, finalityDepth: 0 })
  const c = classes.find((r) => r.pau === p.pau.toLowerCase())
  if (!c) throw new FactoryError(`${p.pau} is not a class of the factory ${p.factory}`)
  const read = (functionName: 'timelock' | 'configurator') => p.publicClient.readContract({ address: p.factory, abi: haloFactoryAbi, functionName })
  return {
    templateName: templateNameOf(c.templateId as `0x${string}`),
    templateVersion: c.templateVersion,
    chainId: p.publicClient.chain.id,
    factory: c.factory,
    pau: c.pau,
    controller: c.controller,
    rateLimits: c.rateLimits,
    timelock: (await read('timelock')).toLowerCase(),
    configurator: (await read('configurator')).toLowerCase(),
    govOps: c.govOps,
    beaconOperator: c.beaconOperator,
    freezer: c.freezer,
    swapRateLimit: BigInt(c.swapRateLimit),
    timelockDelaySeconds: BigInt(c.timelockDelaySeconds),
  }
}

export async function unitArtifactInput(p: { publicClient: PublicClient<Transport, Chain>; factory: Address; unit: Address; fromBlock?: bigint }): Promise<UnitArtifactInput & { recordedArtifactHash: string }> {
  const { units, classes } = await readFactoryDeployments({ publicClient: p.publicClient, factory: p.factory, fromBlock: p.fromBlock ?? 0n, finalityDepth: 0 })
  const u = units.find((r) => r.unit === p.unit.toLowerCase())
  const c = u && classes.find((r) => r.pau === u.pau)
  if (!u || !c) throw new FactoryError(`${p.unit} is not a unit of the factory ${p.factory}`)
  return {
    templateName: templateNameOf(u.templateId as `0x${string}`),
    templateVersion: u.templateVersion,
    chainId: p.publicClient.chain.id,
    unit: getAddress(u.unit),
    pau: u.pau,
    beaconOperator: c.beaconOperator,
    freezer: c.freezer,
    govOps: c.govOps,
    capacity: BigInt(u.capacity),
    seniority: BigInt(u.seniority),
    yieldBps: BigInt(u.yieldBps),
    termSeconds: BigInt(u.termSeconds),
    buyboxMinTicket: BigInt(u.buyboxMinTicket),
    buyboxMaxTicket: BigInt(u.buyboxMaxTicket),
    firstTokenId: BigInt(u.firstTokenId),
    name: u.name,
    symbol: u.symbol,
    recordedArtifactHash: u.artifactHash,
  }
}

// ---------------------------------------------------------------- Portfolio (LCTS)

type Client = PublicClient<Transport, Chain>
export type PortfolioClassSource = FactoryClassRecord & { haloClass: string; managerEndpoint: string }
/** What a Portfolio unit's artifact is rendered from: a deployed book's record, or (before deploying) its parameters at the predicted addresses. */
export type PortfolioBookSource = Pick<FactoryBookRecord, 'templateId' | 'templateVersion' | 'accrualSeconds' | 'units'>

const isPortfolioClass = (c: FactoryClassRecord | undefined): c is PortfolioClassSource => c?.haloClass !== undefined && c.managerEndpoint !== undefined

/** The artifact input of unit `index` of a book (deployed or predicted): pure. */
export function portfolioUnitInputOf(p: { cls: PortfolioClassSource; book: PortfolioBookSource; index: number; chainId: number; usds: string; warningSignals?: PortfolioWarningSignals | undefined }): PortfolioUnitArtifactInput {
  const u = p.book.units[p.index]
  if (!u) throw new FactoryError(`the book has no unit ${p.index}`)
  const juniorRank = Math.max(...p.book.units.map((x) => x.rank))
  return {
    templateName: templateNameOf(p.book.templateId as `0x${string}`),
    templateVersion: p.book.templateVersion,
    chainId: p.chainId,
    token: u.token.toLowerCase(),
    subscribeQueue: u.subscribeQueue.toLowerCase(),
    redeemQueue: u.redeemQueue.toLowerCase(),
    pau: p.cls.pau,
    controller: p.cls.controller,
    haloClass: p.cls.haloClass,
    managerEndpoint: p.cls.managerEndpoint,
    usds: p.usds.toLowerCase(),
    beaconOperator: p.cls.beaconOperator,
    freezer: p.cls.freezer,
    govOps: p.cls.govOps,
    swapRateLimit: BigInt(p.cls.swapRateLimit),
    capacity: BigInt(u.capacity),
    rank: u.rank,
    residual: u.rank === juniorRank,
    yieldBps: BigInt(u.yieldBps),
    dustThreshold: BigInt(u.dustThreshold),
    accrualSeconds: BigInt(p.book.accrualSeconds),
    name: u.name,
    symbol: u.symbol,
    ...(p.warningSignals === undefined ? {} : { warningSignals: p.warningSignals }),
  }
}

/** The Portfolio unit whose token (or either queue) is `unit`, with its book and class, from the factory's events. */
export async function findPortfolioUnit(p: { publicClient: Client; factory: Address; unit: Address; fromBlock?: bigint }) {
  const { books, classes } = await readFactoryDeployments({ publicClient: p.publicClient, factory: p.factory, fromBlock: p.fromBlock ?? 0n, finalityDepth: 0 })
  const id = p.unit.toLowerCase()
  for (const book of books) {
    const index = book.units.findIndex((u) => u.token === id || u.subscribeQueue === id || u.redeemQueue === id)
    if (index < 0) continue
    const cls = classes.find((c) => c.pau === book.pau)
    if (!isPortfolioClass(cls)) throw new FactoryError(`the book of ${p.unit} names class ${book.pau}, which is not a Portfolio class of the factory`)
    return { book, index, unit: book.units[index]!, cls }
  }
  return undefined
}

/** The unit's warning signals as the Synome records them (portfolioBook `<haloClass>:<salt>`), or undefined. */
export async function recordedWarningSignals(synome: SynomeClient | undefined, bookId: string, token: string): Promise<PortfolioWarningSignals | undefined> {
  if (!synome) return undefined
  try {
    const record = (await synome.get<PortfolioBookRecord>(PORTFOLIO_BOOK, bookId)).data
    return record.units.find((u) => u.unitId === token.toLowerCase())?.warningSignals
  } catch (error) {
    if (error instanceof NotFoundError || (error as { code?: string }).code === 'NOT_FOUND') return undefined
    throw error
  }
}

export async function portfolioUnitArtifactInput(p: { publicClient: Client; factory: Address; unit: Address; fromBlock?: bigint; synome?: SynomeClient | undefined }): Promise<PortfolioUnitArtifactInput & { recordedArtifactHash: string; bookId: string }> {
  const found = await findPortfolioUnit(p)
  if (!found) throw new FactoryError(`${p.unit} is not a unit of the factory ${p.factory}`)
  const usds = await p.publicClient.readContract({ address: p.factory, abi: haloFactoryAbi, functionName: 'usds' })
  const warningSignals = await recordedWarningSignals(p.synome, found.book.bookId, found.unit.token)
  const input = portfolioUnitInputOf({ cls: found.cls, book: found.book, index: found.index, chainId: p.publicClient.chain.id, usds, warningSignals })
  return { ...input, recordedArtifactHash: found.unit.artifactHash, bookId: found.book.bookId }
}

/** A class's Halo Artifact input: Term, Portfolio (with its PortfolioHaloClass, manager endpoint and USDS) or Trading (its template's kind in the registry; its pools from the TradingPoolFactory's events). */
export async function anyHaloArtifactInput(p: { publicClient: Client; factory: Address; pau: Address; tradingFactory?: Address | undefined; fromBlock?: bigint }): Promise<
  { kind: 'term'; input: HaloArtifactInput } | { kind: 'portfolio'; input: PortfolioHaloArtifactInput } | { kind: 'trading'; input: TradingHaloArtifactInput }
> {
  const input = await haloArtifactInput(p)
  const { classes } = await readFactoryDeployments({ publicClient: p.publicClient, factory: p.factory, fromBlock: p.fromBlock ?? 0n, finalityDepth: 0 })
  const cls = classes.find((c) => c.pau === p.pau.toLowerCase())
  const usds = () => p.publicClient.readContract({ address: p.factory, abi: haloFactoryAbi, functionName: 'usds' })
  if (isPortfolioClass(cls)) return { kind: 'portfolio', input: { ...input, haloClass: cls.haloClass, managerEndpoint: cls.managerEndpoint, usds: (await usds()).toLowerCase() } }
  const registry = await p.publicClient.readContract({ address: p.factory, abi: haloFactoryAbi, functionName: 'registry' })
  const [template, rangesVersion] = await p.publicClient.readContract({ address: registry, abi: haloTemplateRegistryAbi, functionName: 'templateOf', args: [cls!.templateId as `0x${string}`] })
  if (template.kind !== KIND_TRADING) return { kind: 'term', input }
  if (!p.tradingFactory) throw new FactoryError(`${p.pau} is a Trading class: its Halo Artifact lists its pools, which needs the TradingPoolFactory (--trading-factory or HALO_TRADING_FACTORY)`)
  const { pools: books } = await readFactoryDeployments({ publicClient: p.publicClient, factory: p.factory, tradingFactory: p.tradingFactory, fromBlock: p.fromBlock ?? 0n, finalityDepth: 0 })
  const pools: TradingHaloPool[] = []
  for (const book of books.filter((b) => b.pau === cls!.pau)) {
    const t = book.trading!
    const asset = t.asset as Address
    pools.push({
      pool: book.haloClass,
      asset: t.asset,
      assetSymbol: await p.publicClient.readContract({ address: asset, abi: erc20Abi, functionName: 'symbol' }),
      assetDecimals: await p.publicClient.readContract({ address: asset, abi: erc20Abi, functionName: 'decimals' }),
      ...poolParametersOf(t, book.units[0]!.capacity),
    })
  }
  const range = (x: { min: bigint; max: bigint }) => ({ min: x.min, max: x.max })
  const ranges = { unitCapacity: range(template.unitCapacity), seniority: range(template.seniority), yieldBps: range(template.yieldBps), termSeconds: range(template.termSeconds), buyboxTicket: range(template.buyboxTicket), initRateLimit: range(template.initRateLimit) }
  return { kind: 'trading', input: { ...input, tradingFactory: p.tradingFactory.toLowerCase(), usds: (await usds()).toLowerCase(), rangesVersion: Number(rangesVersion), ranges, pools } }
}

/** The book source of a book not deployed yet: its parameters at the predicted addresses (`predictBook`). */
export function predictedBookSource(p: { templateId: string; templateVersion: number; book: PortfolioBookParams; predicted: readonly PortfolioUnitAddresses[] }): PortfolioBookSource {
  if (p.predicted.length !== p.book.units.length) throw new FactoryError(`${p.predicted.length} predicted units for a book of ${p.book.units.length}`)
  return {
    templateId: p.templateId.toLowerCase(),
    templateVersion: p.templateVersion,
    accrualSeconds: String(p.book.accrualSeconds),
    units: p.book.units.map((u, i) => bookUnitRecord(p.predicted[i]!, u)),
  }
}

/** The Portfolio class record of `pau` from the factory's events (a FactoryError when it is not one). */
export async function portfolioClassOf(p: { publicClient: Client; factory: Address; pau: Address; fromBlock?: bigint }): Promise<PortfolioClassSource> {
  const { classes } = await readFactoryDeployments({ publicClient: p.publicClient, factory: p.factory, fromBlock: p.fromBlock ?? 0n, finalityDepth: 0 })
  const cls = classes.find((c) => c.pau === p.pau.toLowerCase())
  if (!isPortfolioClass(cls)) throw new FactoryError(`${p.pau} is not a Portfolio class of the factory ${p.factory}`)
  return cls
}

// ---------------------------------------------------------------- Trading (AMM)

/** The Trading pool whose pool, share token or either queue is `unit`, with its class, from the factories' events; undefined when none. */
export async function findTradingPool(p: { publicClient: Client; factory: Address; tradingFactory: Address; unit: Address; fromBlock?: bigint }) {
  const { pools, classes } = await readFactoryDeployments({ publicClient: p.publicClient, factory: p.factory, tradingFactory: p.tradingFactory, fromBlock: p.fromBlock ?? 0n, finalityDepth: 0 })
  const id = p.unit.toLowerCase()
  const book = pools.find((b) => b.haloClass === id || b.units.some((u) => u.token === id || u.subscribeQueue === id || u.redeemQueue === id))
  if (!book) return undefined
  const cls = classes.find((c) => c.pau === book.pau)
  if (!cls || cls.haloClass !== undefined) throw new FactoryError(`the pool ${book.haloClass} names class ${book.pau}, which is not a Trading class of the factory`)
  return { book, cls }
}

/** What a pool's artifact is rendered from: its deployed book record, or (before deploying) its parameters at the predicted addresses. */
export type TradingPoolSource = Pick<FactoryBookRecord, 'kind' | 'haloClass' | 'templateId' | 'templateVersion' | 'units' | 'trading'>

/** The source of a pool not deployed yet: its parameters at the predicted addresses (`predictPool`), so its artifact hash can go into `deployPool`. */
export function predictedPoolSource(p: { templateId: string; templateVersion: number; params: TradingPoolParams; predicted: TradingPoolAddresses }): TradingPoolSource {
  const q = p.params
  return {
    kind: 'trading',
    haloClass: p.predicted.pool.toLowerCase(),
    templateId: p.templateId.toLowerCase(),
    templateVersion: p.templateVersion,
    units: [bookUnitRecord({ token: p.predicted.shareToken, subscribeQueue: p.predicted.subscribeQueue, redeemQueue: p.predicted.redeemQueue }, { capacity: q.capacity, rank: 0, yieldBps: 0, dustThreshold: 0n, name: q.name, symbol: q.symbol, artifactHash: q.artifactHash })],
    trading: tradingPoolRecord(q),
  }
}

/** A pool's parameters as both Trading artifacts show them: its book record's `trading` and its unit's capacity, amounts back in base units. */
function poolParametersOf(t: NonNullable<FactoryBookRecord['trading']>, capacity: string) {
  return {
    oracle: t.oracle,
    issuer: t.issuer,
    bidSpreadBps: t.bidSpreadBps,
    askSpreadBps: t.askSpreadBps,
    maxDeviationBps: t.maxDeviationBps,
    maxOracleAgeSeconds: t.maxOracleAgeSeconds,
    maxInventory: BigInt(t.maxInventory),
    referencePriceWad: BigInt(t.referencePriceWad),
    capacity: BigInt(capacity),
  }
}

/** The Unit Artifact input of a pool (book record of kind 'trading', deployed or predicted) in its class: pure. */
export function tradingUnitInputOf(p: { cls: FactoryClassRecord; book: TradingPoolSource; chainId: number; usds: string; timelock: string; assetSymbol: string; assetDecimals: number }): TradingUnitArtifactInput {
  const t = p.book.trading
  const u = p.book.units[0]
  if (p.book.kind !== 'trading' || !t || !u) throw new FactoryError(`book of ${p.book.haloClass} is not a Trading pool`)
  return {
    templateName: templateNameOf(p.book.templateId as `0x${string}`),
    templateVersion: p.book.templateVersion,
    chainId: p.chainId,
    pool: p.book.haloClass,
    shareToken: u.token,
    subscribeQueue: u.subscribeQueue,
    redeemQueue: u.redeemQueue,
    pau: p.cls.pau,
    rateLimits: p.cls.rateLimits,
    timelock: p.timelock.toLowerCase(),
    usds: p.usds.toLowerCase(),
    asset: t.asset,
    assetSymbol: p.assetSymbol,
    assetDecimals: p.assetDecimals,
    beaconOperator: p.cls.beaconOperator,
    freezer: p.cls.freezer,
    govOps: p.cls.govOps,
    ...poolParametersOf(t, u.capacity),
    name: u.name,
    symbol: u.symbol,
  }
}

export async function tradingUnitArtifactInput(p: { publicClient: Client; factory: Address; tradingFactory: Address; unit: Address; fromBlock?: bigint }): Promise<TradingUnitArtifactInput & { recordedArtifactHash: string; bookId: string }> {
  const found = await findTradingPool(p)
  if (!found) throw new FactoryError(`${p.unit} is not a pool of the TradingPoolFactory ${p.tradingFactory}`)
  const read = (functionName: 'usds' | 'timelock') => p.publicClient.readContract({ address: p.factory, abi: haloFactoryAbi, functionName })
  const asset = found.book.trading!.asset as Address
  const [assetSymbol, assetDecimals] = [await p.publicClient.readContract({ address: asset, abi: erc20Abi, functionName: 'symbol' }), await p.publicClient.readContract({ address: asset, abi: erc20Abi, functionName: 'decimals' })]
  const input = tradingUnitInputOf({ cls: found.cls, book: found.book, chainId: p.publicClient.chain.id, usds: await read('usds'), timelock: await read('timelock'), assetSymbol, assetDecimals })
  return { ...input, recordedArtifactHash: found.book.units[0]!.artifactHash, bookId: found.book.bookId }
}
