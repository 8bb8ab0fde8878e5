import type { Account, Address } from 'viem'
import {
  lctsTokenAbi,
  lctsTokenBytecode,
  devnetIssuerAbi,
  devnetIssuerBytecode,
  devnetNavOracleAbi,
  devnetNavOracleBytecode,
  devnetTBillAbi,
  devnetTBillBytecode,
  tradingPoolAbi,
  tradingPoolBytecode,
} from '../generated/index.js'
import { deployContract, writeAndWait, type ChainClients } from '../devnet.js'
import { deployLctsQueuePair } from './deployLcts.js'

/** A pool's governance parameters (spreads, oracle bounds, inventory limit); the factory's `TradingPoolParams` adds the asset, price, capacity and names. */
export type TradingPoolParams = {
  oracle: Address
  issuer: Address
  bidSpreadBps: number
  askSpreadBps: number
  maxDeviationBps: number
  maxOracleAgeSeconds: number
  /** Asset base units (held + at the issuer). */
  maxInventory: bigint
}

export type DeployTradingPoolParameters = {
  deployer: Account
  usds: Address
  asset: Address
  /** The Trading Halo Class's PAU: capital comes from and returns to its ALMProxy; swaps consume its RateLimits. */
  pau: { proxy: Address; rateLimits: Address }
  /** DEFAULT_ADMIN_ROLE (spreads, bounds, oracle, issuer, unpause, role grants): the BEAMTimeLock. */
  admin: Address
  /** OPERATOR_ROLE: lpha-amm's key (price sync, redemptions, capital back to the PAU). */
  operator: Address
  /** PAUSER_ROLE: the freezer. */
  pauser: Address
  params: TradingPoolParams
  referencePriceWad: bigint
}

/**
 * One Trading Halo Unit (a USDS/asset pool). It still needs CONTROLLER on the PAU's RateLimits
 * and limits under `poolRateLimitKeys(asset, pool)` before it can trade (a key without a limit
 * has nothing available): the Configurator's act, so only onboarded assets trade.
 */
export function deployTradingPool(clients: ChainClients, p: DeployTradingPoolParameters): Promise<Address> {
  return deployContract(clients, {
    abi: tradingPoolAbi,
    bytecode: tradingPoolBytecode,
    account: p.deployer,
    args: [p.usds, p.asset, p.pau.proxy, p.pau.rateLimits, p.admin, p.operator, p.pauser, p.params, p.referencePriceWad],
  })
}

export type TradingPoolShares = { token: Address; subscribeQueue: Address; redeemQueue: Address }

/**
 * The Unit's LCTS shares: a share token minted and burnt only by the pool, and an LCTS queue
 * pair (USDS → shares, shares → USDS) settling against the pool at its share value. `admin` is
 * the pool's admin (it wires the shares once) and keeps the queues' DEFAULT_ADMIN_ROLE; `pbeam`
 * (lpha-amm's key) locks and settles the queues. Dust thresholds are 0 so a settlement never
 * converts more than lpha-amm's capacity. The pool still needs limits under the `subscribe` and
 * `unsubscribe` keys of `poolRateLimitKeys(asset, pool)` before anything converts.
 */
export async function deployTradingPoolShares(
  clients: ChainClients,
  p: { admin: Account; pbeam: Address; pool: Address; usds: Address; name: string; symbol: string },
): Promise<TradingPoolShares> {
  const token = await deployContract(clients, { abi: lctsTokenAbi, bytecode: lctsTokenBytecode, args: [p.name, p.symbol, p.pool], account: p.admin })
  const { subscribeQueue, redeemQueue } = await deployLctsQueuePair(clients, { admin: p.admin, pbeam: p.pbeam, asset: p.usds, token, converter: p.pool })
  await writeAndWait(clients, p.admin, { address: p.pool, abi: tradingPoolAbi, functionName: 'wireShares', args: [token, subscribeQueue, redeemQueue] })
  return { token, subscribeQueue, redeemQueue }
}

export type DeployDevnetTBillReturnType = { tbill: Address; oracle: Address; issuer: Address }

/** Devnet T-bill (6 decimals), its NAV oracle (owner posts NAV) and an issuer settling after `settlementDelaySeconds`. */
export async function deployDevnetTBill(
  clients: ChainClients,
  p: { owner: Account; usds: Address; navWad: bigint; settlementDelaySeconds: bigint },
): Promise<DeployDevnetTBillReturnType> {
  const tbill = await deployContract(clients, { abi: devnetTBillAbi, bytecode: devnetTBillBytecode, args: [p.owner.address], account: p.owner })
  const oracle = await deployContract(clients, { abi: devnetNavOracleAbi, bytecode: devnetNavOracleBytecode, args: [p.owner.address, p.navWad], account: p.owner })
  const issuer = await deployContract(clients, {
    abi: devnetIssuerAbi,
    bytecode: devnetIssuerBytecode,
    args: [p.usds, tbill, oracle, p.settlementDelaySeconds],
    account: p.owner,
  })
  return { tbill, oracle, issuer }
}
