import { randomUUID } from 'node:crypto'
import { InvalidInputError } from '../../domain/errors.js'
import { isoTimestamp } from '../../domain/sleeve.js'
import { signLeaseRequest, type LeaseRequest } from '../leases.js'
import { signCommand } from '../signing.js'
import type { CreateClientParameters, SynomeClient, SynomeTransport } from './types.js'

/** Wrap a transport with signing: the same client whether the Synome is in-process or remote. */
export function createClient(transport: SynomeTransport, { account, chainId, clock = () => new Date(), leaseClock = () => new Date() }: CreateClientParameters = {}): SynomeClient {
  const sign: SynomeClient['sign'] = async (command, payload, options = {}) => {
    if (!account) throw new InvalidInputError('this client has no signer account; pass `account` to send commands')
    return signCommand({
      account,
      chainId,
      command: String(command),
      payload,
      idempotencyKey: options.idempotencyKey ?? randomUUID(),
      issuedAt: isoTimestamp(clock()),
      expectedVersion: options.expectedVersion,
    }).then((signed) => (options.lease ? { ...signed, lease: options.lease } : signed))
  }
  // Lease requests are ordered per holder by issuedAt: never reuse (or go back to) a millisecond.
  let lastLeaseMs = 0
  const signLease = (request: Omit<LeaseRequest, 'issuedAt'>) => {
    if (!account) throw new InvalidInputError('this client has no signer account; pass `account` to use leases')
    lastLeaseMs = Math.max(leaseClock().getTime(), lastLeaseMs + 1)
    return signLeaseRequest({ account, chainId, request: { ...request, issuedAt: new Date(lastLeaseMs).toISOString() } })
  }
  return {
    account,
    sign,
    async send(command, payload, options) {
      return transport.execute(await sign(command, payload, options))
    },
    execute: (signed) => transport.execute(signed),
    get: (type, id) => transport.get(type, id),
    getAsOf: (type, id, time) => transport.getAsOf(type, id, time),
    history: (type, id, options) => transport.history(type, id, options),
    list: (filter) => transport.list(filter),
    events: (options) => transport.events(options),
    head: () => transport.head(),
    verifyLog: () => transport.verifyLog(),
    lease: (signed) => transport.lease(signed),
    appendJournal: (signed) => transport.appendJournal(signed),
    leases: () => transport.leases(),
    journal: (signer, name, options) => transport.journal(signer, name, options),
    acquireLease: async ({ name, holder, ttlMs }) => transport.lease(await signLease({ op: 'acquire', name, holder, epoch: 0, ttlMs })),
    renewLease: async ({ name, holder, epoch, ttlMs }) => transport.lease(await signLease({ op: 'renew', name, holder, epoch, ttlMs })),
    releaseLease: async ({ name, holder, epoch }) => transport.lease(await signLease({ op: 'release', name, holder, epoch, ttlMs: 0 })),
    appendLine: async ({ lease, holder, journal, seq, line }) => transport.appendJournal(await signLease({ op: 'append', name: lease.name, holder, epoch: lease.epoch, ttlMs: 0, body: { journal, seq, line } })),
    checkpoints: (options) => transport.checkpoints(options),
    latestCheckpoint: () => transport.latestCheckpoint(),
    inclusionProof: (p) => transport.inclusionProof(p),
    consistencyProof: (p) => transport.consistencyProof(p),
  }
}
