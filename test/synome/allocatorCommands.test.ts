/**
 * The allocator's Synome command: who may write it (attacks first) and its gates. A refused
 * command changes nothing — the log head stays where it was.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { privateKeyToAccount } from 'viem/accounts'
import { createInProcessClient } from '../../src/synome/client/inProcess.js'
import { ALLOCATOR_COMMANDS, ALLOCATOR_DECISION, type AllocatorDecisionPayload, type AllocatorDecisionRecord } from '../../src/synome/commands/allocator/index.js'
import { createSynome } from '../../src/synome/create.js'
import type { SynomeService } from '../../src/synome/service.js'
import { accounts, keys, testClock } from './support.js'

const sparkKey = `0x${'5a'.repeat(32)}` as const
const groveKey = `0x${'6b'.repeat(32)}` as const
const spark = privateKeyToAccount(sparkKey)
const grove = privateKeyToAccount(groveKey)
let service: SynomeService
const clock = testClock('2026-12-07T12:00:00Z')
const as = (account: ReturnType<typeof privateKeyToAccount>) => createInProcessClient({ service, account, clock: clock.clock })

const decision: AllocatorDecisionPayload = {
  prime: 'spark',
  at: '2026-12-07T12:00:00Z',
  deployable: '10000000',
  requiredCapital: '400000',
  units: [
    { unitId: 'facility-A', haloClass: 'facility-A', kind: 'nfat-facility', eligible: true, reasons: [], current: '0', target: '5000000', limitedBy: 'UNIT_CAP', rateLimit: { maxAmount: '100000', available: '4166.6' }, order: { kind: 'deposit', amount: '4166.6', rateLimited: true }, executed: { amount: '4166.6', txHash: `0x${'ab'.repeat(32)}` }, waiting: null },
    { unitId: 'facility-B', haloClass: 'facility-B', kind: 'nfat-facility', eligible: false, reasons: ['ARTIFACT_INCOMPLETE'], current: '0', target: '0', limitedBy: 'INELIGIBLE', rateLimit: null, order: { kind: 'none', amount: '0', rateLimited: false }, executed: null, waiting: null },
  ],
  proposals: [{ unitId: 'facility-A', kind: 'set', at: '2026-12-08T06:00:00Z', maxAmount: '125000', slope: '1.446759259259259259', reachedAt: '2027-01-10T00:00:00Z' }],
}

beforeAll(async () => {
  service = await createSynome({
    dataDir: null,
    clock: clock.clock,
    commands: [...ALLOCATOR_COMMANDS],
    roles: [
      { address: accounts.council.address, role: 'council', haloClasses: [] },
      { address: spark.address, role: 'allocator', haloClasses: ['*'] },
      { address: grove.address, role: 'allocator', haloClasses: ['*'] },
      { address: accounts.nfat.address, role: 'nfat', haloClasses: ['*'] },
    ],
  })
})
afterAll(() => service.close())

describe('allocator Synome command', () => {
  it('the Council, an nfat beacon or a stranger cannot record a Prime’s allocator decision; nothing is written', async () => {
    const head = await service.head()
    for (const key of [keys.council, keys.nfat, keys.stranger]) {
      await expect(as(privateKeyToAccount(key)).send('recordAllocatorDecision', decision)).rejects.toMatchObject({ code: 'NOT_PERMITTED' })
    }
    expect(await service.head()).toEqual(head)
  })

  it('the first allocator key to write a Prime’s record owns it: another Prime’s allocator cannot speak for Spark afterwards; nothing is written', async () => {
    await as(spark).send('recordAllocatorDecision', decision)
    expect((await service.get<AllocatorDecisionRecord>(ALLOCATOR_DECISION, 'spark')).data).toMatchObject({ ...decision, signer: spark.address.toLowerCase() })
    const head = await service.head()
    await expect(as(grove).send('recordAllocatorDecision', { ...decision, at: '2026-12-07T13:00:00Z', units: [] })).rejects.toMatchObject({ code: 'NOT_PERMITTED', meta: { field: 'prime' } })
    expect(await service.head()).toEqual(head)
    expect((await service.get<AllocatorDecisionRecord>(ALLOCATOR_DECISION, 'spark')).data.units).toHaveLength(2)
  })

  it('a stale process cannot overwrite a newer decision with an older tick; the same tick again is accepted (a restart repeating it)', async () => {
    await as(spark).send('recordAllocatorDecision', { ...decision, at: '2026-12-07T14:00:00Z' })
    const head = await service.head()
    await expect(as(spark).send('recordAllocatorDecision', { ...decision, at: '2026-12-07T13:59:59Z' })).rejects.toMatchObject({ code: 'PRECONDITION_FAILED', meta: { field: 'at' } })
    expect(await service.head()).toEqual(head)
    await as(spark).send('recordAllocatorDecision', { ...decision, at: '2026-12-07T14:00:00Z', units: [] })
    expect((await service.get<AllocatorDecisionRecord>(ALLOCATOR_DECISION, 'spark')).data.units).toEqual([])
  })

  it('a reason code outside the domain’s list, a float amount or an unknown field is refused naming the field', async () => {
    const bad = [
      { ...decision, units: [{ ...decision.units[1]!, reasons: ['LOOKS_RISKY'] }] },
      { ...decision, deployable: '1e7' },
      { ...decision, extra: true },
    ]
    const head = await service.head()
    for (const payload of bad) await expect(as(spark).send('recordAllocatorDecision', payload as never)).rejects.toMatchObject({ code: 'INVALID_INPUT' })
    expect(await service.head()).toEqual(head)
  })
})
