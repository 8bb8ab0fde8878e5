import pino, { type Logger } from 'pino'
import type { SynomeClient } from '../../synome/client/index.js'
import { LCTS_COMMANDS } from '../../synome/commands/lcts/index.js'
import type { LeaseKeeperStatus } from '../shared/ha.js'
import { runBeacon, startBeaconRuntime } from '../shared/runtime.js'
import { createLctsChain } from './chain.js'
import { scheduleOf, type LctsBeaconConfig } from './config.js'
import { DecisionJournal, reconcileTick, type LctsTickReport } from './reconcile.js'

/**
 * The lpha-lcts process for one LCTS pair: the shared beacon runtime (chain, Synome, lease,
 * /metrics), its two journals (`lcts-txs.jsonl` and `lcts-decisions.jsonl` in `stateDir`, or
 * `lpha-lcts:<pairId>/txs` and `/decisions` in the Synome under HA), and the tick loop. Chain
 * time is the clock (the cycle is on chain time). A standby's tick does nothing.
 */
export type LctsBeacon = { tick(): Promise<LctsTickReport>; httpPort: number | undefined; lease(): LeaseKeeperStatus | undefined; close(): Promise<void> }

export async function startLctsBeacon(config: LctsBeaconConfig, log: Logger = pino({ name: 'lpha-lcts' }), options: { synome?: SynomeClient } = {}): Promise<LctsBeacon> {
  const rt = await startBeaconRuntime({ config, leaseName: `lpha-lcts:${config.pairId}`, log, synome: options.synome, commands: LCTS_COMMANDS })
  try {
    const txs = rt.txJournal({ file: 'lcts-txs.jsonl', name: 'txs', finalityDepth: config.chain.finalityDepth, receiptTimeoutMs: 5_000 })
    const decisions = new DecisionJournal(rt.recordJournal({ file: 'lcts-decisions.jsonl', name: 'decisions', parse: DecisionJournal.parse }))
    const deps = { pairId: config.pairId, schedule: scheduleOf(config), synome: rt.synome, chain: createLctsChain(rt.chain(), config.chain), txs, decisions, now: rt.now, log }
    const standby = (status: LeaseKeeperStatus): LctsTickReport => ({ actions: [{ kind: 'standby', reason: `lease ${rt.ha!.keeper.name} held by ${status.leader ?? 'nobody yet'}` }], errors: [] })
    return { tick: rt.gate(() => reconcileTick(deps), standby), httpPort: await rt.serveHttp(), lease: rt.lease, close: rt.close }
  } catch (error) {
    await rt.close()
    throw error
  }
}

/** Tick forever (bounded only by signals) or once; one failed tick is logged, not fatal. */
export async function runLctsBeacon(config: LctsBeaconConfig, options: { once?: boolean; log?: Logger } = {}): Promise<void> {
  const log = options.log ?? pino({ name: 'lpha-lcts', level: process.env.LOG_LEVEL ?? 'info' })
  await runBeacon({
    start: () => startLctsBeacon(config, log),
    name: 'lpha-lcts',
    fields: { pairId: config.pairId },
    summarise: (report) => ({ fields: { actions: report.actions.map((a) => a.kind), errors: report.errors.length }, failed: report.errors.length > 0 }),
    intervalSeconds: config.intervalSeconds,
    once: options.once,
    log,
  })
}
