import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadVerifyConfig } from '../../../src/beacons/verify/config.js'
import { formatRiskReport } from '../../../src/beacons/verify/format.js'
import { createVerifyBeacon } from '../../../src/beacons/verify/main.js'
import type { AttestationRecordView, CoreHaloRecordView, SleeveRecordView, UnitRecordView } from '../../../src/beacons/verify/policy.js'
import type { VerifyReader } from '../../../src/beacons/verify/reconcile.js'
import type { WebhookBody } from '../../../src/beacons/verify/webhook.js'
import { ATT_101, ATT_102, ATT_103, SEED_STEPS, SEED_UNITS, TEST_FRAMEWORK, TEST_FRAMEWORK_VERSION } from '../../domain/risk/fixtures.js'

/** An in-memory Synome view: the beacon only needs the reader interface. */
function memoryReader(world: { framework?: boolean | unknown; sleeves: SleeveRecordView[]; attestations: AttestationRecordView[]; units: UnitRecordView[]; coreHalos?: CoreHaloRecordView[]; fail?: boolean }): VerifyReader {
  const guard = async <T>(value: T) => {
    if (world.fail) throw new Error('Synome unreachable')
    return value
  }
  return {
    riskFramework: () => guard(world.framework === false ? undefined : { version: TEST_FRAMEWORK_VERSION, document: world.framework === undefined || world.framework === true ? TEST_FRAMEWORK : world.framework }),
    sleeves: () => guard(world.sleeves),
    units: () => guard(world.units),
    attestations: () => guard(world.attestations),
    coreHalos: () => guard(world.coreHalos ?? []),
    haloClasses: () => guard([]),
  }
}

const atRestRecord = (): SleeveRecordView => ({ ...SEED_STEPS.atRest, attestations: ['att-101', 'att-102'], timestamps: SEED_STEPS.atRest.timestamps as Record<string, string> })
const unitRecords: UnitRecordView[] = SEED_UNITS.map((u) => ({ unitId: Number(u.unitId), nfat: { tokenId: u.unitId, facility: u.facility }, sleeveId: u.sleeveId, principal: u.principal, depositorPrime: u.depositor, state: u.state }))

