/**
 * Beacon leases in the Synome's database (migration 4) and the fencing gate: each attack on
 * the lease or through a deposed instance is refused with a stable code and changes nothing
 * (row counts of events, entities, leases and journal lines; the log head).
 */
import { describe, expect, it } from 'vitest'
import { LeaseFencedError } from '../../src/domain/lease.js'
import { createHttpClient } from '../../src/synome/client/http.js'
import { createInProcessClient } from '../../src/synome/client/inProcess.js'
import { createSynomeApp } from '../../src/synome/http/app.js'
import { signLeaseRequest } from '../../src/synome/leases.js'
import { storeBackends, useStore } from '../fixtures/store.js'
import { accounts, bootstrapRoles, clientsFor, HALO_CLASS, seedRunner, testClock } from './support.js'

const NAME = 'lpha-nfat:facility-A'
const TTL_MS = 4_000

describe.each(storeBackends())('beacon leases on $name', (backend) => {
  const store = useStore(backend)

  async function setup() {
    const commandClock = testClock()
    let leaseMs = Date.parse('2026-03-15T09:00:00Z')
    const leaseClock = () => new Date(leaseMs)
    const service = await store.fresh({ clock: commandClock.clock, roles: bootstrapRoles, leaseClock })
    // the seed up to the first sleeve: a Halo class lpha-nfat may create sleeves in
    await seedRunner(clientsFor(service, commandClock.clock), commandClock).until('createSleeve')
    const client = (account = accounts.nfat) => createInProcessClient({ service, account, clock: commandClock.clock, leaseClock })
    const refused = async (attempt: () => Promise<unknown>, code: string) => {
      const before = await store.snapshot()
      const head = JSON.stringify(await service.head())
      const error = await attempt().then(() => undefined, (e: unknown) => e)
      expect(error, 'must be refused').toMatchObject({ code })
      expect(await store.snapshot()).toBe(before)
      expect(JSON.stringify(await service.head())).toBe(head)
      return error
    }
    return { service, client, refused, advance: (ms: number) => (leaseMs += ms), leaseClock }
  }

  it('a standby takes a lapsed lease at epoch + 1; while it is live the standby is refused (LEASE_HELD)', async () => {
    const { client, advance, refused } = await setup()
    const a = client()
    const b = client()
    expect(await a.acquireLease({ name: NAME, holder: 'a', ttlMs: TTL_MS })).toMatchObject({ holder: 'a', epoch: 1, live: true, takeover: false, expiresAt: '2026-03-15T09:00:04.000Z' })
    advance(3_999)
    await refused(() => b.acquireLease({ name: NAME, holder: 'b', ttlMs: TTL_MS }), 'LEASE_HELD')
    advance(1)
    expect(await b.acquireLease({ name: NAME, holder: 'b', ttlMs: TTL_MS })).toMatchObject({ holder: 'b', epoch: 2, takeover: true, takeovers: 1 })
    expect(await a.leases()).toEqual([expect.objectContaining({ name: NAME, signer: accounts.nfat.address.toLowerCase(), holder: 'b', epoch: 2, live: true })])
  })

  it('instances racing for a free lease: exactly one gets it', async () => {
    const { client } = await setup()
    const results = await Promise.allSettled(['a', 'b', 'c', 'd', 'e'].map((holder) => client().acquireLease({ name: NAME, holder, ttlMs: TTL_MS })))
    expect(results.filter((r) => r.status === 'fulfilled').map((r) => (r as PromiseFulfilledResult<{ epoch: number }>).value.epoch)).toEqual([1])
    expect(results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.code)).toEqual(['LEASE_HELD', 'LEASE_HELD', 'LEASE_HELD', 'LEASE_HELD'])
  })

  it("a deposed leader's command is refused (LEASE_FENCED) and changes nothing; the new leader's goes through", async () => {
    const { client, advance, refused } = await setup()
    const a = client()
    const b = client()
    await a.acquireLease({ name: NAME, holder: 'a', ttlMs: TTL_MS })
    await a.send('createSleeve', { sleeveId: 'sleeve-7', haloClass: HALO_CLASS }, { lease: { name: NAME, epoch: 1 }, idempotencyKey: 'create:7' })
    advance(TTL_MS)
    await b.acquireLease({ name: NAME, holder: 'b', ttlMs: TTL_MS })
    const error = await refused(() => a.send('createSleeve', { sleeveId: 'sleeve-8', haloClass: HALO_CLASS }, { lease: { name: NAME, epoch: 1 }, idempotencyKey: 'create:8' }), 'LEASE_FENCED')
    expect(error).toBeInstanceOf(LeaseFencedError)
    // even a replay of the deposed leader's own earlier key is refused, not answered
    await refused(() => a.send('createSleeve', { sleeveId: 'sleeve-7', haloClass: HALO_CLASS }, { lease: { name: NAME, epoch: 1 }, idempotencyKey: 'create:7' }), 'LEASE_FENCED')
    expect((await b.send('createSleeve', { sleeveId: 'sleeve-8', haloClass: HALO_CLASS }, { lease: { name: NAME, epoch: 2 }, idempotencyKey: 'create:8' })).replayed).toBe(false)
  })

  it('a copy of the beacon started without HA (no token) cannot write while a lease is live, and can once every lease lapsed', async () => {
    const { client, advance, refused } = await setup()
    const leader = client()
    const rogue = client()
    await leader.acquireLease({ name: NAME, holder: 'a', ttlMs: TTL_MS })
    await refused(() => rogue.send('createSleeve', { sleeveId: 'sleeve-7', haloClass: HALO_CLASS }), 'LEASE_FENCED')
    // a lapsed lease's own epoch is refused too: a standby may take it at any moment
    advance(TTL_MS)
    await refused(() => leader.send('createSleeve', { sleeveId: 'sleeve-7', haloClass: HALO_CLASS }, { lease: { name: NAME, epoch: 1 } }), 'LEASE_FENCED')
    expect((await rogue.send('createSleeve', { sleeveId: 'sleeve-7', haloClass: HALO_CLASS })).replayed).toBe(false)
  })

  it("a deposed leader's journal append is refused and changes nothing; lines go in at exactly the next seq", async () => {
    const { client, advance, refused, service } = await setup()
    const a = client()
    const b = client()
    await a.acquireLease({ name: NAME, holder: 'a', ttlMs: TTL_MS })
    const token1 = { name: NAME, epoch: 1 }
    expect(await a.appendLine({ lease: token1, holder: 'a', journal: `${NAME}/txs`, seq: 1, line: { kind: 'intent', key: 'claim:1' } })).toMatchObject({ seq: 1 })
    await refused(() => a.appendLine({ lease: token1, holder: 'a', journal: `${NAME}/txs`, seq: 1, line: { kind: 'intent', key: 'claim:other' } }), 'PRECONDITION_FAILED')
    await refused(() => a.appendLine({ lease: token1, holder: 'a', journal: `${NAME}/txs`, seq: 3, line: { kind: 'intent', key: 'claim:gap' } }), 'PRECONDITION_FAILED')
    advance(TTL_MS)
    await b.acquireLease({ name: NAME, holder: 'b', ttlMs: TTL_MS })
    await refused(() => a.appendLine({ lease: token1, holder: 'a', journal: `${NAME}/txs`, seq: 2, line: { kind: 'intent', key: 'claim:2' } }), 'LEASE_FENCED')
    await b.appendLine({ lease: { name: NAME, epoch: 2 }, holder: 'b', journal: `${NAME}/txs`, seq: 2, line: { kind: 'status', key: 'claim:1', status: 'final' } })
    expect(await service.leases.journal(accounts.nfat.address, `${NAME}/txs`)).toEqual({
      lines: [
        { seq: 1, epoch: 1, line: { kind: 'intent', key: 'claim:1' } },
        { seq: 2, epoch: 2, line: { kind: 'status', key: 'claim:1', status: 'final' } },
      ],
    })
  })

  it("another signer cannot renew, release or squat a beacon's lease: leases live in their signer's namespace", async () => {
    const { client, refused } = await setup()
    const beacon = client()
    const stranger = client(accounts.stranger)
    await beacon.acquireLease({ name: NAME, holder: 'a', ttlMs: TTL_MS })
    await refused(() => stranger.renewLease({ name: NAME, holder: 'a', epoch: 1, ttlMs: TTL_MS }), 'LEASE_LOST')
    await refused(() => stranger.releaseLease({ name: NAME, holder: 'a', epoch: 1 }), 'LEASE_LOST')
    await refused(() => stranger.appendLine({ lease: { name: NAME, epoch: 1 }, holder: 'a', journal: `${NAME}/txs`, seq: 1, line: {} }), 'LEASE_FENCED')
    // the stranger's own lease of that name is a different row; the beacon's is untouched
    expect(await stranger.acquireLease({ name: NAME, holder: 'x', ttlMs: TTL_MS })).toMatchObject({ epoch: 1, signer: accounts.stranger.address.toLowerCase() })
    expect(await beacon.renewLease({ name: NAME, holder: 'a', epoch: 1, ttlMs: TTL_MS })).toMatchObject({ holder: 'a', epoch: 1 })
  })

  it('a forged or replayed lease request is refused (BAD_SIGNATURE, LEASE_REPLAY)', async () => {
    const { client, refused, leaseClock } = await setup()
    const beacon = client()
    await beacon.acquireLease({ name: NAME, holder: 'a', ttlMs: TTL_MS })
    const renew = await signLeaseRequest({ account: accounts.nfat, request: { op: 'renew', name: NAME, holder: 'a', epoch: 1, ttlMs: TTL_MS, issuedAt: new Date(leaseClock().getTime() + 1).toISOString() } })
    await beacon.lease(renew)
    await refused(() => beacon.lease(renew), 'LEASE_REPLAY')
    const forged = await signLeaseRequest({ account: accounts.stranger, request: { op: 'release', name: NAME, holder: 'a', epoch: 1, ttlMs: 0, issuedAt: new Date(leaseClock().getTime() + 2).toISOString() } })
    await refused(() => beacon.lease({ ...forged, signer: accounts.nfat.address }), 'BAD_SIGNATURE')
    await refused(() => beacon.lease({ ...renew, op: 'append' }), 'INVALID_INPUT')
  })

  it('over HTTP: the same lease calls, and the fenced refusal arrives as LeaseFencedError', async () => {
    const { service, advance, leaseClock } = await setup()
    const app = createSynomeApp(service)
    const http = (holder: string) => ({ holder, client: createHttpClient({ url: 'http://synome.test', account: accounts.nfat, fetch: ((url: string, init: RequestInit) => app.request(url, init)) as typeof fetch, clock: testClock().clock, leaseClock }) })
    const a = http('a')
    const b = http('b')
    await a.client.acquireLease({ name: NAME, holder: a.holder, ttlMs: TTL_MS })
    advance(TTL_MS)
    expect(await b.client.acquireLease({ name: NAME, holder: b.holder, ttlMs: TTL_MS })).toMatchObject({ epoch: 2, takeover: true })
    const error = await a.client.send('createSleeve', { sleeveId: 'sleeve-7', haloClass: HALO_CLASS }, { lease: { name: NAME, epoch: 1 } }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(LeaseFencedError)
    await b.client.appendLine({ lease: { name: NAME, epoch: 2 }, holder: 'b', journal: 'j', seq: 1, line: { n: 1 } })
    expect(await a.client.journal(accounts.nfat.address, 'j')).toEqual({ lines: [{ seq: 1, epoch: 2, line: { n: 1 } }] })
    expect((await a.client.leases()).map((l) => [l.holder, l.epoch])).toEqual([['b', 2]])
  })
})
