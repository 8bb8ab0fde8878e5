/**
 * Seed 004 "Offboarding Failure", end to end with the real beacons on anvil: the off-ramp
 * transaction of sleeve-7 reverts on chain; lpha-nfat marks the transfer failed in the bank
 * ledger and flags the sleeve; lpla-verify raises OFFBOARDING_TRANSFER_FAILED; the operator
 * converts back to USDS and reverts to FILLING; the second offboarding (round 2) converts
 * again under new keys and waits for a fresh PRE_DEPLOYMENT — round 1's att-101 opens
 * nothing — then the seed lifecycle completes with the seed's figures (75M deployed, 78.75M
 * returned, 31.5M / 26.25M / 21.0M).
 */
import { parseGwei } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runVerify } from '../../src/beacons/verify/reconcile.js'
import { synomeReader } from '../../src/beacons/verify/synomeReader.js'
import { controllerAbi, rateLimitsAbi } from '../../src/chain/generated/index.js'
import { LIMIT, UNLIMITED, rateLimitKey } from '../../src/domain/rateLimits.js'
import { createInProcessClient } from '../../src/synome/client/index.js'
import { useDevnet, type Devnet } from '../fixtures/devnet.js'
import { M, U, attestRules, createScenario, extraAccount, fillAndOffboard, type Scenario } from './harness.js'

let devnet: Devnet
let s: Scenario
const operator = extraAccount(17)

beforeAll(async () => {
  devnet = await useDevnet()
  s = await createScenario(devnet)
  const council = createInProcessClient({ service: s.synome, account: devnet.accounts.council, clock: s.now })
  await council.send('grantRole', { address: operator.address, role: 'operator', haloClasses: ['facility-A'] })
}, 120_000)
afterAll(async () => {
  await s?.close()
})

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const transferKey = () => rateLimitKey(LIMIT.SLEEVE_OFFRAMP, s.usdc, s.offRamp)

