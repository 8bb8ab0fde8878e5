import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { BankLedger, UnknownTransferError } from '../../src/bank/ledger.js'
import { createDevnetBank } from '../../src/bank/simulator.js'
import { createBankWebhook, createWebhookSink, signBankPayload } from '../../src/bank/webhook.js'
import { InvalidInputError, VersionConflictError } from '../../src/domain/errors.js'
import { parseUnitsExact } from '../../src/domain/money.js'
import { JsonlJournal, JournalLockedError } from '../../src/beacons/shared/jsonlJournal.js'

const usd = (millions: string) => parseUnitsExact(millions, 6) * 1_000_000n
const dirs: string[] = []
function ledgerPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bank-'))
  dirs.push(dir)
  return join(dir, 'bank.jsonl')
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

const transfer = { transferId: 'sleeve-7:offramp:1', sleeveId: 'sleeve-7', amountUsdc: usd('75'), destination: 'halo-bank-account-ref', initiatedAt: '2026-04-01T10:30:00.000Z' }
const TX = `0x${'ab'.repeat(32)}`

describe('bank ledger', () => {
  it('records the day-7 receipt of the 75M transfer and keeps it across a restart', () => {
    const path = ledgerPath()
    const ledger = new BankLedger(path)
    ledger.registerTransfer(transfer)
    ledger.markTransferSent(transfer.transferId, TX)
    ledger.confirmReceipt({ transferId: transfer.transferId, amountUsd: usd('75').toString(), confirmedAt: '2026-04-02T14:00:00.000Z' })
    ledger.close()
    const reopened = new BankLedger(path)
    expect(reopened.transfer(transfer.transferId)).toEqual({ ...transfer, txHash: TX })
    expect(reopened.receipt(transfer.transferId)).toEqual({ transferId: transfer.transferId, amountUsd: usd('75'), confirmedAt: '2026-04-02T14:00:00.000Z' })
    expect(reopened.pendingTransfers()).toEqual([])
    reopened.close()
  })

  it('refuses a confirmation naming an unknown transfer and changes nothing', () => {
    const path = ledgerPath()
    const ledger = new BankLedger(path)
    ledger.registerTransfer(transfer)
    const before = readFileSync(path, 'utf8')
    expect(() => ledger.confirmReceipt({ transferId: 'made-up', amountUsd: '1', confirmedAt: '2026-04-02T14:00:00Z' })).toThrow(UnknownTransferError)
    expect(() => ledger.confirmReturn({ returnId: 'r1', sleeveId: 'sleeve-9', amountUsd: '1', confirmedAt: '2026-04-02T14:00:00Z', final: true })).toThrow(UnknownTransferError)
    expect(() => ledger.confirmOnRamp({ returnId: 'r1', amountUsdc: '1', txHash: TX, confirmedAt: '2026-04-02T14:00:00Z' })).toThrow(UnknownTransferError)
    expect(readFileSync(path, 'utf8')).toBe(before)
    expect(ledger.receipt('made-up')).toBeUndefined()
    ledger.close()
  })

  it('refuses malformed, oversized and conflicting confirmations; an identical repeat is a no-op', () => {
    const path = ledgerPath()
    const ledger = new BankLedger(path)
    ledger.registerTransfer(transfer)
    expect(() => ledger.confirmReceipt({ transferId: transfer.transferId, amountUsd: '75000000.5', confirmedAt: 'yesterday' })).toThrow(InvalidInputError)
    expect(() => ledger.confirmReceipt({ transferId: transfer.transferId, amountUsd: (usd('75') + 1n).toString(), confirmedAt: '2026-04-02T14:00:00Z' })).toThrow(/exceeds/)
    const receipt = { transferId: transfer.transferId, amountUsd: usd('75').toString(), confirmedAt: '2026-04-02T14:00:00Z' }
    ledger.confirmReceipt(receipt)
    const after = readFileSync(path, 'utf8')
    ledger.confirmReceipt(receipt)
    expect(() => ledger.confirmReceipt({ ...receipt, amountUsd: usd('74').toString() })).toThrow(VersionConflictError)
    expect(() => ledger.registerTransfer({ ...transfer, amountUsdc: usd('1') })).toThrow(VersionConflictError)
    expect(readFileSync(path, 'utf8')).toBe(after)
    ledger.close()
  })

  it('a torn last line (crash mid-append) is cut off on open; earlier records survive', () => {
    const path = ledgerPath()
    const ledger = new BankLedger(path)
    ledger.registerTransfer(transfer)
    ledger.close()
    appendFileSync(path, '{"kind":"receipt","transferId":"sleeve-7:off')
    const reopened = new BankLedger(path)
    expect(reopened.transfer(transfer.transferId)?.amountUsdc).toBe(usd('75'))
    expect(reopened.receipt(transfer.transferId)).toBeUndefined()
    reopened.close()
    expect(readFileSync(path, 'utf8').endsWith('\n')).toBe(true)
  })

  it('a journal is owned by one live process; a dead owner’s lock is taken over', () => {
    const path = ledgerPath()
    const first = JsonlJournal.open({ path, parse: (raw) => raw, lock: true })
    first.close()
    // Simulate a lock left by a live process (our parent) and by a dead one.
    appendFileSync(`${path}.lock`, String(process.ppid))
    expect(() => JsonlJournal.open({ path, parse: (raw) => raw, lock: true })).toThrow(JournalLockedError)
    rmSync(`${path}.lock`)
    appendFileSync(`${path}.lock`, '999999999')
    const second = JsonlJournal.open({ path, parse: (raw) => raw, lock: true })
    second.close()
  })
})

