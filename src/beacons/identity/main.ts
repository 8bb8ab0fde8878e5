import pino, { type Logger } from 'pino'
import { BaseError } from '../../domain/errors.js'
import type { IdentityBatch } from '../../domain/identity/sync.js'
import type { SynomeClient } from '../../synome/client/index.js'
import { IDENTITY_COMMANDS, IDENTITY_ENTITY, identityEntityOf, type IdentityEntityRecord } from '../../synome/commands/identity/index.js'
import type { LeaseKeeperStatus } from '../shared/ha.js'
import { runBeacon, startBeaconRuntime } from '../shared/runtime.js'
import { listAll } from '../shared/synomeReads.js'
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

/** `standby`: another instance holds the lease (HA); this one did nothing. */
export type IdentityTickReport = { entities: number; pending: number; batches: Array<Pick<IdentityBatch, 'kind'> & { accounts: number }>; standby?: true }
export type IdentityBeacon = { tick(): Promise<IdentityTickReport>; httpPort: number | undefined; lease(): LeaseKeeperStatus | undefined; close(): Promise<void> }

export async function startIdentityBeacon(config: IdentityBeaconConfig, log: Logger = pino({ name: 'lpha-identity' }), options: { synome?: SynomeClient } = {}): Promise<IdentityBeacon> {
  const rt = await startBeaconRuntime({ config, leaseName: `lpha-identity:${config.networkId}`, log, synome: options.synome, commands: IDENTITY_COMMANDS })
  try {
    const publicClient = rt.chain()
    const txs = rt.txJournal({ file: 'identity-txs.jsonl', name: 'txs', finalityDepth: config.chain.finalityDepth, receiptTimeoutMs: 5_000 })
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
      const at = await rt.now()
      const records = await listAll<IdentityEntityRecord>(rt.reader, { type: IDENTITY_ENTITY, haloClass: config.networkId })
      const entities = records.map((r) => identityEntityOf(r.data))
      const sent = await syncIdentityOnce({ clients: { publicClient }, registry: config.chain.registry, fromBlock: config.chain.fromBlock, entities, now: BigInt(Math.floor(at.getTime() / 1000)), maxBatch: config.maxBatch, send })
      return { entities: entities.length, pending: 0, batches: sent.map((b) => ({ kind: b.kind, accounts: b.accounts.length })) }
    }

    return { tick: rt.gate(tick, () => ({ entities: 0, pending: 0, batches: [], standby: true })), httpPort: await rt.serveHttp(), lease: rt.lease, close: rt.close }
  } catch (error) {
    await rt.close()
    throw error
  }
}

/** Tick forever (bounded only by signals) or once; one failed tick is logged, not fatal. */
export async function runIdentityBeacon(config: IdentityBeaconConfig, options: { once?: boolean; log?: Logger } = {}): Promise<void> {
  const log = options.log ?? pino({ name: 'lpha-identity', level: process.env.LOG_LEVEL ?? 'info' })
  await runBeacon({
    start: () => startIdentityBeacon(config, log),
    name: 'lpha-identity',
    fields: { networkId: config.networkId },
    summarise: (report) => ({ fields: { entities: report.entities, pending: report.pending, batches: report.batches, ...(report.standby ? { standby: true } : {}) }, failed: report.pending > 0 }),
    intervalSeconds: config.intervalSeconds,
    once: options.once,
    log,
  })
}
