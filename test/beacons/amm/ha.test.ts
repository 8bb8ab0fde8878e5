/**
 * lpha-amm high availability: two `halo beacon amm` processes with the same key and config, one
 * lease `lpha-amm:<poolId>` in the Synome. A trader sells 100K T-bills; the leader freezes with
 * the redemption to the issuer signed and journaled (not broadcast), then is SIGKILLed or
 * resumed after the standby took over. Either way one redemption is requested — the journaled
 * bytes — and the pool report records it once. Harness: test/support/haProcess.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { getAbiItem, toHex } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tradingPoolAbi } from '../../../src/chain/generated/index.js'
import { AMM_COMMANDS, AMM_POOL, type PoolReportRecord } from '../../../src/synome/commands/amm/index.js'
import { createSynome } from '../../../src/synome/create.js'
import type { SynomeService } from '../../../src/synome/service.js'
import { useDevnet, type Devnet } from '../../fixtures/devnet.js'
import { serveSynomeHttp } from '../../support/beaconProcess.js'
import { HA_TEST_TIMEOUT_MS, haInstances, killLeaderExpectTakeover, leaderAndStandby, writeInstanceConfig, resumeDeposedExpectNothing, until, waitForLeader, type HaReads } from '../../support/haProcess.js'
import { createTradingWorld, tb, usds, type TradingWorld } from '../../contracts/trading/pool.js'

const CLASS = 'tbill-class'
const POOL_ID = 'tbill-usds'
const LEASE = `lpha-amm:${POOL_ID}`

let devnet: Devnet
beforeAll(async () => {
  devnet = await useDevnet()
})

type Line = { epoch: number; line: { kind: string; key?: string; hash?: string } }

function ammHaScenario() {
  const ctx: { world: TradingWorld; synome: SynomeService; url: string; dir: string; close: () => Promise<void> } = {} as never
  const instances = haInstances('amm')
  beforeAll(async () => {
    ctx.world = await createTradingWorld(devnet, { maxInventory: tb('3000000') })
    await ctx.world.contribute('usds', usds('200000'))
    await ctx.world.mintUsds(ctx.world.issuer, usds('10000000'))
    await ctx.world.approveTrader(devnet.accounts.alice)
    ctx.synome = await createSynome({ dataDir: null, freshness: false, commands: [...AMM_COMMANDS], roles: [{ address: devnet.accounts.relayer.address, role: 'amm', haloClasses: [CLASS] }] })
    const served = await serveSynomeHttp(ctx.synome)
    ctx.url = served.url
    ctx.close = served.close
    ctx.dir = mkdtempSync(join(tmpdir(), 'lpha-amm-ha-'))
  }, 120_000)
  afterAll(async () => {
    await ctx.close?.()
    await ctx.synome?.close()
    if (ctx.dir) rmSync(ctx.dir, { recursive: true, force: true })
  })
  const config = (name: 'A' | 'B') => writeInstanceConfig(ctx.dir, name, (stateDir) => ({
        poolId: POOL_ID,
        haloClass: CLASS,
        rpcUrl: devnet.rpcUrl,
        privateKey: toHex(devnet.accounts.relayer.getHdKey().privateKey!),
        synome: { url: ctx.url },
        chain: { pool: ctx.world.pool, fromBlock: 0, finalityDepth: 0 },
        policy: { redeemThreshold: '50000' },
        stateDir,
        intervalSeconds: 0.5,
      }))
  const reads: HaReads = { leases: () => ctx.synome.leases.list(), journal: async (name) => (await ctx.synome.leases.journal(devnet.accounts.relayer.address, name)).lines }
  const intents = async () => ((await reads.journal(`${LEASE}/txs`)) as Line[]).filter((l) => l.line.kind === 'intent')
  const requested = () => devnet.publicClient.getLogs({ address: ctx.world.pool, event: getAbiItem({ abi: tradingPoolAbi, name: 'RedemptionRequested' }) as never, fromBlock: 0n, toBlock: 'latest' }) as Promise<Array<{ transactionHash: string }>>
  const report = () => ctx.synome.get<PoolReportRecord>(AMM_POOL, POOL_ID)
  /** A leads and has reported the pool; a trader sells 100K; A freezes with the redemption journaled; B is a running standby. */
  const leaderFrozenAtRedemption = async () => {
    const pair = await leaderAndStandby({ instances, reads, lease: LEASE, configA: config('A'), configB: config('B'), pauseAt: 'tx-intent#1' })
    await until('the first pool report', () => report().catch(() => undefined), (r) => r !== undefined, 60_000)
    await ctx.world.mintTBill(devnet.accounts.alice.address, tb('100000'))
    await ctx.world.sell(devnet.accounts.alice, tb('100000'))
    await pair.a.waitFor('tx-intent#1: SIGSTOP')
    expect(await requested()).toHaveLength(0)
    return pair
  }
  /** One redemption on chain (the journaled bytes), the report shows it, and it is not written again. */
  const redeemedOnce = async () => {
    const r = await until('the report shows the pending redemption', report, (x) => x.data.pendingRedemption === '100000', 60_000)
    const events = await requested()
    expect(events).toHaveLength(1)
    const journaled = await intents()
    expect(journaled).toHaveLength(1)
    expect(events[0]!.transactionHash).toBe(journaled[0]!.line.hash)
    expect(await ctx.world.pending()).toBe(tb('100000'))
    // a few ticks later the report is the same version: no second record of the same state
    await new Promise((resolve) => setTimeout(resolve, 1_500))
    expect((await report()).version).toBe(r.version)
  }
  return { reads, leaderFrozenAtRedemption, redeemedOnce }
}

describe('HA lpha-amm: the acting instance is SIGKILLed mid-cycle', () => {
  const h = ammHaScenario()
  it('the standby takes over within the bound and resolves the journaled redemption: one request, reported once', async () => {
    const { a } = await h.leaderFrozenAtRedemption()
    await killLeaderExpectTakeover({ reads: h.reads, lease: LEASE, leader: a })
    await h.redeemedOnce()
  }, HA_TEST_TIMEOUT_MS)
})

describe('HA lpha-amm: a paused leader resumes after the standby took over', () => {
  const h = ammHaScenario()
  it('the deposed instance, resumed (SIGCONT), acts on nothing: no transaction, no report, no journal line', async () => {
    const { a } = await h.leaderFrozenAtRedemption()
    await waitForLeader(h.reads, LEASE, 'B')
    await h.redeemedOnce()
    await resumeDeposedExpectNothing({ reads: h.reads, lease: LEASE, deposed: a, journals: [`${LEASE}/txs`] })
    await h.redeemedOnce()
  }, HA_TEST_TIMEOUT_MS)
})
