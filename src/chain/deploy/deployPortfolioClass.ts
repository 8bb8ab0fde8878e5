/**
 * A Portfolio Halo Class (contracts/portfolio): the class contract over one PAU's ALMProxy, and
 * per book its units, each an LCTS queue pair (contracts/lcts/LCTSQueue, reused unchanged:
 * USDS → unit shares, unit shares → USDS) with a PortfolioUnitToken. The class is LCTS pBEAM
 * and converter of every queue and the minter of every unit token; `settler` (lpha-lcts's key)
 * gets SETTLER on the class. `admin` keeps DEFAULT_ADMIN_ROLE on the class (adds books) and
 * on the queues (their converter). This helper deploys each contract with its constructor (a
 * devnet and test path); the Halo Factory deploys the same contracts as clones from a Portfolio
 * template (src/factory/chain.ts `deployClass` + `deployBook`).
 */
import { parseEventLogs, type Account, type Address } from 'viem'
import {
  lctsQueueAbi,
  lctsQueueBytecode,
  portfolioHaloClassAbi,
  portfolioHaloClassBytecode,
  portfolioUnitTokenAbi,
  portfolioUnitTokenBytecode,
} from '../generated/index.js'
import { deployContract, writeAndWait, type ChainClients } from '../devnet.js'

export type PortfolioUnitParameters = {
  name: string
  symbol: string
  /** 0 = most senior. */
  rank: number
  /** Annual target yield of a senior rank, bps; omit for the residual (most junior) rank. */
  targetRateBps?: bigint | undefined
  subscribeDustThreshold?: bigint | undefined
  redeemDustThreshold?: bigint | undefined
}

export type PortfolioBookParameters = { accrualSeconds: number; units: readonly PortfolioUnitParameters[] }

export type DeployPortfolioClassParameters = {
  admin: Account
  /** lpha-lcts's key. */
  settler: Address
  usds: Address
  /** The class PAU's ALMProxy. */
  almProxy: Address
  books: readonly PortfolioBookParameters[]
}

export type PortfolioUnitDeployment = { unitId: bigint; bookId: bigint; token: Address; subscribeQueue: Address; redeemQueue: Address }
export type DeployPortfolioClassReturnType = { haloClass: Address; books: { bookId: bigint; units: PortfolioUnitDeployment[] }[] }

export async function deployPortfolioClass(clients: ChainClients, p: DeployPortfolioClassParameters): Promise<DeployPortfolioClassReturnType> {
  const { admin } = p
  const haloClass = await deployContract(clients, { abi: portfolioHaloClassAbi, bytecode: portfolioHaloClassBytecode, args: [admin.address, p.settler, p.usds, p.almProxy], account: admin })
  const books: DeployPortfolioClassReturnType['books'] = []
  for (const book of p.books) {
    const configs = []
    for (const unit of book.units) {
      const token = await deployContract(clients, { abi: portfolioUnitTokenAbi, bytecode: portfolioUnitTokenBytecode, args: [unit.name, unit.symbol, haloClass], account: admin })
      const queue = (underlying: Address, reward: Address, dust: bigint) =>
        deployContract(clients, { abi: lctsQueueAbi, bytecode: lctsQueueBytecode, args: [underlying, reward, dust, admin.address, haloClass], account: admin })
      const subscribeQueue = await queue(p.usds, token, unit.subscribeDustThreshold ?? 0n)
      const redeemQueue = await queue(token, p.usds, unit.redeemDustThreshold ?? 0n)
      for (const q of [subscribeQueue, redeemQueue]) {
        await writeAndWait(clients, admin, { address: q, abi: lctsQueueAbi, functionName: 'setConverter', args: [haloClass] })
      }
      const residual = unit.targetRateBps === undefined
      configs.push({ rank: unit.rank, residual, rateBps: unit.targetRateBps ?? 0n, token, subscribeQueue, redeemQueue })
    }
    const receipt = await writeAndWait(clients, admin, { address: haloClass, abi: portfolioHaloClassAbi, functionName: 'addBook', args: [BigInt(book.accrualSeconds), configs] })
    const added = parseEventLogs({ abi: portfolioHaloClassAbi, eventName: 'UnitAdded', logs: receipt.logs })
    const bookId = added[0]!.args.bookId
    books.push({
      bookId,
      units: added.map((log) => ({ unitId: log.args.unitId, bookId, token: log.args.token, subscribeQueue: log.args.subscribeQueue, redeemQueue: log.args.redeemQueue })),
    })
  }
  return { haloClass, books }
}
