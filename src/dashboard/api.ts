import { createHash } from 'node:crypto'
import { Hono, type Context } from 'hono'
import type { Address } from 'viem'
import { toRiskUnit } from '../beacons/verify/policy.js'
import { assetJournal, capitalByState, effectiveCrr, exposureByPrime, sleeveTimeline, totalsByClass, unitsByState, type SleeveVersionLike } from '../domain/dashboard.js'
import { BaseError, InvalidInputError, NotFoundError, isBaseError } from '../domain/errors.js'
import { parseUnitsExact, USDS_DECIMALS } from '../domain/money.js'
import { verifyUnitPosition } from '../domain/risk/position.js'
import type { SynomeTransport } from '../synome/client/types.js'
import { GENESIS_HASH, verifyChain, type SynomeEvent } from '../synome/log/hash.js'
import type { AttestationRecord, HaloClassRecord, SleeveRecord, UnitRecord } from '../synome/records.js'
import { DEFAULT_SYNOME_CHAIN_ID, verifyCommandSignature } from '../synome/signing.js'
import type { DashboardChain, DashboardContracts } from './chain.js'
import { crrHistory } from './crrHistory.js'
import { lctsPairs, lctsPairView } from './lcts.js'
import { portfolioClasses, portfolioClassStatus, portfolioUnitStatus } from '../portfolio/status.js'
import type { CycleSchedule } from '../domain/lcts/cycle.js'
import type { Snapshot, Snapshots } from './snapshot.js'

/**
 * The dashboard's read-only API (GET only), served under /api by `halo dashboard`. It reads
 * the Synome through its client (HTTP with the read token, or in-process) and the chain
 * through viem; it never signs or sends anything. Money is exact decimal strings throughout.
 */
export type DashboardApiParameters = {
  synome: Pick<SynomeTransport, 'get' | 'list' | 'history' | 'events' | 'head'>
  snapshots: Snapshots
  chain?: DashboardChain | undefined
  contracts?: DashboardContracts | undefined
  primeAddresses?: Readonly<Record<string, string>> | undefined
  /** chainId of the Synome's EIP-712 signing domain (to check each event's signature). */
  synomeChainId?: number | undefined
  logError?: ((error: unknown) => void) | undefined
  /** lpha-lcts's cycle schedule, for when a LOCKED queue unlocks (default 13:00 lock, 16:00 settle UTC). */
  lctsSchedule?: CycleSchedule | undefined
  /** Time the Portfolio views evaluate NAV per share and warning signals at (default: the wall clock). */
  clock?: (() => Date) | undefined
}

const PROBLEM = 'application/problem+json'
/** Most events one History request scans backwards for filter matches. */
const MAX_SCANNED_EVENTS = 20_000
const EVENT_PAGE = 1000
const MAX_CACHED_SIGNATURES = 10_000

function problem(c: Context, error: BaseError) {
  return c.body(JSON.stringify(error.toProblem()), error.status as 400, { 'content-type': PROBLEM })
}

function intQuery(value: string | undefined, field: string, fallback: number, max: number): number {
  if (value === undefined || value === '') return fallback
  if (!/^\d{1,15}$/.test(value) || Number(value) > max) throw new InvalidInputError(`${field} must be an integer 0..${max}`, { meta: { field } })
  return Number(value)
}

const message = (error: unknown) => (error instanceof Error ? ((error as { shortMessage?: string }).shortMessage ?? error.message).split('\n')[0]! : String(error))

/** Whether an event's EIP-712 signature recovers its actor (the bootstrap event is unsigned by design). */
async function signatureCheck(event: SynomeEvent, chainId: number): Promise<{ ok: boolean; detail: string }> {
  if (event.actor === 'bootstrap') return { ok: true, detail: 'bootstrap roles (first event, unsigned by design)' }
  try {
    const signer = await verifyCommandSignature(
      { command: event.command, payload: event.payload, idempotencyKey: event.idempotencyKey, issuedAt: event.issuedAt, expectedVersion: event.expectedVersion ?? undefined, signer: event.actor as Address, signature: event.signature as `0x${string}` },
      chainId,
    )
    return { ok: true, detail: `recovers ${signer}` }
  } catch (error) {
    return { ok: false, detail: message(error) }
  }
}

