import type { SynomeTransport } from '../../synome/client/types.js'
import type { AttestationRecord, CoreHaloRecord, HaloClassRecord, RiskFrameworkRecord, SleeveRecord, UnitRecord } from '../../synome/records.js'
import type { VerifyReader } from './reconcile.js'
import { PORTFOLIO_BOOK, type PortfolioBookRecord } from '../../synome/commands/portfolio/records.js'

/** Page size of list reads (the Synome's maximum). */
const PAGE = 1000
/** Hard bound on pages per entity type: 10M records. Beyond that a full scan is the wrong tool. */
const MAX_PAGES = 10_000

/** lpla-verify's read-only view of a Synome, through the client (HTTP or in-process). */
export function synomeReader(client: Pick<SynomeTransport, 'list'>): VerifyReader {
  async function all<T>(type: string): Promise<T[]> {
    const out: T[] = []
    let cursor: string | undefined
    for (let page = 0; page < MAX_PAGES; page++) {
      const result = await client.list<T>({ type, limit: PAGE, ...(cursor ? { cursor } : {}) })
      for (const item of result.items) out.push(item.data)
      if (!result.nextCursor) return out
      cursor = result.nextCursor
    }
    throw new Error(`more than ${MAX_PAGES * PAGE} ${type} records; refusing an unbounded scan`)
  }
  return {
    async riskFramework() {
      // Lists are in creation order: the last published framework is the current one.
      const frameworks = await all<RiskFrameworkRecord>('riskFramework')
      const current = frameworks.at(-1)
      return current ? { version: current.version, document: current.document } : undefined
    },
    sleeves: () => all<SleeveRecord>('sleeve'),
    units: () => all<UnitRecord>('unit'),
    attestations: () => all<AttestationRecord>('attestation'),
    coreHalos: () => all<CoreHaloRecord>('coreHalo'),
    portfolioBooks: () => all<PortfolioBookRecord>(PORTFOLIO_BOOK),
    haloClasses: async () => (await all<HaloClassRecord>('haloClass')).map((c) => ({ haloClass: c.haloClass, facility: c.facility })),
  }
}
