/**
 * `npm run bench:dashboard [-- --sleeves 10000 --units-per-sleeve 3 --real 100 --runs 5 --json]`
 *
 * Page render time of the dashboard in headless Chromium (Debian's /usr/bin/chromium) for a
 * Synome with 10k sleeves and 30k units served over HTTP (as `halo dashboard --synome URL`
 * reads it), beside a baseline measured in the same run: a plain fetch of the JSON that page
 * shows (so the ratio is what the browser, React and the charts add), and for the snapshot the
 * plain paged read of every sleeve and unit it summarises.
 *
 * Store: in-process PGlite. `--real` sleeves go through the real signed commands (createSleeve,
 * three sweepUnit, transitionSleeve → OFFBOARDING), so their pages have a history and the log
 * has events to verify; the rest are bulk-loaded into the projection (loading 40k rows through
 * signed commands would measure the write path, which bench:synome does). Rate limits: anvil
 * with the Term Halo deployed as `halo up` does. Positions are not verified on chain here
 * (30k NFAT reads is lpla-verify's cost, see bench:verify).
 *
 * Render time = from navigation start until the page's data is on screen (the h1 is there and
 * no "Loading…" status is left), each page a fresh load (a deep link). Warm = the overview
 * snapshot is current; after a new event = the snapshot is patched before the page can show it;
 * first view = the snapshot is built from a full read (once per dashboard start).
 */
import { parseArgs } from 'node:util'
import { chromium, type Page } from 'playwright-core'
import { privateKeyToAccount } from 'viem/accounts'
import { publishRiskFramework } from '../src/beacons/council/index.js'
import { startAnvil, devnetAccounts, devnetClients } from '../src/chain/devnet.js'
import { buildDashboard } from '../src/dashboard/build.js'
import { createDashboardChain } from '../src/dashboard/chain.js'
import { contractsFromStackState } from '../src/dashboard/start.js'
import { startDashboardServer } from '../src/dashboard/server.js'
import { deployTermHaloByFactory } from '../src/devnet/termHalo.js'
import { DEVNET_FRAMEWORK, DEVNET_FRAMEWORK_VERSION } from '../src/devnet/riskFramework.js'
import { createHttpClient, createInProcessClient, createSynome, startSynomeServer, type SynomeService } from '../src/synome/index.js'

const { values: flags } = parseArgs({
  options: {
    sleeves: { type: 'string', default: '10000' },
    'units-per-sleeve': { type: 'string', default: '3' },
    real: { type: 'string', default: '100' },
    runs: { type: 'string', default: '5' },
    json: { type: 'boolean', default: false },
  },
})
const SLEEVES = Number(flags.sleeves)
const PER = Number(flags['units-per-sleeve'])
const REAL = Number(flags.real)
const RUNS = Math.max(1, Math.min(20, Number(flags.runs)))
if (![SLEEVES, PER, REAL].every((n) => Number.isSafeInteger(n) && n >= 1) || REAL > SLEEVES) throw new Error('--sleeves, --units-per-sleeve, --real must be positive integers, real ≤ sleeves')

const HALO_CLASS = 'facility-A'
const PRIMES = ['0x000000000000000000000000000000000000aaa1', '0x000000000000000000000000000000000000aaa2', '0x000000000000000000000000000000000000aaa3']
const NOW = new Date('2026-06-01T00:00:00Z')
const log = (line: string) => void (flags.json ? undefined : process.stderr.write(`${line}\n`))

/** Bulk sleeves cycle through the lifecycle so every state has capital. */
function bulkShape(i: number, amount: string): { state: string; assets: Record<string, unknown>[] } {
  switch (i % 6) {
    case 0: return { state: 'FILLING', assets: [{ type: 'USDS', amount, location: 'facility-ALMProxy' }] }
    case 1: return { state: 'OFFBOARDING', assets: [{ type: 'USDC', amount, location: 'in-transit', initiatedAt: '2026-05-31T00:00:00Z' }] }
    case 2: return { state: 'DEPLOYING', assets: [{ type: 'USD', amount, location: 'deploying' }] }
    case 3:
    case 4: return { state: 'AT_REST', assets: [{ type: 'aggregate-deployed', amount }] }
    default: return { state: 'UNWINDING', assets: [{ type: 'USD', amount, location: 'halo-bank-account' }] }
  }
}