export function createDashboardApi(p: DashboardApiParameters): Hono {
  const app = new Hono()
  const chainId = p.synomeChainId ?? DEFAULT_SYNOME_CHAIN_ID
  // Incremental hash-chain check: the dashboard recomputes every hash itself, from the last
  // verified event on (the log is append-only, so a verified prefix stays verified).
  let verified = { position: 0, hash: GENESIS_HASH, events: 0 }
  let broken: { brokenAt: number; reason: string; events: number } | undefined
  // Signature checks by a digest of the whole event as served (an event never changes, so a
  // repeat view costs no secp256k1 recovery; any altered field is a different key).
  const signatures = new Map<string, { ok: boolean; detail: string }>()
  const checkedSignature = async (event: SynomeEvent) => {
    const key = createHash('sha256').update(JSON.stringify(event)).digest('base64')
    let result = signatures.get(key)
    if (!result) {
      result = await signatureCheck(event, chainId)
      if (signatures.size >= MAX_CACHED_SIGNATURES) signatures.delete(signatures.keys().next().value!)
      signatures.set(key, result)
    }
    return result
  }

  app.onError((error, c) => {
    if (isBaseError(error) && error.status < 500) return problem(c, error)
    p.logError?.(error)
    return problem(c, isBaseError(error) ? error : new BaseError('internal error', { details: message(error) }))
  })
  app.notFound((c) => problem(c, new NotFoundError(`no route ${c.req.method} ${c.req.path}`)))

  app.get('/head', async (c) => c.json(await p.synome.head()))

  app.get('/overview', async (c) => {
    const s = await p.snapshots.current()
    let overview = s.memo.get('overview') as ReturnType<typeof overviewOf> | undefined
    if (!overview) {
      const started = performance.now()
      overview = overviewOf(s, p.primeAddresses)
      overview.asOf.overviewMs = Math.round(performance.now() - started)
      s.memo.set('overview', overview)
    }
    return c.json(overview as object)
  })

  app.get('/alerts', async (c) => {
    const q = c.req.query()
    const s = await p.snapshots.current()
    const matching = s.alerts.filter((a) => (!q.code || a.code === q.code) && (!q.entityType || a.entity.type === q.entityType) && (!q.entityId || a.entity.id === q.entityId))
    const offset = intQuery(q.offset, 'offset', 0, Number.MAX_SAFE_INTEGER)
    const limit = intQuery(q.limit, 'limit', 100, 1000)
    return c.json({ asOf: { position: s.head.position }, total: matching.length, offset, alerts: matching.slice(offset, offset + limit), counts: alertCounts(s.alerts) })
  })

  app.get('/sleeves', async (c) => {
    const q = c.req.query()
    const page = await p.synome.list<SleeveRecord>({ type: 'sleeve', state: q.state || undefined, haloClass: q.haloClass || undefined, cursor: q.cursor || undefined, limit: intQuery(q.limit, 'limit', 100, 1000) })
    return c.json({ items: page.items.map((r) => ({ sleeveId: r.data.sleeveId, haloClass: r.data.haloClass, state: r.data.state, units: r.data.linkedUnits.length, capitalUsd: capitalByState([r.data]).find((x) => x.state === r.data.state)?.capitalUsd ?? '0', updatedAt: r.updatedAt })), nextCursor: page.nextCursor })
  })

  app.get('/sleeves/:id', async (c) => {
    const id = c.req.param('id')
    const record = await p.synome.get<SleeveRecord>('sleeve', id)
    const [versions, units, attestations, s] = await Promise.all([
      allHistory(p.synome, 'sleeve', id),
      listAllFiltered<UnitRecord>(p.synome, { type: 'unit', sleeveId: id }),
      listAllFiltered<AttestationRecord>(p.synome, { type: 'attestation', sleeveId: id }),
      p.snapshots.current(),
    ])
    return c.json({
      sleeve: record.data,
      version: record.version,
      timeline: sleeveTimeline(versions as SleeveVersionLike[], attestations),
      journal: assetJournal(versions as SleeveVersionLike[]),
      crrHistory: crrHistory(versions, attestations, [...s.held.riskFramework.values()]),
      units: units.map((u) => ({ ...u, requiredCapitalUsd: s.unitRisk.get(String(u.unitId))?.requiredCapitalUsd ?? null })),
      attestations,
      risk: s.sleeveRisk.get(id) ?? null,
      alerts: s.alerts.filter((a) => (a.entity.type === 'sleeve' && a.entity.id === id) || (a.entity.type === 'unit' && record.data.linkedUnits.map(String).includes(a.entity.id))),
      asOf: { position: s.head.position },
    })
  })

  app.get('/units/:id', async (c) => {
    const id = c.req.param('id')
    const record = await p.synome.get<UnitRecord>('unit', id)
    const unit = record.data
    let chain: unknown = null
    let check: { verified: boolean; alerts: unknown[]; note: string }
    if (!p.chain) check = { verified: false, alerts: [], note: 'no RPC configured: the NFAT was not read' }
    else {
      try {
        const nfat = await p.chain.nfat(unit.nfat.facility as Address, BigInt(unit.nfat.tokenId))
        chain = nfat
        const riskUnit = toRiskUnit(unit, p.primeAddresses)
        const alerts = verifyUnitPosition(riskUnit, nfat.exists ? { exists: true, facility: nfat.facility, depositor: nfat.depositor, principal: parseUnitsExact(nfat.principal, USDS_DECIMALS) } : { exists: false })
        const depositorChecked = /^0x[0-9a-fA-F]{40}$/.test(riskUnit.depositor)
        check = { verified: true, alerts, note: depositorChecked ? 'principal, facility and depositor compared' : `depositor not compared: no address configured for Prime "${unit.depositorPrime}"` }
      } catch (error) {
        check = { verified: false, alerts: [], note: `could not read NFAT ${unit.nfat.tokenId}: ${message(error)}` }
      }
    }
    const s = await p.snapshots.current()
    return c.json({ unit, version: record.version, updatedAt: record.updatedAt, depositorAddress: p.primeAddresses?.[unit.depositorPrime] ?? null, chain, check, risk: s.unitRisk.get(id) ?? null })
  })

  app.get('/rate-limits', async (c) => {
    if (!p.chain) return c.json({ configured: false, notes: ['no RPC configured'] })
    return c.json({ configured: true, ...(await p.chain.rateLimits(p.contracts ?? {})) })
  })

  app.get('/lcts', async (c) => c.json({ pairs: await lctsPairs(p.synome) }))

  // Portfolio Halo classes and units: the same views as `halo portfolio status|unit`.
  const now = () => (p.clock ? p.clock() : new Date())
  app.get('/portfolio', async (c) => c.json(await portfolioClasses(p.synome, now())))
  app.get('/portfolio/classes/:classId', async (c) => c.json(await portfolioClassStatus(p.synome, c.req.param('classId'), now())))
  app.get('/portfolio/units/:unitId', async (c) => c.json(await portfolioUnitStatus(p.synome, c.req.param('unitId'), now())))

  app.get('/lcts/:pairId', async (c) => c.json(await lctsPairView({ synome: p.synome, pairId: c.req.param('pairId'), chain: p.chain, contracts: p.contracts, schedule: p.lctsSchedule })))

  app.get('/events', async (c) => {
    const q = c.req.query()
    const limit = intQuery(q.limit, 'limit', 50, 500)
    const head = await p.synome.head()
    const before = q.before ? intQuery(q.before, 'before', head.position + 1, Number.MAX_SAFE_INTEGER) : head.position + 1
    const matches = (e: SynomeEvent) =>
      (!q.command || e.command === q.command) && (!q.actor || e.actor === q.actor.toLowerCase()) && (!q.entityType || e.entityType === q.entityType) && (!q.entityId || e.entityId === q.entityId)
    // Unfiltered, the newest `limit` events are one read; filtered, scan back in bounded pages.
    const pageSize = q.command || q.actor || q.entityType || q.entityId ? EVENT_PAGE : limit
    const found: SynomeEvent[] = []
    let upper = before
    let scanned = 0
    while (upper > 1 && found.length < limit && scanned < MAX_SCANNED_EVENTS) {
      const after = Math.max(0, upper - pageSize - 1)
      const page = await p.synome.events({ after, limit: pageSize })
      const window = page.events.filter((e) => e.position < upper)
      scanned += window.length
      found.push(...window.filter(matches).reverse())
      upper = after + 1
    }
    const events = found.slice(0, limit)
    const checked = await Promise.all(events.map(async (e) => ({ ...e, signatureCheck: await checkedSignature(e) })))
    return c.json({ head, events: checked, nextBefore: events.length === limit ? events.at(-1)!.position : upper > 1 ? upper : null, scanned })
  })

  app.get('/verify-log', async (c) => {
    if (broken) return c.json({ ok: false, ...broken })
    for (let page = 0; page < 100_000; page++) {
      const { events } = await p.synome.events({ after: verified.position, limit: EVENT_PAGE })
      if (events.length === 0) break
      const result = verifyChain(events, { prevHash: verified.hash, lastPosition: verified.position })
      if (!result.ok) {
        broken = { brokenAt: result.brokenAt, reason: result.reason, events: verified.events + result.events }
        return c.json({ ok: false, ...broken })
      }
      verified = { position: events.at(-1)!.position, hash: result.head, events: verified.events + result.events }
    }
    return c.json({ ok: true, events: verified.events, head: verified.hash, position: verified.position })
  })

  app.get('/entities/:type/:id', async (c) => {
    const { type, id } = c.req.param()
    const [record, history] = await Promise.all([p.synome.get(type, id), allHistory(p.synome, type, id)])
    return c.json({ record, history })
  })

  app.get('/entities/:type', async (c) => {
    const q = c.req.query()
    return c.json(await p.synome.list({ type: c.req.param('type'), cursor: q.cursor || undefined, prime: q.prime || undefined, sleeveId: q.sleeveId || undefined, state: q.state || undefined, limit: intQuery(q.limit, 'limit', 100, 1000) }))
  })

  return app
}

