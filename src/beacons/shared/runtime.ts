import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import type { Logger } from 'pino'
import { Registry } from 'prom-client'
import { createPublicClient, http, type Chain, type LocalAccount, type PublicClient, type Transport } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { z } from 'zod'
import { chainFor } from '../../chain/clients.js'
import { InvalidInputError } from '../../domain/errors.js'
import { createHttpClient, createInProcessClient, resolveSynomeToken, type SynomeClient } from '../../synome/client/index.js'
import type { CommandHandler } from '../../synome/commands/types.js'
import { createSynome } from '../../synome/create.js'
import { withCrashPoints } from './crashPoints.js'
import { startBeaconHa, type BeaconHa, type HaConfig, type LeaseKeeperStatus } from './ha.js'
import { RecordJournal } from './recordJournal.js'
import { runTickLoop } from './tickLoop.js'
import { TxJournal } from './txJournal.js'

/**
 * What every beacon process does before and around its reconcile tick, once: the key, the chain
 * client and clock, the Synome client (HTTP, or a Synome in this process), the optional lease
 * (src/beacons/shared/ha.ts: the client fenced, the tx journals shared in the Synome, the tick
 * gated), the HTTP server with /metrics and /healthz, the tick loop (bounded backoff, SIGTERM)
 * and closing everything in reverse order. A beacon's main.ts adds only its own wiring.
 */

export const hex32Schema = z.string().regex(/^0x[0-9a-fA-F]{64}$/, 'a 32-byte hex private key')
export const addressSchema = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'a 20-byte hex address') as unknown as z.ZodType<`0x${string}`>
/** `{url, token?}` (HTTP; env HALO_SYNOME_TOKEN wins over token) | `{databaseUrl}` | `{dataDir}` (a Synome in this process). */
export const synomeConfigSchema = z.union([
  z.strictObject({ url: z.url(), /** bearer token (env HALO_SYNOME_TOKEN wins) */ token: z.string().min(1).optional() }),
  z.strictObject({ databaseUrl: z.string().min(1) }),
  z.strictObject({ dataDir: z.string().min(1) }),
])
export type SynomeConfig = z.output<typeof synomeConfigSchema>
/** Port of the HTTP server with /metrics and /healthz (0 = any free port, omitted = none). */
export const httpPortSchema = z.number().int().min(0).max(65_535).optional()

/** `wall`: the machine clock. Otherwise the latest block's time plus an offset (devnets that move chain time). */
export type BeaconClock = 'wall' | { chainOffsetSeconds: number }

/**
 * A config file through its schema; the key from `keyEnv` wins over the file's (flags > env >
 * file > defaults). `what` names the file in errors ("beacon config", "allocator config").
 */
export function parseBeaconConfig<S extends z.ZodType<{ privateKey?: string | undefined }>>(schema: S, raw: unknown, p: { keyEnv: string; what: string; env?: NodeJS.ProcessEnv; meta?: Record<string, unknown> }): z.output<S> {
  const result = schema.safeParse(raw)
  if (!result.success) throw new InvalidInputError(`${p.what} does not validate`, { details: z.prettifyError(result.error), meta: { ...p.meta, fields: result.error.issues.map((i) => i.path.join('.')) } })
  const config = result.data
  const env = p.env ?? process.env
  if (env[p.keyEnv]) config.privateKey = env[p.keyEnv]
  if (!config.privateKey) throw new InvalidInputError(`no ${p.what.replace(/ config$/, '')} key: set ${p.keyEnv} or privateKey in the config`)
  return config
}

/** The JSON of a config file, or InvalidInputError naming it. */
export function readConfigFile(path: string, what: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'))
  } catch (cause) {
    throw new InvalidInputError(`cannot read the ${what}`, { details: path, cause })
  }
}

export type BeaconRuntimeConfig = {
  privateKey?: string | undefined
  /** The chain the beacon acts on and (unless `clock` is `wall`) reads its time from; absent: no chain. */
  rpcUrl?: string | undefined
  synome: SynomeConfig
  synomeChainId?: number | undefined
  clock: BeaconClock
  /** Where local journals live (a single instance's tx journals). */
  stateDir?: string | undefined
  httpPort?: number | undefined
  ha?: HaConfig | undefined
}

