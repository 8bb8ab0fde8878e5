/**
 * The Portfolio Halo Synome commands on PGlite: who may write them (attacks first), and the
 * balance gate — a NAV report whose unit NAVs do not equal the tranche waterfall or do not
 * add up to the reported assets is refused and changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { privateKeyToAccount } from 'viem/accounts'
import { createInProcessClient } from '../../src/synome/client/inProcess.js'
import { PORTFOLIO_BOOK, PORTFOLIO_COMMANDS, PORTFOLIO_NAV_REPORT, type PortfolioBookRecord } from '../../src/synome/commands/portfolio/index.js'
import { createSynome } from '../../src/synome/create.js'
import type { SynomeService } from '../../src/synome/service.js'
import { accounts, keys, testClock } from './support.js'

const lctsKey = `0x${'1d'.repeat(32)}` as const
const lcts = privateKeyToAccount(lctsKey)
let service: SynomeService
const clock = testClock('2026-12-01T00:00:00Z')
const as = (account: ReturnType<typeof privateKeyToAccount>) => createInProcessClient({ service, account, clock: clock.clock })

const signals = { navDrop: { maxDropBps: 500 }, navReport: { maxAgeSeconds: 93_600 } }
const units = (bookId: string) => [
  { unitId: `${bookId}-senior`, rank: 0, yield: { kind: 'target' as const, rateBps: 500 }, warningSignals: signals },
  { unitId: `${bookId}-junior`, rank: 1, yield: { kind: 'residual' as const }, warningSignals: signals },
]
const settle = (bookId: string, unit: string, subscribed: string) => ({ bookId, unitId: `${bookId}-${unit}`, epoch: '2026-12-01', settledAt: '2026-12-01T16:00:00.000Z', subscribed, redeemedShares: '0' })
const book = async (bookId: string) => (await service.get<PortfolioBookRecord>(PORTFOLIO_BOOK, bookId)).data
const navs = async (bookId: string) => Object.fromEntries((await book(bookId)).units.map((u) => [u.unitId, u.nav]))

beforeAll(async () => {
  service = await createSynome({
    dataDir: null,
    clock: clock.clock,
    commands: [...PORTFOLIO_COMMANDS],
    roles: [
      { address: accounts.council.address, role: 'council', haloClasses: [] },
      { address: lcts.address, role: 'lcts', haloClasses: ['*'] },
      { address: accounts.nfat.address, role: 'nfat', haloClasses: ['*'] },
    ],
  })
})
afterAll(() => service.close())

describe('Portfolio Halo Synome commands', () => {
  it('a stranger, an nfat beacon or lpha-lcts cannot create a class or a book; nothing is written', async () => {
    const head = await service.head()
    for (const key of [keys.stranger, keys.nfat, lctsKey]) {
      await expect(as(privateKeyToAccount(key)).send('createPortfolioClass', { classId: 'clo', name: 'CLO Tranched' })).rejects.toMatchObject({ code: 'NOT_PERMITTED' })
    }
    expect(await service.head()).toEqual(head)
  })

  it('the Council creates the class and two books; lpha-lcts settles subscriptions into them', async () => {
    await as(accounts.council).send('createPortfolioClass', { classId: 'clo', name: 'CLO Tranched' })
    for (const bookId of ['alpha', 'beta']) {
      await as(accounts.council).send('createPortfolioBook', { classId: 'clo', bookId, accrualSeconds: 0, units: units(bookId) })
      await as(lcts).send('recordPortfolioSettlement', settle(bookId, 'senior', '80000000'))
      await as(lcts).send('recordPortfolioSettlement', settle(bookId, 'junior', '20000000'))
    }
    expect(await book('alpha')).toMatchObject({ assets: '100000000' })
    expect(await navs('alpha')).toEqual({ 'alpha-senior': '80000000', 'alpha-junior': '20000000' })
    // a unit id belongs to one book
    await expect(as(accounts.council).send('createPortfolioBook', { classId: 'clo', bookId: 'gamma', accrualSeconds: 0, units: units('alpha') })).rejects.toThrow(/already exists/)
  })

  it('the Council and an nfat beacon cannot record a NAV report or a settlement (only lpha-lcts)', async () => {
    const head = await service.head()
    const report = { bookId: 'alpha', reportId: 'r-x', reportedAssets: '90000000', reportedAt: '2026-12-02T00:00:00.000Z', units: [{ unitId: 'alpha-senior', nav: '80000000' }, { unitId: 'alpha-junior', nav: '10000000' }] }
    for (const account of [accounts.council, accounts.nfat]) {
      await expect(as(account).send('recordPortfolioNavReport', report)).rejects.toMatchObject({ code: 'NOT_PERMITTED' })
      await expect(as(account).send('recordPortfolioSettlement', { ...settle('alpha', 'senior', '1'), epoch: '2026-12-02' })).rejects.toMatchObject({ code: 'NOT_PERMITTED' })
    }
    expect(await service.head()).toEqual(head)
  })

  it('a NAV report that leaves the book unbalanced, or moves the loss onto the senior, is refused and changes nothing', async () => {
    const head = await service.head()
    const base = { bookId: 'alpha', reportId: 'r-1', reportedAssets: '90000000', reportedAt: '2026-12-02T00:00:00.000Z' }
    // units add up to 95M against 90M reported assets
    await expect(as(lcts).send('recordPortfolioNavReport', { ...base, units: [{ unitId: 'alpha-senior', nav: '80000000' }, { unitId: 'alpha-junior', nav: '15000000' }] })).rejects.toMatchObject({ code: 'PRECONDITION_FAILED', meta: { gate: 'BOOK_UNBALANCED' } })
    // balanced, but the senior takes the loss first
    await expect(as(lcts).send('recordPortfolioNavReport', { ...base, units: [{ unitId: 'alpha-senior', nav: '72000000' }, { unitId: 'alpha-junior', nav: '18000000' }] })).rejects.toMatchObject({ code: 'PRECONDITION_FAILED', meta: { gate: 'TRANCHE_MISMATCH' } })
    expect(await service.head()).toEqual(head)
    expect(await navs('alpha')).toEqual({ 'alpha-senior': '80000000', 'alpha-junior': '20000000' })
  })

  it('issue 14: a 10% loss halves alpha’s junior, a further fall to 70% wipes it and hits the senior; beta is untouched', async () => {
    await as(lcts).send('recordPortfolioNavReport', { bookId: 'alpha', reportId: 'r-1', reportedAssets: '90000000', reportedAt: '2026-12-02T00:00:00.000Z', units: [{ unitId: 'alpha-senior', nav: '80000000' }, { unitId: 'alpha-junior', nav: '10000000' }] })
    expect(await navs('alpha')).toEqual({ 'alpha-senior': '80000000', 'alpha-junior': '10000000' })
    expect((await service.get(PORTFOLIO_NAV_REPORT, 'alpha:r-1')).data).toMatchObject({ kind: 'loss', amount: '10000000', movements: [{ unitId: 'alpha-senior', change: '0' }, { unitId: 'alpha-junior', change: '-10000000' }] })
    await as(lcts).send('recordPortfolioNavReport', { bookId: 'alpha', reportId: 'r-2', reportedAssets: '70000000', reportedAt: '2026-12-03T00:00:00.000Z', units: [{ unitId: 'alpha-senior', nav: '70000000' }, { unitId: 'alpha-junior', nav: '0' }] })
    expect(await navs('alpha')).toEqual({ 'alpha-senior': '70000000', 'alpha-junior': '0' })
    expect(await navs('beta')).toEqual({ 'beta-senior': '80000000', 'beta-junior': '20000000' })
    // a report is recorded once; an older one is refused
    await expect(as(lcts).send('recordPortfolioNavReport', { bookId: 'alpha', reportId: 'r-2', reportedAssets: '70000000', reportedAt: '2026-12-03T00:00:00.000Z', units: [{ unitId: 'alpha-senior', nav: '70000000' }, { unitId: 'alpha-junior', nav: '0' }] })).rejects.toThrow(/already exists/)
    await expect(as(lcts).send('recordPortfolioNavReport', { bookId: 'alpha', reportId: 'r-0', reportedAssets: '70000000', reportedAt: '2026-12-02T12:00:00.000Z', units: [{ unitId: 'alpha-senior', nav: '70000000' }, { unitId: 'alpha-junior', nav: '0' }] })).rejects.toThrow(/older/)
  })

  it('lpha-lcts cannot settle one book’s unit into another book, nor record a unit’s epoch twice; nothing changes', async () => {
    const head = await service.head()
    await expect(as(lcts).send('recordPortfolioSettlement', { ...settle('alpha', 'senior', '1'), unitId: 'beta-senior', epoch: '2026-12-04' })).rejects.toMatchObject({ code: 'NOT_FOUND' })
    await expect(as(lcts).send('recordPortfolioSettlement', settle('beta', 'senior', '1'))).rejects.toThrow(/already exists/)
    expect(await service.head()).toEqual(head)
    expect(await navs('beta')).toEqual({ 'beta-senior': '80000000', 'beta-junior': '20000000' })
  })

  it('refuses malformed input: a float amount, an unknown book, terms without a residual junior', async () => {
    await expect(as(lcts).send('recordPortfolioSettlement', { ...settle('beta', 'senior', '1e6'), epoch: '2026-12-05' })).rejects.toMatchObject({ code: 'INVALID_INPUT' })
    await expect(as(lcts).send('recordPortfolioSettlement', { ...settle('nope', 'senior', '1'), epoch: '2026-12-05' })).rejects.toMatchObject({ code: 'NOT_FOUND' })
    await expect(as(accounts.council).send('createPortfolioBook', { classId: 'clo', bookId: 'delta', accrualSeconds: 0, units: [{ unitId: 'd-1', rank: 0, yield: { kind: 'target', rateBps: 100 }, warningSignals: {} }] })).rejects.toMatchObject({ code: 'INVALID_INPUT' })
  })
})
