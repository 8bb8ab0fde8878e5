/**
 * The Portfolio Halo of `halo up` (issue 16): through the same Halo Factory as the Term Halo,
 * a Portfolio class (PAU + PortfolioHaloClass) and one book with a senior (5% target) and a
 * junior (residual) unit, each a token and an LCTS queue pair; after the timelock delay the
 * aBEAM executes both factory batches, and GovOps set lpha-lcts as the class PAU's relayer and
 * its two transfer limits (to the manager, to the class) within the factory's inits. Spark's
 * and Grove's PAUs get a subscribe limit (init through the timelock) so they can take a
 * position in the senior and the junior unit (`subscribeLivingPrimes`).
 */
import { encodeFunctionData, keccak256, stringToHex, toHex, type Address, type Hex } from 'viem'
import { mnemonicToAccount, type HDAccount } from 'viem/accounts'
import { configuratorAbi, controllerAbi, lctsQueueAbi } from '../chain/generated/index.js'
import { ANVIL_MNEMONIC, increaseTime, writeAndWait, type DevnetAccounts, type DevnetClients } from '../chain/devnet.js'
import { readChainBook } from '../chain/portfolio.js'
import { executeScheduled } from '../chain/timelock.js'
import { depositKey } from '../beacons/allocator/chain.js'
import { parseRatePerPeriod } from '../domain/allocator/rampPlan.js'
import { parseUnitsExact, USDS_DECIMALS } from '../domain/money.js'
import { LIMIT, rateLimitKey } from '../domain/rateLimits.js'
import { deployBook, deployClass, type ClassParams, type DeployedBook, type PortfolioBookParams } from '../factory/chain.js'
import type { FactoryStack } from '../factory/devnet.js'
import type { WarningSignals } from '../factory/ingest.js'
import { factoryBookId } from '../synome/commands/factory/records.js'
import { onboardPrimeDeposit, type PrimePau } from './primes.js'
import type { TermHaloDeployment } from './termHalo.js'

const DAY = 86_400n
const M = (n: bigint) => n * 1_000_000n * 10n ** 18n
/** HD index of lpha-lcts's key (the class's settler and its PAU's relayer) and of the manager's USDS endpoint. */
export const LCTS_KEY_INDEX = 30
export const MANAGER_KEY_INDEX = 31
/** The class's standard inits (PSM swaps, manager and class transfers), per day; GovOps set the transfer limits to them. */
export const PORTFOLIO_CLASS_LIMIT = M(10n)

export const DEVNET_PORTFOLIO_BOOK: PortfolioBookParams = {
  accrualSeconds: 0n,
  units: [
    { capacity: M(80n), rank: 0, yieldBps: 500n, dustThreshold: 0n, name: 'Devnet Portfolio Senior', symbol: 'DPF-SR', artifactHash: keccak256(stringToHex('devnet portfolio senior artifact')) },
    { capacity: M(20n), rank: 1, yieldBps: 0n, dustThreshold: 0n, name: 'Devnet Portfolio Junior', symbol: 'DPF-JR', artifactHash: keccak256(stringToHex('devnet portfolio junior artifact')) },
  ],
}

/**
 * The units' warning signals, keyed by their Artifact hash as the factory ingestion reads them:
 * the senior halts new subscriptions on a NAV drop over 2% or a manager report older than 7 days
 * (the simulator reports daily); the junior on a stale report or a redemption 14 days late.
 */
export const DEVNET_PORTFOLIO_SIGNALS: Record<Hex, WarningSignals> = {
  [DEVNET_PORTFOLIO_BOOK.units[0]!.artifactHash]: { navDrop: { maxDropBps: 200 }, navReport: { maxAgeSeconds: 7 * 86_400 } },
  [DEVNET_PORTFOLIO_BOOK.units[1]!.artifactHash]: { navReport: { maxAgeSeconds: 7 * 86_400 }, redemption: { maxDelaySeconds: 14 * 86_400 } },
}

/** Which Prime subscribes how much into which unit (index into the book) on `halo up`. */
export const LIVING_SUBSCRIPTIONS = [
  { prime: 'spark', unit: 0, amount: '1000000' },
  { prime: 'grove', unit: 1, amount: '250000' },
] as const

