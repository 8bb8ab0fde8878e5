import type { Alert } from '../../domain/risk/alerts.js'

export type WebhookBody = { source: 'lpla-verify'; at: string; frameworkVersion: string | null; raised: Alert[]; resolved: Alert[] }

export type PostWebhookParameters = {
  url: string
  body: WebhookBody
  fetch?: typeof globalThis.fetch
  /** Bounded: at most this many attempts, 250 ms × 2^n apart. */
  attempts?: number
  timeoutMs?: number
}

/** POST alert changes as JSON. Returns whether a 2xx was received; never throws. */
export async function postWebhook({ url, body, fetch = globalThis.fetch, attempts = 3, timeoutMs = 5_000 }: PostWebhookParameters): Promise<{ ok: boolean; error?: string }> {
  let error = 'not attempted'
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 250 * 2 ** (attempt - 1)))
    try {
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(timeoutMs) })
      await response.body?.cancel()
      if (response.ok) return { ok: true }
      error = `HTTP ${response.status}`
      if (response.status < 500 && response.status !== 429) break
    } catch (cause) {
      error = cause instanceof Error ? cause.message : String(cause)
    }
  }
  return { ok: false, error }
}
