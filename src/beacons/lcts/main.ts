import { join } from 'node:path'
import { chainFor } from '../../chain/clients.js'
import pino, { type Logger } from 'pino'
import { createPublicClient, http, type Chain, type PublicClient, type Transport } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { createHttpClient, createInProcessClient, type SynomeClient } from '../../synome/client/index.js'
import { LCTS_COMMANDS } from '../../synome/commands/lcts/index.js'
import { createSynome } from '../../synome/create.js'
import { withCrashPoints } from '../shared/crashPoints.js'
import { runTickLoop } from '../shared/tickLoop.js'
import { TxJournal } from '../shared/txJournal.js'
import { createLctsChain } from './chain.js'
import { scheduleOf, type LctsBeaconConfig } from './config.js'
import { DecisionJournal, reconcileTick, type LctsTickReport } from './reconcile.js'

/**
 * The lpha-lcts process for one LCTS pair: chain, Synome, the two journals in `stateDir`, and
 * the tick loop. Chain time is the clock (the cycle is on chain time).
 */
export type LctsBeacon = { tick(): Promise<LctsTickReport>; close(): Promise<void> }

export async function startLctsBeacon(config: LctsBeaconConfig, log: Logger = pino({ name: 'lpha-lcts' }), options: { synome?: SynomeClient } = {}): Promise<LctsBeacon> {
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
    const service = await createSynome({ ...config.synome, clock: () => current, chainId: config.synomeChainId, commands: [...LCTS_COMMANDS] })
    closers.push(() => service.close())
    synome = createInProcessClient({ service, account, clock: () => current })
  }
  const txs = new TxJournal({ path: join(config.stateDir, 'lcts-txs.jsonl'), account, publicClient, finalityDepth: config.chain.finalityDepth, clock: () => current, receiptTimeoutMs: 5_000 })
  closers.push(() => txs.close())
  const decisions = new DecisionJournal(join(config.stateDir, 'lcts-decisions.jsonl'))
  closers.push(() => decisions.close())
  const deps = { pairId: config.pairId, schedule: scheduleOf(config), synome: withCrashPoints(synome), chain: createLctsChain(publicClient, config.chain), txs, decisions, now, log }
  return {
    tick: () => reconcileTick(deps),
    async close() {
      for (const close of closers.reverse()) await close()
    },
  }
}

/** Tick forever (bounded only by signals) or once; one failed tick is logged, not fatal. */
export async function runLctsBeacon(config: LctsBeaconConfig, options: { once?: boolean; log?: Logger } = {}): Promise<void> {
  const log = options.log ?? pino({ name: 'lpha-lcts', level: process.env.LOG_LEVEL ?? 'info' })
  const beacon = await startLctsBeacon(config, log)
  log.info({ pairId: config.pairId }, 'lpha-lcts started')
  try {
    await runTickLoop({
      tick: () => beacon.tick(),
      summarise: (report) => ({ fields: { actions: report.actions.map((a) => a.kind), errors: report.errors.length }, failed: report.errors.length > 0 }),
      intervalSeconds: config.intervalSeconds,
      once: options.once,
      log,
    })
  } finally {
    await beacon.close()
  }
}
