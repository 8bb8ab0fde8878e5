import { parseUnitsExact } from '../../domain/money.js'
import type { PortfolioRiskBook } from '../../domain/risk/portfolio.js'
import { bookOf, PORTFOLIO_DECIMALS, type PortfolioBookRecord } from '../../synome/commands/portfolio/records.js'

/**
 * Portfolio Halo books as lpla-verify computes with them: the Synome's `portfolioBook` record
 * mapped onto the one domain book model (the same `bookOf` the Synome commands use), plus the
 * unit shares each Prime holds (`holders`, written from settlements' `byPrime`).
 */
export function toPortfolioRiskBook(record: PortfolioBookRecord): PortfolioRiskBook {
  return {
    classId: record.classId,
    book: bookOf(record),
    holders: new Map(record.units.map((u) => [u.unitId, new Map(Object.entries(u.holders ?? {}).map(([prime, shares]) => [prime.toLowerCase(), parseUnitsExact(shares, PORTFOLIO_DECIMALS, 'holders')]))])),
  }
}