export type PortfolioHaloDeployment = {
  haloClass: Address
  pau: Address
  controller: Address
  rateLimits: Address
  book: DeployedBook
  /** The Synome ids ingestion gives them: class = the class contract (lowercase), book = `<class>:<salt>`, units = their tokens (lowercase). */
  classId: string
  bookId: string
  unitIds: string[]
  openedAt: Date
  lcts: HDAccount
  manager: HDAccount
}

/**
 * The one way the devnet deploys a Portfolio Halo through the Halo Factory (`halo up` and
 * `halo demo`'s Portfolio scenarios): governance approves the portfolio template through the
 * timelock; GovOps deploy the class (PAU + PortfolioHaloClass) and the book from the factory;
 * after the delay the aBEAM executes the class batch; GovOps (cBEAM) set lpha-lcts as the class
 * PAU's relayer and its two transfer limits (to the manager, to the class) at their inits. The
 * book's batch is returned unexecuted (`openBook`): the caller opens the book when it wants
 * (its NAV clock starts then).
 */
export async function deployPortfolioClassAndBook(
  clients: DevnetClients,
  p: { stack: FactoryStack; accounts: Pick<DevnetAccounts, 'govOps' | 'freezer' | 'aBEAM'>; lcts: Address; manager: Address; classLimit: bigint; artifactHash: Hex; book: PortfolioBookParams; onProgress?: ((step: string) => void) | undefined },
) {
  const { stack, accounts } = p
  const { govOps, freezer, aBEAM } = accounts
  const progress = p.onProgress ?? (() => {})
  progress('Portfolio template approval through the timelock (aBEAM schedules, the delay passes, aBEAM executes)')
  await stack.approveTemplate(stack.portfolioTemplateId, stack.portfolioTemplate)
  const params: ClassParams = { govOps: govOps.address, beaconOperator: p.lcts, freezer: freezer.address, swapRateLimit: p.classLimit, managerEndpoint: p.manager, artifactHash: p.artifactHash }
  progress('GovOps deploys the Portfolio class (PAU + PortfolioHaloClass) and its book from the factory')
  const cls = await deployClass(clients, { factory: stack.factory, account: govOps, templateId: stack.portfolioTemplateId, params, salt: stack.nextSalt() })
  const book = await deployBook(clients, { factory: stack.factory, account: govOps, pau: cls.pau, book: p.book, salt: stack.nextSalt() })
  const haloClass = cls.haloClass!
  await increaseTime(clients, stack.delaySeconds)
  progress(`aBEAM executes the class batch (PAU ${cls.pau}, class ${haloClass}); GovOps (cBEAM) set lpha-lcts as the class PAU's relayer and its transfer limits (to the manager, to the class)`)
  await executeScheduled(clients, { timelock: stack.timelock, executor: aBEAM, id: cls.timelockBatchId, fromBlock: stack.fromBlock })
  const configurator = { address: stack.configurator, abi: configuratorAbi } as const
  await writeAndWait(clients, govOps, { ...configurator, functionName: 'setRelayer', args: [cls.pau, p.lcts] })
  for (const key of [rateLimitKey(LIMIT.ASSET_TRANSFER, stack.usds, p.manager), rateLimitKey(LIMIT.ASSET_TRANSFER, stack.usds, haloClass)]) {
    await writeAndWait(clients, govOps, { ...configurator, functionName: 'setRateLimit', args: [cls.pau, key, p.classLimit, p.classLimit / DAY] })
  }
  return {
    cls,
    haloClass,
    book,
    /** The aBEAM executes the book's batch: addBook, the book opens on chain. */
    openBook: () => executeScheduled(clients, { timelock: stack.timelock, executor: aBEAM, id: book.timelockBatchId, fromBlock: stack.fromBlock }),
  }
}

export async function deployPortfolioHaloByFactory(clients: DevnetClients, p: { deployment: TermHaloDeployment; accounts: DevnetAccounts; onProgress?: (step: string) => void }): Promise<PortfolioHaloDeployment> {
  const { deployment, accounts } = p
  const lcts = mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: LCTS_KEY_INDEX })
  const manager = mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: MANAGER_KEY_INDEX })
  const { cls, haloClass, book, openBook } = await deployPortfolioClassAndBook(clients, {
    stack: deployment.factoryStack, accounts, lcts: lcts.address, manager: manager.address, classLimit: PORTFOLIO_CLASS_LIMIT,
    artifactHash: keccak256(stringToHex('devnet portfolio halo artifact')), book: DEVNET_PORTFOLIO_BOOK, onProgress: p.onProgress,
  })
  await openBook()
  for (const account of [lcts, manager]) await clients.testClient.setBalance({ address: account.address, value: 10n ** 21n })
  const opened = await readChainBook(clients.publicClient, haloClass, 0n)
  return {
    haloClass,
    pau: cls.pau,
    controller: cls.controller,
    rateLimits: cls.rateLimits,
    book,
    classId: haloClass.toLowerCase(),
    bookId: factoryBookId(haloClass, book.salt),
    unitIds: book.units.map((u) => u.token.toLowerCase()),
    openedAt: new Date(opened.lastReportMs),
    lcts,
    manager,
  }
}