export type StartBeaconRuntimeParameters = {
  config: BeaconRuntimeConfig
  /** The lease's name unless `ha.leaseName` says otherwise, e.g. `lpha-nfat:facility-A`. */
  leaseName: string
  log: Logger
  /** A Synome client to use instead of the config's (tests, embedding); lease calls go through it too. */
  synome?: SynomeClient | undefined
  /** Command handlers a Synome started in this process must accept. */
  commands?: readonly CommandHandler[] | undefined
  /** viem's polling interval for receipts. */
  pollingIntervalMs?: number | undefined
}

export type BeaconRuntime = {
  account: LocalAccount
  /** The chain client; throws when the config has no rpcUrl. */
  chain(): PublicClient<Transport, Chain>
  /** Reads the clock (a block when on chain time) and remembers it for the Synome client's issuedAt. */
  now(): Promise<Date>
  /** The last time `now()` read. */
  current(): Date
  /** The beacon's Synome client: writes fenced by the lease under HA, with the `synome-write` crash point. */
  synome: SynomeClient
  /** The same client without the crash point (reads and sources). */
  reader: SynomeClient
  ha: BeaconHa | undefined
  /** The process's Prometheus registry (the lease's metrics are on it under HA). */
  registry: Registry
  /**
   * A crash-safe tx journal: the file `<stateDir>/<file>` for one instance, the Synome's shared
   * journal `<lease>/<name>` under HA (reloaded on each new epoch, every broadcast checked
   * against the lease). Closed with the runtime.
   */
  txJournal(p: { file: string; name: string; finalityDepth: number; account?: LocalAccount | undefined; receiptTimeoutMs?: number | undefined }): TxJournal
  /** A record journal (decisions) where the tx journals are: `<stateDir>/<file>`, or the shared `<lease>/<name>` under HA. Closed with the runtime. */
  recordJournal<T>(p: { file: string; name: string; parse: (raw: unknown) => T }): RecordJournal<T>
  /** Run `tick` only while this instance holds the lease (always without HA); `idle()` otherwise. */
  gate<R>(tick: () => Promise<R>, idle: (status: LeaseKeeperStatus) => R): () => Promise<R>
  lease(): LeaseKeeperStatus | undefined
  /** Start the HTTP server (/metrics, /healthz, plus `routes`) when the config has httpPort; returns its port. */
  serveHttp(routes?: (app: Hono) => void): Promise<number | undefined>
  /** Called on close, before what was opened earlier (reverse order). */
  onClose(close: () => Promise<void> | void): void
  close(): Promise<void>
}

