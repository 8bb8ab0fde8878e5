import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { serve } from '@hono/node-server'
import pino, { type Logger } from 'pino'
import { createPublicClient, encodeFunctionData, erc20Abi, http, type Chain, type PublicClient, type Transport } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { chainFor } from '../../chain/clients.js'
import type { AssetManager } from '../../portfolio/manager/adapter.js'
import { openDurableDevnetAssetManager, type DurableDevnetAssetManager } from '../../portfolio/manager/durableSimulator.js'
import { createManagerWebhook, createWebhookAssetManager, type WebhookAssetManager } from '../../portfolio/manager/webhook.js'
import { createHttpClient, createInProcessClient, type SynomeClient } from '../../synome/client/index.js'
import { PORTFOLIO_COMMANDS } from '../../synome/commands/portfolio/index.js'
import { createSynome } from '../../synome/create.js'
import { withCrashPoints } from '../shared/crashPoints.js'
import { runTickLoop } from '../shared/tickLoop.js'
import { TxJournal } from '../shared/txJournal.js'
import { PortfolioDecisionJournal, portfolioCycleTick, type PortfolioTickReport } from './portfolio.js'
import { cycleConfigOf, type PortfolioBeaconConfig } from './portfolioConfig.js'

/**
 * The lpha-lcts process for a Portfolio Halo Class (`halo beacon lcts --config` with
 * `"kind": "portfolioClass"`): chain, Synome, the cycle's journals in `stateDir`
 * (portfolio-txs.jsonl, portfolio-decisions.jsonl) and the asset-manager source:
 * - `simulator`: the devnet manager, durable in `manager-simulator.jsonl`; what it returns it
 *   also sends on chain from the manager endpoint to the class ALMProxy, one transaction per
 *   redemption under the key `return:<redemptionId>` in its own tx journal
 *   (`manager-txs.jsonl`) — before the cycle reads the PAU, so the cycle's NAV identity holds;
 * - `webhook`: a real manager's signed reports, journaled in `manager-webhook.jsonl`, served on
 *   `listen` (POST /portfolio/manager/reports) by this process, the journal's one writer; the
 *   manager moves its USDS on chain itself.
 * Chain time is the clock. Every journal is fsynced and locked to this process.
 */
export type PortfolioBeacon = { tick(): Promise<PortfolioTickReport>; manager: AssetManager; webhookUrl: string | undefined; close(): Promise<void> }

export async function startPortfolioBeacon(config: PortfolioBeaconConfig, log: Logger = pino({ name: 'lpha-lcts' }), options: { synome?: SynomeClient } = {}): Promise<PortfolioBeacon> {
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
  const close = async () => {
    for (const c of closers.reverse()) await c()
  }
  try {
    let synome: SynomeClient
    if (options.synome) synome = options.synome
    else if ('url' in config.synome) synome = createHttpClient({ url: config.synome.url, account, chainId: config.synomeChainId, clock: () => current })
    else {
      const service = await createSynome({ ...config.synome, clock: () => current, chainId: config.synomeChainId, commands: [...PORTFOLIO_COMMANDS] })
      closers.push(() => service.close())
      synome = createInProcessClient({ service, account, clock: () => current })
    }
    const journalOptions = { publicClient, finalityDepth: config.chain.finalityDepth, clock: () => current, receiptTimeoutMs: 5_000 }
    const txs = new TxJournal({ path: join(config.stateDir, 'portfolio-txs.jsonl'), account, ...journalOptions })
    closers.push(() => txs.close())
    const decisions = new PortfolioDecisionJournal(join(config.stateDir, 'portfolio-decisions.jsonl'))
    closers.push(() => decisions.close())

    let manager: AssetManager
    let webhookUrl: string | undefined
    const source = config.manager
    if (source.kind === 'simulator') {
      const sim: DurableDevnetAssetManager = await openDurableDevnetAssetManager({
        journalPath: join(config.stateDir, 'manager-simulator.jsonl'),
        books: [{ bookId: config.bookId, openedAt: new Date(source.openedAt), annualYieldBps: BigInt(source.annualYieldBps), redemptionDelaySeconds: source.redemptionDelaySeconds }],
      })
      closers.push(() => sim.close())
      const endpoint = privateKeyToAccount(source.endpointPrivateKey as `0x${string}`)
      const managerTxs = new TxJournal({ path: join(config.stateDir, 'manager-txs.jsonl'), account: endpoint, ...journalOptions })
      closers.push(() => managerTxs.close())
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
        journalPath: join(config.stateDir, 'manager-webhook.jsonl'),
        managers: source.managers,
        chainId: config.synomeChainId,
        clock: () => current,
        window: source.window,
      })
      closers.push(() => webhook.close())
      manager = webhook
      if (source.listen) {
        const app = createManagerWebhook({ manager: webhook })
        const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
          const s = serve({ fetch: app.fetch, port: source.listen!.port, hostname: source.listen!.host }, () => resolve(s))
        })
        const { port } = server.address() as AddressInfo
        webhookUrl = `http://${source.listen.host}:${port}`
        log.info({ url: webhookUrl }, 'manager webhook listening')
        closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())))
      }
    }
    const deps = { config: cycleConfigOf(config), publicClient, synome: withCrashPoints(synome), manager, txs, decisions, now, log }
    return {
      manager,
      webhookUrl,
      async tick() {
        // the webhook's clock is chain time too: read it before a report can be admitted
        await now()
        return portfolioCycleTick(deps)
      },
      close,
    }
  } catch (error) {
    await close()
    throw error
  }
}

/** Tick forever (until SIGTERM/SIGINT) or once; a failed tick is logged and retried next interval. */
export async function runPortfolioBeacon(config: PortfolioBeaconConfig, options: { once?: boolean; log?: Logger } = {}): Promise<void> {
  const log = options.log ?? pino({ name: 'lpha-lcts', level: process.env.LOG_LEVEL ?? 'info' })
  const beacon = await startPortfolioBeacon(config, log)
  log.info({ classId: config.classId, bookId: config.bookId, manager: config.manager.kind }, 'lpha-lcts (portfolio) started')
  try {
    await runTickLoop({
      tick: () => beacon.tick(),
      summarise: (report) => ({ fields: { epoch: report.epoch, steps: report.steps, alerts: report.alerts.map((a) => a.code) }, failed: false }),
      intervalSeconds: config.intervalSeconds,
      once: options.once,
      log,
    })
  } finally {
    await beacon.close()
  }
}
