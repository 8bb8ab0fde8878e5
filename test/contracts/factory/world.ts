/**
 * A chain with what the Halo Factory deploys into: devnet assets, a Configurator Unit (production
 * BEAMTimeLock, 14-day delay), the Term template implementations, the registry and the factory.
 * Nothing here deploys a PAU or a facility: that is the factory's job.
 */
import { keccak256, stringToHex, type Address, type Hex } from 'viem'
import { beamStateAbi, configuratorAbi } from '../../../src/chain/generated/index.js'
import { type ClassParams, type UnitParams } from '../../../src/factory/chain.js'
import { executeScheduled } from '../../../src/chain/timelock.js'
import { deployFactoryStack, TERM_TEMPLATE_RANGES } from '../../../src/factory/devnet.js'
import type { Devnet } from '../../fixtures/devnet.js'

export const USDS = 10n ** 18n
export const M = (n: bigint) => n * 1_000_000n * USDS
export const DAY = 86_400n
export const DELAY = 14n * DAY

export const TERM_RANGES = TERM_TEMPLATE_RANGES

export type FactoryWorld = Awaited<ReturnType<typeof deployFactoryWorld>>

export async function deployFactoryWorld(devnet: Devnet) {
  const { govOps, relayer, freezer, aBEAM } = devnet.accounts
  const stack = await deployFactoryStack(devnet, devnet.accounts, { delaySeconds: DELAY })
  const { fromBlock } = stack
  const unit = { timelock: stack.timelock, beamState: stack.beamState, configurator: stack.configurator }
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
    await executeScheduled(devnet, { timelock: unit.timelock, executor: aBEAM, id, fromBlock })
  }
  const pauRegistered = async (pau: Address) => {
    const [, , registered] = await devnet.publicClient.readContract({ address: unit.configurator, abi: configuratorAbi, functionName: 'pauContracts', args: [pau] })
    return registered
  }
  const initOf = (key: Hex, pau: Address) => devnet.publicClient.readContract({ address: unit.beamState, abi: beamStateAbi, functionName: 'getInitRateLimits', args: [key, pau] })
  return {
    ...stack,
    classParams,
    unitParams,
    executeFactoryBatch,
    pauRegistered,
    initOf,
  }
}
