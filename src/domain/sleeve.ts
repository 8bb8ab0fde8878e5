import { InvalidInputError, PreconditionFailedError } from './errors.js'
import { USDC_DECIMALS, USDS_DECIMALS, USD_DECIMALS, parseUnitsExact } from './money.js'
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
}
export type AttestationView = { attestationId: string; type: AttestationType; sleeveId: string }
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
  | 'OFF_CHAIN_ASSETS'
  | 'ATTESTATION_REF'

function refuse(gate: SleeveGate, message: string, meta: Record<string, unknown> = {}): PreconditionFailedError {
  return new PreconditionFailedError(message, { meta: { gate, ...meta } })
}

/** One row of the seed's write-access matrix, as data, with the Synome command that performs it. */
export type WriteAccessRow = { operation: string; role: Role; command: string; precondition: string }

export const WRITE_ACCESS_MATRIX: readonly WriteAccessRow[] = [
  { operation: 'Create sleeve', role: 'nfat', command: 'createSleeve', precondition: '—' },
  { operation: 'Add unit to sleeve (sweep)', role: 'nfat', command: 'sweepUnit', precondition: 'sleeve CREATED or FILLING' },
  { operation: 'Update sleeve assets (offboarding sub-steps)', role: 'nfat', command: 'updateSleeveAssets', precondition: 'sleeve OFFBOARDING' },
  { operation: 'Transition FILLING → OFFBOARDING', role: 'nfat', command: 'transitionSleeve', precondition: '—' },
  { operation: 'Convert USDS → USDC (offboarding step 1)', role: 'nfat', command: 'updateSleeveAssets', precondition: 'sleeve OFFBOARDING' },
  { operation: 'Post pre-deployment attestation', role: 'attest', command: 'postAttestation', precondition: 'sleeve OFFBOARDING, all assets USDC' },
  { operation: 'Send USDC externally (offboarding step 2)', role: 'nfat', command: 'updateSleeveAssets', precondition: 'PRE_DEPLOYMENT attestation of the sleeve' },
  { operation: 'Transition OFFBOARDING → DEPLOYING', role: 'nfat', command: 'transitionSleeve', precondition: 'PRE_DEPLOYMENT attestation; all funds confirmed in the bank account' },
  { operation: 'Post at-rest attestation', role: 'attest', command: 'postAttestation', precondition: 'sleeve DEPLOYING' },
  { operation: 'Transition DEPLOYING → AT REST', role: 'nfat', command: 'transitionSleeve', precondition: 'AT_REST attestation of the sleeve' },
  { operation: 'Write aggregate risk data to sleeve', role: 'nfat', command: 'writeRiskData', precondition: 'sleeve AT_REST; attestationRef to an attestation of the sleeve' },
  { operation: 'Post periodic attestation', role: 'attest', command: 'postAttestation', precondition: 'sleeve AT_REST' },
  { operation: 'Update sleeve with periodic attestation', role: 'nfat', command: 'recordPeriodicAttestation', precondition: 'PERIODIC attestation of the sleeve exists' },
  { operation: 'Transition AT REST → UNWINDING', role: 'nfat', command: 'transitionSleeve', precondition: '—' },
  { operation: 'Update sleeve assets (unwinding sub-steps)', role: 'nfat', command: 'updateSleeveAssets', precondition: 'sleeve UNWINDING' },
  { operation: 'Mark units repayment-available', role: 'nfat', command: 'markRepaymentAvailable', precondition: 'sleeve UNWINDING' },
  { operation: 'Close unit', role: 'nfat', command: 'closeUnit', precondition: 'unit REPAYMENT_AVAILABLE' },
  { operation: 'Transition UNWINDING → CLOSED', role: 'nfat', command: 'transitionSleeve', precondition: 'every linked unit CLOSED' },
  { operation: 'Revert OFFBOARDING → FILLING (emergency override)', role: 'operator', command: 'overrideSleeveState', precondition: 'sleeve OFFBOARDING; a reason; assets back on chain' },
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

function hasAttestation(sleeve: SleeveView, attestations: readonly AttestationView[], type: AttestationType): boolean {
  return attestations.some((a) => a.sleeveId === sleeve.sleeveId && a.type === type)
}

function isOffChain(asset: SleeveAsset): boolean {
  return asset.location !== undefined && OFF_CHAIN_LOCATIONS.includes(asset.location)
}

export type CheckAssetUpdateParameters = {
  sleeve: SleeveView
  /** The asset list after the update. */
  assets: readonly SleeveAsset[]
  /** Attestations of this sleeve. */
  attestations: readonly AttestationView[]
}

/**
 * Offboarding and unwinding sub-steps. Moving capital outside the on-chain boundary during
 * OFFBOARDING (in transit, at the bank) needs the sleeve's PRE_DEPLOYMENT attestation.
 */
export function checkAssetUpdate({ sleeve, assets, attestations }: CheckAssetUpdateParameters): PreconditionFailedError | undefined {
  const refused = checkSleeveWritable(sleeve, 'update assets') ?? checkState(sleeve, ['OFFBOARDING', 'UNWINDING'], 'update assets')
  if (refused) return refused
  if (sleeve.state === 'OFFBOARDING' && assets.some(isOffChain) && !hasAttestation(sleeve, attestations, 'PRE_DEPLOYMENT')) {
    return refuse('PRE_DEPLOYMENT_ATTESTATION_MISSING', `sending assets of ${sleeve.sleeveId} off chain needs a PRE_DEPLOYMENT attestation`, { sleeveId: sleeve.sleeveId })
  }
  return undefined
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
  if (to === 'DEPLOYING') {
    if (!hasAttestation(sleeve, attestations, 'PRE_DEPLOYMENT')) return refuse('PRE_DEPLOYMENT_ATTESTATION_MISSING', `${sleeve.sleeveId} needs a PRE_DEPLOYMENT attestation before DEPLOYING`, { sleeveId: sleeve.sleeveId })
    if (!fundsConfirmedInBank(sleeve.assets)) return refuse('FUNDS_NOT_IN_BANK', `${sleeve.sleeveId}: all funds must be confirmed as USD in the Halo bank account before DEPLOYING`, { sleeveId: sleeve.sleeveId })
  }
  if (to === 'AT_REST' && !hasAttestation(sleeve, attestations, 'AT_REST')) {
    return refuse('AT_REST_ATTESTATION_MISSING', `${sleeve.sleeveId} needs an AT_REST attestation before AT_REST`, { sleeveId: sleeve.sleeveId })
  }
  if (to === 'CLOSED') {
    const open = units.filter((u) => u.state !== 'CLOSED').map((u) => u.unitId)
    if (open.length > 0) return refuse('UNITS_NOT_CLOSED', `${sleeve.sleeveId} has units not yet CLOSED: ${open.join(', ')}`, { sleeveId: sleeve.sleeveId, openUnits: open })
  }
  return undefined
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
 * (AT_REST or PERIODIC).
 */
export function checkRiskDataRef(sleeve: SleeveView, riskData: RiskData, attestations: readonly AttestationView[]): PreconditionFailedError | undefined {
  const ref = attestations.find((a) => a.attestationId === riskData.attestationRef)
  if (ref && ref.sleeveId === sleeve.sleeveId && (ref.type === 'AT_REST' || ref.type === 'PERIODIC')) return undefined
  return refuse('ATTESTATION_REF', `attestationRef ${riskData.attestationRef} is not an AT_REST or PERIODIC attestation of ${sleeve.sleeveId}`, {
    sleeveId: sleeve.sleeveId,
    attestationRef: riskData.attestationRef,
    found: ref ? { type: ref.type, sleeveId: ref.sleeveId } : null,
  })
}

/** Aggregate risk data is written on an AT_REST sleeve. */
export function checkRiskDataWrite(sleeve: SleeveView, riskData: RiskData, attestations: readonly AttestationView[]): PreconditionFailedError | undefined {
  return checkState(sleeve, ['AT_REST'], 'write aggregate risk data') ?? checkRiskDataRef(sleeve, riskData, attestations)
}

/**
 * Operator emergency override (seed "Offboarding Failure"): a failed off-ramp is unwound by
 * converting back to USDS and reverting OFFBOARDING → FILLING. Needs a reason, and the
 * resulting assets must all be back on chain.
 */
export function checkOverrideToFilling(sleeve: SleeveView, reason: string, assets: readonly SleeveAsset[]): PreconditionFailedError | InvalidInputError | undefined {
  if (reason.trim().length === 0) return new InvalidInputError('an override needs a reason', { meta: { field: 'reason' } })
  const refused = checkState(sleeve, ['OFFBOARDING'], 'override to FILLING')
  if (refused) return refused
  const offChain = assets.filter(isOffChain)
  if (offChain.length > 0) return refuse('OFF_CHAIN_ASSETS', `${sleeve.sleeveId}: bring the assets back on chain before reverting to FILLING`, { sleeveId: sleeve.sleeveId, offChain })
  return undefined
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
  return date.toISOString().replace('.000Z', 'Z')
}
