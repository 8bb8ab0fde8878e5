import pino, { type Logger } from 'pino'
import type { SynomeClient } from '../../synome/client/index.js'
import { AMM_COMMANDS } from '../../synome/commands/amm/index.js'
import type { LeaseKeeperStatus } from '../shared/ha.js'
import { runBeacon, startBeaconRuntime } from '../shared/runtime.js'
import { createAmmChain } from './chain.js'
import { policyOf, type AmmBeaconConfig } from './config.js'
import { reconcileAmmTick, type AmmTickReport } from './reconcile.js'

/**
 * The lpha-amm process for one Trading Halo pool: the shared beacon runtime (chain, Synome,
 * lease, /metrics), the transaction journal, and the tick loop. Chain time is the clock (oracle
 * age and redemption promises are judged by the chain the pool lives on). A standby (HA) observes
 * and sends nothing: its report is empty with `standby`.
 */
export type AmmBeaconReport = AmmTickReport & { standby?: true }
export type AmmBeacon = { tick(): Promise<AmmBeaconReport>; httpPort: number | undefined; lease(): LeaseKeeperStatus | undefined; close(): Promise<void> }

export async function startAmmBeacon(config: AmmBeaconConfig, log: Logger = pino({ name: 'lpha-amm' }), options: { synome?: SynomeClient } = {}): Promise<AmmBeacon> {
  const rt = await startBeaconRuntime({ config, leaseName: `lpha-amm:${config.poolId}`, log, synome: options.synome, commands: AMM_COMMANDS })
  try {
    const txs = rt.txJournal({ file: 'amm-txs.jsonl', name: 'txs', finalityDepth: config.chain.finalityDepth, receiptTimeoutMs: 5_000 })
    const deps = {
      poolId: config.poolId,
      haloClass: config.haloClass,
      synome: rt.synome,
      chain: createAmmChain(rt.chain(), config.chain),
      txs,
      policy: (assetDecimals: number) => policyOf(config, assetDecimals),
      log,
    }
    const tick = async () => {
      await rt.now()
      return reconcileAmmTick(deps)
    }
    return { tick: rt.gate<AmmBeaconReport>(tick, () => ({ blockNumber: null, actions: [], alerts: [], reported: false, pending: 0, errors: [], standby: true })), httpPort: await rt.serveHttp(), lease: rt.lease, close: rt.close }
  } catch (error) {
    await rt.close()
    throw error
  }
}

/** Tick forever (bounded only by signals) or once; one failed tick is logged, not fatal. */
export async function runAmmBeacon(config: AmmBeaconConfig, options: { once?: boolean; log?: Logger } = {}): Promise<void> {
  const log = options.log ?? pino({ name: 'lpha-amm', level: process.env.LOG_LEVEL ?? 'info' })
  await runBeacon({
    start: () => startAmmBeacon(config, log),
    name: 'lpha-amm',
    fields: { poolId: config.poolId, pool: config.chain.pool },
    summarise: (report) => ({ fields: { block: report.blockNumber?.toString(), actions: report.actions, alerts: report.alerts, reported: report.reported, pending: report.pending, ...(report.standby ? { standby: true } : {}) }, failed: report.errors.length > 0 }),
    intervalSeconds: config.intervalSeconds,
    once: options.once,
    log,
  })
}
