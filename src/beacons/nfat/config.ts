import { z } from 'zod'
import { InvalidInputError } from '../../domain/errors.js'
import { parseUnitsExact, USDS_DECIMALS } from '../../domain/money.js'
import { haConfigSchema } from '../shared/ha.js'
import { addressSchema as address, hex32Schema as hex32, httpPortSchema, parseBeaconConfig, readConfigFile, synomeConfigSchema } from '../shared/runtime.js'
import type { NfatClassConfig } from './reconcile.js'

/**
 * `halo beacon nfat --config file.json`. Amounts are exact USDS decimal strings; secrets
 * (the beacon key, the bank webhook secret) may come from the environment instead of the file
 * (HALO_NFAT_PRIVATE_KEY, HALO_BANK_WEBHOOK_SECRET, HALO_BANK_ONRAMP_PRIVATE_KEY) — the
 * environment wins, as the project's convention says (flags > env > file > defaults).
 */
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
  synome: synomeConfigSchema,
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
  httpPort: httpPortSchema,
  /** `wall`: the machine clock. `chain`: the latest block's time plus an offset (devnets that move chain time). */
  clock: z.union([z.literal('wall'), z.strictObject({ chainOffsetSeconds: z.number().int() })]).default('wall'),
  intervalSeconds: z.number().positive().default(15),
  /** Run as one of several instances; only the lease holder acts (src/beacons/shared/ha.ts, docs/beacons.md). */
  ha: haConfigSchema.optional(),
})

export type NfatBeaconConfig = z.output<typeof nfatBeaconConfigSchema>

export function loadNfatBeaconConfig(path: string, env: NodeJS.ProcessEnv = process.env): NfatBeaconConfig {
  const config = parseBeaconConfig(nfatBeaconConfigSchema, readConfigFile(path, 'beacon config'), { keyEnv: 'HALO_NFAT_PRIVATE_KEY', what: 'beacon config', env, meta: { path } })
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
