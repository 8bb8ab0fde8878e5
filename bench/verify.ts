/**
 * `npm run bench:verify [-- --sleeves 100000 --units-per-sleeve 3 --repeat 3 --json]`
 *
 * Time for a full lpla-verify CRR report (read framework, sleeves, units, attestations from the
 * Synome, then CRR per sleeve / unit / Prime with src/domain/risk) beside the time to just read
 * the same rows through the same client, as a ratio. Default size is the issue's: 100k sleeves
 * and 300k units. The store is an in-process PGlite (or PostgreSQL with --database-url).
 *
 * The rows are bulk-loaded straight into the Synome's projection table: this bench measures
 * verify, not command throughput (that is bench:synome). The framework itself is published
 * through a signed council command. Sleeves cycle through FILLING, the four OFFBOARDING
 * sub-steps, DEPLOYING, AT_REST (half of them overdue for re-attestation) and the three
 * UNWINDING sub-steps, so every rule runs.
 */
import { parseArgs } from 'node:util'
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
import { publishRiskFramework } from '../src/beacons/council/index.js'
import { runVerify } from '../src/beacons/verify/reconcile.js'
import { synomeReader } from '../src/beacons/verify/synomeReader.js'
import type { RiskFrameworkDocument } from '../src/domain/risk/framework.js'
import { createInProcessClient, createSynome, type SynomeService } from '../src/synome/index.js'

const { values: flags } = parseArgs({
  options: {
    sleeves: { type: 'string', default: '100000' },
    'units-per-sleeve': { type: 'string', default: '3' },
    repeat: { type: 'string', default: '3' },
    'database-url': { type: 'string' },
    json: { type: 'boolean', default: false },
  },
})
const SLEEVES = Number(flags.sleeves)
const UNITS_PER_SLEEVE = Number(flags['units-per-sleeve'])
const REPEAT = Math.max(1, Math.min(10, Number(flags.repeat)))
if (!Number.isSafeInteger(SLEEVES) || SLEEVES < 1 || !Number.isSafeInteger(UNITS_PER_SLEEVE) || UNITS_PER_SLEEVE < 1) throw new Error('--sleeves and --units-per-sleeve must be positive integers')

const FRAMEWORK: RiskFrameworkDocument = {
  crr: {
    CREATED: '0',
    FILLING: '0.01',
    OFFBOARDING: { 'usds-at-almproxy': '0.01', 'usdc-at-almproxy': '0.02', 'usds-at-redeem': '0.01', 'in-transit': '0.1', 'at-bank': '0.15' },
    DEPLOYING: '0.3',
    AT_REST: '0.12',
    UNWINDING: { 'usds-at-almproxy': '0.01', 'usdc-at-almproxy': '0.02', 'usds-at-redeem': '0.01', 'in-transit': '0.1', 'at-bank': '0.15' },
    CLOSED: '0',
  },
  reattestation: { cadence: 'P3M', grace: 'P0D', escalation: { stepRate: '0.05', every: 'P7D', maxRate: '0.5' } },
  offboarding: { receiptTimeout: '3d' },
  riskData: { schemaVersions: { '1.0': { jsonSchema: { type: 'object', required: ['investmentGradeShare'], properties: { investmentGradeShare: { type: 'string' } } } } } },
  capitalFormula: { riskModels: {} },
}

const NOW = new Date('2026-08-01T00:00:00Z')
const PRIMES = ['0x000000000000000000000000000000000000aaa1', '0x000000000000000000000000000000000000aaa2', '0x000000000000000000000000000000000000aaa3']
const FACILITY = '0x00000000000000000000000000000000000fac1a'

type Shape = { state: string; assets: Record<string, unknown>[]; attestations: ('pre' | 'atRest')[] }
/** The lifecycle mix: one shape per position in a cycle of 11. */
function shape(i: number, amount: string): Shape {
  const usd = { type: 'USD', amount, location: 'halo-bank-account' }
  switch (i % 11) {
    case 0: return { state: 'FILLING', assets: [{ type: 'USDS', amount, location: 'facility-ALMProxy' }], attestations: [] }
    case 1: return { state: 'OFFBOARDING', assets: [{ type: 'USDS', amount, location: 'facility-ALMProxy' }], attestations: [] }
    case 2: return { state: 'OFFBOARDING', assets: [{ type: 'USDC', amount, location: 'facility-ALMProxy' }], attestations: [] }
    case 3: return { state: 'OFFBOARDING', assets: [{ type: 'USDC', amount, location: 'in-transit', initiatedAt: '2026-07-31T00:00:00Z' }], attestations: ['pre'] }
    case 4: return { state: 'OFFBOARDING', assets: [usd], attestations: ['pre'] }
    case 5: return { state: 'DEPLOYING', assets: [{ type: 'USD', amount, location: 'deploying' }], attestations: ['pre'] }
    case 6:
    case 7: return { state: 'AT_REST', assets: [{ type: 'aggregate-deployed', amount, location: 'deploying', riskData: { schemaVersion: '1.0', attestationRef: `att-r-${i}`, data: { investmentGradeShare: '0.85' } } }], attestations: ['pre', 'atRest'] }
    case 8: return { state: 'UNWINDING', assets: [usd], attestations: ['pre', 'atRest'] }
    case 9: return { state: 'UNWINDING', assets: [{ type: 'USDC', amount, location: 'facility-ALMProxy' }], attestations: ['pre', 'atRest'] }
    default: return { state: 'UNWINDING', assets: [{ type: 'USDS', amount, location: 'redeem-contract' }], attestations: ['pre', 'atRest'] }
  }
}

