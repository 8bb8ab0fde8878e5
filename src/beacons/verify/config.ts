import { readFileSync } from 'node:fs'
import { z } from 'zod'
import { InvalidInputError } from '../../domain/errors.js'

/**
 * lpla-verify configuration: flags > environment > config file > defaults (the defaults run
 * locally against `halo up`).
 */
export const VerifyConfigSchema = z.strictObject({
  /** Synome HTTP API; when absent the local Synome data dir is opened read-only in-process. */
  synomeUrl: z.url().optional(),
  /** Bearer token for a Synome that requires one (a secret: prefer HALO_SYNOME_TOKEN). */
  synomeToken: z.string().min(1).optional(),
  rpcUrl: z.url().default('http://127.0.0.1:8545'),
  /** Skip on-chain position verification (e.g. a Synome-only audit). */
  noChain: z.boolean().default(false),
  intervalSeconds: z.number().int().min(1).max(86_400).default(60),
  webhookUrl: z.url().optional(),
  /** Port for GET /metrics (Prometheus); none when absent. */
  metricsPort: z.number().int().min(0).max(65_535).optional(),
  metricsHost: z.string().default('127.0.0.1'),
  /** USDC token, for checking USDC claimed at facility ALMProxies. */
  usdc: z.string().regex(/^0x[0-9a-fA-F]{40}$/).optional(),
  /** The on-chain attestation registry: PRE_DEPLOYMENT attestations of the current round are checked against it. */
  attestationRegistry: z.string().regex(/^0x[0-9a-fA-F]{40}$/).optional(),
  /** Prime name → address, for units whose depositorPrime is a name. */
  primeAddresses: z.record(z.string(), z.string().regex(/^0x[0-9a-fA-F]{40}$/)).default({}),
})
export type VerifyConfig = z.output<typeof VerifyConfigSchema>
export type VerifyConfigInput = z.input<typeof VerifyConfigSchema>

const ENV: Record<string, keyof VerifyConfigInput> = {
  HALO_SYNOME_URL: 'synomeUrl',
  HALO_SYNOME_TOKEN: 'synomeToken',
  HALO_RPC_URL: 'rpcUrl',
  HALO_VERIFY_INTERVAL_SECONDS: 'intervalSeconds',
  HALO_VERIFY_WEBHOOK_URL: 'webhookUrl',
  HALO_VERIFY_METRICS_PORT: 'metricsPort',
  HALO_USDC_ADDRESS: 'usdc',
  HALO_ATTESTATION_REGISTRY: 'attestationRegistry',
}
const NUMERIC = new Set<keyof VerifyConfigInput>(['intervalSeconds', 'metricsPort'])

export type LoadVerifyConfigParameters = { flags?: Partial<VerifyConfigInput>; env?: NodeJS.ProcessEnv; file?: string | undefined }

export function loadVerifyConfig({ flags = {}, env = process.env, file }: LoadVerifyConfigParameters = {}): VerifyConfig {
  let fromFile: Record<string, unknown> = {}
  if (file) {
    try {
      fromFile = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>
    } catch (cause) {
      throw new InvalidInputError(`cannot read verify config file ${file}`, { cause, details: (cause as Error).message })
    }
  }
  const fromEnv: Record<string, unknown> = {}
  for (const [name, key] of Object.entries(ENV)) {
    const value = env[name]
    if (value !== undefined && value !== '') fromEnv[key] = NUMERIC.has(key) ? Number(value) : value
  }
  const defined = Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined))
  const parsed = VerifyConfigSchema.safeParse({ ...fromFile, ...fromEnv, ...defined })
  if (!parsed.success) throw new InvalidInputError('verify configuration is invalid', { details: z.prettifyError(parsed.error) })
  return parsed.data
}
