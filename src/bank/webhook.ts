import { createHmac, timingSafeEqual } from 'node:crypto'
import { Hono } from 'hono'
import { BaseError, BadSignatureError, InvalidInputError } from '../domain/errors.js'
import type { BankLedger, BankReceipt, BankReturn, OnRamp } from './ledger.js'

/**
 * HTTP webhook through which the Halo's bank or custodian confirms receipts, returned funds
 * and on-ramps. Hosted by the lpha-nfat process itself, so the ledger keeps one writer.
 *
 * Each request body is signed with HMAC-SHA256 under a secret shared with the bank
 * (`x-bank-signature: sha256=<hex>`), the way bank and payment webhooks usually are; an
 * unsigned or wrongly signed request, bad JSON, or a confirmation naming an unknown transfer
 * gets problem+json and changes nothing.
 */
export type BankConfirmationSink = {
  confirmReceipt(input: unknown): Promise<BankReceipt> | BankReceipt
  confirmReturn(input: unknown): Promise<BankReturn> | BankReturn
  confirmOnRamp(input: unknown): Promise<OnRamp> | OnRamp
}

export const SIGNATURE_HEADER = 'x-bank-signature'

export function signBankPayload(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`
}

function verify(secret: string, body: string, header: string | undefined): void {
  const expected = Buffer.from(signBankPayload(secret, body))
  const given = Buffer.from(header ?? '')
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new BadSignatureError('bank webhook signature does not verify')
}

function serialise(value: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, typeof v === 'bigint' ? v.toString() : v]))
}

export function createBankWebhook(parameters: { ledger: BankLedger; secret: string }): Hono {
  const { ledger, secret } = parameters
  const app = new Hono()
  const routes: Array<[string, (input: unknown) => object]> = [
    ['/bank/receipts', (input) => ledger.confirmReceipt(input)],
    ['/bank/returns', (input) => ledger.confirmReturn(input)],
    ['/bank/onramps', (input) => ledger.confirmOnRamp(input)],
  ]
  for (const [path, confirm] of routes) {
    app.post(path, async (c) => {
      const body = await c.req.text()
      verify(secret, body, c.req.header(SIGNATURE_HEADER))
      let input: unknown
      try {
        input = JSON.parse(body)
      } catch (cause) {
        throw new InvalidInputError('body is not JSON', { cause })
      }
      return c.json(serialise(confirm(input)), 200)
    })
  }
  app.onError((error, c) => {
    const problem = error instanceof BaseError ? error : new BaseError('internal error', { cause: error })
    return c.body(JSON.stringify(problem.toProblem()), problem.status as 400, { 'content-type': 'application/problem+json' })
  })
  return app
}

/** The bank's side of the webhook: posts signed confirmations (used by the devnet bank). */
export function createWebhookSink(parameters: { url: string; secret: string; fetch?: typeof fetch }): BankConfirmationSink {
  const doFetch = parameters.fetch ?? fetch
  const post = async (path: string, input: unknown) => {
    const body = JSON.stringify(input, (_key, value) => (typeof value === 'bigint' ? value.toString() : value))
    const response = await doFetch(`${parameters.url}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signBankPayload(parameters.secret, body) } })
    const json = (await response.json()) as Record<string, unknown>
    if (!response.ok) throw new BaseError(`bank webhook refused: ${String(json.code)}`, { details: String(json.title), meta: json })
    return json
  }
  return {
    confirmReceipt: async (input) => (await post('/bank/receipts', input)) as unknown as BankReceipt,
    confirmReturn: async (input) => (await post('/bank/returns', input)) as unknown as BankReturn,
    confirmOnRamp: async (input) => (await post('/bank/onramps', input)) as unknown as OnRamp,
  }
}
