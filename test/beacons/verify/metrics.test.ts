import { describe, expect, it } from 'vitest'
import { createVerifyMetrics, wholeUsdUp } from '../../../src/beacons/verify/metrics.js'
import { parseUnitsExact } from '../../../src/domain/money.js'
import type { RiskReport } from '../../../src/domain/risk/report.js'

const wad = (value: string) => parseUnitsExact(value, 18)
/** Only what the metrics read from a report. */
const report = (totalWad: bigint, primes: Record<string, bigint>, books: Record<string, bigint> = {}) =>
  ({
    totals: { requiredCapitalWad: totalWad, unattributedCapitalWad: 0n, incomplete: false },
    primes: Object.entries(primes).map(([prime, requiredCapitalWad]) => ({ prime, requiredCapitalWad })),
    portfolioBooks: Object.entries(books).map(([bookId, requiredCapitalWad]) => ({ bookId, requiredCapitalWad })),
  }) as unknown as RiskReport

/** The sample value as written in the exposition text. */
function sample(text: string, prime: string): string {
  const line = text.split('\n').find((l) => l.startsWith(`halo_verify_required_capital_usd{prime="${prime}"} `))
  if (!line) throw new Error(`no sample for ${prime}`)
  return line.split(' ')[1]!
}

describe('lpla-verify metrics never put an amount through a float', () => {
  it('a required capital with more digits than float64 holds is exported as exact whole USD, rounded up', async () => {
    const metrics = createVerifyMetrics()
    // 12,345,678,901.123456789012345678 USD: as a float this is 12345678901.123457 (not the amount).
    const total = wad('12345678901.123456789012345678')
    metrics.record({ alerts: [], raisedNow: [], report: report(total, { '0xprime': wad('2500000000.123456789') }), seconds: 0.1, at: new Date() })
    const text = await metrics.registry.metrics()
    expect(sample(text, 'total')).toBe('12345678902')
    expect(sample(text, '0xprime')).toBe('2500000001')
    // What the scraper stores (float64) is the same integer: no rounding anywhere.
    expect(BigInt(Number(sample(text, 'total')))).toBe(12_345_678_902n)
  })

  it('a Portfolio book’s required capital is exported in whole USD, rounded up (18,000,000.000000000000000001 → 18,000,001)', async () => {
    const metrics = createVerifyMetrics()
    metrics.record({ alerts: [], raisedNow: [], report: report(0n, {}, { alpha: wad('18000000') + 1n, beta: wad('9000000') }), seconds: 0, at: new Date() })
    const text = await metrics.registry.metrics()
    expect(text).toContain('halo_verify_portfolio_book_required_capital_usd{book="alpha"} 18000001')
    expect(text).toContain('halo_verify_portfolio_book_required_capital_usd{book="beta"} 9000000')
  })

  it('whole USD rounds up only a fraction (1,580,000.25 → 1,580,001; 200,000 stays 200,000; 0 stays 0)', () => {
    expect(wholeUsdUp(wad('1580000.25'))).toBe(1_580_001)
    expect(wholeUsdUp(wad('200000'))).toBe(200_000)
    expect(wholeUsdUp(1n)).toBe(1)
    expect(wholeUsdUp(0n)).toBe(0)
  })

  it('an amount no float64 holds exactly (2^53 USD and above) is +Inf, never a rounded-down figure', async () => {
    expect(wholeUsdUp(BigInt(Number.MAX_SAFE_INTEGER) * 10n ** 18n)).toBe(Number.MAX_SAFE_INTEGER)
    expect(wholeUsdUp(BigInt(Number.MAX_SAFE_INTEGER) * 10n ** 18n + 1n)).toBe(Number.POSITIVE_INFINITY)
    const metrics = createVerifyMetrics()
    metrics.record({ alerts: [], raisedNow: [], report: report(2n ** 80n * 10n ** 18n, {}), seconds: 0, at: new Date() })
    expect(sample(await metrics.registry.metrics(), 'total')).toBe('+Inf')
  })
})
