import { Counter, Gauge, Registry } from 'prom-client'
import { ALERT_CODES, type Alert } from '../../domain/risk/alerts.js'
import { WAD } from '../../domain/money.js'
import type { RiskReport } from '../../domain/risk/report.js'

/**
 * Prometheus metrics of lpla-verify, on their own registry (several beacons may share a
 * process). Prometheus stores every sample as a float64, so an amount is exported only as a
 * number float64 holds exactly: required capital in whole USD, rounded up (computed in
 * bigint; every integer below 2^53 is exact, and 2^53 USD is far beyond any balance sheet).
 * A decimal string in the exposition would not help: the scraper parses it to float64 anyway.
 * The exact figures (WAD) are in the report and the log.
 */
export function createVerifyMetrics(registry = new Registry()) {
  const runs = new Counter({ name: 'halo_verify_runs_total', help: 'lpla-verify runs by outcome', labelNames: ['outcome'] as const, registers: [registry] })
  const duration = new Gauge({ name: 'halo_verify_run_duration_seconds', help: 'Duration of the last lpla-verify run', registers: [registry] })
  const lastRun = new Gauge({ name: 'halo_verify_last_success_timestamp_seconds', help: 'Unix time of the last successful run', registers: [registry] })
  const active = new Gauge({ name: 'halo_verify_alerts_active', help: 'Alerts currently raised, by code and severity', labelNames: ['code', 'severity'] as const, registers: [registry] })
  const raised = new Counter({ name: 'halo_verify_alerts_raised_total', help: 'Alerts newly raised, by code', labelNames: ['code'] as const, registers: [registry] })
  const capital = new Gauge({ name: 'halo_verify_required_capital_usd', help: 'Required capital in whole USD, rounded up (exact), by Prime; prime="total" for the sum', labelNames: ['prime'] as const, registers: [registry] })
  const bookCapital = new Gauge({ name: 'halo_verify_portfolio_book_required_capital_usd', help: 'Required capital of a Portfolio Halo book in whole USD, rounded up (exact)', labelNames: ['book'] as const, registers: [registry] })
  const incomplete = new Gauge({ name: 'halo_verify_report_incomplete', help: '1 when a Core Halo value could not be fetched', registers: [registry] })
  const webhookFailures = new Counter({ name: 'halo_verify_webhook_failures_total', help: 'Webhook deliveries that failed after retries', registers: [registry] })

  return {
    registry,
    webhookFailures,
    runFailed() {
      runs.inc({ outcome: 'error' })
    },
    record(options: { alerts: readonly Alert[]; raisedNow: readonly Alert[]; report?: RiskReport | undefined; seconds: number; at: Date }) {
      runs.inc({ outcome: options.report ? 'ok' : 'no-framework' })
      duration.set(options.seconds)
      lastRun.set(options.at.getTime() / 1000)
      for (const [code, severity] of Object.entries(ALERT_CODES)) active.set({ code, severity }, options.alerts.filter((a) => a.code === code).length)
      for (const a of options.raisedNow) raised.inc({ code: a.code })
      if (!options.report) return
      capital.reset()
      capital.set({ prime: 'total' }, wholeUsdUp(options.report.totals.requiredCapitalWad))
      for (const p of options.report.primes) capital.set({ prime: p.prime }, wholeUsdUp(p.requiredCapitalWad))
      bookCapital.reset()
      for (const b of options.report.portfolioBooks) bookCapital.set({ book: b.bookId }, wholeUsdUp(b.requiredCapitalWad))
      incomplete.set(options.report.totals.incomplete ? 1 : 0)
    },
  }
}
export type VerifyMetrics = ReturnType<typeof createVerifyMetrics>

const MAX_EXACT = BigInt(Number.MAX_SAFE_INTEGER)

/**
 * A USD WAD amount as whole USD rounded up, as a number float64 holds exactly. Above 2^53 − 1
 * USD no float is exact: +Inf (a valid Prometheus value) says "beyond range" and trips every
 * threshold, where a rounded figure would understate required capital.
 */
export function wholeUsdUp(wad: bigint): number {
  if (wad < 0n) throw new RangeError('required capital is never negative')
  const whole = (wad + WAD - 1n) / WAD
  return whole > MAX_EXACT ? Number.POSITIVE_INFINITY : Number(whole)
}
