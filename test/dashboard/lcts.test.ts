import { createPublicClient, http, type PublicClient } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDashboardApi } from '../../src/dashboard/api.js'
import { createDashboardChain } from '../../src/dashboard/chain.js'
import { lockedEpoch } from '../../src/dashboard/lcts.js'
import { createSnapshots } from '../../src/dashboard/snapshot.js'
import { DEFAULT_SCHEDULE } from '../../src/domain/lcts/cycle.js'
import type { SynomeService } from '../../src/synome/service.js'
import { createInProcessClient } from '../../src/synome/client/inProcess.js'
import { useDevnet, type Devnet } from '../fixtures/devnet.js'
import { accounts, testClock } from '../synome/support.js'
import type { SrUsds } from '../contracts/lcts/pair.js'
import { contractsOf, inputs, seedLctsChain, seedLctsSynome, settlement } from './lctsSeed.js'

/**
 * The dashboard's LCTS read API: pairs from the Synome's LCTS records, and per pair the queues
 * on anvil (the srUSDS pair with 100M subscribed and the subscribe queue locked on 2026-12-08),
 * the next settlement's preview with the last recorded inputs, the history and the rate series.
 */
let devnet: Devnet
let pair: SrUsds
let synome: SynomeService
let publicClient: PublicClient
const synomeClock = testClock()

const apiFor = (withChain: boolean) =>
  createDashboardApi({
    synome,
    snapshots: createSnapshots({ synome, sources: { clients: {} } }),
    chain: withChain ? createDashboardChain(publicClient) : undefined,
    contracts: contractsOf(pair),
  })

async function get<T>(path: string, withChain = true): Promise<T> {
  const response = await apiFor(withChain).request(path)
  expect(response.status, await response.clone().text()).toBe(200)
  return (await response.json()) as T
}

beforeAll(async () => {
  devnet = await useDevnet()
  pair = await seedLctsChain(devnet)
  publicClient = createPublicClient({ transport: http(devnet.rpcUrl) }) as PublicClient
  synome = await seedLctsSynome(synomeClock)
}, 120_000)
afterAll(async () => {
  await synome?.close()
})

type Json = Record<string, any>

