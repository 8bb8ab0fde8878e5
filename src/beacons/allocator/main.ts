import pino, { type Logger } from 'pino'
import type { SynomeClient } from '../../synome/client/index.js'
import { ALLOCATOR_COMMANDS } from '../../synome/commands/allocator/index.js'
import type { LeaseKeeperStatus } from '../shared/ha.js'
import { runBeacon, startBeaconRuntime } from '../shared/runtime.js'
import { createAllocatorChain } from './chain.js'
import { policyOf, type AllocatorBeaconConfig } from './config.js'
import { reconcileTick, type AllocatorTickReport } from './reconcile.js'
import { combineUnitSources as combine, synomeUnitSource, type UnitSource } from './units.js'

/**
 * The allocator process for one Prime: the shared beacon runtime (chain, Synome, lease,
 * /metrics), its transaction journal, and the tick loop. Chain time is the clock (rate limits
 * refill and SORL counts on chain time). `options.sources` adds Unit sources (the Halo
 * Factory's reader, Portfolio units) before the Synome's own. A standby (HA) ticks as
 * `undefined`: it observes and sends nothing.
 */
export type AllocatorBeacon = { tick(): Promise<AllocatorTickReport | undefined>; httpPort: number | undefined; lease(): LeaseKeeperStatus | undefined; close(): Promise<void> }

export async function startAllocatorBeacon(config: AllocatorBeaconConfig, log: Logger = pino({ name: 'allocator' }), options: { synome?: SynomeClient; sources?: readonly UnitSource[] } = {}): Promise<AllocatorBeacon> {
  const rt = await startBeaconRuntime({ config: { ...config, clock: { chainOffsetSeconds: 0 } }, leaseName: `allocator:${config.prime}`, log, synome: options.synome, commands: ALLOCATOR_COMMANDS })
  try {
    const publicClient = rt.chain()
    const txs = rt.txJournal({ file: `allocator-${config.prime}-txs.jsonl`, name: 'txs', finalityDepth: config.chain.finalityDepth, receiptTimeoutMs: 5_000 })
    const { rampCadenceSeconds, ...policy } = policyOf(config.policy)
    const deps = {
      prime: config.prime,
      synome: rt.synome,
      source: options.sources?.length ? combine([...options.sources, synomeUnitSource(rt.reader)]) : synomeUnitSource(rt.reader),
      chain: createAllocatorChain(publicClient, config.chain, [config.prime]),
      publicClient,
      txs,
      policy,
      rampCadenceSeconds,
      now: async () => BigInt((await rt.now()).getTime() / 1000),
      log,
    }
    return { tick: rt.gate<AllocatorTickReport | undefined>(() => reconcileTick(deps), () => undefined), httpPort: await rt.serveHttp(), lease: rt.lease, close: rt.close }
  } catch (error) {
    await rt.close()
    throw error
  }
}

/** Tick forever (bounded only by signals) or once; one failed tick is logged, not fatal. */
export async function runAllocatorBeacon(config: AllocatorBeaconConfig, options: { once?: boolean; log?: Logger } = {}): Promise<void> {
  const log = options.log ?? pino({ name: `allocator-${config.prime}`, level: process.env.LOG_LEVEL ?? 'info' })
  await runBeacon({
    start: () => startAllocatorBeacon(config, log, {}),
    name: 'allocator',
    fields: { prime: config.prime },
    summarise: (report) =>
      report
        ? { fields: { sent: report.sent.map((s) => s.key), eligible: report.record.units.filter((u) => u.eligible).map((u) => u.unitId), proposals: report.record.proposals.length, errors: report.errors }, failed: report.errors.length > 0 }
        : { fields: { standby: true }, failed: false },
    intervalSeconds: config.intervalSeconds,
    once: options.once,
    log,
  })
}
