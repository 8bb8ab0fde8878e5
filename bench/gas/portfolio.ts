/**
 * Portfolio Halo section: a Prime subscribing into a unit and queueing a redemption through
 * its PAU (rate-limited approveAndCall into the unit's LCTS queue) beside the same deposit
 * made directly by a holder; lpha-lcts settling a unit pair with a NAV report (reportNav on a
 * senior + junior book, then settleUnit: subscriptions minted, redemptions burned and paid,
 * the rest to the PAU) beside the plain LCTS pair (srUSDS: setExchangeRate, then settle of
 * both queues against the Holding System) measured in the same run.
 * Every measured call is the second of its kind (warm-up first), as section.ts asks.
 */
import { encodeFunctionData, keccak256, parseUnits, toHex, type Abi, type Address } from 'viem'
import { controllerAbi, lctsHoldingSystemAbi, lctsQueueAbi, portfolioHaloClassAbi, rateLimitsAbi, susdsAbi, usdsAbi } from '../../src/chain/generated/index.js'
import { deployDevnetAssets } from '../../src/chain/deploy/deployDevnetAssets.js'
import { deployLctsPair } from '../../src/chain/deploy/deployLcts.js'
import { deployPau } from '../../src/chain/deploy/deployPau.js'
import { deployPortfolioClass } from '../../src/chain/deploy/deployPortfolioClass.js'
import { LIMIT, rateLimitKey } from '../../src/domain/rateLimits.js'
import type { GasContext, GasRow, GasSection } from './section.js'

const t = (n: string) => parseUnits(n, 18)
const DEPOSIT = '0xb6b55f25' as const // deposit(uint256)
const RELAYER = keccak256(toHex('RELAYER'))
const UNLIMITED = 2n ** 256n - 1n

