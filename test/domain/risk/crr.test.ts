import { describe, expect, it } from 'vitest'
import { parseUnitsExact } from '../../../src/domain/money.js'
import { computeSleeveRisk } from '../../../src/domain/risk/crr.js'
import { parseRiskFramework } from '../../../src/domain/risk/framework.js'
import { buildRiskReport } from '../../../src/domain/risk/report.js'
import { SEED_STEPS, SEED_UNITS, TEST_FRAMEWORK, TEST_FRAMEWORK_VERSION, GROVE, KEEL, SPARK, RISK_DATA_1_0 } from './fixtures.js'

const framework = parseRiskFramework(TEST_FRAMEWORK, TEST_FRAMEWORK_VERSION)
const usd = (value: string) => parseUnitsExact(value, 18)
const rate = (value: string) => parseUnitsExact(value, 18)

describe('CRR per sleeve state and sub-step — seed 004 happy path of sleeve-7 under the test framework', () => {
  // [step, time lpla-verify runs, expected CRR, expected sub-steps, expected required capital]
  const lifecycle = [
    ['created', '2026-03-15T10:00:00Z', '0', [], '0'],
    ['filling', '2026-03-19T12:00:00Z', '0.01', [], '750000'],
    ['offboardingStart', '2026-04-01T10:00:00Z', '0.01', ['usds-at-almproxy'], '750000'],
    ['offboardingConverted', '2026-04-01T10:10:00Z', '0.02', ['usdc-at-almproxy'], '1500000'],
    ['offboardingInTransit', '2026-04-01T11:00:00Z', '0.1', ['in-transit'], '7500000'],
    ['offboardingAtBank', '2026-04-02T14:30:00Z', '0.15', ['at-bank'], '11250000'],
    ['deploying', '2026-04-10T00:00:00Z', '0.3', [], '22500000'],
    ['atRest', '2026-05-01T00:00:00Z', '0.12', [], '9000000'],
    ['atRestReattested', '2026-08-01T00:00:00Z', '0.12', [], '9000000'],
    ['unwindingAtBank', '2026-10-01T10:00:00Z', '0.15', ['at-bank'], '11812500'],
    ['unwindingOnRamped', '2026-10-02T10:00:00Z', '0.02', ['usdc-at-almproxy'], '1575000'],
    ['unwindingAtRedeem', '2026-10-03T10:00:00Z', '0.01', ['usds-at-redeem'], '787500'],
    ['closed', '2026-10-05T11:00:00Z', '0', [], '0'],
  ] as const

  it.each(lifecycle)('%s at %s: CRR %s, sub-steps %j, required capital %s USD', (step, at, crr, subSteps, capital) => {
    const risk = computeSleeveRisk({ framework, sleeve: SEED_STEPS[step], now: new Date(at) })
    expect(risk.crrWad).toBe(rate(crr))
    expect(risk.subSteps).toEqual(subSteps)
    expect(risk.requiredCapitalWad).toBe(usd(capital))
    expect(risk.alerts).toEqual([])
  })

  it('orders the levels as the seed describes: FILLING low < AT_REST medium < DEPLOYING high', () => {
    const at = (step: keyof typeof SEED_STEPS, when: string) => computeSleeveRisk({ framework, sleeve: SEED_STEPS[step], now: new Date(when) }).crrWad
    const filling = at('filling', '2026-03-19T00:00:00Z')
    const atRest = at('atRest', '2026-05-01T00:00:00Z')
    const deploying = at('deploying', '2026-04-10T00:00:00Z')
    expect(filling < atRest && atRest < deploying).toBe(true)
  })

  it('reads "deploying — high CRR" per unit: 22.5M split 30/25/20 pro rata by principal', () => {
    const report = buildRiskReport({ framework, sleeves: [SEED_STEPS.deploying], units: SEED_UNITS, now: new Date('2026-04-10T00:00:00Z') })
    expect(report.units.map((u) => [u.unitId, u.requiredCapitalWad])).toEqual([
      ['42', usd('9000000')],
      ['43', usd('7500000')],
      ['44', usd('6000000')],
    ])
    expect(report.primes.map((p) => [p.prime, p.requiredCapitalWad])).toEqual(
      [
        [SPARK, usd('9000000')],
        [GROVE, usd('7500000')],
        [KEEL, usd('6000000')],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    )
    expect(report.totals.requiredCapitalWad).toBe(usd('22500000'))
  })

  it('uses the attested CRR when it is above the framework AT_REST rate', () => {
    const sleeve = structuredClone(SEED_STEPS.atRest)
    sleeve.assets[0]!.riskData = { ...RISK_DATA_1_0, data: { ...RISK_DATA_1_0.data, attestedCrr: '0.14' } }
    const risk = computeSleeveRisk({ framework, sleeve, now: new Date('2026-05-01T00:00:00Z') })
    expect(risk.crrWad).toBe(rate('0.14'))
    expect(risk.requiredCapitalWad).toBe(usd('10500000'))
  })

  it('charges each asset its own sub-step rate when an offboarding is split across steps', () => {
    const sleeve = structuredClone(SEED_STEPS.offboardingConverted)
    sleeve.assets = [
      { type: 'USDC', amount: '25000000', location: 'facility-ALMProxy' },
      { type: 'USDC', amount: '50000000', location: 'in-transit', initiatedAt: '2026-04-01T10:30:00Z' },
    ]
    const risk = computeSleeveRisk({ framework, sleeve, now: new Date('2026-04-01T11:00:00Z') })
    expect(risk.requiredCapitalWad).toBe(usd('500000') + usd('5000000'))
    expect(risk.subSteps).toEqual(['usdc-at-almproxy', 'in-transit'])
    expect(risk.crrWad).toBe(rate('0.073333333333333333'))
  })

  it('charges an unknown offboarding location the highest sub-step rate and says so', () => {
    const sleeve = structuredClone(SEED_STEPS.offboardingConverted)
    sleeve.assets = [{ type: 'USDC', amount: '75000000', location: 'somewhere-else' }]
    const risk = computeSleeveRisk({ framework, sleeve, now: new Date('2026-04-01T11:00:00Z') })
    expect(risk.crrWad).toBe(rate('0.15'))
    expect(risk.alerts.map((a) => [a.code, a.entity])).toEqual([['ASSET_LOCATION_UNKNOWN', { type: 'sleeve', id: 'sleeve-7' }]])
  })
})

describe('UNWINDING before the first funds return', () => {
  it('charges assets still deployed the AT_REST rate, without an unknown-location alert', () => {
    const sleeve = { ...SEED_STEPS.atRest, state: 'UNWINDING' as const }
    const risk = computeSleeveRisk({ framework, sleeve, now: new Date('2026-10-01T09:30:00Z') })
    expect(risk.crrWad).toBe(rate('0.12'))
    expect(risk.alerts).toEqual([])
  })
})
