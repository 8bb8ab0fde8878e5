import { WAD, mulDiv, mulDivUp } from '../money.js'
import { allocateProRata } from '../proRata.js'
import { applyNavReport, assertBalanced, type HaloBook } from '../portfolio/book.js'
import { alert, type Alert } from './alerts.js'
import { addDuration } from './duration.js'
import type { RiskFramework } from './framework.js'

/**
 * CRR and required capital of Portfolio Halo books and units (issue 14), with the framework's
 * treatment of NAV-reported assets (`portfolio.navReported`, published by lpha-council).
 *
 * A book's assets are what its asset manager reports; nothing on chain can check them, so the
 * book carries a stressed loss: `rate` of its assets while the last NAV report is fresh, raised
 * by `stepRate` per started `every` once the report is older than `staleAfter` (capped at
 * `maxRate` and 100%) — the NAV-reported counterpart of a Term sleeve's missed re-attestation.
 *
 * The stressed loss is the book's required capital, and it is passed through the book's own
 * tranche waterfall (`applyNavReport`, src/domain/portfolio/book.ts — the one loss rule): each
 * unit's required capital is the part of the stressed loss it would absorb, so a junior unit
 * carries the first loss and a senior unit is charged only for what exceeds the junior's NAV.
 * Unit CRR = its capital ÷ its NAV. A Prime's share of a unit's capital is pro rata by the unit
 * shares it holds (the Synome's `holders`); shares not attributed to a Prime leave their part
 * unattributed. Values are USD WAD: the books' asset (USDS) counts at par.
 *
 * Rounding: the stressed loss rounds up (capital is never understated); splits are exact.
 * Without a `portfolio` treatment in the framework, or for a book record that does not balance,
 * the book is charged 100% of its assets and an alert says why.
 */
export type PortfolioRiskBook = {
  classId: string
  book: HaloBook
  /** unitId → Prime → unit shares held (18 decimals). */
  holders: ReadonlyMap<string, ReadonlyMap<string, bigint>>
}

export type PortfolioPrimeShare = { prime: string; sharesWad: bigint; requiredCapitalWad: bigint }

export type PortfolioUnitRisk = {
  unitId: string
  bookId: string
  classId: string
  rank: number
  navWad: bigint
  sharesWad: bigint
  crrWad: bigint
  requiredCapitalWad: bigint
  primes: PortfolioPrimeShare[]
  unattributedCapitalWad: bigint
}

export type PortfolioBookRisk = {
  bookId: string
  classId: string
  assetsWad: bigint
  lastReportAt: Date
  stale: boolean
  /** Started escalation intervals since the report went stale. */
  steps: number
  baseRateWad: bigint
  escalationWad: bigint
  /** The book's CRR: base + escalation (capped), or 100% without a treatment. */
  crrWad: bigint
  requiredCapitalWad: bigint
  units: PortfolioUnitRisk[]
  alerts: Alert[]
}

export type ComputePortfolioBookRiskParameters = { framework: RiskFramework; input: PortfolioRiskBook; now: Date }

/** Escalation steps of a NAV report last made at `lastReportAt` (0 while fresh), bounded by the cap. */
export function navStalenessSteps(treatment: NonNullable<RiskFramework['portfolio']>['navReported'], lastReportAt: Date, now: Date): number {
  const staleFrom = addDuration(lastReportAt, treatment.staleAfter)
  if (now.getTime() <= staleFrom.getTime()) return 0
  const headroom = treatment.maxRate > treatment.rate ? treatment.maxRate - treatment.rate : 0n
  const maxSteps = treatment.stepRate === 0n ? 1 : Math.max(1, Number((headroom + treatment.stepRate - 1n) / treatment.stepRate))
  let steps = 1
  let next = addDuration(staleFrom, treatment.every)
  while (steps < maxSteps && next.getTime() < now.getTime()) {
    steps += 1
    next = addDuration(next, treatment.every)
  }
  return steps
}

