/**
 * The allocator's LCTS path on anvil: an LCTS Unit (its queues registered in the Halo class's
 * metadata, lpha-lcts's settlement recorded) gets Spark's subscription through
 * `Controller.approveAndCall(asset, subscribeQueue, amount, deposit(amount))`, never above the
 * subscribe limit available.
 */
import { rmSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { privateKeyToAccount } from 'viem/accounts'
import { deployLctsPair, type LctsPair } from '../../../src/chain/deploy/deployLcts.js'
import { lctsQueueAbi } from '../../../src/chain/generated/index.js'
import { depositKey } from '../../../src/beacons/allocator/chain.js'
import { parseUnitsExact, USDS_DECIMALS } from '../../../src/domain/money.js'
import { createInProcessClient } from '../../../src/synome/client/index.js'
import { registerLctsCommands } from '../../../src/synome/commands/lcts/index.js'
import { ALLOCATOR_DECISION, type AllocatorDecisionRecord } from '../../../src/synome/commands/allocator/records.js'
import { useDevnet, type Devnet } from '../../fixtures/devnet.js'
import { ARTIFACT, IRL, onboardPrimeDeposit, setupWorld, type World } from './support.js'

let devnet: Devnet
let w: World
let pair: LctsPair
const lctsBeacon = privateKeyToAccount(`0x${'1c'.repeat(32)}`)
const usds = (v: string) => parseUnitsExact(v, USDS_DECIMALS)

beforeAll(async () => {
  registerLctsCommands()
  devnet = await useDevnet()
  w = await setupWorld(devnet, [{ address: lctsBeacon.address, role: 'lcts', haloClasses: ['*'] }])
  pair = await deployLctsPair(devnet, { admin: devnet.accounts.deployer, pbeam: devnet.accounts.relayer.address, asset: w.deployment.usds, name: 'Devnet Senior Unit', symbol: 'DSU' })
}, 180_000)
afterAll(async () => {
  await w?.close()
  if (w) rmSync(w.stateDir, { recursive: true, force: true })
})

describe('allocator into an LCTS Unit', () => {
  it('subscribes through approveAndCall within the subscribe limit; the queue holds exactly what the record says was executed', async () => {
    const spark = w.primes.find((p) => p.prime === 'spark')!
    const target = { kind: 'lcts' as const, pairId: 'dsu', ...pair }
    await w.council.send('registerHaloClass', { haloClass: 'dsu-senior', metadata: { artifact: ARTIFACT, inventory: { codeHash: await w.codeHash(pair.subscribeQueue) }, lcts: { pairId: 'dsu', ...pair } } })
    await onboardPrimeDeposit(devnet, { base: w.deployment, accounts: devnet.accounts, primes: [spark], key: () => depositKey(target), init: IRL })
    const at = new Date(Number(await devnet.now()) * 1000).toISOString()
    await createInProcessClient({ service: w.synome, account: lctsBeacon, clock: w.chainTime }).send('recordLctsSettlement', {
      pairId: 'dsu', epoch: at.slice(0, 10), decidedAt: at, recordedAt: at, fallback: 'net-flow-only', inputsUsed: null,
      exchangeRateBeforeWad: '1000000000000000000', exchangeRateWad: '1000000000000000000', tokenSupply: '0', matchedValue: '0', originationAllowed: '0', subscribe: null, redeem: null,
    })
    await devnet.increaseTime(3600n)
    const report = await w.allocators.get('spark')!.tick()
    expect(report.errors).toEqual([])
    const u = (await w.synome.get<AllocatorDecisionRecord>(ALLOCATOR_DECISION, 'spark')).data.units.find((x) => x.unitId === 'dsu-senior')!
    expect(u).toMatchObject({ kind: 'lcts', eligible: true, order: { kind: 'deposit', rateLimited: true } })
    const amount = usds(u.executed!.amount)
    expect(amount).toBe(usds(u.rateLimit!.available))
    expect(amount).toBeGreaterThan(usds('4166'))
    const [, , , , underlyingOut] = await devnet.publicClient.readContract({ address: pair.subscribeQueue, abi: lctsQueueAbi, functionName: 'previewPosition', args: [spark.almProxy] })
    expect(underlyingOut).toBe(amount)
    // The next tick counts the queued subscription as held: it only adds what the limit refilled.
    const next = await w.allocators.get('spark')!.tick()
    const again = next.record.units.find((x) => x.unitId === 'dsu-senior')!
    expect(usds(again.current)).toBe(amount)
  })
})
