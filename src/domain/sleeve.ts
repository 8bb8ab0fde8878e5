import { InvalidInputError, PreconditionFailedError } from './errors.js'
import { isPositiveAttestation } from './attestation.js'
import { USDC_DECIMALS, USDS_DECIMALS, USD_DECIMALS, formatUnitsExact, parseUnitsExact, rescale } from './money.js'
import { splitProRata } from './proRata.js'
import type { Role } from './roles.js'

/**
 * The sleeve lifecycle and its gates (seed 004 "Sleeve Lifecycle", "Write Access Matrix",
 * "Error and Edge Cases", "Loss Distribution"). A sleeve is what seed 001 calls a Halo Book:
 * the asset side of a group of units.
 *
 * Pure: every check takes plain records and returns `undefined` (allowed) or a typed
 * PreconditionFailedError whose `meta.gate` is a stable sub-code. The Synome refuses writes
 * with these; lpha-nfat decides with the same functions; lpla-verify can replay them.
 */

export const SLEEVE_STATES = ['CREATED', 'FILLING', 'OFFBOARDING', 'DEPLOYING', 'AT_REST', 'UNWINDING', 'CLOSED'] as const
export type SleeveState = (typeof SLEEVE_STATES)[number]

export const UNIT_STATES = ['CREATED', 'ACTIVE', 'REPAYMENT_AVAILABLE', 'CLOSED'] as const
export type UnitState = (typeof UNIT_STATES)[number]

export const ATTESTATION_TYPES = ['PRE_DEPLOYMENT', 'AT_REST', 'PERIODIC'] as const
export type AttestationType = (typeof ATTESTATION_TYPES)[number]

/** Asset denominations of the seed's asset record, with the decimals their amounts are kept in. */
export const ASSET_DECIMALS = {
  USDS: USDS_DECIMALS,
  USDC: USDC_DECIMALS,
  USD: USD_DECIMALS,
  /** Deployed capital is reported in USD. */
  'aggregate-deployed': USD_DECIMALS,
} as const
export type AssetType = keyof typeof ASSET_DECIMALS
export const ASSET_TYPES = Object.keys(ASSET_DECIMALS) as AssetType[]

export const ASSET_LOCATIONS = ['facility-ALMProxy', 'in-transit', 'halo-bank-account', 'deploying', 'redeem-contract'] as const
export type AssetLocation = (typeof ASSET_LOCATIONS)[number]

/** Locations outside the on-chain boundary: an OFFBOARDING sleeve may only report them after a PRE_DEPLOYMENT attestation. */
export const OFF_CHAIN_LOCATIONS: readonly AssetLocation[] = ['in-transit', 'halo-bank-account', 'deploying']

/** Versioned flexible JSON (aggregate risk data): validated against the published risk framework. */
export type RiskData = { schemaVersion: string; attestationRef: string; data?: unknown }

/** One entry of a sleeve's asset list, amounts as exact decimal strings in the asset's own denomination. */
export type SleeveAsset = {
  type: AssetType
  amount: string
  location?: AssetLocation | undefined
  destination?: string | undefined
  initiatedAt?: string | undefined
  confirmedAt?: string | undefined
  riskData?: RiskData | undefined
  note?: string | undefined
}

/** The fields of a sleeve the gates look at. */
export type SleeveView = {
  sleeveId: string
  state: SleeveState
  assets: readonly SleeveAsset[]
  linkedUnits: readonly number[]
  attestations: readonly string[]
  /**
   * How many times the sleeve entered OFFBOARDING (0 before the first time). Attestations
   * record the round they were posted in; only those of the current round open gates, so an
   * attestation from before an operator revert never opens the next off-ramp.
   */
  offboardingRound?: number | undefined
}
/** An attestation record as the gates read it: its round, content and the risk data it carries. */
export type AttestationView = {
  attestationId: string
  type: AttestationType
  sleeveId: string
  /** The sleeve's offboarding round when it was posted (records from before rounds existed: 1). */
  round?: number | undefined
  content?: Record<string, unknown> | undefined
  /** The risk data it vouches for (derived at post time by `attestedRiskData`). */
  riskData?: RiskData | undefined
}
export type UnitView = { unitId: number; state: UnitState; principal: string }

/** The key under `timestamps` written when a sleeve enters each state. */
export const STATE_TIMESTAMP_KEYS: Record<SleeveState, string> = {
  CREATED: 'created',
  FILLING: 'fillingStarted',
  OFFBOARDING: 'offboardingStarted',
  DEPLOYING: 'deployingStarted',
  AT_REST: 'atRestStarted',
  UNWINDING: 'unwindingStarted',
  CLOSED: 'closed',
}

