/**
 * The Identity Network Synome commands on PGlite: only the network's attestor writes them
 * (attacks first, each refused and changing nothing), no personal data passes the schema,
 * one address belongs to one entity, and expiry or revocation takes every linked address out
 * of the sync plan lpha-identity applies.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getAddress, type Address } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { planIdentitySync } from '../../src/domain/identity/sync.js'
import { createInProcessClient } from '../../src/synome/client/inProcess.js'
import { IDENTITY_COMMANDS, IDENTITY_ENTITY, identityEntityOf, registryEntityId, type IdentityEntityRecord } from '../../src/synome/commands/identity/index.js'
import { createSynome } from '../../src/synome/create.js'
import type { SynomeService } from '../../src/synome/service.js'
import { accounts, keys, testClock } from './support.js'

const NETWORK = 'idn-swiss'
const networkKey = `0x${'1e'.repeat(32)}` as const
const otherNetworkKey = `0x${'2e'.repeat(32)}` as const
const network = privateKeyToAccount(networkKey)
const otherNetwork = privateKeyToAccount(otherNetworkKey)
let service: SynomeService
const clock = testClock('2026-12-01T00:00:00Z')
const as = (account: ReturnType<typeof privateKeyToAccount>) => createInProcessClient({ service, account, clock: clock.clock })
const addr = (i: number) => getAddress(`0x${(0x3000 + i).toString(16).padStart(40, '0')}`)
const seconds = (iso: string) => BigInt(Date.parse(iso) / 1000)

const attestation = (entityId: string, addresses: Address[], expiresAt = '2027-12-01T00:00:00Z') => ({
  networkId: NETWORK, entityId, attestationType: 'KYB' as const, level: 2, issuedAt: '2026-11-30T00:00:00Z', expiresAt, jurisdiction: 'CH', addresses,
})
const entities = async () => (await service.list<IdentityEntityRecord>({ type: IDENTITY_ENTITY, haloClass: NETWORK, limit: 100 })).items.map((r) => identityEntityOf(r.data))

beforeAll(async () => {
  service = await createSynome({
    dataDir: null,
    clock: clock.clock,
    commands: [...IDENTITY_COMMANDS],
    roles: [
      { address: accounts.council.address, role: 'council', haloClasses: [] },
      { address: network.address, role: 'attest', haloClasses: [NETWORK] },
      { address: otherNetwork.address, role: 'attest', haloClasses: ['idn-us'] },
      { address: accounts.attest.address, role: 'attest', haloClasses: ['facility-A'] },
      { address: accounts.nfat.address, role: 'nfat', haloClasses: ['*'] },
    ],
  })
})
afterAll(() => service.close())

describe('Identity Network Synome commands', () => {
  it("a stranger, the Council, an nfat beacon, a facility's attestor or another network's attestor cannot record an entity; nothing is written", async () => {
    const head = await service.head()
    for (const key of [keys.stranger, keys.council, keys.nfat, keys.attest, otherNetworkKey]) {
      await expect(as(privateKeyToAccount(key)).send('recordIdentityAttestation', attestation('acme', [addr(1)]))).rejects.toMatchObject({ code: 'NOT_PERMITTED' })
    }
    expect(await service.head()).toEqual(head)
  })

  it('personal data (a name, an email) is refused by the schema and changes nothing', async () => {
    const head = await service.head()
    await expect(as(network).send('recordIdentityAttestation', { ...attestation('acme', [addr(1)]), name: 'Acme AG' } as never)).rejects.toMatchObject({ code: 'INVALID_INPUT' })
    await expect(as(network).send('recordIdentityAttestation', { ...attestation('acme', [addr(1)]), email: 'ops@acme.ch' } as never)).rejects.toMatchObject({ code: 'INVALID_INPUT' })
    await expect(as(network).send('recordIdentityAttestation', { ...attestation('acme', [addr(1)]), jurisdiction: 'Switzerland' })).rejects.toMatchObject({ code: 'INVALID_INPUT' })
    await expect(as(network).send('recordIdentityAttestation', attestation('acme', [addr(1), addr(1)]))).rejects.toMatchObject({ code: 'INVALID_INPUT' })
    expect(await service.head()).toEqual(head)
  })

  it('an attestation that has already expired is refused', async () => {
    const head = await service.head()
    await expect(as(network).send('recordIdentityAttestation', attestation('acme', [addr(1)], '2026-11-30T12:00:00Z'))).rejects.toMatchObject({ code: 'PRECONDITION_FAILED', meta: { gate: 'EXPIRED' } })
    expect(await service.head()).toEqual(head)
  })

  it('the network records acme with three addresses and beta with one; the plan adds all four', async () => {
    await as(network).send('recordIdentityAttestation', attestation('acme', [addr(1), addr(2), addr(3)], '2026-12-10T00:00:00Z'))
    await as(network).send('recordIdentityAttestation', attestation('beta', [addr(9)]))
    expect((await service.get<IdentityEntityRecord>(IDENTITY_ENTITY, 'acme')).data).toMatchObject({ attestationType: 'KYB', level: 2, jurisdiction: 'CH', revoked: false, addresses: [addr(1), addr(2), addr(3)].map((a) => a.toLowerCase()) })
    const plan = planIdentitySync(await entities(), new Map(), seconds('2026-12-01T00:00:00Z'))
    expect(plan).toEqual([
      { kind: 'add', entityId: registryEntityId('acme'), accounts: [addr(1), addr(2), addr(3)] },
      { kind: 'add', entityId: registryEntityId('beta'), accounts: [addr(9)] },
    ].sort((a, b) => (a.entityId < b.entityId ? -1 : 1)))
  })

  it("another network's attestor cannot overwrite or revoke acme by naming its id; nothing is written", async () => {
    const head = await service.head()
    await expect(as(otherNetwork).send('recordIdentityAttestation', { ...attestation('acme', [addr(1)]), networkId: 'idn-us' })).rejects.toMatchObject({ code: 'NOT_PERMITTED' })
    await expect(as(otherNetwork).send('revokeIdentityEntity', { entityId: 'acme', reason: 'FRAUD' })).rejects.toMatchObject({ code: 'NOT_PERMITTED' })
    await expect(as(accounts.council).send('revokeIdentityEntity', { entityId: 'acme', reason: 'FRAUD' })).rejects.toMatchObject({ code: 'NOT_PERMITTED' })
    expect(await service.head()).toEqual(head)
  })

  it("an address linked to an active entity cannot be linked to another; nothing is written", async () => {
    const head = await service.head()
    await expect(as(network).send('recordIdentityAttestation', attestation('gamma', [addr(20), addr(9)]))).rejects.toMatchObject({ code: 'PRECONDITION_FAILED', meta: { gate: 'ADDRESS_LINKED', entityId: 'beta' } })
    expect(await service.head()).toEqual(head)
  })

  it("acme's expiry takes all three addresses out of the plan; a renewal brings them back", async () => {
    const onChain = new Map<Address, `0x${string}`>([addr(1), addr(2), addr(3)].map((a) => [a, registryEntityId('acme')]))
    onChain.set(addr(9), registryEntityId('beta'))
    expect(planIdentitySync(await entities(), onChain, seconds('2026-12-10T00:00:00Z'))).toEqual([{ kind: 'remove', accounts: [addr(1), addr(2), addr(3)] }])
    clock.set('2026-12-11T00:00:00Z')
    // expired, acme no longer holds addr(3): another entity may take it
    await as(network).send('recordIdentityAttestation', attestation('delta', [addr(3)]))
    await expect(as(network).send('recordIdentityAttestation', attestation('acme', [addr(1), addr(2), addr(3)]))).rejects.toMatchObject({ meta: { gate: 'ADDRESS_LINKED', entityId: 'delta' } })
    await as(network).send('recordIdentityAttestation', attestation('acme', [addr(1), addr(2)]))
    const removed = new Map([...onChain].filter(([a]) => a !== addr(3)))
    expect(planIdentitySync(await entities(), removed, seconds('2026-12-11T00:00:00Z'))).toEqual([{ kind: 'add', entityId: registryEntityId('delta'), accounts: [addr(3)] }])
  })

  it('revoking beta removes its address at once; a revoked entity cannot be renewed or revoked again', async () => {
    await as(network).send('revokeIdentityEntity', { entityId: 'beta', reason: 'SANCTIONS' })
    expect((await service.get<IdentityEntityRecord>(IDENTITY_ENTITY, 'beta')).data).toMatchObject({ revoked: true, revokedAt: '2026-12-11T00:00:00Z', revocationReason: 'SANCTIONS' })
    const onChain = new Map<Address, `0x${string}`>([[addr(9), registryEntityId('beta')]])
    expect(planIdentitySync((await entities()).filter((e) => e.entityId === registryEntityId('beta')), onChain, seconds('2026-12-11T00:00:00Z'))).toEqual([{ kind: 'remove', accounts: [addr(9)] }])
    const head = await service.head()
    await expect(as(network).send('recordIdentityAttestation', attestation('beta', [addr(9)]))).rejects.toMatchObject({ code: 'PRECONDITION_FAILED', meta: { gate: 'ENTITY_REVOKED' } })
    await expect(as(network).send('revokeIdentityEntity', { entityId: 'beta', reason: 'FRAUD' })).rejects.toMatchObject({ code: 'PRECONDITION_FAILED', meta: { gate: 'ENTITY_REVOKED' } })
    expect(await service.head()).toEqual(head)
    // the revoked entity's address is free for a new entity
    await as(network).send('recordIdentityAttestation', attestation('beta-2', [addr(9)]))
  })
})
