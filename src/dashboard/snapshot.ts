import type { VerifyChain } from '../beacons/verify/chain.js'
import { runVerify, type VerifyReader, type VerifyRun } from '../beacons/verify/reconcile.js'
import type { Alert } from '../domain/risk/alerts.js'
import { riskReportToJson, type RiskReportJson } from '../domain/risk/report.js'
import type { SourceContext } from '../risk/sources/index.js'
import type { SynomeTransport } from '../synome/client/types.js'
import type { AttestationRecord, CoreHaloRecord, HaloClassRecord, RiskFrameworkRecord, SleeveRecord, UnitRecord } from '../synome/records.js'

/** Page size of list reads (the Synome's maximum). */
const PAGE = 1000
/** Bound on pages per entity type (1M records); beyond that a dashboard snapshot is the wrong tool. */
const MAX_PAGES = 1000
/** More new events than this since the last snapshot: read everything again instead of patching. */
const MAX_PATCH_EVENTS = 5_000
/** Parallel entity reads while patching. */
const PATCH_CONCURRENCY = 8

/** The entity types a snapshot holds, by id, in creation order. */
const TYPES = ['sleeve', 'unit', 'attestation', 'haloClass', 'coreHalo', 'riskFramework'] as const
type HeldType = (typeof TYPES)[number]
type Records = { sleeve: SleeveRecord; unit: UnitRecord; attestation: AttestationRecord; haloClass: HaloClassRecord; coreHalo: CoreHaloRecord; riskFramework: RiskFrameworkRecord }
type Held = { [T in HeldType]: ReadonlyMap<string, Records[T]> }

export type Snapshot = {
  head: { position: number; hash: string | null }
  /** Chain (Synome) time the snapshot was verified at: lpla-verify's `now`. */
  builtAt: Date
  /** Wall time (ms) it was built at: what its expiry (`maxAgeMs`) counts from. */
  builtAtWallMs: number
  buildMs: number
  /** Where the build time went: reading (or patching) records, lpla-verify's run, indexing the report. */
  phasesMs: { read: number; verify: number; index: number }
  /** 'full' = every record read; 'patch' = the previous snapshot plus the entities events since wrote. */
  kind: 'full' | 'patch'
  sleeves: SleeveRecord[]
  units: UnitRecord[]
  attestations: AttestationRecord[]
  haloClasses: HaloClassRecord[]
  /** lpla-verify's run over exactly these records (the same `runVerify` the beacon uses). */
  verify: VerifyRun | { ok: false; error: string }
  positionsVerified: boolean
  /** The report as JSON (exact strings), indexed once per snapshot for the per-entity pages. */
  report: RiskReportJson | null
  sleeveRisk: ReadonlyMap<string, RiskReportJson['sleeves'][number]>
  unitRisk: ReadonlyMap<string, RiskReportJson['units'][number]>
  alerts: readonly Alert[]
  /** Per-snapshot memo of derived responses (the overview), computed on first use. */
  memo: Map<string, unknown>
  held: Held
}

export type SnapshotParameters = {
  synome: Pick<SynomeTransport, 'list' | 'head' | 'get' | 'events'>
  verifyChain?: VerifyChain | undefined
  sources: SourceContext
  primeAddresses?: Readonly<Record<string, string>> | undefined
  usdc?: string | undefined
  /** Chain (Synome) time: lpla-verify's `now` (under `halo up --speed` it runs ahead of the wall). */
  clock?: (() => Date) | undefined
  /** Wall time in ms (default Date.now): the snapshot's age is counted on it, not on the chain clock. */
  wallNow?: (() => number) | undefined
  /** A snapshot older than this (wall time) is re-verified in the background (time-based alerts, chain balances). */
  maxAgeMs?: number | undefined
}

async function listAll<T>(synome: Pick<SynomeTransport, 'list'>, type: string): Promise<Map<string, T>> {
  const out = new Map<string, T>()
  let cursor: string | undefined
  for (let page = 0; page < MAX_PAGES; page++) {
    const result = await synome.list<T>({ type, limit: PAGE, ...(cursor ? { cursor } : {}) })
    for (const item of result.items) out.set(item.id, item.data)
    if (!result.nextCursor) return out
    cursor = result.nextCursor
  }
  throw new Error(`more than ${MAX_PAGES * PAGE} ${type} records; refusing an unbounded scan`)
}

/** The entities an event wrote, from its stored result (`writes` of the CommandResult). */
function writesOf(result: unknown): { type: string; id: string }[] {
  const writes = (result as { writes?: unknown } | null)?.writes
  return Array.isArray(writes) ? writes.filter((w): w is { type: string; id: string } => typeof w?.type === 'string' && typeof w?.id === 'string') : []
}

/**
 * The whole-Halo figures (overview, CRR) need every record plus one lpla-verify run, which at
 * 10k sleeves takes seconds to read: far too slow per page view. So they are kept as a
 * snapshot keyed by the log head. When the log moved, the snapshot is patched: the events since
 * its head name every entity they wrote, only those are read again, and lpla-verify's rules run
 * on the records in memory (a request waits for that, so the page shows what the Synome holds).
 * A snapshot older than `maxAgeMs` is served while lpla-verify runs again in the background.
 * Records written outside commands (a bulk load straight into the projection) are seen by the
 * first snapshot only. Concurrent requests share one build.
 */
