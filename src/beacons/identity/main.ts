import { join } from 'node:path'
import pino, { type Logger } from 'pino'
import { createPublicClient, defineChain, http, type Chain, type PublicClient, type Transport } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { BaseError } from '../../domain/errors.js'
import type { IdentityBatch } from '../../domain/identity/sync.js'
import { createHttpClient, createInProcessClient, type SynomeClient } from '../../synome/client/index.js'
import { IDENTITY_ENTITY, identityEntityOf, registerIdentityCommands, type IdentityEntityRecord } from '../../synome/commands/identity/index.js'
import { createSynome } from '../../synome/create.js'
import { listAll } from '../shared/synomeReads.js'
import { runTickLoop } from '../shared/tickLoop.js'
import { TxJournal } from '../shared/txJournal.js'
import { batchCalldata, syncIdentityOnce, type IdentitySender } from './chain.js'
import type { IdentityBeaconConfig } from './config.js'

/**
 * The lpha-identity process for one Identity Network: each tick first resolves every journaled
 * transaction (so a batch signed before a crash is mined, not re-planned), then reads the
 * network's entities from the Synome and the registry's membership from its events, and sends
 * the planned batches through the TxJournal (signed intent fsynced before broadcast). Chain time
 * is the clock by default, so expiry is judged by the chain the registry lives on.
 */
export class IdentitySyncError extends BaseError {
  override name = 'IdentitySyncError'
  override readonly code: string = 'IDENTITY_SYNC_FAILED'
}

/** Attempts per (chain state, batch) when a mined batch reverted (e.g. the update rate filled in between). */
const MAX_ATTEMPTS = 3

export type IdentityTickReport = { entities: number; pending: number; batches: Array<Pick<IdentityBatch, 'kind'> & { accounts: number }> }
export type IdentityBeacon = { tick(): Promise<IdentityTickReport>; close(): Promise<void> }

async function chainFor(rpcUrl: string): Promise<Chain> {
  const probe = createPublicClient({ transport: http(rpcUrl, { retryCount: 2 }) })
  const id = await probe.getChainId()
  return defineChain({ id, name: `chain-${id}`, nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 }, rpcUrls: { default: { http: [rpcUrl] } } })
}

export async function startIdentityBeacon(config: IdentityBeaconConfig, log: Logger = pino({ name: 'lpha-identity' }), options: { synome?: SynomeClient } = {}): Promise<IdentityBeacon> {
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
    registerIdentityCommands()
    const service = await createSynome({ ...config.synome, clock: () => current, chainId: config.synomeChainId })
    closers.push(() => service.close())
    synome = createInProcessClient({ service, account, clock: () => current })
  }
  const txs = new TxJournal({ path: join(config.stateDir, 'identity-txs.jsonl'), account, publicClient, finalityDepth: config.chain.finalityDepth, clock: () => current, receiptTimeoutMs: 5_000 })
  closers.push(() => txs.close())

  const send: IdentitySender = async (batch, key) => {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const attemptKey = `${key}#${attempt}`
      const known = txs.get(attemptKey)
      if (known && (known.status === 'reverted' || known.status === 'replaced')) continue
      const state = await txs.send(attemptKey, { to: config.chain.registry, data: batchCalldata(batch) })
      if (state.status === 'mined' || state.status === 'final') return
      if (state.status === 'pending') throw new IdentitySyncError('a batch is not mined yet; the next tick resolves it', { details: `${attemptKey} ${state.hash}` })
      log.warn({ key: attemptKey, status: state.status }, 'identity batch did not land')
    }
    throw new IdentitySyncError(`a batch failed ${MAX_ATTEMPTS} times from one registry state`, { details: key })
  }

  async function tick(): Promise<IdentityTickReport> {
    await txs.checkReorgs()
    const open = (await txs.recover()).filter((s) => s.status === 'pending')
    if (open.length > 0) return { entities: 0, pending: open.length, batches: [] }
    const at = await now()
    const records = await listAll<IdentityEntityRecord>(synome, { type: IDENTITY_ENTITY, haloClass: config.networkId })
    const entities = records.map((r) => identityEntityOf(r.data))
    const sent = await syncIdentityOnce({ clients: { publicClient }, registry: config.chain.registry, fromBlock: config.chain.fromBlock, entities, now: BigInt(Math.floor(at.getTime() / 1000)), maxBatch: config.maxBatch, send })
    return { entities: entities.length, pending: 0, batches: sent.map((b) => ({ kind: b.kind, accounts: b.accounts.length })) }
  }

  return {
    tick,
    async close() {
      for (const close of closers.reverse()) await close()
    },
  }
}

/** Tick forever (bounded only by signals) or once; one failed tick is logged, not fatal. */
export async function runIdentityBeacon(config: IdentityBeaconConfig, options: { once?: boolean; log?: Logger } = {}): Promise<void> {
  const log = options.log ?? pino({ name: 'lpha-identity', level: process.env.LOG_LEVEL ?? 'info' })
  const beacon = await startIdentityBeacon(config, log)
  log.info({ networkId: config.networkId }, 'lpha-identity started')
  try {
    await runTickLoop({
      tick: () => beacon.tick(),
      summarise: (report) => ({ fields: { entities: report.entities, pending: report.pending, batches: report.batches }, failed: report.pending > 0 }),
      intervalSeconds: config.intervalSeconds,
      once: options.once,
      log,
    })
  } finally {
    await beacon.close()
  }
}
