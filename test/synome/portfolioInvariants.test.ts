/**
 * Halo Book invariants hold after every command, whichever command writes the book (issue 14:
 * "the book is balanced after every command, or the command is refused"; "every settlement and
 * NAV report is a record"). The attacks use commands a module could register beside the
 * Portfolio ones; each is refused and changes nothing. Then the per-Prime holdings of a unit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { privateKeyToAccount } from 'viem/accounts'
import { createInProcessClient } from '../../src/synome/client/inProcess.js'
import { defineCommand } from '../../src/synome/commands/types.js'
import { PORTFOLIO_BOOK, PORTFOLIO_COMMANDS, PORTFOLIO_SETTLEMENT, type PortfolioBookRecord } from '../../src/synome/commands/portfolio/index.js'
import { createSynome } from '../../src/synome/create.js'
import type { SynomeService } from '../../src/synome/service.js'
import { accounts, testClock } from './support.js'

const lcts = privateKeyToAccount(`0x${'1d'.repeat(32)}`)
const clock = testClock('2026-12-01T00:00:00Z')
let service: SynomeService
const as = (account: ReturnType<typeof privateKeyToAccount>) => createInProcessClient({ service, account, clock: clock.clock })
declare module '../../src/synome/client/types.js' {
  interface SynomeCommands {
    rewritePortfolioBook: z.input<typeof rewriteBook.schema>
  }
}
const book = async () => (await service.get<PortfolioBookRecord>(PORTFOLIO_BOOK, 'alpha')).data

/** A module's command that rewrites a book record directly (what the invariants must stop). */
const rewriteBook = defineCommand({
  name: 'rewritePortfolioBook',
  role: 'lcts',
  summary: 'test: overwrite a book record',
  schema: z.strictObject({ bookId: z.string(), change: z.enum(['unbalance', 'moveNav', 'changeTerms', 'inflateHolders']), withRecord: z.boolean() }),
  async target() {
    return { type: PORTFOLIO_BOOK, id: 'alpha', haloClass: 'clo' }
  },
  async apply(state, payload) {
    const record = (await state.require<PortfolioBookRecord>(PORTFOLIO_BOOK, payload.bookId)).data
    const [senior, junior] = record.units as [PortfolioBookRecord['units'][number], PortfolioBookRecord['units'][number]]
    let next: PortfolioBookRecord
    if (payload.change === 'unbalance') next = { ...record, assets: '120000000' }
    else if (payload.change === 'moveNav') next = { ...record, units: [{ ...senior, nav: '70000000' }, { ...junior, nav: '30000000' }] }
    else if (payload.change === 'changeTerms') next = { ...record, units: [{ ...senior, yield: { kind: 'target', rateBps: 9000 } }, junior] }
    else next = { ...record, units: [{ ...senior, holders: { '0xprime-a': '90000000' } }, junior] }
    state.put({ type: PORTFOLIO_BOOK, id: payload.bookId, data: next, haloClass: 'clo' })
    if (payload.withRecord) state.put({ type: PORTFOLIO_SETTLEMENT, id: `${payload.bookId}:forged:2026-12-09`, data: { bookId: payload.bookId }, haloClass: 'clo' })
    return {}
  },
})

const prime = { a: '0x00000000000000000000000000000000000000a1', b: '0x00000000000000000000000000000000000000b2', c: '0x00000000000000000000000000000000000000c3' }

beforeAll(async () => {
  service = await createSynome({
    dataDir: null,
    clock: clock.clock,
    commands: [...PORTFOLIO_COMMANDS, rewriteBook],
    roles: [
      { address: accounts.council.address, role: 'council', haloClasses: [] },
      { address: lcts.address, role: 'lcts', haloClasses: ['*'] },
    ],
  })
  await as(accounts.council).send('createPortfolioClass', { classId: 'clo', name: 'CLO Tranched' })
  await as(accounts.council).send('createPortfolioBook', {
    classId: 'clo', bookId: 'alpha', accrualSeconds: 0,
    units: [
      { unitId: 'senior', rank: 0, yield: { kind: 'target', rateBps: 500 }, warningSignals: {} },
      { unitId: 'junior', rank: 1, yield: { kind: 'residual' }, warningSignals: {} },
    ],
  })
  const settle = (unitId: string, subscribed: string, byPrime: { prime: string; subscribed: string; redeemedShares: string }[]) =>
    as(lcts).send('recordPortfolioSettlement', { bookId: 'alpha', unitId, epoch: '2026-12-01', settledAt: '2026-12-01T16:00:00.000Z', subscribed, redeemedShares: '0', byPrime })
  // three Primes subscribe 50M + 20M + 10M into the senior, one 20M into the junior
  await settle('senior', '80000000', [{ prime: prime.a, subscribed: '50000000', redeemedShares: '0' }, { prime: prime.b, subscribed: '20000000', redeemedShares: '0' }, { prime: prime.c, subscribed: '10000000', redeemedShares: '0' }])
  await settle('junior', '20000000', [{ prime: prime.c, subscribed: '20000000', redeemedShares: '0' }])
})
afterAll(() => service.close())