export async function startBeaconRuntime(p: StartBeaconRuntimeParameters): Promise<BeaconRuntime> {
  const { config, log } = p
  if (!config.privateKey) throw new InvalidInputError('no beacon key')
  const account = privateKeyToAccount(config.privateKey as `0x${string}`)
  const closers: Array<() => Promise<void> | void> = []
  const close = async () => {
    for (const c of closers.splice(0).reverse()) await c()
  }
  try {
    let publicClient: PublicClient<Transport, Chain> | undefined
    if (config.rpcUrl) publicClient = createPublicClient({ chain: await chainFor(config.rpcUrl), transport: http(config.rpcUrl, { retryCount: 2 }), pollingInterval: p.pollingIntervalMs ?? 100 })
    const chain = () => {
      if (!publicClient) throw new InvalidInputError('this beacon has no rpcUrl configured')
      return publicClient
    }
    let current = new Date()
    const now = async () => {
      if (config.clock === 'wall') return (current = new Date())
      const block = await chain().getBlock({ blockTag: 'latest' })
      return (current = new Date((Number(block.timestamp) + config.clock.chainOffsetSeconds) * 1000))
    }
    await now()

    let synome: SynomeClient
    let leaseClient: SynomeClient | undefined
    if (p.synome) synome = p.synome
    else if ('url' in config.synome) {
      const parameters = { url: config.synome.url, token: resolveSynomeToken({ config: config.synome.token }), account, chainId: config.synomeChainId, clock: () => current }
      synome = createHttpClient(parameters)
      // a renew that hangs must not hold up the next one
      if (config.ha) leaseClient = createHttpClient({ ...parameters, timeoutMs: Math.max(250, Math.round(config.ha.renewIntervalSeconds * 1000)) })
    } else {
      const service = await createSynome({ ...config.synome, clock: () => current, chainId: config.synomeChainId, commands: p.commands })
      closers.push(() => service.close())
      synome = createInProcessClient({ service, account, clock: () => current })
    }

    const registry = new Registry()
    let ha: BeaconHa | undefined
    if (config.ha) {
      ha = await startBeaconHa({ config: config.ha, defaultLeaseName: p.leaseName, synome, leaseClient, log, registry })
      closers.push(() => ha!.close())
    }
    const reader = ha?.synome ?? synome

    return {
      account,
      chain,
      now,
      current: () => current,
      synome: withCrashPoints(reader),
      reader,
      ha,
      registry,
      txJournal(j) {
        const where = ha ? { store: ha.journalStore(j.name), beforeBroadcast: () => void ha!.keeper.assertToken() } : { path: join(config.stateDir ?? '.', j.file) }
        const txs = new TxJournal({ ...where, account: j.account ?? account, publicClient: chain(), finalityDepth: j.finalityDepth, clock: () => current, receiptTimeoutMs: j.receiptTimeoutMs })
        ha?.register(txs)
        closers.push(() => txs.close())
        return txs
      },
      recordJournal({ file, name, parse }) {
        const records = ha ? new RecordJournal({ store: ha.journalStore(name), parse }) : new RecordJournal({ path: join(config.stateDir ?? '.', file), parse })
        ha?.register(records)
        closers.push(() => records.close())
        return records
      },
      gate: (tick, idle) => (ha ? ha.gate(tick, () => idle(ha!.keeper.status())) : tick),
      lease: () => ha?.keeper.status(),
      async serveHttp(routes) {
        if (config.httpPort === undefined) return undefined
        const app = new Hono()
        app.get('/metrics', async (c) => c.text(await registry.metrics(), 200, { 'content-type': registry.contentType }))
        app.get('/healthz', (c) => c.json({ ok: true, ...(ha ? { lease: ha.keeper.status() } : {}) }))
        routes?.(app)
        const { server, port } = await new Promise<{ server: ReturnType<typeof serve>; port: number }>((resolve) => {
          const s = serve({ fetch: app.fetch, port: config.httpPort, hostname: '127.0.0.1' }, (info) => resolve({ server: s, port: info.port }))
        })
        closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())))
        return port
      },
      onClose: (c) => void closers.push(c),
      close,
    }
  } catch (error) {
    await close()
    throw error
  }
}

/** A started beacon: one reconcile pass, and closing what it opened. */
export type StartedBeacon<R> = { tick(): Promise<R>; close(): Promise<void> }

/**
 * Start a beacon, tick it forever (until SIGTERM/SIGINT, which release the lease on the way out)
 * or once, and close it. One failed tick is logged, not fatal (runTickLoop).
 */
export async function runBeacon<R>(p: {
  start: () => Promise<StartedBeacon<R> & { httpPort?: number | undefined }>
  name: string
  fields: Record<string, unknown>
  summarise: (report: R) => { fields: Record<string, unknown>; failed: boolean }
  intervalSeconds: number
  once?: boolean | undefined
  log: Logger
}): Promise<void> {
  const beacon = await p.start()
  p.log.info({ ...p.fields, ...(beacon.httpPort !== undefined ? { httpPort: beacon.httpPort } : {}) }, `${p.name} started`)
  try {
    await runTickLoop({ tick: () => beacon.tick(), summarise: p.summarise, intervalSeconds: p.intervalSeconds, once: p.once, log: p.log })
  } finally {
    await beacon.close()
  }
}
