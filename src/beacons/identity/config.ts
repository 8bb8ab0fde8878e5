import { z } from 'zod'
import { InvalidInputError } from '../../domain/errors.js'
import { haConfigSchema } from '../shared/ha.js'
import { addressSchema as address, hex32Schema as hex32, httpPortSchema, parseBeaconConfig, readConfigFile, synomeConfigSchema } from '../shared/runtime.js'
import { IDENTITY_MAX_BATCH } from '../../domain/identity/sync.js'

/**
 * `halo beacon identity --config file.json`: lpha-identity for one Identity Network (its Synome
 * Halo class `networkId` and its IdentityRegistry). The key may come from
 * HALO_IDENTITY_PRIVATE_KEY instead of the file (the environment wins).
 */

export const identityBeaconConfigSchema = z.strictObject({
  networkId: z.string().min(1).max(128).regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/),
  rpcUrl: z.url(),
  privateKey: hex32.optional(),
  synome: synomeConfigSchema,
  synomeChainId: z.number().int().positive().optional(),
  chain: z.strictObject({
    registry: address,
    /** The registry's deployment block (membership is rebuilt from its events from here). */
    fromBlock: z.string().regex(/^(0|[1-9]\d*)$/).default('0').transform((b) => BigInt(b)),
    finalityDepth: z.number().int().min(0).max(1000).default(2),
  }),
  maxBatch: z.number().int().min(1).max(IDENTITY_MAX_BATCH).default(IDENTITY_MAX_BATCH),
  stateDir: z.string().min(1).default('./data/lpha-identity'),
  clock: z.union([z.literal('wall'), z.strictObject({ chainOffsetSeconds: z.number().int() })]).default({ chainOffsetSeconds: 0 }),
  intervalSeconds: z.number().positive().default(30),
  /** /metrics (the lease's, under HA) and /healthz. */
  httpPort: httpPortSchema,
  /** Run as one of several instances; only the lease holder acts (src/beacons/shared/ha.ts, docs/beacons.md). */
  ha: haConfigSchema.optional(),
})

export type IdentityBeaconConfig = z.output<typeof identityBeaconConfigSchema>

export function parseIdentityBeaconConfig(raw: unknown, env: NodeJS.ProcessEnv = process.env): IdentityBeaconConfig {
  return parseBeaconConfig(identityBeaconConfigSchema, raw, { keyEnv: 'HALO_IDENTITY_PRIVATE_KEY', what: 'beacon config', env })
}

export function loadIdentityBeaconConfig(path: string, env: NodeJS.ProcessEnv = process.env): IdentityBeaconConfig {
  return parseIdentityBeaconConfig(readConfigFile(path, 'beacon config'), env)
}
