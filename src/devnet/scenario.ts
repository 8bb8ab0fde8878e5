import { readFileSync } from 'node:fs'
import { z } from 'zod'
import { InvalidInputError } from '../domain/errors.js'

/**
 * A scenario file for `halo demo --scenario`: who deposits what and when, the sleeve policy,
 * the deal pipeline, what comes back from deployment and when, how the attestor behaves, and
 * how many days to run. Amounts are exact decimal strings in whole USDS/USD ("26.25" is not
 * millions: write "26250000"). Days count from the scenario start (day 0 = 2026-03-15T10:00Z
 * by default).
 */
const amount = z.string().regex(/^\d+(\.\d{1,6})?$/, 'an exact decimal amount, e.g. "30000000" or "1250.5"')
const fraction = z.string().regex(/^(0(\.\d{1,18})?|1(\.0{1,18})?)$/, 'a decimal fraction between 0 and 1, e.g. "0.8"')
const day = z.number().int().min(0).max(3650)
const primeName = z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'lowercase letters, digits and dashes (e.g. "spark")')

export const ScenarioSchema = z.strictObject({
  name: z.string().min(1).max(200),
  description: z.string().max(2000).optional(),
  start: z.iso.datetime().default('2026-03-15T10:00:00Z'),
  days: z.number().int().min(1).max(3650),
  haloClass: z.string().regex(/^[a-zA-Z0-9-]{1,64}$/).default('facility-A'),
  primes: z
    .array(
      z.strictObject({
        name: primeName,
        deposits: z.array(z.strictObject({ day, amount })).min(1).max(100),
        /** When the Prime burns its NFATs (days); omitted = the day after repayment is available. */
        redeemDays: z.array(day).max(100).optional(),
      }),
    )
    .min(1)
    .max(16)
    .refine((primes) => new Set(primes.map((p) => p.name)).size === primes.length, 'prime names must be unique'),
  /** lpha-nfat's sleeve policy. A new sleeve's target size is the pipeline's total (as the beacon computes it). */
  sleevePolicy: z.strictObject({
    minUnits: z.number().int().min(1).max(100),
    maxWaitDays: z.number().int().min(1).max(365),
    minUnitAmount: amount.default('1'),
    maxUnitShareBps: z.number().int().min(1).max(10_000).default(10_000),
    splitDepositorQueue: z.boolean().default(true),
  }),
  /** Expected deals; a new sleeve targets their total. */
  pipeline: z.array(z.strictObject({ name: z.string().min(1).max(64), amount })).min(1).max(50),
  dealTerms: z.strictObject({ apy: z.string().regex(/^\d+(\.\d+)?$/), termDays: z.number().int().min(1).max(3650) }),
  /** What the bank reports back from deployment: an amount, or a recovery fraction of the principal. */
  returns: z
    .array(
      z.union([
        z.strictObject({ day, sleeveId: z.string().optional(), amount, final: z.boolean().default(true) }),
        z.strictObject({ day, sleeveId: z.string().optional(), recoveryFraction: fraction, final: z.boolean().default(true) }),
      ]),
    )
    .max(20)
    .default([]),
  attestation: z
    .strictObject({
      periodicCadenceDays: z.number().int().min(1).max(730).default(90),
      atRestAfterDays: z.number().int().min(0).max(365).default(13),
      /** The attestor is offline on these days (inclusive): nothing it would post is posted. */
      missed: z.array(z.strictObject({ fromDay: day, toDay: day })).max(20).default([]),
    })
    .prefault({}),
  bank: z.strictObject({ receiptDelayHours: z.number().min(0).max(24 * 30).default(20) }).prefault({}),
})

export type Scenario = z.output<typeof ScenarioSchema>
export type ScenarioInput = z.input<typeof ScenarioSchema>

export class ScenarioInvalidError extends InvalidInputError {
  override name = 'ScenarioInvalidError'
  override readonly code: string = 'SCENARIO_INVALID'
}

/** Validate a scenario; the error names every bad field by its path (e.g. `primes[0].deposits[1].amount`). */
export function parseScenario(input: unknown): Scenario {
  const result = ScenarioSchema.safeParse(input)
  if (!result.success) {
    const issues = result.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message }))
    throw new ScenarioInvalidError(`scenario field ${issues[0]!.path || '(root)'}: ${issues[0]!.message}`, { details: z.prettifyError(result.error), meta: { issues } })
  }
  const scenario = result.data
  for (const [i, r] of scenario.returns.entries()) {
    if (r.day >= scenario.days) throw new ScenarioInvalidError(`scenario field returns[${i}].day: return on day ${r.day} is after the last day (${scenario.days - 1})`, { meta: { issues: [{ path: `returns[${i}].day`, message: 'after the last day' }] } })
  }
  return scenario
}

export function loadScenario(file: string): Scenario {
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'))
  } catch (cause) {
    throw new ScenarioInvalidError(`cannot read scenario file ${file}`, { cause, details: (cause as Error).message })
  }
  return parseScenario(raw)
}

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('')
}
