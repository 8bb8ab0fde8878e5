import { readFileSync } from 'node:fs'
import { z } from 'zod'
import { allocatorPolicySchema } from '../beacons/allocator/config.js'
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
  /** A Term Halo scenario names no kind (or "term"); `"kind": "portfolio"` is PortfolioScenarioSchema. */
  kind: z.literal('term').optional(),
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

/**
 * A Portfolio Halo scenario (`"kind": "portfolio"`): one class with one book of a senior unit
 * (a target yield, first claim) and a junior unit (the residual, absorbs losses first), deployed
 * through the Halo Factory; Primes subscribe and redeem through their own PAUs; the devnet
 * asset manager earns a yield, can lose a fraction of its holdings or miss a NAV report; the
 * real lpha-lcts Portfolio cycle settles every day. Amounts are exact decimal strings of whole
 * USDS (up to six decimals); day n = `start` + n days, Primes act at 09:00, lpha-lcts at 13:00.
 */
const trancheName = z.enum(['senior', 'junior'])
const signalsSchema = z
  .strictObject({
    /** Halt when no NAV report is newer than this (the manager reports daily at 00:00; lpha-lcts runs at 13:00). */
    navReportMaxAgeHours: z.number().int().min(14).max(24 * 30).default(30),
    /** Halt for a cycle when NAV per share fell by more than this (bps) since the last cycle; omit to not watch. */
    navDropMaxBps: z.number().int().min(1).max(10_000).optional(),
  })
  .prefault({})
const unitSchema = z.strictObject({
  name: z.string().min(1).max(64),
  symbol: z.string().regex(/^[A-Z0-9-]{1,11}$/, 'upper-case letters, digits and dashes (e.g. "CLO-S")'),
  /** The unit's maximum NAV (lpha-lcts's subscription capacity), whole USDS: 1M to 100M (the devnet template's range). */
  capacity: amount,
  warningSignals: signalsSchema,
  /** The risk weight of the unit's capital model (its Unit Artifact's riskModelRef): what a Prime's allocator counts against its CRR budget. */
  riskWeight: fraction.default('0.1'),
})
export const PortfolioScenarioSchema = z.strictObject({
  kind: z.literal('portfolio'),
  name: z.string().min(1).max(200),
  description: z.string().max(4000).optional(),
  start: z.iso.datetime().default('2027-01-04T00:00:00Z'),
  days: z.number().int().min(1).max(400),
  book: z.strictObject({
    /** Days over which a reported gain accrues into NAV per share (losses apply at once): 0–30. */
    accrualDays: z.number().int().min(0).max(30).default(1),
    senior: unitSchema.extend({ targetYieldBps: z.number().int().min(0).max(2_000) }),
    junior: unitSchema,
  }),
  /** The class PAU's transfer limits (to the manager; to the class for redemptions), USDS a day: 1M–50M. */
  classDailyLimit: amount.default('50000000'),
  primes: z
    .array(
      z.strictObject({
        name: primeName,
        /** The Prime's PAU limit per queue (subscribe and redeem, each unit), USDS (or shares) a day. */
        dailyLimit: amount.default('50000000'),
        subscriptions: z.array(z.strictObject({ day, unit: trancheName, amount })).max(100).default([]),
        redemptions: z.array(z.strictObject({ day, unit: trancheName, shares: z.union([amount, z.literal('all')]) })).max(100).default([]),
        /**
         * The Prime's allocator (src/beacons/allocator, the real decision rule) instead of scripted
         * subscriptions into `unit`: it ticks at 09:00 each day through the Prime's own PAU;
         * `subscribeLimit` is the init governance approves for its subscribe key (GovOps set it
         * before day 0), and from then on GovOps apply each SORL step the allocator proposes when
         * it falls due. `capital` is the USDS in its ALMProxy; `policy` is `halo beacon
         * allocator`'s policy (docs/allocator.md).
         */
        allocator: z
          .strictObject({
            unit: trancheName,
            capital: amount,
            subscribeLimit: z.string().regex(/^\d+(\.\d+)?[KMB]?\/(day|hour)$/i, 'a rate like 2M/day'),
            policy: allocatorPolicySchema,
          })
          .optional(),
      }),
    )
    .min(1)
    .max(8)
    .refine((primes) => new Set(primes.map((p) => p.name)).size === primes.length, 'prime names must be unique'),
  manager: z.strictObject({
    /** What the manager earns on its holdings, annual bps, accrued daily. */
    annualYieldBps: z.number().int().min(0).max(5_000),
    /** Days after lpha-lcts asks before the manager returns redemption liquidity. */
    redemptionDelayDays: z.number().int().min(0).max(30).default(1),
  }),
  /** The manager's holdings lose this fraction at 09:00 that day (reported with the day's NAV). */
  losses: z.array(z.strictObject({ day, fraction: z.string().regex(/^0(\.\d{1,4})?$|^1(\.0{1,4})?$/, 'a decimal fraction between 0 and 1 with up to 4 decimals, e.g. "0.1"') })).max(20).default([]),
  /** The manager publishes no NAV report dated these days. */
  missedNavReports: z.array(day).max(50).default([]),
})
export type PortfolioScenario = z.output<typeof PortfolioScenarioSchema>
export type PortfolioScenarioInput = z.input<typeof PortfolioScenarioSchema>
export type AnyScenario = Scenario | PortfolioScenario