export function computePortfolioBookRisk({ framework, input, now }: ComputePortfolioBookRiskParameters): PortfolioBookRisk {
  const { book, classId } = input
  const entity = { type: 'book' as const, id: book.bookId }
  const alerts: Alert[] = []
  const lastReportAt = new Date(book.lastReportMs)
  const treatment = framework.portfolio?.navReported
  let baseRateWad = WAD
  let escalationWad = 0n
  let steps = 0
  let valid = true
  try {
    assertBalanced(book)
  } catch {
    valid = false
    alerts.push(alert('PORTFOLIO_BOOK_INVALID', entity, `book ${book.bookId} does not balance; charged 100%`, { assets: book.assets.toString() }))
  }
  if (!treatment) {
    alerts.push(alert('PORTFOLIO_TREATMENT_MISSING', entity, `framework ${framework.version} has no treatment of NAV-reported assets; book ${book.bookId} charged 100%`))
  } else if (valid) {
    baseRateWad = treatment.rate
    steps = navStalenessSteps(treatment, lastReportAt, now)
    if (steps > 0) {
      const ceiling = treatment.maxRate > treatment.rate ? treatment.maxRate : treatment.rate
      const raised = treatment.rate + treatment.stepRate * BigInt(steps)
      const capped = raised > ceiling ? ceiling : raised
      escalationWad = (capped > WAD ? WAD : capped) - treatment.rate
      alerts.push(alert('PORTFOLIO_NAV_STALE', entity, `book ${book.bookId} has no NAV report since ${lastReportAt.toISOString()}; CRR escalated`, { lastReportAt: lastReportAt.toISOString(), steps, escalationWad: escalationWad.toString() }))
    }
  }
  const crrWad = valid ? baseRateWad + escalationWad : WAD
  const stressedLoss = (() => {
    const loss = mulDivUp(book.assets, crrWad, WAD)
    return loss > book.assets ? book.assets : loss
  })()

  // Each unit's capital: what it absorbs of the stressed loss through the book's waterfall.
  const absorbed = new Map<string, bigint>()
  if (valid) {
    const at = new Date(Math.max(now.getTime(), book.lastReportMs))
    for (const m of applyNavReport({ book, reportedAssets: book.assets - stressedLoss, reportedAt: at }).movements) absorbed.set(m.unitId, -m.change)
  } else {
    for (const u of book.units) absorbed.set(u.unitId, u.nav)
  }
  const units = book.units.map((u): PortfolioUnitRisk => {
    const requiredCapitalWad = absorbed.get(u.unitId) ?? 0n
    const held = input.holders.get(u.unitId) ?? new Map<string, bigint>()
    const primes = [...held].filter(([, shares]) => shares > 0n).sort(([a], [b]) => a.localeCompare(b))
    const attributed = primes.reduce((sum, [, shares]) => sum + shares, 0n)
    const rest = u.shares > attributed ? u.shares - attributed : 0n
    const split = allocateProRata(requiredCapitalWad, [...primes.map(([, shares]) => shares), rest])
    const unattributed = primes.length === 0 && rest === 0n ? requiredCapitalWad : split.at(-1)!
    return {
      unitId: u.unitId,
      bookId: book.bookId,
      classId,
      rank: u.rank,
      navWad: u.nav,
      sharesWad: u.shares,
      crrWad: u.nav === 0n ? 0n : mulDiv(requiredCapitalWad, WAD, u.nav),
      requiredCapitalWad,
      primes: primes.map(([prime, sharesWad], i) => ({ prime, sharesWad, requiredCapitalWad: split[i]! })),
      unattributedCapitalWad: unattributed,
    }
  })
  const unitsCapital = units.reduce((sum, u) => sum + u.requiredCapitalWad, 0n)
  // A book that does not balance is charged the larger of its assets and its units' NAV.
  const requiredCapitalWad = valid || unitsCapital >= book.assets ? unitsCapital : book.assets
  return { bookId: book.bookId, classId, assetsWad: book.assets, lastReportAt, stale: steps > 0, steps, baseRateWad, escalationWad, crrWad, requiredCapitalWad, units, alerts }
}
