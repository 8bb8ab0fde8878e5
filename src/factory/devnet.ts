/**
 * A devnet the Halo Factory deploys into: devnet assets, a Configurator Unit, the Term,
 * Portfolio and Trading template implementations, the registry, the factory and the TradingPoolFactory, and the Term template approved through the
 * timelock (aBEAM schedules, chain time passes the delay, aBEAM executes). Used by tests,
 * `bench:gas` and the CLI's devnet commands; nothing here deploys a PAU or a facility.
 */
import { keccak256, stringToHex, type Hex } from 'viem'
import { haloTemplateRegistryAbi } from '../chain/generated/index.js'
import { increaseTime, type DevnetAccounts, type DevnetClients } from '../chain/devnet.js'
import { deployConfiguratorUnit } from '../chain/deploy/deployConfiguratorUnit.js'
import { deployDevnetAssets } from '../chain/deploy/deployDevnetAssets.js'
import { encodeCall, executeCall, scheduleCall } from '../chain/timelock.js'
import { deployHaloFactory, deployPortfolioImplementations, deployTermImplementations, deployTradingImplementations, portfolioTemplate, templateIdOf, termTemplate, tradingTemplate, type TemplateRanges, type TemplateStruct } from './chain.js'

const USDS = 10n ** 18n
const M = (n: bigint) => n * 1_000_000n * USDS
const DAY = 86_400n

/**
 * The devnet Term template's ranges: units of 1M–100M USDS capacity, seniority 0–3, up to
 * 20% yield, terms of 30 days to 5 years, tickets of 1 USDS to 100M, class swap inits 1M–50M.
 */
export const TERM_TEMPLATE_RANGES: TemplateRanges = {
  unitCapacity: { min: M(1n), max: M(100n) },
  seniority: { min: 0n, max: 3n },
  yieldBps: { min: 0n, max: 2_000n },
  termSeconds: { min: 30n * DAY, max: 5n * 365n * DAY },
  buyboxTicket: { min: USDS, max: M(100n) },
  initRateLimit: { min: M(1n), max: M(50n) },
}
export const TERM_TEMPLATE_NAME = 'term-nfat'

/**
 * The devnet Portfolio template's ranges: units of 1M–100M USDS capacity (maximum NAV),
 * seniority (rank) 0–3, senior targets up to 20%, book accrual windows (termSeconds) of 0–30
 * days, queue dust thresholds (buyboxTicket) of 0–1,000 USDS, class inits 1M–50M.
 */
export const PORTFOLIO_TEMPLATE_RANGES: TemplateRanges = {
  unitCapacity: { min: M(1n), max: M(100n) },
  seniority: { min: 0n, max: 3n },
  yieldBps: { min: 0n, max: 2_000n },
  termSeconds: { min: 0n, max: 30n * DAY },
  buyboxTicket: { min: 0n, max: 1_000n * USDS },
  initRateLimit: { min: M(1n), max: M(50n) },
}
export const PORTFOLIO_TEMPLATE_NAME = 'portfolio-lcts'

/**
 * The devnet Trading template's ranges (docs/factory.md maps them): spreads (yieldBps) 0–100 bps
 * a side, maxDeviationBps (seniority) 1–500, oracle age (termSeconds) 1 hour–7 days, maxInventory
 * at the reference NAV (buyboxTicket) 1K–100M USDS, pool inits (unitCapacity) 100K–50M USDS a
 * day, class swap inits 1M–50M.
 */
export const TRADING_TEMPLATE_RANGES: TemplateRanges = {
  unitCapacity: { min: 100_000n * USDS, max: M(50n) },
  seniority: { min: 1n, max: 500n },
  yieldBps: { min: 0n, max: 100n },
  termSeconds: { min: 3_600n, max: 7n * DAY },
  buyboxTicket: { min: 1_000n * USDS, max: M(100n) },
  initRateLimit: { min: M(1n), max: M(50n) },
}
export const TRADING_TEMPLATE_NAME = 'trading-amm'

export type FactoryStack = Awaited<ReturnType<typeof deployFactoryStack>>

export async function deployFactoryStack(clients: DevnetClients, accounts: DevnetAccounts, p: { delaySeconds?: bigint; devnetTimelock?: boolean } = {}) {
  const { deployer, council, aBEAM } = accounts
  const delaySeconds = p.delaySeconds ?? 14n * DAY
  const fromBlock = await clients.publicClient.getBlockNumber({ cacheTime: 0 })
  const assets = await deployDevnetAssets(clients, { owner: deployer })
  const unit = await deployConfiguratorUnit(clients, { deployer, councilBeacon: council, aBEAMs: [aBEAM.address], delaySeconds, devnet: p.devnetTimelock ?? false })
  const implementations = await deployTermImplementations(clients, { deployer })
  const { registry, factory, tradingFactory } = await deployHaloFactory(clients, { deployer, councilBeacon: council, aBEAMs: [aBEAM.address], configuratorUnit: unit, assets })
  const templateId = templateIdOf(TERM_TEMPLATE_NAME)
  const template = termTemplate(implementations, TERM_TEMPLATE_RANGES)
  const portfolioImplementations = await deployPortfolioImplementations(clients, { deployer, pau: implementations })
  const portfolioTemplateId = templateIdOf(PORTFOLIO_TEMPLATE_NAME)
  const portfolio = portfolioTemplate(portfolioImplementations, PORTFOLIO_TEMPLATE_RANGES)
  const tradingImplementations = await deployTradingImplementations(clients, { deployer, pau: implementations, lctsQueue: portfolioImplementations.lctsQueue })
  const tradingTemplateId = templateIdOf(TRADING_TEMPLATE_NAME)
  const trading = tradingTemplate(tradingImplementations, TRADING_TEMPLATE_RANGES)

  let saltCounter = 0n
  const nextSalt = (): Hex => keccak256(stringToHex(`factory-devnet:${fromBlock}:${++saltCounter}`))
  /** Template approval, step 1: the aBEAM schedules setTemplate. */
  const scheduleTemplate = async (id: Hex, t: TemplateStruct) => {
    const call = { ...encodeCall(registry, { abi: haloTemplateRegistryAbi, functionName: 'setTemplate', args: [id, t] }), salt: nextSalt() }
    await scheduleCall(clients, { timelock: unit.timelock, proposer: aBEAM, call, delaySeconds })
    return call
  }
  /** Template approval: schedule, wait the delay (chain time), execute. */
  const approveTemplate = async (id: Hex = templateId, t: TemplateStruct = template) => {
    const call = await scheduleTemplate(id, t)
    await increaseTime(clients, delaySeconds)
    await executeCall(clients, { timelock: unit.timelock, executor: aBEAM, call })
  }
  return { ...assets, ...unit, implementations, registry, factory, tradingFactory, templateId, template, portfolioImplementations, portfolioTemplateId, portfolioTemplate: portfolio, tradingImplementations, tradingTemplateId, tradingTemplate: trading, fromBlock, delaySeconds, nextSalt, scheduleTemplate, approveTemplate }
}