/**
 * The forward lifecycle. CREATED → FILLING happens only through the first sweep; the others
 * are explicit transitions by lpha-nfat. The operator override (OFFBOARDING → FILLING) is
 * not in this table on purpose: it is a separate, reasoned operation.
 */
export const SLEEVE_TRANSITIONS: Readonly<Record<SleeveState, SleeveState | undefined>> = {
  CREATED: 'FILLING',
  FILLING: 'OFFBOARDING',
  OFFBOARDING: 'DEPLOYING',
  DEPLOYING: 'AT_REST',
  AT_REST: 'UNWINDING',
  UNWINDING: 'CLOSED',
  CLOSED: undefined,
}

/** Stable sub-codes carried in `meta.gate` of every PreconditionFailedError raised here. */
export type SleeveGate =
  | 'SLEEVE_STATE'
  | 'TRANSITION_NOT_ALLOWED'
  | 'PRE_DEPLOYMENT_ATTESTATION_MISSING'
  | 'AT_REST_ATTESTATION_MISSING'
  | 'DEPLOYING_IS_STATIC'
  | 'SLEEVE_CLOSED'
  | 'UNITS_NOT_CLOSED'
  | 'FUNDS_NOT_IN_BANK'
  | 'USDC_CONVERSION_INCOMPLETE'
  | 'UNIT_STATE'
  | 'ATTESTATION_REF'
  | 'ASSETS_NOT_ALLOWED'
  | 'RISK_DATA_NOT_ATTESTED'
  | 'REPAYMENT_TOTAL'
  | 'FACILITY_MISMATCH'

function refuse(gate: SleeveGate, message: string, meta: Record<string, unknown> = {}): PreconditionFailedError {
  return new PreconditionFailedError(message, { meta: { gate, ...meta } })
}

/** One row of the seed's write-access matrix, as data, with the Synome command that performs it. */
export type WriteAccessRow = { operation: string; role: Role; command: string; precondition: string }

export const WRITE_ACCESS_MATRIX: readonly WriteAccessRow[] = [
  { operation: 'Create sleeve', role: 'nfat', command: 'createSleeve', precondition: '—' },
  { operation: 'Add unit to sleeve (sweep)', role: 'nfat', command: 'sweepUnit', precondition: 'sleeve CREATED or FILLING; NFAT of the Halo class facility' },
  { operation: 'Update sleeve assets (offboarding sub-steps)', role: 'nfat', command: 'updateSleeveAssets', precondition: 'sleeve OFFBOARDING' },
  { operation: 'Transition FILLING → OFFBOARDING', role: 'nfat', command: 'transitionSleeve', precondition: '—' },
  { operation: 'Convert USDS → USDC (offboarding step 1)', role: 'nfat', command: 'updateSleeveAssets', precondition: 'sleeve OFFBOARDING' },
  { operation: 'Post pre-deployment attestation', role: 'attest', command: 'postAttestation', precondition: 'sleeve OFFBOARDING, all assets USDC' },
  { operation: 'Send USDC externally (offboarding step 2)', role: 'nfat', command: 'updateSleeveAssets', precondition: 'positive PRE_DEPLOYMENT attestation of the current offboarding round' },
  { operation: 'Transition OFFBOARDING → DEPLOYING', role: 'nfat', command: 'transitionSleeve', precondition: 'positive PRE_DEPLOYMENT attestation of the current round; all funds confirmed in the bank account; one deploying entry of that amount' },
  { operation: 'Post at-rest attestation', role: 'attest', command: 'postAttestation', precondition: 'sleeve DEPLOYING' },
  { operation: 'Transition DEPLOYING → AT REST', role: 'nfat', command: 'transitionSleeve', precondition: 'positive AT_REST attestation of the current round; one aggregate entry carrying its risk data' },
  { operation: 'Write aggregate risk data to sleeve', role: 'nfat', command: 'writeRiskData', precondition: 'sleeve AT_REST; the risk data of the AT_REST/PERIODIC attestation it cites' },
  { operation: 'Post periodic attestation', role: 'attest', command: 'postAttestation', precondition: 'sleeve AT_REST' },
  { operation: 'Update sleeve with periodic attestation', role: 'nfat', command: 'recordPeriodicAttestation', precondition: 'PERIODIC attestation of the sleeve exists' },
  { operation: 'Transition AT REST → UNWINDING', role: 'nfat', command: 'transitionSleeve', precondition: 'assets returning: USD confirmed at the bank account' },
  { operation: 'Update sleeve assets (unwinding sub-steps)', role: 'nfat', command: 'updateSleeveAssets', precondition: 'sleeve UNWINDING' },
  { operation: 'Mark units repayment-available', role: 'nfat', command: 'markRepaymentAvailable', precondition: 'sleeve UNWINDING; total = USDS recorded at the redeem contract' },
  { operation: 'Record partial-return entitlements on units', role: 'nfat', command: 'recordEntitlements', precondition: 'sleeve UNWINDING; returned = USD recorded at the bank' },
  { operation: 'Close unit', role: 'nfat', command: 'closeUnit', precondition: 'unit REPAYMENT_AVAILABLE' },
  { operation: 'Transition UNWINDING → CLOSED', role: 'nfat', command: 'transitionSleeve', precondition: 'every linked unit CLOSED' },
  { operation: 'Revert OFFBOARDING → FILLING (emergency override)', role: 'operator', command: 'overrideSleeveState', precondition: 'sleeve OFFBOARDING; a reason; funds back as USDS in the facility ALMProxy' },
  { operation: 'Correct a unit record (override)', role: 'operator', command: 'overrideUnit', precondition: 'unit not CLOSED; a reason' },
]

