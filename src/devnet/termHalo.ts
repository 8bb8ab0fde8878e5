/**
 * The Term Halo of a devnet (`halo up`, `halo demo`, scenarios), deployed through the Halo
 * Factory the way governance and a Halo onboard one (docs/factory.md, "Onboarding a Term unit"):
 *
 * 1. the chain the factory deploys into (`deployFactoryStack`: devnet assets, a Configurator
 *    Unit with a SHORTENED devnet timelock delay, the Term implementations, registry, factory);
 * 2. template approval: the aBEAM schedules `setTemplate` on the timelock, the delay passes, the
 *    aBEAM executes it;
 * 3. the Halo's GovOps predicts the class and unit addresses, renders their artifacts from the
 *    predictions, and deploys the class and one unit (NFAT Facility) with the artifact hashes;
 *    the factory schedules the class batch (PAU registration, GovOps accordant, freezer, PSM
 *    swap inits) and the unit batch (RateLimits controller, claim and funding inits);
 * 4. the aBEAM schedules what the factory does not cover — the attestation registry wiring
 *    (lpha-attest as attestor, the Controller's `setAttestationRegistry` as an init controller
 *    action) and the gated sleeve off-ramp init (LIMIT_SLEEVE_OFFRAMP only: no
 *    LIMIT_ASSET_TRANSFER key, so `transferAsset` cannot bypass the attestation);
 * 5. the delay passes; the aBEAM executes the class batch, the unit batch and its own calls;
 * 6. GovOps as cBEAM sets the relayer (lpha-nfat's pBEAM) and every limit to its init through
 *    the Configurator, and points the Controller at the registry.
 *
 * The factory holds no role on what it deployed; the facility's admin is the BEAMTimeLock.
 * Ingesting the metadata events into the Synome is the caller's (it owns the Synome):
 * `ingestFactoryEvents` from `fromBlock`.
 */
import { encodeFunctionData, getAddress, type Address, type Hex } from 'viem'
import { attestationRegistryAbi, beamStateAbi, configuratorAbi, controllerAbi } from '../chain/generated/index.js'
import { deployAttestationRegistry } from '../chain/deploy/deployAttestationRegistry.js'
import { increaseTime, writeAndWait, type DevnetAccounts, type DevnetClients } from '../chain/devnet.js'
import { encodeCall, executeCall, executeScheduled, scheduleCall } from '../chain/timelock.js'
import { LIMIT, UNLIMITED, rateLimitKey } from '../domain/rateLimits.js'
import { SORL_DEFAULTS } from '../domain/sorl.js'
import { artifactHash, renderHaloArtifact, renderUnitArtifact } from '../factory/artifact.js'
import { deployClass, deployUnit, predictClass, predictUnit, termTemplate, type ClassParams, type UnitParams } from '../factory/chain.js'
import { deployFactoryStack, TERM_TEMPLATE_NAME, TERM_TEMPLATE_RANGES } from '../factory/devnet.js'

/** Devnet timelock delay: one minute of chain time instead of the production 14 days. */
export const DEVNET_TIMELOCK_DELAY_SECONDS = 60n
export const PRODUCTION_TIMELOCK_DELAY_SECONDS = SORL_DEFAULTS.timelockDelaySeconds
/** How the devnet's delay is shown wherever it is printed (halo up, halo status, demo outcome). */
export const DEVNET_TIMELOCK_NOTE = `shortened for the devnet; production ${PRODUCTION_TIMELOCK_DELAY_SECONDS / 86_400n} days`

const USDS = 10n ** 18n
const DAY = 86_400n
/**
 * The class's PSM swap inits, each direction: 1B USDS a day. lpha-nfat converts a whole sleeve
 * in one swap (75M in the seed), so the template's standard 50M is too small on the devnet; the
 * devnet template approves up to this. Finite both ways: reverse keys refund their forward key,
 * so a finite reverse key bounds PSM round trips per day (issue 12 finding 4).
 */
export const DEVNET_SWAP_LIMIT_USDS = 1_000_000_000n * USDS
/** The devnet unit's capacity (claim and funding inits per day): the template's largest, 100M USDS. */
export const DEVNET_UNIT_CAPACITY_USDS = TERM_TEMPLATE_RANGES.unitCapacity.max
/** The devnet's Term template: the standard ranges, with swap inits up to DEVNET_SWAP_LIMIT_USDS. */
export const DEVNET_TERM_TEMPLATE_RANGES = { ...TERM_TEMPLATE_RANGES, initRateLimit: { min: TERM_TEMPLATE_RANGES.initRateLimit.min, max: DEVNET_SWAP_LIMIT_USDS } }