const subscribeTarget = (portfolio: PortfolioHaloDeployment, usds: Address, unit: number) => {
  const u = portfolio.book.units[unit]!
  return { kind: 'lcts' as const, pairId: u.token, subscribeQueue: u.subscribeQueue, redeemQueue: u.redeemQueue, token: u.token, holdingSystem: portfolio.haloClass, asset: usds }
}

/** Governance approves each subscribing Prime's subscribe limit into its unit (one timelock round), GovOps set it; it fills over a day. */
export async function onboardLivingSubscriptions(clients: DevnetClients, p: { deployment: TermHaloDeployment; accounts: DevnetAccounts; portfolio: PortfolioHaloDeployment; primes: readonly PrimePau[] }) {
  const subscribers = p.primes.filter((x) => LIVING_SUBSCRIPTIONS.some((s) => s.prime === x.prime))
  const keyOf = (prime: PrimePau): Hex => depositKey(subscribeTarget(p.portfolio, p.deployment.usds, LIVING_SUBSCRIPTIONS.find((s) => s.prime === prime.prime)!.unit))
  await onboardPrimeDeposit(clients, { base: p.deployment, accounts: p.accounts, primes: subscribers, key: keyOf, init: parseRatePerPeriod('5M/day', USDS_DECIMALS) })
}

/** Each subscribing Prime's PAU queues its subscription (Controller.approveAndCall into the unit's subscribe queue, rate limited), signed by its relayer. */
export async function subscribeLivingPrimes(clients: DevnetClients, p: { deployment: TermHaloDeployment; portfolio: PortfolioHaloDeployment; primes: readonly PrimePau[] }) {
  for (const s of LIVING_SUBSCRIPTIONS) {
    const prime = p.primes.find((x) => x.prime === s.prime)
    if (!prime) continue
    const target = subscribeTarget(p.portfolio, p.deployment.usds, s.unit)
    const amount = parseUnitsExact(s.amount, USDS_DECIMALS)
    const inner = encodeFunctionData({ abi: lctsQueueAbi, functionName: 'deposit', args: [amount] })
    await writeAndWait(clients, prime.allocator, { address: prime.controller, abi: controllerAbi, functionName: 'approveAndCall', args: [target.asset, target.subscribeQueue, amount, inner] })
  }
}

/** lpha-lcts's `halo beacon lcts` config for the class's book, with the devnet manager simulator (durable, in its state dir). */
export function portfolioBeaconConfig(p: { portfolio: PortfolioHaloDeployment; usds: Address; rpcUrl: string; synomeUrl: string; stateDir: string; intervalSeconds: number }) {
  const { portfolio } = p
  return {
    kind: 'portfolioClass',
    classId: portfolio.classId,
    bookId: portfolio.bookId,
    chainBookId: 0,
    rpcUrl: p.rpcUrl,
    privateKey: toHex(portfolio.lcts.getHdKey().privateKey!),
    synome: { url: p.synomeUrl },
    chain: { haloClass: portfolio.haloClass, usds: p.usds, finalityDepth: 0 },
    pau: { controller: portfolio.controller, rateLimits: portfolio.rateLimits, almProxy: portfolio.pau },
    managerEndpoint: portfolio.manager.address,
    units: portfolio.unitIds.map((unitId, chainUnitId) => ({ unitId, chainUnitId })),
    manager: { kind: 'simulator', openedAt: portfolio.openedAt.toISOString(), annualYieldBps: 800, redemptionDelaySeconds: 86_400, endpointPrivateKey: toHex(portfolio.manager.getHdKey().privateKey!) },
    settleWindowSeconds: 3_600,
    stateDir: p.stateDir,
    intervalSeconds: p.intervalSeconds,
  }
}