/** Nothing writes a DEPLOYING sleeve (the obfuscation), and nothing writes a CLOSED one (the archive). */
export function checkSleeveWritable(sleeve: SleeveView, operation: string): PreconditionFailedError | undefined {
  if (sleeve.state === 'DEPLOYING') return refuse('DEPLOYING_IS_STATIC', `${sleeve.sleeveId} is DEPLOYING: no writes until the at-rest transition`, { sleeveId: sleeve.sleeveId, operation })
  if (sleeve.state === 'CLOSED') return refuse('SLEEVE_CLOSED', `${sleeve.sleeveId} is CLOSED (archived)`, { sleeveId: sleeve.sleeveId, operation })
  return undefined
}

function checkState(sleeve: SleeveView, allowed: readonly SleeveState[], operation: string): PreconditionFailedError | undefined {
  if (allowed.includes(sleeve.state)) return undefined
  return refuse('SLEEVE_STATE', `${operation} needs ${sleeve.sleeveId} in ${allowed.join(' or ')}, it is ${sleeve.state}`, {
    sleeveId: sleeve.sleeveId,
    state: sleeve.state,
    allowed,
    operation,
  })
}

/** A sweep adds a unit to a CREATED or FILLING sleeve (the first sweep moves it to FILLING). */
export function checkSweep(sleeve: SleeveView): PreconditionFailedError | undefined {
  return checkSleeveWritable(sleeve, 'sweep') ?? checkState(sleeve, ['CREATED', 'FILLING'], 'sweep')
}

/** The sleeve's current offboarding round (records written before rounds existed count as round 1 once offboarded). */
export function offboardingRound(sleeve: Pick<SleeveView, 'offboardingRound' | 'state'>): number {
  if (sleeve.offboardingRound !== undefined) return sleeve.offboardingRound
  return sleeve.state === 'CREATED' || sleeve.state === 'FILLING' ? 0 : 1
}

/**
 * The attestation that opens a gate: of this sleeve and type, posted in the sleeve's current
 * offboarding round, and positive (`isPositiveAttestation`). The latest such one, or undefined.
 */
export function gateAttestation(sleeve: SleeveView, attestations: readonly AttestationView[], type: AttestationType): AttestationView | undefined {
  const round = offboardingRound(sleeve)
  return attestations.filter((a) => a.sleeveId === sleeve.sleeveId && a.type === type && (a.round ?? 1) === round && isPositiveAttestation(type, a.content)).at(-1)
}

function isOffChain(asset: SleeveAsset): boolean {
  return asset.location !== undefined && OFF_CHAIN_LOCATIONS.includes(asset.location)
}

/** An asset's amount in 18-decimal base units, so USDS, USDC and USD compare (1 USDS = 1 USDC = 1 USD). */
function value18(asset: SleeveAsset): bigint {
  return rescale(parseUnitsExact(asset.amount, ASSET_DECIMALS[asset.type], 'assets.amount'), ASSET_DECIMALS[asset.type], 18)
}
const totalValue18 = (assets: readonly SleeveAsset[]) => assets.reduce((sum, a) => sum + value18(a), 0n)

function normalisedAsset(asset: SleeveAsset): string {
  return JSON.stringify(Object.fromEntries(Object.entries(asset).filter(([, v]) => v !== undefined).sort(([a], [b]) => a.localeCompare(b))))
}
/** Same assets, whatever the key order (what the Synome stores back after JSON). */
export function sameAssets(a: readonly SleeveAsset[], b: readonly SleeveAsset[]): boolean {
  return a.length === b.length && a.every((asset, i) => normalisedAsset(asset) === normalisedAsset(b[i]!))
}

