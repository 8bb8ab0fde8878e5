/**
 * The asset manager's own journal under HA (issue 19): the durable devnet simulator's book and
 * the webhook's accepted reports in a shared store (the Synome's `<lease>/manager-*` journal in
 * production, fenced there): a standby cannot read or write it, a deposed leader's append is
 * refused and changes nothing shared, and a new leader rebuilt from it has its predecessor's
 * book and reports exactly.
 */
import { describe, expect, it } from 'vitest'
import { parseUnits } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { RecordJournal } from '../../src/beacons/shared/recordJournal.js'
import type { TxJournalStore } from '../../src/beacons/shared/txJournal.js'
import { openDurableDevnetAssetManager, parseDevnetManagerOp } from '../../src/portfolio/manager/durableSimulator.js'
import { signedReportBody } from '../../src/portfolio/manager/signing.js'
import { createManagerWebhook, createWebhookAssetManager, MANAGER_REPORTS_PATH, parseWebhookJournalEntry } from '../../src/portfolio/manager/webhook.js'

const usds = (v: string) => parseUnits(v, 18)
/** One shared journal; `epoch` is the lease: an append by a holder of an older epoch is refused (fencing). */
function sharedStore() {
  const lines: unknown[] = []
  let epoch = 1
  return {
    lines,
    takeover: () => void (epoch += 1),
    storeOf: (held: number): TxJournalStore => ({
      load: async () => [...lines],
      append: async (l) => {
        if (held !== epoch) throw new Error('LEASE_FENCED')
        lines.push(l)
      },
    }),
    epoch: () => epoch,
  }
}

describe('the durable devnet manager on a shared journal', () => {
  it('a new leader rebuilt from the shared journal has the old leader’s book to the wei; the deposed leader’s change is refused', async () => {
    const shared = sharedStore()
    const book = { bookId: 'clo', openedAt: new Date('2027-01-04T00:00:00Z'), annualYieldBps: 800n, redemptionDelaySeconds: 86_400 }
    const day = (n: number, h = 13) => new Date(Date.UTC(2027, 0, 4 + n, h))
    const a = await openDurableDevnetAssetManager({ journal: new RecordJournal({ store: shared.storeOf(1), parse: parseDevnetManagerOp }), books: [book] })
    const b = await openDurableDevnetAssetManager({ journal: new RecordJournal({ store: shared.storeOf(2), parse: parseDevnetManagerOp }), books: [book] })
    // neither has led yet: nothing to read, nothing opened
    expect(() => a.navReports('clo')).toThrow(/not loaded/)
    expect(shared.lines).toEqual([])
    // A leads (epoch 1): the test drives what the runtime does on a new epoch — reload, then rebuild (opens the book);
    // then a subscription, two simulated days, a redemption request
    const journalA = new RecordJournal({ store: shared.storeOf(1), parse: parseDevnetManagerOp })
    const leaderA = await openDurableDevnetAssetManager({ journal: journalA, books: [book] })
    await journalA.reload()
    await leaderA.rebuild()
    await leaderA.subscribe({ subscriptionId: 'clo:2027-01-04', bookId: 'clo', amount: usds('1000000'), at: day(0) })
    await leaderA.tick(day(1))
    await leaderA.tick(day(2))
    await leaderA.requestRedemption({ redemptionId: 'clo:2027-01-06', bookId: 'clo', amount: usds('1000'), at: day(2) })
    const seen = { assets: leaderA.assetsOf('clo'), reports: leaderA.navReports('clo'), pending: leaderA.pendingRedemptions('clo') }
    expect(seen.reports.map((r) => [r.reportId, r.assets])).toEqual([['clo:nav:1', 1_000_219_178_082_191_780_821_917n], ['clo:nav:2', 1_000_438_404_203_415_274_910_864n]])
    const linesBefore = shared.lines.length

    // B takes over (epoch 2): it reloads and rebuilds — the same book, no second open line
    shared.takeover()
    const journalB = new RecordJournal({ store: shared.storeOf(2), parse: parseDevnetManagerOp })
    const leaderB = await openDurableDevnetAssetManager({ journal: journalB, books: [book] })
    await journalB.reload()
    await leaderB.rebuild()
    expect({ assets: leaderB.assetsOf('clo'), reports: leaderB.navReports('clo'), pending: leaderB.pendingRedemptions('clo') }).toEqual(seen)
    expect(shared.lines.length).toBe(linesBefore)
    // the deposed A cannot change the shared book
    await expect(leaderA.subscribe({ subscriptionId: 'clo:2027-01-06', bookId: 'clo', amount: usds('5'), at: day(2) })).rejects.toThrow(/LEASE_FENCED/)
    await expect(leaderA.tick(day(3))).rejects.toThrow(/LEASE_FENCED/)
    expect(shared.lines.length).toBe(linesBefore)
    // B goes on: the old leader's request is repeated idempotently (no line), then returned after its delay
    await leaderB.requestRedemption({ redemptionId: 'clo:2027-01-06', bookId: 'clo', amount: usds('1000'), at: day(2) })
    expect(shared.lines.length).toBe(linesBefore)
    await leaderB.tick(day(3))
    expect(leaderB.returnedRedemptions('clo').map((r) => [r.redemptionId, r.amount])).toEqual([['clo:2027-01-06', usds('1000')]])
    for (const m of [a, b]) expect(() => m.assetsOf('clo')).toThrow(/not loaded/)
  })
})