export const section: GasSection = {
  title: 'Portfolio Halo (unit subscribe/redeem via a Prime PAU, settle a unit pair with NAV)',
  async run(ctx: GasContext): Promise<GasRow[]> {
    const { deployer, relayer: settler, govOps: gov, alice, bob, attestor: primeRelayer } = ctx.accounts
    const send = (account: typeof alice, address: Address, abi: Abi, functionName: string, args: readonly unknown[] = []) => ctx.write(account, { address, abi, functionName, args })
    const assets = await deployDevnetAssets(ctx.clients, { owner: deployer })
    const pau = () => deployPau(ctx.clients, { deployer, configurator: gov.address, proxyAdmin: gov.address, usds: assets.usds, usdc: assets.usdc, psm: assets.psm })
    const classPau = await pau()
    const primePau = await pau()
    const { haloClass, books } = await deployPortfolioClass(ctx.clients, {
      admin: gov, settler: settler.address, usds: assets.usds, almProxy: classPau.proxy,
      books: [{ accrualSeconds: 86_400, units: [{ name: 'Senior', symbol: 'S', rank: 0, targetRateBps: 500n }, { name: 'Junior', symbol: 'J', rank: 1 }] }],
    })
    const [senior, junior] = books[0]!.units as [(typeof books)[0]['units'][0], (typeof books)[0]['units'][0]]
    await send(gov, primePau.controller, controllerAbi as Abi, 'grantRole', [RELAYER, primeRelayer.address])
    await send(gov, classPau.controller, controllerAbi as Abi, 'grantRole', [RELAYER, settler.address])
    for (const [asset, queue] of [[assets.usds, senior.subscribeQueue], [senior.token, senior.redeemQueue], [assets.usds, junior.subscribeQueue]] as const) {
      await send(gov, primePau.rateLimits, rateLimitsAbi as Abi, 'setRateLimitData', [rateLimitKey(LIMIT.APPROVE_AND_CALL, asset, queue, DEPOSIT), UNLIMITED, 0n])
    }
    await send(gov, classPau.rateLimits, rateLimitsAbi as Abi, 'setRateLimitData', [rateLimitKey(LIMIT.ASSET_TRANSFER, assets.usds, haloClass), UNLIMITED, 0n])
    await send(deployer, assets.usds, usdsAbi as Abi, 'mint', [primePau.proxy, t('1000000')])
    for (const who of [alice, bob]) {
      await send(deployer, assets.usds, usdsAbi as Abi, 'mint', [who.address, t('1000000')])
      await send(who, assets.usds, usdsAbi as Abi, 'approve', [senior.subscribeQueue, UNLIMITED])
    }
    const viaPau = (asset: Address, queue: Address, amount: bigint) =>
      send(primeRelayer, primePau.controller, controllerAbi as Abi, 'approveAndCall', [asset, queue, amount, encodeFunctionData({ abi: lctsQueueAbi, functionName: 'deposit', args: [amount] })])
    const settleUnit = (unitId: bigint) => send(settler, haloClass, portfolioHaloClassAbi as Abi, 'settleUnit', [unitId, UNLIMITED, UNLIMITED])
    const lockUnit = (unitId: bigint) => send(settler, haloClass, portfolioHaloClassAbi as Abi, 'lockUnit', [unitId])
    const rows: GasRow[] = []

    // subscribe: warm-up by alice (opens the generation), then measured: bob direct, the Prime via its PAU
    await send(alice, senior.subscribeQueue, lctsQueueAbi as Abi, 'deposit', [t('1000')])
    const direct = (await send(bob, senior.subscribeQueue, lctsQueueAbi as Abi, 'deposit', [t('1000')])).gasUsed
    await viaPau(assets.usds, junior.subscribeQueue, t('1000')) // warm-up of the PAU path (another unit)
    const subscribe = (await viaPau(assets.usds, senior.subscribeQueue, t('1000'))).gasUsed
    rows.push({ action: 'subscribe into a unit via a Prime PAU (approveAndCall → LCTSQueue.deposit, rate-limited)', gas: subscribe, baseline: { action: 'LCTSQueue.deposit into the unit (holder, direct)', gas: direct } })

    // first settlement (warm-up): both units get holders, the Prime claims its senior shares
    for (const u of [senior, junior]) {
      await lockUnit(u.unitId)
      await settleUnit(u.unitId)
    }
    await send(deployer, senior.subscribeQueue, lctsQueueAbi as Abi, 'claimFor', [primePau.proxy])
    await send(alice, senior.subscribeQueue, lctsQueueAbi as Abi, 'claim')
    await send(alice, senior.token, usdsAbi as Abi, 'approve', [senior.redeemQueue, UNLIMITED])

    // redeem: warm-up by alice (direct, opens the redeem generation), measured: the Prime via its PAU
    await send(alice, senior.redeemQueue, lctsQueueAbi as Abi, 'deposit', [t('100')])
    const redeemDirect = (await send(alice, senior.redeemQueue, lctsQueueAbi as Abi, 'deposit', [t('100')])).gasUsed
    const redeem = (await viaPau(senior.token, senior.redeemQueue, t('100'))).gasUsed
    rows.push({ action: 'redeem: queue unit shares via a Prime PAU (approveAndCall → LCTSQueue.deposit)', gas: redeem, baseline: { action: 'LCTSQueue.deposit of unit shares (holder, direct)', gas: redeemDirect } })

    // settle a unit pair with NAV: a day later, reportNav (gain, two tranches) then settleUnit with
    // new subscriptions and the redemptions (funded through the class PAU)
    await send(alice, senior.subscribeQueue, lctsQueueAbi as Abi, 'deposit', [t('500')])
    await ctx.increaseTime(86_400n)
    const block = await ctx.clients.publicClient.getBlock()
    await lockUnit(senior.unitId)
    const nav = (await send(settler, haloClass, portfolioHaloClassAbi as Abi, 'reportNav', [0n, t('4010'), block.timestamp])).gasUsed
    await send(settler, classPau.controller, controllerAbi as Abi, 'transferAsset', [assets.usds, haloClass, t('300')])
    const settle = (await settleUnit(senior.unitId)).gasUsed

    // baseline: the plain srUSDS LCTS pair, same flows: rate set, then settle of both queues
    const pair = await deployLctsPair(ctx.clients, { admin: deployer, pbeam: settler.address, asset: assets.susds, name: 'srUSDS', symbol: 'srUSDS' })
    await send(deployer, assets.usds, usdsAbi as Abi, 'mint', [deployer.address, t('100000')])
    await send(deployer, assets.usds, usdsAbi as Abi, 'approve', [assets.susds, UNLIMITED])
    await send(deployer, assets.susds, susdsAbi as Abi, 'deposit', [t('100000'), deployer.address])
    await send(deployer, assets.susds, usdsAbi as Abi, 'approve', [pair.subscribeQueue, UNLIMITED])
    await send(deployer, assets.susds, usdsAbi as Abi, 'transfer', [pair.holdingSystem, t('1000')])
    const cycle = async () => {
      await send(deployer, pair.subscribeQueue, lctsQueueAbi as Abi, 'deposit', [t('500')])
      await send(settler, pair.subscribeQueue, lctsQueueAbi as Abi, 'lock')
      const rate = (await send(settler, pair.holdingSystem, lctsHoldingSystemAbi as Abi, 'setExchangeRate', [t('1.0001')])).gasUsed
      const s = (await send(settler, pair.subscribeQueue, lctsQueueAbi as Abi, 'settle', [UNLIMITED])).gasUsed
      return rate + s
    }
    await cycle()
    await send(deployer, pair.subscribeQueue, lctsQueueAbi as Abi, 'claim')
    await send(deployer, pair.token, usdsAbi as Abi, 'approve', [pair.redeemQueue, UNLIMITED])
    await send(deployer, pair.redeemQueue, lctsQueueAbi as Abi, 'deposit', [t('200')])
    await send(settler, pair.redeemQueue, lctsQueueAbi as Abi, 'lock')
    const subscribeSide = await cycle()
    const redeemSide = (await send(settler, pair.redeemQueue, lctsQueueAbi as Abi, 'settle', [UNLIMITED])).gasUsed
    const baseline = { action: 'srUSDS pair: setExchangeRate + settle both queues (Holding System)', gas: subscribeSide + redeemSide }
    rows.push({ action: 'settle a unit pair with NAV (reportNav, 2 tranches + settleUnit: mint, burn, pay, rest to PAU)', gas: nav + settle, baseline })
    rows.push({ action: '  of which reportNav (gain over senior + junior)', gas: nav })
    rows.push({ action: '  of which settleUnit (both queues, one transaction)', gas: settle })
    return rows
  },
}