describe('devnet bank simulator', () => {
  it('confirms receipt of sent, registered transfers after the delay, never for unsent ones', async () => {
    const ledger = new BankLedger(ledgerPath())
    const bank = createDevnetBank({ ledger, receiptDelaySeconds: 86_400, onRamp: async () => ({ txHash: TX }) })
    ledger.registerTransfer(transfer)
    await bank.tick(new Date('2026-04-03T00:00:00Z'))
    expect(ledger.receipt(transfer.transferId)).toBeUndefined() // not sent on chain yet
    ledger.markTransferSent(transfer.transferId, TX)
    await bank.tick(new Date('2026-04-02T10:29:59Z'))
    expect(ledger.receipt(transfer.transferId)).toBeUndefined()
    await bank.tick(new Date('2026-04-02T10:30:00Z'))
    expect(ledger.receipt(transfer.transferId)).toEqual({ transferId: transfer.transferId, amountUsd: usd('75'), confirmedAt: "2026-04-02T10:30:00Z" })
    ledger.close()
  })

  it('a bank that never confirms (receiptDelaySeconds null) leaves the transfer pending', async () => {
    const ledger = new BankLedger(ledgerPath())
    const bank = createDevnetBank({ ledger, receiptDelaySeconds: null, onRamp: async () => ({ txHash: TX }) })
    ledger.registerTransfer(transfer)
    ledger.markTransferSent(transfer.transferId, TX)
    await bank.tick(new Date('2027-01-01T00:00:00Z'))
    expect(ledger.pendingTransfers()).toHaveLength(1)
    ledger.close()
  })

  it('releases 78.75M principal + yield on command and on-ramps it exactly once', async () => {
    const ledger = new BankLedger(ledgerPath())
    const calls: unknown[] = []
    const bank = createDevnetBank({ ledger, receiptDelaySeconds: 0, onRamp: async (params) => (calls.push(params), { txHash: TX }) })
    expect(() => bank.releaseReturn({ sleeveId: 'sleeve-7', amountUsd: usd('78.75'), final: true, at: new Date('2026-10-01T09:00:00Z') })).toThrow(UnknownTransferError)
    ledger.registerTransfer(transfer)
    ledger.markTransferSent(transfer.transferId, TX)
    await bank.tick(new Date('2026-04-02T14:00:00Z'))
    const released = bank.releaseReturn({ sleeveId: 'sleeve-7', amountUsd: usd('78.75'), final: true, at: new Date('2026-10-01T09:00:00Z') })
    expect(released).toEqual({ returnId: 'sleeve-7:return:1', sleeveId: 'sleeve-7', amountUsd: usd('78.75'), confirmedAt: "2026-10-01T09:00:00Z", final: true })
    await bank.tick(new Date('2026-10-01T10:00:00Z'))
    await bank.tick(new Date('2026-10-01T11:00:00Z'))
    expect(calls).toEqual([{ returnId: 'sleeve-7:return:1', sleeveId: 'sleeve-7', amountUsdc: usd('78.75') }])
    expect(ledger.onRamp('sleeve-7:return:1')).toEqual({ returnId: 'sleeve-7:return:1', amountUsdc: usd('78.75'), txHash: TX, confirmedAt: "2026-10-01T10:00:00Z" })
    expect(() => bank.releaseReturn({ sleeveId: 'sleeve-7', amountUsd: 1n, final: false, at: new Date('2026-10-02T00:00:00Z') })).toThrow(/final return/)
    ledger.close()
  })

  it('a partial recovery (60M of 75M, not final) can be followed by a later recovery', async () => {
    const ledger = new BankLedger(ledgerPath())
    const bank = createDevnetBank({ ledger, receiptDelaySeconds: 0, onRamp: async () => ({ txHash: TX }) })
    ledger.registerTransfer(transfer)
    ledger.markTransferSent(transfer.transferId, TX)
    await bank.tick(new Date('2026-04-02T14:00:00Z'))
    bank.releaseReturn({ sleeveId: 'sleeve-7', amountUsd: usd('60'), final: false, at: new Date('2026-10-01T09:00:00Z') })
    bank.releaseReturn({ sleeveId: 'sleeve-7', amountUsd: usd('5'), final: true, at: new Date('2026-12-01T09:00:00Z') })
    expect(ledger.returnsFor('sleeve-7').map((r) => [r.returnId, r.amountUsd, r.final])).toEqual([
      ['sleeve-7:return:1', usd('60'), false],
      ['sleeve-7:return:2', usd('5'), true],
    ])
    ledger.close()
  })
})

