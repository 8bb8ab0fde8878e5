/**
 * Trading and Identity section: TradingPool swaps (the pool buys, the pool sells; oracle read,
 * deviation check, one PAU rate-limit key each) beside a Uniswap V2-style constant-product swap
 * implemented only for the bench (contracts/trading/bench/ConstantProductPool.sol), with the
 * plain ERC-20 transfer ratio in the action text; and an isMember-checked transfer
 * (contracts/trading/bench/RestrictedToken.sol over the IdentityRegistry) beside a plain one,
 * and the same for a restricted LCTS unit share (contracts/lcts/RestrictedLCTSToken.sol), whose
 * settable network list costs one more slot read than the bench token's immutable network.
 * The same two swaps on a pool the Halo Factory deployed (TradingPoolFactory: an EIP-1167
 * clone reading its fixed addresses from its immutable args, its keys recomputed), wired the way
 * governance does it (class and pool batches through the timelock, limits through the
 * Configurator), beside the directly deployed pool.
 * Every measured call is the second of its kind (warm-up first), as section.ts asks.
 */
import { parseUnits, type Abi, type Address, type Hex } from 'viem'
import {
  constantProductPoolAbi,
  constantProductPoolBytecode,
  controllerAbi,
  devnetTBillAbi,
  identityRegistryAbi,
  rateLimitsAbi,
  restrictedLCTSTokenAbi,
  restrictedLCTSTokenBytecode,
  restrictedTokenAbi,
  restrictedTokenBytecode,
  tradingPoolAbi,
  usdsAbi,
} from '../../src/chain/generated/index.js'
import { deployDevnetAssets } from '../../src/chain/deploy/deployDevnetAssets.js'
import { deployIdentityRegistry } from '../../src/chain/deploy/deployIdentityRegistry.js'
import { deployPau } from '../../src/chain/deploy/deployPau.js'
import { deployDevnetTBill, deployTradingPool } from '../../src/chain/deploy/deployTradingPool.js'
import { UNLIMITED } from '../../src/domain/rateLimits.js'
import { WAD, poolRateLimitKeys } from '../../src/domain/trading/index.js'
import { configuratorAbi, devnetNavOracleAbi } from '../../src/chain/generated/index.js'
import { executeScheduled } from '../../src/chain/timelock.js'
import { deployClass, deployPool } from '../../src/factory/chain.js'
import { deployFactoryStack } from '../../src/factory/devnet.js'
import { ratio as times, type GasContext, type GasRow, type GasSection } from './section.js'

const usd = (n: string) => parseUnits(n, 18)
const tb = (n: string) => parseUnits(n, 6)

