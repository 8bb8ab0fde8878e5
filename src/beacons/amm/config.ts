import { z } from 'zod'
import { InvalidInputError } from '../../domain/errors.js'
import { haConfigSchema } from '../shared/ha.js'
import { addressSchema as address, hex32Schema as hex32, httpPortSchema, parseBeaconConfig, readConfigFile, synomeConfigSchema } from '../shared/runtime.js'
import { parseUnitsExact, USDS_DECIMALS } from '../../domain/money.js'
import { validateAmmPolicy, type AmmPolicy } from '../../domain/trading/amm.js'

/**
 * `halo beacon amm --config file.json`: lpha-amm for one Trading Halo pool. Amounts are exact
 * decimal strings (the asset's own decimals for asset amounts, USDS's 18 for USDS). The key may
 * come from HALO_AMM_PRIVATE_KEY instead of the file (the environment wins).
 */
const decimal = z.string().max(80).regex(/^(0|[1-9]\d*)(\.\d+)?$/, 'an exact decimal string like "100000"')
const id = z.string().min(1).max(64).regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/)

export const ammBeaconConfigSchema = z.strictObject({
  poolId: id,
  haloClass: id,
  rpcUrl: z.url(),
  privateKey: hex32.optional(),
  synome: synomeConfigSchema,
  synomeChainId: z.number().int().positive().optional(),
  chain: z.strictObject({
    pool: address,
    /** The pool's deployment block (event scans start here). */
    fromBlock: z.union([z.number().int().min(0), z.string().regex(/^\d+$/)]).transform((v) => BigInt(v)),
    finalityDepth: z.number().int().min(0).default(2),
  }),
  policy: z.strictObject({
    /** Asset held at which lpha-amm sends inventory to the issuer (asset units). */
    redeemThreshold: decimal,
    /** USDS above which the excess returns to the PAU's ALMProxy; omit to keep everything in the pool. */
    usdsCeiling: decimal.nullable().default(null),
    /** The issuer's settlement promise (T+N) and the grace after it. */
    redemptionDueSeconds: z.number().int().positive().default(86_400),
    redemptionGraceSeconds: z.number().int().min(0).default(3_600),
    /** Smallest redemption (asset units) and capital return (USDS) worth a transaction. */
    minRedeemAmount: decimal.default('1'),
    minReturnAmount: decimal.default('1'),
  }),
  stateDir: z.string().min(1).default('./data/lpha-amm'),
  clock: z.union([z.literal('wall'), z.strictObject({ chainOffsetSeconds: z.number().int() })]).default({ chainOffsetSeconds: 0 }),
  intervalSeconds: z.number().positive().default(30),
  /** /metrics (the lease's, under HA) and /healthz. */
  httpPort: httpPortSchema,
  /** Run as one of several instances; only the lease holder acts (src/beacons/shared/ha.ts, docs/beacons.md). */
  ha: haConfigSchema.optional(),
})

export type AmmBeaconConfig = z.output<typeof ammBeaconConfigSchema>

/** The pure policy from the config, in base units (needs the asset's decimals from the chain). */
export function policyOf(config: AmmBeaconConfig, assetDecimals: number): AmmPolicy {
  const p = config.policy
  return validateAmmPolicy({
    redeemThreshold: parseUnitsExact(p.redeemThreshold, assetDecimals, 'policy.redeemThreshold'),
    usdsCeiling: p.usdsCeiling === null ? null : parseUnitsExact(p.usdsCeiling, USDS_DECIMALS, 'policy.usdsCeiling'),
    redemptionDueSeconds: BigInt(p.redemptionDueSeconds),
    redemptionGraceSeconds: BigInt(p.redemptionGraceSeconds),
    minRedeemAmount: parseUnitsExact(p.minRedeemAmount, assetDecimals, 'policy.minRedeemAmount'),
    minReturnAmount: parseUnitsExact(p.minReturnAmount, USDS_DECIMALS, 'policy.minReturnAmount'),
  })
}

export function parseAmmBeaconConfig(raw: unknown, env: NodeJS.ProcessEnv = process.env): AmmBeaconConfig {
  return parseBeaconConfig(ammBeaconConfigSchema, raw, { keyEnv: 'HALO_AMM_PRIVATE_KEY', what: 'beacon config', env })
}

export function loadAmmBeaconConfig(path: string, env: NodeJS.ProcessEnv = process.env): AmmBeaconConfig {
  return parseAmmBeaconConfig(readConfigFile(path, 'beacon config'), env)
}
