/**
 * An srUSDS LCTS pair for the dashboard tests: deployed on anvil (test/contracts/lcts/pair.ts),
 * 100M sUSDS subscribed and the subscribe queue locked by lpha-lcts's pBEAM at 2026-12-08
 * 13:00:05 UTC; in the Synome (PGlite) the Council's capacity inputs and lpha-lcts's settlement
 * of 2026-12-07, written with the real signed commands.
 */
import { privateKeyToAccount } from 'viem/accounts'
import { lctsQueueAbi } from '../../src/chain/generated/index.js'
import { createInProcessClient } from '../../src/synome/client/inProcess.js'
import { LCTS_COMMANDS, type LctsSettlementRecord } from '../../src/synome/commands/lcts/index.js'
import { createSynome } from '../../src/synome/create.js'
import type { SynomeService } from '../../src/synome/service.js'
import type { Devnet } from '../fixtures/devnet.js'
import { approve, deploySrUsds, extraAccounts, fundSusds, t, type SrUsds } from '../contracts/lcts/pair.js'
import { accounts, testClock } from '../synome/support.js'

export const lctsKey = `0x${'1c'.repeat(32)}` as const
export const inputs = { originationCapacity: '30000000', clearingSpreadBps: 500, riskCapitalDemand: '1000000000', targetSpreadBps: 250, redemptionLimit: '10000000' }
export const settlement: LctsSettlementRecord = {
  pairId: 'srUSDS', epoch: '2026-12-07', decidedAt: '2026-12-07T13:00:05.000Z', recordedAt: '2026-12-07T16:00:05.000Z', fallback: 'none', inputsUsed: inputs,
  exchangeRateBeforeWad: '1000000000000000000', exchangeRateWad: '1000136986301369863', tokenSupply: '0', matchedValue: '0', originationAllowed: '30000000',
  subscribe: { generationId: '1', capacity: '30000000', converted: '30000000', reward: '29995891.33', rewardPerTokenRay: '299958913300000000000000000', totalUnderlyingBefore: '100000000', totalShares: '100000000', finalized: false, txHash: `0x${'ab'.repeat(32)}` },
  redeem: null,
}

/** `clock` is the Synome's clock (the caller may move it on to write more records). */
export async function seedLctsSynome(clock = testClock('2026-12-07T12:00:00Z')): Promise<SynomeService> {
  clock.set('2026-12-07T12:00:00Z')
  const lcts = privateKeyToAccount(lctsKey)
  const service = await createSynome({
    dataDir: null,
    clock: clock.clock,
    commands: [...LCTS_COMMANDS],
    roles: [
      { address: accounts.council.address, role: 'council', haloClasses: [] },
      { address: lcts.address, role: 'lcts', haloClasses: ['*'] },
    ],
  })
  const as = (account: typeof lcts) => createInProcessClient({ service, account, clock: clock.clock })
  await as(accounts.council).send('setLctsCapacityInputs', { pairId: 'srUSDS', epoch: '2026-12-07', inputs })
  clock.set('2026-12-07T16:00:05Z')
  await as(lcts).send('recordLctsSettlement', settlement)
  // a second pair with inputs only (no settlement yet)
  await as(accounts.council).send('setLctsCapacityInputs', { pairId: 'jrUSDS', epoch: '2026-12-08', inputs: { ...inputs, originationCapacity: '5000000' } })
  return service
}

/** The pair on chain: 100M subscribed, the subscribe queue LOCKED at 2026-12-08T13:00:05Z. */
export async function seedLctsChain(devnet: Devnet): Promise<SrUsds> {
  const pair = await deploySrUsds(devnet)
  const [user] = await extraAccounts(devnet, 1, 'dashboard-lcts')
  await fundSusds(devnet, pair, [user!.address], t('100000000'))
  await approve(devnet, user!, pair.susds, pair.subscribeQueue)
  await devnet.write(user!, { address: pair.subscribeQueue, abi: lctsQueueAbi, functionName: 'deposit', args: [t('100000000')] })
  await devnet.testClient.setNextBlockTimestamp({ timestamp: BigInt(Date.parse('2026-12-08T13:00:05Z') / 1000) })
  await devnet.write(pair.pbeam, { address: pair.subscribeQueue, abi: lctsQueueAbi, functionName: 'lock' })
  return pair
}

export const contractsOf = (pair: SrUsds) => ({
  'lcts:srUSDS:subscribeQueue': pair.subscribeQueue,
  'lcts:srUSDS:redeemQueue': pair.redeemQueue,
  'lcts:srUSDS:holdingSystem': pair.holdingSystem,
  'lcts:srUSDS:token': pair.token,
})
