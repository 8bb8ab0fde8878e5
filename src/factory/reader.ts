/**
 * The reader of the Halo Factory's metadata events: every class and unit the factory deployed,
 * from `fromBlock` up to head − finalityDepth (like lpha-nfat: nothing shallower than the
 * finality depth is reported, so a reorg cannot produce a record that later disappears).
 * Pure reads, no state: call it with any `fromBlock` to replay. The Prime allocator uses it to
 * detect new units; ingestion (ingest.ts) turns the records into Synome records.
 *
 * Portfolio: a class's record names its PortfolioHaloClass (`haloClass`) and manager endpoint;
 * each PortfolioBookDeployed is a book record with its units' parameters and addresses.
 *
 *   const { classes, units, books, toBlock } = await readFactoryDeployments({ publicClient, factory, fromBlock, finalityDepth: 2 })
 *   // next call: fromBlock = toBlock + 1n
 */
import { getAbiItem, getAddress, type Address, type Chain, type Hex, type PublicClient, type Transport } from 'viem'
import { haloFactoryAbi, tradingPoolFactoryAbi } from '../chain/generated/index.js'
import { FactoryError } from './errors.js'
import { finalizedLogs, type ChainEventRef } from '../beacons/shared/finality.js'
import { factoryBookId, type FactoryBookRecord, type FactoryClassRecord, type FactoryUnitRecord } from '../synome/commands/factory/records.js'

const classEvent = getAbiItem({ abi: haloFactoryAbi, name: 'HaloClassDeployed' })
const unitEvent = getAbiItem({ abi: haloFactoryAbi, name: 'HaloUnitDeployed' })
const bookEvent = getAbiItem({ abi: haloFactoryAbi, name: 'PortfolioBookDeployed' })
const poolEvent = getAbiItem({ abi: tradingPoolFactoryAbi, name: 'TradingPoolDeployed' })
const ZERO = '0x0000000000000000000000000000000000000000'

export type ReadFactoryDeploymentsParameters = {
  publicClient: PublicClient<Transport, Chain>
  factory: Address
  fromBlock: bigint
  /** Blocks a log must be deep to count (lpha-nfat's default is 2). */
  finalityDepth: number
  /** The TradingPoolFactory whose TradingPoolDeployed events are a Trading class's pools (none read without it). */
  tradingFactory?: Address | undefined
}

export type FactoryDeployments = {
  /** Last block read (head − finalityDepth); resume from toBlock + 1. */
  toBlock: bigint
  /** In chain order; each is the payload of `recordFactoryClass`. */
  classes: FactoryClassRecord[]
  /** In chain order; each is the payload of `recordFactoryUnit`. */
  units: FactoryUnitRecord[]
  /** In chain order; each is the payload of `recordFactoryBook`. */
  books: FactoryBookRecord[]
  /** Trading pools (TradingPoolDeployed), in chain order; each is the payload of `recordFactoryBook` with kind 'trading'. */
  pools: FactoryBookRecord[]
}

const lower = (a: Address | Hex) => a.toLowerCase()

/** One unit of a Portfolio book record: its addresses and parameters as the Synome stores them (deployed or predicted). */
export function bookUnitRecord(
  at: { token: Address; subscribeQueue: Address; redeemQueue: Address },
  u: { capacity: bigint; rank: number; yieldBps: bigint | number; dustThreshold: bigint; name: string; symbol: string; artifactHash: Hex },
): FactoryBookRecord['units'][number] {
  return {
    token: lower(at.token),
    subscribeQueue: lower(at.subscribeQueue),
    redeemQueue: lower(at.redeemQueue),
    capacity: String(u.capacity),
    rank: u.rank,
    yieldBps: String(u.yieldBps),
    dustThreshold: String(u.dustThreshold),
    name: u.name,
    symbol: u.symbol,
    artifactHash: lower(u.artifactHash),
  }
}
/** A Trading pool's parameters as the Synome stores them. */
export function tradingPoolRecord(q: { asset: Address; oracle: Address; issuer: Address; bidSpreadBps: number; askSpreadBps: number; maxDeviationBps: number; maxOracleAgeSeconds: number; maxInventory: bigint; referencePriceWad: bigint }): NonNullable<FactoryBookRecord['trading']> {
  return {
    asset: lower(q.asset),
    oracle: lower(q.oracle),
    issuer: lower(q.issuer),
    bidSpreadBps: q.bidSpreadBps,
    askSpreadBps: q.askSpreadBps,
    maxDeviationBps: q.maxDeviationBps,
    maxOracleAgeSeconds: q.maxOracleAgeSeconds,
    maxInventory: String(q.maxInventory),
    referencePriceWad: String(q.referencePriceWad),
  }
}
const chainEvent = (ref: ChainEventRef) => ({ chainId: ref.chainId, txHash: lower(ref.txHash), logIndex: ref.logIndex, blockNumber: String(ref.blockNumber), blockHash: lower(ref.blockHash) })

