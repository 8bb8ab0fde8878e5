/**
 * Halo Factory section (Portfolio rows: a class with its PortfolioHaloClass, an extra one-unit book
 * beside the same contracts from deployPortfolioClass). Deploying a Term class (PAU: ALMProxy, Controller, RateLimits) and one
 * extra Term unit (an NFAT Facility) through the factory (EIP-1167 clones, initialised, plus the
 * timelock batch it schedules), beside deploying the same contracts directly with their
 * constructors (and, for the class, deployPau's role wiring) in the same run. Target (issue 15):
 * an extra unit costs at most 0.2× its direct deployment. Trading: an extra pool (pool, share
 * token, two queue clones, init, its LIMIT_AMM_* batch) beside deployTradingPool + its shares.
 */
import type { Address, Hex } from 'viem'
import { keccak256, stringToHex } from 'viem'
import { deployNfatFacility } from '../../src/chain/deploy/deployNfatFacility.js'
import { deployPau } from '../../src/chain/deploy/deployPau.js'
import type { DevnetClients } from '../../src/chain/devnet.js'
import { deployBook, deployClass, deployPool, deployUnit, type PortfolioUnitParams, type TradingPoolParams } from '../../src/factory/chain.js'
import { deployDevnetTBill, deployTradingPool, deployTradingPoolShares } from '../../src/chain/deploy/deployTradingPool.js'
import { deployPortfolioClass } from '../../src/chain/deploy/deployPortfolioClass.js'
import { deployFactoryStack } from '../../src/factory/devnet.js'
import type { GasContext, GasRow, GasSection } from './section.js'

const M = (n: bigint) => n * 10n ** 24n
const DAY = 86_400n

/** Gas of every transaction mined in [fromBlock, toBlock]. */
async function gasOfBlocks(clients: DevnetClients, fromBlock: bigint, toBlock: bigint): Promise<bigint> {
  let gas = 0n
  for (let b = fromBlock; b <= toBlock; b++) gas += (await clients.publicClient.getBlock({ blockNumber: b })).gasUsed
  return gas
}

