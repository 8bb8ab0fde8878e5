/**
 * A chain with what the Halo Factory deploys into: devnet assets, a Configurator Unit (production
 * BEAMTimeLock, 14-day delay), the Term template implementations, the registry and the factory.
 * Nothing here deploys a PAU or a facility: that is the factory's job.
 */
import { keccak256, stringToHex, type Address, type Hex } from 'viem'
import { beamStateAbi, configuratorAbi, haloTemplateRegistryAbi } from '../../../src/chain/generated/index.js'
import { deployConfiguratorUnit } from '../../../src/chain/deploy/deployConfiguratorUnit.js'
import { deployDevnetAssets } from '../../../src/chain/deploy/deployDevnetAssets.js'
import { encodeCall, executeCall, scheduleCall } from '../../../src/chain/timelock.js'
import {
  deployHaloFactory,
  deployTermImplementations,
  executeBatch,
  scheduledBatch,
  templateIdOf,
  termTemplate,
  type ClassParams,
  type TemplateRanges,
  type TemplateStruct,
  type UnitParams,
} from '../../../src/factory/chain.js'
import type { Devnet } from '../../fixtures/devnet.js'

export const USDS = 10n ** 18n
export const M = (n: bigint) => n * 1_000_000n * USDS
export const DAY = 86_400n
export const DELAY = 14n * DAY

export const TERM_RANGES: TemplateRanges = {
  unitCapacity: { min: M(1n), max: M(100n) },
  seniority: { min: 0n, max: 3n },
  yieldBps: { min: 0n, max: 2_000n },
  termSeconds: { min: 30n * DAY, max: 5n * 365n * DAY },
  buyboxTicket: { min: USDS, max: M(100n) },
  initRateLimit: { min: M(1n), max: M(50n) },
}

export type FactoryWorld = Awaited<ReturnType<typeof deployFactoryWorld>>

export async function deployFactoryWorld(devnet: Devnet) {
  const { deployer, council, aBEAM, govOps, relayer, freezer } = devnet.accounts
  const fromBlock = await devnet.publicClient.getBlockNumber()
  const assets = await deployDevnetAssets(devnet, { owner: deployer })
  const unit = await deployConfiguratorUnit(devnet, { deployer, councilBeacon: council, aBEAMs: [aBEAM.address] })
  const implementations = await deployTermImplementations(devnet, { deployer })
  const { registry, factory } = await deployHaloFactory(devnet, { deployer, councilBeacon: council, aBEAMs: [aBEAM.address], configuratorUnit: unit, assets })
  const templateId = templateIdOf('term-nfat')
  const template = termTemplate(implementations, TERM_RANGES)

  let saltCounter = 0n
  const nextSalt = (): Hex => keccak256(stringToHex(`world:${++saltCounter}`))
  /** Template approval: the aBEAM schedules setTemplate, the delay passes, the aBEAM executes it. */
  const scheduleTemplate = async (id: Hex, t: TemplateStruct) => {
    const call = { ...encodeCall(registry, { abi: haloTemplateRegistryAbi, functionName: 'setTemplate', args: [id, t] }), salt: nextSalt() }
    await scheduleCall(devnet, { timelock: unit.timelock, proposer: aBEAM, call, delaySeconds: DELAY })
    return call
  }
  const approveTemplate = async (id: Hex = templateId, t: TemplateStruct = template) => {
    const call = await scheduleTemplate(id, t)
    await devnet.increaseTime(DELAY)
    await executeCall(devnet, { timelock: unit.timelock, executor: aBEAM, call })
  }
  const classParams = (overrides: Partial<ClassParams> = {}): ClassParams => ({
    govOps: govOps.address,
    beaconOperator: relayer.address,
    freezer: freezer.address,
    swapRateLimit: M(10n),
    artifactHash: keccak256(stringToHex('halo artifact')),
    ...overrides,
  })
  const unitParams = (index: number, overrides: Partial<UnitParams> = {}): UnitParams => ({
    capacity: M(20n),
    seniority: BigInt(index % 2),
    yieldBps: 800n + BigInt(index) * 50n,
    termSeconds: 180n * DAY,
    buyboxMinTicket: M(1n),
    buyboxMaxTicket: M(20n),
    firstTokenId: 1_000n * BigInt(index + 1),
    name: `Term Halo Unit ${index}`,
    symbol: `NFAT-T${index}`,
    artifactHash: keccak256(stringToHex(`unit artifact ${index}`)),
    ...overrides,
  })
  /** The aBEAM executes a factory batch after its delay. */
  const executeFactoryBatch = async (id: Hex) => {
    const batch = await scheduledBatch(devnet, { timelock: unit.timelock, id, fromBlock })
    await executeBatch(devnet, { timelock: unit.timelock, executor: aBEAM, batch })
  }
  const pauRegistered = async (pau: Address) => {
    const [, , registered] = await devnet.publicClient.readContract({ address: unit.configurator, abi: configuratorAbi, functionName: 'pauContracts', args: [pau] })
    return registered
  }
  const initOf = (key: Hex, pau: Address) => devnet.publicClient.readContract({ address: unit.beamState, abi: beamStateAbi, functionName: 'getInitRateLimits', args: [key, pau] })
  return {
    ...assets,
    ...unit,
    implementations,
    registry,
    factory,
    templateId,
    template,
    fromBlock,
    nextSalt,
    scheduleTemplate,
    approveTemplate,
    classParams,
    unitParams,
    executeFactoryBatch,
    pauRegistered,
    initOf,
  }
}
