/**
 * A Portfolio Halo Class on a devnet, as the chain tests share it: devnet USDS/USDC/PSM, the
 * class PAU (Controller + ALMProxy + RateLimits, with `gov` as its Configurator so tests set
 * limits directly), the class contract with its books and units (deployPortfolioClass), the
 * manager's endpoint, and Prime PAUs whose relayers subscribe and redeem through their own
 * Controller's rate-limited approveAndCall.
 */
import { encodeFunctionData, erc20Abi, keccak256, parseUnits, toFunctionSelector, toHex, type Account, type Address } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { controllerAbi, lctsQueueAbi, portfolioHaloClassAbi, rateLimitsAbi, usdsAbi } from '../../src/chain/generated/index.js'
import { deployDevnetAssets, type DeployDevnetAssetsReturnType } from '../../src/chain/deploy/deployDevnetAssets.js'
import { deployPau, type DeployPauReturnType } from '../../src/chain/deploy/deployPau.js'
import { deployPortfolioClass, type DeployPortfolioClassReturnType, type PortfolioBookParameters, type PortfolioUnitDeployment } from '../../src/chain/deploy/deployPortfolioClass.js'
import { readChainBook } from '../../src/chain/portfolio.js'
import { parseUnitsExact } from '../../src/domain/money.js'
import { applyNavReport, openBook, redeem, subscribe, type HaloBook } from '../../src/domain/portfolio/book.js'
import { LIMIT, rateLimitKey } from '../../src/domain/rateLimits.js'
import { PORTFOLIO_NAV_REPORT, PORTFOLIO_SETTLEMENT } from '../../src/synome/commands/portfolio/records.js'
import type { Devnet } from '../fixtures/devnet.js'

export const usd = (amount: string) => parseUnits(amount, 18)
export const DEPOSIT = toFunctionSelector('deposit(uint256)')
const RELAYER = keccak256(toHex('RELAYER'))

export function key(name: string): Account {
  return privateKeyToAccount(keccak256(toHex(`portfolio-${name}`)))
}

export type Prime = { name: string; pau: DeployPauReturnType; relayer: Account }

export type PortfolioWorld = DeployDevnetAssetsReturnType &
  DeployPortfolioClassReturnType & {
    gov: Account
    settler: Account
    /** Where the manager takes USDS (and, for the USDC leg, USDC). */
    manager: Account
    classPau: DeployPauReturnType
    primes: Prime[]
    units: PortfolioUnitDeployment[]
  }

export type DeployWorldParameters = { books: readonly PortfolioBookParameters[]; primes?: number; primeLimit?: bigint; classLimit?: bigint }

async function fund(devnet: Devnet, accounts: readonly Account[]) {
  for (const a of accounts) await devnet.testClient.setBalance({ address: a.address, value: 10n ** 20n })
}