export const isPortfolioScenario = (s: AnyScenario): s is PortfolioScenario => s.kind === 'portfolio'

export class ScenarioInvalidError extends InvalidInputError {
  override name = 'ScenarioInvalidError'
  override readonly code: string = 'SCENARIO_INVALID'
}

function refuse(error: z.ZodError): never {
  const issues = error.issues.map((i) => ({ path: formatPath(i.path), message: i.message }))
  throw new ScenarioInvalidError(`scenario field ${issues[0]!.path || '(root)'}: ${issues[0]!.message}`, { details: z.prettifyError(error), meta: { issues } })
}
const refuseField = (path: string, message: string): never => {
  throw new ScenarioInvalidError(`scenario field ${path}: ${message}`, { meta: { issues: [{ path, message }] } })
}

/** Validate a scenario of either kind (`"kind": "portfolio"`, else Term); the error names every bad field by its path. */
export function parseAnyScenario(input: unknown): AnyScenario {
  if (typeof input === 'object' && input !== null && (input as { kind?: unknown }).kind === 'portfolio') return parsePortfolioScenario(input)
  return parseScenario(input)
}

/** Validate a Portfolio scenario; beyond the schema: days within the run, amounts within the template's and the PAU's ranges. */
export function parsePortfolioScenario(input: unknown): PortfolioScenario {
  const result = PortfolioScenarioSchema.safeParse(input)
  if (!result.success) refuse(result.error)
  const scenario = result.data
  const whole = (value: string) => Number(value.split('.')[0])
  for (const unit of ['senior', 'junior'] as const) {
    const capacity = whole(scenario.book[unit].capacity)
    if (capacity < 1_000_000 || capacity > 100_000_000) refuseField(`book.${unit}.capacity`, 'a unit capacity between 1000000 and 100000000 USDS (the devnet template)')
  }
  const limit = whole(scenario.classDailyLimit)
  if (limit < 1_000_000 || limit > 50_000_000) refuseField('classDailyLimit', 'between 1000000 and 50000000 USDS a day (the devnet template)')
  const late = (path: string, d: number) => {
    if (d >= scenario.days) refuseField(path, `day ${d} is after the last day (${scenario.days - 1})`)
  }
  for (const [i, p] of scenario.primes.entries()) {
    if (p.allocator && p.subscriptions.some((s) => s.unit === p.allocator!.unit)) refuseField(`primes[${i}].allocator.unit`, `the allocator decides ${p.name}'s subscriptions into the ${p.allocator.unit} unit: drop the scripted ones`)
    for (const [j, s] of p.subscriptions.entries()) late(`primes[${i}].subscriptions[${j}].day`, s.day)
    for (const [j, r] of p.redemptions.entries()) late(`primes[${i}].redemptions[${j}].day`, r.day)
  }
  for (const [i, l] of scenario.losses.entries()) late(`losses[${i}].day`, l.day)
  for (const [i, d] of scenario.missedNavReports.entries()) {
    late(`missedNavReports[${i}]`, d)
    if (d === 0) refuseField(`missedNavReports[${i}]`, 'the first NAV report is dated day 1')
  }
  return scenario
}

/** Validate a Term scenario; the error names every bad field by its path (e.g. `primes[0].deposits[1].amount`). */
export function parseScenario(input: unknown): Scenario {
  const result = ScenarioSchema.safeParse(input)
  if (!result.success) refuse(result.error)
  const scenario = result.data
  for (const [i, r] of scenario.returns.entries()) {
    if (r.day >= scenario.days) throw new ScenarioInvalidError(`scenario field returns[${i}].day: return on day ${r.day} is after the last day (${scenario.days - 1})`, { meta: { issues: [{ path: `returns[${i}].day`, message: 'after the last day' }] } })
  }
  return scenario
}

function readScenarioFile(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'))
  } catch (cause) {
    throw new ScenarioInvalidError(`cannot read scenario file ${file}`, { cause, details: (cause as Error).message })
  }
}

/** Read and validate a Term scenario file. */
export function loadScenario(file: string): Scenario {
  return parseScenario(readScenarioFile(file))
}

/** Read and validate a scenario file of either kind (`halo demo --scenario`). */
export function loadAnyScenario(file: string): AnyScenario {
  return parseAnyScenario(readScenarioFile(file))
}

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('')
}