/** Same risk data: schemaVersion, attestationRef and data (a `_comment` is free text). */
export function sameRiskData(a: RiskData | undefined, b: RiskData | undefined): boolean {
  if (!a || !b) return a === b
  return a.schemaVersion === b.schemaVersion && a.attestationRef === b.attestationRef && canonical(a.data ?? {}) === canonical(b.data ?? {})
}
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (value && typeof value === 'object') return `{${Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`
  return JSON.stringify(value)
}

/** Locations (and types) each state's asset list may use. */
const ALLOWED_ASSETS: Partial<Record<SleeveState, (asset: SleeveAsset) => boolean>> = {
  OFFBOARDING: (a) => (a.location === 'facility-ALMProxy' && (a.type === 'USDS' || a.type === 'USDC')) || (a.location === 'in-transit' && a.type === 'USDC') || (a.location === 'halo-bank-account' && a.type === 'USD'),
  UNWINDING: (a) => (a.location === 'halo-bank-account' && a.type === 'USD') || (a.location === 'facility-ALMProxy' && (a.type === 'USDC' || a.type === 'USDS')) || (a.location === 'redeem-contract' && a.type === 'USDS'),
}

export type AssetChangeContext = {
  /** Attestations of the sleeve. */
  attestations: readonly AttestationView[]
  /** The state the sleeve is entering with these assets (a transition); undefined = an asset update in place. */
  to?: SleeveState | undefined
  operation: string
}

/**
 * THE asset gate: every change of a sleeve's asset list, whichever command carries it
 * (updateSleeveAssets, transitionSleeve, the operator override), passes here.
 *
 * - in place: only OFFBOARDING and UNWINDING sleeves change assets, each at its state's
 *   locations; while OFFBOARDING nothing is created (value ≤ before; 1 USDS = 1 USDC = 1 USD)
 *   and off-chain locations need the current round's positive PRE_DEPLOYMENT attestation;
 * - entering OFFBOARDING: the assets stay as they were (conversion comes after);
 * - entering DEPLOYING: one USD entry at `deploying` of exactly the USD confirmed at the bank;
 * - entering AT_REST: one aggregate-deployed entry of exactly the deploying amount, carrying
 *   the risk data of the current round's positive AT_REST attestation;
 * - entering UNWINDING: USD confirmed at the bank (a recorded return), nothing else;
 * - entering FILLING (operator revert): USDS back at the facility ALMProxy only;
 * - entering CLOSED: nothing.
 * Timestamps on the assets may not lie in the future.
 */
export function checkSleeveAssetChange(sleeve: SleeveView, nextAssets: readonly SleeveAsset[], context: AssetChangeContext, now: Date): PreconditionFailedError | undefined {
  const { to, operation, attestations } = context
  const id = sleeve.sleeveId
  const notAllowed = (why: string, meta: Record<string, unknown> = {}) => refuse('ASSETS_NOT_ALLOWED', `${operation}: ${why}`, { sleeveId: id, operation, ...meta })
  if (to === undefined) {
    const refused = checkSleeveWritable(sleeve, operation) ?? checkState(sleeve, ['OFFBOARDING', 'UNWINDING'], operation)
    if (refused) return refused
  }
  const refused = assetRule(sleeve, nextAssets, context, notAllowed)
  if (refused) return refused
  const future = nextAssets.find((a) => [a.initiatedAt, a.confirmedAt].some((t) => t !== undefined && Date.parse(t) > now.getTime()))
  if (future) return notAllowed('an asset timestamp lies in the future', { asset: future, now: now.toISOString() })
  return undefined
}

