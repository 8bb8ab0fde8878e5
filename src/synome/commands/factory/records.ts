import { z } from 'zod'
import { address, entityId } from '../schemas.js'

/**
 * Synome records of the Halo Factory (src/factory/ingest.ts writes them from the factory's
 * metadata events; `halo day0` writes the review sign-offs). Amounts are integer strings in
 * USDS base units (18 decimals); addresses lowercase.
 *   factoryClass   `<pau>`            a Halo Class deployed by the factory (HaloClassDeployed)
 *   factoryUnit    `<unit>`           a Halo Unit deployed by the factory (HaloUnitDeployed)
 *   factoryBook    `<bookId>`         a Portfolio book deployed by the factory (PortfolioBookDeployed);
 *                                     bookId = `<haloClass>:<salt>` (the chain's book index is assigned
 *                                     later, when the timelock batch runs addBook); or, with kind
 *                                     'trading', a Trading pool (TradingPoolFactory's TradingPoolDeployed):
 *                                     one book per pool (its inventory is isolated per pool), `haloClass`
 *                                     = the pool (its share token's holding system and its queues'
 *                                     converter, as a PortfolioHaloClass is for its units), one unit (the
 *                                     pool's LCTS share token and queue pair), accrualSeconds 0 (the
 *                                     spread accrues at each swap) and the pool's parameters in `trading`
 *   day0Review     `<unit>:<cycle>`   a human's daily review sign-off for one of the first N cycles
 */
export const FACTORY_CLASS = 'factoryClass'
export const FACTORY_UNIT = 'factoryUnit'
export const FACTORY_BOOK = 'factoryBook'
export const DAY0_REVIEW = 'day0Review'

export const integerString = z.string().max(80).regex(/^(0|[1-9]\d*)$/, 'a non-negative integer string')
const bytes32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, 'a 32-byte hex value').transform((h) => h.toLowerCase())

/** Where the record came from: one log, final when read (finalityDepth blocks deep). */
export const chainEventSchema = z.strictObject({
  chainId: z.number().int().positive(),
  txHash: bytes32,
  logIndex: z.number().int().min(0),
  blockNumber: integerString,
  blockHash: bytes32,
})

export const factoryClassSchema = z.strictObject({
  pau: address,
  controller: address,
  rateLimits: address,
  factory: address,
  templateId: bytes32,
  templateVersion: z.number().int().positive(),
  deployer: address,
  govOps: address,
  beaconOperator: address,
  freezer: address,
  swapRateLimit: integerString,
  artifactHash: bytes32,
  salt: bytes32,
  timelockBatchId: bytes32,
  timelockDelaySeconds: integerString,
  /** Portfolio: the class's PortfolioHaloClass and the manager's USDS endpoint (absent for Term). */
  haloClass: address.optional(),
  managerEndpoint: address.optional(),
  chainEvent: chainEventSchema,
})
export type FactoryClassRecord = z.output<typeof factoryClassSchema>

export const factoryUnitSchema = z.strictObject({
  unit: address,
  pau: address,
  factory: address,
  templateId: bytes32,
  templateVersion: z.number().int().positive(),
  deployer: address,
  capacity: integerString,
  seniority: integerString,
  yieldBps: integerString,
  termSeconds: integerString,
  buyboxMinTicket: integerString,
  buyboxMaxTicket: integerString,
  firstTokenId: integerString,
  name: z.string().max(200),
  symbol: z.string().max(50),
  artifactHash: bytes32,
  salt: bytes32,
  timelockBatchId: bytes32,
  chainEvent: chainEventSchema,
})
export type FactoryUnitRecord = z.output<typeof factoryUnitSchema>

export const factoryBookUnitSchema = z.strictObject({
  token: address,
  subscribeQueue: address,
  redeemQueue: address,
  capacity: integerString,
  rank: z.number().int().min(0).max(16),
  yieldBps: integerString,
  dustThreshold: integerString,
  name: z.string().max(200),
  symbol: z.string().max(50),
  artifactHash: bytes32,
})
/** A Trading pool's parameters (TradingPoolFactory.PoolParams); amounts in base units (the asset's for maxInventory). */
export const factoryTradingPoolSchema = z.strictObject({
  asset: address,
  oracle: address,
  issuer: address,
  bidSpreadBps: z.number().int().min(0).max(10_000),
  askSpreadBps: z.number().int().min(0).max(10_000),
  maxDeviationBps: z.number().int().min(1).max(10_000),
  maxOracleAgeSeconds: z.number().int().min(1).max(2 ** 32 - 1),
  maxInventory: integerString,
  referencePriceWad: integerString,
})
export const factoryBookSchema = z.strictObject({
  /** Absent: a Portfolio book; 'trading': a Trading pool (with `trading`). */
  kind: z.literal('trading').optional(),
  bookId: entityId,
  pau: address,
  haloClass: address,
  factory: address,
  templateId: bytes32,
  templateVersion: z.number().int().positive(),
  deployer: address,
  accrualSeconds: integerString,
  units: z.array(factoryBookUnitSchema).min(1).max(8),
  salt: bytes32,
  timelockBatchId: bytes32,
  trading: factoryTradingPoolSchema.optional(),
  chainEvent: chainEventSchema,
}).refine((b) => (b.kind === 'trading') === (b.trading !== undefined), { message: "a Trading pool's book has kind 'trading' and its `trading` parameters; a Portfolio book neither" })
export type FactoryBookRecord = z.output<typeof factoryBookSchema>
/** The Synome id of a factory Portfolio book (its chain index is only known once addBook ran). */
export const factoryBookId = (haloClass: string, salt: string) => `${haloClass.toLowerCase()}:${salt.toLowerCase()}`

export const day0ReviewSchema = z.strictObject({
  unit: address,
  /** 1-based settlement cycle of the unit's first N. */
  cycle: z.number().int().min(1).max(365),
  /** The cycle's UTC date. */
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a UTC date like 2026-12-01'),
  reviewer: z.string().min(1).max(200),
  outcome: z.enum(['ok', 'concern']),
  notes: z.string().max(2000).default(''),
})
export type Day0ReviewRecord = z.output<typeof day0ReviewSchema> & { signedBy: string; signedAt: string }

export const day0ReviewId = (unit: string, cycle: number) => `${unit.toLowerCase()}:${cycle}`
export const factoryEntityId = entityId
