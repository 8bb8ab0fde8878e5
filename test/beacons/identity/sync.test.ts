/**
 * lpha-identity's tick on anvil: an entity's expiry removes every linked address within one
 * tick, and a crash between batches converges on the next tick.
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { getAddress, keccak256, toHex, type Address } from 'viem'
import { identityRegistryAbi } from '../../../src/chain/generated/index.js'
import { deployIdentityRegistry } from '../../../src/chain/deploy/deployIdentityRegistry.js'
import { directSender, readMembership, syncIdentityOnce } from '../../../src/beacons/identity/chain.js'
import type { IdentityEntity } from '../../../src/domain/identity/sync.js'
import { useDevnet, type Devnet } from '../../fixtures/devnet.js'

let devnet: Devnet
let registry: Address
const addr = (i: number) => getAddress(`0x${(0x2000 + i).toString(16).padStart(40, '0')}`)
const DAY = 86_400n
const entity = (name: string, addresses: Address[], expiresAt: bigint): IdentityEntity => ({
  entityId: keccak256(toHex(name)),
  attestationType: 'KYB',
  level: 2,
  issuedAt: 0n,
  expiresAt,
  jurisdiction: 'CH',
  addresses,
  revoked: false,
})

beforeAll(async () => {
  devnet = await useDevnet()
  const { deployer, govOps, relayer, freezer } = devnet.accounts
  registry = await deployIdentityRegistry(devnet, { deployer, admin: govOps.address, writer: relayer.address, pauser: freezer.address })
}, 60_000)
beforeEach(() => devnet.isolate())

const base = () => ({ clients: devnet, registry, fromBlock: 0n, send: directSender(devnet, devnet.accounts.relayer, registry) })
const isMember = (a: Address) => devnet.publicClient.readContract({ address: registry, abi: identityRegistryAbi, functionName: 'isMember', args: [a] })

describe('lpha-identity tick', () => {
  it("an entity's expiry removes every linked address within one tick", async () => {
    const acme = entity('acme', Array.from({ length: 5 }, (_, i) => addr(i)), 10n * DAY)
    const beta = entity('beta', [addr(50)], 100n * DAY)
    await syncIdentityOnce({ ...base(), entities: [acme, beta], now: DAY, maxBatch: 2 })
    expect((await readMembership(base())).size).toBe(6)
    await syncIdentityOnce({ ...base(), entities: [acme, beta], now: 10n * DAY, maxBatch: 2 })
    for (let i = 0; i < 5; i++) expect(await isMember(addr(i))).toBe(false)
    expect(await isMember(addr(50))).toBe(true)
    expect(await syncIdentityOnce({ ...base(), entities: [acme, beta], now: 10n * DAY })).toEqual([])
  })

  it('a crash mid-batch (after the first of three batches) converges on the next tick', async () => {
    const big = entity('big', Array.from({ length: 5 }, (_, i) => addr(100 + i)), 10n * DAY)
    await expect(
      syncIdentityOnce({
        ...base(),
        entities: [big],
        now: DAY,
        maxBatch: 2,
        beforeBatch: (_, index) => {
          if (index === 1) throw new Error('killed')
        },
      }),
    ).rejects.toThrow('killed')
    expect((await readMembership(base())).size).toBe(2)
    const second = await syncIdentityOnce({ ...base(), entities: [big], now: DAY, maxBatch: 2 })
    expect(second.flatMap((b) => b.accounts)).toHaveLength(3)
    for (let i = 0; i < 5; i++) expect(await isMember(addr(100 + i))).toBe(true)
  })
})
