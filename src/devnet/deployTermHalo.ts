/**
 * The Term Halo stack of a devnet, deployed and configured the way governance does it:
 * devnet assets, a Configurator Unit (BEAMTimeLock → BEAMState → Configurator) with a
 * SHORTENED devnet timelock delay, the Halo Class's PAU, and one NFAT Facility.
 *
 * The facility's admin is the BEAMTimeLock (every role grant waits its delay); the freezer
 * pauses it and removes a claimer or write-down key at once; GovOps holds WRITE_DOWN_ROLE
 * (loss recognition after a recovery short of principal).
 *
 * Why a bootstrap admin: the facility consumes its claim limit on the PAU's RateLimits, so it
 * needs the CONTROLLER role there, and the Configurator (admin of RateLimits) has no call that
 * grants roles on RateLimits. GovOps therefore holds the admin role for the few seconds of
 * wiring, hands it to the Configurator and renounces it. Everything after that — PAU
 * registration, GovOps accordance, the freezer, initial rate limits (timelocked, aBEAM), the
 * relayer (lpha-nfat's pBEAM) and every rate limit (GovOps as cBEAM) — goes through the
 * Configurator Unit.
 */
import { encodeFunctionData, keccak256, toBytes, type Account, type Address, type Hex } from 'viem'
import { attestationRegistryAbi, beamStateAbi, configuratorAbi, controllerAbi, rateLimitsAbi } from '../chain/generated/index.js'
import { deployAttestationRegistry } from '../chain/deploy/deployAttestationRegistry.js'
import { increaseTime, writeAndWait, type DevnetAccounts, type DevnetClients } from '../chain/devnet.js'
import { encodeCall, executeCall, scheduleCall, type TimelockCall } from '../chain/timelock.js'
import { deployConfiguratorUnit } from '../chain/deploy/deployConfiguratorUnit.js'
import { deployDevnetAssets } from '../chain/deploy/deployDevnetAssets.js'
import { deployNfatFacility } from '../chain/deploy/deployNfatFacility.js'
import { deployPau } from '../chain/deploy/deployPau.js'
import { LIMIT, UNLIMITED, rateLimitKey } from '../domain/rateLimits.js'
import { SORL_DEFAULTS } from '../domain/sorl.js'

/** Devnet timelock delay: one minute of chain time instead of the production 14 days. */
export const DEVNET_TIMELOCK_DELAY_SECONDS = 60n
export const PRODUCTION_TIMELOCK_DELAY_SECONDS = SORL_DEFAULTS.timelockDelaySeconds
/** How the devnet's delay is shown wherever it is printed (halo up, halo status, demo outcome). */
export const DEVNET_TIMELOCK_NOTE = `shortened for the devnet; production ${PRODUCTION_TIMELOCK_DELAY_SECONDS / 86_400n} days`

/**
 * Reverse keys (a path that refunds its forward key: USDC → USDS refunds USDS → USDC) are
 * finite, so PSM round trips are bounded per day by this limit and not only by gas (issue 12
 * finding 4; docs/contracts.md threat model). 1B USDS refilling over one day: far above the
 * Term Halo's flows (a 180-day term returns < 100M), finite for the threat model.
 */
export const REVERSE_KEY_MAX_USDS = 1_000_000_000n * 10n ** 18n
const REVERSE_KEY_SLOPE = REVERSE_KEY_MAX_USDS / 86_400n
const ADMIN = '0x0000000000000000000000000000000000000000000000000000000000000000' as const

export type DeployTermHaloParameters = {
  accounts: DevnetAccounts
  /** The Halo's off-ramp endpoint (its bank's deposit address). */
  offRamp: Address
  /** First NFAT tokenId (seed: 42). */
  firstTokenId?: bigint
  timelockDelaySeconds?: bigint
  onProgress?: (step: string) => void
}

export type TermHaloDeployment = Awaited<ReturnType<typeof deployTermHalo>>