export const section: GasSection = {
  title: 'Trading Halo swaps and Identity Network membership',
  async run(ctx: GasContext): Promise<GasRow[]> {
    const { deployer, govOps, relayer, freezer, alice, bob } = ctx.accounts
    const read = ctx.clients.publicClient
    const send = (account: typeof alice, address: Address, abi: Abi, functionName: string, args: readonly unknown[] = []) =>
      ctx.write(account, { address, abi, functionName, args })
    const gasOf = async (p: Promise<{ gasUsed: bigint }>) => (await p).gasUsed
    const twice = async (fn: () => Promise<{ gasUsed: bigint }>) => {
      await fn()
      return gasOf(fn())
    }

    const assets = await deployDevnetAssets(ctx.clients, { owner: deployer })
    const pau = await deployPau(ctx.clients, { deployer, configurator: govOps.address, proxyAdmin: govOps.address, ...assets })
    const t = await deployDevnetTBill(ctx.clients, { owner: deployer, usds: assets.usds, navWad: WAD, settlementDelaySeconds: 86_400n })
    const pool = await deployTradingPool(ctx.clients, {
      deployer,
      usds: assets.usds,
      asset: t.tbill,
      pau,
      admin: govOps.address,
      operator: relayer.address,
      pauser: freezer.address,
      params: { oracle: t.oracle, issuer: t.issuer, bidSpreadBps: 5, askSpreadBps: 5, maxDeviationBps: 100, maxOracleAgeSeconds: 86_400, maxInventory: tb('100000000') },
      referencePriceWad: WAD,
    })
    const controllerRole = await read.readContract({ address: pau.rateLimits, abi: rateLimitsAbi, functionName: 'CONTROLLER' })
    await send(govOps, pau.rateLimits, rateLimitsAbi as Abi, 'grantRole', [controllerRole, pool])
    // Finite limits, so every swap writes its key's state as in production.
    const keys = poolRateLimitKeys(t.tbill, pool)
    for (const key of [keys.poolBuy, keys.poolSell] as Hex[]) {
      await send(govOps, pau.rateLimits, rateLimitsAbi as Abi, 'setRateLimitData', [key, UNLIMITED, 0n])
      await send(govOps, pau.rateLimits, rateLimitsAbi as Abi, 'setRateLimitData', [key, usd('50000000'), usd('100')])
    }
    const mintUsds = (to: Address, amount: bigint) => send(deployer, assets.usds, usdsAbi as Abi, 'mint', [to, amount])
    const mintTBill = (to: Address, amount: bigint) => send(deployer, t.tbill, devnetTBillAbi as Abi, 'mint', [to, amount])
    await mintUsds(pool, usd('10000000'))
    await mintTBill(pool, tb('10000000'))
    await mintUsds(alice.address, usd('10000000'))
    await mintTBill(alice.address, tb('10000000'))
    await mintUsds(bob.address, usd('1'))
    for (const spender of [pool]) {
      await send(alice, assets.usds, usdsAbi as Abi, 'approve', [spender, UNLIMITED])
      await send(alice, t.tbill, devnetTBillAbi as Abi, 'approve', [spender, UNLIMITED])
    }
    const cp = await ctx.deploy({ abi: constantProductPoolAbi, bytecode: constantProductPoolBytecode }, [t.tbill, assets.usds])
    await mintUsds(cp, usd('10000000'))
    await mintTBill(cp, tb('10000000'))
    await send(alice, cp, constantProductPoolAbi as Abi, 'sync')
    await send(alice, assets.usds, usdsAbi as Abi, 'approve', [cp, UNLIMITED])
    await send(alice, t.tbill, devnetTBillAbi as Abi, 'approve', [cp, UNLIMITED])

    const erc20 = await twice(() => send(alice, assets.usds, usdsAbi as Abi, 'transfer', [bob.address, usd('1')]))
    const cpSell = await twice(() => send(alice, cp, constantProductPoolAbi as Abi, 'swapExactIn', [true, tb('1000'), 0n, alice.address]))
    const cpBuy = await twice(() => send(alice, cp, constantProductPoolAbi as Abi, 'swapExactIn', [false, usd('1000'), 0n, alice.address]))
    const sell = await twice(() => send(alice, pool, tradingPoolAbi as Abi, 'sellToPool', [tb('1000'), 0n, alice.address]))
    const buy = await twice(() => send(alice, pool, tradingPoolAbi as Abi, 'buyFromPool', [tb('1000'), UNLIMITED, alice.address]))
    const cpRow = { action: 'constant-product swap (bench baseline)', gas: cpSell }

    const registry = await deployIdentityRegistry(ctx.clients, { deployer, admin: govOps.address, writer: relayer.address, pauser: freezer.address })
    const entity = `0x${'11'.repeat(32)}` as Hex
    await send(relayer, registry, identityRegistryAbi as Abi, 'addMembers', [entity, [alice.address, bob.address]])
    const restricted = await ctx.deploy({ abi: restrictedTokenAbi, bytecode: restrictedTokenBytecode }, [registry, alice.address, usd('1000')])
    await send(alice, restricted, restrictedTokenAbi as Abi, 'transfer', [bob.address, usd('1')])
    const checked = await twice(() => send(alice, restricted, restrictedTokenAbi as Abi, 'transfer', [bob.address, usd('1')]))
    const plain = { action: 'USDS.transfer (plain ERC-20)', gas: erc20 }
    // A restricted unit share: alice stands in for the Holding System (the only minter, admitted).
    const share = await ctx.deploy({ abi: restrictedLCTSTokenAbi, bytecode: restrictedLCTSTokenBytecode }, ['Restricted Unit Share', 'rUNIT', alice.address, govOps.address, [registry]])
    await send(alice, share, restrictedLCTSTokenAbi as Abi, 'mint', [alice.address, usd('1000')])
    await send(alice, share, restrictedLCTSTokenAbi as Abi, 'transfer', [bob.address, usd('1')])
    const shareChecked = await twice(() => send(alice, share, restrictedLCTSTokenAbi as Abi, 'transfer', [bob.address, usd('1')]))

    // The same swaps on a factory-deployed pool (its own stack: the factory's devnet assets and T-bill)
    const stack = await deployFactoryStack(ctx.clients, ctx.accounts)
    await stack.approveTemplate(stack.tradingTemplateId, stack.tradingTemplate)
    const ft = await deployDevnetTBill(ctx.clients, { owner: deployer, usds: stack.usds, navWad: WAD, settlementDelaySeconds: 86_400n })
    const classParams = { govOps: govOps.address, beaconOperator: relayer.address, freezer: freezer.address, swapRateLimit: usd('10000000'), artifactHash: `0x${'00'.repeat(32)}` as Hex }
    const cls = await deployClass(ctx.clients, { factory: stack.factory, account: govOps, templateId: stack.tradingTemplateId, params: classParams, salt: stack.nextSalt() })
    const capacity = usd('50000000')
    const clone = await deployPool(ctx.clients, {
      tradingFactory: stack.tradingFactory,
      account: govOps,
      pau: cls.pau,
      params: { asset: ft.tbill, oracle: ft.oracle, issuer: ft.issuer, bidSpreadBps: 5, askSpreadBps: 5, maxDeviationBps: 100, maxOracleAgeSeconds: 86_400, maxInventory: tb('100000000'), referencePriceWad: WAD, capacity, name: 'Bench pool share', symbol: 'BPS', artifactHash: `0x${'00'.repeat(32)}` },
      salt: stack.nextSalt(),
    })
    await ctx.increaseTime(stack.delaySeconds)
    for (const id of [cls.timelockBatchId, clone.timelockBatchId]) await executeScheduled(ctx.clients, { timelock: stack.timelock, executor: ctx.accounts.aBEAM, id, fromBlock: stack.fromBlock })
    const cloneKeys = poolRateLimitKeys(ft.tbill, clone.pool)
    // GovOps sets each key at its init (the asset key's is the capacity in T-bills at NAV 1.00)
    for (const [key, max] of [[cloneKeys.poolBuy, capacity], [cloneKeys.poolSell, tb('50000000')]] as const) {
      await send(govOps, stack.configurator, configuratorAbi as Abi, 'setRateLimit', [cls.pau, key, max, max / 86_400n])
    }
    await ctx.increaseTime(86_400n) // the keys fill
    await send(deployer, ft.oracle, devnetNavOracleAbi as Abi, 'setPrice', [WAD])
    for (const [token, amount] of [[stack.usds, usd('10000000')], [ft.tbill, tb('10000000')]] as const) {
      for (const to of [clone.pool, alice.address]) await send(deployer, token, usdsAbi as Abi, 'mint', [to, amount])
      await send(alice, token, usdsAbi as Abi, 'approve', [clone.pool, UNLIMITED])
    }
    const cloneSell = await twice(() => send(alice, clone.pool, tradingPoolAbi as Abi, 'sellToPool', [tb('1000'), 0n, alice.address]))
    const cloneBuy = await twice(() => send(alice, clone.pool, tradingPoolAbi as Abi, 'buyFromPool', [tb('1000'), UNLIMITED, alice.address]))

    return [
      { action: `sellToPool (pool buys T-bills at NAV − 5 bps, rate-limited) [${times(sell, erc20)} ERC-20 transfer]`, gas: sell, baseline: cpRow },
      { action: `buyFromPool (pool sells T-bills at NAV + 5 bps, rate-limited) [${times(buy, erc20)} ERC-20 transfer]`, gas: buy, baseline: { ...cpRow, gas: cpBuy } },
      { action: `constant-product swap, asset → USDS [${times(cpSell, erc20)} ERC-20 transfer]`, gas: cpSell, baseline: plain },
      { action: 'isMember-checked transfer (restricted token, Identity Network)', gas: checked, baseline: plain },
      { action: 'restricted LCTS unit share transfer (member of the first accepted network)', gas: shareChecked, baseline: plain },
      { action: 'sellToPool on a factory-deployed pool (EIP-1167 clone)', gas: cloneSell, baseline: { action: 'sellToPool, pool deployed directly', gas: sell } },
      { action: 'buyFromPool on a factory-deployed pool (EIP-1167 clone)', gas: cloneBuy, baseline: { action: 'buyFromPool, pool deployed directly', gas: buy } },
    ]
  },
}
