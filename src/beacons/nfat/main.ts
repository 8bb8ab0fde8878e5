import { join } from 'node:path'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { chainFor } from '../../chain/clients.js'
import pino, { type Logger } from 'pino'
import { createPublicClient, encodeFunctionData, http, type Chain, type PublicClient, type Transport } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { BankLedger } from '../../bank/ledger.js'
import { createDevnetBank, createWebhookBank, type OffRampBank } from '../../bank/simulator.js'
import { createBankWebhook } from '../../bank/webhook.js'
import { usdcAbi } from '../../chain/generated/index.js'
import { createHttpClient, createInProcessClient, resolveSynomeToken, type SynomeClient } from '../../synome/client/index.js'
import { createSynome } from '../../synome/create.js'
import { withCrashPoints } from '../shared/crashPoints.js'
import { startBeaconHa, type BeaconHa, type LeaseKeeperStatus } from '../shared/ha.js'
import { runTickLoop } from '../shared/tickLoop.js'
import { TxJournal } from '../shared/txJournal.js'
import { createNfatChain } from './chain.js'
import { classConfigFrom, type NfatBeaconConfig } from './config.js'
import { createNfatMetrics } from './metrics.js'
import { reconcileTick, type TickReport } from './reconcile.js'

/**
 * The lpha-nfat process: wires config → chain, Synome, journals, bank and HTTP (/metrics and
 * the bank webhook), then ticks every `intervalSeconds` (or once). Every piece of state that
 * must survive a crash is in `stateDir` or the Synome; memory only caches.
 */
export type NfatBeacon = {
  tick(): Promise<TickReport>
  httpPort: number | undefined
  /** HA instances: leader or standby. */
  lease(): LeaseKeeperStatus | undefined
  close(): Promise<void>
}

export async function startNfatBeacon(config: NfatBeaconConfig, log: Logger = pino({ name: 'lpha-nfat' })): Promise<NfatBeacon> {
  const account = privateKeyToAccount(config.privateKey as `0x${string}`)
  const chain = await chainFor(config.rpcUrl)
  const publicClient: PublicClient<Transport, Chain> = createPublicClient({ chain, transport: http(config.rpcUrl, { retryCount: 2 }), pollingInterval: 250 })

  let current = new Date()
  const now = async () => {
    if (config.clock === 'wall') return (current = new Date())
    const block = await publicClient.getBlock({ blockTag: 'latest' })
    return (current = new Date((Number(block.timestamp) + config.clock.chainOffsetSeconds) * 1000))
  }
  await now()

  const closers: Array<() => Promise<void> | void> = []
  let synome: SynomeClient
  let leaseClient: SynomeClient | undefined
  if ('url' in config.synome) {
    const http = { url: config.synome.url, token: resolveSynomeToken({ config: config.synome.token }), account, chainId: config.synomeChainId, clock: () => current }
    synome = createHttpClient(http)
    // a renew that hangs must not hold up the next one
    if (config.ha) leaseClient = createHttpClient({ ...http, timeoutMs: Math.max(250, Math.round(config.ha.renewIntervalSeconds * 1000)) })
  } else {
    const service = await createSynome({ ...config.synome, clock: () => current, chainId: config.synomeChainId })
    closers.push(() => service.close())
    synome = createInProcessClient({ service, account, clock: () => current })
  }

  const metrics = createNfatMetrics()
  let ha: BeaconHa | undefined
  if (config.ha) {
    ha = await startBeaconHa({ config: config.ha, defaultLeaseName: `lpha-nfat:${config.haloClass}`, synome, leaseClient, log, registry: metrics.registry })
    closers.push(() => ha!.close())
    synome = ha.synome
  }
  /** HA: the journals live in the Synome (shared, fenced); otherwise in stateDir. */
  const journal = (file: string, name: string) => (ha ? { store: ha.journalStore(name), beforeBroadcast: () => void ha!.keeper.assertToken() } : { path: join(config.stateDir, file) })

  const txs = new TxJournal({ ...journal('txs.jsonl', 'txs'), account, publicClient, finalityDepth: config.chain.finalityDepth, clock: () => current })
  ha?.register(txs)
  const ledger = new BankLedger(join(config.stateDir, 'bank.jsonl'))
  closers.push(() => txs.close(), () => ledger.close())
  let bank: OffRampBank = createWebhookBank(ledger)
  if (config.bank.kind === 'simulator') {
    if (!config.bank.onRampPrivateKey) throw new Error('the devnet bank simulator needs onRampPrivateKey (the devnet USDC owner)')
    const bankTxs = new TxJournal({ ...journal('bank-txs.jsonl', 'bank-txs'), account: privateKeyToAccount(config.bank.onRampPrivateKey as `0x${string}`), publicClient, finalityDepth: 0 })
    ha?.register(bankTxs)
    closers.push(() => bankTxs.close())
    bank = createDevnetBank({
      ledger,
      receiptDelaySeconds: config.bank.receiptDelaySeconds,
      onRamp: async ({ returnId, amountUsdc }) => {
        const state = await bankTxs.send(`onramp:${returnId}`, { to: config.chain.usdc, data: encodeFunctionData({ abi: usdcAbi, functionName: 'mint', args: [config.chain.almProxy, amountUsdc] }) })
        return { txHash: state.hash }
      },
    })
  }

  let httpPort: number | undefined
  if (config.httpPort !== undefined) {
    const app = new Hono()
    app.get('/metrics', async (c) => c.text(await metrics.registry.metrics(), 200, { 'content-type': metrics.registry.contentType }))
    app.get('/healthz', (c) => c.json({ ok: true, ...(ha ? { lease: ha.keeper.status() } : {}) }))
    if (config.bank.secret) app.route('/', createBankWebhook({ ledger, secret: config.bank.secret }))
    const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const s = serve({ fetch: app.fetch, port: config.httpPort, hostname: '127.0.0.1' }, (info) => {
        httpPort = info.port
        resolve(s)
      })
    })
    closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())))
  }

  const deps = {
    config: classConfigFrom(config),
    synome: withCrashPoints(synome),
    chain: createNfatChain(publicClient, config.chain),
    txs,
    bank,
    now,
    log,
    metrics,
  }
  const tick = () => reconcileTick(deps)
  return {
    httpPort,
    tick: ha ? ha.gate(tick, () => ({ actions: [{ kind: 'standby', reason: `lease ${ha!.keeper.name} held by ${ha!.keeper.status().leader ?? 'nobody yet'}` }], errors: [] })) : tick,
    lease: () => ha?.keeper.status(),
    async close() {
      for (const close of closers.reverse()) await close()
    },
  }
}

/** Tick forever (bounded only by signals) or once; one failed tick is logged, not fatal. */
export async function runNfatBeacon(config: NfatBeaconConfig, options: { once?: boolean; log?: Logger } = {}): Promise<void> {
  const log = options.log ?? pino({ name: 'lpha-nfat' })
  const beacon = await startNfatBeacon(config, log)
  log.info({ haloClass: config.haloClass, httpPort: beacon.httpPort }, 'lpha-nfat started')
  try {
    await runTickLoop({
      tick: () => beacon.tick(),
      summarise: (report) => ({ fields: { actions: report.actions.length, errors: report.errors.length }, failed: report.errors.length > 0 }),
      intervalSeconds: config.intervalSeconds,
      once: options.once,
      log,
    })
  } finally {
    await beacon.close()
  }
}
