import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { cycleConfigOf, isPortfolioBeaconConfig, parsePortfolioBeaconConfig } from '../../../src/beacons/lcts/portfolioConfig.js'
import { openDurableDevnetAssetManager } from '../../../src/portfolio/manager/durableSimulator.js'

const a = (n: string) => `0x${n.repeat(40)}`
const key = `0x${'ab'.repeat(32)}`
const base = {
  kind: 'portfolioClass', classId: 'clo', bookId: 'clo', chainBookId: 0, rpcUrl: 'http://127.0.0.1:8545', privateKey: key,
  synome: { url: 'http://127.0.0.1:8787' }, chain: { haloClass: a('1'), usds: a('2') }, pau: { controller: a('3'), rateLimits: a('4'), almProxy: a('5') }, managerEndpoint: a('6'),
  units: [{ unitId: 'clo-senior', chainUnitId: 0, maxNav: '500000', warningSignals: { navDrop: { maxDropBps: 500 } } }, { unitId: 'clo-junior', chainUnitId: '1' }],
  manager: { kind: 'simulator', openedAt: '2027-01-04T00:00:00.000Z', annualYieldBps: 800, redemptionDelaySeconds: 86_400, endpointPrivateKey: key },
}
const refusedAt = (raw: unknown, env: NodeJS.ProcessEnv = {}) => {
  try {
    parsePortfolioBeaconConfig(raw, env)
  } catch (error) {
    return (error as { meta?: { field?: string } }).meta?.field
  }
  throw new Error('accepted')
}
const dirs: string[] = []
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })))

describe('lpha-lcts for a Portfolio class: the config file', () => {
  it('accepts the ids the Halo Factory ingestion gives a class and a book (0x<class>, 0x<class>:0x<salt>); refuses ids the Synome would refuse', () => {
    const classId = a('c')
    const bookId = `${classId}:0x${'d'.repeat(64)}`
    expect(parsePortfolioBeaconConfig({ ...base, classId, bookId }, {})).toMatchObject({ classId, bookId })
    expect(refusedAt({ ...base, bookId: `${bookId}${'e'.repeat(20)}` })).toBe('bookId')
    expect(refusedAt({ ...base, classId: ':clo' })).toBe('classId')
    expect(refusedAt({ ...base, bookId: 'clo/1' })).toBe('bookId')
  })

  it('parses amounts exactly, chain ids as bigint, defaults, and is told apart from an LCTS pair by its kind', () => {
    const config = parsePortfolioBeaconConfig(base, {})
    expect(isPortfolioBeaconConfig(base)).toBe(true)
    expect(isPortfolioBeaconConfig({ pairId: 'srUSDS' })).toBe(false)
    const cycle = cycleConfigOf(config)
    expect(cycle.units).toEqual([
      { unitId: 'clo-senior', chainUnitId: 0n, maxNav: 500_000n * 10n ** 18n, warningSignals: { navDrop: { maxDropBps: 500n }, navReport: undefined, redemption: undefined } },
      { unitId: 'clo-junior', chainUnitId: 1n, maxNav: null, warningSignals: { navDrop: undefined, navReport: undefined, redemption: undefined } },
    ])
    expect(cycle.settleWindowSeconds).toBe(3600)
    expect(config.chain.finalityDepth).toBe(2)
  })

  it('a bad file is refused naming the field', () => {
    expect(refusedAt({ ...base, chain: { ...base.chain, haloClass: '0x12' } })).toBe('chain.haloClass')
    expect(refusedAt({ ...base, units: [{ ...base.units[0], maxNav: '1e6' }] })).toBe('units.0.maxNav')
    expect(refusedAt({ ...base, manager: { ...base.manager, annualYieldBps: 1.5 } })).toBe('manager.annualYieldBps')
    expect(refusedAt({ ...base, manager: { kind: 'bank' } })).toBe('manager.kind')
    expect(refusedAt({ ...base, extra: 1 })).toBe('')
    expect(refusedAt({ ...base, privateKey: undefined })).toBe('privateKey')
    expect(refusedAt({ ...base, manager: { ...base.manager, endpointPrivateKey: undefined } })).toBe('manager.endpointPrivateKey')
    expect(refusedAt({ ...base, units: [base.units[0], base.units[0]] })).toBe('units')
    expect(refusedAt({ ...base, manager: { kind: 'webhook', managers: [{ managerId: 'am', address: a('7'), bookIds: ['other'] }] } })).toBe('manager.managers')
    // the keys may come from the environment instead
    const fromEnv = parsePortfolioBeaconConfig({ ...base, privateKey: undefined, manager: { ...base.manager, endpointPrivateKey: undefined } }, { HALO_LCTS_PRIVATE_KEY: key, HALO_PORTFOLIO_MANAGER_KEY: key })
    expect(fromEnv.privateKey).toBe(key)
  })
})

describe('the durable devnet manager', () => {
  it('rebuilds the same book after a restart from its journal: subscriptions, days, a loss, missed reports, a pending redemption; refuses other terms', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'durable-sim-'))
    dirs.push(dir)
    const journalPath = join(dir, 'manager.jsonl')
    const book = { bookId: 'clo', openedAt: new Date('2027-01-04T00:00:00Z'), annualYieldBps: 800n, redemptionDelaySeconds: 86_400 }
    const day = (n: number, h = 13) => new Date(Date.UTC(2027, 0, 4 + n, h))
    const first = await openDurableDevnetAssetManager({ journal: journalPath, books: [book] })
    await first.subscribe({ subscriptionId: 's1', bookId: 'clo', amount: 1_000_000n * 10n ** 18n, at: day(0) })
    await first.tick(day(1))
    await first.missReports({ bookId: 'clo', count: 1 })
    await first.tick(day(2))
    await first.loseValue({ bookId: 'clo', bps: 1000n })
    await first.requestRedemption({ redemptionId: 'r1', bookId: 'clo', amount: 10n ** 18n, at: day(2) })
    await first.tick(day(2, 14)) // nothing due yet: no line
    const seen = { assets: first.assetsOf('clo'), reports: first.navReports('clo'), pending: first.pendingRedemptions('clo') }
    expect(seen.reports.map((r) => r.reportId)).toEqual(['clo:nav:1'])
    first.close()
    const lines = readFileSync(journalPath, 'utf8').trim().split('\n').length
    const second = await openDurableDevnetAssetManager({ journal: journalPath, books: [book] })
    expect({ assets: second.assetsOf('clo'), reports: second.navReports('clo'), pending: second.pendingRedemptions('clo') }).toEqual(seen)
    await second.subscribe({ subscriptionId: 's1', bookId: 'clo', amount: 1_000_000n * 10n ** 18n, at: day(0) }) // idempotent: no line
    expect(readFileSync(journalPath, 'utf8').trim().split('\n').length).toBe(lines)
    await second.tick(day(3))
    expect(second.returnedRedemptions('clo').map((r) => r.redemptionId)).toEqual(['r1'])
    second.close()
    await expect(openDurableDevnetAssetManager({ journal: journalPath, books: [{ ...book, annualYieldBps: 900n }] })).rejects.toThrow(/other terms/)
  })
})
