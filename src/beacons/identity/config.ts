import { readFileSync } from 'node:fs'
import { z } from 'zod'
import { InvalidInputError } from '../../domain/errors.js'
import { IDENTITY_MAX_BATCH } from '../../domain/identity/sync.js'

/**
 * `halo beacon identity --config file.json`: lpha-identity for one Identity Network (its Synome
 * Halo class `networkId` and its IdentityRegistry). The key may come from
 * HALO_IDENTITY_PRIVATE_KEY instead of the file (the environment wins).
 */
const hex32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, 'a 32-byte hex private key')
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'a 20-byte hex address') as unknown as z.ZodType<`0x${string}`>

export const identityBeaconConfigSchema = z.strictObject({
  networkId: z.string().min(1).max(128).regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/),
  rpcUrl: z.url(),
  privateKey: hex32.optional(),
  synome: z.union([z.strictObject({ url: z.url() }), z.strictObject({ databaseUrl: z.string().min(1) }), z.strictObject({ dataDir: z.string().min(1) })]),
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
})

export type IdentityBeaconConfig = z.output<typeof identityBeaconConfigSchema>

export function parseIdentityBeaconConfig(raw: unknown, env: NodeJS.ProcessEnv = process.env): IdentityBeaconConfig {
  const result = identityBeaconConfigSchema.safeParse(raw)
  if (!result.success) throw new InvalidInputError('beacon config does not validate', { details: z.prettifyError(result.error) })
  const config = result.data
  if (env.HALO_IDENTITY_PRIVATE_KEY) config.privateKey = env.HALO_IDENTITY_PRIVATE_KEY
  if (!config.privateKey) throw new InvalidInputError('no beacon key: set HALO_IDENTITY_PRIVATE_KEY or privateKey in the config')
  return config
}

export function loadIdentityBeaconConfig(path: string, env: NodeJS.ProcessEnv = process.env): IdentityBeaconConfig {
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'))
  } catch (cause) {
    throw new InvalidInputError('cannot read the beacon config', { details: path, cause })
  }
  return parseIdentityBeaconConfig(raw, env)
}
