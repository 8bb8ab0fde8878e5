/**
 * The signed HTTP webhook of a real asset manager (issue 14). Attacks first: every refused
 * report is answered with a stable code and leaves the journal byte for byte as it was.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { parseUnits } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import type { ManagerReport, NavReportMessage, RedemptionReturnedMessage } from '../../src/domain/portfolio/managerReport.js'
import { signedReportBody } from '../../src/portfolio/manager/signing.js'
import { createManagerWebhook, createWebhookAssetManager, MANAGER_REPORTS_PATH, type WebhookAssetManager } from '../../src/portfolio/manager/webhook.js'

const alice = privateKeyToAccount(`0x${'a7'.repeat(32)}`) // manager of book alpha
const bob = privateKeyToAccount(`0x${'b0'.repeat(32)}`) // manager of book beta
const mallory = privateKeyToAccount(`0x${'ee'.repeat(32)}`)
const managers = [
  { managerId: 'alice-am', address: alice.address, bookIds: ['alpha'] },
  { managerId: 'bob-am', address: bob.address, bookIds: ['beta'] },
]
const now = new Date('2026-12-02T00:01:00.000Z')
const usds = (v: string) => parseUnits(v, 18)

let dir: string
let journalPath: string
let manager: WebhookAssetManager
let app: ReturnType<typeof createManagerWebhook>
const open = () => {
  manager = createWebhookAssetManager({ journal: journalPath, managers, clock: () => now })
  app = createManagerWebhook({ manager })
}
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'manager-webhook-'))
  journalPath = join(dir, 'manager.jsonl')
  open()
})
afterEach(() => {
  manager.close()
  rmSync(dir, { recursive: true, force: true })
})

const nav = (over: Partial<NavReportMessage> = {}): ManagerReport => ({
  kind: 'navReport',
  message: { managerId: 'alice-am', bookId: 'alpha', reportId: 'nav-1', sequence: 1n, assets: '100000000.25', reportedAt: '2026-12-02T00:00:00.000Z', signedAt: '2026-12-02T00:00:30.000Z', ...over },
})
const returnedNotice = (over: Partial<RedemptionReturnedMessage> = {}): ManagerReport => ({
  kind: 'redemptionReturned',
  message: { managerId: 'alice-am', bookId: 'alpha', redemptionId: 'red-1', sequence: 2n, amount: '500000', returnedAt: '2026-12-02T00:00:00.000Z', signedAt: '2026-12-02T00:00:30.000Z', ...over },
})
const post = (body: string) => app.request(MANAGER_REPORTS_PATH, { method: 'POST', body, headers: { 'content-type': 'application/json' } })
const journal = () => readFileSync(journalPath, 'utf8')

async function refused(body: string, status: number, code: string) {
  const before = journal()
  const response = await post(body)
  expect(response.status).toBe(status)
  expect(response.headers.get('content-type')).toBe('application/problem+json')
  expect(await response.json()).toMatchObject({ code })
  expect(journal()).toBe(before)
  expect(manager.navReports('alpha')).toHaveLength(before.split('\n').filter((l) => l.includes('"nav-report"')).length)
}

describe('manager webhook: attacks', () => {
  it('an unknown manager cannot post a NAV report, even one it signed itself', async () => {
    await refused(await signedReportBody(mallory, nav({ managerId: 'mallory-am' })), 401, 'MANAGER_UNKNOWN')
  })

  it('a forged report (a registered manager id signed with another key) is refused', async () => {
    await refused(await signedReportBody(mallory, nav()), 401, 'MANAGER_SIGNATURE_INVALID')
  })

  it('a report altered after signing (the amount raised in transit) is refused', async () => {
    const body = (await signedReportBody(alice, nav())).replace('"100000000.25"', '"900000000.25"')
    await refused(body, 401, 'MANAGER_SIGNATURE_INVALID')
  })

  it('a report signed for another deployment (another EIP-712 chain id) is refused', async () => {
    await refused(await signedReportBody(alice, nav(), 1), 401, 'MANAGER_SIGNATURE_INVALID')
  })

  it('a manager cannot report on a book another manager runs', async () => {
    await refused(await signedReportBody(alice, nav({ bookId: 'beta' })), 403, 'MANAGER_BOOK_NOT_MANAGED')
  })

  it('a replayed report is refused, also after a restart; a reordered (lower sequence) one too', async () => {
    const first = await signedReportBody(alice, nav({ sequence: 5n }))
    expect((await post(first)).status).toBe(200)
    await refused(first, 409, 'MANAGER_REPORT_REPLAYED')
    manager.close()
    open()
    expect(manager.navReports('alpha')).toHaveLength(1)
    await refused(first, 409, 'MANAGER_REPORT_REPLAYED')
    await refused(await signedReportBody(alice, nav({ sequence: 4n, reportId: 'nav-0' })), 409, 'MANAGER_REPORT_REPLAYED')
    // a new sequence cannot reuse an accepted report id either
    await refused(await signedReportBody(alice, nav({ sequence: 6n })), 409, 'MANAGER_REPORT_REPLAYED')
  })

  it('a stale or future-dated report is refused (signed > 300 s ago, > 60 s ahead, valued after signing, older than the last)', async () => {
    await refused(await signedReportBody(alice, nav({ signedAt: '2026-12-01T23:55:59.000Z' })), 422, 'MANAGER_REPORT_STALE')
    await refused(await signedReportBody(alice, nav({ signedAt: '2026-12-02T00:02:01.000Z' })), 422, 'MANAGER_REPORT_FUTURE')
    await refused(await signedReportBody(alice, nav({ reportedAt: '2026-12-02T00:00:31.000Z' })), 422, 'MANAGER_REPORT_FUTURE')
    await refused(await signedReportBody(alice, nav({ signedAt: '2026-12-02 00:00:30' })), 422, 'MANAGER_REPORT_FUTURE')
    expect((await post(await signedReportBody(alice, nav()))).status).toBe(200)
    await refused(await signedReportBody(alice, nav({ sequence: 2n, reportId: 'nav-older', reportedAt: '2026-12-01T00:00:00.000Z' })), 422, 'MANAGER_REPORT_STALE')
  })

  it('float, exponent, negative, over-precise or numeric amounts are refused', async () => {
    for (const assets of ['1e8', '-1', '1.0000000000000000001', '01', '1.', '']) {
      await refused(await signedReportBody(alice, nav({ assets })), 400, 'MANAGER_AMOUNT_INVALID')
    }
    // a JSON number (the manager's encoder treated money as a float) is refused even when exact
    const body = (await signedReportBody(alice, nav())).replace('"100000000.25"', '100000000.25')
    await refused(body, 400, 'MANAGER_AMOUNT_INVALID')
  })

  it('malformed bodies are refused: not JSON, a key repeated with another value, an unknown field, an oversized body', async () => {
    const good = await signedReportBody(alice, nav())
    await refused('{"kind":', 400, 'INVALID_INPUT')
    await refused(good.replace('"kind":"navReport"', '"kind":"redemptionReturned","kind":"navReport"'), 400, 'INVALID_INPUT')
    await refused(good.replace('"reportId"', '"extra":"x","reportId"'), 400, 'INVALID_INPUT')
    await refused(`${good}${' '.repeat(20_000)}`, 400, 'INVALID_INPUT')
  })

  it('a redemption return for a redemption the Halo never requested, or for more than requested, is refused', async () => {
    await refused(await signedReportBody(alice, returnedNotice()), 422, 'MANAGER_REDEMPTION_UNKNOWN')
    await manager.requestRedemption({ redemptionId: 'red-1', bookId: 'alpha', amount: usds('500000'), at: new Date('2026-12-01T12:00:00Z') })
    await refused(await signedReportBody(alice, returnedNotice({ amount: '500000.000000000000000001' })), 400, 'MANAGER_AMOUNT_INVALID')
    // bob cannot return alice's redemption
    await refused(await signedReportBody(bob, returnedNotice({ managerId: 'bob-am' })), 403, 'MANAGER_BOOK_NOT_MANAGED')
  })
})

describe('manager webhook: accepted reports feed the AssetManager interface', () => {
  it('NAV reports and returns are journaled and read back like the simulator’s, exactly', async () => {
    const response = await post(await signedReportBody(alice, nav({ sequence: 9_007_199_254_740_993n })))
    expect(await response.json()).toEqual({ accepted: true, kind: 'navReport', bookId: 'alpha', id: 'nav-1', sequence: '9007199254740993' })
    expect(manager.navReports('alpha')).toEqual([{ reportId: 'nav-1', bookId: 'alpha', assets: usds('100000000.25'), reportedAt: '2026-12-02T00:00:00.000Z' }])

    await manager.subscribe({ subscriptionId: 'sub-1', bookId: 'alpha', amount: usds('10'), at: now })
    const request = await manager.requestRedemption({ redemptionId: 'red-1', bookId: 'alpha', amount: usds('500000'), at: new Date('2026-12-01T12:00:00Z') })
    expect(await manager.requestRedemption({ redemptionId: 'red-1', bookId: 'alpha', amount: usds('500000'), at: now })).toEqual(request)
    await expect(manager.requestRedemption({ redemptionId: 'red-1', bookId: 'alpha', amount: usds('1'), at: now })).rejects.toThrow(/other terms/)
    expect(manager.pendingRedemptions('alpha')).toEqual([request])

    // sequence as a JSON integer (read exactly by lossless-json), a partial return
    const body = (await signedReportBody(alice, returnedNotice({ sequence: 9_007_199_254_740_995n, amount: '400000' }))).replace('"9007199254740995"', '9007199254740995')
    expect((await post(body)).status).toBe(200)
    expect(manager.pendingRedemptions('alpha')).toEqual([])
    expect(manager.returnedRedemptions('alpha')).toEqual([{ ...request, amount: usds('400000'), returnedAt: '2026-12-02T00:00:00.000Z' }])
    await refused(await signedReportBody(alice, returnedNotice({ sequence: 9_007_199_254_740_996n })), 422, 'MANAGER_REDEMPTION_UNKNOWN')

    // a restart folds the journal back into the same view
    manager.close()
    open()
    expect(manager.navReports('alpha')).toHaveLength(1)
    expect(manager.returnedRedemptions('alpha')).toHaveLength(1)
    expect(manager.navReports('beta')).toEqual([])
  })

  it('two managers keep separate sequences; a book registered twice is refused at start', async () => {
    expect((await post(await signedReportBody(alice, nav({ sequence: 3n })))).status).toBe(200)
    expect((await post(await signedReportBody(bob, nav({ managerId: 'bob-am', bookId: 'beta', sequence: 1n })))).status).toBe(200)
    expect(() => createWebhookAssetManager({ journal: join(dir, 'other.jsonl'), managers: [...managers, { managerId: 'eve', address: mallory.address, bookIds: ['alpha'] }] })).toThrow(/two managers/)
  })
})
