import { join } from 'node:path'
import pino, { type Logger } from 'pino'
import { createPublicClient, http, type Chain, type PublicClient, type Transport } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { chainFor } from '../../chain/clients.js'
import { createHttpClient, createInProcessClient, type SynomeClient } from '../../synome/client/index.js'
import { registerAmmCommands } from '../../synome/commands/amm/index.js'
import { createSynome } from '../../synome/create.js'
import { withCrashPoints } from '../shared/crashPoints.js'
import { runTickLoop } from '../shared/tickLoop.js'
import { TxJournal } from '../shared/txJournal.js'
import { createAmmChain } from './chain.js'
import { policyOf, type AmmBeaconConfig } from './config.js'
import { reconcileAmmTick, type AmmTickReport } from './reconcile.js'

/**
 * The lpha-amm process for one Trading Halo pool: chain, Synome, the transaction journal in
 * `stateDir`, and the tick loop. Chain time is the clock (oracle age and redemption promises
 * are judged by the chain the pool lives on).
 */
export type AmmBeacon = { tick(): Promise<AmmTickReport>; close(): Promise<void> }

export async function startAmmBeacon(config: AmmBeaconConfig, log: Logger = pino({ name: 'lpha-amm' }), options: { synome?: SynomeClient } = {}): Promise<AmmBeacon> {
  const account = privateKeyToAccount(config.privateKey as `0x${string}`)
  const chain = await chainFor(config.rpcUrl)
  const publicClient: PublicClient<Transport, Chain> = createPublicClient({ chain, transport: http(config.rpcUrl, { retryCount: 2 }), pollingInterval: 100 })
  let current = new Date()
  const now = async () => {
    if (config.clock === 'wall') return (current = new Date())
    const block = await publicClient.getBlock({ blockTag: 'latest' })
    return (current = new Date((Number(block.timestamp) + config.clock.chainOffsetSeconds) * 1000))
  }
  await now()
  const closers: Array<() => Promise<void> | void> = []
  let synome: SynomeClient
  if (options.synome) synome = options.synome
  else if ('url' in config.synome) synome = createHttpClient({ url: config.synome.url, account, chainId: config.synomeChainId, clock: () => current })
  else {
    // registered, not passed: the CLI registers them already, and a handler may be added once
    registerAmmCommands()
    const service = await createSynome({ ...config.synome, clock: () => current, chainId: config.synomeChainId })
    closers.push(() => service.close())
    synome = createInProcessClient({ service, account, clock: () => current })
  }
  const txs = new TxJournal({ path: join(config.stateDir, 'amm-txs.jsonl'), account, publicClient, finalityDepth: config.chain.finalityDepth, clock: () => current, receiptTimeoutMs: 5_000 })
  closers.push(() => txs.close())
  const deps = {
    poolId: config.poolId,
    haloClass: config.haloClass,
    synome: withCrashPoints(synome),
    chain: createAmmChain(publicClient, config.chain),
    txs,
    policy: (assetDecimals: number) => policyOf(config, assetDecimals),
    log,
  }
  return {
    async tick() {
      await now()
      return reconcileAmmTick(deps)
    },
    async close() {
      for (const close of closers.reverse()) await close()
    },
  }
}

/** Tick forever (bounded only by signals) or once; one failed tick is logged, not fatal. */
export async function runAmmBeacon(config: AmmBeaconConfig, options: { once?: boolean; log?: Logger } = {}): Promise<void> {
  const log = options.log ?? pino({ name: 'lpha-amm', level: process.env.LOG_LEVEL ?? 'info' })
  const beacon = await startAmmBeacon(config, log)
  log.info({ poolId: config.poolId, pool: config.chain.pool }, 'lpha-amm started')
  try {
    await runTickLoop({
      tick: () => beacon.tick(),
      summarise: (report) => ({ fields: { block: report.blockNumber?.toString(), actions: report.actions, alerts: report.alerts, reported: report.reported, pending: report.pending }, failed: report.errors.length > 0 }),
      intervalSeconds: config.intervalSeconds,
      once: options.once,
      log,
    })
  } finally {
    await beacon.close()
  }
}
