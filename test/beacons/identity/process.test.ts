/**
 * `halo beacon identity` as a real OS process against anvil and a Synome served over HTTP:
 * SIGKILLed mid-batch (after the second of four add batches was broadcast, and after the first
 * removal's intent was journaled but before it was broadcast), a restarted process converges
 * with every address changed exactly once on chain and no extra transaction; an expiry and a
 * revocation each remove every linked address within one tick.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import { getAbiItem, getAddress, keccak256, parseEther, toHex, type Address } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startIdentityBeacon } from '../../../src/beacons/identity/main.js'
import { parseIdentityBeaconConfig } from '../../../src/beacons/identity/config.js'
import { deployIdentityRegistry } from '../../../src/chain/deploy/deployIdentityRegistry.js'
import { identityRegistryAbi } from '../../../src/chain/generated/index.js'
import { createInProcessClient } from '../../../src/synome/client/index.js'
import { IDENTITY_COMMANDS } from '../../../src/synome/commands/identity/index.js'
import { createSynome } from '../../../src/synome/create.js'
import type { SynomeService } from '../../../src/synome/service.js'
import { useDevnet, type Devnet } from '../../fixtures/devnet.js'
import { expectClean, expectKilledAt, runHaloProcess, serveSynomeHttp } from '../../support/beaconProcess.js'

const NETWORK = 'idn-swiss'
const beaconKey = keccak256(toHex('lpha-identity-0'))
const beacon = privateKeyToAccount(beaconKey)
const networkAttestor = privateKeyToAccount(keccak256(toHex('idn-swiss-legal-entity')))
const addr = (i: number) => getAddress(`0x${(0x4000 + i).toString(16).padStart(40, '0')}`)
const ACME = Array.from({ length: 5 }, (_, i) => addr(i))
const BETA = [addr(50)]

let devnet: Devnet
let registry: Address
let fromBlock: bigint
let synome: SynomeService
let server: Awaited<ReturnType<typeof serveSynomeHttp>>
let dir: string
let configFile: string
const DAY_MS = 86_400_000
/** Day 0 of the story: the first midnight after anvil's clock (which starts at the wall clock). */
let day0 = 0
const day = (n: number) => new Date(day0 + n * DAY_MS).toISOString()
let chainNow = new Date()
const attestor = () => createInProcessClient({ service: synome, account: networkAttestor, clock: () => chainNow })

async function setTime(iso: string) {
  chainNow = new Date(iso)
  await devnet.testClient.setNextBlockTimestamp({ timestamp: BigInt(Date.parse(iso) / 1000) })
  await devnet.testClient.mine({ blocks: 1 })
}


const runProcess = (crashAt = '') => runHaloProcess(['beacon', 'identity', '--config', configFile, '--once'], { crashAt })

async function registryEvents() {
  const events = [getAbiItem({ abi: identityRegistryAbi, name: 'MemberAdded' }), getAbiItem({ abi: identityRegistryAbi, name: 'MemberRemoved' })]
  const logs = await devnet.publicClient.getLogs({ address: registry, events, fromBlock, toBlock: 'latest', strict: true })
  return { added: logs.filter((l) => l.eventName === 'MemberAdded').map((l) => l.args.account), removed: logs.filter((l) => l.eventName === 'MemberRemoved').map((l) => l.args.account) }
}
const isMember = (a: Address) => devnet.publicClient.readContract({ address: registry, abi: identityRegistryAbi, functionName: 'isMember', args: [a] })
const beaconTxs = () => devnet.publicClient.getTransactionCount({ address: beacon.address, blockTag: 'latest' })

