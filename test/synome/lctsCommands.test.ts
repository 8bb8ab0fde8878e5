/**
 * The LCTS Synome commands: who may write them (attacks first) and their gates. A refused
 * command changes nothing — the log head stays where it was.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { privateKeyToAccount } from 'viem/accounts'
import { createInProcessClient } from '../../src/synome/client/inProcess.js'
import { LCTS_COMMANDS, LCTS_CAPACITY_INPUTS, LCTS_SETTLEMENT, type LctsSettlementRecord } from '../../src/synome/commands/lcts/index.js'
import { createSynome } from '../../src/synome/create.js'
import type { SynomeService } from '../../src/synome/service.js'
import { accounts, keys, testClock } from './support.js'

const lctsKey = `0x${'1c'.repeat(32)}` as const
const lcts = privateKeyToAccount(lctsKey)
let service: SynomeService
const clock = testClock('2026-12-07T12:00:00Z')
const as = (account: ReturnType<typeof privateKeyToAccount>) => createInProcessClient({ service, account, clock: clock.clock })

const inputs = { originationCapacity: '30000000', clearingSpreadBps: 500, riskCapitalDemand: '1000000000', targetSpreadBps: 250, redemptionLimit: '10000000' }
const record: LctsSettlementRecord = {
  pairId: 'srUSDS', epoch: '2026-12-07', decidedAt: '2026-12-07T13:00:05.000Z', recordedAt: '2026-12-07T16:00:05.000Z', fallback: 'none', inputsUsed: inputs,
  exchangeRateBeforeWad: '1000000000000000000', exchangeRateWad: '1000136986301369863', tokenSupply: '500000000', matchedValue: '30000000', originationAllowed: '30000000',
  subscribe: { generationId: '1', capacity: '60000000', converted: '60000000', reward: '59991781.3', rewardPerTokenRay: '599917813000000000000000000', totalUnderlyingBefore: '100000000', totalShares: '100000000', finalized: false, txHash: `0x${'ab'.repeat(32)}` },
  redeem: null,
}

beforeAll(async () => {
  service = await createSynome({
    dataDir: null,
    clock: clock.clock,
    commands: [...LCTS_COMMANDS],
    roles: [
      { address: accounts.council.address, role: 'council', haloClasses: [] },
      { address: lcts.address, role: 'lcts', haloClasses: ['*'] },
      { address: accounts.nfat.address, role: 'nfat', haloClasses: ['*'] },
    ],
  })
})
afterAll(() => service.close())

describe('LCTS Synome commands', () => {
  it('an nfat beacon, a stranger or lpha-lcts cannot set the Council’s capacity inputs; nothing is written', async () => {
    const head = await service.head()
    for (const key of [keys.nfat, keys.stranger, lctsKey]) {
      await expect(as(privateKeyToAccount(key)).send('setLctsCapacityInputs', { pairId: 'srUSDS', epoch: '2026-12-07', inputs })).rejects.toMatchObject({ code: 'NOT_PERMITTED' })
    }
    expect(await service.head()).toEqual(head)
  })

  it('the Council cannot record a settlement and a stranger cannot either (only lpha-lcts)', async () => {
    const head = await service.head()
    for (const key of [keys.council, keys.stranger, keys.nfat]) {
      await expect(as(privateKeyToAccount(key)).send('recordLctsSettlement', record)).rejects.toMatchObject({ code: 'NOT_PERMITTED' })
    }
    expect(await service.head()).toEqual(head)
  })

  it('inputs are set per epoch; a settlement is recorded once; after it the epoch’s inputs cannot be changed', async () => {
    await as(accounts.council).send('setLctsCapacityInputs', { pairId: 'srUSDS', epoch: '2026-12-07', inputs })
    expect((await service.get(LCTS_CAPACITY_INPUTS, 'srUSDS:2026-12-07')).data).toMatchObject({ inputs })
    await as(lcts).send('recordLctsSettlement', record, { idempotencyKey: 'lcts-settlement:srUSDS:2026-12-07' })
    // the same key replays (a crashed beacon retrying), a new key is refused
    await expect(as(lcts).send('recordLctsSettlement', record, { idempotencyKey: 'lcts-settlement:srUSDS:2026-12-07' })).resolves.toMatchObject({ replayed: true })
    const head = await service.head()
    await expect(as(lcts).send('recordLctsSettlement', { ...record, subscribe: { ...record.subscribe!, converted: '1' } })).rejects.toThrow(/already exists/)
    await expect(as(accounts.council).send('setLctsCapacityInputs', { pairId: 'srUSDS', epoch: '2026-12-07', inputs: { ...inputs, redemptionLimit: '0' } })).rejects.toThrow(/already settled/)
    expect(await service.head()).toEqual(head)
    expect((await service.get<LctsSettlementRecord>(LCTS_SETTLEMENT, 'srUSDS:2026-12-07')).data.subscribe!.converted).toBe('60000000')
  })

  it('refuses malformed records: a float amount, a bad epoch, negative bps', async () => {
    await expect(as(lcts).send('recordLctsSettlement', { ...record, epoch: '2026-12-08', matchedValue: '1e6' })).rejects.toMatchObject({ code: 'INVALID_INPUT' })
    await expect(as(accounts.council).send('setLctsCapacityInputs', { pairId: 'srUSDS', epoch: '12/08/2026', inputs })).rejects.toMatchObject({ code: 'INVALID_INPUT' })
    await expect(as(accounts.council).send('setLctsCapacityInputs', { pairId: 'srUSDS', epoch: '2026-12-08', inputs: { ...inputs, targetSpreadBps: -1 } })).rejects.toMatchObject({ code: 'INVALID_INPUT' })
  })
})