function assetRule(sleeve: SleeveView, nextAssets: readonly SleeveAsset[], context: AssetChangeContext, notAllowed: (why: string, meta?: Record<string, unknown>) => PreconditionFailedError): PreconditionFailedError | undefined {
  const { to, attestations } = context
  const id = sleeve.sleeveId
  const target = to ?? sleeve.state
  switch (target) {
    case 'OFFBOARDING': {
      // Entering OFFBOARDING opens a new round: no attestation of it exists yet.
      if (nextAssets.some(isOffChain) && (to !== undefined || !gateAttestation(sleeve, attestations, 'PRE_DEPLOYMENT'))) {
        return refuse('PRE_DEPLOYMENT_ATTESTATION_MISSING', `sending assets of ${id} off chain needs a positive PRE_DEPLOYMENT attestation of the current offboarding round`, { sleeveId: id, round: offboardingRound(sleeve) + (to !== undefined ? 1 : 0) })
      }
      if (to !== undefined) {
        if (!sameAssets(nextAssets, sleeve.assets)) return notAllowed('entering OFFBOARDING keeps the filled assets as they are', { assets: sleeve.assets })
        return undefined
      }
      const wrong = nextAssets.find((a) => !ALLOWED_ASSETS.OFFBOARDING!(a))
      if (wrong) return notAllowed(`${wrong.type} at ${wrong.location ?? 'no location'} is not an offboarding sub-step`, { asset: wrong })
      const before = totalValue18(sleeve.assets)
      const after = totalValue18(nextAssets)
      if (after > before) return notAllowed('offboarding cannot create value', { before: formatUnitsExact(before, 18), after: formatUnitsExact(after, 18) })
      return undefined
    }
    case 'DEPLOYING': {
      const bank = sleeve.assets.filter((a) => a.type === 'USD' && a.location === 'halo-bank-account' && a.confirmedAt !== undefined).reduce((sum, a) => sum + value18(a), 0n)
      const [only] = nextAssets
      if (nextAssets.length !== 1 || only!.type !== 'USD' || only!.location !== 'deploying' || value18(only!) !== bank) {
        return notAllowed(`DEPLOYING holds one USD entry at "deploying" of the ${formatUnitsExact(bank, 18)} confirmed at the bank`, { expected: formatUnitsExact(bank, 18) })
      }
      return undefined
    }
    case 'AT_REST': {
      const deploying = sleeve.assets.filter((a) => a.location === 'deploying').reduce((sum, a) => sum + value18(a), 0n)
      const [only] = nextAssets
      if (nextAssets.length !== 1 || only!.type !== 'aggregate-deployed' || value18(only!) !== deploying) {
        return notAllowed(`AT_REST holds one aggregate-deployed entry of the ${formatUnitsExact(deploying, 18)} deploying`, { expected: formatUnitsExact(deploying, 18) })
      }
      const attested = gateAttestation(sleeve, attestations, 'AT_REST')?.riskData
      if (!sameRiskData(only!.riskData, attested)) {
        return refuse('RISK_DATA_NOT_ATTESTED', `${id}: the aggregate risk data must be the AT_REST attestation's`, { sleeveId: id, attested: attested ?? null })
      }
      return undefined
    }
    case 'UNWINDING': {
      if (to !== undefined) {
        if (nextAssets.length === 0 || !nextAssets.every((a) => a.type === 'USD' && a.location === 'halo-bank-account' && a.confirmedAt !== undefined)) {
          return notAllowed('UNWINDING starts with the returned USD confirmed at the bank account')
        }
        return undefined
      }
      const wrong = nextAssets.find((a) => !ALLOWED_ASSETS.UNWINDING!(a))
      if (wrong) return notAllowed(`${wrong.type} at ${wrong.location ?? 'no location'} is not an unwinding sub-step`, { asset: wrong })
      return undefined
    }
    case 'FILLING': {
      if (nextAssets.length === 0 || !nextAssets.every((a) => a.type === 'USDS' && a.location === 'facility-ALMProxy')) {
        return notAllowed('a revert to FILLING needs the funds converted back to USDS in the facility ALMProxy', { assets: nextAssets })
      }
      return undefined
    }
    case 'CLOSED':
      return nextAssets.length === 0 ? undefined : notAllowed('a CLOSED sleeve holds no assets')
    default:
      return notAllowed(`${target} sleeves take no asset list`)
  }
}

/** Every asset is USD confirmed at the Halo's bank account (seed: "all funds confirmed received"). */
export function fundsConfirmedInBank(assets: readonly SleeveAsset[]): boolean {
  return assets.length > 0 && assets.every((a) => a.type === 'USD' && a.location === 'halo-bank-account' && a.confirmedAt !== undefined)
}

export type CheckTransitionParameters = {
  sleeve: SleeveView
  to: SleeveState
  attestations: readonly AttestationView[]
  /** The sleeve's linked units. */
  units: readonly UnitView[]
}