export type DeployTermHaloParameters = {
  accounts: DevnetAccounts
  /** The Halo's off-ramp endpoint (its bank's deposit address). */
  offRamp: Address
  /** First NFAT tokenId (seed: 42). */
  firstTokenId?: bigint
  timelockDelaySeconds?: bigint
  onProgress?: (step: string) => void
}

export type TermHaloDeployment = Awaited<ReturnType<typeof deployTermHaloByFactory>>

export async function deployTermHaloByFactory(clients: DevnetClients, parameters: DeployTermHaloParameters) {
  const { accounts, offRamp } = parameters
  const { deployer, council, aBEAM, govOps, relayer, freezer, attestor } = accounts
  const delaySeconds = parameters.timelockDelaySeconds ?? DEVNET_TIMELOCK_DELAY_SECONDS
  const progress = parameters.onProgress ?? (() => {})

  progress(`devnet assets, Configurator Unit (timelock delay ${delaySeconds} s — devnet; production ${PRODUCTION_TIMELOCK_DELAY_SECONDS / DAY} days), Halo Factory and template registry`)
  const stack = await deployFactoryStack(clients, accounts, { delaySeconds, devnetTimelock: true })
  const { timelock, beamState, configurator, factory, templateId, fromBlock } = stack
  const template = termTemplate(stack.implementations, DEVNET_TERM_TEMPLATE_RANGES)
  progress(`template approval through the timelock: ${TERM_TEMPLATE_NAME} (aBEAM schedules, the delay passes, aBEAM executes)`)
  await stack.approveTemplate(templateId, template)

  const chainId = clients.publicClient.chain.id
  const classSalt = stack.nextSalt()
  const unitSalt = stack.nextSalt()
  const classParams: ClassParams = { govOps: govOps.address, beaconOperator: relayer.address, freezer: freezer.address, swapRateLimit: DEVNET_SWAP_LIMIT_USDS, artifactHash: `0x${'0'.repeat(64)}` }
  const predicted = await predictClass(clients, { factory, deployer: govOps.address, templateId, params: classParams, salt: classSalt })
  const haloArtifact = renderHaloArtifact({
    templateName: TERM_TEMPLATE_NAME,
    templateVersion: 1,
    chainId,
    factory,
    ...predicted,
    timelock,
    configurator,
    govOps: govOps.address,
    beaconOperator: relayer.address,
    freezer: freezer.address,
    swapRateLimit: classParams.swapRateLimit,
    timelockDelaySeconds: delaySeconds,
  })
  progress(`Halo Class from the factory: PAU ${predicted.pau} (ALMProxy, Controller, RateLimits clones at their predicted addresses)`)
  const haloClass = await deployClass(clients, { factory, account: govOps, templateId, params: { ...classParams, artifactHash: artifactHash(haloArtifact) }, salt: classSalt })

  const unitParams: UnitParams = {
    capacity: DEVNET_UNIT_CAPACITY_USDS,
    seniority: 0n,
    yieldBps: 500n,
    termSeconds: 180n * DAY,
    buyboxMinTicket: 1_000_000n * USDS,
    buyboxMaxTicket: DEVNET_UNIT_CAPACITY_USDS,
    firstTokenId: parameters.firstTokenId ?? 42n,
    name: 'Term Halo Senior Secured NFAT',
    symbol: 'NFAT-TH',
    artifactHash: `0x${'0'.repeat(64)}`,
  }
  const predictedUnit = await predictUnit(clients, { factory, deployer: govOps.address, pau: haloClass.pau, params: unitParams, salt: unitSalt })
  const unitArtifact = renderUnitArtifact({ templateName: TERM_TEMPLATE_NAME, templateVersion: 1, chainId, unit: predictedUnit, pau: haloClass.pau, beaconOperator: relayer.address, freezer: freezer.address, govOps: govOps.address, ...unitParams })
  progress(`Unit from the factory: NFAT Facility ${predictedUnit} (first tokenId ${unitParams.firstTokenId}, capacity 100M USDS a day)`)
  const unit = await deployUnit(clients, { factory, account: govOps, pau: haloClass.pau, params: { ...unitParams, artifactHash: artifactHash(unitArtifact) }, salt: unitSalt })
  const facility = unit.unit

  progress('attestation registry (lpha-attest records, the Controller gates sleeve off-ramps)')
  const attestationRegistry = await deployAttestationRegistry(clients, { deployer, councilBeacon: council.address, timelock })
  const registryABEAMRole = await clients.publicClient.readContract({ address: attestationRegistry, abi: attestationRegistryAbi, functionName: 'ABEAM_ROLE' })
  await writeAndWait(clients, council, { address: attestationRegistry, abi: attestationRegistryAbi, functionName: 'grantRole', args: [registryABEAMRole, aBEAM.address] })
  const setRegistry = encodeFunctionData({ abi: controllerAbi, functionName: 'setAttestationRegistry', args: [attestationRegistry] })

  const keys = {
    claim: rateLimitKey(LIMIT.NFAT_CLAIM, facility),
    usdsToUsdc: LIMIT.USDS_TO_USDC,
    usdcToUsds: LIMIT.USDC_TO_USDS,
    // The gated off-ramp only: no LIMIT_ASSET_TRANSFER key for it, so `transferAsset` cannot bypass the attestation.
    offRamp: rateLimitKey(LIMIT.SLEEVE_OFFRAMP, stack.usdc, offRamp),
    fundPrincipal: rateLimitKey(LIMIT.REDEEM_FUND_PRINCIPAL, facility),
    fundInterest: rateLimitKey(LIMIT.REDEEM_FUND_INTEREST, facility),
  } satisfies Record<string, Hex>
  const OFFRAMP_LIMIT: [bigint, bigint] = [UNLIMITED, 0n]
  /** (max, slope) of each key: the inits the factory scheduled, the off-ramp's the aBEAM adds. */
  const limitOf = (key: Hex): [bigint, bigint] => {
    if (key === keys.offRamp) return OFFRAMP_LIMIT
    if (key === keys.usdsToUsdc || key === keys.usdcToUsds) return [DEVNET_SWAP_LIMIT_USDS, DEVNET_SWAP_LIMIT_USDS / DAY]
    return [DEVNET_UNIT_CAPACITY_USDS, DEVNET_UNIT_CAPACITY_USDS / DAY]
  }

  progress('aBEAM schedules what the factory does not: lpha-attest as attestor, the registry as a controller action, the gated off-ramp init')
  const governance = [
    encodeCall(attestationRegistry, { abi: attestationRegistryAbi, functionName: 'addAttestor', args: [attestor.address] }),
    encodeCall(beamState, { abi: beamStateAbi, functionName: 'addInitControllerActions', args: [setRegistry, haloClass.pau] }),
    encodeCall(beamState, { abi: beamStateAbi, functionName: 'addInitRateLimits', args: [keys.offRamp, haloClass.pau, ...OFFRAMP_LIMIT] }),
  ].map((call) => ({ ...call, salt: stack.nextSalt() }))
  for (const call of governance) await scheduleCall(clients, { timelock, proposer: aBEAM, call, delaySeconds })

  progress(`the timelock delay passes (${delaySeconds} s chain time); aBEAM executes the class batch, the unit batch and its calls`)
  await increaseTime(clients, delaySeconds)
  for (const id of [haloClass.timelockBatchId, unit.timelockBatchId]) {
    await executeScheduled(clients, { timelock, executor: aBEAM, id, fromBlock })
  }
  for (const call of governance) await executeCall(clients, { timelock, executor: aBEAM, call })

  progress('GovOps (cBEAM) via the Configurator: relayer = lpha-nfat pBEAM, every limit to its init, the attestation registry')
  const configuratorContract = { address: configurator, abi: configuratorAbi } as const
  await writeAndWait(clients, govOps, { ...configuratorContract, functionName: 'setRelayer', args: [haloClass.pau, relayer.address] })
  for (const key of Object.values(keys)) await writeAndWait(clients, govOps, { ...configuratorContract, functionName: 'setRateLimit', args: [haloClass.pau, key, ...limitOf(key)] })
  await writeAndWait(clients, govOps, { ...configuratorContract, functionName: 'callControllerAction', args: [haloClass.pau, setRegistry] })

  return {
    usds: stack.usds,
    usdc: stack.usdc,
    psm: stack.psm,
    susds: stack.susds,
    configuratorUnit: { timelock, beamState, configurator },
    timelockDelaySeconds: delaySeconds,
    factory: { factory, registry: stack.registry, templateId, templateName: TERM_TEMPLATE_NAME, fromBlock },
    pau: { pau: haloClass.pau, proxy: haloClass.pau, controller: haloClass.controller, rateLimits: haloClass.rateLimits },
    almProxy: haloClass.pau,
    facility: getAddress(facility),
    artifacts: { halo: haloArtifact, unit: unitArtifact },
    attestationRegistry,
    offRamp,
    rateLimitKeys: keys,
    fromBlock,
    /** The factory devnet stack itself (the Portfolio template and its implementations, salts, template approval): more classes from the same factory. */
    factoryStack: stack,
  }
}
