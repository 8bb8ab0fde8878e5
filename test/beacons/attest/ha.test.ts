/**
 * lpha-attest's high availability: two `halo beacon attest` processes with the same key and
 * config, one lease `lpha-attest:facility-A` in the Synome. sleeve-7 is OFFBOARDING in USDC, so
 * PRE_DEPLOYMENT is due: the leader signs the registry record and journals it (shared journal
 * `lpha-attest:facility-A/attest-registry-txs`), then freezes before broadcasting it. It is then
 * SIGKILLed, or resumed after the standby took over. Either way the registry holds the round's
 * record from one transaction — the journaled bytes — and the Synome holds one attestation
 * (att-101) that names it. Harness: test/support/haProcess.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { getAbiItem, toHex, type Address } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { attestationContentHash, createAttestationRegistry } from '../../../src/chain/attestation.js'
import { deployAttestationRegistry } from '../../../src/chain/deploy/deployAttestationRegistry.js'
import { attestationRegistryAbi } from '../../../src/chain/generated/index.js'
import { devnetAttestRules } from '../../../src/devnet/riskFramework.js'
import { createInProcessClient } from '../../../src/synome/client/index.js'
import { createSynome } from '../../../src/synome/create.js'
import type { AttestationRecord } from '../../../src/synome/records.js'
import type { SynomeService } from '../../../src/synome/service.js'
import { useDevnet, type Devnet } from '../../fixtures/devnet.js'
import { serveSynomeHttp } from '../../support/beaconProcess.js'
import { HA_TEST_TIMEOUT_MS, haInstances, killLeaderExpectTakeover, leaderAndStandby, writeInstanceConfig, resumeDeposedExpectNothing, until, waitForLeader, type HaReads } from '../../support/haProcess.js'

const CLASS = 'facility-A'
const LEASE = `lpha-attest:${CLASS}`
const JOURNAL = `${LEASE}/attest-registry-txs`
const POSTED = '"msg":"lpha-attest posted"'
const RULES = devnetAttestRules({ periodicCadenceDays: 90, atRestAfterDays: 13 })

let devnet: Devnet
beforeAll(async () => {
  devnet = await useDevnet()
})

type Line = { epoch: number; line: { kind: string; key?: string; hash?: string } }

/** A fresh registry (lpha-attest's key an attestor) and a fresh Synome with sleeve-7 holding unit 42 (it goes OFFBOARDING in 75M USDC once both instances run), served over HTTP. */
function attestHaScenario() {
  const ctx: { synome: SynomeService; registry: Address; url: string; dir: string; closers: Array<() => Promise<void>> } = { closers: [] } as never
  const instances = haInstances('attest')
  const accounts = () => devnet.accounts
  beforeAll(async () => {
    const { relayer, attestor, council, deployer } = accounts()
    ctx.registry = await deployAttestationRegistry(devnet, { deployer, councilBeacon: council.address, timelock: deployer.address })
    await devnet.write(deployer, { address: ctx.registry, abi: attestationRegistryAbi, functionName: 'addAttestor', args: [attestor.address] })
    ctx.synome = await createSynome({
      dataDir: null,
      roles: [
        { address: relayer.address, role: 'nfat', haloClasses: [CLASS] },
        { address: attestor.address, role: 'attest', haloClasses: [CLASS] },
        { address: council.address, role: 'council', haloClasses: [] },
      ],
    })
    ctx.closers.push(() => ctx.synome.close())
    await createInProcessClient({ service: ctx.synome, account: council }).send('registerHaloClass', { haloClass: CLASS })
    const nfat = createInProcessClient({ service: ctx.synome, account: relayer })
    await nfat.send('createSleeve', { sleeveId: 'sleeve-7', haloClass: CLASS })
    await nfat.send('sweepUnit', {
      sleeveId: 'sleeve-7',
      unit: { unitId: 42, nfat: { tokenId: '42', facility: `0x${'ab'.repeat(20)}`, txHash: `0x${'cd'.repeat(32)}` }, principal: '75000000', dealTerms: { apy: '0.05', maturity: '2026-09-11T10:00:00Z', paymentSchedule: 'bullet' }, depositorPrime: 'spark' },
    })
    const served = await serveSynomeHttp(ctx.synome)
    ctx.url = served.url
    ctx.closers.push(served.close)
    ctx.dir = mkdtempSync(join(tmpdir(), 'lpha-attest-ha-'))
  }, 120_000)
  afterAll(async () => {
    for (const close of ctx.closers.reverse()) await close().catch(() => {})
    if (ctx.dir) rmSync(ctx.dir, { recursive: true, force: true })
  })
  const config = (name: 'A' | 'B') => writeInstanceConfig(ctx.dir, name, (stateDir) => ({
      haloClass: CLASS, privateKey: toHex(accounts().attestor.getHdKey().privateKey!), synome: { url: ctx.url }, idPrefix: 'att-', firstNumber: 101, rules: RULES,
      onChain: { rpcUrl: devnet.rpcUrl, registry: ctx.registry, stateDir, finalityDepth: 0 }, intervalSeconds: 0.5,
    }))
  const attestor = () => accounts().attestor.address
  const reads: HaReads = { leases: () => ctx.synome.leases.list(), journal: async (name) => (await ctx.synome.leases.journal(attestor(), name)).lines }
  const intents = async () => ((await reads.journal(JOURNAL)) as Line[]).filter((l) => l.line.kind === 'intent')
  const attestations = async () => (await ctx.synome.list<AttestationRecord>({ type: 'attestation', haloClass: CLASS })).items.map((i) => i.data)
  const recordedLogs = (): Promise<Array<{ transactionHash: string }>> => devnet.publicClient.getLogs({ address: ctx.registry, event: getAbiItem({ abi: attestationRegistryAbi, name: 'AttestationRecorded' }) as never, fromBlock: 0n, toBlock: 'latest' })
  const attestorTxs = () => devnet.publicClient.getTransactionCount({ address: attestor(), blockTag: 'latest' })

  /** A leads and freezes with the registry record signed and journaled, not broadcast; B is a running standby. */
  const leaderFrozenAtRecord = async () => {
    const before = await attestorTxs()
    const pair = await leaderAndStandby({ instances, reads, lease: LEASE, configA: config('A'), configB: config('B'), pauseAt: 'tx-intent#1' })
    // only now is an attestation due: had it been due before, A could freeze (and its lease lapse)
    // before B, starting slowly on a loaded machine, saw A's lease
    const nfat = createInProcessClient({ service: ctx.synome, account: accounts().relayer })
    await nfat.send('transitionSleeve', { sleeveId: 'sleeve-7', to: 'OFFBOARDING' })
    await nfat.send('updateSleeveAssets', { sleeveId: 'sleeve-7', assets: [{ type: 'USDC', amount: '75000000', location: 'facility-ALMProxy' }] })
    await pair.a.waitFor('tx-intent#1: SIGSTOP')
    expect(await intents()).toHaveLength(1)
    expect(await attestorTxs()).toBe(before)
    expect(await attestations()).toEqual([])
    return { ...pair, before }
  }
  /** One registry record from one transaction (the journaled one), one attestation in the Synome naming it. */
  const attestedOnce = async (before: number) => {
    const [posted] = await until('the attestation', attestations, (a) => a.length > 0, 60_000)
    expect(await attestations()).toHaveLength(1)
    expect(posted).toMatchObject({ attestationId: 'att-101', type: 'PRE_DEPLOYMENT', sleeveId: 'sleeve-7' })
    const journaled = await intents()
    expect(journaled).toHaveLength(1)
    expect((await attestorTxs()) - before).toBe(1)
    const logs = await recordedLogs()
    expect(logs.map((l) => l.transactionHash)).toEqual([journaled[0]!.line.hash])
    const onChain = await createAttestationRegistry(devnet.publicClient, ctx.registry).recordOf('sleeve-7', 'PRE_DEPLOYMENT', 1)
    expect(onChain?.contentHash.toLowerCase()).toBe(attestationContentHash(posted!.content).toLowerCase())
    expect(posted!.onChain?.registry.toLowerCase()).toBe(ctx.registry.toLowerCase())
    expect(posted!.onChain).toMatchObject({ txHash: journaled[0]!.line.hash, contentHash: onChain!.contentHash })
  }
  return { reads, leaderFrozenAtRecord, attestedOnce }
}

describe('HA lpha-attest: the acting instance is SIGKILLed mid-cycle', () => {
  const h = attestHaScenario()
  it('the standby takes over within the bound and resolves the journaled registry record: one record, one attestation', async () => {
    const { a, before } = await h.leaderFrozenAtRecord()
    await killLeaderExpectTakeover({ reads: h.reads, lease: LEASE, leader: a })
    await h.attestedOnce(before)
  }, HA_TEST_TIMEOUT_MS)
})

describe('HA lpha-attest: a paused leader resumes after the standby took over', () => {
  const h = attestHaScenario()
  it('the deposed instance, resumed (SIGCONT), acts on nothing: no transaction, no attestation, no journal line', async () => {
    const { a, b, before } = await h.leaderFrozenAtRecord()
    await waitForLeader(h.reads, LEASE, 'B')
    await h.attestedOnce(before)
    // the action line the deposed instance must not log is the one the leader logged
    expect(b.output()).toContain(POSTED)
    await resumeDeposedExpectNothing({ reads: h.reads, lease: LEASE, deposed: a, actionPrefix: POSTED, journals: [JOURNAL] })
    await h.attestedOnce(before)
  }, HA_TEST_TIMEOUT_MS)
})