/** An explicit lpha-nfat transition (not the sweep, not the override) and its gate. */
export function checkTransition({ sleeve, to, attestations, units }: CheckTransitionParameters): PreconditionFailedError | undefined {
  const next = SLEEVE_TRANSITIONS[sleeve.state]
  if (next !== to || sleeve.state === 'CREATED') {
    return refuse('TRANSITION_NOT_ALLOWED', `${sleeve.sleeveId} cannot go ${sleeve.state} → ${to}${sleeve.state === 'CREATED' ? ' (the first sweep starts FILLING)' : ''}`, {
      sleeveId: sleeve.sleeveId,
      from: sleeve.state,
      to,
      next,
    })
  }
  const round = offboardingRound(sleeve)
  if (to === 'DEPLOYING') {
    if (!gateAttestation(sleeve, attestations, 'PRE_DEPLOYMENT')) return refuse('PRE_DEPLOYMENT_ATTESTATION_MISSING', `${sleeve.sleeveId} needs a positive PRE_DEPLOYMENT attestation of offboarding round ${round} before DEPLOYING`, { sleeveId: sleeve.sleeveId, round })
    if (!fundsConfirmedInBank(sleeve.assets)) return refuse('FUNDS_NOT_IN_BANK', `${sleeve.sleeveId}: all funds must be confirmed as USD in the Halo bank account before DEPLOYING`, { sleeveId: sleeve.sleeveId })
  }
  if (to === 'AT_REST' && !gateAttestation(sleeve, attestations, 'AT_REST')) {
    return refuse('AT_REST_ATTESTATION_MISSING', `${sleeve.sleeveId} needs a positive AT_REST attestation of offboarding round ${round} before AT_REST`, { sleeveId: sleeve.sleeveId, round })
  }
  if (to === 'CLOSED') {
    const open = units.filter((u) => u.state !== 'CLOSED').map((u) => u.unitId)
    if (open.length > 0) return refuse('UNITS_NOT_CLOSED', `${sleeve.sleeveId} has units not yet CLOSED: ${open.join(', ')}`, { sleeveId: sleeve.sleeveId, openUnits: open })
  }
  return undefined
}

/**
 * The asset list a transition writes when the command names none: DEPLOYING's black box and
 * AT_REST's aggregate entry are derived from the sleeve (the same rule the gate checks);
 * CLOSED is empty; others keep their assets.
 */
export function derivedTransitionAssets(sleeve: SleeveView, to: SleeveState, attestations: readonly AttestationView[]): SleeveAsset[] {
  if (to === 'CLOSED') return []
  if (to === 'DEPLOYING') {
    const bank = sleeve.assets.filter((a) => a.type === 'USD' && a.location === 'halo-bank-account').reduce((sum, a) => sum + parseUnitsExact(a.amount, USD_DECIMALS, 'assets.amount'), 0n)
    const pre = gateAttestation(sleeve, attestations, 'PRE_DEPLOYMENT')
    return [{ type: 'USD', amount: formatUnitsExact(bank, USD_DECIMALS), location: 'deploying', ...(pre ? { note: `Funds being deployed into deals per pre-deployment attestation ${pre.attestationId}` } : {}) }]
  }
  if (to === 'AT_REST') {
    const deploying = sleeve.assets.filter((a) => a.location === 'deploying').reduce((sum, a) => sum + parseUnitsExact(a.amount, USD_DECIMALS, 'assets.amount'), 0n)
    const riskData = gateAttestation(sleeve, attestations, 'AT_REST')?.riskData
    return [{ type: 'aggregate-deployed', amount: formatUnitsExact(deploying, USD_DECIMALS), ...(riskData ? { riskData } : {}) }]
  }
  return [...sleeve.assets]
}

/** In which sleeve state lpha-attest may post each attestation type (the matrix). */
export const ATTESTATION_STATES: Record<AttestationType, SleeveState> = {
  PRE_DEPLOYMENT: 'OFFBOARDING',
  AT_REST: 'DEPLOYING',
  PERIODIC: 'AT_REST',
}

/** Attest posts only in the matrix's state; PRE_DEPLOYMENT also waits for the USDC conversion. */
export function checkAttestationPost(sleeve: SleeveView, type: AttestationType): PreconditionFailedError | undefined {
  const refused = checkState(sleeve, [ATTESTATION_STATES[type]], `post ${type} attestation`)
  if (refused) return refused
  if (type === 'PRE_DEPLOYMENT' && !(sleeve.assets.length > 0 && sleeve.assets.every((a) => a.type === 'USDC'))) {
    return refuse('USDC_CONVERSION_INCOMPLETE', `${sleeve.sleeveId}: convert all USDS to USDC before the PRE_DEPLOYMENT attestation`, { sleeveId: sleeve.sleeveId })
  }
  return undefined
}

/**
 * `riskData.attestationRef` must name an attestation of this sleeve that carries risk data
 * (AT_REST or PERIODIC), and the risk data must be what that attestation vouches for.
 */
