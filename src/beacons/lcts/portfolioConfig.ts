import { z } from 'zod'
import { InvalidInputError } from '../../domain/errors.js'
import { parseUnitsExact } from '../../domain/money.js'
import type { WarningSignalConfig } from '../../domain/portfolio/signals.js'
import { PORTFOLIO_DECIMALS, warningSignalsSchema } from '../../synome/commands/portfolio/records.js'
import { entityId } from '../../synome/commands/schemas.js'
import { haConfigSchema } from '../shared/ha.js'
import { addressSchema as address, hex32Schema as hex32, httpPortSchema, readConfigFile, synomeConfigSchema } from '../shared/runtime.js'
import type { PortfolioCycleConfig } from './portfolio.js'

/**
 * `halo beacon lcts --config file.json` for a Portfolio Halo Class (issue 14): the file says
 * `"kind": "portfolioClass"` (without it the file is an srUSDS-style LCTS pair, config.ts).
 * One book of the class on its PAU; the PAU's RateLimits contract is read every cycle (the
 * guardrails are on chain, not in this file). The asset-manager source is the devnet simulator
 * (durable: its book is a journal in `stateDir`) or the signed webhook of a real manager
 * (its accepted reports are a journal in `stateDir`). Keys may come from the environment:
 * HALO_LCTS_PRIVATE_KEY (lpha-lcts) and HALO_PORTFOLIO_MANAGER_KEY (the simulator's endpoint).
 */
const id = z.string().min(1).max(64).regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, . _ -')
const uint = z.union([z.number().int().min(0).max(Number.MAX_SAFE_INTEGER), z.string().regex(/^(0|[1-9]\d{0,30})$/, 'a non-negative integer')]).transform((v) => BigInt(v))
const amount = z.string().max(100).transform((value, ctx) => {
  try {
    return parseUnitsExact(value, PORTFOLIO_DECIMALS, 'amount')
  } catch {
    ctx.addIssue({ code: 'custom', message: 'an exact decimal string (USDS, up to 18 decimals)' })
    return z.NEVER
  }
})
const isoTime = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/, 'an ISO-8601 UTC time')

const simulatorSource = z.strictObject({
  kind: z.literal('simulator'),
  /** When the manager's book opened (its daily reports are dated from here). */
  openedAt: isoTime,
  annualYieldBps: z.number().int().min(0).max(100_000),
  redemptionDelaySeconds: z.number().int().min(0).max(365 * 86_400),
  /** The manager endpoint's key: the simulator returns redemptions on chain from it (devnet). */
  endpointPrivateKey: hex32.optional(),
})
const webhookSource = z.strictObject({
  kind: z.literal('webhook'),
  /** Where the process serves POST /portfolio/manager/reports; omit to serve nothing (reports already journaled). */
  listen: z.strictObject({ host: z.string().min(1).default('127.0.0.1'), port: z.number().int().min(0).max(65_535) }).optional(),
  managers: z.array(z.strictObject({ managerId: id, address, bookIds: z.array(id).min(1).max(64) })).min(1).max(16),
  window: z.strictObject({ maxAgeSeconds: z.number().int().positive().max(86_400), maxSkewSeconds: z.number().int().min(0).max(3_600) }).optional(),
})

export const portfolioBeaconConfigSchema = z.strictObject({
  kind: z.literal('portfolioClass'),
  /** Synome ids: a class and a book the Halo Factory's ingestion recorded are `0x<class>` and `0x<class>:0x<salt>`. */
  classId: entityId,
  bookId: entityId,
  /** The book's index on the class contract. */
  chainBookId: uint,
  rpcUrl: z.url(),
  privateKey: hex32.optional(),
  synome: synomeConfigSchema,
  synomeChainId: z.number().int().positive().optional(),
  chain: z.strictObject({ haloClass: address, usds: address, finalityDepth: z.number().int().min(0).max(64).default(2) }),
  /** The class PAU: lpha-lcts is its relayer; its RateLimits are the cycle's guardrails. */
  pau: z.strictObject({ controller: address, rateLimits: address, almProxy: address }),
  /** The manager's USDS endpoint (keyed LIMIT_ASSET_TRANSFER(usds, endpoint) on the PAU). */
  managerEndpoint: address,
  units: z
    .array(z.strictObject({ unitId: id, chainUnitId: uint, maxNav: amount.nullable().default(null), warningSignals: warningSignalsSchema.default({}) }))
    .min(1)
    .max(8),
  manager: z.discriminatedUnion('kind', [simulatorSource, webhookSource]),
  settleWindowSeconds: z.number().int().positive().max(3 * 3_600).default(3_600),
  stateDir: z.string().min(1).default('./data/lpha-lcts-portfolio'),
  clock: z.union([z.literal('wall'), z.strictObject({ chainOffsetSeconds: z.number().int() })]).default({ chainOffsetSeconds: 0 }),
  intervalSeconds: z.number().positive().max(86_400).default(30),
  /** /metrics (the lease's, under HA) and /healthz. */
  httpPort: httpPortSchema,
  /** Run as one of several instances; only the lease holder acts (lease `lpha-lcts:<classId>:<bookId>`, docs/beacons.md). */
  ha: haConfigSchema.optional(),
})

