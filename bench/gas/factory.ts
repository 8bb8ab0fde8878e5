/**
 * Halo Factory section: deploying a Term class (PAU: ALMProxy, Controller, RateLimits) and one
 * extra Term unit (an NFAT Facility) through the factory (EIP-1167 clones, initialised, plus the
 * timelock batch it schedules), beside deploying the same contracts directly with their
 * constructors (and, for the class, deployPau's role wiring) in the same run. Target (issue 15):
 * an extra unit costs at most 0.2× its direct deployment.
 */
import type { Address, Hex } from 'viem'
import { keccak256, stringToHex } from 'viem'
import { deployNfatFacility } from '../../src/chain/deploy/deployNfatFacility.js'
import { deployPau } from '../../src/chain/deploy/deployPau.js'
import type { DevnetClients } from '../../src/chain/devnet.js'
import { deployClass, deployUnit } from '../../src/factory/chain.js'
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
  title: 'Halo Factory (a Term class and an extra unit, clones vs direct deployment)',
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

    return [
      { action: 'Term class via factory (3 clones + init + timelock batch)', gas: classGas, baseline: { action: 'PAU deployed directly (deployPau)', gas: directClassGas } },
      { action: 'extra Term unit via factory (NFAT Facility clone + init + batch)', gas: unitGas, baseline: { action: 'NFAT Facility deployed directly', gas: directUnitGas } },
    ]
  },
}
