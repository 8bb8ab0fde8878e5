import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { pino, type Logger } from 'pino'
import type { Alert } from '../../domain/risk/alerts.js'
import type { SourceContext } from '../../risk/sources/index.js'
import type { VerifyChain } from './chain.js'
import type { VerifyConfig } from './config.js'
import { createVerifyMetrics, type VerifyMetrics } from './metrics.js'
import { diffAlerts } from './policy.js'
import { runVerify, type VerifyReader, type VerifyRun } from './reconcile.js'
import { postWebhook } from './webhook.js'

export type VerifyBeaconParameters = {
  config: VerifyConfig
  reader: VerifyReader
  chain?: VerifyChain | undefined
  sources: SourceContext
  logger?: Logger
  metrics?: VerifyMetrics
  clock?: () => Date
  fetch?: typeof globalThis.fetch
}

/**
 * lpla-verify as a long-running beacon: one `runVerify` per interval. Each run recomputes from
 * scratch (level-triggered); alerts are logged and sent to the webhook when they are raised or
 * resolved, while the metrics always show the current set. A failing run (Synome or RPC down)
 * is logged and counted and the loop carries on.
 */
export function createVerifyBeacon({ config, reader, chain, sources, logger = pino({ name: 'lpla-verify' }), metrics = createVerifyMetrics(), clock = () => new Date(), fetch = globalThis.fetch }: VerifyBeaconParameters) {
  let active = new Map<string, Alert>()
  let timer: NodeJS.Timeout | undefined
  let server: Server | undefined
  let running: Promise<unknown> = Promise.resolve()
  let stopped = false

  async function tick(): Promise<VerifyRun | undefined> {
    const started = performance.now()
    const now = clock()
    let run: VerifyRun
    try {
      run = await runVerify({ reader, chain, sources, now, primeAddresses: config.primeAddresses, usdc: config.usdc, attestationRegistry: config.attestationRegistry })
    } catch (error) {
      metrics.runFailed()
      logger.error({ err: error }, 'verify run failed')
      return undefined
    }
    const alerts = run.ok ? run.report.alerts : run.alerts
    const { raised, resolved, active: next } = diffAlerts(active, alerts)
    active = next
    for (const a of raised) logger[a.severity === 'critical' ? 'error' : 'warn']({ code: a.code, severity: a.severity, entity: a.entity, details: a.details }, a.message)
    for (const a of resolved) logger.info({ code: a.code, entity: a.entity }, `resolved: ${a.message}`)
    const seconds = (performance.now() - started) / 1000
    metrics.record({ alerts, raisedNow: raised, report: run.ok ? run.report : undefined, seconds, at: now })
    if (run.ok) logger.info({ frameworkVersion: run.report.frameworkVersion, sleeves: run.report.sleeves.length, units: run.report.units.length, alerts: alerts.length, requiredCapitalWad: run.report.totals.requiredCapitalWad.toString(), seconds }, 'verify run complete')
    if (config.webhookUrl && (raised.length > 0 || resolved.length > 0)) {
      const frameworkVersion = run.ok ? run.report.frameworkVersion : run.frameworkVersion
      const delivery = await postWebhook({ url: config.webhookUrl, fetch, body: { source: 'lpla-verify', at: now.toISOString(), frameworkVersion, raised, resolved } })
      if (!delivery.ok) {
        metrics.webhookFailures.inc()
        logger.error({ error: delivery.error }, 'alert webhook delivery failed')
      }
    }
    return run
  }

  return {
    metrics,
    /** One run now (also what the loop calls). */
    runOnce(): Promise<VerifyRun | undefined> {
      const run = running.then(tick)
      running = run.catch(() => undefined)
      return run
    },
    /** Start the interval loop and, if configured, the /metrics endpoint. Returns its URL. */
    async start(): Promise<{ metricsUrl?: string }> {
      const loop = async () => {
        if (stopped) return
        await this.runOnce()
        if (!stopped) timer = setTimeout(loop, config.intervalSeconds * 1000)
      }
      void loop()
      if (config.metricsPort === undefined) return {}
      server = createServer(async (request, response) => {
        if (request.url !== '/metrics') return void response.writeHead(404).end()
        response.writeHead(200, { 'content-type': metrics.registry.contentType }).end(await metrics.registry.metrics())
      })
      await new Promise<void>((resolve) => server!.listen(config.metricsPort, config.metricsHost, resolve))
      const { port } = server.address() as AddressInfo
      return { metricsUrl: `http://${config.metricsHost}:${port}/metrics` }
    },
    async stop(): Promise<void> {
      stopped = true
      if (timer) clearTimeout(timer)
      await running
      if (server) await new Promise((resolve) => server!.close(resolve))
    },
  }
}
export type VerifyBeacon = ReturnType<typeof createVerifyBeacon>