describe('offboarding failure → alert → operator revert → second round → seed lifecycle', () => {
  it('round 1: the off-ramp transaction reverts; the ledger marks it failed, the sleeve is flagged, lpla-verify alerts', async () => {
    await fillAndOffboard(s)
    expect(await s.sleeve()).toMatchObject({ state: 'OFFBOARDING', offboardingRound: 1, assets: [{ type: 'USDC', amount: '75000000', location: 'facility-ALMProxy' }] })
    await s.at(1, '11:00')
    expect(await s.attestTick()).toContainEqual(expect.objectContaining({ type: 'PRE_DEPLOYMENT', attestationId: 'att-101' }))

    // The off-ramp transfer is signed against a chain that allows it; before it is mined,
    // the transfer limit drops to zero (ordered first by its fee): the transfer reverts.
    await s.at(1, '12:00')
    await devnet.testClient.setAutomine(false)
    try {
      const tick = s.nfatTick()
      for (let i = 0; i < 200 && !s.txs.all().some((t) => t.key.startsWith('offramp:')); i++) await sleep(50)
      expect(s.txs.all().map((t) => t.key)).toContain('offramp:sleeve-7:r1:offramp:1')
      await devnet.walletFor(devnet.accounts.govOps).writeContract({ address: s.world.pau.rateLimits, abi: rateLimitsAbi, functionName: 'setRateLimitData', args: [transferKey(), 0n, 0n], maxPriorityFeePerGas: parseGwei('50'), maxFeePerGas: parseGwei('500') })
      await devnet.testClient.mine({ blocks: 1 })
      await tick
    } finally {
      await devnet.testClient.setAutomine(true)
    }
    await s.at(1, '13:00')
    await s.nfatTick()
    expect(s.txs.get('offramp:sleeve-7:r1:offramp:1')?.status).toBe('reverted')
    expect(s.ledger.transfer('sleeve-7:r1:offramp:1')?.failed).toMatchObject({ reason: expect.stringContaining('reverted') })
    expect(s.ledger.pendingTransfers()).toEqual([])
    const sleeve = await s.sleeve()
    expect(sleeve).toMatchObject({ state: 'OFFBOARDING', assets: [{ type: 'USDC', amount: '75000000', location: 'facility-ALMProxy' }], metadata: { offboardingFailure: { reason: 'off-ramp transaction reverted', round: 1, transferIds: ['sleeve-7:r1:offramp:1'] } } })
    expect(await s.usdcBalance(s.world.almProxy)).toBe(U('75'))

    const run = await runVerify({ reader: synomeReader(s.nfatSynome), sources: { clients: {} }, now: s.now() })
    expect(run.ok && run.report.alerts.map((a) => [a.code, a.entity.id])).toContainEqual(['OFFBOARDING_TRANSFER_FAILED', 'sleeve-7'])
    // the beacon waits for the operator: nothing more is sent
    const before = s.txs.all().length
    await s.nfatTick()
    expect(s.txs.all().length).toBe(before)
  }, 120_000)

  it('the operator converts back to USDS and reverts to FILLING; the alert ends', async () => {
    await s.at(2, '09:00')
    await devnet.write(devnet.accounts.govOps, { address: s.world.pau.rateLimits, abi: rateLimitsAbi, functionName: 'setRateLimitData', args: [transferKey(), UNLIMITED, 0n] })
    await devnet.write(devnet.accounts.relayer, { address: s.world.pau.controller, abi: controllerAbi, functionName: 'swapUSDCToUSDS', args: [U('75')] })
    expect(await s.world.balance(s.world.almProxy)).toBe(M('75'))
    const ops = createInProcessClient({ service: s.synome, account: operator, clock: s.now })
    await expect(ops.send('overrideSleeveState', { sleeveId: 'sleeve-7', to: 'FILLING', reason: 'off-ramp reverted', assets: [{ type: 'USDC', amount: '75000000', location: 'facility-ALMProxy' }] })).rejects.toMatchObject({ meta: { gate: 'ASSETS_NOT_ALLOWED' } })
    await ops.send('overrideSleeveState', { sleeveId: 'sleeve-7', to: 'FILLING', reason: 'off-ramp reverted; converted back to USDS', assets: [{ type: 'USDS', amount: '75000000', location: 'facility-ALMProxy' }] })
    expect(await s.sleeve()).toMatchObject({ state: 'FILLING', offboardingRound: 1, timestamps: { fillingStarted: s.iso(2, '09:00') } })
    const run = await runVerify({ reader: synomeReader(s.nfatSynome), sources: { clients: {} }, now: s.now() })
    expect(run.ok && run.report.alerts.map((a) => a.code)).not.toContain('OFFBOARDING_TRANSFER_FAILED')
  }, 120_000)

  it('round 2 converts again under new keys and waits for a fresh PRE_DEPLOYMENT; att-101 of round 1 opens nothing', async () => {
    await s.at(2, '10:00')
    await s.nfatTick()
    expect(await s.sleeve()).toMatchObject({ state: 'OFFBOARDING', offboardingRound: 2, assets: [{ type: 'USDC', amount: '75000000', location: 'facility-ALMProxy' }] })
    expect(s.txs.get('psm-out:sleeve-7:r2')?.status).toBe('final')
    await s.at(2, '10:30')
    await s.nfatTick()
    expect(s.txs.all().some((t) => t.key.startsWith('offramp:sleeve-7:r2'))).toBe(false)
    expect(s.ledger.transfersFor('sleeve-7').map((t) => t.transferId)).toEqual(['sleeve-7:r1:offramp:1'])

    await s.at(2, '11:00')
    expect(await s.attestTick()).toContainEqual(expect.objectContaining({ type: 'PRE_DEPLOYMENT', attestationId: 'att-102' }))
    expect((await s.synome.get<{ round: number }>('attestation', 'att-102')).data.round).toBe(2)
    await s.at(2, '11:30')
    await s.nfatTick()
    expect(await s.sleeve()).toMatchObject({ assets: [{ type: 'USDC', amount: '75000000', location: 'in-transit' }] })
    expect(s.txs.get('offramp:sleeve-7:r2:offramp:1')?.status).toBe('final')
  }, 120_000)

  it('then the seed lifecycle: 75M deployed, AT_REST, 78.75M returned, NFATs funded 31.5M / 26.25M / 21.0M, CLOSED', async () => {
    // bank receipt (the devnet bank confirms after 20 h), DEPLOYING
    await s.at(3, '10:00')
    await s.nfatTick()
    expect(await s.sleeve()).toMatchObject({ state: 'DEPLOYING', assets: [{ type: 'USD', amount: '75000000', location: 'deploying', note: 'Funds being deployed into deals per pre-deployment attestation att-102' }], attestations: ['att-102'] })
    // at-rest diligence, AT_REST with the attested risk data
    const atRestDay = 3 + attestRules.atRestAfterSeconds / 86_400
    await s.at(atRestDay, '10:00')
    expect(await s.attestTick()).toContainEqual(expect.objectContaining({ type: 'AT_REST', attestationId: 'att-103' }))
    await s.at(atRestDay, '10:30')
    await s.nfatTick()
    expect(await s.sleeve()).toMatchObject({ state: 'AT_REST', assets: [{ type: 'aggregate-deployed', amount: '75000000', riskData: { attestationRef: 'att-103' } }], attestations: ['att-102', 'att-103'] })
    // day 180: 78.75M back
    await s.at(180, '09:00')
    s.bank.releaseReturn({ sleeveId: 'sleeve-7', amountUsd: U('78.75'), final: true, at: s.now() })
    await s.nfatTick()
    expect([await s.unit(42), await s.unit(43), await s.unit(44)]).toMatchObject([
      { state: 'REPAYMENT_AVAILABLE', repaymentAmount: '31500000' },
      { state: 'REPAYMENT_AVAILABLE', repaymentAmount: '26250000' },
      { state: 'REPAYMENT_AVAILABLE', repaymentAmount: '21000000' },
    ])
    const { world } = s
    await s.at(181)
    for (const [prime, id] of [['spark', 42n], ['grove', 43n], ['keel', 44n]] as const) await world.redeem(world.people[prime], id)
    await s.at(181, '11:00')
    await s.nfatTick()
    expect([await world.balance(world.people.spark.address), await world.balance(world.people.grove.address), await world.balance(world.people.keel.address)]).toEqual([M('31.5'), M('26.25'), M('21')])
    expect(await s.sleeve()).toMatchObject({ state: 'CLOSED', assets: [], offboardingRound: 2 })
    expect((await s.synome.verifyLog()).ok).toBe(true)
  }, 180_000)
})
