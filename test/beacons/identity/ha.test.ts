/**
 * lpha-identity high availability: two `halo beacon identity` processes with the same key and
 * config, one lease `lpha-identity:<networkId>` in the Synome. Five addresses in batches of two
 * are three add transactions; the leader freezes with the second batch signed and journaled (not
 * broadcast), then is SIGKILLed or resumed after the standby took over. Either way each address
 * is added once, three transactions in all, each the journaled bytes. Harness:
 * test/support/haProcess.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { getAbiItem, getAddress, keccak256, parseEther, toHex, type Address } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { deployIdentityRegistry } from '../../../src/chain/deploy/deployIdentityRegistry.js'
import { identityRegistryAbi } from '../../../src/chain/generated/index.js'
import { createInProcessClient } from '../../../src/synome/client/index.js'
import { IDENTITY_COMMANDS } from '../../../src/synome/commands/identity/index.js'
import { createSynome } from '../../../src/synome/create.js'
import type { SynomeService } from '../../../src/synome/service.js'
import { useDevnet, type Devnet } from '../../fixtures/devnet.js'
import { serveSynomeHttp } from '../../support/beaconProcess.js'
import { HA_TEST_TIMEOUT_MS, haInstances, killLeaderExpectTakeover, leaderAndStandby, writeInstanceConfig, resumeDeposedExpectNothing, until, waitForLeader, type HaReads } from '../../support/haProcess.js'

const NETWORK = 'idn-swiss'
const LEASE = `lpha-identity:${NETWORK}`
const beaconKey = keccak256(toHex('lpha-identity-ha'))
const beacon = privateKeyToAccount(beaconKey)
const networkAttestor = privateKeyToAccount(keccak256(toHex('idn-swiss-legal-entity')))
const ACME = Array.from({ length: 5 }, (_, i) => getAddress(`0x${(0x5000 + i).toString(16).padStart(40, '0')}`))

let devnet: Devnet
beforeAll(async () => {
  devnet = await useDevnet()
  await devnet.testClient.setBalance({ address: beacon.address, value: parseEther('10') })
})

type Line = { epoch: number; line: { kind: string; key?: string; hash?: string } }

function identityHaScenario() {
  const ctx: { registry: Address; fromBlock: bigint; synome: SynomeService; url: string; dir: string; close: () => Promise<void>; chainNow: Date } = {} as never
  const instances = haInstances('identity')
  beforeAll(async () => {
    const { deployer, govOps, freezer } = devnet.accounts
    ctx.registry = await deployIdentityRegistry(devnet, { deployer, admin: govOps.address, writer: beacon.address, pauser: freezer.address })
    ctx.fromBlock = await devnet.publicClient.getBlockNumber()
    ctx.chainNow = new Date(Number(await devnet.now()) * 1000)
    ctx.dir = mkdtempSync(join(tmpdir(), 'lpha-identity-ha-'))
    ctx.synome = await createSynome({ dataDir: null, clock: () => ctx.chainNow, commands: [...IDENTITY_COMMANDS], roles: [{ address: networkAttestor.address, role: 'attest', haloClasses: [NETWORK] }] })
    const served = await serveSynomeHttp(ctx.synome)
    ctx.url = served.url
    ctx.close = served.close
  }, 120_000)
  afterAll(async () => {
    await ctx.close?.()
    await ctx.synome?.close()
    if (ctx.dir) rmSync(ctx.dir, { recursive: true, force: true })
  })
  const config = (name: 'A' | 'B') => writeInstanceConfig(ctx.dir, name, (stateDir) => ({ networkId: NETWORK, rpcUrl: devnet.rpcUrl, privateKey: beaconKey, synome: { url: ctx.url }, chain: { registry: ctx.registry, fromBlock: ctx.fromBlock.toString(), finalityDepth: 0 }, maxBatch: 2, stateDir, clock: { chainOffsetSeconds: 0 }, intervalSeconds: 0.5 }))
  const reads: HaReads = { leases: () => ctx.synome.leases.list(), journal: async (name) => (await ctx.synome.leases.journal(beacon.address, name)).lines }
  const intents = async () => ((await reads.journal(`${LEASE}/txs`)) as Line[]).filter((l) => l.line.kind === 'intent')
  const added = async () => {
    const logs = await devnet.publicClient.getLogs({ address: ctx.registry, event: getAbiItem({ abi: identityRegistryAbi, name: 'MemberAdded' }), fromBlock: ctx.fromBlock, toBlock: 'latest', strict: true })
    return logs.map((l) => ({ account: l.args.account, hash: l.transactionHash }))
  }
  /** A leads; acme's five addresses are attested; A freezes with batch 2 journaled, not broadcast; B is a running standby. */
  const leaderFrozenAtSecondBatch = async () => {
    const txsBefore = await devnet.publicClient.getTransactionCount({ address: beacon.address, blockTag: 'latest' })
    const pair = await leaderAndStandby({ instances, reads, lease: LEASE, configA: config('A'), configB: config('B'), pauseAt: 'tx-intent#2' })
    const day = (n: number) => new Date(ctx.chainNow.getTime() + n * 86_400_000).toISOString()
    await createInProcessClient({ service: ctx.synome, account: networkAttestor, clock: () => ctx.chainNow }).send('recordIdentityAttestation', { networkId: NETWORK, entityId: 'acme', attestationType: 'KYB', level: 2, issuedAt: day(-1), expiresAt: day(365), jurisdiction: 'CH', addresses: ACME })
    await pair.a.waitFor('tx-intent#2: SIGSTOP')
    expect((await intents()).length).toBe(2)
    expect((await added()).length).toBe(2)
    return { ...pair, txsBefore }
  }
  /** Every address added once, in three transactions, each the journaled intent's bytes. */
  const addedOnce = async (txsBefore: number) => {
    const events = await until('five members', added, (a) => a.length >= 5, 60_000)
    expect(events.map((e) => e.account).sort()).toEqual([...ACME].sort())
    const journaled = await intents()
    expect(journaled.length).toBe(3)
    expect(new Set(journaled.map((l) => l.line.key)).size).toBe(3)
    expect([...new Set(events.map((e) => e.hash))].sort()).toEqual(journaled.map((l) => l.line.hash!).sort())
    expect((await devnet.publicClient.getTransactionCount({ address: beacon.address, blockTag: 'latest' })) - txsBefore).toBe(3)
  }
  return { reads, leaderFrozenAtSecondBatch, addedOnce }
}

describe('HA lpha-identity: the acting instance is SIGKILLed mid-batch', () => {
  const h = identityHaScenario()
  it('the standby takes over within the bound, resolves the journaled batch and sends the last: each address added once', async () => {
    const { a, txsBefore } = await h.leaderFrozenAtSecondBatch()
    await killLeaderExpectTakeover({ reads: h.reads, lease: LEASE, leader: a })
    await h.addedOnce(txsBefore)
  }, HA_TEST_TIMEOUT_MS)
})

describe('HA lpha-identity: a paused leader resumes after the standby took over', () => {
  const h = identityHaScenario()
  it('the deposed instance, resumed (SIGCONT), acts on nothing: no new transaction, no journal line', async () => {
    const { a, txsBefore } = await h.leaderFrozenAtSecondBatch()
    await waitForLeader(h.reads, LEASE, 'B')
    await h.addedOnce(txsBefore)
    await resumeDeposedExpectNothing({ reads: h.reads, lease: LEASE, deposed: a, journals: [`${LEASE}/txs`] })
    await h.addedOnce(txsBefore)
  }, HA_TEST_TIMEOUT_MS)
})
