import { execFileSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { synomeKey } from '../../src/beacons/lcts/portfolio.js'
import { formatEntry, formatPortfolioOutcome } from '../../src/devnet/format.js'
import { runPortfolioScenario, type PortfolioScenarioOutcome, type PortfolioTimelineEntry } from '../../src/devnet/runPortfolioScenario.js'
import { isPortfolioScenario, loadAnyScenario, parseAnyScenario, ScenarioInvalidError, type PortfolioScenario } from '../../src/devnet/scenario.js'
import { formatUnitsExact, mulDiv, parseUnitsExact, WAD } from '../../src/domain/money.js'

/**
 * The seed-000 CLO example (examples/scenarios/clo.json) run for real: a fresh anvil, the
 * Portfolio class and its senior/junior book deployed through the Halo Factory, three Primes'
 * PAUs, the real lpha-lcts Portfolio cycle and the devnet manager, 64 days. The figures are the
 * file's description's, exact to the wei (block times are deterministic once the book opens).
 */
const u = (amount: string) => parseUnitsExact(amount, 18, 'amount')
const text = (value: bigint) => formatUnitsExact(value, 18)

describe('scenario: the seed-000 CLO example (senior/junior over one book)', () => {
  let outcome: PortfolioScenarioOutcome
  const entries: PortfolioTimelineEntry[] = []
  const navOn = (day: number) => outcome.timeline.find((e): e is Extract<PortfolioTimelineEntry, { kind: 'nav' }> => e.kind === 'nav' && e.day === day)
  const settlementsOn = (day: number) => outcome.timeline.filter((e): e is Extract<PortfolioTimelineEntry, { kind: 'settlement' }> => e.kind === 'settlement' && e.day === day)

  it('runs on a fresh devnet; chain = Synome, the Synome log verifies', async () => {
    const scenario = loadAnyScenario('examples/scenarios/clo.json')
    expect(isPortfolioScenario(scenario)).toBe(true)
    outcome = await runPortfolioScenario({ scenario: scenario as PortfolioScenario, onEntry: (e) => entries.push(e) })
    expect({ chainEqualsSynome: outcome.chainEqualsSynome, synomeLogVerified: outcome.synomeLogVerified }).toEqual({ chainEqualsSynome: true, synomeLogVerified: true })
    expect(entries).toEqual(outcome.timeline)
    // one NAV report a day from day 1, but the missed day 40
    expect(outcome.navReports).toBe(62)
    expect(navOn(40)).toBeUndefined()
  }, 180_000)

  it('days 0–2 build a 100M book, 80/20: every subscription converts in full', () => {
    const converted = [0, 1, 2].flatMap((d) => settlementsOn(d).map((s) => [d, s.unit, s.subscribed]))
    expect(converted).toEqual([[0, 'senior', '40000000'], [1, 'senior', '30000000'], [1, 'junior', '10000000'], [2, 'senior', '10000000'], [2, 'junior', '10000000']])
    const day2 = navOn(2)!
    expect(u(day2.units.senior.nav) + u(day2.units.junior.nav)).toBe(u('100026303.291424282229311315'))
  })

  it('the day-20 loss of 10% is absorbed by the junior first (halved); the senior stays whole; PORTFOLIO_NAV_DROP for one cycle', () => {
    const loss = outcome.timeline.find((e) => e.kind === 'manager' && e.day === 20)!
    const before = u('100399658.257330628665691352')
    const after = before - mulDiv(before, 1_000n, 10_000n)
    expect(loss.summary).toContain(`${text(before)} → ${text(after)} USDS`)
    const [day19, day20] = [navOn(19)!, navOn(20)!]
    // the senior's NAV does not move on the loss report, the junior's is the rest of the book
    expect(day20.units.senior.nav).toBe(day19.units.senior.nav)
    expect(day19.units.senior.nav).toBe('80204905.837924236751149609')
    expect(day19.units.junior.nav).toBe('20194752.419406391914541743')
    expect(day20.units.junior.nav).toBe('10174591.4577679257747231')
    // the reported book: the holdings after the loss plus the day's 8 % yield on them
    const reported = after + mulDiv(after, 800n, 10_000n * 365n)
    expect(u(day20.units.senior.nav) + u(day20.units.junior.nav)).toBe(reported)
    expect(u(day20.units.junior.navPerShare) > u('0.5') && u(day20.units.junior.navPerShare) < u('0.51')).toBe(true)
    // the senior's price never falls over the 64 days
    const seniorPrices = outcome.timeline.filter((e): e is Extract<PortfolioTimelineEntry, { kind: 'nav' }> => e.kind === 'nav').map((e) => u(e.units.senior.navPerShare))
    for (let i = 1; i < seniorPrices.length; i++) expect(seniorPrices[i]! >= seniorPrices[i - 1]!).toBe(true)
    expect(outcome.alerts[0]).toMatchObject({ code: 'PORTFOLIO_NAV_DROP', unit: 'junior', raisedAt: '2027-01-24T13:00:00Z', resolvedAt: '2027-01-25T13:00:00Z' })
  })

  it('the missed day-40 report halts new subscriptions for that cycle (PORTFOLIO_NAV_REPORT_MISSED on both units); day 41 resumes and converts the 5M', () => {
    expect(settlementsOn(40)).toEqual([expect.objectContaining({ unit: 'senior', subscribed: '0', halted: true, summary: expect.stringContaining('5000000 USDS stay queued') })])
    expect(settlementsOn(41)).toEqual([expect.objectContaining({ unit: 'senior', subscribed: '5000000', halted: false })])
    const missed = outcome.alerts.filter((a) => a.code === 'PORTFOLIO_NAV_REPORT_MISSED')
    expect(missed.map((a) => [a.unit, a.raisedAt, a.resolvedAt])).toEqual([
      ['senior', '2027-02-13T13:00:00Z', '2027-02-14T13:00:00Z'],
      ['junior', '2027-02-13T13:00:00Z', '2027-02-14T13:00:00Z'],
    ])
    expect(outcome.alerts).toHaveLength(3)
  })

  it('grove’s redemption of all its senior shares is paid on day 51 in one settlement (keel’s 1M nets against it, the manager returns the rest)', () => {
    const queued = outcome.timeline.find((e) => e.kind === 'tx' && e.action === 'redeem')!
    expect(queued).toMatchObject({ day: 50, actor: 'grove', summary: 'grove queues 29996438.474616017445065743 senior shares for redemption through its PAU' })
    expect(settlementsOn(51)).toEqual([expect.objectContaining({ unit: 'senior', subscribed: '1000000', redeemedShares: '29996438.474616017445065743' })])
    const paid = outcome.timeline.filter((e): e is Extract<PortfolioTimelineEntry, { kind: 'tx' }> => e.kind === 'tx' && e.action === 'claim')
    expect(paid.map((e) => [e.day, e.actor])).toEqual([[51, 'grove']])
    const grove = outcome.primes.find((p) => p.name === 'grove')!
    expect(grove).toEqual({ name: 'grove', subscribed: { senior: '30000000', junior: '10000000' }, shares: { senior: '0', junior: '10000000' }, paidUsds: '30201411.546120315756337928' })
    // ≈ 30M × (1 + 5 % × 49/365): the senior's target for the 49 days held, within 0.05 %
    const byHand = u('30000000') + mulDiv(u('30000000'), 500n * 49n, 10_000n * 365n)
    const diff = u(grove.paidUsds) - byHand
    expect(diff < 0n ? -diff : diff).toBeLessThan(mulDiv(byHand, 5n, 10_000n))
  })

  it('the outcome: final NAV per unit and per share, shares per Prime, USDS paid', () => {
    expect(outcome.units).toEqual({
      senior: { nav: '56444345.939817255176844018', shares: '55963858.480649746494446368', navPerShare: '1.008522358488943505' },
      junior: { nav: '10536736.773711365276753982', shares: '19995697.34895862918189892', navPerShare: '0.526790977372396715' },
    })
    expect(outcome.primes.map((p) => [p.name, p.shares.senior, p.shares.junior, p.paidUsds])).toEqual([
      ['spark', '44973148.253015400550006575', '0', '0'],
      ['grove', '0', '10000000', '30201411.546120315756337928'],
      ['keel', '10990710.227634345944439792', '9995697.34895862918189892', '0'],
    ])
    // every share outstanding is a Prime's (to the queues' rounding dust, a few wei)
    for (const t of ['senior', 'junior'] as const) {
      const held = outcome.primes.reduce((sum, p) => sum + u(p.shares[t]), 0n)
      const dust = u(outcome.units[t].shares) - held
      expect(dust >= 0n && dust < 100n).toBe(true)
    }
    // the senior's price ≈ 1 + 5 % × 62/365 (a period of the loss earned no target)
    expect(mulDiv(u(outcome.units.senior.navPerShare) - WAD, 10_000n * 365n, 500n * 62n)).toBeGreaterThan(u('0.99'))
  })

  it('prints a readable timeline and outcome', () => {
    const lines = outcome.timeline.map(formatEntry)
    expect(lines).toContain('day  40 13:00  ALERT warning PORTFOLIO_NAV_REPORT_MISSED: no NAV report for 133200 s (allowed 108000 s) (the senior unit takes no new subscriptions)')
    expect(lines.find((l) => l.startsWith('day   0 09:00  spark subscribes 40000000 USDS'))).toMatch(/tx 0x[0-9a-f]{64}$/)
    const printed = formatPortfolioOutcome(outcome)
    expect(printed).toContain('junior unit: NAV 10536736.773711365276753982 USDS, 19995697.34895862918189892 shares, NAV per share 0.526790977372396715')
    expect(printed).toContain('grove: subscribed senior 30000000 / junior 10000000 USDS; holds senior 0 / junior 10000000 shares; paid 30201411.546120315756337928 USDS')
    expect(JSON.stringify(outcome)).not.toMatch(/e\+\d/)
  })
})

describe('Portfolio scenario files: refusals name the field', () => {
  const valid = () => JSON.parse(JSON.stringify(loadAnyScenario('examples/scenarios/clo.json'))) as Record<string, any>
  const refusal = (input: unknown) => {
    try {
      parseAnyScenario(input)
    } catch (error) {
      expect(error).toBeInstanceOf(ScenarioInvalidError)
      return (error as ScenarioInvalidError).message
    }
    throw new Error('accepted')
  }

  it('the example parses; a Term file without "kind" still parses as a Term scenario', () => {
    expect(isPortfolioScenario(parseAnyScenario(valid()))).toBe(true)
    const term = loadAnyScenario('examples/scenarios/happy-path.json')
    expect(isPortfolioScenario(term)).toBe(false)
    expect(term).toMatchObject({ name: expect.any(String), sleevePolicy: expect.any(Object) })
  })

  it('bad amounts, units, fractions, days, ranges and unknown fields', () => {
    const s1 = valid()
    s1.primes[1].subscriptions[0].amount = '30M'
    expect(refusal(s1)).toMatch(/^scenario field primes\[1\]\.subscriptions\[0\]\.amount: an exact decimal amount/)
    const s2 = valid()
    s2.primes[0].subscriptions[0].unit = 'mezzanine'
    expect(refusal(s2)).toMatch(/^scenario field primes\[0\]\.subscriptions\[0\]\.unit:/)
    const s3 = valid()
    s3.losses[0].fraction = '1.5'
    expect(refusal(s3)).toMatch(/^scenario field losses\[0\]\.fraction: a decimal fraction between 0 and 1/)
    const s4 = valid()
    s4.missedNavReports = [70]
    expect(refusal(s4)).toBe('scenario field missedNavReports[0]: day 70 is after the last day (63)')
    const s5 = valid()
    s5.book.senior.capacity = '500'
    expect(refusal(s5)).toMatch(/^scenario field book\.senior\.capacity: a unit capacity between 1000000 and 100000000/)
    const s6 = valid()
    s6.haloClass = 'facility-A'
    expect(refusal(s6)).toMatch(/^scenario field \(root\): Unrecognized key/)
    const s7 = valid()
    delete s7.manager
    expect(refusal(s7)).toMatch(/^scenario field manager:/)
    const s8 = valid()
    s8.primes[1].redemptions[0].shares = 'half'
    expect(refusal(s8)).toMatch(/^scenario field primes\[1\]\.redemptions\[0\]\.shares:/)
    const s9 = valid()
    s9.classDailyLimit = '60000000'
    expect(refusal(s9)).toMatch(/^scenario field classDailyLimit: between 1000000 and 50000000/)
    const s10 = valid()
    s10.primes[2].name = 'spark'
    expect(refusal(s10)).toMatch(/^scenario field primes: prime names must be unique/)
  })

  it('a kind other than "portfolio" is read as a Term scenario and refused there by name', () => {
    expect(refusal({ ...valid(), kind: 'passthrough' })).toMatch(/^scenario field kind:/)
  })

  it('halo demo with a bad Portfolio file, or a Portfolio file and --rpc-url, prints why and starts nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'portfolio-scenario-'))
    const bad = valid()
    bad.losses[0].day = 64
    writeFileSync(join(dir, 'bad.json'), JSON.stringify(bad))
    const run = (args: string[]) => {
      try {
        return { status: 0, ...{ stdout: execFileSync(process.execPath, ['bin/halo.mjs', 'demo', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }), stderr: '' } }
      } catch (error) {
        const e = error as { status: number; stderr: string; stdout: string }
        return { status: e.status, stdout: e.stdout, stderr: e.stderr }
      }
    }
    const refused = run(['--scenario', join(dir, 'bad.json')])
    expect(refused).toMatchObject({ status: 1, stdout: '' })
    expect(refused.stderr).toContain('error [SCENARIO_INVALID]: scenario field losses[0].day: day 64 is after the last day (63)')
    expect(refused.stderr).not.toContain('starting anvil')
    const shared = run(['--scenario', 'examples/scenarios/clo.json', '--rpc-url', 'http://127.0.0.1:1'])
    expect(shared).toMatchObject({ status: 1, stdout: '' })
    expect(shared.stderr).toContain('SCENARIO_RUN_FAILED')
    expect(shared.stderr).not.toContain('starting anvil')
  })
})

describe('lpha-lcts Synome keys for factory books', () => {
  it('a key over 200 characters (a factory book id is <haloClass>:<salt>) is hashed, deterministically; a short one is kept', () => {
    const bookId = `0x${'ab'.repeat(20)}:0x${'cd'.repeat(32)}`
    const id = `${bookId}:${bookId.replaceAll(':', '-')}-nav-17`
    const key = synomeKey('portfolio-nav', id)
    expect(`portfolio-nav:${id}`.length).toBeGreaterThan(200)
    expect(key).toMatch(/^portfolio-nav:0x[0-9a-f]{64}$/)
    expect(synomeKey('portfolio-nav', id)).toBe(key)
    expect(synomeKey('portfolio-nav', `${id}x`)).not.toBe(key)
    expect(synomeKey('portfolio-settlement', 'clo:clo-senior:2027-01-04')).toBe('portfolio-settlement:clo:clo-senior:2027-01-04')
  })
})