export type PortfolioBeaconConfig = z.output<typeof portfolioBeaconConfigSchema>

/** Does this config file describe a Portfolio class (rather than an LCTS pair)? */
export const isPortfolioBeaconConfig = (raw: unknown): boolean => typeof raw === 'object' && raw !== null && (raw as { kind?: unknown }).kind === 'portfolioClass'

const signalsOf = (s: z.output<typeof warningSignalsSchema>): WarningSignalConfig => ({
  navDrop: s.navDrop ? { maxDropBps: BigInt(s.navDrop.maxDropBps) } : undefined,
  navReport: s.navReport,
  redemption: s.redemption,
})

export function cycleConfigOf(config: PortfolioBeaconConfig): PortfolioCycleConfig {
  return {
    classId: config.classId,
    bookId: config.bookId,
    chainBookId: config.chainBookId,
    haloClass: config.chain.haloClass,
    usds: config.chain.usds,
    controller: config.pau.controller,
    rateLimits: config.pau.rateLimits,
    almProxy: config.pau.almProxy,
    managerEndpoint: config.managerEndpoint,
    settleWindowSeconds: config.settleWindowSeconds,
    units: config.units.map((u) => ({ unitId: u.unitId, chainUnitId: u.chainUnitId, maxNav: u.maxNav, warningSignals: signalsOf(u.warningSignals) })),
  }
}

export function parsePortfolioBeaconConfig(raw: unknown, env: NodeJS.ProcessEnv = process.env): PortfolioBeaconConfig {
  const result = portfolioBeaconConfigSchema.safeParse(raw)
  if (!result.success) {
    const details = z.prettifyError(result.error)
    const field = result.error.issues[0]?.path.join('.') ?? ''
    throw new InvalidInputError(`portfolio beacon config does not validate at ${field || '(root)'}`, { details, meta: { field } })
  }
  const config = result.data
  if (env.HALO_LCTS_PRIVATE_KEY) config.privateKey = env.HALO_LCTS_PRIVATE_KEY
  if (!config.privateKey) throw new InvalidInputError('no beacon key: set HALO_LCTS_PRIVATE_KEY or privateKey in the config', { meta: { field: 'privateKey' } })
  if (config.manager.kind === 'simulator') {
    if (env.HALO_PORTFOLIO_MANAGER_KEY) config.manager.endpointPrivateKey = env.HALO_PORTFOLIO_MANAGER_KEY
    if (!config.manager.endpointPrivateKey) throw new InvalidInputError('the simulator needs the manager endpoint key: set HALO_PORTFOLIO_MANAGER_KEY or manager.endpointPrivateKey', { meta: { field: 'manager.endpointPrivateKey' } })
  } else if (!config.manager.managers.some((m) => m.bookIds.includes(config.bookId))) {
    throw new InvalidInputError(`no webhook manager runs book ${config.bookId}`, { meta: { field: 'manager.managers' } })
  }
  const unitIds = new Set(config.units.map((u) => u.unitId))
  const chainIds = new Set(config.units.map((u) => u.chainUnitId))
  if (unitIds.size !== config.units.length || chainIds.size !== config.units.length) throw new InvalidInputError('units repeat a unitId or a chainUnitId', { meta: { field: 'units' } })
  return config
}

export function loadPortfolioBeaconConfig(path: string, env: NodeJS.ProcessEnv = process.env): PortfolioBeaconConfig {
  return parsePortfolioBeaconConfig(readConfigFile(path, 'beacon config'), env)
}
