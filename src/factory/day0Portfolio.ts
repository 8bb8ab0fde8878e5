/**
 * `halo day0 <unit>` for a Portfolio (LCTS) unit: what the one Day-0 gate
 * (src/domain/factory/day0.ts) decides on, observed for a unit of a PortfolioBookDeployed book
 * (its token or either queue names it).
 * - artifact: every required section filled, the token, both queues, the class PAU, the
 *   PortfolioHaloClass and the manager endpoint named, and its hash the one the book's event
 *   recorded for this unit (the factory takes a hash per unit, left out of the salt, so the
 *   artifact is rendered at the predicted addresses first, as for a Term unit);
 * - beacon: lpha-lcts's key is the PortfolioHaloClass's SETTLER and a relayer of the class
 *   Controller (it funds redemptions with transferAsset); the class is LCTS pBEAM and converter
 *   of both queues and the token's class; the unit is in a book of the class (addBook ran);
 * - lock/settle and redemption: on an anvil fork of the chain's current state a depositor
 *   subscribes into the subscribe queue, lpha-lcts's key locks the unit, reports the book's NAV
 *   and settles; the depositor claims the unit shares the NAV price gives; then redeems them:
 *   lock, transferAsset of the payout from the PAU to the class, settle, claim USDS;
 * - rate limits: the class keys the unit depends on (USDS to the manager endpoint, USDS to the
 *   class), their inits and on-chain limits, at or below the conservative bound.
 */
import { getAddress, keccak256, parseEventLogs, stringToHex, type Address, type Hex } from 'viem'
import { beamStateAbi, controllerAbi, haloFactoryAbi, lctsQueueAbi, portfolioHaloClassAbi, portfolioUnitTokenAbi, rateLimitsAbi, usdsAbi } from '../chain/generated/index.js'
import { writeAndWait } from '../chain/devnet.js'
import { LIMIT, rateLimitKey } from '../domain/rateLimits.js'
import { DAY0_CONSERVATIVE_BOUND, DAY0_REVIEW_CYCLES, evaluateDay0, type Day0Observations } from '../domain/factory/day0.js'
import { artifactHash, missingArtifactSections, UNIT_ARTIFACT_SECTIONS } from './artifact.js'
import type { findPortfolioUnit } from './artifactSource.js'
import { DRY_RUN_DEPOSITOR, fundDepositor, onFork, shortReason, type Fork } from './forkDryRun.js'
import type { Day0Parameters, Day0Report } from './day0.js'

export type PortfolioUnitFound = NonNullable<Awaited<ReturnType<typeof findPortfolioUnit>>>

const SETTLER = keccak256(stringToHex('PORTFOLIO_SETTLER'))
const LCTS_PBEAM = keccak256(stringToHex('LCTS_PBEAM'))
const WAD = 10n ** 18n
const RAY = 10n ** 27n
/** The dry run subscribes 1 USDS, or the queue's dust threshold when that is larger. */
const DRY_RUN_AMOUNT = WAD

