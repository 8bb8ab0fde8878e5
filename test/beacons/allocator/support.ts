/**
 * A devnet with a Term Halo (the Unit) and three Prime PAUs (Spark, Grove, Keel), a PGlite
 * Synome on chain time, and one allocator per Prime (in-process), for the allocator tests.
 */
import pino from 'pino'
import { keccak256, type Address, type Hex } from 'viem'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startAllocatorBeacon } from '../../../src/beacons/allocator/main.js'
import type { AllocatorTickReport } from '../../../src/beacons/allocator/reconcile.js'
import { parseAllocatorBeaconConfig, type AllocatorPolicyConfig } from '../../../src/beacons/allocator/config.js'
import { depositKey } from '../../../src/beacons/allocator/chain.js'
import { deployNfatFacility } from '../../../src/chain/deploy/deployNfatFacility.js'
import { toHex } from 'viem'
import { deployTermHaloByFactory, type TermHaloDeployment } from '../../../src/devnet/termHalo.js'
import { DEVNET_FRAMEWORK } from '../../../src/devnet/riskFramework.js'
import { deployPrimePaus, DEVNET_PRIME_FUNDS, DEVNET_PRIMES, DEVNET_UNIT_ARTIFACT, devnetAllocatorPolicy, onboardPrimeDeposit, type PrimePau } from '../../../src/devnet/primes.js'
import { parseRatePerPeriod } from '../../../src/domain/allocator/rampPlan.js'
import { USDS_DECIMALS } from '../../../src/domain/money.js'
import { createInProcessClient, type SynomeClient } from '../../../src/synome/client/index.js'
import { ALLOCATOR_COMMANDS } from '../../../src/synome/commands/allocator/index.js'
import { createSynome } from '../../../src/synome/create.js'
import type { SynomeService } from '../../../src/synome/service.js'
import type { Devnet } from '../../fixtures/devnet.js'
import type { RoleGrant } from '../../../src/domain/roles.js'

export const M = 10n ** 24n // 1M USDS
export const IRL = parseRatePerPeriod('100K/day', USDS_DECIMALS)
export const ARTIFACT = DEVNET_UNIT_ARTIFACT
export const POLICY: AllocatorPolicyConfig = devnetAllocatorPolicy
/** The devnet framework plus the risk model the Unit Artifact names (8% risk weight). */
export const FRAMEWORK = { ...DEVNET_FRAMEWORK, capitalFormula: { riskModels: { 'senior-secured': { kind: 'risk-weight' as const, riskWeight: '0.08', category: 'senior-secured' } }, categoryCaps: {} } }

export type InProcessAllocator = { tick(): Promise<AllocatorTickReport>; close(): Promise<void> }

export type World = {
  deployment: TermHaloDeployment
  primes: PrimePau[]
  synome: SynomeService
  council: SynomeClient
  nfat: SynomeClient
  /** In-process allocators (no HA: every tick acts and reports). */
  allocators: Map<string, InProcessAllocator>
  stateDir: string
  chainTime: () => Date
  /** A second NFAT Facility on the Halo PAU (for units that are not properly onboarded). */
  deployFacility(): Promise<Address>
  codeHash(address: Address): Promise<Hex>
  key(prime: PrimePau, facility: Address): Hex
  close(): Promise<void>
}

export async function setupWorld(devnet: Devnet, extraRoles: readonly RoleGrant[] = []): Promise<World> {
  const { accounts } = devnet
  const deployment = await deployTermHaloByFactory(devnet, { accounts, offRamp: accounts.bob.address })
  const primes = await deployPrimePaus(devnet, { base: deployment, accounts, primes: DEVNET_PRIMES, fundsPerPrime: DEVNET_PRIME_FUNDS })
  let chainTime = new Date(Number(await devnet.now()) * 1000)
  const refresh = async () => (chainTime = new Date(Number(await devnet.now()) * 1000))
  const synome = await createSynome({
    dataDir: null,
    clock: () => chainTime,
    freshness: false,
    commands: [...ALLOCATOR_COMMANDS],
    roles: [
      { address: accounts.council.address, role: 'council', haloClasses: [] },
      { address: accounts.relayer.address, role: 'nfat', haloClasses: ['*'] },
      ...primes.map((p) => ({ address: p.allocator.address, role: 'allocator' as const, haloClasses: ['*'] })),
      ...extraRoles,
    ],
  })
  const council = createInProcessClient({ service: synome, account: accounts.council, clock: () => chainTime })
  const nfat = createInProcessClient({ service: synome, account: accounts.relayer, clock: () => chainTime })
  await council.send('publishRiskFramework', { version: 'devnet-alloc-1', document: FRAMEWORK })
  const stateDir = mkdtempSync(join(tmpdir(), 'allocator-'))
  const allocators = new Map<string, InProcessAllocator>()
  for (const p of primes) {
    const config = parseAllocatorBeaconConfig({
      prime: p.prime,
      rpcUrl: devnet.rpcUrl,
      privateKey: toHex(p.allocator.getHdKey().privateKey!),
      synome: { dataDir: join(stateDir, 'unused') },
      chain: { configurator: deployment.configuratorUnit.configurator, almProxy: p.almProxy, controller: p.controller, rateLimits: p.rateLimits, usds: deployment.usds, finalityDepth: 0 },
      policy: POLICY,
      stateDir,
    })
    const client = createInProcessClient({ service: synome, account: p.allocator, clock: () => chainTime })
    const beacon = await startAllocatorBeacon(config, pino({ level: 'silent' }), { synome: client })
    // Every tick reads chain time first, so the Synome clock follows the chain.
    allocators.set(p.prime, { tick: async () => (await refresh(), (await beacon.tick())!), close: beacon.close })
  }
  return {
    deployment,
    primes,
    synome,
    council,
    nfat,
    allocators,
    stateDir,
    chainTime: () => chainTime,
    async deployFacility() {
      return deployNfatFacility(devnet, { deployer: accounts.deployer, usds: deployment.usds, pau: deployment.pau, admin: deployment.configuratorUnit.timelock, claimer: accounts.relayer.address, pauser: accounts.freezer.address, writeDowner: accounts.govOps.address })
    },
    async codeHash(address) {
      return keccak256((await devnet.publicClient.getCode({ address }))!)
    },
    key: (_prime, facility) => depositKey({ kind: 'nfat-facility', facility }),
    async close() {
      for (const a of allocators.values()) await a.close()
      await synome.close()
    },
  }
}

export { onboardPrimeDeposit }