async function bulkLoad(synome: SynomeService, facility: string, from: number, to: number): Promise<void> {
  let pos = 10_000_000
  let rows: Record<string, unknown>[] = []
  const flush = async () => {
    if (rows.length === 0) return
    await synome.sql.query(
      `INSERT INTO entities (type, id, version, created_position, position, halo_class, sleeve_id, prime, state, created_at, updated_at, data)
       SELECT e->>'type', e->>'id', 1, (e->>'pos')::bigint, (e->>'pos')::bigint, e->>'haloClass', e->>'sleeveId', e->>'prime', e->>'state', $2::timestamptz, $2::timestamptz, e->'data'
       FROM jsonb_array_elements($1::jsonb) AS e`,
      [JSON.stringify(rows), NOW.toISOString()],
    )
    rows = []
  }
  for (let i = from; i < to; i++) {
    const sleeveId = `sleeve-${i}`
    const principal = String(1_000_000 + (i % 7) * 250_000)
    const shape = bulkShape(i, String(Number(principal) * PER))
    const unitIds = Array.from({ length: PER }, (_, k) => 1_000_000 + i * PER + k)
    rows.push({ type: 'sleeve', id: sleeveId, pos: pos++, haloClass: HALO_CLASS, state: shape.state, data: { sleeveId, haloClass: HALO_CLASS, state: shape.state, assets: shape.assets, linkedUnits: unitIds, attestations: [], timestamps: { created: '2026-03-15T10:00:00Z' }, metadata: {} } })
    for (const unitId of unitIds) {
      const prime = PRIMES[unitId % PRIMES.length]!
      rows.push({ type: 'unit', id: String(unitId), pos: pos++, sleeveId, haloClass: HALO_CLASS, prime, state: 'ACTIVE', data: { unitId, nfat: { tokenId: String(unitId), facility, txHash: `0x${'0'.repeat(64)}` }, sleeveId, haloClass: HALO_CLASS, principal, dealTerms: { apy: '0.05', maturity: '2026-12-31T00:00:00Z', paymentSchedule: 'bullet' }, depositorPrime: prime, state: 'ACTIVE', repaymentAmount: null, timestamps: {} } })
    }
    if (rows.length >= 4000) await flush()
  }
  await flush()
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
const ms = (value: number) => Math.round(value)

async function waitLoaded(page: Page): Promise<void> {
  await page.waitForFunction(() => document.querySelector('h1') !== null && !Array.from(document.querySelectorAll('[role=status]')).some((e) => e.textContent === 'Loading…'), undefined, { timeout: 60_000, polling: 'raf' })
}

async function main(): Promise<void> {
  const anvil = await startAnvil()
  const accounts = devnetAccounts()
  const clients = devnetClients(anvil)
  log('deploying the Term Halo on anvil (rate limits, timelock)…')
  const deployment = await deployTermHaloByFactory(clients, { accounts, offRamp: accounts.freezer.address })
  const council = privateKeyToAccount(`0x${'c1'.repeat(32)}`)
  const nfat = privateKeyToAccount(`0x${'a1'.repeat(32)}`)
  let now = NOW
  const clock = () => now
  const synome = await createSynome({ dataDir: null, clock, roles: [{ address: council.address, role: 'council', haloClasses: [] }, { address: nfat.address, role: 'nfat', haloClasses: ['*'] }] })
  const synomeServer = await startSynomeServer({ service: synome, port: 0 })
  const dashboardParts: { close?: () => Promise<void> } = {}
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'] })
  try {
    const councilClient = createInProcessClient({ service: synome, account: council, clock })
    const nfatClient = createInProcessClient({ service: synome, account: nfat, clock })
    await councilClient.send('registerHaloClass', { haloClass: HALO_CLASS, facility: deployment.facility, description: 'bench Term Halo' })
    await publishRiskFramework({ client: councilClient, version: DEVNET_FRAMEWORK_VERSION, document: DEVNET_FRAMEWORK })

    log(`seeding ${REAL} sleeves through signed commands (${REAL * (PER + 2)} commands)…`)
    const seedStarted = performance.now()
    let tokenId = 42
    for (let i = 0; i < REAL; i++) {
      const sleeveId = `sleeve-${i}`
      await nfatClient.send('createSleeve', { sleeveId, haloClass: HALO_CLASS })
      for (let k = 0; k < PER; k++) {
        const unitId = tokenId++
        await nfatClient.send('sweepUnit', { sleeveId, unit: { unitId, nfat: { tokenId: String(unitId), facility: deployment.facility, txHash: `0x${unitId.toString(16).padStart(64, '0')}` }, principal: String(1_000_000 * (k + 1)), dealTerms: { apy: '0.05', maturity: '2026-12-31T00:00:00Z', paymentSchedule: 'bullet' }, depositorPrime: PRIMES[k % PRIMES.length]! } })
      }
      await nfatClient.send('transitionSleeve', { sleeveId, to: 'OFFBOARDING' })
    }
    const commandsMs = performance.now() - seedStarted
    log(`bulk-loading ${SLEEVES - REAL} sleeves and ${(SLEEVES - REAL) * PER} units into the projection…`)
    await bulkLoad(synome, deployment.facility, REAL, SLEEVES)
    const seedMs = performance.now() - seedStarted

    const built = await buildDashboard({ log })
    const reader = createHttpClient({ url: synomeServer.url })
    const publicClient = clients.publicClient
    const dashboard = await startDashboardServer({
      staticDir: built.dir,
      synome: reader,
      chain: createDashboardChain(publicClient),
      contracts: contractsFromStackState({ usds: deployment.usds, usdc: deployment.usdc, timelock: deployment.configuratorUnit.timelock, beamState: deployment.configuratorUnit.beamState, configurator: deployment.configuratorUnit.configurator, almProxy: deployment.almProxy, rateLimits: deployment.pau.rateLimits, facility: deployment.facility, offRamp: deployment.offRamp }),
      port: 0,
      snapshot: { sources: { clients: { default: publicClient } }, clock, maxAgeMs: 3_600_000 },
    })
    dashboardParts.close = dashboard.close
    const url = dashboard.url

    const pages: { name: string; path: string; api: string[] }[] = [
      { name: 'Overview', path: '/', api: ['/api/overview'] },
      { name: 'Sleeves (list)', path: '/sleeves', api: ['/api/sleeves'] },
      { name: 'Sleeve', path: '/sleeves/sleeve-0', api: ['/api/sleeves/sleeve-0'] },
      { name: 'Unit', path: '/units/43', api: ['/api/units/43'] },
      { name: 'Rate limits', path: '/rate-limits', api: ['/api/rate-limits'] },
      { name: 'History', path: '/history', api: ['/api/events', '/api/verify-log'] },
    ]
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    // First view: the snapshot is built from a full read of every record plus an lpla-verify run.
    const rawListStarted = performance.now()
    for (const type of ['sleeve', 'unit']) {
      let cursor: string | undefined
      do {
        const pageResult = await reader.list({ type, limit: 1000, ...(cursor ? { cursor } : {}) })
        cursor = pageResult.nextCursor ?? undefined
      } while (cursor)
    }
    const rawListMs = performance.now() - rawListStarted
    const firstStarted = performance.now()
    await page.goto(`${url}/`)
    await waitLoaded(page)
    const firstMs = performance.now() - firstStarted

    const rows: { page: string; renderP50Ms: number; renderMaxMs: number; apiP50Ms: number; ratio: string }[] = []
    for (const p of pages) {
      await page.goto(`${url}${p.path}`) // warm-up: route code, snapshot, PGlite caches
      await waitLoaded(page)
      const renders: number[] = []
      const fetches: number[] = []
      for (let r = 0; r < RUNS; r++) {
        const started = performance.now()
        await Promise.all(p.api.map(async (path) => (await fetch(`${url}${path}`)).arrayBuffer()))
        fetches.push(performance.now() - started)
        const loadStarted = performance.now()
        await page.goto(`${url}${p.path}`)
        await waitLoaded(page)
        renders.push(performance.now() - loadStarted)
      }
      const render = median(renders)
      const api = median(fetches)
      rows.push({ page: p.name, renderP50Ms: ms(render), renderMaxMs: ms(Math.max(...renders)), apiP50Ms: ms(api), ratio: `${(render / api).toFixed(1)}×` })
    }
    // The browser's own floor: a navigation to a bare JSON document on the same server.
    const floors: number[] = []
    for (let r = 0; r < RUNS; r++) {
      const started = performance.now()
      await page.goto(`${url}/api/head`)
      floors.push(performance.now() - started)
    }
    const floorMs = median(floors)
    // After a new event: the snapshot is patched (one entity read again, the rules re-run in memory).
    const patchedRenders: number[] = []
    for (let r = 0; r < RUNS; r++) {
      now = new Date(NOW.getTime() + (r + 1) * 60_000)
      await nfatClient.send('createSleeve', { sleeveId: `sleeve-new-${r}`, haloClass: HALO_CLASS })
      const started = performance.now()
      await page.goto(`${url}/`)
      await waitLoaded(page)
      patchedRenders.push(performance.now() - started)
      log(`after a new event: ${Math.round(patchedRenders.at(-1)!)} ms; snapshot ${JSON.stringify(((await (await fetch(`${url}/api/overview`)).json()) as { asOf: unknown }).asOf)}`)
    }
    const patchedMs = median(patchedRenders)
    const result = {
      sleeves: SLEEVES,
      units: SLEEVES * PER,
      realCommands: REAL * (PER + 2) + 1,
      seedSeconds: Number((seedMs / 1000).toFixed(1)),
      signedCommandsSeconds: Number((commandsMs / 1000).toFixed(1)),
      firstView: { overviewRenderMs: ms(firstMs), rawListAllMs: ms(rawListMs), ratio: `${(firstMs / rawListMs).toFixed(2)}×` },
      afterNewEvent: { overviewRenderP50Ms: ms(patchedMs), overviewRenderMaxMs: ms(Math.max(...patchedRenders)), warmOverviewP50Ms: rows[0]!.renderP50Ms },
      browserFloorMs: ms(floorMs),
      pages: rows,
      allUnderOneSecond: rows.every((r) => r.renderMaxMs < 1000) && Math.max(...patchedRenders) < 1000,
      runs: RUNS,
    }
    if (flags.json) process.stdout.write(`${JSON.stringify(result)}\n`)
    else {
      const lines = [
        `dashboard page render in headless Chromium (${result.sleeves} sleeves, ${result.units} units; Synome over HTTP on PGlite; median of ${RUNS})`,
        `seeded in ${result.seedSeconds} s (${result.realCommands} signed commands in ${result.signedCommandsSeconds} s, the rest bulk-loaded)`,
        '',
        '| Page | render p50 | render max | API fetch p50 (baseline) | ratio |',
        '| --- | ---: | ---: | ---: | ---: |',
        ...rows.map((r) => `| ${r.page} | ${r.renderP50Ms} ms | ${r.renderMaxMs} ms | ${r.apiP50Ms} ms | ${r.ratio} |`),
        '',
        `browser floor (navigating to a bare JSON document on the same server): ${result.browserFloorMs} ms`,
        `overview right after a new event (snapshot patched): p50 ${result.afterNewEvent.overviewRenderP50Ms} ms, max ${result.afterNewEvent.overviewRenderMaxMs} ms (warm: ${result.afterNewEvent.warmOverviewP50Ms} ms)`,
        `first view after start (full read + lpla-verify): ${result.firstView.overviewRenderMs} ms vs ${result.firstView.rawListAllMs} ms to page through every sleeve and unit = ${result.firstView.ratio}`,
        `every page under 1 s (warm and after a new event, max of ${RUNS}): ${result.allUnderOneSecond ? 'yes' : 'NO'}`,
      ]
      process.stdout.write(`${lines.join('\n')}\n`)
    }
  } finally {
    await browser.close()
    await dashboardParts.close?.()
    await synomeServer.close()
    await synome.close()
    await anvil.stop()
  }
}

await main()
