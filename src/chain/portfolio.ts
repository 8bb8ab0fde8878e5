/**
 * Reads of a Portfolio Halo Class on chain (contracts/portfolio/PortfolioHaloClass.sol) as the
 * domain's book (src/domain/portfolio/book.ts), so the beacon, the CLI and the tests compare
 * the chain with the pure model field by field. Unit ids are the contract's unit indexes as
 * decimal strings.
 */
import type { Address, Chain, PublicClient, Transport } from 'viem'
import type { HaloBook } from '../domain/portfolio/book.js'
import { portfolioHaloClassAbi } from './generated/index.js'

export type ChainPortfolioUnit = {
  unitId: bigint
  bookId: bigint
  rank: number
  residual: boolean
  rateBps: bigint
  token: Address
  subscribeQueue: Address
  redeemQueue: Address
  shares: bigint
  nav: bigint
  unaccruedGain: bigint
  accrualStart: bigint
}

export async function readChainUnit(publicClient: PublicClient<Transport, Chain>, haloClass: Address, unitId: bigint): Promise<ChainPortfolioUnit> {
  const u = await publicClient.readContract({ address: haloClass, abi: portfolioHaloClassAbi, functionName: 'unitOf', args: [unitId] })
  return { unitId, ...u, rank: Number(u.rank), accrualStart: BigInt(u.accrualStart) }
}

/** The book as the domain models it: assets, last report, accrual window and every unit's position. */
export async function readChainBook(publicClient: PublicClient<Transport, Chain>, haloClass: Address, bookId: bigint): Promise<HaloBook> {
  const book = await publicClient.readContract({ address: haloClass, abi: portfolioHaloClassAbi, functionName: 'bookOf', args: [bookId] })
  const units = await Promise.all(book.unitIds.map((id) => readChainUnit(publicClient, haloClass, id)))
  return {
    bookId: bookId.toString(),
    assets: book.assets,
    lastReportMs: Number(book.lastReportAt) * 1000,
    accrualSeconds: Number(book.accrualSeconds),
    units: units.map((u) => ({
      unitId: u.unitId.toString(),
      rank: u.rank,
      yield: u.residual ? { kind: 'residual' } : { kind: 'target', rateBps: u.rateBps },
      shares: u.shares,
      nav: u.nav,
      unaccruedGain: u.unaccruedGain,
      accrualStartMs: Number(u.accrualStart) * 1000,
    })),
  }
}
