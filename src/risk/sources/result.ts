import { alert, type Alert } from '../../domain/risk/alerts.js'
import type { CoreHalo } from '../../domain/risk/coreHalo.js'

/** A live value in USD WAD, or the alert that replaces it. Sources never throw. */
export type SourceResult = { ok: true; valueWad: bigint; observed: string } | { ok: false; alert: Alert }

export function failed(coreHalo: CoreHalo, reason: string, cause?: unknown): SourceResult {
  const message = cause instanceof Error ? ((cause as { shortMessage?: string }).shortMessage ?? cause.message) : undefined
  return { ok: false, alert: alert('CORE_HALO_SOURCE_FAILED', { type: 'coreHalo', id: coreHalo.coreHaloId }, `${coreHalo.coreHaloId}: ${reason}`, { source: coreHalo.dataModel.kind, ...(message ? { error: message.slice(0, 300) } : {}) }) }
}

export function garbage(coreHalo: CoreHalo, reason: string, observed: unknown): SourceResult {
  const shown = typeof observed === 'bigint' ? observed.toString() : JSON.stringify(observed)?.slice(0, 200) ?? String(observed)
  return { ok: false, alert: alert('CORE_HALO_SOURCE_GARBAGE', { type: 'coreHalo', id: coreHalo.coreHaloId }, `${coreHalo.coreHaloId}: ${reason}`, { source: coreHalo.dataModel.kind, observed: shown }) }
}

/** Base units with `decimals` → 18-decimal WAD (floored below 1e-18, never rounded up). */
export function toWad(value: bigint, decimals: number): bigint {
  return decimals <= 18 ? value * 10n ** BigInt(18 - decimals) : value / 10n ** BigInt(decimals - 18)
}