export async function runPortfolioDay0(p: Day0Parameters, found: PortfolioUnitFound): Promise<Day0Report> {
  const { publicClient } = p
  const { unit, cls } = found
  const token = getAddress(unit.token)
  const pau = getAddress(cls.pau)
  const haloClass = getAddress(cls.haloClass)
  const controller = getAddress(cls.controller)
  const beacon = getAddress(cls.beaconOperator)
  const queues = { subscribe: getAddress(unit.subscribeQueue), redeem: getAddress(unit.redeemQueue) }

  const artifactMissing = missingArtifactSections(p.artifact, UNIT_ARTIFACT_SECTIONS)
  const named: Array<[string, string]> = [['unit token address', unit.token], ['subscribe queue address', unit.subscribeQueue], ['redeem queue address', unit.redeemQueue], ['class PAU address', cls.pau], ['PortfolioHaloClass address', cls.haloClass], ['manager endpoint address', cls.managerEndpoint]]
  for (const [name, address] of named) {
    if (!p.artifact.toLowerCase().includes(address.toLowerCase())) artifactMissing.push(`Addresses: ${name}`)
  }

  const beaconProblems: string[] = []
  const has = (address: Address, role: Hex, account: Address) => publicClient.readContract({ address, abi: portfolioHaloClassAbi, functionName: 'hasRole', args: [role, account] })
  if (!(await has(haloClass, SETTLER, beacon))) beaconProblems.push(`lpha-lcts's key ${beacon} is not the SETTLER of the PortfolioHaloClass ${haloClass}`)
  const relayer = await publicClient.readContract({ address: controller, abi: controllerAbi, functionName: 'RELAYER' })
  if (!(await publicClient.readContract({ address: controller, abi: controllerAbi, functionName: 'hasRole', args: [relayer, beacon] }))) beaconProblems.push(`lpha-lcts's key ${beacon} is not a relayer of the Controller (GovOps: setRelayer)`)
  for (const [kind, queue] of Object.entries(queues)) {
    if (!(await has(queue, LCTS_PBEAM, haloClass))) beaconProblems.push(`the PortfolioHaloClass is not the LCTS pBEAM of the ${kind} queue ${queue}`)
    const converter = await publicClient.readContract({ address: queue, abi: lctsQueueAbi, functionName: 'converter' })
    if (converter !== haloClass) beaconProblems.push(`the ${kind} queue's converter is ${converter}, not the PortfolioHaloClass`)
  }
  const tokenClass = await publicClient.readContract({ address: token, abi: portfolioUnitTokenAbi, functionName: 'haloClass' })
  if (tokenClass !== haloClass) beaconProblems.push(`the unit token's class is ${tokenClass}, not ${haloClass}`)
  const unitId = await unitIdOf(p, haloClass, queues.subscribe)
  if (unitId === undefined) beaconProblems.push('the unit is in no book of the PortfolioHaloClass yet (the book\'s timelock batch, addBook, has not run)')

  const beamState = await publicClient.readContract({ address: p.factory, abi: haloFactoryAbi, functionName: 'beamState' })
  const usds = await publicClient.readContract({ address: p.factory, abi: haloFactoryAbi, functionName: 'usds' })
  const rateLimits: Day0Observations['rateLimits'][number][] = []
  for (const [name, to] of [['transfer to manager', cls.managerEndpoint], ['transfer to class', cls.haloClass]] as const) {
    const key = rateLimitKey(LIMIT.ASSET_TRANSFER, usds, getAddress(to))
    const [initMax] = await publicClient.readContract({ address: beamState, abi: beamStateAbi, functionName: 'getInitRateLimits', args: [key, pau] }).catch(() => [0n, 0n] as const)
    const [limitMax] = await publicClient.readContract({ address: getAddress(cls.rateLimits), abi: rateLimitsAbi, functionName: 'getRateLimitData', args: [key] })
    rateLimits.push({ key, name: `${name} init`, maxAmount: initMax }, { key, name: `${name} limit`, maxAmount: limitMax })
  }

  const dryRun = unitId === undefined
    ? { lockSettle: 'not reached: the unit is in no book of the class', redemption: 'not reached' }
    : await onFork(p.rpcUrl, (fork) => lockSettleDryRun(fork, { p, unitId, usds, haloClass, controller, beacon, pau, queues, token, dustThreshold: BigInt(unit.dustThreshold) }))
  const observations: Day0Observations = {
    kind: 'portfolio',
    artifactMissing,
    artifactHash: artifactHash(p.artifact),
    recordedArtifactHash: unit.artifactHash,
    beaconProblems,
    entryDryRun: dryRun.lockSettle,
    redemptionDryRun: dryRun.redemption,
    rateLimits,
    conservativeBound: p.conservativeBound ?? DAY0_CONSERVATIVE_BOUND,
    reviewsSigned: p.reviewsSigned,
    reviewCycles: p.reviewCycles ?? DAY0_REVIEW_CYCLES,
  }
  return { ...evaluateDay0(observations), unit: token, pau, observations }
}

async function unitIdOf(p: Day0Parameters, haloClass: Address, subscribeQueue: Address): Promise<bigint | undefined> {
  try {
    const [unitId, isSubscribe] = await p.publicClient.readContract({ address: haloClass, abi: portfolioHaloClassAbi, functionName: 'unitOfQueue', args: [subscribeQueue] })
    return isSubscribe ? unitId : undefined
  } catch {
    return undefined
  }
}

type DryRun = {
  p: Day0Parameters
  unitId: bigint
  usds: Address
  haloClass: Address
  controller: Address
  beacon: Address
  pau: Address
  queues: { subscribe: Address; redeem: Address }
  token: Address
  dustThreshold: bigint
}

/**
 * What settling the queue's whole generation at `rate` (out = floor(in × num ÷ den)) pays the
 * dry-run depositor: the queue's own arithmetic (reward per share in RAY, the position's
 * pending reward), so anything others queued before counts as it will.
 */
async function expectedPayout(fork: Fork, queue: Address, rate: { num: bigint; den: bigint }) {
  const q = { address: queue, abi: lctsQueueAbi } as const
  const pc = fork.clients.publicClient
  const [shares, underlying, rpt0] = [await pc.readContract({ ...q, functionName: 'totalShares' }), await pc.readContract({ ...q, functionName: 'totalUnderlying' }), await pc.readContract({ ...q, functionName: 'rewardPerTokenRay' })]
  const position = await pc.readContract({ ...q, functionName: 'positionOf', args: [DRY_RUN_DEPOSITOR] })
  const rewardIn = (underlying * rate.num) / rate.den
  const rpt = rpt0 + (rewardIn * RAY) / shares
  return { capacity: underlying, rewardIn, payout: (BigInt(position.shares) * (rpt - position.rewardDebtRay)) / RAY }
}

