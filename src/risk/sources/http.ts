import { isLosslessNumber, parse as parseLossless } from 'lossless-json'
import { parseUnitsExact } from '../../domain/money.js'
import type { CoreHalo, DataModel } from '../../domain/risk/coreHalo.js'
import { readJsonPath } from './jsonPath.js'
import { failed, garbage, type SourceResult } from './result.js'

type HttpJsonModel = Extract<DataModel, { kind: 'http-json' }>

/** Largest response body read; a financial API answering more than this is not one number. */
const MAX_BODY_BYTES = 1_000_000
const AMOUNT = /^(0|[1-9]\d{0,59})(\.\d{1,18})?$/

export type ReadHttpJsonParameters = { coreHalo: CoreHalo; model: HttpJsonModel; fetch?: typeof globalThis.fetch }

/**
 * Fetch a USD amount from an HTTP JSON API (reference core-halos-and-cleanup.md: financial APIs
 * for assets like JAAA or BUIDL). The value at `jsonPath` must be a non-negative decimal string
 * or a plain JSON number without exponent ("1250000.5" or 1250000.5); both are read exactly
 * from their decimal text: the body is parsed with lossless-json, which keeps every JSON
 * number as its source text (JSON.parse goes through float64 and turns 2500000000.123456789
 * into 2500000000.123457; its reviver's `context.source` needs Node 21+). Duplicate keys with
 * different values are refused (which one the API meant is unknowable). Network errors,
 * timeouts and non-2xx answers are failures; non-JSON bodies, missing paths and non-amounts
 * are garbage. Never throws.
 */
export async function readHttpJson({ coreHalo, model, fetch = globalThis.fetch }: ReadHttpJsonParameters): Promise<SourceResult> {
  let text: string
  try {
    const response = await fetch(model.url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(model.timeoutMs), redirect: 'error' })
    if (!response.ok) {
      await response.body?.cancel()
      return failed(coreHalo, `HTTP ${response.status} from ${model.url}`)
    }
    const declared = Number(response.headers.get('content-length') ?? 0)
    if (declared > MAX_BODY_BYTES) {
      await response.body?.cancel()
      return garbage(coreHalo, `response of ${declared} bytes is too large`, declared)
    }
    text = await response.text()
  } catch (cause) {
    return failed(coreHalo, `request to ${model.url} failed`, cause)
  }
  if (text.length > MAX_BODY_BYTES) return garbage(coreHalo, 'response is too large', text.length)
  let document: unknown
  try {
    document = parseLossless(text)
  } catch (error) {
    return garbage(coreHalo, `response is not JSON${error instanceof SyntaxError && error.message.startsWith('Duplicate key') ? ` (${error.message})` : ''}`, text.slice(0, 200))
  }
  const value = readJsonPath(document, model.jsonPath)
  const decimal = typeof value === 'string' ? value : isLosslessNumber(value) ? value.value : undefined
  if (decimal === undefined || !AMOUNT.test(decimal)) return garbage(coreHalo, `value at ${model.jsonPath} is not a non-negative amount`, decimal ?? value ?? null)
  return { ok: true, valueWad: parseUnitsExact(decimal, 18, model.jsonPath), observed: decimal }
}
