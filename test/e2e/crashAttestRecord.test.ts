import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { attestationContentHash, createAttestationRegistry } from '../../src/chain/attestation.js'
import { attestationRegistryAbi } from '../../src/chain/generated/index.js'
import { useDevnet, type Devnet } from '../fixtures/devnet.js'
import { U, createScenario, fillAndOffboard, type Scenario } from './harness.js'
import { CRASH_TEST_TIMEOUT_MS, expectClean, expectKilled, runBeaconProcess, serveSynome, writeAttestConfig } from './process.js'

/**
 * `halo beacon attest` (lpha-attest with its on-chain registry) killed with SIGKILL around the
 * registry record: after the transaction is broadcast (the record is on chain) but before the
 * Synome post. Restarted, it reads the registry, sends nothing new and posts once, carrying that
 * transaction; lpha-nfat's gated off-ramp then finds the record.
 */
let devnet: Devnet
let s: Scenario
let configFile: string
let closeSynome: (() => Promise<void>) | undefined

beforeAll(async () => {
  devnet = await useDevnet()
  s = await createScenario(devnet)
  await fillAndOffboard(s) // day 1: OFFBOARDING with 75M USDC, PRE_DEPLOYMENT due
  const synome = await serveSynome(s)
  closeSynome = synome.close
  configFile = writeAttestConfig(s, synome.url)
})
afterAll(async () => {
  await closeSynome?.()
  await s?.close()
})

const attestations = async () => (await s.synome.list<Record<string, unknown>>({ type: 'attestation', limit: 100 })).items.map((i) => i.data)
const recordedEvents = () => devnet.publicClient.getContractEvents({ address: s.attestationRegistry, abi: attestationRegistryAbi, eventName: 'AttestationRecorded', fromBlock: 0n })

describe('crash-safe on-chain attestation (kill -9 around the registry record, restart)', () => {
  it('killed after broadcasting the record, before the Synome post: one registry record, one Synome attestation carrying its transaction', async () => {
    const registry = createAttestationRegistry(devnet.publicClient, s.attestationRegistry)
    await s.at(2, '10:00')
    expectKilled(await runBeaconProcess(configFile, 'tx-broadcast#1', 'attest')) // recorded on chain, not posted
    expect(await registry.recordOf('sleeve-7', 'PRE_DEPLOYMENT', 1)).toMatchObject({ amount: U('75'), revoked: false, attestor: devnet.accounts.attestor.address })
    expect(await attestations()).toEqual([])

    expectClean(await runBeaconProcess(configFile, undefined, 'attest'))
    const events = await recordedEvents()
    expect(events.length).toBe(1)
    const [att101] = await attestations()
    expect(att101).toMatchObject({ attestationId: 'att-101', type: 'PRE_DEPLOYMENT', sleeveId: 'sleeve-7', round: 1 })
    expect(att101!.onChain).toEqual({ registry: s.attestationRegistry, txHash: events[0]!.transactionHash, contentHash: attestationContentHash(att101!.content), amount: U('75').toString() })

    // Level-triggered: a further run records and posts nothing.
    expectClean(await runBeaconProcess(configFile, undefined, 'attest'))
    expect((await recordedEvents()).length).toBe(1)
    expect((await attestations()).length).toBe(1)

    // lpha-nfat's gated off-ramp now finds the record: the 75M leave.
    await s.at(2, '10:30')
    await s.nfatTick()
    expect(await s.usdcBalance(s.offRamp)).toBe(U('75'))
  }, CRASH_TEST_TIMEOUT_MS)
})
