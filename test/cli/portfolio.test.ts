/**
 * A Portfolio class in a PGlite Synome, read three ways: lpla-verify's CRR per unit, book and
 * Prime (through the same synomeReader the beacon uses), then `halo portfolio status` and
 * `halo portfolio unit` on the data directory. Book alpha: senior 80M (A 50M, B 20M, C 10M),
 * junior 20M (C); a flat report on day 1, a fall to 90M on day 2 (the junior halves).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseUnits } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runVerify } from '../../src/beacons/verify/reconcile.js'
import { synomeReader } from '../../src/beacons/verify/synomeReader.js'
import { createInProcessClient } from '../../src/synome/client/inProcess.js'
import { runHalo } from '../support/cli.js'
import { createDashboardApi } from '../../src/dashboard/api.js'
import { createSnapshots } from '../../src/dashboard/snapshot.js'
import { council, prime, seedPortfolioSynome, type PortfolioSeed } from '../dashboard/portfolioSeed.js'

const m = (v: string) => parseUnits(v, 18)
const dataDir = mkdtempSync(join(tmpdir(), 'halo-portfolio-cli-'))
let seed: PortfolioSeed
let service: PortfolioSeed['service']
const as = (account: typeof council) => seed.as(account)

beforeAll(async () => {
  seed = await seedPortfolioSynome(dataDir)
  service = seed.service
})
afterAll(async () => {
  rmSync(dataDir, { recursive: true, force: true })
})

describe('lpla-verify on a Portfolio book (devnet framework: 10%, +5% per started day after 2 days stale)', () => {
  const verifyAt = (iso: string) => runVerify({ reader: synomeReader(as(council)), sources: { clients: {} }, now: new Date(iso) })

  it('fresh: 10% of 90M = 9M, all on the junior (NAV 10M, CRR 0.9), all Prime C’s', async () => {
    const run = await verifyAt('2026-01-03T12:00:00Z')
    if (!run.ok) throw new Error('verify failed')
    const [book] = run.report.portfolioBooks
    expect(book).toMatchObject({ bookId: 'alpha', crrWad: m('0.1'), requiredCapitalWad: m('9000000'), stale: false })
    expect(book!.units.map((u) => [u.unitId, u.requiredCapitalWad, u.crrWad])).toEqual([['alpha-senior', 0n, 0n], ['alpha-junior', m('9000000'), m('0.9')]])
    expect(run.report.primes.map((p) => [p.prime, p.portfolioCapitalWad])).toEqual([[prime.a, 0n], [prime.b, 0n], [prime.c, m('9000000')]])
  })

  it('3½ days after the report: 20% → 18M: junior 10M, senior 8M split A 5M, B 2M, C 1M; PORTFOLIO_NAV_STALE', async () => {
    const run = await verifyAt('2026-01-06T12:00:00Z')
    if (!run.ok) throw new Error('verify failed')
    expect(run.report.portfolioBooks[0]).toMatchObject({ crrWad: m('0.2'), requiredCapitalWad: m('18000000'), steps: 2 })
    expect(run.report.primes.map((p) => [p.prime, p.portfolioCapitalWad])).toEqual([[prime.a, m('5000000')], [prime.b, m('2000000')], [prime.c, m('11000000')]])
    expect(run.report.alerts.map((a) => a.code)).toContain('PORTFOLIO_NAV_STALE')
    expect(run.report.totals.requiredCapitalWad).toBe(m('18000000'))
  })
})

describe('the dashboard API serves the same Portfolio views', () => {
  it('GET /portfolio/classes/:class and /portfolio/units/:unit; an unknown unit is a 404 problem', async () => {
    const api = createDashboardApi({ synome: createInProcessClient({ service }), snapshots: createSnapshots({ synome: createInProcessClient({ service }), sources: { clients: {} } }), clock: () => new Date('2026-01-03T06:00:00Z') })
    const cls = await (await api.request('/portfolio/classes/clo')).json()
    expect(cls.books[0]).toMatchObject({ bookId: 'alpha', assets: '90000000', balanced: true })
    // six hours after the fall: the junior's NAV drop is up, no report is missed yet
    expect(cls.books[0].units[1].signals.map((s: { code: string }) => s.code)).toEqual(['PORTFOLIO_NAV_DROP'])
    const unit = await (await api.request('/portfolio/units/alpha-senior')).json()
    expect(unit).toMatchObject({ unitId: 'alpha-senior', tranche: { subordination: '10000000' }, holders: { [prime.a]: '50000000' } })
    const missing = await api.request('/portfolio/units/nope')
    expect(missing.status).toBe(404)
    expect(await missing.json()).toMatchObject({ code: 'NOT_FOUND' })
  })
})

describe('halo portfolio status / unit', () => {
  beforeAll(async () => {
    // Prime C redeems half its junior shares at the junior's price 0.5, then the store is closed
    await seed.redeemHalfJunior()
    await service.close()
  })

  it('status <class> --json: the book balances; units with tranche, NAV per share and signals', async () => {
    const run = await runHalo('portfolio', 'status', 'clo', '--data-dir', dataDir, '--json')
    expect(run.stderr).toBe('')
    const status = JSON.parse(run.stdout)
    expect(status).toMatchObject({ classId: 'clo', name: 'CLO Tranched' })
    const [book] = status.books
    expect(book).toMatchObject({ bookId: 'alpha', assets: '85000000', liabilities: '85000000', balanced: true, lastReport: { reportId: 'nav-2', kind: 'loss', amount: '10000000' } })
    expect(book.units[0]).toMatchObject({ unitId: 'alpha-senior', seniority: 'senior', nav: '80000000', navPerShare: '1', tranche: { subordination: '5000000' } })
    expect(book.units[1]).toMatchObject({ unitId: 'alpha-junior', seniority: 'junior', shares: '10000000', nav: '5000000', navPerShare: '0.5', holders: { [prime.c]: '10000000' } })
    // the junior's price fell 50% between the last two reports; no report for far longer than 26 h
    expect(book.units[1].signals.map((s: { code: string }) => s.code)).toEqual(['PORTFOLIO_NAV_DROP', 'PORTFOLIO_NAV_REPORT_MISSED'])
    expect(book.units[0].signals.map((s: { code: string }) => s.code)).toEqual(['PORTFOLIO_NAV_REPORT_MISSED'])
  })

  it('unit <unit> --json: tranche position, NAV history, settlements, no LCTS queue record yet', async () => {
    const run = await runHalo('portfolio', 'unit', 'alpha-junior', '--data-dir', dataDir, '--json')
    const unit = JSON.parse(run.stdout)
    expect(unit).toMatchObject({ unitId: 'alpha-junior', bookId: 'alpha', classId: 'clo', rank: 1, seniority: 'junior', tranche: { subordination: '0', attachment: '0', detachment: '0.058823529411764705' }, queues: null })
    expect(unit.navHistory).toEqual([
      { reportedAt: '2026-01-02T00:00:00.000Z', nav: '20000000', shares: '20000000', navPerShare: '1' },
      { reportedAt: '2026-01-03T00:00:00.000Z', nav: '10000000', shares: '20000000', navPerShare: '0.5' },
    ])
    expect(unit.settlements).toEqual([
      { epoch: '2026-01-01', settledAt: '2026-01-01T16:00:00.000Z', subscribed: '20000000', redeemedShares: '0', sharesMinted: '20000000', amountPaid: '0' },
      { epoch: '2026-01-03', settledAt: '2026-01-03T16:00:00.000Z', subscribed: '0', redeemedShares: '10000000', sharesMinted: '0', amountPaid: '5000000' },
    ])
    const senior = JSON.parse((await runHalo('portfolio', 'unit', 'alpha-senior', '--data-dir', dataDir, '--json')).stdout)
    expect(senior.tranche).toMatchObject({ subordination: '5000000', attachment: '0.058823529411764705', detachment: '1' })
  })

  it('prints a readable summary, and an unknown unit is NOT_FOUND with exit code 1', async () => {
    const run = await runHalo('portfolio', 'unit', 'alpha-senior', '--data-dir', dataDir)
    expect(run.stdout).toContain('tranche: rank 0 (senior), target 500 bps; subordination 5000000')
    expect(run.stdout).toContain(`${prime.a} holds 50000000 shares`)
    expect(run.stdout).toContain('migration path (Unit Artifact): transfer the CLO positions to the backup manager under the class SPV (Unit Artifact §7)')
    const missing = await runHalo('portfolio', 'unit', 'nope', '--data-dir', dataDir, '--json')
    expect(missing.code).toBe(1)
    expect(JSON.parse(missing.stderr)).toMatchObject({ code: 'NOT_FOUND' })
  })
})