beforeAll(async () => {
  devnet = await useDevnet()
  const { deployer, govOps, freezer } = devnet.accounts
  await devnet.testClient.setBalance({ address: beacon.address, value: parseEther('10') })
  registry = await deployIdentityRegistry(devnet, { deployer, admin: govOps.address, writer: beacon.address, pauser: freezer.address })
  fromBlock = await devnet.publicClient.getBlockNumber()
  day0 = (Math.floor(Number(await devnet.now()) / 86_400) + 1) * DAY_MS
  await setTime(day(0))
  dir = mkdtempSync(join(tmpdir(), 'lpha-identity-'))
  synome = await createSynome({ dataDir: null, clock: () => chainNow, commands: [...IDENTITY_COMMANDS], roles: [{ address: networkAttestor.address, role: 'attest', haloClasses: [NETWORK] }] })
  server = await serveSynomeHttp(synome)
  configFile = join(dir, 'lpha-identity.json')
  writeFileSync(configFile, JSON.stringify({
    networkId: NETWORK, rpcUrl: devnet.rpcUrl, privateKey: beaconKey, synome: { url: server.url },
    chain: { registry, fromBlock: fromBlock.toString(), finalityDepth: 0 }, maxBatch: 2, stateDir: dir, clock: { chainOffsetSeconds: 0 },
  }))
}, 120_000)
afterAll(async () => {
  await server?.close()
  await synome?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

const attestation = (entityId: string, addresses: Address[], expiresAt: string) => ({
  networkId: NETWORK, entityId, attestationType: 'KYB' as const, level: 2, issuedAt: day(-1), expiresAt, jurisdiction: 'CH', addresses,
})

describe('halo beacon identity (a real process)', () => {
  it('SIGKILLed after broadcasting the second of four add batches, a restart adds the rest; each address is added once, four transactions in all', async () => {
    await attestor().send('recordIdentityAttestation', attestation('acme', ACME, day(9)))
    await attestor().send('recordIdentityAttestation', attestation('beta', BETA, day(365)))
    const txsBefore = await beaconTxs()
    const killed = await runProcess('tx-broadcast#2')
    expectKilledAt(killed, 'tx-broadcast#2')
    expect((await registryEvents()).added.length).toBeLessThan(6)
    const run = await runProcess()
    expectClean(run)
    for (const a of [...ACME, ...BETA]) expect(await isMember(a)).toBe(true)
    const { added } = await registryEvents()
    expect([...added].sort()).toEqual([...ACME, ...BETA].sort())
    // acme: 5 addresses in batches of 2 = 3, beta: 1 — no batch was sent twice
    expect((await beaconTxs()) - txsBefore).toBe(4)
    // converged: one more run changes nothing
    expect((await runProcess()).code).toBe(0)
    expect((await beaconTxs()) - txsBefore).toBe(4)
  }, 180_000)

  it("acme's expiry: SIGKILLed after journaling the first removal, before broadcasting it, a restart removes all five addresses in one tick, each once", async () => {
    await setTime(day(9))
    const txsBefore = await beaconTxs()
    const killed = await runProcess('tx-intent#1')
    expectKilledAt(killed, 'tx-intent#1')
    expect((await registryEvents()).removed).toEqual([])
    const run = await runProcess()
    expectClean(run)
    for (const a of ACME) expect(await isMember(a)).toBe(false)
    expect(await isMember(BETA[0]!)).toBe(true)
    expect([...(await registryEvents()).removed].sort()).toEqual([...ACME].sort())
    expect((await beaconTxs()) - txsBefore).toBe(3)
  }, 180_000)

  it("revoking beta removes its address within one tick; the next tick sends nothing", async () => {
    await attestor().send('revokeIdentityEntity', { entityId: 'beta', reason: 'SANCTIONS' })
    const config = parseIdentityBeaconConfig({
      networkId: NETWORK, rpcUrl: devnet.rpcUrl, privateKey: beaconKey, synome: { dataDir: '/unused' },
      chain: { registry, fromBlock: fromBlock.toString(), finalityDepth: 0 }, maxBatch: 2, stateDir: dir,
    })
    const inProcess = await startIdentityBeacon(config, pino({ level: 'silent' }), { synome: createInProcessClient({ service: synome, account: beacon, clock: () => chainNow }) })
    try {
      expect(await inProcess.tick()).toEqual({ entities: 2, pending: 0, batches: [{ kind: 'remove', accounts: 1 }] })
      expect(await isMember(BETA[0]!)).toBe(false)
      expect(await inProcess.tick()).toEqual({ entities: 2, pending: 0, batches: [] })
    } finally {
      await inProcess.close()
    }
  }, 60_000)
})
