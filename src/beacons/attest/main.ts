import pino, { type Logger } from 'pino'
import type { Address } from 'viem'
import { z } from 'zod'
import { createAttestationRegistry } from '../../chain/attestation.js'
import { InvalidInputError } from '../../domain/errors.js'
import { haConfigSchema } from '../shared/ha.js'
import { hex32Schema as hex32, httpPortSchema, parseBeaconConfig, readConfigFile, runBeacon, startBeaconRuntime, synomeConfigSchema } from '../shared/runtime.js'
import { evidenceSchemas } from './policy.js'
import { attestTick, type AttestIdentity, type AttestOnChain } from './reconcile.js'

/**
 * `halo beacon attest --config file.json`: lpha-attest in rule mode (devnets). The key comes
 * from HALO_ATTEST_PRIVATE_KEY or the file; it should hold only the attest role.
 */
export const attestBeaconConfigSchema = z.strictObject({
  haloClass: z.string().min(1),
  privateKey: hex32.optional(),
  synome: synomeConfigSchema,
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
  /** /metrics (the lease's, under HA) and /healthz. */
  httpPort: httpPortSchema,
  /** Run as one of several instances; only the lease holder posts (src/beacons/shared/ha.ts). */
  ha: haConfigSchema.optional(),
})
export type AttestBeaconConfig = z.output<typeof attestBeaconConfigSchema>

export function loadAttestBeaconConfig(path: string, env: NodeJS.ProcessEnv = process.env): AttestBeaconConfig {
  return parseBeaconConfig(attestBeaconConfigSchema, readConfigFile(path, 'attestor config'), { keyEnv: 'HALO_ATTEST_PRIVATE_KEY', what: 'attestor config', env, meta: { path } })
}

export type AttestBeacon = { tick(): Promise<Awaited<ReturnType<typeof attestTick>>>; httpPort: number | undefined; close(): Promise<void> }

export async function startAttestBeacon(config: AttestBeaconConfig, log: Logger = pino({ name: 'lpha-attest' })): Promise<AttestBeacon> {
  const clockRpcUrl = config.clock === 'wall' ? undefined : config.clock.rpcUrl
  if (clockRpcUrl && config.onChain && clockRpcUrl !== config.onChain.rpcUrl) throw new InvalidInputError('clock.rpcUrl and onChain.rpcUrl name different chains', { meta: { field: 'clock.rpcUrl' } })
  const rt = await startBeaconRuntime({
    config: { ...config, rpcUrl: config.onChain?.rpcUrl ?? clockRpcUrl, clock: config.clock === 'wall' ? 'wall' : { chainOffsetSeconds: config.clock.chainOffsetSeconds }, stateDir: config.onChain?.stateDir },
    leaseName: `lpha-attest:${config.haloClass}`,
    log,
  })
  try {
    const identity: AttestIdentity = { haloClass: config.haloClass, idPrefix: config.idPrefix, firstNumber: config.firstNumber }
    // Under HA the registry transactions' journal is the Synome's shared one, fenced by the lease,
    // so a new leader resolves the old leader's in-flight record instead of sending another.
    const onChain: AttestOnChain | undefined = config.onChain
      ? { registry: createAttestationRegistry(rt.chain(), config.onChain.registry as Address), txs: rt.txJournal({ file: 'txs.jsonl', name: 'attest-registry-txs', finalityDepth: config.onChain.finalityDepth }) }
      : undefined
    const tick = async () => attestTick({ synome: rt.reader, identity, rules: config.rules, now: await rt.now(), log, onChain })
    return { tick: rt.gate(tick, () => []), httpPort: await rt.serveHttp(), close: rt.close }
  } catch (error) {
    await rt.close()
    throw error
  }
}

export async function runAttestBeacon(config: AttestBeaconConfig, options: { once?: boolean; log?: Logger } = {}): Promise<void> {
  const log = options.log ?? pino({ name: 'lpha-attest' })
  await runBeacon({
    start: () => startAttestBeacon(config, log),
    name: 'lpha-attest',
    fields: { haloClass: config.haloClass },
    summarise: (report) => ({ fields: { posted: report.filter((r) => r.type).length }, failed: false }),
    intervalSeconds: config.intervalSeconds,
    once: options.once,
    log,
  })
}
