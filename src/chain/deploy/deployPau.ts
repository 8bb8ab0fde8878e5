import type { Account, Address } from 'viem'
import {
  almProxyAbi,
  almProxyBytecode,
  controllerAbi,
  controllerBytecode,
  rateLimitsAbi,
  rateLimitsBytecode,
} from '../generated/index.js'
import { deployContract, writeAndWait, type ChainClients } from '../devnet.js'

export type DeployPauParameters = {
  deployer: Account
  /** Gets DEFAULT_ADMIN_ROLE on Controller and RateLimits (the Configurator). */
  configurator: Address
  /** Gets DEFAULT_ADMIN_ROLE on the ALMProxy (who may add controllers: the timelock); also the Controller's `rescueRecipient`. */
  proxyAdmin: Address
  usds: Address
  usdc: Address
  psm: Address
  /**
   * Contracts that consume this PAU's limits themselves (an NFAT Facility's claims), deployed
   * once the PAU's addresses exist and granted CONTROLLER on its RateLimits before the deployer
   * renounces: the Configurator, RateLimits' admin, has no call that grants roles.
   */
  rateLimitControllers?: ((pau: DeployPauReturnType) => Promise<readonly Address[]>) | undefined
}

/** `pau` is the PAU's identifier in the Configurator: its ALMProxy (the custody address). */
export type DeployPauReturnType = { pau: Address; proxy: Address; controller: Address; rateLimits: Address }

/**
 * Controller + ALMProxy + RateLimits wired together: the controller is the only CONTROLLER
 * of the proxy and, with any `rateLimitControllers`, of the limits; admin roles go to the Configurator (and proxy admin), and the
 * deployer renounces every role it held, so nothing bypasses the Configurator Unit.
 */
export async function deployPau(clients: ChainClients, p: DeployPauParameters): Promise<DeployPauReturnType> {
  const { deployer } = p
  const rateLimits = await deployContract(clients, { abi: rateLimitsAbi, bytecode: rateLimitsBytecode, args: [deployer.address], account: deployer })
  const proxy = await deployContract(clients, { abi: almProxyAbi, bytecode: almProxyBytecode, args: [deployer.address], account: deployer })
  const controller = await deployContract(clients, {
    abi: controllerAbi,
    bytecode: controllerBytecode,
    args: [deployer.address, proxy, rateLimits, p.usds, p.usdc, p.psm, p.proxyAdmin],
    account: deployer,
  })
  const contracts: DeployPauReturnType = { pau: proxy, proxy, controller, rateLimits }
  const admin = '0x0000000000000000000000000000000000000000000000000000000000000000' as const
  const controllerRole = await clients.publicClient.readContract({ address: rateLimits, abi: rateLimitsAbi, functionName: 'CONTROLLER' })
  const consumers = (await p.rateLimitControllers?.(contracts)) ?? []
  const grants = [
    { address: rateLimits, role: controllerRole, account: controller },
    ...consumers.map((account) => ({ address: rateLimits, role: controllerRole, account })),
    { address: proxy, role: controllerRole, account: controller },
    { address: rateLimits, role: admin, account: p.configurator },
    { address: controller, role: admin, account: p.configurator },
    { address: proxy, role: admin, account: p.proxyAdmin },
  ]
  for (const g of grants) {
    await writeAndWait(clients, deployer, { address: g.address, abi: rateLimitsAbi, functionName: 'grantRole', args: [g.role, g.account] })
  }
  for (const address of [rateLimits, controller, proxy]) {
    await writeAndWait(clients, deployer, { address, abi: rateLimitsAbi, functionName: 'renounceRole', args: [admin, deployer.address] })
  }
  return contracts
}
