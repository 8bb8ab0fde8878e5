/**
 * `halo day0 <unit>`: gathers what the Day-0 gate (src/domain/factory/day0.ts) decides on.
 * - artifact: the unit's artifact text has every required section filled, names its addresses,
 *   and hashes to what HaloUnitDeployed recorded;
 * - beacon: lpha-nfat's pBEAM is the facility's claimer and a relayer of the class Controller,
 *   and the facility is not paused;
 * - claim and redemption: a dry run on an anvil fork of the chain's current state
 *   (`--fork-url`): a depositor queues the buybox minimum, the pBEAM claims it, the Controller
 *   funds the NFAT with its principal and the holder redeems it; nothing touches the real chain;
 * - rate limits: the unit's keys (inits and on-chain limits) at or below the conservative bound;
 * - review: the daily human sign-offs of the first N cycles recorded in the Synome so far.
 * A Portfolio (LCTS) unit — its token or either queue, from PortfolioBookDeployed — is checked
 * by day0Portfolio.ts (lock/settle instead of claim) under the same gate.
 */
import { createPublicClient, getAddress, http, parseEventLogs, type Address, type Chain, type Hex, type PublicClient, type Transport } from 'viem'
import { beamStateAbi, controllerAbi, haloFactoryAbi, nfatFacilityAbi, rateLimitsAbi, usdsAbi } from '../chain/generated/index.js'
import { writeAndWait } from '../chain/devnet.js'
import { DRY_RUN_DEPOSITOR, fundDepositor, onFork, shortReason } from './forkDryRun.js'
import { LIMIT, rateLimitKey } from '../domain/rateLimits.js'
import { DAY0_CONSERVATIVE_BOUND, DAY0_REVIEW_CYCLES, evaluateDay0, type Day0Observations, type Day0Result } from '../domain/factory/day0.js'
import { artifactHash, missingArtifactSections, UNIT_ARTIFACT_SECTIONS } from './artifact.js'
import { readFactoryDeployments } from './reader.js'
import { findPortfolioUnit } from './artifactSource.js'
import { runPortfolioDay0 } from './day0Portfolio.js'
import { FactoryError } from './errors.js'
import type { FactoryUnitRecord } from '../synome/commands/factory/records.js'

export type Day0Parameters = {
  publicClient: PublicClient<Transport, Chain>
  /** The chain's RPC, forked for the dry run. */
  rpcUrl: string
  factory: Address
  unit: Address
  /** The unit's artifact as published (markdown). */
  artifact: string
  /** Sign-offs recorded for this unit (from the Synome's day0Review records). */
  reviewsSigned: number
  fromBlock?: bigint | undefined
  conservativeBound?: bigint | undefined
  reviewCycles?: number | undefined
  /** Who funds the dry run's deposit; default: the USDS owner mints (devnet tokens). */
  usdsHolder?: Address | undefined
}

export type Day0Report = Day0Result & { unit: Address; pau: Address; observations: Day0Observations }


export async function runDay0(p: Day0Parameters): Promise<Day0Report> {
  const { publicClient } = p
  const read = <T>(address: Address, abi: readonly unknown[], functionName: string, args: readonly unknown[] = []) =>
    publicClient.readContract({ address, abi, functionName, args } as never) as Promise<T>
  const { units } = await readFactoryDeployments({ publicClient, factory: p.factory, fromBlock: p.fromBlock ?? 0n, finalityDepth: 0 })
  const record = units.find((u) => u.unit === p.unit.toLowerCase())
  if (!record) {
    const portfolio = await findPortfolioUnit({ publicClient, factory: p.factory, unit: p.unit, fromBlock: p.fromBlock })
    if (portfolio) return runPortfolioDay0(p, portfolio)
    throw new FactoryError(`${p.unit} is not a unit of the factory ${p.factory}`)
  }
  const pau = getAddress(record.pau)
  const cls = await read<{ controller: Address; rateLimits: Address; beaconOperator: Address }>(p.factory, haloFactoryAbi, 'classOf', [pau])
  const beamState = await read<Address>(p.factory, haloFactoryAbi, 'beamState')

  const artifactMissing = missingArtifactSections(p.artifact, UNIT_ARTIFACT_SECTIONS)
  for (const [name, address] of [['unit address', record.unit], ['class PAU address', record.pau]] as const) {
    if (!p.artifact.toLowerCase().includes(address)) artifactMissing.push(`Addresses: ${name}`)
  }

  const beaconProblems: string[] = []
  const claimer = await read<Address>(p.unit, nfatFacilityAbi, 'claimer')
  if (claimer !== cls.beaconOperator) beaconProblems.push(`the facility's claimer is ${claimer}, not the class's pBEAM ${cls.beaconOperator}`)
  const relayerRole = await read<Hex>(cls.controller, controllerAbi, 'RELAYER')
  if (!(await read<boolean>(cls.controller, controllerAbi, 'hasRole', [relayerRole, cls.beaconOperator]))) beaconProblems.push(`the pBEAM ${cls.beaconOperator} is not a relayer of the Controller (GovOps: setRelayer)`)
  if (await read<boolean>(p.unit, nfatFacilityAbi, 'paused')) beaconProblems.push('the facility is paused')

  const rateLimits: Array<{ key: string; name: string; maxAmount: bigint }> = []
  for (const [name, action] of [['claim', LIMIT.NFAT_CLAIM], ['fund principal', LIMIT.REDEEM_FUND_PRINCIPAL], ['fund interest', LIMIT.REDEEM_FUND_INTEREST]] as const) {
    const key = rateLimitKey(action, p.unit)
    const [initMax] = await read<[bigint, bigint]>(beamState, beamStateAbi, 'getInitRateLimits', [key, pau]).catch(() => [0n, 0n] as [bigint, bigint])
    const [limitMax] = await read<[bigint, bigint, bigint, bigint]>(cls.rateLimits, rateLimitsAbi, 'getRateLimitData', [key])
    rateLimits.push({ key, name: `${name} init`, maxAmount: initMax }, { key, name: `${name} limit`, maxAmount: limitMax })
  }

  const dryRun = await forkDryRun(p, record, cls)
  const observations: Day0Observations = {
    kind: 'term',
    artifactMissing,
    artifactHash: artifactHash(p.artifact),
    recordedArtifactHash: record.artifactHash,
    beaconProblems,
    entryDryRun: dryRun.claim,
    redemptionDryRun: dryRun.redemption,
    rateLimits,
    conservativeBound: p.conservativeBound ?? DAY0_CONSERVATIVE_BOUND,
    reviewsSigned: p.reviewsSigned,
    reviewCycles: p.reviewCycles ?? DAY0_REVIEW_CYCLES,
  }
  return { ...evaluateDay0(observations), unit: p.unit, pau, observations }
}

