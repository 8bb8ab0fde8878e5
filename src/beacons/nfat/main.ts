import { join } from 'node:path'
import pino, { type Logger } from 'pino'
import { encodeFunctionData } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { BankLedger } from '../../bank/ledger.js'
import { createDevnetBank, createWebhookBank, type OffRampBank } from '../../bank/simulator.js'
import { createBankWebhook } from '../../bank/webhook.js'
import { usdcAbi } from '../../chain/generated/index.js'
import type { LeaseKeeperStatus } from '../shared/ha.js'
import { runBeacon, startBeaconRuntime } from '../shared/runtime.js'
import { createNfatChain } from './chain.js'
import { classConfigFrom, type NfatBeaconConfig } from './config.js'
import { createNfatMetrics } from './metrics.js'
import { reconcileTick, type TickReport } from './reconcile.js'

/**
 * The lpha-nfat process: the shared beacon runtime (chain, Synome, lease, /metrics) plus its own
 * journals, bank and bank webhook, ticking every `intervalSeconds` (or once). Every piece of
 * state that must survive a crash is in `stateDir` or the Synome; memory only caches.
 */
export type NfatBeacon = {
  tick(): Promise<TickReport>
  httpPort: number | undefined
  /** HA instances: leader or standby. */
  lease(): LeaseKeeperStatus | undefined
  close(): Promise<void>
}

export async function startNfatBeacon(config: NfatBeaconConfig, log: Logger = pino({ name: 'lpha-nfat' })): Promise<NfatBeacon> {
  const rt = await startBeaconRuntime({ config, leaseName: `lpha-nfat:${config.haloClass}`, log, pollingIntervalMs: 250 })
  try {
    const metrics = createNfatMetrics(rt.registry)
    const txs = rt.txJournal({ file: 'txs.jsonl', name: 'txs', finalityDepth: config.chain.finalityDepth })
    const ledger = new BankLedger(join(config.stateDir, 'bank.jsonl'))
    rt.onClose(() => ledger.close())
    let bank: OffRampBank = createWebhookBank(ledger)
    if (config.bank.kind === 'simulator') {
      if (!config.bank.onRampPrivateKey) throw new Error('the devnet bank simulator needs onRampPrivateKey (the devnet USDC owner)')
      const bankTxs = rt.txJournal({ file: 'bank-txs.jsonl', name: 'bank-txs', finalityDepth: 0, account: privateKeyToAccount(config.bank.onRampPrivateKey as `0x${string}`) })
      bank = createDevnetBank({
        ledger,
        receiptDelaySeconds: config.bank.receiptDelaySeconds,
        onRamp: async ({ returnId, amountUsdc }) => {
          const state = await bankTxs.send(`onramp:${returnId}`, { to: config.chain.usdc, data: encodeFunctionData({ abi: usdcAbi, functionName: 'mint', args: [config.chain.almProxy, amountUsdc] }) })
          return { txHash: state.hash }
        },
      })
    }
    const secret = config.bank.secret
    const httpPort = await rt.serveHttp(secret ? (app) => void app.route('/', createBankWebhook({ ledger, secret })) : undefined)
    const deps = { config: classConfigFrom(config), synome: rt.synome, chain: createNfatChain(rt.chain(), config.chain), txs, bank, now: rt.now, log, metrics }
    return {
      httpPort,
      tick: rt.gate(() => reconcileTick(deps), (status) => ({ actions: [{ kind: 'standby', reason: `lease ${rt.ha!.keeper.name} held by ${status.leader ?? 'nobody yet'}` }], errors: [] })),
      lease: rt.lease,
      close: rt.close,
    }
  } catch (error) {
    await rt.close()
    throw error
  }
}

/** Tick forever (bounded only by signals) or once; one failed tick is logged, not fatal. */
export async function runNfatBeacon(config: NfatBeaconConfig, options: { once?: boolean; log?: Logger } = {}): Promise<void> {
  const log = options.log ?? pino({ name: 'lpha-nfat' })
  await runBeacon({
    start: () => startNfatBeacon(config, log),
    name: 'lpha-nfat',
    fields: { haloClass: config.haloClass },
    summarise: (report) => ({ fields: { actions: report.actions.length, errors: report.errors.length }, failed: report.errors.length > 0 }),
    intervalSeconds: config.intervalSeconds,
    once: options.once,
    log,
  })
}