async function lockSettleDryRun(fork: Fork, d: DryRun): Promise<{ lockSettle: string | undefined; redemption: string | undefined }> {
  const { clients, as } = fork
  const pc = clients.publicClient
  const settler = await as(d.beacon)
  const depositor = await as(DRY_RUN_DEPOSITOR)
  const classCall = { address: d.haloClass, abi: portfolioHaloClassAbi } as const
  const balance = (asset: Address, who: Address) => pc.readContract({ address: asset, abi: usdsAbi, functionName: 'balanceOf', args: [who] })
  const amount = d.dustThreshold > DRY_RUN_AMOUNT ? d.dustThreshold : DRY_RUN_AMOUNT
  let shares: bigint
  try {
    await fundDepositor(fork, d.usds, amount, d.p.usdsHolder)
    await writeAndWait(clients, depositor, { address: d.usds, abi: usdsAbi, functionName: 'approve', args: [d.queues.subscribe, amount] })
    await writeAndWait(clients, depositor, { address: d.queues.subscribe, abi: lctsQueueAbi, functionName: 'deposit', args: [amount] })
    await writeAndWait(clients, settler, { ...classCall, functionName: 'lockUnit', args: [d.unitId] })
    const unit = await pc.readContract({ ...classCall, functionName: 'unitOf', args: [d.unitId] })
    const book = await pc.readContract({ ...classCall, functionName: 'bookOf', args: [unit.bookId] })
    await clients.testClient.increaseTime({ seconds: 1 })
    await clients.testClient.mine({ blocks: 1 })
    const reportedAt = (await pc.getBlock({ blockTag: 'latest' })).timestamp
    await writeAndWait(clients, settler, { ...classCall, functionName: 'reportNav', args: [unit.bookId, book.assets, reportedAt] }) // the manager's NAV, unchanged
    const price = await pc.readContract({ ...classCall, functionName: 'navPerShareWad', args: [d.unitId] })
    const expected = await expectedPayout(fork, d.queues.subscribe, { num: WAD, den: price })
    const queued = expected.capacity
    const pauBefore = await balance(d.usds, d.pau)
    const receipt = await writeAndWait(clients, settler, { ...classCall, functionName: 'settleUnit', args: [d.unitId, queued, 0n] })
    const [settled] = parseEventLogs({ abi: portfolioHaloClassAbi, eventName: 'UnitSettled', logs: receipt.logs })
    if (!settled || settled.args.subscribed !== queued) return { lockSettle: `the settlement converted ${settled?.args.subscribed ?? 0n} of the ${queued} queued`, redemption: 'not reached' }
    if (settled.args.sharesMinted !== expected.rewardIn) return { lockSettle: `the settlement minted ${settled.args.sharesMinted} shares, not ${expected.rewardIn} at NAV price ${price}`, redemption: 'not reached' }
    const toPau = (await balance(d.usds, d.pau)) - pauBefore
    if (toPau !== queued) return { lockSettle: `the class PAU received ${toPau} USDS of the ${queued} subscribed`, redemption: 'not reached' }
    const sharesBefore = await balance(d.token, DRY_RUN_DEPOSITOR)
    await writeAndWait(clients, depositor, { address: d.queues.subscribe, abi: lctsQueueAbi, functionName: 'claim', args: [] })
    shares = (await balance(d.token, DRY_RUN_DEPOSITOR)) - sharesBefore
    if (shares === 0n || shares !== expected.payout) return { lockSettle: `the depositor received ${shares} shares for ${amount} USDS, not ${expected.payout} at NAV price ${price}`, redemption: 'not reached' }
  } catch (error) {
    return { lockSettle: shortReason(error), redemption: 'not reached' }
  }
  try {
    const redeem = { address: d.queues.redeem, abi: lctsQueueAbi } as const
    await writeAndWait(clients, depositor, { address: d.token, abi: usdsAbi, functionName: 'approve', args: [d.queues.redeem, shares] })
    await writeAndWait(clients, depositor, { ...redeem, functionName: 'deposit', args: [shares] })
    await writeAndWait(clients, settler, { ...classCall, functionName: 'lockUnit', args: [d.unitId] })
    const price = await pc.readContract({ ...classCall, functionName: 'navPerShareWad', args: [d.unitId] })
    const expected = await expectedPayout(fork, d.queues.redeem, { num: price, den: WAD })
    await writeAndWait(clients, settler, { address: d.controller, abi: controllerAbi, functionName: 'transferAsset', args: [d.usds, d.haloClass, expected.rewardIn] })
    await writeAndWait(clients, settler, { ...classCall, functionName: 'settleUnit', args: [d.unitId, 0n, expected.capacity] })
    const before = await balance(d.usds, DRY_RUN_DEPOSITOR)
    await writeAndWait(clients, depositor, { ...redeem, functionName: 'claim', args: [] })
    const paid = (await balance(d.usds, DRY_RUN_DEPOSITOR)) - before
    if (paid !== expected.payout) return { lockSettle: undefined, redemption: `the holder received ${paid} USDS for ${shares} shares, not ${expected.payout} at NAV price ${price}` }
    if ((await balance(d.usds, d.haloClass)) !== 0n) return { lockSettle: undefined, redemption: 'the PortfolioHaloClass kept USDS after the settlement' }
  } catch (error) {
    return { lockSettle: undefined, redemption: shortReason(error) }
  }
  return { lockSettle: undefined, redemption: undefined }
}