export async function deployTermHalo(clients: DevnetClients, parameters: DeployTermHaloParameters) {
  const { accounts, offRamp } = parameters
  const { deployer, council, aBEAM, govOps, relayer, freezer, attestor } = accounts
  const delaySeconds = parameters.timelockDelaySeconds ?? DEVNET_TIMELOCK_DELAY_SECONDS
  const progress = parameters.onProgress ?? (() => {})
  const fromBlock = await clients.publicClient.getBlockNumber()

  progress('devnet assets (USDS, USDC, PSM, sUSDS)')
  const assets = await deployDevnetAssets(clients, { owner: deployer })
  progress(`Configurator Unit (timelock delay ${delaySeconds} s — devnet; production ${PRODUCTION_TIMELOCK_DELAY_SECONDS / 86_400n} days)`)
  const unit = await deployConfiguratorUnit(clients, { deployer, councilBeacon: council, aBEAMs: [aBEAM.address], delaySeconds, devnet: true })
  progress('Halo PAU (ALMProxy, Controller, RateLimits)')
  const pau = await deployPau(clients, { deployer, configurator: govOps.address, proxyAdmin: unit.timelock, usds: assets.usds, usdc: assets.usdc, psm: assets.psm })

  progress('NFAT Facility (Term Halo Class)')
  const facility = await deployNfatFacility(clients, {
    deployer,
    usds: assets.usds,
    pau,
    admin: unit.timelock,
    claimer: relayer.address,
    pauser: freezer.address,
    writeDowner: govOps.address,
    name: 'Term Halo Senior Secured NFAT',
    symbol: 'NFAT-TH',
    firstTokenId: parameters.firstTokenId ?? 42n,
  })
  progress('attestation registry (lpha-attest records, the Controller gates sleeve off-ramps)')
  const attestationRegistry = await deployAttestationRegistry(clients, { deployer, councilBeacon: council.address, timelock: unit.timelock })
  const registryABEAMRole = await clients.publicClient.readContract({ address: attestationRegistry, abi: attestationRegistryAbi, functionName: 'ABEAM_ROLE' })
  await writeAndWait(clients, council, { address: attestationRegistry, abi: attestationRegistryAbi, functionName: 'grantRole', args: [registryABEAMRole, aBEAM.address] })
  const setRegistry = encodeFunctionData({ abi: controllerAbi, functionName: 'setAttestationRegistry', args: [attestationRegistry] })
  const limits = { address: pau.rateLimits, abi: rateLimitsAbi } as const
  const controllerRole = await clients.publicClient.readContract({ ...limits, functionName: 'CONTROLLER' })
  await writeAndWait(clients, govOps, { ...limits, functionName: 'grantRole', args: [controllerRole, facility] })
  // Hand the PAU's admin to the Configurator and drop the bootstrap admin (see file comment).
  for (const address of [pau.rateLimits, pau.controller]) {
    await writeAndWait(clients, govOps, { address, abi: rateLimitsAbi, functionName: 'grantRole', args: [ADMIN, unit.configurator] })
    await writeAndWait(clients, govOps, { address, abi: rateLimitsAbi, functionName: 'renounceRole', args: [ADMIN, govOps.address] })
  }

  const keys: Record<string, Hex> = {
    claim: rateLimitKey(LIMIT.NFAT_CLAIM, facility),
    usdsToUsdc: LIMIT.USDS_TO_USDC,
    usdcToUsds: LIMIT.USDC_TO_USDS,
    // The gated off-ramp only: no LIMIT_ASSET_TRANSFER key for it, so `transferAsset` cannot bypass the attestation.
    offRamp: rateLimitKey(LIMIT.SLEEVE_OFFRAMP, assets.usdc, offRamp),
    fundPrincipal: rateLimitKey(LIMIT.REDEEM_FUND_PRINCIPAL, facility),
    fundInterest: rateLimitKey(LIMIT.REDEEM_FUND_INTEREST, facility),
  }

  /** Every key unlimited on the devnet except the reverse key, which is finite. */
  const limitOf = (key: Hex): [bigint, bigint] => (key === keys.usdcToUsds ? [REVERSE_KEY_MAX_USDS, REVERSE_KEY_SLOPE] : [UNLIMITED, 0n])

  progress(`timelocked onboarding by the aBEAM: register PAU, GovOps accordant, freezer, ${Object.keys(keys).length} initial rate limits`)
  const calls: TimelockCall[] = [
    encodeCall(unit.configurator, { abi: configuratorAbi, functionName: 'setPauContracts', args: [pau.pau, pau.controller, pau.rateLimits] }),
    encodeCall(unit.beamState, { abi: beamStateAbi, functionName: 'addGovOps', args: [pau.pau, govOps.address] }),
    encodeCall(unit.configurator, { abi: configuratorAbi, functionName: 'setFreezer', args: [pau.pau, freezer.address] }),
    ...Object.values(keys).map((key) => encodeCall(unit.beamState, { abi: beamStateAbi, functionName: 'addInitRateLimits', args: [key, pau.pau, ...limitOf(key)] })),
    encodeCall(attestationRegistry, { abi: attestationRegistryAbi, functionName: 'addAttestor', args: [attestor.address] }),
    encodeCall(unit.beamState, { abi: beamStateAbi, functionName: 'addInitControllerActions', args: [setRegistry, pau.pau] }),
  ]
  await timelocked(clients, { timelock: unit.timelock, aBEAM, delaySeconds, calls })

  progress('GovOps (cBEAM) via the Configurator: relayer = lpha-nfat pBEAM, rate limits')
  const configurator = { address: unit.configurator, abi: configuratorAbi } as const
  await writeAndWait(clients, govOps, { ...configurator, functionName: 'setRelayer', args: [pau.pau, relayer.address] })
  for (const key of Object.values(keys)) await writeAndWait(clients, govOps, { ...configurator, functionName: 'setRateLimit', args: [pau.pau, key, ...limitOf(key)] })
  await writeAndWait(clients, govOps, { ...configurator, functionName: 'callControllerAction', args: [pau.pau, setRegistry] })

  return {
    ...assets,
    configuratorUnit: unit,
    timelockDelaySeconds: delaySeconds,
    pau,
    almProxy: pau.proxy,
    facility,
    attestationRegistry,
    offRamp,
    rateLimitKeys: keys,
    fromBlock,
  }
}

let saltCounter = 0n
/** aBEAM schedules the calls, chain time passes the (devnet) delay, aBEAM executes them. */
async function timelocked(clients: DevnetClients, p: { timelock: Address; aBEAM: Account; delaySeconds: bigint; calls: TimelockCall[] }) {
  const salted = p.calls.map((call) => ({ ...call, salt: keccak256(toBytes(`term-halo:${Date.now()}:${++saltCounter}`)) }))
  for (const call of salted) await scheduleCall(clients, { timelock: p.timelock, proposer: p.aBEAM, call, delaySeconds: p.delaySeconds })
  await increaseTime(clients, p.delaySeconds)
  for (const call of salted) await executeCall(clients, { timelock: p.timelock, executor: p.aBEAM, call })
}

