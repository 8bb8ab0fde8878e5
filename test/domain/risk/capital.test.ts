import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseUnitsExact } from '../../../src/domain/money.js'
import { allocateProRata } from '../../../src/domain/proRata.js'
import { categoryPenalties, coreHaloCapital } from '../../../src/domain/risk/capital.js'
import { parseCoreHalo } from '../../../src/domain/risk/coreHalo.js'
import { parseRiskFramework } from '../../../src/domain/risk/framework.js'
import { buildRiskReport } from '../../../src/domain/risk/report.js'
import { alert } from '../../../src/domain/risk/alerts.js'
import { SPARK, TEST_FRAMEWORK, TEST_FRAMEWORK_VERSION } from './fixtures.js'

const framework = parseRiskFramework(TEST_FRAMEWORK, TEST_FRAMEWORK_VERSION)
const usd = (value: string) => parseUnitsExact(value, 18)

const vault = (overrides: Record<string, unknown> = {}) =>
  parseCoreHalo({
    coreHaloId: 'spark-susds',
    parentPrime: SPARK,
    collateralType: 'ERC-4626 savings vault',
    riskModelRef: 'savings-vault',
    dataModel: { kind: 'erc4626-position', vault: `0x${'1'.repeat(40)}`, holder: `0x${'2'.repeat(40)}` },
    ...overrides,
  })

describe('capital formula for Core Halos (capital-formula.md)', () => {
  it('liquid position: size × max(risk weight 2%, FRTB drawdown 5%)', () => {
    const result = coreHaloCapital(framework, vault(), usd('10000000'))
    expect(result).toMatchObject({ ok: true, rateWad: usd('0.05'), capitalWad: usd('500000'), category: 'defi-savings' })
  })

  it('collateralized lending: size × max(risk weight 4%, gap-risk CRR 3%)', () => {
    expect(coreHaloCapital(framework, vault({ riskModelRef: 'morpho-lending' }), usd('1000'))).toMatchObject({ ok: true, rateWad: usd('0.04'), capitalWad: usd('40') })
  })

  it('a council haircut is a floor on the rate', () => {
    expect(coreHaloCapital(framework, vault({ staticParameters: { haircut: '0.07' } }), usd('1000'))).toMatchObject({ ok: true, rateWad: usd('0.07'), capitalWad: usd('70') })
  })

  it('an unknown risk model is an alert, not a number', () => {
    const result = coreHaloCapital(framework, vault({ riskModelRef: 'nope' }), usd('1000'))
    expect(result.ok).toBe(false)
    expect(!result.ok && result.alert.code).toBe('CORE_HALO_RISK_MODEL_UNKNOWN')
  })

  it('category cap: 1.5M of structured credit against a 1M cap puts 100% CRR on the 0.5M excess', () => {
    // 1.5M × 8% = 120k charged; in-cap 1M keeps 8% (80k) and the excess 500k carries 100%.
    const { penalties, alerts } = categoryPenalties(framework, [{ prime: SPARK, category: 'structured-credit', valueWad: usd('1500000'), capitalWad: usd('120000') }])
    expect(penalties).toEqual([{ prime: SPARK, category: 'structured-credit', exposureWad: usd('1500000'), capWad: usd('1000000'), penaltyWad: usd('460000') }])
    expect(alerts.map((a) => [a.code, a.entity])).toEqual([['CATEGORY_CAP_EXCEEDED', { type: 'prime', id: SPARK }]])
  })

  it('a Prime with a failed source is marked incomplete and gets no invented number', () => {
    const failed = alert('CORE_HALO_SOURCE_FAILED', { type: 'coreHalo', id: 'spark-susds' }, 'timeout')
    const report = buildRiskReport({ framework, sleeves: [], units: [], coreHalos: [{ coreHalo: vault(), value: { ok: false, alert: failed } }], now: new Date('2026-05-01T00:00:00Z') })
    expect(report.primes).toMatchObject([{ prime: SPARK, coreHaloCapitalWad: 0n, incomplete: true }])
    expect(report.totals.incomplete).toBe(true)
    expect(report.alerts).toEqual([failed])
  })

  it('refuses a malformed Core Halo entry with a typed error', () => {
    expect(() => vault({ dataModel: { kind: 'http-json', url: 'ftp://x', jsonPath: '$.nav' } })).toThrow(/Core Halo entry is invalid/)
  })
})

describe('pro-rata allocation of a sleeve\'s capital to its units', () => {
  it('splits exactly and never loses a base unit', () => {
    expect(allocateProRata(10n, [1n, 1n, 1n])).toEqual([4n, 3n, 3n])
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 30n }), fc.array(fc.bigInt({ min: 0n, max: 10n ** 27n }), { minLength: 1, maxLength: 20 }), (total, weights) => {
        const shares = allocateProRata(total, weights)
        const sum = weights.reduce((a, b) => a + b, 0n)
        if (sum === 0n) return shares.every((s) => s === 0n)
        expect(shares.reduce((a, b) => a + b, 0n)).toBe(total)
        shares.forEach((s, i) => {
          const exact = (total * weights[i]!) / sum
          expect(s - exact >= 0n && s - exact <= 1n).toBe(true)
        })
        return true
      }),
      { numRuns: 300 },
    )
  })
})
