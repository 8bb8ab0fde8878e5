import { z } from 'zod'
import { parseRatePerPeriod } from '../../domain/allocator/rampPlan.js'
import { InvalidInputError } from '../../domain/errors.js'
import { haConfigSchema } from '../shared/ha.js'
import { addressSchema as address, hex32Schema as hex32, httpPortSchema, parseBeaconConfig, readConfigFile, synomeConfigSchema } from '../shared/runtime.js'
import { parseUnitsExact, USDS_DECIMALS } from '../../domain/money.js'
import type { AllocatorPolicy } from './policy.js'

/**
 * `halo beacon allocator --prime <id> --config file.json`: one Prime's allocator. The key (the
 * relayer, pBEAM, of the Prime's PAU — never its cBEAM) may come from HALO_ALLOCATOR_PRIVATE_KEY
 * instead of the file (the environment wins).
 */
const amount = z.string().regex(/^(0|[1-9]\d*)(\.\d{1,18})?$/, 'a USDS amount as an exact decimal string like "50000000"')
const rate = z.string().regex(/^\d+(\.\d+)?[KMB]?\/(day|hour)$/i, 'a rate like 100K/day')
const bps = z.number().int().min(0).max(10_000)

export const allocatorPolicySchema = z.strictObject({
  perUnitCap: amount,
  perClassCap: amount,
  /** Diversification: at most this share (basis points) of the deployable capital in one Unit. */
  maxShareBps: bps,
  /** Required capital (CRR, by lpla-verify's capital formula) the Prime spends on Halo Units. */
  capitalBudget: amount,
  maxDeployable: amount.optional(),
  minYieldBps: z.number().int().min(0).max(100_000),
  /** The Unit's beacon must have acted within this (seconds) to count as integrated. */
  beaconSilenceSeconds: z.number().int().positive(),
  /** The conservative initial limit it proposes for a Unit with none (reference: 100K/day). */
  initialLimit: rate.default('100K/day'),
  /** Seconds between two proposed increases (at least SORL's hop, which the planner enforces). */
  rampCadenceSeconds: z.number().int().positive().optional(),
})

export const allocatorBeaconConfigSchema = z.strictObject({
  prime: z.string().min(1).max(64).regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/),
  rpcUrl: z.url(),
  privateKey: hex32.optional(),
  synome: synomeConfigSchema,
  synomeChainId: z.number().int().positive().optional(),
  chain: z.strictObject({ configurator: address, almProxy: address, controller: address, rateLimits: address, usds: address, finalityDepth: z.number().int().min(0).default(2) }),
  policy: allocatorPolicySchema,
  stateDir: z.string().min(1).default('./data/allocator'),
  intervalSeconds: z.number().positive().default(30),
  /** /metrics (the lease's, under HA) and /healthz. */
  httpPort: httpPortSchema,
  /** Run as one of several instances; only the lease holder acts (src/beacons/shared/ha.ts, docs/beacons.md). */
  ha: haConfigSchema.optional(),
})

export type AllocatorBeaconConfig = z.output<typeof allocatorBeaconConfigSchema>
export type AllocatorPolicyConfig = z.input<typeof allocatorPolicySchema>

export function policyOf(config: z.output<typeof allocatorPolicySchema>): AllocatorPolicy & { rampCadenceSeconds: bigint | undefined } {
  const usds = (value: string, field: string) => parseUnitsExact(value, USDS_DECIMALS, field)
  return {
    eligibility: { beaconSilenceSeconds: BigInt(config.beaconSilenceSeconds), minYieldBps: BigInt(config.minYieldBps) },
    perUnitCap: usds(config.perUnitCap, 'policy.perUnitCap'),
    perClassCap: usds(config.perClassCap, 'policy.perClassCap'),
    maxShareBps: BigInt(config.maxShareBps),
    capitalBudget: usds(config.capitalBudget, 'policy.capitalBudget'),
    maxDeployable: config.maxDeployable === undefined ? undefined : usds(config.maxDeployable, 'policy.maxDeployable'),
    initialLimit: parseRatePerPeriod(config.initialLimit, USDS_DECIMALS, 'policy.initialLimit'),
    rampCadenceSeconds: config.rampCadenceSeconds === undefined ? undefined : BigInt(config.rampCadenceSeconds),
  }
}

export function parseAllocatorBeaconConfig(raw: unknown, env: NodeJS.ProcessEnv = process.env): AllocatorBeaconConfig {
  return parseBeaconConfig(allocatorBeaconConfigSchema, raw, { keyEnv: 'HALO_ALLOCATOR_PRIVATE_KEY', what: 'allocator config', env })
}

export function loadAllocatorBeaconConfig(path: string, env: NodeJS.ProcessEnv = process.env): AllocatorBeaconConfig {
  return parseAllocatorBeaconConfig(readConfigFile(path, 'allocator config'), env)
}