export async function deployWorld(devnet: Devnet, p: DeployWorldParameters): Promise<PortfolioWorld> {
  const owner = devnet.accounts.deployer
  const gov = key('gov')
  const settler = key('lpha-lcts')
  const manager = key('manager')
  const primeRelayers = Array.from({ length: p.primes ?? 0 }, (_, i) => key(`prime-${i}-relayer`))
  await fund(devnet, [gov, settler, manager, ...primeRelayers])
  const assets = await deployDevnetAssets(devnet, { owner })
  const pau = (configurator: Address) => deployPau(devnet, { deployer: owner, configurator, proxyAdmin: configurator, usds: assets.usds, usdc: assets.usdc, psm: assets.psm })
  const classPau = await pau(gov.address)
  const deployed = await deployPortfolioClass(devnet, { admin: gov, settler: settler.address, usds: assets.usds, almProxy: classPau.proxy, books: p.books })
  const units = deployed.books.flatMap((b) => b.units)
  // the class PAU: lpha-lcts is its relayer; the manager's endpoints and the class (for redemptions) are keyed
  await devnet.write(gov, { address: classPau.controller, abi: controllerAbi, functionName: 'grantRole', args: [RELAYER, settler.address] })
  const classLimit = p.classLimit ?? usd('1000000')
  for (const k of [
    rateLimitKey(LIMIT.ASSET_TRANSFER, assets.usds, manager.address),
    rateLimitKey(LIMIT.ASSET_TRANSFER, assets.usdc, manager.address),
    rateLimitKey(LIMIT.ASSET_TRANSFER, assets.usds, deployed.haloClass),
    LIMIT.USDS_TO_USDC,
  ]) {
    const max = k === rateLimitKey(LIMIT.ASSET_TRANSFER, assets.usdc, manager.address) ? classLimit / 10n ** 12n : classLimit
    await devnet.write(gov, { address: classPau.rateLimits, abi: rateLimitsAbi, functionName: 'setRateLimitData', args: [k, max, max / 86_400n] })
  }
  const primes: Prime[] = []
  for (const [i, relayer] of primeRelayers.entries()) {
    const primePau = await pau(gov.address)
    await devnet.write(gov, { address: primePau.controller, abi: controllerAbi, functionName: 'grantRole', args: [RELAYER, relayer.address] })
    const limit = p.primeLimit ?? usd('1000000')
    for (const unit of units) {
      for (const [asset, queue] of [[assets.usds, unit.subscribeQueue], [unit.token, unit.redeemQueue]] as const) {
        const k = rateLimitKey(LIMIT.APPROVE_AND_CALL, asset, queue, DEPOSIT)
        await devnet.write(gov, { address: primePau.rateLimits, abi: rateLimitsAbi, functionName: 'setRateLimitData', args: [k, limit, limit / 86_400n] })
      }
    }
    primes.push({ name: `prime-${i}`, pau: primePau, relayer })
  }
  await devnet.increaseTime(86_400) // a new key starts empty and fills by its slope: one day fills every limit
  return { ...assets, ...deployed, gov, settler, manager, classPau, primes, units }
}

export const balanceOf = (devnet: Devnet, token: Address, who: Address) => devnet.publicClient.readContract({ address: token, abi: erc20Abi, functionName: 'balanceOf', args: [who] })

export function actions(devnet: Devnet, w: PortfolioWorld) {
  const owner = devnet.accounts.deployer
  return {
    mint: (to: Address, amount: bigint) => devnet.write(owner, { address: w.usds, abi: usdsAbi, functionName: 'mint', args: [to, amount] }),
    /** A Prime subscribes `amount` USDS into a unit through its own PAU (rate limited). */
    subscribe: (prime: Prime, unit: PortfolioUnitDeployment, amount: bigint) =>
      devnet.write(prime.relayer, {
        address: prime.pau.controller, abi: controllerAbi, functionName: 'approveAndCall',
        args: [w.usds, unit.subscribeQueue, amount, encodeFunctionData({ abi: lctsQueueAbi, functionName: 'deposit', args: [amount] })],
      }),
    /** A Prime queues `shares` of a unit for redemption through its own PAU (rate limited). */
    redeem: (prime: Prime, unit: PortfolioUnitDeployment, shares: bigint) =>
      devnet.write(prime.relayer, {
        address: prime.pau.controller, abi: controllerAbi, functionName: 'approveAndCall',
        args: [unit.token, unit.redeemQueue, shares, encodeFunctionData({ abi: lctsQueueAbi, functionName: 'deposit', args: [shares] })],
      }),
    /** Anyone may claim a finalized position for its owner (here a Prime's ALMProxy). */
    claim: (queue: Address, who: Address) => devnet.write(owner, { address: queue, abi: lctsQueueAbi, functionName: 'claimFor', args: [who] }),
    lock: (unitId: bigint) => devnet.write(w.settler, { address: w.haloClass, abi: portfolioHaloClassAbi, functionName: 'lockUnit', args: [unitId] }),
    settle: (unitId: bigint, subscribeCapacity: bigint, redeemCapacity: bigint) =>
      devnet.write(w.settler, { address: w.haloClass, abi: portfolioHaloClassAbi, functionName: 'settleUnit', args: [unitId, subscribeCapacity, redeemCapacity] }),
    reportNav: (bookId: bigint, assets: bigint, reportedAt: bigint) =>
      devnet.write(w.settler, { address: w.haloClass, abi: portfolioHaloClassAbi, functionName: 'reportNav', args: [bookId, assets, reportedAt] }),
    /** Class PAU → the manager (USDS), rate limited. */
    deployToManager: (amount: bigint) =>
      devnet.write(w.settler, { address: w.classPau.controller, abi: controllerAbi, functionName: 'transferAsset', args: [w.usds, w.manager.address, amount] }),
    /** Class PAU → the class, for redemptions, rate limited. */
    fundRedemptions: (amount: bigint) =>
      devnet.write(w.settler, { address: w.classPau.controller, abi: controllerAbi, functionName: 'transferAsset', args: [w.usds, w.haloClass, amount] }),
    /** The manager returns USDS to the class PAU. */
    managerReturns: (amount: bigint) => devnet.write(w.manager, { address: w.usds, abi: erc20Abi, functionName: 'transfer', args: [w.classPau.proxy, amount] }),
    book: (bookId: bigint) => readChainBook(devnet.publicClient, w.haloClass, bookId),
    navPerShare: (unitId: bigint) => devnet.publicClient.readContract({ address: w.haloClass, abi: portfolioHaloClassAbi, functionName: 'navPerShareWad', args: [unitId] }),
  }
}