describe('the webhook manager on a shared journal', () => {
  const alice = privateKeyToAccount(`0x${'a7'.repeat(32)}`)
  const managers = [{ managerId: 'alice-am', address: alice.address, bookIds: ['alpha'] }]
  const now = new Date('2026-12-02T00:01:00.000Z')
  const nav = (n: number) => ({ kind: 'navReport' as const, message: { managerId: 'alice-am', bookId: 'alpha', reportId: `nav-${n}`, sequence: BigInt(n), assets: `${100 + n}`, reportedAt: `2026-12-02T00:00:0${n}.000Z`, signedAt: '2026-12-02T00:00:30.000Z' } })
  const post = (app: ReturnType<typeof createManagerWebhook>, body: string) => app.request(MANAGER_REPORTS_PATH, { method: 'POST', body, headers: { 'content-type': 'application/json' } })

  it('a report accepted by the old leader is known to the new one (a replay of it stays refused); a standby and a deposed leader refuse reports and journal nothing', async () => {
    const shared = sharedStore()
    const open = (epoch: number) => {
      const journal = new RecordJournal({ store: shared.storeOf(epoch), parse: parseWebhookJournalEntry })
      const manager = createWebhookAssetManager({ journal, managers, clock: () => now })
      return { journal, manager, app: createManagerWebhook({ manager }) }
    }
    const a = open(1)
    const b = open(2)
    await a.journal.reload()
    a.manager.rebuild()
    // B is a standby: it refuses (409) and journals nothing
    const first = await signedReportBody(alice, nav(1))
    const standby = await post(b.app, first)
    expect(standby.status).toBe(409)
    expect(shared.lines).toEqual([])
    expect((await post(a.app, first)).status).toBe(200)
    await a.manager.requestRedemption({ redemptionId: 'red-1', bookId: 'alpha', amount: usds('5'), at: now })
    expect(shared.lines.length).toBe(2)

    shared.takeover()
    await b.journal.reload()
    b.manager.rebuild()
    expect(b.manager.navReports('alpha')).toEqual([{ reportId: 'nav-1', bookId: 'alpha', assets: usds('101'), reportedAt: '2026-12-02T00:00:01.000Z' }])
    expect(b.manager.pendingRedemptions('alpha')).toEqual([{ redemptionId: 'red-1', bookId: 'alpha', amount: usds('5'), requestedAt: '2026-12-02T00:01:00Z' }])
    // the replay protection carried over: the captured report is refused by the new leader
    expect((await post(b.app, first)).status).toBe(409)
    // the deposed A refuses the next report (fenced), B accepts it
    const second = await signedReportBody(alice, nav(2))
    expect((await post(a.app, second)).status).toBe(500)
    expect(shared.lines.length).toBe(2)
    expect((await post(b.app, second)).status).toBe(200)
    expect(b.manager.navReports('alpha').map((r) => r.reportId)).toEqual(['nav-1', 'nav-2'])
    expect(shared.lines.length).toBe(3)
  })
})
