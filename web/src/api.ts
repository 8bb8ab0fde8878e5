import { useEffect, useState } from 'react'

/** Problem+json from the dashboard API, as the page shows it. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string | undefined,
  ) {
    super(message)
  }
}

export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const response = await fetch(`/api${path}`, { signal, headers: { accept: 'application/json' } })
  const text = await response.text()
  const body = text ? (JSON.parse(text) as unknown) : undefined
  if (!response.ok) {
    const p = (body ?? {}) as { title?: string; code?: string; detail?: string }
    throw new ApiError(`${p.title ?? `HTTP ${response.status}`}${p.detail ? ` — ${p.detail}` : ''}`, response.status, p.code)
  }
  return body as T
}

export type Loaded<T> = { state: 'loading' } | { state: 'error'; error: ApiError | Error } | { state: 'ok'; data: T }

/** GET `path` whenever it changes; the previous request is aborted. */
export function useApi<T>(path: string | null): Loaded<T> {
  const [result, setResult] = useState<Loaded<T>>({ state: 'loading' })
  useEffect(() => {
    if (path === null) return
    const controller = new AbortController()
    setResult({ state: 'loading' })
    getJson<T>(path, controller.signal).then(
      (data) => setResult({ state: 'ok', data }),
      (error: Error) => {
        if (!controller.signal.aborted) setResult({ state: 'error', error })
      },
    )
    return () => controller.abort()
  }, [path])
  return result
}

// Response shapes of src/dashboard/api.ts (money: exact decimal strings).
export type Alert = { code: string; severity: 'warning' | 'critical'; entity: { type: string; id: string }; message: string; details: Record<string, unknown> }

export type Overview = {
  asOf: { position: number; hash: string | null; builtAt: string; buildMs: number; kind: 'full' | 'patch' }
  haloClasses: { haloClass: string; sleeves: number; units: number; capitalUsd: string; principal: string; facility: string | null; description: string | null }[]
  sleevesByState: { state: string; sleeves: number; capitalUsd: string }[]
  unitsByState: { state: string; units: number; principal: string }[]
  primes: { prime: string; address: string; units: number; principal: string; requiredCapitalUsd: string | null; sleeveCapitalUsd: string | null; coreHaloCapitalUsd: string | null; crr: string | null; incomplete: boolean }[]
  totals: { requiredCapitalUsd: string; unattributedCapitalUsd: string; incomplete: boolean; alerts: number } | null
  verify: { ok: boolean; frameworkVersion: string | null; positionsVerified: boolean; error?: string | null }
  alertsTotal: number
  alertCounts: AlertCount[]
  alerts: Alert[]
}
export type AlertCount = { code: string; severity: string; count: number }
export type AlertsPage = { asOf: { position: number }; total: number; offset: number; alerts: Alert[]; counts: AlertCount[] }

export type SleeveAsset = { type: string; amount: string; location?: string; destination?: string; initiatedAt?: string; confirmedAt?: string }
export type Unit = {
  unitId: number
  nfat: { tokenId: string; facility: string; txHash: string }
  sleeveId: string
  haloClass: string
  principal: string
  dealTerms: { apy: string; maturity: string; paymentSchedule: string }
  depositorPrime: string
  state: string
  repaymentAmount: string | null
  timestamps: Record<string, string>
}
export type Attestation = { attestationId: string; type: string; sleeveId: string; content: Record<string, unknown>; timestamp: string }
export type Transition = { from: string | null; to: string; time: string; version: number; position: number; signer: string; role: string; command: string; override: boolean; reason: string | null; gatingAttestation: { attestationId: string; type: string; timestamp: string } | null; gateMissing: boolean }
export type CrrPoint = { time: string; version: number; state: string; frameworkVersion: string; crr: string; requiredCapitalUsd: string; valueUsd: string }
export type JournalPoint = { time: string; version: number; command: string; state: string; totalUsd: string; holdings: { bucket: string; type: string; location: string; amount: string }[] }
export type SleevePage = {
  sleeve: { sleeveId: string; haloClass: string; state: string; assets: SleeveAsset[]; linkedUnits: number[]; attestations: string[]; timestamps: Record<string, string>; metadata: Record<string, unknown> }
  version: number
  timeline: Transition[]
  journal: JournalPoint[]
  crrHistory: CrrPoint[]
  units: (Unit & { requiredCapitalUsd: string | null })[]
  attestations: Attestation[]
  risk: { valueUsd: string; crr: string; baseCrr: string; escalation: string; requiredCapitalUsd: string; subSteps: string[]; reattestationDueAt: string | null } | null
  alerts: Alert[]
  asOf: { position: number }
}

export type NfatFacts =
  | { exists: false; facility: string; tokenId: string }
  | { exists: true; facility: string; tokenId: string; owner: string; depositor: string; principal: string; mintedAt: string; fundedAmount: string; principalPaid: string }
export type UnitPage = { unit: Unit; version: number; updatedAt: string; depositorAddress: string | null; chain: NfatFacts | null; check: { verified: boolean; alerts: Alert[]; note: string }; risk: { requiredCapitalUsd: string } | null }

export type RateLimitRow = {
  key: string
  label: string | null
  token: 'USDS' | 'USDC' | null
  decimals: number
  unlimited: boolean
  maxAmount: string
  available: string
  slopePerSecond: string
  lastUpdated: string
  sorl: { nextMaxAmount: string; nextSlopePerSecond: string; notBefore: string | null; allowedNow: boolean } | { error: string } | null
}
export type TimelockOperation = { id: string; index: string; target: string; targetName: string | null; call: string; value: string; delaySeconds: string; eta: string; ready: boolean; scheduledBlock: string; txHash: string }
export type RateLimitsPage =
  | { configured: false; notes: string[] }
  | { configured: true; block: string; chainTime: string; rateLimits: string | null; keys: RateLimitRow[]; sorl: { hopSeconds: string; maxChangeBps: string } | null; timelock: { address: string; minDelaySeconds: string; pending: TimelockOperation[] } | null; notes: string[] }