export const section: GasSection = {
  title: 'Halo Factory (a Term and a Portfolio class, an extra unit of each and an extra Trading pool, clones vs direct deployment)',
  async run(ctx: GasContext): Promise<GasRow[]> {
    const { clients, accounts } = ctx
    const { deployer, govOps, relayer, freezer } = accounts
    const stack = await deployFactoryStack(clients, accounts)
    await stack.approveTemplate()
    const head = () => clients.publicClient.getBlockNumber({ cacheTime: 0 })

    const classParams = { govOps: govOps.address, beaconOperator: relayer.address, freezer: freezer.address, swapRateLimit: M(10n), artifactHash: keccak256(stringToHex('bench')) }
    const cls = await deployClass(clients, { factory: stack.factory, account: govOps, templateId: stack.templateId, params: classParams, salt: stack.nextSalt() })
    const classGas = await gasOfBlocks(clients, cls.blockNumber, cls.blockNumber)

    const before = (await head()) + 1n
    const pau = await deployPau(clients, { deployer, configurator: stack.configurator, proxyAdmin: stack.timelock, usds: stack.usds, usdc: stack.usdc, psm: stack.psm })
    const directClassGas = await gasOfBlocks(clients, before, await head())

    const unitParams = (i: bigint) => ({
      capacity: M(20n),
      seniority: 0n,
      yieldBps: 800n,
      termSeconds: 180n * DAY,
      buyboxMinTicket: M(1n),
      buyboxMaxTicket: M(20n),
      firstTokenId: 1_000n * i,
      name: `Bench Term Unit ${i}`,
      symbol: `BTU${i}`,
      artifactHash: keccak256(stringToHex(`bench unit ${i}`)) as Hex,
    })
    await deployUnit(clients, { factory: stack.factory, account: govOps, pau: cls.pau, params: unitParams(1n), salt: stack.nextSalt() }) // warm-up
    const unit = await deployUnit(clients, { factory: stack.factory, account: govOps, pau: cls.pau, params: unitParams(2n), salt: stack.nextSalt() })
    const unitGas = await gasOfBlocks(clients, unit.blockNumber, unit.blockNumber)

    const beforeUnit = (await head()) + 1n
    await deployNfatFacility(clients, {
      deployer,
      usds: stack.usds,
      pau: pau as { proxy: Address; rateLimits: Address },
      admin: stack.timelock,
      claimer: relayer.address,
      pauser: freezer.address,
      writeDowner: govOps.address,
      name: 'Bench Term Unit direct',
      symbol: 'BTUD',
      firstTokenId: 9_000n,
    })
    const directUnitGas = await gasOfBlocks(clients, beforeUnit, await head())

    // Portfolio: class (PAU + PortfolioHaloClass) and an extra one-unit book (token + LCTS queue pair)
    await stack.approveTemplate(stack.portfolioTemplateId, stack.portfolioTemplate)
    const manager = keccak256(stringToHex('bench manager')).slice(0, 42) as Address
    const pcls = await deployClass(clients, { factory: stack.factory, account: govOps, templateId: stack.portfolioTemplateId, params: { ...classParams, managerEndpoint: manager }, salt: stack.nextSalt() })
    const portfolioClassGas = await gasOfBlocks(clients, pcls.blockNumber, pcls.blockNumber)
    const book = (i: number) => ({ accrualSeconds: 0n, units: [{ capacity: M(20n), rank: 0, yieldBps: 0n, dustThreshold: 0n, name: `Bench Portfolio Unit ${i}`, symbol: `BPU${i}`, artifactHash: keccak256(stringToHex(`bench portfolio unit ${i}`)) as Hex } satisfies PortfolioUnitParams] })
    await deployBook(clients, { factory: stack.factory, account: govOps, pau: pcls.pau, book: book(1), salt: stack.nextSalt() }) // warm-up
    const pbook = await deployBook(clients, { factory: stack.factory, account: govOps, pau: pcls.pau, book: book(2), salt: stack.nextSalt() })
    const portfolioUnitGas = await gasOfBlocks(clients, pbook.blockNumber, pbook.blockNumber)

    // direct: a PAU and a class with no book, then the same class with one extra one-unit book (token, queues, wiring, addBook)
    const beforePortfolio = (await head()) + 1n
    const ppau = await deployPau(clients, { deployer, configurator: stack.configurator, proxyAdmin: stack.timelock, usds: stack.usds, usdc: stack.usdc, psm: stack.psm })
    const beforeClassOnly = (await head()) + 1n
    await deployPortfolioClass(clients, { admin: deployer, settler: relayer.address, usds: stack.usds, almProxy: ppau.proxy, books: [] })
    const classOnlyGas = await gasOfBlocks(clients, beforeClassOnly, await head())
    const directPortfolioClassGas = await gasOfBlocks(clients, beforePortfolio, await head())
    const beforeBook = (await head()) + 1n
    await deployPortfolioClass(clients, { admin: deployer, settler: relayer.address, usds: stack.usds, almProxy: ppau.proxy, books: [{ accrualSeconds: 0, units: [{ name: 'Bench Portfolio Unit direct', symbol: 'BPUD', rank: 0 }] }] })
    const directBookGas = (await gasOfBlocks(clients, beforeBook, await head())) - classOnlyGas

    // Trading: an extra pool (the class is a PAU as for Term)
    await stack.approveTemplate(stack.tradingTemplateId, stack.tradingTemplate)
    const t = await deployDevnetTBill(clients, { owner: deployer, usds: stack.usds, navWad: 10n ** 18n, settlementDelaySeconds: DAY })
    const tcls = await deployClass(clients, { factory: stack.factory, account: govOps, templateId: stack.tradingTemplateId, params: classParams, salt: stack.nextSalt() })
    const poolParams = (i: number): TradingPoolParams => ({ asset: t.tbill, oracle: t.oracle, issuer: t.issuer, bidSpreadBps: 5, askSpreadBps: 5, maxDeviationBps: 100, maxOracleAgeSeconds: 86_400, maxInventory: 10n ** 13n, referencePriceWad: 10n ** 18n, capacity: M(2n), name: `Bench pool ${i}`, symbol: `BP${i}`, artifactHash: keccak256(stringToHex(`bench pool ${i}`)) })
    await deployPool(clients, { tradingFactory: stack.tradingFactory, account: govOps, pau: tcls.pau, params: poolParams(1), salt: stack.nextSalt() }) // warm-up
    const tpool = await deployPool(clients, { tradingFactory: stack.tradingFactory, account: govOps, pau: tcls.pau, params: poolParams(2), salt: stack.nextSalt() })
    const poolGas = await gasOfBlocks(clients, tpool.blockNumber, tpool.blockNumber)
    const beforePool = (await head()) + 1n
    const params = { oracle: t.oracle, issuer: t.issuer, bidSpreadBps: 5, askSpreadBps: 5, maxDeviationBps: 100, maxOracleAgeSeconds: 86_400, maxInventory: 10n ** 13n }
    const direct = await deployTradingPool(clients, { deployer, usds: stack.usds, asset: t.tbill, pau: { proxy: pau.proxy, rateLimits: pau.rateLimits }, admin: deployer.address, operator: relayer.address, pauser: freezer.address, params, referencePriceWad: 10n ** 18n })
    await deployTradingPoolShares(clients, { admin: deployer, pbeam: relayer.address, pool: direct, usds: stack.usds, name: 'Bench pool direct', symbol: 'BPD' })
    const directPoolGas = await gasOfBlocks(clients, beforePool, await head())

    return [
      { action: 'Term class via factory (3 clones + init + timelock batch)', gas: classGas, baseline: { action: 'PAU deployed directly (deployPau)', gas: directClassGas } },
      { action: 'extra Term unit via factory (NFAT Facility clone + init + batch)', gas: unitGas, baseline: { action: 'NFAT Facility deployed directly', gas: directUnitGas } },
      { action: 'Portfolio class via factory (4 clones + init + timelock batch)', gas: portfolioClassGas, baseline: { action: 'PAU + PortfolioHaloClass deployed directly', gas: directPortfolioClassGas } },
      { action: 'extra Portfolio unit via factory (token + 2 queue clones + init + addBook batch)', gas: portfolioUnitGas, baseline: { action: 'token + 2 queues + wiring + addBook directly', gas: directBookGas } },
      { action: 'extra Trading unit via TradingPoolFactory (pool + token + 2 queue clones + init + LIMIT_AMM_* batch)', gas: poolGas, baseline: { action: 'TradingPool + share token + 2 queues + wireShares directly', gas: directPoolGas } },
    ]
  },
}