type NavRecordData = { reportedAssets: string; reportedAt: string }
type SettlementRecordData = { unitId: string; settledAt: string; subscribed: string; redeemedShares: string }

/**
 * The pure model of a book replayed from the Synome's records alone: its NAV reports and unit
 * settlements in time order through applyNavReport / subscribe / redeem (src/domain/portfolio).
 */
export async function replayBookFromSynome(
  synome: { list<T>(q: { type: string; limit: number }): Promise<{ items: { data: T }[] }> },
  book: { bookId: string; openedAtMs: number; accrualSeconds: number; units: Parameters<typeof openBook>[0]['units'] },
): Promise<{ model: HaloBook; navReports: number; settlements: number }> {
  const navs = (await synome.list<NavRecordData & { bookId: string }>({ type: PORTFOLIO_NAV_REPORT, limit: 1000 })).items.filter((r) => r.data.bookId === book.bookId).map((r) => ({ at: Date.parse(r.data.reportedAt), kind: 'nav' as const, data: r.data }))
  const settlements = (await synome.list<SettlementRecordData & { bookId: string }>({ type: PORTFOLIO_SETTLEMENT, limit: 1000 })).items.filter((r) => r.data.bookId === book.bookId).map((r) => ({ at: Date.parse(r.data.settledAt), kind: 'settle' as const, data: r.data }))
  let model = openBook({ bookId: book.bookId, openedAt: new Date(book.openedAtMs), accrualSeconds: book.accrualSeconds, units: book.units })
  for (const e of [...navs, ...settlements].sort((x, y) => x.at - y.at)) {
    if (e.kind === 'nav') model = applyNavReport({ book: model, reportedAssets: parseUnitsExact(e.data.reportedAssets, 18, 'a'), reportedAt: new Date(e.at) }).book
    else {
      const subscribed = parseUnitsExact(e.data.subscribed, 18, 's')
      const shares = parseUnitsExact(e.data.redeemedShares, 18, 'r')
      if (subscribed > 0n) model = subscribe({ book: model, unitId: e.data.unitId, amount: subscribed, at: new Date(e.at) }).book
      if (shares > 0n) model = redeem({ book: model, unitId: e.data.unitId, shares, at: new Date(e.at) }).book
    }
  }
  return { model, navReports: navs.length, settlements: settlements.length }
}
