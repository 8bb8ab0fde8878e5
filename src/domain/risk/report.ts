import { formatUnitsExact, parseUnitsExact, USDS_DECIMALS } from '../money.js'
import type { Alert } from './alerts.js'
import { allocateProRata } from '../proRata.js'
import { categoryPenalties, coreHaloCapital, type CoreHaloCapital } from './capital.js'
import type { CoreHalo } from './coreHalo.js'
import { computeSleeveRisk, type SleeveRisk } from './crr.js'
import type { RiskFramework } from './framework.js'
import { computePortfolioBookRisk, type PortfolioBookRisk, type PortfolioRiskBook } from './portfolio.js'
import type { RiskSleeve, RiskUnit } from './types.js'

/** A Core Halo and the outcome of fetching its live value (a number, or the alert instead). */
export type CoreHaloValuation = { coreHalo: CoreHalo; value: { ok: true; valueWad: bigint } | { ok: false; alert: Alert } }

export type UnitRisk = { unitId: string; sleeveId: string; prime: string; principalWad: bigint; requiredCapitalWad: bigint }
export type PrimeRisk = { prime: string; sleeveCapitalWad: bigint; portfolioCapitalWad: bigint; coreHaloCapitalWad: bigint; categoryPenaltyWad: bigint; requiredCapitalWad: bigint; incomplete: boolean }

export type RiskReport = {
  generatedAt: Date
  frameworkVersion: string
  sleeves: SleeveRisk[]
  units: UnitRisk[]
  primes: PrimeRisk[]
  coreHalos: CoreHaloCapital[]
  /** Portfolio Halo books with their units (src/domain/risk/portfolio.ts). */
  portfolioBooks: PortfolioBookRisk[]
  alerts: Alert[]
  totals: { requiredCapitalWad: bigint; unattributedCapitalWad: bigint; incomplete: boolean }
}

export type BuildRiskReportParameters = {
  framework: RiskFramework
  sleeves: readonly RiskSleeve[]
  units: readonly RiskUnit[]
  coreHalos?: readonly CoreHaloValuation[]
  portfolioBooks?: readonly PortfolioRiskBook[]
  /** Alerts found outside the pure rules (position verification). */
  extraAlerts?: readonly Alert[]
  now: Date
}

/**
 * The full CRR report: per sleeve (state rules), per unit (pro-rata share of its sleeve by
 * principal; CLOSED units carry nothing), per Core Halo (capital formula on live value), per
 * Prime (its units + its Portfolio unit shares + its Core Halos + category-cap penalties), per
 * Portfolio book and unit (NAV-reported assets, src/domain/risk/portfolio.ts). A Core Halo whose value could not
 * be fetched contributes no number: its Prime and the total are marked incomplete.
 */
export function buildRiskReport({ framework, sleeves, units, coreHalos = [], portfolioBooks = [], extraAlerts = [], now }: BuildRiskReportParameters): RiskReport {
  const alerts: Alert[] = []
  const sleeveRisks = sleeves.map((sleeve) => computeSleeveRisk({ framework, sleeve, now }))
  for (const s of sleeveRisks) alerts.push(...s.alerts)

  const unitsBySleeve = new Map<string, RiskUnit[]>()
  for (const unit of units) {
    if (unit.state === 'CLOSED') continue
    const list = unitsBySleeve.get(unit.sleeveId)
    if (list) list.push(unit)
    else unitsBySleeve.set(unit.sleeveId, [unit])
  }
  const primes = new Map<string, PrimeRisk>()
  const primeOf = (key: string) => {
    const id = key.toLowerCase()
    let entry = primes.get(id)
    if (!entry) primes.set(id, (entry = { prime: id, sleeveCapitalWad: 0n, portfolioCapitalWad: 0n, coreHaloCapitalWad: 0n, categoryPenaltyWad: 0n, requiredCapitalWad: 0n, incomplete: false }))
    return entry
  }

  const unitRisks: UnitRisk[] = []
  let unattributedCapitalWad = 0n
  for (const sleeve of sleeveRisks) {
    const linked = unitsBySleeve.get(sleeve.sleeveId) ?? []
    if (linked.length === 0) {
      unattributedCapitalWad += sleeve.requiredCapitalWad
      continue
    }
    const principals = linked.map((u) => parseUnitsExact(u.principal, USDS_DECIMALS, 'principal'))
    const shares = allocateProRata(sleeve.requiredCapitalWad, principals)
    linked.forEach((unit, i) => {
      const requiredCapitalWad = shares[i]!
      unitRisks.push({ unitId: unit.unitId, sleeveId: unit.sleeveId, prime: unit.depositor.toLowerCase(), principalWad: principals[i]!, requiredCapitalWad })
      primeOf(unit.depositor).sleeveCapitalWad += requiredCapitalWad
    })
  }

  const portfolioRisks = portfolioBooks.map((input) => computePortfolioBookRisk({ framework, input, now }))
  for (const book of portfolioRisks) {
    alerts.push(...book.alerts)
    unattributedCapitalWad += book.requiredCapitalWad - book.units.reduce((sum, u) => sum + u.requiredCapitalWad, 0n)
    for (const unit of book.units) {
      unattributedCapitalWad += unit.unattributedCapitalWad
      for (const p of unit.primes) primeOf(p.prime).portfolioCapitalWad += p.requiredCapitalWad
    }
  }

  const coreHaloRisks: CoreHaloCapital[] = []
  for (const { coreHalo, value } of coreHalos) {
    const result: CoreHaloCapital = value.ok ? coreHaloCapital(framework, coreHalo, value.valueWad) : { ok: false, coreHaloId: coreHalo.coreHaloId, parentPrime: coreHalo.parentPrime, alert: value.alert }
    coreHaloRisks.push(result)
    const prime = primeOf(coreHalo.parentPrime)
    if (result.ok) prime.coreHaloCapitalWad += result.capitalWad
    else {
      prime.incomplete = true
      alerts.push(result.alert)
    }
  }
  const caps = categoryPenalties(
    framework,
    coreHaloRisks.flatMap((c) => (c.ok ? [{ prime: c.parentPrime.toLowerCase(), category: c.category, valueWad: c.valueWad, capitalWad: c.capitalWad }] : [])),
  )
  for (const p of caps.penalties) primeOf(p.prime).categoryPenaltyWad += p.penaltyWad
  alerts.push(...caps.alerts, ...extraAlerts)

  let requiredCapitalWad = unattributedCapitalWad
  for (const p of primes.values()) {
    p.requiredCapitalWad = p.sleeveCapitalWad + p.portfolioCapitalWad + p.coreHaloCapitalWad + p.categoryPenaltyWad
    requiredCapitalWad += p.requiredCapitalWad
  }
  return {
    generatedAt: now,
    frameworkVersion: framework.version,
    sleeves: sleeveRisks,
    units: unitRisks,
    primes: [...primes.values()].sort((a, b) => a.prime.localeCompare(b.prime)),
    coreHalos: coreHaloRisks,
    portfolioBooks: portfolioRisks,
    alerts,
    totals: { requiredCapitalWad, unattributedCapitalWad, incomplete: coreHaloRisks.some((c) => !c.ok) },
  }
}