export function checkRiskDataRef(sleeve: SleeveView, riskData: RiskData, attestations: readonly AttestationView[]): PreconditionFailedError | undefined {
  const ref = attestations.find((a) => a.attestationId === riskData.attestationRef)
  if (!(ref && ref.sleeveId === sleeve.sleeveId && (ref.type === 'AT_REST' || ref.type === 'PERIODIC'))) {
    return refuse('ATTESTATION_REF', `attestationRef ${riskData.attestationRef} is not an AT_REST or PERIODIC attestation of ${sleeve.sleeveId}`, {
      sleeveId: sleeve.sleeveId,
      attestationRef: riskData.attestationRef,
      found: ref ? { type: ref.type, sleeveId: ref.sleeveId } : null,
    })
  }
  if (!sameRiskData(riskData, ref.riskData)) {
    return refuse('RISK_DATA_NOT_ATTESTED', `the risk data is not what attestation ${ref.attestationId} vouches for`, { sleeveId: sleeve.sleeveId, attestationRef: ref.attestationId, attested: ref.riskData ?? null })
  }
  return undefined
}

/** Aggregate risk data is written on an AT_REST sleeve. */
export function checkRiskDataWrite(sleeve: SleeveView, riskData: RiskData, attestations: readonly AttestationView[]): PreconditionFailedError | undefined {
  return checkState(sleeve, ['AT_REST'], 'write aggregate risk data') ?? checkRiskDataRef(sleeve, riskData, attestations)
}

/**
 * Operator emergency override (seed "Offboarding Failure"): a failed off-ramp is unwound by
 * converting back to USDS and reverting OFFBOARDING → FILLING. Needs a reason, and the
 * resulting assets must be USDS back in the facility ALMProxy (the asset gate).
 */
export function checkOverrideToFilling(sleeve: SleeveView, reason: string, assets: readonly SleeveAsset[], now: Date): PreconditionFailedError | InvalidInputError | undefined {
  if (reason.trim().length === 0) return new InvalidInputError('an override needs a reason', { meta: { field: 'reason' } })
  const refused = checkState(sleeve, ['OFFBOARDING'], 'override to FILLING')
  if (refused) return refused
  return checkSleeveAssetChange(sleeve, assets, { attestations: [], to: 'FILLING', operation: 'override to FILLING' }, now)
}

/** USDS recorded at the redeem contract (what markRepaymentAvailable may split). */
export function usdsAtRedeem(assets: readonly SleeveAsset[]): bigint {
  return assets.filter((a) => a.type === 'USDS' && a.location === 'redeem-contract').reduce((sum, a) => sum + parseUnitsExact(a.amount, USDS_DECIMALS, 'assets.amount'), 0n)
}

/** A repayment total equals the sleeve's USDS at the redeem contract plus a recorded rounding remainder at the ALMProxy. */
export function checkRepaymentTotal(sleeve: SleeveView, total: bigint): PreconditionFailedError | undefined {
  const atRedeem = usdsAtRedeem(sleeve.assets)
  const remainder = sleeve.assets.filter((a) => a.type === 'USDS' && a.location === 'facility-ALMProxy').reduce((sum, a) => sum + parseUnitsExact(a.amount, USDS_DECIMALS, 'assets.amount'), 0n)
  if (atRedeem > 0n && (total === atRedeem || total === atRedeem + remainder)) return undefined
  return refuse('REPAYMENT_TOTAL', `repayment total ${formatUnitsExact(total, USDS_DECIMALS)} is not the ${formatUnitsExact(atRedeem, USDS_DECIMALS)} USDS recorded at the redeem contract`, {
    sleeveId: sleeve.sleeveId,
    total: formatUnitsExact(total, USDS_DECIMALS),
    atRedeem: formatUnitsExact(atRedeem, USDS_DECIMALS),
  })
}

/** A partial return's entitlements are computed from the USD recorded at the bank, nothing else. */
export function checkEntitlementsReturned(sleeve: SleeveView, returnedUsd: bigint): PreconditionFailedError | undefined {
  const refused = checkState(sleeve, ['UNWINDING'], 'record entitlements')
  if (refused) return refused
  const atBank = sleeve.assets.filter((a) => a.type === 'USD' && a.location === 'halo-bank-account').reduce((sum, a) => sum + parseUnitsExact(a.amount, USD_DECIMALS, 'assets.amount'), 0n)
  if (returnedUsd === atBank && atBank > 0n) return undefined
  return refuse('REPAYMENT_TOTAL', `returned ${formatUnitsExact(returnedUsd, USD_DECIMALS)} is not the ${formatUnitsExact(atBank, USD_DECIMALS)} USD recorded at the bank`, { sleeveId: sleeve.sleeveId })
}