async function insertRows(synome: SynomeService, rows: Record<string, unknown>[]): Promise<void> {
  await synome.sql.query(
    `INSERT INTO entities (type, id, version, created_position, position, halo_class, sleeve_id, prime, state, created_at, updated_at, data)
     SELECT e->>'type', e->>'id', 1, (e->>'pos')::bigint, (e->>'pos')::bigint, e->>'haloClass', e->>'sleeveId', e->>'prime', e->>'state', $2::timestamptz, $2::timestamptz, e->'data'
     FROM jsonb_array_elements($1::jsonb) AS e`,
    [JSON.stringify(rows), NOW.toISOString()],
  )
}

async function load(synome: SynomeService): Promise<{ attestations: number }> {
  const BATCH = 2_000
  let pos = 1_000_000
  let attestations = 0
  let batch: Record<string, unknown>[] = []
  const flush = async () => {
    if (batch.length > 0) await insertRows(synome, batch)
    batch = []
  }
  for (let i = 0; i < SLEEVES; i++) {
    const sleeveId = `sleeve-${i}`
    const haloClass = `class-${i % 20}`
    const principal = String(10_000_000 + (i % 7) * 1_000_000)
    const total = String(Number(principal) * UNITS_PER_SLEEVE)
    const s = shape(i, total)
    const atts: string[] = []
    for (const kind of s.attestations) {
      const attestationId = kind === 'pre' ? `att-p-${i}` : `att-r-${i}`
      atts.push(attestationId)
      // Half of the AT_REST sleeves were attested in April (overdue on 2026-08-01), half in June.
      const timestamp = kind === 'pre' ? '2026-04-01T09:00:00Z' : i % 2 === 0 ? '2026-04-15T09:00:00Z' : '2026-06-15T09:00:00Z'
      const content = kind === 'pre' ? { legalStructureVerified: true, bankAccountVerified: true, maximumDeploymentDuration: '180d' } : { legalClaimsVerified: true, deploymentComplete: true }
      batch.push({ type: 'attestation', id: attestationId, pos: pos++, sleeveId, haloClass, data: { attestationId, type: kind === 'pre' ? 'PRE_DEPLOYMENT' : 'AT_REST', sleeveId, content, timestamp } })
      attestations++
    }
    const unitIds = Array.from({ length: UNITS_PER_SLEEVE }, (_, k) => i * UNITS_PER_SLEEVE + k)
    batch.push({
      type: 'sleeve', id: sleeveId, pos: pos++, haloClass, state: s.state,
      data: { sleeveId, haloClass, state: s.state, assets: s.assets, linkedUnits: unitIds, attestations: atts, timestamps: { created: '2026-03-15T10:00:00Z', offboardingStarted: '2026-07-30T00:00:00Z', deployingStarted: '2026-07-01T00:00:00Z', atRestStarted: '2026-04-15T09:30:00Z' }, metadata: {} },
    })
    for (const unitId of unitIds) {
      const prime = PRIMES[unitId % PRIMES.length]!
      batch.push({
        type: 'unit', id: String(unitId), pos: pos++, sleeveId, haloClass, prime, state: 'ACTIVE',
        data: { unitId, nfat: { tokenId: String(unitId), facility: FACILITY, txHash: `0x${'0'.repeat(64)}` }, sleeveId, haloClass, principal, dealTerms: { apy: '0.05', maturity: '2026-12-31T00:00:00Z', paymentSchedule: 'bullet' }, depositorPrime: prime, state: 'ACTIVE', repaymentAmount: null, timestamps: {} },
      })
    }
    if (batch.length >= BATCH) await flush()
  }
  await flush()
  return { attestations }
}

