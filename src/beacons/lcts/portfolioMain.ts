import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import pino, { type Logger } from 'pino'
import { encodeFunctionData, erc20Abi } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import type { AssetManager } from '../../portfolio/manager/adapter.js'
import { openDurableDevnetAssetManager, parseDevnetManagerOp, type DurableDevnetAssetManager } from '../../portfolio/manager/durableSimulator.js'
import { createManagerWebhook, createWebhookAssetManager, parseWebhookJournalEntry, type WebhookAssetManager } from '../../portfolio/manager/webhook.js'
import type { SynomeClient } from '../../synome/client/index.js'
import { PORTFOLIO_COMMANDS } from '../../synome/commands/portfolio/index.js'
import type { LeaseKeeperStatus } from '../shared/ha.js'
import { runBeacon, startBeaconRuntime } from '../shared/runtime.js'
import { PortfolioDecisionJournal, portfolioCycleTick, type PortfolioTickReport } from './portfolio.js'
import { cycleConfigOf, type PortfolioBeaconConfig } from './portfolioConfig.js'

/**
 * The lpha-lcts process for a Portfolio Halo Class (`halo beacon lcts --config` with
 * `"kind": "portfolioClass"`): the shared beacon runtime (chain, Synome, lease, /metrics), the
 * cycle's journals in `stateDir` (portfolio-txs.jsonl, portfolio-decisions.jsonl; under HA the
 * Synome's `lpha-lcts:<classId>:<bookId>/txs`, `/decisions`, `/manager-txs`, and the manager's
 * own journal `/manager-simulator` or `/manager-webhook`, rebuilt on each new epoch) and the
 * asset-manager source:
 * - `simulator`: the devnet manager, durable in `manager-simulator.jsonl`; what it returns it
 *   also sends on chain from the manager endpoint to the class ALMProxy, one transaction per
 *   redemption under the key `return:<redemptionId>` in its own tx journal
 *   (`manager-txs.jsonl`) — before the cycle reads the PAU, so the cycle's NAV identity holds;
 * - `webhook`: a real manager's signed reports, journaled in `manager-webhook.jsonl`, served on
 *   `listen` (POST /portfolio/manager/reports) by this process, the journal's one writer; the
 *   manager moves its USDS on chain itself.
 * Chain time is the clock. Every file journal is fsynced and locked to this process.
 */
export type PortfolioBeacon = { tick(): Promise<PortfolioTickReport>; manager: AssetManager; webhookUrl: string | undefined; httpPort: number | undefined; lease(): LeaseKeeperStatus | undefined; close(): Promise<void> }

export async function startPortfolioBeacon(config: PortfolioBeaconConfig, log: Logger = pino({ name: 'lpha-lcts' }), options: { synome?: SynomeClient } = {}): Promise<PortfolioBeacon> {
  const rt = await startBeaconRuntime({ config, leaseName: `lpha-lcts:${config.classId}:${config.bookId}`, log, synome: options.synome, commands: PORTFOLIO_COMMANDS })
  try {
    const journalOptions = { finalityDepth: config.chain.finalityDepth, receiptTimeoutMs: 5_000 }
    const txs = rt.txJournal({ file: 'portfolio-txs.jsonl', name: 'txs', ...journalOptions })
    const decisions = new PortfolioDecisionJournal(rt.recordJournal({ file: 'portfolio-decisions.jsonl', name: 'decisions', parse: PortfolioDecisionJournal.parse }))

    let manager: AssetManager
    let webhookUrl: string | undefined
    const source = config.manager
    if (source.kind === 'simulator') {
      const sim: DurableDevnetAssetManager = await openDurableDevnetAssetManager({
        journal: rt.recordJournal({ file: 'manager-simulator.jsonl', name: 'manager-simulator', parse: parseDevnetManagerOp }),
        books: [{ bookId: config.bookId, openedAt: new Date(source.openedAt), annualYieldBps: BigInt(source.annualYieldBps), redemptionDelaySeconds: source.redemptionDelaySeconds }],
      })
      // registered after its journal: the book is replayed from what the journal reloaded
      rt.ha?.register({ reload: () => sim.rebuild() })
      const endpoint = privateKeyToAccount(source.endpointPrivateKey as `0x${string}`)
      const managerTxs = rt.txJournal({ file: 'manager-txs.jsonl', name: 'manager-txs', account: endpoint, ...journalOptions })
      manager = {
        ...sim,
        async tick(at) {
          await sim.tick(at)
          await managerTxs.recover()
          // level-triggered: every returned redemption has its one transfer (a journaled key resolves, never re-sends)
          for (const r of sim.returnedRedemptions(config.bookId)) {
            const data = encodeFunctionData({ abi: erc20Abi, functionName: 'transfer', args: [config.pau.almProxy, r.amount] })
            const state = await managerTxs.send(`return:${r.redemptionId}`, { to: config.chain.usds, data })
            if (state.status !== 'final') throw new Error(`the manager's return ${r.redemptionId} is ${state.status} (${state.hash})`)
          }
        },
      }
    } else {
      const webhook: WebhookAssetManager = createWebhookAssetManager({
        journal: rt.recordJournal({ file: 'manager-webhook.jsonl', name: 'manager-webhook', parse: parseWebhookJournalEntry }),
        managers: source.managers,
        chainId: config.synomeChainId,
        clock: rt.current,
        window: source.window,
      })
      rt.ha?.register({ reload: async () => webhook.rebuild() })
      manager = webhook
      if (source.listen) {
        const app = createManagerWebhook({ manager: webhook })
        const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
          const s = serve({ fetch: app.fetch, port: source.listen!.port, hostname: source.listen!.host }, () => resolve(s))
        })
        const { port } = server.address() as AddressInfo
        webhookUrl = `http://${source.listen.host}:${port}`
        log.info({ url: webhookUrl }, 'manager webhook listening')
        rt.onClose(() => new Promise<void>((resolve) => server.close(() => resolve())))
      }
    }
    const deps = { config: cycleConfigOf(config), publicClient: rt.chain(), synome: rt.synome, manager, txs, decisions, now: rt.now, log }
    const tick = async () => {
      // the webhook's clock is chain time too: read it before a report can be admitted
      await rt.now()
      return portfolioCycleTick(deps)
    }
    const standby = (): PortfolioTickReport => ({ epoch: '', steps: ['standby'], alerts: [] })
    return { manager, webhookUrl, tick: rt.gate(tick, standby), httpPort: await rt.serveHttp(), lease: rt.lease, close: rt.close }
  } catch (error) {
    await rt.close()
    throw error
  }
}

/** Tick forever (until SIGTERM/SIGINT) or once; a failed tick is logged and retried next interval. */
export async function runPortfolioBeacon(config: PortfolioBeaconConfig, options: { once?: boolean; log?: Logger } = {}): Promise<void> {
  const log = options.log ?? pino({ name: 'lpha-lcts', level: process.env.LOG_LEVEL ?? 'info' })
  await runBeacon({
    start: () => startPortfolioBeacon(config, log),
    name: 'lpha-lcts (portfolio)',
    fields: { classId: config.classId, bookId: config.bookId, manager: config.manager.kind },
    summarise: (report) => ({ fields: { epoch: report.epoch, steps: report.steps, alerts: report.alerts.map((a) => a.code) }, failed: false }),
    intervalSeconds: config.intervalSeconds,
    once: options.once,
    log,
  })
}
