/**
 * A Halo PAU under its own Configurator Unit on a devnet, onboarded the way governance does
 * it (user story 1): registration and the cBEAM grant go through the 14-day timelock, whose
 * wait is skipped by moving anvil's clock. Used by tests, `bench:gas` and local stacks.
 *
 * `facility` is a real NFAT Facility (first tokenId 42) wired to this PAU: claims land in its
 * ALMProxy and consume `nfatClaimKey` on its RateLimits, the proxy funds redemptions, the
 * relayer is also lpha-nfat's claimer and the timelock is the facility's admin. The one PAU
 * can therefore play both sides: queue as a Prime, claim and fund as the Halo, redeem as the
 * NFAT holder. The claim key, like every other, has no limit until governance sets one.
 */
import type { Account, Address, Hex } from 'viem'
import { beamStateAbi, configuratorAbi, usdsAbi } from '../generated/index.js'
import { increaseTime, writeAndWait, type DevnetAccounts, type DevnetClients } from '../devnet.js'
import { encodeCall, executeCall, scheduleCall, type TimelockCall } from '../timelock.js'
import { LIMIT, rateLimitKey } from '../../domain/rateLimits.js'
import { SORL_DEFAULTS } from '../../domain/sorl.js'
import { deployConfiguratorUnit } from './deployConfiguratorUnit.js'
import { deployDevnetAssets } from './deployDevnetAssets.js'
import { deployNfatFacility } from './deployNfatFacility.js'
import { deployPau } from './deployPau.js'

const ZERO = '0x0000000000000000000000000000000000000000' as const

export type LocalStack = Awaited<ReturnType<typeof deployLocalStack>>

export async function deployLocalStack(clients: DevnetClients, accounts: DevnetAccounts) {
  const { deployer, council, aBEAM, govOps, relayer, freezer } = accounts
  const delaySeconds = SORL_DEFAULTS.timelockDelaySeconds
  const assets = await deployDevnetAssets(clients, { owner: deployer })
  const unit = await deployConfiguratorUnit(clients, { deployer, councilBeacon: council, aBEAMs: [aBEAM.address], delaySeconds })
  let facility: Address | undefined
  const pau = await deployPau(clients, {
    deployer,
    configurator: unit.configurator,
    proxyAdmin: unit.timelock,
    ...assets,
    rateLimitControllers: async (contracts) => {
      facility = await deployNfatFacility(clients, {
        deployer,
        usds: assets.usds,
        pau: contracts,
        admin: unit.timelock,
        claimer: relayer.address,
        pauser: freezer.address,
        writeDowner: govOps.address,
      })
      return [facility]
    },
  })
  if (!facility) throw new Error('deployPau did not deploy the NFAT Facility')
  const nfatClaimKey = rateLimitKey(LIMIT.NFAT_CLAIM, facility)

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

  /** Register the PAU, make GovOps accordant and set the freezer (aBEAM, timelocked), then GovOps sets the relayer. */
  async function onboard() {
    await timelocked(
      encodeCall(unit.configurator, { abi: configuratorAbi, functionName: 'setPauContracts', args: [pau.pau, pau.controller, pau.rateLimits] }),
      encodeCall(unit.beamState, { abi: beamStateAbi, functionName: 'addGovOps', args: [pau.pau, govOps.address] }),
      encodeCall(unit.configurator, { abi: configuratorAbi, functionName: 'setFreezer', args: [pau.pau, freezer.address] }),
    )
    await writeAndWait(clients, govOps, { address: unit.configurator, abi: configuratorAbi, functionName: 'setRelayer', args: [pau.pau, relayer.address] })
  }

  return { ...assets, ...unit, ...pau, facility, nfatClaimKey, timelocked, addInit, mint, setRateLimit, onboard }
}