/** The overview of one snapshot (memoised on it: computed once per log head). */
function overviewOf(s: Snapshot, primeAddresses: Readonly<Record<string, string>> | undefined) {
  const report = s.report
  const exposures = exposureByPrime(s.units)
  // The report keys Primes by depositor address; the Synome may record a Prime by name.
  const addressOf = (prime: string) => (primeAddresses?.[prime] ?? prime).toLowerCase()
  const primeRisk = new Map((report?.primes ?? []).map((r) => [r.prime, r]))
  const primes = exposures.map((e) => {
    const risk = primeRisk.get(addressOf(e.prime))
    return { ...e, address: addressOf(e.prime), requiredCapitalUsd: risk?.requiredCapitalUsd ?? null, sleeveCapitalUsd: risk?.sleeveCapitalUsd ?? null, coreHaloCapitalUsd: risk?.coreHaloCapitalUsd ?? null, crr: risk ? effectiveCrr(risk.requiredCapitalUsd, e.principal) : null, incomplete: risk?.incomplete ?? false }
  })
  for (const r of report?.primes ?? []) if (!primes.some((x) => x.address === r.prime)) primes.push({ prime: r.prime, address: r.prime, units: 0, principal: '0', requiredCapitalUsd: r.requiredCapitalUsd, sleeveCapitalUsd: r.sleeveCapitalUsd, coreHaloCapitalUsd: r.coreHaloCapitalUsd, crr: null, incomplete: r.incomplete })
  return {
    asOf: { position: s.head.position, hash: s.head.hash, builtAt: s.builtAt.toISOString(), buildMs: Math.round(s.buildMs), phasesMs: s.phasesMs, kind: s.kind, overviewMs: 0 },
    haloClasses: totalsByClass(s.haloClasses.map((h) => h.haloClass), s.sleeves, s.units).map((t) => ({ ...t, ...pickClass(s.haloClasses.find((h) => h.haloClass === t.haloClass)) })),
    sleevesByState: capitalByState(s.sleeves),
    unitsByState: unitsByState(s.units),
    primes,
    totals: report?.totals ?? null,
    verify: s.verify.ok ? { ok: true, frameworkVersion: s.verify.report.frameworkVersion, positionsVerified: s.verify.positionsVerified } : { ok: false, frameworkVersion: 'frameworkVersion' in s.verify ? s.verify.frameworkVersion : null, error: 'error' in s.verify ? s.verify.error : null, positionsVerified: false },
    alertsTotal: s.alerts.length,
    alertCounts: alertCounts(s.alerts),
    /** The first OVERVIEW_ALERTS; /api/alerts pages through all of them. */
    alerts: s.alerts.slice(0, OVERVIEW_ALERTS),
  }
}