const seconds = (ns: bigint) => Number(ns) / 1e9
async function timed<T>(fn: () => Promise<T>): Promise<[T, bigint]> {
  const start = process.hrtime.bigint()
  const value = await fn()
  return [value, process.hrtime.bigint() - start]
}

async function main(): Promise<void> {
  const councilKey = generatePrivateKey()
  const council = privateKeyToAccount(councilKey)
  const synome = await createSynome({ dataDir: null, databaseUrl: flags['database-url'], clock: () => NOW, roles: [{ address: council.address, role: 'council', haloClasses: [] }] })
  try {
    const client = createInProcessClient({ service: synome, account: council, clock: () => NOW })
    await publishRiskFramework({ client, version: 'bench-1', document: FRAMEWORK })
    process.stderr.write(`loading ${SLEEVES} sleeves / ${SLEEVES * UNITS_PER_SLEEVE} units into the Synome (${synome.sql.kind})…\n`)
    const [{ attestations }, loadNs] = await timed(() => load(synome))
    process.stderr.write(`loaded in ${seconds(loadNs).toFixed(1)} s\n`)

    const reader = synomeReader(client)
    // Warm-up (PGlite page cache, JIT), not timed.
    await Promise.all([reader.sleeves(), reader.units()])
    let readBest: bigint | undefined
    let fullBest: bigint | undefined
    let computeBest: bigint | undefined
    let summary: { requiredCapitalWad: bigint; alerts: number; sleeves: number; units: number } | undefined
    for (let r = 0; r < REPEAT; r++) {
      // Baseline: the same reads verify does, and nothing else.
      const [rows, readNs] = await timed(() => Promise.all([reader.riskFramework(), reader.sleeves(), reader.units(), reader.attestations(), reader.coreHalos(), reader.haloClasses()]))
      const [run, fullNs] = await timed(() => runVerify({ reader, sources: { clients: {} }, now: NOW }))
      // The rules alone, on rows already in memory.
      const [framework, sleeves, units, attestationRows, coreHalos, haloClasses] = rows
      const cached = { riskFramework: async () => framework, sleeves: async () => sleeves, units: async () => units, attestations: async () => attestationRows, coreHalos: async () => coreHalos, haloClasses: async () => haloClasses }
      const [, computeNs] = await timed(() => runVerify({ reader: cached, sources: { clients: {} }, now: NOW }))
      computeBest = computeBest === undefined || computeNs < computeBest ? computeNs : computeBest
      if (!run.ok) throw new Error(`verify did not run: ${run.alerts.map((a) => a.code).join(', ')}`)
      summary = { requiredCapitalWad: run.report.totals.requiredCapitalWad, alerts: run.report.alerts.length, sleeves: run.report.sleeves.length, units: run.report.units.length }
      readBest = readBest === undefined || readNs < readBest ? readNs : readBest
      fullBest = fullBest === undefined || fullNs < fullBest ? fullNs : fullBest
      process.stderr.write(`run ${r + 1}/${REPEAT}: read ${seconds(readNs).toFixed(2)} s, full report ${seconds(fullNs).toFixed(2)} s, rules only ${seconds(computeNs).toFixed(2)} s\n`)
    }
    const hundredths = (fullBest! * 100n + readBest! / 2n) / readBest!
    const result = {
      store: synome.sql.kind,
      sleeves: summary!.sleeves,
      units: summary!.units,
      attestations,
      readSeconds: Number(seconds(readBest!).toFixed(3)),
      fullReportSeconds: Number(seconds(fullBest!).toFixed(3)),
      rulesOnlySeconds: Number(seconds(computeBest!).toFixed(3)),
      ratio: `${hundredths / 100n}.${(hundredths % 100n).toString().padStart(2, '0')}×`,
      alerts: summary!.alerts,
      bestOf: REPEAT,
    }
    if (flags.json) process.stdout.write(`${JSON.stringify(result)}\n`)
    else {
      process.stdout.write(
        [
          `lpla-verify full CRR report vs plain read (${result.store}, best of ${REPEAT})`,
          `size: ${result.sleeves} sleeves, ${result.units} units, ${attestations} attestations`,
          `read the same rows:   ${result.readSeconds.toFixed(3)} s`,
          `full CRR report:      ${result.fullReportSeconds.toFixed(3)} s`,
          `ratio (report/read):  ${result.ratio}`,
          `rules only (rows in memory): ${result.rulesOnlySeconds.toFixed(3)} s`,
          `alerts raised: ${result.alerts} (the overdue AT_REST half)`,
        ].join('\n') + '\n',
      )
    }
  } finally {
    await synome.close()
  }
}

await main()