const usd = (wad: bigint) => formatUnitsExact(wad, 18)

/** JSON-safe form for `--json`, webhooks and the API: USD amounts and rates as exact strings. */
export function riskReportToJson(report: RiskReport) {
  return {
    generatedAt: report.generatedAt.toISOString(),
    frameworkVersion: report.frameworkVersion,
    totals: { requiredCapitalUsd: usd(report.totals.requiredCapitalWad), unattributedCapitalUsd: usd(report.totals.unattributedCapitalWad), incomplete: report.totals.incomplete, alerts: report.alerts.length },
    sleeves: report.sleeves.map((s) => ({
      sleeveId: s.sleeveId,
      haloClass: s.haloClass,
      state: s.state,
      subSteps: s.subSteps,
      valueUsd: usd(s.valueWad),
      crr: usd(s.crrWad),
      baseCrr: usd(s.baseRateWad),
      escalation: usd(s.escalationWad),
      requiredCapitalUsd: usd(s.requiredCapitalWad),
      reattestationDueAt: s.reattestation?.dueAt?.toISOString() ?? null,
    })),
    units: report.units.map((u) => ({ unitId: u.unitId, sleeveId: u.sleeveId, prime: u.prime, principal: usd(u.principalWad), requiredCapitalUsd: usd(u.requiredCapitalWad) })),
    primes: report.primes.map((p) => ({ prime: p.prime, sleeveCapitalUsd: usd(p.sleeveCapitalWad), portfolioCapitalUsd: usd(p.portfolioCapitalWad), coreHaloCapitalUsd: usd(p.coreHaloCapitalWad), categoryPenaltyUsd: usd(p.categoryPenaltyWad), requiredCapitalUsd: usd(p.requiredCapitalWad), incomplete: p.incomplete })),
    coreHalos: report.coreHalos.map((c) =>
      c.ok
        ? { coreHaloId: c.coreHaloId, parentPrime: c.parentPrime, category: c.category, valueUsd: usd(c.valueWad), crr: usd(c.rateWad), requiredCapitalUsd: usd(c.capitalWad) }
        : { coreHaloId: c.coreHaloId, parentPrime: c.parentPrime, valueUsd: null, crr: null, requiredCapitalUsd: null, alert: c.alert.code },
    ),
    portfolioBooks: report.portfolioBooks.map((b) => ({
      bookId: b.bookId,
      classId: b.classId,
      assetsUsd: usd(b.assetsWad),
      lastReportAt: b.lastReportAt.toISOString(),
      stale: b.stale,
      crr: usd(b.crrWad),
      baseCrr: usd(b.baseRateWad),
      escalation: usd(b.escalationWad),
      requiredCapitalUsd: usd(b.requiredCapitalWad),
      units: b.units.map((u) => ({
        unitId: u.unitId,
        rank: u.rank,
        navUsd: usd(u.navWad),
        crr: usd(u.crrWad),
        requiredCapitalUsd: usd(u.requiredCapitalWad),
        unattributedCapitalUsd: usd(u.unattributedCapitalWad),
        primes: u.primes.map((p) => ({ prime: p.prime, shares: usd(p.sharesWad), requiredCapitalUsd: usd(p.requiredCapitalWad) })),
      })),
    })),
    alerts: report.alerts,
  }
}
export type RiskReportJson = ReturnType<typeof riskReportToJson>