describe('dashboard LCTS API', () => {
  it('lists every pair the Synome records, with its last settlement', async () => {
    const { pairs } = await get<{ pairs: Json[] }>('/lcts')
    expect(pairs).toEqual([
      { pairId: 'jrUSDS', settlements: 0, lastEpoch: null, exchangeRateWad: null, exchangeRate: null, tokenSupply: null, lastInputsEpoch: '2026-12-08' },
      { pairId: 'srUSDS', settlements: 1, lastEpoch: '2026-12-07', exchangeRateWad: '1000136986301369863', exchangeRate: '1.000136986301369863', tokenSupply: '0', lastInputsEpoch: '2026-12-07' },
    ])
  })

  it('shows the queues as the contracts report them: subscribe LOCKED until 16:00 UTC, redeem DORMANT', async () => {
    const d = await get<Json>('/lcts/srUSDS')
    expect(d.notes).toEqual([])
    expect(d.chain.chainTime).toBe('2026-12-08T13:00:05.000Z')
    expect(d.chain.subscribe).toEqual({ status: 'LOCKED', generationId: '1', totalUnderlying: '100000000', totalShares: '100000000', dustThreshold: '0', unlocksAt: '2026-12-08T16:00:00.000Z', overdue: false })
    expect(d.chain.redeem).toMatchObject({ status: 'DORMANT', generationId: null, totalUnderlying: '0', unlocksAt: null })
    expect(d.chain.exchangeRate).toBe('1')
    expect(d.chain.tokenSupply).toBe('0')
  })

  it('previews the next settlement with the last recorded inputs (2026-12-07’s, as the previous-epoch fallback)', async () => {
    const { preview } = await get<Json>('/lcts/srUSDS')
    expect(preview.epoch).toBe('2026-12-08')
    expect(preview.inputs).toEqual({ source: 'last-recorded', epoch: '2026-12-07', values: inputs })
    expect(preview.fallback).toBe('previous-epoch')
    // one day at 5% on an empty supply: 1e18 + floor(1e18 × 500 ÷ (10,000 × 365))
    expect(preview.exchangeRateWad).toBe('1000136986301369863')
    expect([preview.exchangeRateBefore, preview.exchangeRate]).toEqual(['1', '1.000136986301369863'])
    // no redeems to net; origination min(30M, 1bn × 500 ÷ 250 − 0) = 30M of the 100M queued
    expect(preview.matchedValue).toBe('0')
    expect(preview.originationAllowed).toBe('30000000')
    expect(preview.subscribe).toEqual({ capacity: '30000000', converts: '30000000', remaining: '70000000', finalizes: false })
    expect(preview.redeem).toEqual({ capacity: '0', converts: '0', remaining: '0', finalizes: false })
  })

  it('returns the settlement history and the exchange rate over time from the Synome records', async () => {
    const d = await get<Json>('/lcts/srUSDS')
    expect(d.settlements).toEqual([{ ...settlement, exchangeRate: '1.000136986301369863', exchangeRateBefore: '1' }])
    expect(d.rateHistory).toEqual([
      { epoch: 'before 2026-12-07', exchangeRateWad: '1000000000000000000', exchangeRate: '1' },
      { epoch: '2026-12-07', exchangeRateWad: '1000136986301369863', exchangeRate: '1.000136986301369863' },
    ])
    expect(d.inputs).toEqual([{ epoch: '2026-12-07', setAt: '2026-12-07T12:00:00Z', inputs }])
  })

  it('without an RPC says so and still shows the Synome history', async () => {
    const d = await get<Json>('/lcts/srUSDS', false)
    expect(d.chain).toBeNull()
    expect(d.preview).toBeNull()
    expect(d.notes).toEqual(['no RPC configured: queue state and the preview are not shown'])
    expect(d.settlements).toHaveLength(1)
  })

  it('a pair without addresses says which names to configure; an unknown pair is 404 NOT_FOUND', async () => {
    const d = await get<Json>('/lcts/jrUSDS')
    expect(d.chain).toBeNull()
    expect(d.notes[0]).toMatch(/no addresses for jrUSDS: give lcts:jrUSDS:subscribeQueue/)
    const response = await apiFor(true).request('/lcts/nope')
    expect(response.status).toBe(404)
    expect(await response.json()).toMatchObject({ code: 'NOT_FOUND' })
  })

  it('a queue still LOCKED after its settle time is overdue; the lock epoch skips skipped days', () => {
    expect(lockedEpoch(new Date('2026-12-08T12:00:00Z'), DEFAULT_SCHEDULE)).toBe('2026-12-07')
    expect(lockedEpoch(new Date('2026-12-08T13:00:00Z'), DEFAULT_SCHEDULE)).toBe('2026-12-08')
    // 2026-12-07 is a Monday: on Monday morning the last lock was Friday's when weekends are skipped
    expect(lockedEpoch(new Date('2026-12-07T09:00:00Z'), { ...DEFAULT_SCHEDULE, skipWeekdaysUtc: [0, 6] })).toBe('2026-12-04')
  })
})

describe('dashboard LCTS API as the day moves on', () => {
  it('with the Council’s inputs for the epoch itself the preview uses them (no fallback)', async () => {
    synomeClock.set('2026-12-08T12:30:00Z')
    const council = createInProcessClient({ service: synome, account: accounts.council, clock: synomeClock.clock })
    await council.send('setLctsCapacityInputs', { pairId: 'srUSDS', epoch: '2026-12-08', inputs: { ...inputs, originationCapacity: '40000000' } })
    const { preview } = await get<Json>('/lcts/srUSDS')
    expect(preview.inputs).toEqual({ source: 'this-epoch', epoch: '2026-12-08', values: { ...inputs, originationCapacity: '40000000' } })
    expect(preview.fallback).toBe('none')
    expect(preview.subscribe).toEqual({ capacity: '40000000', converts: '40000000', remaining: '60000000', finalizes: false })
  })

  it('a queue still LOCKED after 16:00 UTC shows as overdue', async () => {
    await devnet.testClient.setNextBlockTimestamp({ timestamp: BigInt(Date.parse('2026-12-08T16:30:00Z') / 1000) })
    await devnet.testClient.mine({ blocks: 1 })
    const d = await get<Json>('/lcts/srUSDS')
    expect(d.chain.subscribe).toMatchObject({ status: 'LOCKED', unlocksAt: '2026-12-08T16:00:00.000Z', overdue: true })
  })
})