describe('bank webhook', () => {
  const secret = 'shared-with-the-bank'
  function setup() {
    const path = ledgerPath()
    const ledger = new BankLedger(path)
    ledger.registerTransfer(transfer)
    const app = createBankWebhook({ ledger, secret })
    const sink = createWebhookSink({ url: 'http://bank.test', secret, fetch: (input, init) => app.request(String(input), init as RequestInit) as Promise<Response> })
    return { path, ledger, app, sink }
  }

  it('a signed receipt is recorded', async () => {
    const { ledger, sink } = setup()
    await sink.confirmReceipt({ transferId: transfer.transferId, amountUsd: usd('75'), confirmedAt: '2026-04-02T14:00:00Z' })
    expect(ledger.receipt(transfer.transferId)?.amountUsd).toBe(usd('75'))
    ledger.close()
  })

  it('unknown transfer → 422 UNKNOWN_TRANSFER; bad signature → 401; bad JSON → 400; nothing changes', async () => {
    const { path, ledger, app } = setup()
    const before = readFileSync(path, 'utf8')
    const post = (body: string, signature: string) => app.request('/bank/receipts', { method: 'POST', body, headers: { 'x-bank-signature': signature } })
    const unknown = JSON.stringify({ transferId: 'nope', amountUsd: '1', confirmedAt: '2026-04-02T14:00:00Z' })
    const r1 = await post(unknown, signBankPayload(secret, unknown))
    expect(r1.status).toBe(422)
    expect(r1.headers.get('content-type')).toBe('application/problem+json')
    expect(await r1.json()).toMatchObject({ code: 'UNKNOWN_TRANSFER' })
    const valid = JSON.stringify({ transferId: transfer.transferId, amountUsd: '1', confirmedAt: '2026-04-02T14:00:00Z' })
    const r2 = await post(valid, signBankPayload('wrong-secret', valid))
    expect(r2.status).toBe(401)
    expect(await r2.json()).toMatchObject({ code: 'BAD_SIGNATURE' })
    const r3 = await post('{not json', signBankPayload(secret, '{not json'))
    expect(r3.status).toBe(400)
    expect(readFileSync(path, 'utf8')).toBe(before)
    expect(ledger.receipt(transfer.transferId)).toBeUndefined()
    ledger.close()
  })
})
