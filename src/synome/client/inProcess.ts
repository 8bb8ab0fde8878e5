import type { SynomeService } from '../service.js'
import { createClient } from './createClient.js'
import type { CreateClientParameters, SynomeClient } from './types.js'

export type CreateInProcessClientParameters = CreateClientParameters & { service: SynomeService }

/** A client that calls the service directly (tests, and beacons run in the same process). */
export function createInProcessClient({ service, ...parameters }: CreateInProcessClientParameters): SynomeClient {
  return createClient(
    {
      execute: (signed) => service.execute(signed),
      get: (type, id) => service.get(type, id),
      getAsOf: (type, id, time) => service.getAsOf(type, id, time),
      history: (type, id, options) => service.history(type, id, options),
      list: (filter) => service.list(filter),
      events: (options) => service.events(options),
      head: () => service.head(),
      verifyLog: () => service.verifyLog(),
      lease: (signed) => service.leases.lease(signed),
      appendJournal: (signed) => service.leases.append(signed),
      leases: () => service.leases.list(),
      journal: (signer, name, options) => service.leases.journal(signer, name, options),
      checkpoints: (options) => service.checkpoints(options),
      latestCheckpoint: () => service.latestCheckpoint(),
      inclusionProof: (p) => service.inclusionProof(p),
      consistencyProof: (p) => service.consistencyProof(p),
    },
    { chainId: service.chainId, ...parameters },
  )
}