describe('Halo Book invariants after every command', () => {
  it('a command that leaves a book unbalanced is refused (BOOK_UNBALANCED) and changes nothing', async () => {
    const [head, before] = [await service.head(), await book()]
    await expect(as(lcts).send('rewritePortfolioBook', { bookId: 'alpha', change: 'unbalance', withRecord: true })).rejects.toMatchObject({ code: 'PRECONDITION_FAILED', meta: { code: 'BOOK_UNBALANCED' } })
    expect(await service.head()).toEqual(head)
    expect(await book()).toEqual(before)
  })

  it('a command that moves NAV between tranches without a settlement or NAV report record is refused (BOOK_CHANGE_UNRECORDED)', async () => {
    const head = await service.head()
    await expect(as(lcts).send('rewritePortfolioBook', { bookId: 'alpha', change: 'moveNav', withRecord: false })).rejects.toMatchObject({ meta: { gate: 'BOOK_CHANGE_UNRECORDED' } })
    expect(await service.head()).toEqual(head)
  })

  it('a command cannot rewrite a unit’s tranche terms after opening, even with a record beside it (BOOK_TERMS_CHANGED)', async () => {
    const head = await service.head()
    await expect(as(lcts).send('rewritePortfolioBook', { bookId: 'alpha', change: 'changeTerms', withRecord: true })).rejects.toMatchObject({ meta: { gate: 'BOOK_TERMS_CHANGED' } })
    expect(await service.head()).toEqual(head)
  })

  it('a command cannot credit a Prime with more shares than the unit has (UNIT_HOLDERS_EXCEED_SHARES)', async () => {
    const head = await service.head()
    await expect(as(lcts).send('rewritePortfolioBook', { bookId: 'alpha', change: 'inflateHolders', withRecord: true })).rejects.toMatchObject({ meta: { gate: 'UNIT_HOLDERS_EXCEED_SHARES' } })
    expect(await service.head()).toEqual(head)
  })

  it('a NAV report that would unbalance the book is refused and changes nothing', async () => {
    const [head, before] = [await service.head(), await book()]
    await expect(as(lcts).send('recordPortfolioNavReport', { bookId: 'alpha', reportId: 'r-bad', reportedAssets: '90000000', reportedAt: '2026-12-02T00:00:00.000Z', units: [{ unitId: 'senior', nav: '80000000' }, { unitId: 'junior', nav: '20000000' }] }))
      .rejects.toMatchObject({ meta: { gate: 'BOOK_UNBALANCED' } })
    expect(await service.head()).toEqual(head)
    expect(await book()).toEqual(before)
  })
})

describe('unit holdings per Prime', () => {
  it('settlements with byPrime record each Prime’s shares', async () => {
    const [senior, junior] = (await book()).units
    expect(senior!.holders).toEqual({ [prime.a]: '50000000', [prime.b]: '20000000', [prime.c]: '10000000' })
    expect(junior!.holders).toEqual({ [prime.c]: '20000000' })
  })

  it('a breakdown that does not add up, or a Prime redeeming more than it holds, is refused and changes nothing', async () => {
    const [head, before] = [await service.head(), await book()]
    const base = { bookId: 'alpha', unitId: 'senior', epoch: '2026-12-02', settledAt: '2026-12-02T16:00:00.000Z' }
    await expect(as(lcts).send('recordPortfolioSettlement', { ...base, subscribed: '10', redeemedShares: '0', byPrime: [{ prime: prime.a, subscribed: '9', redeemedShares: '0' }] })).rejects.toMatchObject({ meta: { gate: 'SETTLEMENT_BREAKDOWN_MISMATCH' } })
    await expect(as(lcts).send('recordPortfolioSettlement', { ...base, subscribed: '0', redeemedShares: '20000001', byPrime: [{ prime: prime.b, subscribed: '0', redeemedShares: '20000001' }] })).rejects.toMatchObject({ meta: { gate: 'PRIME_SHARES_EXCEEDED' } })
    await expect(as(lcts).send('recordPortfolioSettlement', { ...base, subscribed: '2', redeemedShares: '0', byPrime: [{ prime: prime.a, subscribed: '1', redeemedShares: '0' }, { prime: prime.a.toUpperCase().replace('0X', '0x'), subscribed: '1', redeemedShares: '0' }] })).rejects.toMatchObject({ code: 'INVALID_INPUT' })
    expect(await service.head()).toEqual(head)
    expect(await book()).toEqual(before)
  })

  it('after a 10% gain-free loss the holdings are unchanged (shares, not value); a redemption takes shares from the Prime', async () => {
    await as(lcts).send('recordPortfolioNavReport', { bookId: 'alpha', reportId: 'r-1', reportedAssets: '90000000', reportedAt: '2026-12-02T00:00:00.000Z', units: [{ unitId: 'senior', nav: '80000000' }, { unitId: 'junior', nav: '10000000' }] })
    // Prime C redeems half its junior shares at the junior's new price 0.5: 10M shares → 5M USDS
    const result = await as(lcts).send('recordPortfolioSettlement', { bookId: 'alpha', unitId: 'junior', epoch: '2026-12-02', settledAt: '2026-12-02T16:00:00.000Z', subscribed: '0', redeemedShares: '10000000', byPrime: [{ prime: prime.c, subscribed: '0', redeemedShares: '10000000' }] })
    expect(result.result).toMatchObject({ amountPaid: '5000000' })
    const [senior, junior] = (await book()).units
    expect(junior).toMatchObject({ shares: '10000000', nav: '5000000', holders: { [prime.c]: '10000000' } })
    expect(senior!.holders).toEqual({ [prime.a]: '50000000', [prime.b]: '20000000', [prime.c]: '10000000' })
    expect((await book()).assets).toBe('85000000')
  })
})
