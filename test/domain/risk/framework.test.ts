import { describe, expect, it } from 'vitest'
import { InvalidInputError } from '../../../src/domain/errors.js'
import { addDuration, parseDuration } from '../../../src/domain/risk/duration.js'
import { parseRiskFramework } from '../../../src/domain/risk/framework.js'
import { TEST_FRAMEWORK, TEST_FRAMEWORK_VERSION } from './fixtures.js'

describe('risk framework document', () => {
  it('compiles rates to WAD and durations, leaving the published JSON untouched', () => {
    const before = JSON.stringify(TEST_FRAMEWORK)
    const framework = parseRiskFramework(TEST_FRAMEWORK, TEST_FRAMEWORK_VERSION)
    expect(framework.crr.DEPLOYING).toBe(3n * 10n ** 17n)
    expect(framework.crr.OFFBOARDING['in-transit']).toBe(10n ** 17n)
    expect(framework.reattestation.cadence).toEqual({ months: 3, seconds: 0 })
    expect(framework.validators.get('1.0')?.({ weightedAverageDurationMonths: '9', investmentGradeShare: '1' })).toBe(true)
    expect(JSON.stringify(TEST_FRAMEWORK)).toBe(before)
  })

  const broken: [string, (doc: any) => void, string][] = [
    ['a rate above 100%', (d) => (d.crr.DEPLOYING = '1.5'), 'crr.DEPLOYING'],
    ['a float rate', (d) => (d.crr.FILLING = 0.01), 'crr.FILLING'],
    ['a missing OFFBOARDING sub-step', (d) => delete d.crr.OFFBOARDING['in-transit'], 'crr.OFFBOARDING.in-transit'],
    ['an unknown sub-step', (d) => (d.crr.UNWINDING['on-the-moon'] = '0.1'), 'crr.UNWINDING'],
    ['a cadence that is not a duration', (d) => (d.reattestation.cadence = 'quarterly'), 'reattestation.cadence'],
    ['a zero escalation step', (d) => (d.reattestation.escalation.every = '0d'), 'reattestation.escalation.every'],
    ['no accepted schema version', (d) => (d.riskData.schemaVersions = {}), 'riskData.schemaVersions'],
    ['an unknown risk model kind', (d) => (d.capitalFormula.riskModels.x = { kind: 'magic', riskWeight: '0.1', category: 'c' }), 'capitalFormula.riskModels.x.kind'],
  ]
  it.each(broken)('refuses %s with a typed error naming the field', (_name, mutate, path) => {
    const doc = structuredClone(TEST_FRAMEWORK)
    mutate(doc)
    const error = (() => {
      try {
        parseRiskFramework(doc, 'v')
      } catch (e) {
        return e
      }
    })() as InvalidInputError
    expect(error).toBeInstanceOf(InvalidInputError)
    expect(error.code).toBe('INVALID_INPUT')
    expect((error.meta?.issues as { path: string }[]).map((i) => i.path)).toContain(path)
  })

  it('refuses a risk-data JSON Schema that does not compile', () => {
    const doc = structuredClone(TEST_FRAMEWORK) as any
    doc.riskData.schemaVersions['1.0'].jsonSchema = { type: 'not-a-type' }
    expect(() => parseRiskFramework(doc, 'v')).toThrow(/schemaVersion 1.0 has an invalid JSON Schema/)
  })
})

describe('durations', () => {
  it('reads the attestor\'s "90d" and calendar quarters "P3M" (Apr 15 → Jul 15)', () => {
    expect(parseDuration('90d')).toEqual({ months: 0, seconds: 90 * 86_400 })
    expect(addDuration(new Date('2026-04-15T09:00:00Z'), parseDuration('P3M')).toISOString()).toBe('2026-07-15T09:00:00.000Z')
    expect(addDuration(new Date('2026-01-31T00:00:00Z'), parseDuration('P1M')).toISOString()).toBe('2026-02-28T00:00:00.000Z')
    expect(addDuration(new Date('2026-01-01T00:00:00Z'), parseDuration('P1DT12H')).toISOString()).toBe('2026-01-02T12:00:00.000Z')
  })
  it.each(['', 'P', 'PT', '90', '90 d', '-1d', '1.5d', 'P1.5M'])('refuses %j', (value) => {
    expect(() => parseDuration(value)).toThrow(InvalidInputError)
  })
})