export function createSnapshots(p: SnapshotParameters) {
  const clock = p.clock ?? (() => new Date())
  const wallNow = p.wallNow ?? Date.now
  const maxAgeMs = p.maxAgeMs ?? 10_000
  let cached: Snapshot | undefined
  let building: Promise<Snapshot> | undefined

  async function readAll(): Promise<Held> {
    const [sleeve, unit, attestation, haloClass, coreHalo, riskFramework] = await Promise.all(TYPES.map((type) => listAll(p.synome, type)))
    return { sleeve, unit, attestation, haloClass, coreHalo, riskFramework } as Held
  }

  /** The previous snapshot's records with the entities written after it read again; undefined = too many changes. */
  async function patch(from: Snapshot, to: number): Promise<Held | undefined> {
    const changed = new Map<string, { type: HeldType; id: string }>()
    let after = from.head.position
    while (after < to) {
      const { events, next } = await p.synome.events({ after, limit: PAGE })
      if (events.length === 0) break
      for (const event of events) for (const w of writesOf(event.result)) if ((TYPES as readonly string[]).includes(w.type)) changed.set(`${w.type}\u0001${w.id}`, w as { type: HeldType; id: string })
      if (changed.size > MAX_PATCH_EVENTS || events.length > MAX_PATCH_EVENTS) return undefined
      after = next
    }
    const held = Object.fromEntries(TYPES.map((t) => [t, new Map(from.held[t] as Map<string, unknown>)])) as { [T in HeldType]: Map<string, Records[T]> }
    const queue = [...changed.values()]
    const worker = async () => {
      for (let item = queue.shift(); item; item = queue.shift()) (held[item.type] as Map<string, unknown>).set(item.id, (await p.synome.get(item.type, item.id)).data)
    }
    await Promise.all(Array.from({ length: Math.min(PATCH_CONCURRENCY, queue.length) }, worker))
    return held
  }

  async function build(previous: Snapshot | undefined): Promise<Snapshot> {
    const started = performance.now()
    const head = await p.synome.head()
    const patched = previous && head.position >= previous.head.position ? await patch(previous, head.position) : undefined
    const held = patched ?? (await readAll())
    const read = performance.now()
    const sleeves = [...held.sleeve.values()]
    const units = [...held.unit.values()]
    const attestations = [...held.attestation.values()]
    const haloClasses = [...held.haloClass.values()]
    const current = [...held.riskFramework.values()].at(-1)
    const reader: VerifyReader = {
      riskFramework: async () => (current ? { version: current.version, document: current.document } : undefined),
      sleeves: async () => sleeves,
      units: async () => units,
      attestations: async () => attestations,
      coreHalos: async () => [...held.coreHalo.values()],
      haloClasses: async () => haloClasses.map((c) => ({ haloClass: c.haloClass, facility: c.facility })),
    }
    let verify: Snapshot['verify']
    try {
      verify = await runVerify({ reader, chain: p.verifyChain, sources: p.sources, now: clock(), primeAddresses: p.primeAddresses, usdc: p.usdc })
    } catch (error) {
      verify = { ok: false, error: error instanceof Error ? ((error as { shortMessage?: string }).shortMessage ?? error.message) : String(error) }
    }
    const verified = performance.now()
    const report = verify.ok ? riskReportToJson(verify.report) : null
    const sleeveRisk = new Map((report?.sleeves ?? []).map((r) => [r.sleeveId, r]))
    const unitRisk = new Map((report?.units ?? []).map((r) => [r.unitId, r]))
    const done = performance.now()
    return {
      head,
      builtAt: clock(),
      builtAtWallMs: wallNow(),
      buildMs: done - started,
      phasesMs: { read: Math.round(read - started), verify: Math.round(verified - read), index: Math.round(done - verified) },
      kind: patched ? 'patch' : 'full',
      sleeves,
      units,
      attestations,
      haloClasses,
      verify,
      positionsVerified: p.verifyChain !== undefined,
      report,
      sleeveRisk,
      unitRisk,
      alerts: verify.ok ? verify.report.alerts : 'alerts' in verify ? verify.alerts : [],
      memo: new Map(),
      held,
    }
  }

  function rebuild(): Promise<Snapshot> {
    building ??= build(cached)
      .then((snapshot) => {
        cached = snapshot
        return snapshot
      })
      .finally(() => {
        building = undefined
      })
    return building
  }

  return {
    async current(): Promise<Snapshot> {
      const head = await p.synome.head()
      if (!cached || cached.head.position !== head.position) return rebuild()
      // Nothing new in the log, but time-based alerts and on-chain balances move: re-run
      // lpla-verify on the records in memory, serving this snapshot meanwhile.
      // Its age is wall time: at --speed 8640 ten chain seconds pass in about a millisecond, and
      // counting those would rebuild on every request.
      if (snapshotExpired(cached, wallNow(), maxAgeMs)) void rebuild().catch(() => undefined)
      return cached
    },
  }
}
export type Snapshots = ReturnType<typeof createSnapshots>

/** Whether a snapshot is older than `maxAgeMs` of wall time at `nowWallMs` (pure). */
export function snapshotExpired(snapshot: Pick<Snapshot, 'builtAtWallMs'>, nowWallMs: number, maxAgeMs: number): boolean {
  return nowWallMs - snapshot.builtAtWallMs > maxAgeMs
}
