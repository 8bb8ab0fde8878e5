/**
 * A deployed Halo PAU under a Configurator Unit, onboarded as in user story 1 (registration
 * and cBEAM grant through the 14-day timelock), shared by the PAU and configurator tests.
 */
import { parseUnits, type Account, type Address, type Hex } from 'viem'
import { deployConfiguratorUnit } from '../../../src/chain/deploy/deployConfiguratorUnit.js'
import { deployDevnetAssets } from '../../../src/chain/deploy/deployDevnetAssets.js'
import { deployPau } from '../../../src/chain/deploy/deployPau.js'
import {
  beamStateAbi,
  configuratorAbi,
  devnetFacilityQueueAbi,
  devnetFacilityQueueBytecode,
  usdsAbi,
} from '../../../src/chain/generated/index.js'
import { encodeCall, executeCall, scheduleCall, type TimelockCall } from '../../../src/chain/timelock.js'
import { SORL_DEFAULTS } from '../../../src/domain/sorl.js'
import type { Devnet } from '../../fixtures/devnet.js'

export const DELAY = SORL_DEFAULTS.timelockDelaySeconds
export const HOP = SORL_DEFAULTS.hopSeconds
export const usd = (amount: string) => parseUnits(amount, 18)

export type Stack = Awaited<ReturnType<typeof deployStack>>

export async function deployStack(devnet: Devnet) {
  const { deployer, council, aBEAM, govOps, relayer, freezer } = devnet.accounts
  const assets = await deployDevnetAssets(devnet, { owner: deployer })
  const unit = await deployConfiguratorUnit(devnet, { deployer, councilBeacon: council, aBEAMs: [aBEAM.address] })
  const pau = await deployPau(devnet, { deployer, configurator: unit.configurator, proxyAdmin: unit.timelock, ...assets })
  const facility = await devnet.deploy({ abi: devnetFacilityQueueAbi, bytecode: devnetFacilityQueueBytecode }, [assets.usds])

  let salt = 0n
  /** aBEAM schedules the calls, waits the delay, executes: an addition as governance does it. */
  const timelocked = async (...calls: TimelockCall[]) => {
    const salted = calls.map((call) => ({ ...call, salt: `0x${(++salt).toString(16).padStart(64, '0')}` as Hex }))
    for (const call of salted) await scheduleCall(devnet, { timelock: unit.timelock, proposer: aBEAM, call, delaySeconds: DELAY })
    await devnet.increaseTime(DELAY)
    for (const call of salted) await executeCall(devnet, { timelock: unit.timelock, executor: aBEAM, call })
  }
  const addInit = (key: Hex, maxAmount: bigint, slope: bigint, pauId: Address = '0x0000000000000000000000000000000000000000') =>
    encodeCall(unit.beamState, { abi: beamStateAbi, functionName: 'addInitRateLimits', args: [key, pauId, maxAmount, slope] })
  const mint = (to: Address, amount: bigint) =>
    devnet.write(deployer, { address: assets.usds, abi: usdsAbi, functionName: 'mint', args: [to, amount] })
  /** GovOps (cBEAM) sets a rate limit on this PAU. */
  const setRateLimit = (key: Hex, maxAmount: bigint, slope: bigint, as: Account = govOps) =>
    devnet.write(as, { address: unit.configurator, abi: configuratorAbi, functionName: 'setRateLimit', args: [pau.pau, key, maxAmount, slope] })

  /** Story 1 steps 1, 3, 4 and 7: register the PAU, make GovOps accordant, set relayer/freezer. */
  async function onboard() {
    await timelocked(
      encodeCall(unit.configurator, { abi: configuratorAbi, functionName: 'setPauContracts', args: [pau.pau, pau.controller, pau.rateLimits] }),
      encodeCall(unit.beamState, { abi: beamStateAbi, functionName: 'addGovOps', args: [pau.pau, govOps.address] }),
    )
    await devnet.write(govOps, { address: unit.configurator, abi: configuratorAbi, functionName: 'setRelayer', args: [pau.pau, relayer.address] })
    await devnet.write(govOps, { address: unit.configurator, abi: configuratorAbi, functionName: 'setFreezer', args: [pau.pau, freezer.address] })
  }

  return { ...assets, ...unit, ...pau, facility, timelocked, addInit, mint, setRateLimit, onboard }
}
