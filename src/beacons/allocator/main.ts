import { join } from 'node:path'
import pino, { type Logger } from 'pino'
import { createPublicClient, http, type Chain, type PublicClient, type Transport } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { chainFor } from '../../chain/clients.js'
import { createHttpClient, createInProcessClient, type SynomeClient } from '../../synome/client/index.js'
import { ALLOCATOR_COMMANDS } from '../../synome/commands/allocator/index.js'
import { createSynome } from '../../synome/create.js'
import { withCrashPoints } from '../shared/crashPoints.js'
import { runTickLoop } from '../shared/tickLoop.js'
import { TxJournal } from '../shared/txJournal.js'
import { createAllocatorChain } from './chain.js'
import { policyOf, type AllocatorBeaconConfig } from './config.js'
import { reconcileTick, type AllocatorTickReport } from './reconcile.js'
import { combineUnitSources as combine, synomeUnitSource, type UnitSource } from './units.js'

/**
 * The allocator process for one Prime: chain, Synome, its transaction journal in `stateDir`,
 * and the tick loop. Chain time is the clock (rate limits refill and SORL counts on chain time).
 * `options.sources` adds Unit sources (the Halo Factory's reader, Portfolio units) before the
 * Synome's own.
 */
export type AllocatorBeacon = { tick(): Promise<AllocatorTickReport>; close(): Promise<void> }

export async function startAllocatorBeacon(config: AllocatorBeaconConfig, log: Logger = pino({ name: 'allocator' }), options: { synome?: SynomeClient; sources?: readonly UnitSource[] } = {}): Promise<AllocatorBeacon> {
  const account = privateKeyToAccount(config.privateKey as `0x${string}`)
  const chain = await chainFor(config.rpcUrl)
  const publicClient: PublicClient<Transport, Chain> = createPublicClient({ chain, transport: http(config.rpcUrl, { retryCount: 2 }), pollingInterval: 100 })
  let current = new Date()
  const now = async () => {
    const block = await publicClient.getBlock({ blockTag: 'latest' })
    current = new Date(Number(block.timestamp) * 1000)
    return block.timestamp
  }
  await now()
  const closers: Array<() => Promise<void> | void> = []
  let synome: SynomeClient
  if (options.synome) synome = options.synome
  else if ('url' in config.synome) synome = createHttpClient({ url: config.synome.url, account, chainId: config.synomeChainId, clock: () => current })
  else {
    const service = await createSynome({ ...config.synome, clock: () => current, chainId: config.synomeChainId, commands: [...ALLOCATOR_COMMANDS] })
    closers.push(() => service.close())
    synome = createInProcessClient({ service, account, clock: () => current })
  }
  const txs = new TxJournal({ path: join(config.stateDir, `allocator-${config.prime}-txs.jsonl`), account, publicClient, finalityDepth: config.chain.finalityDepth, clock: () => current, receiptTimeoutMs: 5_000 })
  closers.push(() => txs.close())
  const { rampCadenceSeconds, ...policy } = policyOf(config.policy)
  const deps = {
    prime: config.prime,
    synome: withCrashPoints(synome),
    source: options.sources?.length ? combine([...options.sources, synomeUnitSource(synome)]) : synomeUnitSource(synome),
    chain: createAllocatorChain(publicClient, config.chain, [config.prime]),
    publicClient,
    txs,
    policy,
    rampCadenceSeconds,
    now,
    log,
  }
  return {
    tick: () => reconcileTick(deps),
    async close() {
      for (const close of closers.reverse()) await close()
    },
  }
}

/** Tick forever (bounded only by signals) or once; one failed tick is logged, not fatal. */
export async function runAllocatorBeacon(config: AllocatorBeaconConfig, options: { once?: boolean; log?: Logger } = {}): Promise<void> {
  const log = options.log ?? pino({ name: `allocator-${config.prime}`, level: process.env.LOG_LEVEL ?? 'info' })
  const beacon = await startAllocatorBeacon(config, log)
  log.info({ prime: config.prime }, 'allocator started')
  try {
    await runTickLoop({
      tick: () => beacon.tick(),
      summarise: (report) => ({
        fields: { sent: report.sent.map((s) => s.key), eligible: report.record.units.filter((u) => u.eligible).map((u) => u.unitId), proposals: report.record.proposals.length, errors: report.errors },
        failed: report.errors.length > 0,
      }),
      intervalSeconds: config.intervalSeconds,
      once: options.once,
      log,
    })
  } finally {
    await beacon.close()
  }
}
