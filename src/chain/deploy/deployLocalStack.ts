/**
 * A Halo PAU under its own Configurator Unit on a devnet, onboarded the way governance does
 * it (user story 1): registration and the cBEAM grant go through the 14-day timelock, whose
 * wait is skipped by moving anvil's clock. Used by tests, `bench:gas` and local stacks.
 */
import type { Account, Address, Hex } from 'viem'
import { beamStateAbi, configuratorAbi, devnetFacilityQueueAbi, devnetFacilityQueueBytecode, usdsAbi } from '../generated/index.js'
import { deployContract, increaseTime, writeAndWait, type DevnetAccounts, type DevnetClients } from '../devnet.js'
import { encodeCall, executeCall, scheduleCall, type TimelockCall } from '../timelock.js'
import { SORL_DEFAULTS } from '../../domain/sorl.js'
import { deployConfiguratorUnit } from './deployConfiguratorUnit.js'
import { deployDevnetAssets } from './deployDevnetAssets.js'
import { deployPau } from './deployPau.js'

const ZERO = '0x0000000000000000000000000000000000000000' as const

export type LocalStack = Awaited<ReturnType<typeof deployLocalStack>>

export async function deployLocalStack(clients: DevnetClients, accounts: DevnetAccounts) {
  const { deployer, council, aBEAM, govOps, relayer, freezer } = accounts
  const delaySeconds = SORL_DEFAULTS.timelockDelaySeconds
  const assets = await deployDevnetAssets(clients, { owner: deployer })
  const unit = await deployConfiguratorUnit(clients, { deployer, councilBeacon: council, aBEAMs: [aBEAM.address], delaySeconds })
  const pau = await deployPau(clients, { deployer, configurator: unit.configurator, proxyAdmin: unit.timelock, ...assets })
  const facility = await deployContract(clients, {
    abi: devnetFacilityQueueAbi,
    bytecode: devnetFacilityQueueBytecode,
    args: [assets.usds],
    account: deployer,
  })

  let salt = 0n
  /** aBEAM schedules the calls, the delay passes, aBEAM executes them. */
  const timelocked = async (...calls: TimelockCall[]) => {
    const salted = calls.map((call) => ({ ...call, salt: `0x${(++salt).toString(16).padStart(64, '0')}` as Hex }))
    for (const call of salted) await scheduleCall(clients, { timelock: unit.timelock, proposer: aBEAM, call, delaySeconds })
    await increaseTime(clients, delaySeconds)
    for (const call of salted) await executeCall(clients, { timelock: unit.timelock, executor: aBEAM, call })
  }
  /** A BEAMState init for `key` (global unless `pauId` restricts it), to pass to `timelocked`. */
  const addInit = (key: Hex, maxAmount: bigint, slope: bigint, pauId: Address = ZERO) =>
    encodeCall(unit.beamState, { abi: beamStateAbi, functionName: 'addInitRateLimits', args: [key, pauId, maxAmount, slope] })
  const mint = (to: Address, amount: bigint) =>
    writeAndWait(clients, deployer, { address: assets.usds, abi: usdsAbi, functionName: 'mint', args: [to, amount] })
  /** GovOps (cBEAM) sets a rate limit on this PAU through the Configurator. */
  const setRateLimit = (key: Hex, maxAmount: bigint, slope: bigint, as: Account = govOps) =>
    writeAndWait(clients, as, { address: unit.configurator, abi: configuratorAbi, functionName: 'setRateLimit', args: [pau.pau, key, maxAmount, slope] })

  /** Register the PAU and make GovOps accordant (timelocked), then set relayer and freezer. */
  async function onboard() {
    await timelocked(
      encodeCall(unit.configurator, { abi: configuratorAbi, functionName: 'setPauContracts', args: [pau.pau, pau.controller, pau.rateLimits] }),
      encodeCall(unit.beamState, { abi: beamStateAbi, functionName: 'addGovOps', args: [pau.pau, govOps.address] }),
    )
    const configurator = { address: unit.configurator, abi: configuratorAbi } as const
    await writeAndWait(clients, govOps, { ...configurator, functionName: 'setRelayer', args: [pau.pau, relayer.address] })
    await writeAndWait(clients, govOps, { ...configurator, functionName: 'setFreezer', args: [pau.pau, freezer.address] })
  }

  return { ...assets, ...unit, ...pau, facility, timelocked, addInit, mint, setRateLimit, onboard }
}
