import { Counter, Gauge, Registry } from 'prom-client'
import { ALERT_CODES, type Alert } from '../../domain/risk/alerts.js'
import { formatUnitsExact } from '../../domain/money.js'
import type { RiskReport } from '../../domain/risk/report.js'

/**
 * Prometheus metrics of lpla-verify, on their own registry (several beacons may share a
 * process). Prometheus values are floats: required capital is exported in USD for dashboards
 * and alerting thresholds only; the exact figures are in the report.
 */
export function createVerifyMetrics(registry = new Registry()) {
  const runs = new Counter({ name: 'halo_verify_runs_total', help: 'lpla-verify runs by outcome', labelNames: ['outcome'] as const, registers: [registry] })
  const duration = new Gauge({ name: 'halo_verify_run_duration_seconds', help: 'Duration of the last lpla-verify run', registers: [registry] })
  const lastRun = new Gauge({ name: 'halo_verify_last_success_timestamp_seconds', help: 'Unix time of the last successful run', registers: [registry] })
  const active = new Gauge({ name: 'halo_verify_alerts_active', help: 'Alerts currently raised, by code and severity', labelNames: ['code', 'severity'] as const, registers: [registry] })
  const raised = new Counter({ name: 'halo_verify_alerts_raised_total', help: 'Alerts newly raised, by code', labelNames: ['code'] as const, registers: [registry] })
  const capital = new Gauge({ name: 'halo_verify_required_capital_usd', help: 'Required capital (USD) by Prime; prime="total" for the sum', labelNames: ['prime'] as const, registers: [registry] })
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
      capital.set({ prime: 'total' }, usd(options.report.totals.requiredCapitalWad))
      for (const p of options.report.primes) capital.set({ prime: p.prime }, usd(p.requiredCapitalWad))
      incomplete.set(options.report.totals.incomplete ? 1 : 0)
    },
  }
}
export type VerifyMetrics = ReturnType<typeof createVerifyMetrics>

function usd(wad: bigint): number {
  return Number(formatUnitsExact(wad, 18))
}