/** Alerts listed on the overview; the rest are a link away (thousands of rows would stall the page). */
const OVERVIEW_ALERTS = 50

function alertCounts(alerts: readonly { code: string; severity: string }[]) {
  const counts = new Map<string, { code: string; severity: string; count: number }>()
  for (const a of alerts) {
    const entry = counts.get(a.code) ?? { code: a.code, severity: a.severity, count: 0 }
    entry.count++
    counts.set(a.code, entry)
  }
  return [...counts.values()].sort((a, b) => Number(b.severity === 'critical') - Number(a.severity === 'critical') || b.count - a.count || a.code.localeCompare(b.code))
}

function pickClass(record: HaloClassRecord | undefined) {
  return { facility: record?.facility ?? null, description: record?.description ?? null, prime: record?.prime ?? null }
}

/** Bound on one sleeve's or unit's records read for its page. */
const MAX_RELATED = 10_000

async function listAllFiltered<T>(synome: Pick<SynomeTransport, 'list'>, filter: { type: string; sleeveId?: string }): Promise<T[]> {
  const out: T[] = []
  let cursor: string | undefined
  while (out.length < MAX_RELATED) {
    const page = await synome.list<T>({ ...filter, limit: 1000, ...(cursor ? { cursor } : {}) })
    out.push(...page.items.map((i) => i.data))
    if (!page.nextCursor) break
    cursor = page.nextCursor
  }
  return out
}

async function allHistory(synome: Pick<SynomeTransport, 'history'>, type: string, id: string) {
  const out: Awaited<ReturnType<SynomeTransport['history']>> = []
  while (out.length < MAX_RELATED) {
    // A record loaded straight into the projection (bulk loads) has no versions: no history.
    const page = await synome.history<Record<string, unknown>>(type, id, { afterVersion: out.at(-1)?.version ?? 0, limit: 1000 }).catch((error: unknown) => {
      if (out.length === 0 && error instanceof NotFoundError) return []
      throw error
    })
    out.push(...page)
    if (page.length < 1000) break
  }
  return out
}
