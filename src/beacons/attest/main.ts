import { readFileSync } from 'node:fs'
import pino, { type Logger } from 'pino'
import { createPublicClient, http } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { z } from 'zod'
import { InvalidInputError } from '../../domain/errors.js'
import { createHttpClient, createInProcessClient, resolveSynomeToken, type SynomeClient } from '../../synome/client/index.js'
import { createSynome } from '../../synome/create.js'
import { haConfigSchema, startBeaconHa } from '../shared/ha.js'
import { runTickLoop } from '../shared/tickLoop.js'
import { evidenceSchemas } from './policy.js'
import { attestTick, type AttestIdentity, type AttestOnChain } from './reconcile.js'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Address } from 'viem'
import { createAttestationRegistry } from '../../chain/attestation.js'
import { chainFor } from '../../chain/clients.js'
import { TxJournal } from '../shared/txJournal.js'

/**
 * `halo beacon attest --config file.json`: lpha-attest in rule mode (devnets). The key comes
 * from HALO_ATTEST_PRIVATE_KEY or the file; it should hold only the attest role.
 */
const hex32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/)
export const attestBeaconConfigSchema = z.strictObject({
  haloClass: z.string().min(1),
  privateKey: hex32.optional(),
  synome: z.union([z.strictObject({ url: z.url(), /** bearer token (env HALO_SYNOME_TOKEN wins) */ token: z.string().min(1).optional() }), z.strictObject({ databaseUrl: z.string().min(1) }), z.strictObject({ dataDir: z.string().min(1) })]),
  synomeChainId: z.number().int().positive().optional(),
  idPrefix: z.string().min(1).default('att-'),
  firstNumber: z.number().int().nonnegative().default(1),
  rules: z.strictObject({
    periodicCadenceSeconds: z.number().int().positive(),
    atRestAfterSeconds: z.number().int().nonnegative(),
    evidence: z.strictObject({ PRE_DEPLOYMENT: evidenceSchemas.PRE_DEPLOYMENT, AT_REST: evidenceSchemas.AT_REST, PERIODIC: evidenceSchemas.PERIODIC }),
  }),
  /** `wall` or chain time plus an offset (needs rpcUrl). */
  clock: z.union([z.literal('wall'), z.strictObject({ rpcUrl: z.url(), chainOffsetSeconds: z.number().int() })]).default('wall'),
  /** The on-chain attestation registry lpha-attest records PRE_DEPLOYMENT on with its key (absent: Synome only). */
  onChain: z.strictObject({ rpcUrl: z.url(), registry: z.string().regex(/^0x[0-9a-fA-F]{40}$/), stateDir: z.string().min(1).default('./data/lpha-attest'), finalityDepth: z.number().int().min(0).default(2) }).optional(),
  intervalSeconds: z.number().positive().default(60),
  /** Run as one of several instances; only the lease holder posts (src/beacons/shared/ha.ts). */
  ha: haConfigSchema.optional(),
})
export type AttestBeaconConfig = z.output<typeof attestBeaconConfigSchema>

export function loadAttestBeaconConfig(path: string, env: NodeJS.ProcessEnv = process.env): AttestBeaconConfig {
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'))
  } catch (cause) {
    throw new InvalidInputError('cannot read the attestor config', { details: path, cause })
  }
  const result = attestBeaconConfigSchema.safeParse(raw)
  if (!result.success) throw new InvalidInputError('attestor config does not validate', { details: z.prettifyError(result.error), meta: { path } })
  if (env.HALO_ATTEST_PRIVATE_KEY) result.data.privateKey = env.HALO_ATTEST_PRIVATE_KEY
  if (!result.data.privateKey) throw new InvalidInputError('no attestor key: set HALO_ATTEST_PRIVATE_KEY or privateKey in the config')
  return result.data
}

export async function runAttestBeacon(config: AttestBeaconConfig, options: { once?: boolean; log?: Logger } = {}): Promise<void> {
  const log = options.log ?? pino({ name: 'lpha-attest' })
  const account = privateKeyToAccount(config.privateKey as `0x${string}`)
  let current = new Date()
  const chainClient = config.clock === 'wall' ? undefined : createPublicClient({ transport: http(config.clock.rpcUrl) })
  const now = async () => {
    if (config.clock === 'wall' || !chainClient) return (current = new Date())
    const block = await chainClient.getBlock({ blockTag: 'latest' })
    return (current = new Date((Number(block.timestamp) + config.clock.chainOffsetSeconds) * 1000))
  }
  let synome: SynomeClient
  let leaseClient: SynomeClient | undefined
  let close = async () => {}
  if ('url' in config.synome) {
    const httpParameters = { url: config.synome.url, token: resolveSynomeToken({ config: config.synome.token }), account, chainId: config.synomeChainId, clock: () => current }
    synome = createHttpClient(httpParameters)
    if (config.ha) leaseClient = createHttpClient({ ...httpParameters, timeoutMs: Math.max(250, Math.round(config.ha.renewIntervalSeconds * 1000)) })
  } else {
    const service = await createSynome({ ...config.synome, clock: () => current, chainId: config.synomeChainId })
    close = () => service.close()
    synome = createInProcessClient({ service, account, clock: () => current })
  }
  const identity: AttestIdentity = { haloClass: config.haloClass, idPrefix: config.idPrefix, firstNumber: config.firstNumber }
  const ha = config.ha ? await startBeaconHa({ config: config.ha, defaultLeaseName: `lpha-attest:${config.haloClass}`, synome, leaseClient, log }) : undefined
  let onChain: AttestOnChain | undefined
  if (config.onChain) {
    const publicClient = createPublicClient({ chain: await chainFor(config.onChain.rpcUrl), transport: http(config.onChain.rpcUrl) })
    mkdirSync(config.onChain.stateDir, { recursive: true })
    // Under HA the registry transactions' journal is the Synome's shared one, fenced by the lease,
    // so a new leader resolves the old leader's in-flight record instead of sending another.
    const journal = ha ? { store: ha.journalStore('attest-registry-txs'), beforeBroadcast: () => void ha.keeper.assertToken() } : { path: join(config.onChain.stateDir, 'txs.jsonl') }
    const txs = new TxJournal({ ...journal, account, publicClient, finalityDepth: config.onChain.finalityDepth, clock: () => current })
    ha?.register(txs)
    onChain = { registry: createAttestationRegistry(publicClient, config.onChain.registry as Address), txs }
    const closeSynome = close
    close = async () => {
      txs.close()
      await closeSynome()
    }
  }
  const acting = ha?.synome ?? synome
  const tick = async () => attestTick({ synome: acting, identity, rules: config.rules, now: await now(), log, onChain })
  try {
    await runTickLoop({
      tick: ha ? ha.gate(tick, () => []) : tick,
      summarise: (report) => ({ fields: { posted: report.filter((r) => r.type).length }, failed: false }),
      intervalSeconds: config.intervalSeconds,
      once: options.once,
      log,
    })
  } finally {
    await ha?.close()
    await close()
  }
}