export async function readFactoryDeployments(p: ReadFactoryDeploymentsParameters): Promise<FactoryDeployments> {
  const { publicClient, factory, fromBlock, finalityDepth } = p
  const classLogs = await finalizedLogs({ publicClient, address: factory, event: classEvent, fromBlock, finalityDepth })
  // one head for both reads: units never from later blocks than classes
  const toBlock = classLogs.toBlock
  const refOf = (log: { transactionHash: Hex; logIndex: number; blockNumber: bigint; blockHash: Hex }): ChainEventRef => ({ chainId: publicClient.chain.id, txHash: log.transactionHash, logIndex: log.logIndex, blockNumber: log.blockNumber, blockHash: log.blockHash })
  const unitLogs = toBlock < fromBlock ? [] : (await publicClient.getLogs({ address: factory, event: unitEvent, fromBlock, toBlock, strict: true })).map((log) => ({ ref: refOf(log), args: log.args }))
  const bookLogs = toBlock < fromBlock ? [] : (await publicClient.getLogs({ address: factory, event: bookEvent, fromBlock, toBlock, strict: true })).map((log) => ({ ref: refOf(log), args: log.args }))
  const poolLogs = toBlock < fromBlock || !p.tradingFactory ? [] : (await publicClient.getLogs({ address: p.tradingFactory, event: poolEvent, fromBlock, toBlock, strict: true })).map((log) => ({ ref: refOf(log), args: log.args }))
  const classes = classLogs.logs.map(({ ref, args }) => {
    const a = args as unknown as { pau: Address; templateId: Hex; deployer: Address; templateVersion: bigint; controller: Address; rateLimits: Address; haloClass: Address; params: { govOps: Address; beaconOperator: Address; freezer: Address; swapRateLimit: bigint; managerEndpoint: Address; artifactHash: Hex }; salt: Hex; timelockBatchId: Hex; timelockDelaySeconds: bigint }
    return {
      pau: lower(a.pau),
      controller: lower(a.controller),
      rateLimits: lower(a.rateLimits),
      factory: lower(getAddress(factory)),
      templateId: lower(a.templateId),
      templateVersion: Number(a.templateVersion),
      deployer: lower(a.deployer),
      govOps: lower(a.params.govOps),
      beaconOperator: lower(a.params.beaconOperator),
      freezer: lower(a.params.freezer),
      swapRateLimit: String(a.params.swapRateLimit),
      artifactHash: lower(a.params.artifactHash),
      salt: lower(a.salt),
      timelockBatchId: lower(a.timelockBatchId),
      timelockDelaySeconds: String(a.timelockDelaySeconds),
      ...(a.haloClass === ZERO ? {} : { haloClass: lower(a.haloClass) }),
      ...(a.params.managerEndpoint === ZERO ? {} : { managerEndpoint: lower(a.params.managerEndpoint) }),
      chainEvent: chainEvent(ref),
    } satisfies FactoryClassRecord
  })
  const units = unitLogs.map(({ ref, args }) => {
    const a = args
    return {
      unit: lower(a.unit),
      pau: lower(a.pau),
      factory: lower(getAddress(factory)),
      templateId: lower(a.templateId),
      templateVersion: Number(a.templateVersion),
      deployer: lower(a.deployer),
      capacity: String(a.params.capacity),
      seniority: String(a.params.seniority),
      yieldBps: String(a.params.yieldBps),
      termSeconds: String(a.params.termSeconds),
      buyboxMinTicket: String(a.params.buyboxMinTicket),
      buyboxMaxTicket: String(a.params.buyboxMaxTicket),
      firstTokenId: String(a.params.firstTokenId),
      name: a.params.name,
      symbol: a.params.symbol,
      artifactHash: lower(a.params.artifactHash),
      salt: lower(a.salt),
      timelockBatchId: lower(a.timelockBatchId),
      chainEvent: chainEvent(ref),
    } satisfies FactoryUnitRecord
  })
  const books = bookLogs.map(({ ref, args: a }) => {
    if (a.params.length !== a.units.length) throw new FactoryError(`PortfolioBookDeployed names ${a.params.length} unit parameters and ${a.units.length} unit addresses`, { details: `tx ${ref.txHash}` })
    return {
      bookId: factoryBookId(a.haloClass, a.salt),
      pau: lower(a.pau),
      haloClass: lower(a.haloClass),
      factory: lower(getAddress(factory)),
      templateId: lower(a.templateId),
      templateVersion: Number(a.templateVersion),
      deployer: lower(a.deployer),
      accrualSeconds: String(a.accrualSeconds),
      units: a.params.map((u, i) => bookUnitRecord(a.units[i]!, u)),
      salt: lower(a.salt),
      timelockBatchId: lower(a.timelockBatchId),
      chainEvent: chainEvent(ref),
    } satisfies FactoryBookRecord
  })
  const pools = poolLogs.map(({ ref, args: a }) => {
    const q = a.params
    return {
      kind: 'trading',
      bookId: factoryBookId(a.pool, a.salt),
      pau: lower(a.pau),
      haloClass: lower(a.pool),
      factory: lower(getAddress(p.tradingFactory!)),
      templateId: lower(a.templateId),
      templateVersion: Number(a.templateVersion),
      deployer: lower(a.deployer),
      accrualSeconds: '0',
      units: [bookUnitRecord({ token: a.addresses.shareToken, subscribeQueue: a.addresses.subscribeQueue, redeemQueue: a.addresses.redeemQueue }, { capacity: q.capacity, rank: 0, yieldBps: 0, dustThreshold: 0n, name: q.name, symbol: q.symbol, artifactHash: q.artifactHash })],
      salt: lower(a.salt),
      timelockBatchId: lower(a.timelockBatchId),
      trading: tradingPoolRecord(q),
      chainEvent: chainEvent(ref),
    } satisfies FactoryBookRecord
  })
  return { toBlock, classes, units, books, pools }
}