export type SynomeEvent = {
  position: number
  time: string
  actor: string
  role: string
  command: string
  payload: unknown
  entityType: string
  entityId: string
  prevHash: string
  hash: string
  idempotencyKey: string
  signatureCheck: { ok: boolean; detail: string }
}
export type EventsPage = { head: { position: number; hash: string | null }; events: SynomeEvent[]; nextBefore: number | null; scanned: number }
export type VerifyLog = { ok: true; events: number; head: string; position: number } | { ok: false; brokenAt: number; reason: string; events: number }
export type EntityPage = { record: { type: string; id: string; version: number; updatedAt: string; createdAt: string; data: unknown }; history: { version: number; position: number; time: string; actor: string; role: string; command: string; override: boolean; reason: string | null }[] }
export type SleeveList = { items: { sleeveId: string; haloClass: string; state: string; units: number; capitalUsd: string; updatedAt: string }[]; nextCursor: string | null }

export type LctsPairSummary = { pairId: string; settlements: number; lastEpoch: string | null; exchangeRateWad: string | null; exchangeRate: string | null; tokenSupply: string | null; lastInputsEpoch: string | null }
export type LctsPairs = { pairs: LctsPairSummary[] }
export type LctsInputs = { originationCapacity: string; clearingSpreadBps: number; riskCapitalDemand: string; targetSpreadBps: number; redemptionLimit: string }
export type LctsQueueView = { status: 'DORMANT' | 'ACTIVE' | 'LOCKED'; generationId: string | null; totalUnderlying: string; totalShares: string; dustThreshold: string; unlocksAt: string | null; overdue: boolean }
export type LctsQueueSettlement = { generationId: string; capacity: string; converted: string; reward: string; rewardPerTokenRay: string; totalUnderlyingBefore: string; totalShares: string; finalized: boolean; txHash: string }
export type LctsSettlement = {
  pairId: string; epoch: string; decidedAt: string; recordedAt: string; fallback: string; inputsUsed: LctsInputs | null
  exchangeRateBeforeWad: string; exchangeRateWad: string; exchangeRate: string; exchangeRateBefore: string; tokenSupply: string; matchedValue: string; originationAllowed: string
  subscribe: LctsQueueSettlement | null; redeem: LctsQueueSettlement | null
}
export type LctsSidePreview = { capacity: string; converts: string; remaining: string; finalizes: boolean }
export type LctsPairPage = {
  pairId: string
  schedule: { lockAt: string; settleAt: string; skipWeekdaysUtc: number[]; skipDates: string[] }
  chain: { block: string; chainTime: string; addresses: Record<string, string>; subscribe: LctsQueueView; redeem: LctsQueueView; exchangeRateWad: string; exchangeRate: string; tokenSupply: string } | null
  preview: {
    epoch: string; settlesAt: string; inputs: { source: 'this-epoch' | 'last-recorded' | 'last-settlement' | 'none'; epoch: string | null; values: LctsInputs | null }
    fallback: string; exchangeRateBeforeWad: string; exchangeRateWad: string; exchangeRateBefore: string; exchangeRate: string; matchedValue: string; originationAllowed: string; subscribe: LctsSidePreview; redeem: LctsSidePreview
  } | null
  notes: string[]
  inputs: { epoch: string; setAt: string; inputs: LctsInputs }[]
  settlements: LctsSettlement[]
  rateHistory: { epoch: string; exchangeRateWad: string; exchangeRate: string }[]
}

export type PortfolioSignal = { code: string; message: string }
export type PortfolioTranche = { subordination: string; rankNav: string; attachment: string; detachment: string }
export type PortfolioYield = { kind: 'target'; rateBps: number } | { kind: 'residual' }
export type PortfolioUnitSummary = {
  unitId: string; rank: number; seniority: string; yield: PortfolioYield; shares: string; nav: string; navPerShare: string
  holders: Record<string, string>; tranche: PortfolioTranche; signals: PortfolioSignal[]
}
export type PortfolioBookSummary = { bookId: string; accrualSeconds: number; assets: string; liabilities: string; balanced: boolean; lastReportAt: string }
export type PortfolioClassView = {
  classId: string; name: string; createdAt: string
  books: (PortfolioBookSummary & { lastReport: { reportId: string; reportedAt: string; reportedAssets: string; kind: string; amount: string } | null; units: PortfolioUnitSummary[] })[]
}
export type PortfolioOverview = { total: number; classes: PortfolioClassView[] }
export type PortfolioQueue = { generationId: string; capacity: string; converted: string; finalized: boolean; txHash: string } | null
export type PortfolioUnitPage = PortfolioUnitSummary & {
  bookId: string; classId: string; book: PortfolioBookSummary
  warningSignals: { navDrop?: { maxDropBps: number }; navReport?: { maxAgeSeconds: number } }
  migrationPath: string | null
  navHistory: { reportedAt: string; nav: string; shares: string; navPerShare: string }[]
  settlements: { epoch: string; settledAt: string; subscribed: string; redeemedShares: string; sharesMinted: string; amountPaid: string }[]
  queues: { epoch: string; fallback: string; exchangeRateWad: string; subscribe: PortfolioQueue; redeem: PortfolioQueue } | null
}
