/**
 * `halo beacon amm` as a real OS process against anvil and a Synome served over HTTP,
 * SIGKILLed at exact points (HALO_CRASH_AT): after broadcasting a redemption, after journaling
 * a close before broadcasting it, and right after writing the pool report. Each restart
 * converges with every transaction sent once and the Synome's report written once.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { getAbiItem, toHex } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tradingPoolAbi } from '../../../src/chain/generated/index.js'
import { WAD } from '../../../src/domain/trading/index.js'
import { AMM_COMMANDS, AMM_POOL, type PoolReportRecord } from '../../../src/synome/commands/amm/index.js'
import { createSynome } from '../../../src/synome/create.js'
import type { SynomeService } from '../../../src/synome/service.js'
import { useDevnet, type Devnet } from '../../fixtures/devnet.js'
import { expectClean as clean, expectKilledAt as killedAt, runHaloProcess, serveSynomeHttp } from '../../support/beaconProcess.js'
import { DAY, createTradingWorld, tb, usds, type TradingWorld } from '../../contracts/trading/pool.js'

const CLASS = 'tbill-class'
const POOL_ID = 'tbill-usds'

let devnet: Devnet
let world: TradingWorld
let synome: SynomeService
let server: Awaited<ReturnType<typeof serveSynomeHttp>>
let dir: string
let configFile: string


async function events(name: 'RedemptionRequested' | 'RedemptionClosed' | 'PriceSynced') {
  return devnet.publicClient.getLogs({ address: world.pool, event: getAbiItem({ abi: tradingPoolAbi, name }) as never, fromBlock: 0n, toBlock: 'latest' })
}
const reportRecord = () => synome.get<PoolReportRecord>(AMM_POOL, POOL_ID)
const runProcess = (crashAt = '') => runHaloProcess(['beacon', 'amm', '--config', configFile, '--once'], { crashAt })

beforeAll(async () => {
  devnet = await useDevnet()
  world = await createTradingWorld(devnet, { maxInventory: tb('3000000') })
  await world.contribute('usds', usds('200000'))
  await world.mintUsds(world.issuer, usds('10000000'))
  await world.approveTrader(devnet.accounts.alice)
  const { relayer } = devnet.accounts
  synome = await createSynome({ dataDir: null, freshness: false, commands: [...AMM_COMMANDS], roles: [{ address: relayer.address, role: 'amm', haloClasses: [CLASS] }] })
  server = await serveSynomeHttp(synome)
  dir = mkdtempSync(join(tmpdir(), 'lpha-amm-proc-'))
  configFile = join(dir, 'lpha-amm.json')
  writeFileSync(
    configFile,
    JSON.stringify({
      poolId: POOL_ID,
      haloClass: CLASS,
      rpcUrl: devnet.rpcUrl,
      privateKey: toHex(relayer.getHdKey().privateKey!),
      synome: { url: server.url },
      chain: { pool: world.pool, fromBlock: 0, finalityDepth: 0 },
      policy: { redeemThreshold: '50000' },
      stateDir: dir,
    }),
  )
}, 120_000)

afterAll(async () => {
  await server?.close()
  await synome?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

describe('halo beacon amm (a real process)', () => {
  it('SIGKILLed right after broadcasting the redemption, a restart sends no second one and reports the pending 100K', async () => {
    await world.mintTBill(devnet.accounts.alice.address, tb('100000'))
    await world.sell(devnet.accounts.alice, tb('100000'))
    killedAt(await runProcess('tx-broadcast#1'), 'tx-broadcast#1')
    clean(await runProcess())
    expect(await events('RedemptionRequested')).toHaveLength(1)
    expect(await world.pending()).toBe(tb('100000'))
    expect((await reportRecord()).data).toMatchObject({ pendingRedemption: '100000', spreadEarned: '50', usdsHeld: '100050' })
  }, 180_000)

  it('SIGKILLed after journaling the close but before broadcasting it, a restart closes the request once', async () => {
    await devnet.increaseTime(DAY)
    await world.setNav(WAD)
    await world.settle(1n)
    killedAt(await runProcess('tx-intent#1'), 'tx-intent#1')
    expect(await events('RedemptionClosed')).toHaveLength(0)
    clean(await runProcess())
    expect(await events('RedemptionClosed')).toHaveLength(1)
    expect((await reportRecord()).data).toMatchObject({ pendingRedemption: '0', usdsHeld: '200050', poolValue: '200050' })
  }, 180_000)

  it('SIGKILLed right after the Synome accepted the report, a restart neither re-syncs the price nor writes the report again', async () => {
    await world.setNav((WAD * 1_002n) / 1_000n)
    const before = (await reportRecord()).version
    killedAt(await runProcess('synome-write#1'), 'synome-write#1')
    const after = (await reportRecord()).version
    expect(after).toBe(before + 1)
    clean(await runProcess())
    clean(await runProcess())
    expect((await reportRecord()).version).toBe(after)
    expect(await events('PriceSynced')).toHaveLength(1)
    expect((await reportRecord()).data.referencePriceWad).toBe(String((WAD * 1_002n) / 1_000n))
  }, 180_000)
})
