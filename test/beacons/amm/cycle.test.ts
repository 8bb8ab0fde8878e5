/**
 * lpha-amm on anvil against a real TradingPool and a Synome: the seed's instant T-bill
 * settlement driven by the beacon (a user sells 100K T-bills for 99,950 USDS; lpha-amm sends
 * them to the issuer; the issuer pays 100K at T+1; lpha-amm closes the request; the pool keeps
 * 50 USDS and the Synome's report says so), a missed redemption and an oracle jump raised once
 * as alerts, and the Synome's gates on lpha-amm's records.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import { toHex, type Hex } from 'viem'
import { privateKeyToAccount, type HDAccount } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseAmmBeaconConfig } from '../../../src/beacons/amm/config.js'
import { startAmmBeacon, type AmmBeacon } from '../../../src/beacons/amm/main.js'
import { WAD } from '../../../src/domain/trading/index.js'
import { createInProcessClient } from '../../../src/synome/client/index.js'
import { AMM_ALERT, AMM_COMMANDS, AMM_POOL, type AmmAlertRecord, type PoolReportRecord } from '../../../src/synome/commands/amm/index.js'
import { createSynome } from '../../../src/synome/create.js'
import type { SynomeService } from '../../../src/synome/service.js'
import { useDevnet, type Devnet } from '../../fixtures/devnet.js'
import { DAY, createTradingWorld, tb, usds, type TradingWorld } from '../../contracts/trading/pool.js'

const CLASS = 'tbill-class'
const POOL_ID = 'tbill-usds'
const otherAmm = privateKeyToAccount(('0x' + '42'.repeat(32)) as Hex)

let devnet: Devnet
let world: TradingWorld
let synome: SynomeService
let beacon: AmmBeacon
let dir: string

const keyOf = (account: HDAccount) => toHex(account.getHdKey().privateKey!)
const report = async () => (await synome.get<PoolReportRecord>(AMM_POOL, POOL_ID)).data
const alerts = async () => (await synome.list<AmmAlertRecord>({ type: AMM_ALERT, haloClass: CLASS, limit: 100 })).items.map((r) => r.data)
const postNav = (priceWad: bigint) => world.setNav(priceWad)

beforeAll(async () => {
  devnet = await useDevnet()
  world = await createTradingWorld(devnet, { maxInventory: tb('3000000') })
  await world.contribute('usds', usds('200000'))
  await world.mintUsds(world.issuer, usds('10000000'))
  await world.approveTrader(devnet.accounts.alice)
  const { relayer } = devnet.accounts
  synome = await createSynome({
    dataDir: null,
    freshness: false,
    commands: [...AMM_COMMANDS],
    roles: [
      { address: relayer.address, role: 'amm', haloClasses: [CLASS] },
      { address: otherAmm.address, role: 'amm', haloClasses: ['other-class'] },
    ],
  })
  dir = mkdtempSync(join(tmpdir(), 'lpha-amm-'))
  const config = parseAmmBeaconConfig({
    poolId: POOL_ID,
    haloClass: CLASS,
    rpcUrl: devnet.rpcUrl,
    privateKey: keyOf(relayer),
    synome: { dataDir: join(dir, 'unused') },
    chain: { pool: world.pool, fromBlock: 0, finalityDepth: 0 },
    policy: { redeemThreshold: '50000', redemptionDueSeconds: Number(DAY), redemptionGraceSeconds: 3600 },
    stateDir: dir,
  })
  beacon = await startAmmBeacon(config, pino({ level: 'silent' }), { synome: createInProcessClient({ service: synome, account: privateKeyToAccount(keyOf(relayer)) }) })
}, 120_000)

afterAll(async () => {
  await beacon?.close()
  await synome?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

describe('lpha-amm runs the T-bill story', () => {
  it('a user sells 100K T-bills for 99,950 USDS; lpha-amm sends them to the issuer and reports 50 USDS of spread', async () => {
    const { alice } = devnet.accounts
    await world.mintTBill(alice.address, tb('100000'))
    await world.sell(alice, tb('100000'), usds('99950'))
    expect(await world.usdsOf(alice.address)).toBe(usds('99950'))

    const tick = await beacon.tick()
    expect(tick.errors).toEqual([])
    expect(tick.actions).toEqual([`requestRedemption ${tb('100000')}`])
    expect(await world.pending()).toBe(tb('100000'))
    expect(await world.tbillOf(world.pool)).toBe(0n)
    expect(tick.reported).toBe(true)
    expect(await report()).toMatchObject({ usdsHeld: '100050', assetHeld: '0', pendingRedemption: '100000', openRedemptions: 1, inventoryValue: '100000', poolValue: '200050', spreadEarned: '50', trades: '1', volumeUsds: '99950' })
  })

  it('a second tick with nothing changed sends nothing and writes no report (level-triggered, idempotent)', async () => {
    const version = (await synome.get(AMM_POOL, POOL_ID)).version
    const tick = await beacon.tick()
    expect(tick).toMatchObject({ actions: [], reported: false, errors: [] })
    expect((await synome.get(AMM_POOL, POOL_ID)).version).toBe(version)
  })

  it('at T+1 the issuer pays 100K; lpha-amm closes the request and the pool holds 50 USDS more than the Prime gave', async () => {
    await devnet.increaseTime(DAY)
    await postNav(WAD)
    await world.settle(1n)
    const tick = await beacon.tick()
    expect(tick.actions).toEqual(['closeRedemption #1'])
    expect(await world.pending()).toBe(0n)
    expect(await world.usdsOf(world.pool)).toBe(usds('200050'))
    expect(await report()).toMatchObject({ usdsHeld: '200050', pendingRedemption: '0', openRedemptions: 0, poolValue: '200050', spreadEarned: '50' })
  })
})

describe('alerts', () => {
  it('a redemption the issuer does not pay by T+1 plus grace is raised once as AMM_REDEMPTION_MISSED', async () => {
    const { alice } = devnet.accounts
    await world.mintTBill(alice.address, tb('60000'))
    await world.sell(alice, tb('60000'))
    expect((await beacon.tick()).actions).toEqual([`requestRedemption ${tb('60000')}`])
    await devnet.increaseTime(DAY + 3_601n)
    await postNav(WAD)
    const first = await beacon.tick()
    expect(first.alerts).toContain('AMM_REDEMPTION_MISSED')
    await beacon.tick()
    const missed = (await alerts()).filter((a) => a.code === 'AMM_REDEMPTION_MISSED')
    expect(missed).toHaveLength(1)
    expect(missed[0]).toMatchObject({ subject: 'request-2', severity: 'critical', details: { requestId: '2', amount: String(tb('60000')) } })
  })

  it('follows a 0.5% NAV move, and raises AMM_ORACLE_DEVIATION (without following) for a 5% jump', async () => {
    await postNav((WAD * 1_005n) / 1_000n)
    expect((await beacon.tick()).actions).toEqual(['syncPrice'])
    expect(await world.reference()).toBe((WAD * 1_005n) / 1_000n)
    await postNav((WAD * 1_055n) / 1_000n)
    const tick = await beacon.tick()
    expect(tick.actions).toEqual([])
    expect(tick.alerts).toContain('AMM_ORACLE_DEVIATION')
    expect(await world.reference()).toBe((WAD * 1_005n) / 1_000n)
    expect((await alerts()).filter((a) => a.code === 'AMM_ORACLE_DEVIATION')).toHaveLength(1)
  })
})

describe('the Synome’s gates on lpha-amm’s records', () => {
  it('lpha-amm of another Halo class cannot overwrite this pool’s report, and the refusal changes nothing', async () => {
    const before = await synome.get<PoolReportRecord>(AMM_POOL, POOL_ID)
    const head = await synome.head()
    const other = createInProcessClient({ service: synome, account: otherAmm })
    const forged = { ...before.data, haloClass: 'other-class', asOfBlock: String(BigInt(before.data.asOfBlock) + 1000n), usdsHeld: '0', poolValue: before.data.inventoryValue }
    delete (forged as Partial<PoolReportRecord>).recordedAt
    await expect(other.send('recordAmmPoolReport', forged as never)).rejects.toMatchObject({ code: 'NOT_PERMITTED' })
    expect(await synome.get(AMM_POOL, POOL_ID)).toEqual(before)
    expect(await synome.head()).toEqual(head)
  })

  it('a replayed older report and a report that does not add up are refused by name', async () => {
    const own = createInProcessClient({ service: synome, account: privateKeyToAccount(keyOf(devnet.accounts.relayer)) })
    const { recordedAt: _r, ...last } = (await report()) as PoolReportRecord
    await expect(own.send('recordAmmPoolReport', { ...last })).rejects.toMatchObject({ code: 'PRECONDITION_FAILED', meta: expect.objectContaining({ gate: 'REPORT_NOT_NEWER' }) })
    await expect(own.send('recordAmmPoolReport', { ...last, asOfBlock: String(BigInt(last.asOfBlock) + 1n), poolValue: '1' })).rejects.toMatchObject({ meta: expect.objectContaining({ gate: 'REPORT_ARITHMETIC' }) })
  })
})