/** A unit swept into a Halo class must be an NFAT of that class's facility (when the class names one). */
export function checkSweepFacility(haloClassFacility: string | null | undefined, unitFacility: string): PreconditionFailedError | undefined {
  if (!haloClassFacility || haloClassFacility.toLowerCase() === unitFacility.toLowerCase()) return undefined
  return refuse('FACILITY_MISMATCH', `NFAT of facility ${unitFacility} does not belong to this Halo class (facility ${haloClassFacility})`, { expected: haloClassFacility.toLowerCase(), got: unitFacility.toLowerCase() })
}

/** A unit becomes REPAYMENT_AVAILABLE when its sleeve is UNWINDING and it is not yet repaid. */
export function checkRepaymentAvailable(sleeve: SleeveView, units: readonly UnitView[]): PreconditionFailedError | undefined {
  const refused = checkState(sleeve, ['UNWINDING'], 'mark units repayment-available')
  if (refused) return refused
  const done = units.filter((u) => u.state === 'REPAYMENT_AVAILABLE' || u.state === 'CLOSED').map((u) => u.unitId)
  if (done.length > 0) return refuse('UNIT_STATE', `units already repayment-available or closed: ${done.join(', ')}`, { units: done })
  return undefined
}

/** A unit closes (NFAT burned, funds claimed) only after repayment is available. */
export function checkUnitClose(unit: UnitView): PreconditionFailedError | undefined {
  if (unit.state === 'REPAYMENT_AVAILABLE') return undefined
  return refuse('UNIT_STATE', `unit ${unit.unitId} is ${unit.state}; it closes only from REPAYMENT_AVAILABLE`, { unitId: unit.unitId, state: unit.state })
}

/** An operator may correct a unit record until it is CLOSED (archived, like a CLOSED sleeve). */
export function checkUnitOverride(unit: UnitView): PreconditionFailedError | undefined {
  if (unit.state !== 'CLOSED') return undefined
  return refuse('UNIT_STATE', `unit ${unit.unitId} is CLOSED (archived); it can no longer be corrected`, { unitId: unit.unitId, state: unit.state })
}

/** Sum the amounts of the assets of one type (base units). */
export function assetTotal(assets: readonly SleeveAsset[], type: AssetType): bigint {
  return assets.filter((a) => a.type === type).reduce((sum, a) => sum + parseUnitsExact(a.amount, ASSET_DECIMALS[a.type], 'assets.amount'), 0n)
}

export type ProRataRepaymentReturnType = {
  /** floor(total × principal / Σprincipal) per unit, in input order. */
  entitlements: { unitId: number; amount: bigint }[]
  /** What flooring left over; returned explicitly, never paid to any unit. */
  remainder: bigint
}

/**
 * Pari passu repayment (seed "Loss Distribution"): proceeds split pro rata by principal,
 * each share rounded down. 78.75M on 30/25/20 → 31.5/26.25/21; 60M → 24/20/16.
 */
export function proRataRepayment(total: bigint, units: readonly { unitId: number; principal: bigint }[]): ProRataRepaymentReturnType {
  if (total < 0n) throw new InvalidInputError('repayment total must not be negative')
  const { shares, remainder } = splitProRata(total, units.map((u) => u.principal))
  return { entitlements: units.map((u, i) => ({ unitId: u.unitId, amount: shares[i]! })), remainder }
}

export type RepaymentSplitReturnType = {
  /** Principal this payment retires: never more than the unit's outstanding principal. */
  principalAmount: bigint
  /** The rest of the payment: yield (and any late-funding penalty). */
  interestAmount: bigint
  /** Principal the payment does not cover: a loss, written down separately by GovOps. */
  shortfall: bigint
}

/**
 * How one unit's repayment is funded on chain (`Controller.fundRedeem`'s two parts): principal
 * first, up to what is outstanding, the rest as interest. Funding therefore never retires more
 * principal than it pays. Seed: 31.5M on 30M → 30M + 1.5M; a recovery of 24M on 30M → 24M + 0
 * with a 6M shortfall.
 */
export function splitRepayment(amount: bigint, principal: bigint): RepaymentSplitReturnType {
  if (amount < 0n || principal < 0n) throw new InvalidInputError('repayment and principal must not be negative')
  const principalAmount = amount < principal ? amount : principal
  return { principalAmount, interestAmount: amount - principalAmount, shortfall: principal - principalAmount }
}

/** ISO-8601 UTC as in the seed ("2026-03-15T10:00:00Z"); milliseconds only when present. */
export function isoTimestamp(date: Date): string {
  const text = date.toISOString()
  return text.endsWith('.000Z') ? `${text.slice(0, -5)}Z` : text
}
