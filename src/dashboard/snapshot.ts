import type { VerifyChain } from '../beacons/verify/chain.js'
import type { Alert } from '../domain/risk/alerts.js'
import { riskReportToJson, type RiskReportJson } from '../domain/risk/report.js'
import { runVerify, type VerifyReader, type VerifyRun } from '../beacons/verify/reconcile.js'
import type { SourceContext } from '../risk/sources/index.js'
import type { SynomeTransport } from '../synome/client/types.js'
import type { AttestationRecord, CoreHaloRecord, HaloClassRecord, RiskFrameworkRecord, SleeveRecord, UnitRecord } from '../synome/records.js'

/** Page size of list reads (the Synome's maximum). */
const PAGE = 1000
/** Bound on pages per entity type (1M records); beyond that a dashboard snapshot is the wrong tool. */
const MAX_PAGES = 1000

export type Snapshot = {
  head: { position: number; hash: string | null }
  builtAt: Date
  buildMs: number
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
}

export type SnapshotParameters = {
  synome: Pick<SynomeTransport, 'list' | 'head'>
  verifyChain?: VerifyChain | undefined
  sources: SourceContext
  primeAddresses?: Readonly<Record<string, string>> | undefined
  usdc?: string | undefined
  clock?: (() => Date) | undefined
  /** A snapshot older than this is rebuilt in the background even when the log has not moved (time-based alerts, chain balances). */
  maxAgeMs?: number | undefined
}

async function listAll<T>(synome: Pick<SynomeTransport, 'list'>, type: string): Promise<T[]> {
  const out: T[] = []
  let cursor: string | undefined
  for (let page = 0; page < MAX_PAGES; page++) {
    const result = await synome.list<T>({ type, limit: PAGE, ...(cursor ? { cursor } : {}) })
    for (const item of result.items) out.push(item.data)
    if (!result.nextCursor) return out
    cursor = result.nextCursor
  }
  throw new Error(`more than ${MAX_PAGES * PAGE} ${type} records; refusing an unbounded scan`)
}

/**
 * The whole-Halo figures (overview, CRR) come from one full read of the Synome plus one
 * lpla-verify run, which at 10k sleeves takes seconds: far too slow per page view. So they are
 * kept as a snapshot keyed by the log head. A request waits for a rebuild only when the log has
 * moved (the page must show what the Synome holds); a snapshot that is merely old is served
 * while a fresh one builds. Concurrent requests share one build.
 */
export function createSnapshots(p: SnapshotParameters) {
  const clock = p.clock ?? (() => new Date())
  const maxAgeMs = p.maxAgeMs ?? 10_000
  let cached: Snapshot | undefined
  let building: Promise<Snapshot> | undefined

  async function build(): Promise<Snapshot> {
    const started = performance.now()
    const head = await p.synome.head()
    const [sleeves, units, attestations, haloClasses, coreHalos, frameworks] = await Promise.all([
      listAll<SleeveRecord>(p.synome, 'sleeve'),
      listAll<UnitRecord>(p.synome, 'unit'),
      listAll<AttestationRecord>(p.synome, 'attestation'),
      listAll<HaloClassRecord>(p.synome, 'haloClass'),
      listAll<CoreHaloRecord>(p.synome, 'coreHalo'),
      listAll<RiskFrameworkRecord>(p.synome, 'riskFramework'),
    ])
    const current = frameworks.at(-1)
    const reader: VerifyReader = {
      riskFramework: async () => (current ? { version: current.version, document: current.document } : undefined),
      sleeves: async () => sleeves,
      units: async () => units,
      attestations: async () => attestations,
      coreHalos: async () => coreHalos,
      haloClasses: async () => haloClasses.map((c) => ({ haloClass: c.haloClass, facility: c.facility })),
    }
    let verify: Snapshot['verify']
    try {
      verify = await runVerify({ reader, chain: p.verifyChain, sources: p.sources, now: clock(), primeAddresses: p.primeAddresses, usdc: p.usdc })
    } catch (error) {
      verify = { ok: false, error: error instanceof Error ? ((error as { shortMessage?: string }).shortMessage ?? error.message) : String(error) }
    }
    const report = verify.ok ? riskReportToJson(verify.report) : null
    const alerts = verify.ok ? verify.report.alerts : 'alerts' in verify ? verify.alerts : []
    return {
      head,
      builtAt: clock(),
      buildMs: performance.now() - started,
      sleeves,
      units,
      attestations,
      haloClasses,
      verify,
      positionsVerified: p.verifyChain !== undefined,
      report,
      sleeveRisk: new Map((report?.sleeves ?? []).map((r) => [r.sleeveId, r])),
      unitRisk: new Map((report?.units ?? []).map((r) => [r.unitId, r])),
      alerts,
      memo: new Map(),
    }
  }

  function rebuild(): Promise<Snapshot> {
    building ??= build()
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
      if (clock().getTime() - cached.builtAt.getTime() > maxAgeMs) void rebuild().catch(() => undefined)
      return cached
    },
    /** Drop the snapshot (tests, and after the chain moved under a devnet). */
    invalidate() {
      cached = undefined
    },
  }
}
export type Snapshots = ReturnType<typeof createSnapshots>