let webhook: Server
let webhookUrl: string
const deliveries: WebhookBody[] = []
beforeAll(async () => {
  webhook = createServer((request, response) => {
    let body = ''
    request.on('data', (chunk) => (body += chunk))
    request.on('end', () => {
      deliveries.push(JSON.parse(body) as WebhookBody)
      response.writeHead(204).end()
    })
  })
  await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve))
  webhookUrl = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/hook`
})
afterAll(() => new Promise((resolve) => webhook.close(resolve)))

describe('lpla-verify beacon: logs, metrics and webhook for each alert change', () => {
  it('raises a missed re-attestation once, then reports it resolved when att-103 is recorded', async () => {
    const world = { sleeves: [atRestRecord()], attestations: [ATT_101, ATT_102], units: unitRecords }
    const logs: Record<string, unknown>[] = []
    const logger = pino({ level: 'info' }, { write: (line: string) => void logs.push(JSON.parse(line)) })
    let now = new Date('2026-07-20T00:00:00Z')
    const beacon = createVerifyBeacon({ config: loadVerifyConfig({ env: {}, flags: { webhookUrl, metricsPort: 0 } }), reader: memoryReader(world), sources: { clients: {} }, logger, clock: () => now })

    const first = await beacon.runOnce()
    expect(first?.ok && first.report.sleeves[0]!.crrWad).toBe(17n * 10n ** 16n)
    await beacon.runOnce() // same state: nothing new to say
    expect(deliveries).toHaveLength(1)
    expect(deliveries[0]).toMatchObject({ source: 'lpla-verify', frameworkVersion: TEST_FRAMEWORK_VERSION, raised: [{ code: 'REATTESTATION_OVERDUE', entity: { type: 'sleeve', id: 'sleeve-7' } }], resolved: [] })
    expect(logs.filter((l) => l.code === 'REATTESTATION_OVERDUE')).toMatchObject([{ level: 40, severity: 'warning', entity: { type: 'sleeve', id: 'sleeve-7' } }])
    let text = await beacon.metrics.registry.metrics()
    expect(text).toContain('halo_verify_alerts_active{code="REATTESTATION_OVERDUE",severity="warning"} 1')
    expect(text).toContain('halo_verify_alerts_raised_total{code="REATTESTATION_OVERDUE"} 1')
    expect(text).toContain('halo_verify_runs_total{outcome="ok"} 2')

    // lpha-attest posts a late periodic attestation and lpha-nfat records it on the sleeve.
    const att104 = { ...ATT_103, attestationId: 'att-104', timestamp: '2026-07-21T00:00:00Z' }
    world.attestations.push(att104)
    world.sleeves[0]!.attestations = ['att-101', 'att-102', 'att-104']
    now = new Date('2026-07-22T00:00:00Z')
    const cleared = await beacon.runOnce()
    expect(cleared?.ok && cleared.report.sleeves[0]!.crrWad).toBe(12n * 10n ** 16n)
    expect(deliveries[1]).toMatchObject({ raised: [], resolved: [{ code: 'REATTESTATION_OVERDUE' }] })
    text = await beacon.metrics.registry.metrics()
    expect(text).toContain('halo_verify_alerts_active{code="REATTESTATION_OVERDUE",severity="warning"} 0')
    await beacon.stop()
  })

  it('without a framework it alerts FRAMEWORK_MISSING and computes nothing', async () => {
    const beacon = createVerifyBeacon({ config: loadVerifyConfig({ env: {} }), reader: memoryReader({ framework: false, sleeves: [], attestations: [], units: [] }), sources: { clients: {} }, logger: pino({ level: 'silent' }) })
    const run = await beacon.runOnce()
    expect(run).toMatchObject({ ok: false, alerts: [{ code: 'FRAMEWORK_MISSING', severity: 'critical' }] })
    expect(await beacon.metrics.registry.metrics()).toContain('halo_verify_runs_total{outcome="no-framework"} 1')
  })

  it('a published framework it cannot use is FRAMEWORK_INVALID; a Core Halo without a usable data model is CORE_HALO_ENTRY_INVALID', async () => {
    const silent = pino({ level: 'silent' })
    const config = loadVerifyConfig({ env: {} })
    const invalid = createVerifyBeacon({ config, reader: memoryReader({ framework: { riskData: { schemaVersions: { '1.0': { jsonSchema: {} } } } }, sleeves: [], attestations: [], units: [] }), sources: { clients: {} }, logger: silent })
    expect(await invalid.runOnce()).toMatchObject({ ok: false, frameworkVersion: TEST_FRAMEWORK_VERSION, alerts: [{ code: 'FRAMEWORK_INVALID', entity: { type: 'framework', id: TEST_FRAMEWORK_VERSION } }] })
    const coreHalo: CoreHaloRecordView = { coreHaloId: 'ch-x', prime: 'spark', collateralType: 'x', description: '', addresses: [], riskModelRef: 'clo-aaa', dataModelRef: 'http-json', parameters: { dataModel: { url: 'not a url', jsonPath: '$.nav' } } }
    const entry = createVerifyBeacon({ config, reader: memoryReader({ sleeves: [], attestations: [], units: [], coreHalos: [coreHalo] }), sources: { clients: {} }, logger: silent })
    const run = await entry.runOnce()
    expect(run?.ok && run.report.alerts.map((a) => [a.code, a.entity])).toEqual([['CORE_HALO_ENTRY_INVALID', { type: 'coreHalo', id: 'ch-x' }]])
  })

  it('a run that cannot read the Synome is counted and logged, and the loop keeps going', async () => {
    const world = { fail: true, sleeves: [], attestations: [], units: [] }
    const logs: Record<string, unknown>[] = []
    const beacon = createVerifyBeacon({ config: loadVerifyConfig({ env: {}, flags: { intervalSeconds: 1, metricsPort: 0 } }), reader: memoryReader(world), sources: { clients: {} }, logger: pino({}, { write: (l: string) => void logs.push(JSON.parse(l)) }) })
    const { metricsUrl } = await beacon.start()
    await new Promise((resolve) => setTimeout(resolve, 200))
    world.fail = false
    await new Promise((resolve) => setTimeout(resolve, 1_200))
    const text = await (await fetch(metricsUrl!)).text()
    await beacon.stop()
    expect(text).toContain('halo_verify_runs_total{outcome="error"} 1')
    expect(text).toMatch(/halo_verify_runs_total\{outcome="ok"\} [1-9]/)
    expect(logs.some((l) => l.msg === 'verify run failed')).toBe(true)
  })

  it('prints a readable table of the report', async () => {
    const beacon = createVerifyBeacon({ config: loadVerifyConfig({ env: {} }), reader: memoryReader({ sleeves: [{ ...atRestRecord(), state: 'DEPLOYING', assets: SEED_STEPS.deploying.assets, timestamps: SEED_STEPS.deploying.timestamps as Record<string, string> }], attestations: [ATT_101], units: unitRecords }), sources: { clients: {} }, logger: pino({ level: 'silent' }), clock: () => new Date('2026-04-10T00:00:00Z') })
    const run = await beacon.runOnce()
    const text = formatRiskReport(run!.ok ? run!.report : (undefined as never))
    expect(text).toContain('Total required capital: 22500000 USD')
    expect(text).toMatch(/sleeve-7\s+facility-A\s+DEPLOYING\s+-\s+75000000\s+30%\s+-\s+22500000/)
    expect(text).toContain('Alerts: none')
  })
})

describe('webhook delivery failures', () => {
  it('retries a failing webhook a bounded number of times, then counts and logs the failure', async () => {
    let attempts = 0
    const failing = createServer((_request, response) => {
      attempts++
      response.writeHead(503).end()
    })
    await new Promise<void>((resolve) => failing.listen(0, '127.0.0.1', resolve))
    const url = `http://127.0.0.1:${(failing.address() as AddressInfo).port}/hook`
    const logs: Record<string, unknown>[] = []
    const beacon = createVerifyBeacon({
      config: loadVerifyConfig({ env: {}, flags: { webhookUrl: url } }),
      reader: memoryReader({ sleeves: [atRestRecord()], attestations: [ATT_101, ATT_102], units: unitRecords }),
      sources: { clients: {} },
      logger: pino({}, { write: (l: string) => void logs.push(JSON.parse(l)) }),
      clock: () => new Date('2026-07-20T00:00:00Z'),
    })
    await beacon.runOnce()
    await new Promise((resolve) => failing.close(resolve))
    expect(attempts).toBe(3)
    expect(await beacon.metrics.registry.metrics()).toContain('halo_verify_webhook_failures_total 1')
    expect(logs.some((l) => l.msg === 'alert webhook delivery failed' && l.error === 'HTTP 503')).toBe(true)
  })
})

describe('verify configuration: flags > environment > file > defaults', () => {
  it('layers the sources and refuses nonsense with a typed error', () => {
    expect(loadVerifyConfig({ env: {} }).intervalSeconds).toBe(60)
    expect(loadVerifyConfig({ env: { HALO_VERIFY_INTERVAL_SECONDS: '30' } }).intervalSeconds).toBe(30)
    expect(loadVerifyConfig({ env: { HALO_VERIFY_INTERVAL_SECONDS: '30' }, flags: { intervalSeconds: 5 } }).intervalSeconds).toBe(5)
    expect(() => loadVerifyConfig({ env: { HALO_VERIFY_INTERVAL_SECONDS: 'soon' } })).toThrow(/verify configuration is invalid/)
  })
})
