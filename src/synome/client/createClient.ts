import { randomUUID } from 'node:crypto'
import { InvalidInputError } from '../../domain/errors.js'
import { isoTimestamp } from '../../domain/sleeve.js'
import { signCommand } from '../signing.js'
import type { CreateClientParameters, SynomeClient, SynomeTransport } from './types.js'

/** Wrap a transport with signing: the same client whether the Synome is in-process or remote. */
export function createClient(transport: SynomeTransport, { account, chainId, clock = () => new Date() }: CreateClientParameters = {}): SynomeClient {
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
    })
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
    checkpoints: (options) => transport.checkpoints(options),
    latestCheckpoint: () => transport.latestCheckpoint(),
    inclusionProof: (p) => transport.inclusionProof(p),
    consistencyProof: (p) => transport.consistencyProof(p),
  }
}