/** Deposit → claim → fund → redeem on a fork; returns why a step failed (undefined: it passed). */
async function forkDryRun(p: Day0Parameters, record: FactoryUnitRecord, cls: { controller: Address; beaconOperator: Address }) {
  return onFork(p.rpcUrl, async (fork) => {
    const { clients, as } = fork
    const unit = getAddress(record.unit)
    const usds = await clients.publicClient.readContract({ address: unit, abi: nfatFacilityAbi, functionName: 'usds' })
    const capacity = await clients.publicClient.readContract({ address: unit, abi: nfatFacilityAbi, functionName: 'claimCapacity' })
    const amount = BigInt(record.buyboxMinTicket) < capacity ? BigInt(record.buyboxMinTicket) : capacity
    if (amount === 0n) return { claim: 'the unit has no claim capacity (GovOps: setRateLimit on its claim key)', redemption: 'not reached' }
    const depositor = await as(DRY_RUN_DEPOSITOR)
    await fundDepositor(fork, usds, amount, p.usdsHolder)
    let tokenId: bigint
    try {
      await writeAndWait(clients, depositor, { address: usds, abi: usdsAbi, functionName: 'approve', args: [unit, amount] })
      await writeAndWait(clients, depositor, { address: unit, abi: nfatFacilityAbi, functionName: 'deposit', args: [amount] })
      const receipt = await writeAndWait(clients, await as(cls.beaconOperator), { address: unit, abi: nfatFacilityAbi, functionName: 'claim', args: [DRY_RUN_DEPOSITOR, amount] })
      const [claimed] = parseEventLogs({ abi: nfatFacilityAbi, eventName: 'Claimed', logs: receipt.logs })
      if (!claimed || claimed.args.amount !== amount) return { claim: 'the claim emitted no Claimed event for the amount', redemption: 'not reached' }
      tokenId = claimed.args.tokenId
    } catch (error) {
      return { claim: shortReason(error), redemption: 'not reached' }
    }
    try {
      await writeAndWait(clients, await as(cls.beaconOperator), { address: cls.controller, abi: controllerAbi, functionName: 'fundRedeem', args: [unit, tokenId, amount, 0n] })
      const before = await clients.publicClient.readContract({ address: usds, abi: usdsAbi, functionName: 'balanceOf', args: [DRY_RUN_DEPOSITOR] })
      await writeAndWait(clients, depositor, { address: unit, abi: nfatFacilityAbi, functionName: 'redeem', args: [tokenId] })
      const after = await clients.publicClient.readContract({ address: usds, abi: usdsAbi, functionName: 'balanceOf', args: [DRY_RUN_DEPOSITOR] })
      if (after - before !== amount) return { claim: undefined, redemption: `the holder received ${after - before}, not ${amount}` }
    } catch (error) {
      return { claim: undefined, redemption: shortReason(error) }
    }
    return { claim: undefined, redemption: undefined }
  })
}

/** A public client for `rpcUrl` (the CLI's). */
export function chainAt(rpcUrl: string, chain: Chain): PublicClient<Transport, Chain> {
  return createPublicClient({ chain, transport: http(rpcUrl, { retryCount: 0 }), pollingInterval: 100 })
}
