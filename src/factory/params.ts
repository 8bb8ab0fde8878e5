/**
 * JSON files the factory CLI reads (template ranges, class and unit parameters): amounts are
 * integer strings in base units (no floats), addresses and hashes hex. Parsed once, here.
 */
import { readFileSync } from 'node:fs'
import { z } from 'zod'
import type { Address, Hex } from 'viem'
import { InvalidInputError } from '../domain/errors.js'
import type { ClassParams, PortfolioBookParams, TemplateRanges, TradingPoolParams, UnitParams } from './chain.js'

const integer = z.string().regex(/^(0|[1-9]\d*)$/, 'an integer string in base units').transform((v) => BigInt(v))
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/).transform((v) => v as Address)
const bytes32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/).transform((v) => v as Hex)
const range = z.strictObject({ min: integer, max: integer })
const ZERO32 = `0x${'0'.repeat(64)}` as Hex

export const templateRangesSchema = z.strictObject({
  unitCapacity: range,
  seniority: range,
  yieldBps: range,
  termSeconds: range,
  buyboxTicket: range,
  initRateLimit: range,
}) satisfies z.ZodType<TemplateRanges>

export const classParamsSchema = z.strictObject({
  govOps: address,
  beaconOperator: address,
  freezer: address,
  swapRateLimit: integer,
  /** Portfolio only: the asset manager's endpoint. */
  managerEndpoint: address.optional(),
  artifactHash: bytes32.default(ZERO32),
}) satisfies z.ZodType<ClassParams, unknown>

export const unitParamsSchema = z.strictObject({
  capacity: integer,
  seniority: integer,
  yieldBps: integer,
  termSeconds: integer,
  buyboxMinTicket: integer,
  buyboxMaxTicket: integer,
  firstTokenId: integer,
  name: z.string().min(1).max(100),
  symbol: z.string().min(1).max(20),
  artifactHash: bytes32.default(ZERO32),
}) satisfies z.ZodType<UnitParams, unknown>

/** A Portfolio book: its accrual window and its units (tranches), e.g.
 *  { "accrualSeconds": "86400", "units": [{ "capacity": "…", "rank": 0, "yieldBps": "500", "dustThreshold": "0", "name": "Senior", "symbol": "SR" }, …] } */
export const bookParamsSchema = z.strictObject({
  accrualSeconds: integer,
  units: z
    .array(
      z.strictObject({
        capacity: integer,
        rank: z.number().int().min(0).max(255),
        yieldBps: integer,
        dustThreshold: integer,
        name: z.string().min(1).max(100),
        symbol: z.string().min(1).max(20),
        artifactHash: bytes32.default(ZERO32),
      }),
    )
    .min(1)
    .max(8),
}) satisfies z.ZodType<PortfolioBookParams, unknown>

const bps = z.number().int().min(0).max(10_000)

/** A Trading pool (one asset pair), e.g. { "asset": "0x…", "oracle": "0x…", "issuer": "0x…", "bidSpreadBps": 5, "askSpreadBps": 5,
 *  "maxDeviationBps": 100, "maxOracleAgeSeconds": 86400, "maxInventory": "…", "referencePriceWad": "…", "capacity": "…", "name": "…", "symbol": "…" } */
export const poolParamsSchema = z.strictObject({
  asset: address,
  oracle: address,
  issuer: address,
  bidSpreadBps: bps,
  askSpreadBps: bps,
  maxDeviationBps: bps,
  maxOracleAgeSeconds: z.number().int().min(0).max(2 ** 32 - 1),
  maxInventory: integer,
  referencePriceWad: integer,
  capacity: integer,
  name: z.string().min(1).max(100),
  symbol: z.string().min(1).max(20),
  artifactHash: bytes32.default(ZERO32),
}) satisfies z.ZodType<TradingPoolParams, unknown>

export function readParams<S extends z.ZodType>(file: string, schema: S, what: string): z.output<S> {
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'))
  } catch (cause) {
    throw new InvalidInputError(`cannot read ${what} from ${file}`, { cause, details: (cause as Error).message })
  }
  const parsed = schema.safeParse(raw)
  if (!parsed.success) throw new InvalidInputError(`${what} in ${file} is invalid`, { details: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') })
  return parsed.data
}
