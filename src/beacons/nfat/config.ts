import { readFileSync } from 'node:fs'
import { z } from 'zod'
import { InvalidInputError } from '../../domain/errors.js'
import { parseUnitsExact, USDS_DECIMALS } from '../../domain/money.js'
import { haConfigSchema } from '../shared/ha.js'
import type { NfatClassConfig } from './reconcile.js'

/**
 * `halo beacon nfat --config file.json`. Amounts are exact USDS decimal strings; secrets
 * (the beacon key, the bank webhook secret) may come from the environment instead of the file
 * (HALO_NFAT_PRIVATE_KEY, HALO_BANK_WEBHOOK_SECRET, HALO_BANK_ONRAMP_PRIVATE_KEY) — the
 * environment wins, as the project's convention says (flags > env > file > defaults).
 */
const hex32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, 'a 32-byte hex private key')
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'a 20-byte hex address') as unknown as z.ZodType<`0x${string}`>
const usds = z.string().transform((value, ctx) => {
  try {
    return parseUnitsExact(value, USDS_DECIMALS)
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as InvalidInputError).shortMessage })
    return z.NEVER
  }
})

export const nfatBeaconConfigSchema = z.strictObject({
  haloClass: z.string().min(1),
  rpcUrl: z.url(),
  privateKey: hex32.optional(),
  synome: z.union([z.strictObject({ url: z.url(), /** bearer token (env HALO_SYNOME_TOKEN wins) */ token: z.string().min(1).optional() }), z.strictObject({ databaseUrl: z.string().min(1) }), z.strictObject({ dataDir: z.string().min(1) })]),
  /** chainId of the Synome's EIP-712 domain (default 31337). */
  synomeChainId: z.number().int().positive().optional(),
  chain: z.strictObject({
    facility: address,
    controller: address,
    rateLimits: address,
    almProxy: address,
    usdc: address,
    offRamp: address,
    fromBlock: z.coerce.bigint().default(0n),
    finalityDepth: z.number().int().min(0).default(2),
  }),
  /** Where the journals live (tx intents, bank ledger). */
  stateDir: z.string().min(1).default('./data/lpha-nfat'),
  policy: z.strictObject({
    sleeveIdPrefix: z.string().min(1).default('sleeve-'),
    firstSleeveNumber: z.number().int().positive().default(1),
    pipeline: z.array(z.strictObject({ name: z.string().min(1), amount: usds })).max(100),
    minUnits: z.number().int().positive().default(2),
    maxFillWaitSeconds: z.number().int().nonnegative(),
    minUnitAmount: usds,
    splitDepositorQueue: z.boolean().default(true),
    maxUnitShareBps: z.number().int().min(1).max(10_000).default(10_000),
  }),
  dealTerms: z.strictObject({ apy: z.string().regex(/^\d+(\.\d+)?$/), termDays: z.number().int().positive() }),
  primes: z.record(z.string(), z.string()).default({}),
  offRampDestination: z.string().min(1),
  receiptTimeoutSeconds: z.number().int().positive(),
  bank: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('webhook'), secret: z.string().min(16).optional() }),
    z.strictObject({ kind: z.literal('simulator'), receiptDelaySeconds: z.number().int().nonnegative().nullable(), onRampPrivateKey: hex32.optional(), secret: z.string().min(16).optional() }),
  ]),
  /** Port of the HTTP server with /metrics and the bank webhook (0 = any free port, omitted = none). */
  httpPort: z.number().int().min(0).max(65_535).optional(),
  /** `wall`: the machine clock. `chain`: the latest block's time plus an offset (devnets that move chain time). */
  clock: z.union([z.literal('wall'), z.strictObject({ chainOffsetSeconds: z.number().int() })]).default('wall'),
  intervalSeconds: z.number().positive().default(15),
  /** Run as one of several instances; only the lease holder acts (src/beacons/shared/ha.ts, docs/beacons.md). */
  ha: haConfigSchema.optional(),
})

export type NfatBeaconConfig = z.output<typeof nfatBeaconConfigSchema>

export function loadNfatBeaconConfig(path: string, env: NodeJS.ProcessEnv = process.env): NfatBeaconConfig {
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'))
  } catch (cause) {
    throw new InvalidInputError('cannot read the beacon config', { details: path, cause })
  }
  const result = nfatBeaconConfigSchema.safeParse(raw)
  if (!result.success) throw new InvalidInputError('beacon config does not validate', { details: z.prettifyError(result.error), meta: { path } })
  const config = result.data
  if (env.HALO_NFAT_PRIVATE_KEY) config.privateKey = env.HALO_NFAT_PRIVATE_KEY
  if (!config.privateKey) throw new InvalidInputError('no beacon key: set HALO_NFAT_PRIVATE_KEY or privateKey in the config')
  if (env.HALO_BANK_WEBHOOK_SECRET) config.bank.secret = env.HALO_BANK_WEBHOOK_SECRET
  if (config.bank.kind === 'simulator' && env.HALO_BANK_ONRAMP_PRIVATE_KEY) config.bank.onRampPrivateKey = env.HALO_BANK_ONRAMP_PRIVATE_KEY
  return config
}

export function classConfigFrom(config: NfatBeaconConfig): NfatClassConfig {
  return {
    haloClass: config.haloClass,
    ...config.policy,
    dealTerms: config.dealTerms,
    primes: config.primes,
    offRampDestination: config.offRampDestination,
    receiptTimeoutSeconds: config.receiptTimeoutSeconds,
  }
}
