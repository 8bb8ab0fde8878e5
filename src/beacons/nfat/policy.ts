import { formatUnitsExact, parseUnitsExact, rescale, USDC_DECIMALS, USDS_DECIMALS, USD_DECIMALS } from '../../domain/money.js'
import {
  gateAttestation,
  isoTimestamp,
  offboardingRound,
  proRataRepayment,
  splitRepayment,
  sameAssets,
  type AttestationView,
  type AttestationType,
  type RiskData,
  type SleeveAsset,
  type SleeveState,
  type UnitState,
} from '../../domain/sleeve.js'
import type { TxStatus } from '../shared/txJournal.js'

/**
 * lpha-nfat's per-sleeve decision: given everything observed about one sleeve (Synome
 * records, the bank ledger, the beacon's own transaction journal, finalized chain events),
 * return the ONE next step and why. The reconcile tick executes it, observes again, and
 * repeats (bounded) until the answer is `wait`. Because the decision is a function of
 * observed state only, a beacon restarted after a crash at any point picks up exactly where
 * the world is, not where its memory was.
 *
 * Asset lists are derived, not accumulated: during offboarding and unwinding the sleeve's
 * assets should equal what the ledger and journal say happened; when the Synome differs, the
 * step is to write the derived list. Gates (attestations) are checked here so a correct
 * lpha-nfat never asks; the Synome checks them again with the same domain rules.
 */

export type ObservedAttestation = { attestationId: string; type: AttestationType; timestamp: string; content: Record<string, unknown>; round?: number | undefined; riskData?: RiskData | undefined }
export type ObservedUnit = { unitId: number; state: UnitState; principal: string }
export type ObservedTransfer = {
  transferId: string
  /** The bank ledger marked it failed (its transaction reverted); it carries nothing. */
  failed?: boolean | undefined
  amountUsdc: bigint
  destination: string
  initiatedAt: string
  receipt?: { amountUsd: bigint; confirmedAt: string } | undefined
}
export type ObservedReturn = { returnId: string; amountUsd: bigint; confirmedAt: string; final: boolean; onRampedAt?: string | undefined }

export type NfatSleeveObservation = {
  sleeve: {
    sleeveId: string
    state: SleeveState
    assets: readonly SleeveAsset[]
    linkedUnits: readonly number[]
    attestations: readonly string[]
    timestamps: Record<string, string | undefined>
    metadata: Record<string, unknown>
    offboardingRound?: number | undefined
  }
  attestations: readonly ObservedAttestation[]
  units: readonly ObservedUnit[]
  /** Off-ramp transfers registered for this sleeve, with bank receipts. */
  transfers: readonly ObservedTransfer[]
  /** Funds the bank reports returned for this sleeve, with their on-ramp. */
  returns: readonly ObservedReturn[]
  /** Status of the beacon's own transactions, by idempotency key. */
  txs: Readonly<Record<string, TxStatus | undefined>>
  /** tokenIds whose NFAT was burned (finalized Redeemed events). */
  burned: ReadonlySet<number>
  /** USDC the off-ramp rate limit lets through now. */
  offRampCapacityUsdc: bigint
  config: { offRampDestination: string; receiptTimeoutSeconds: number }
  now: Date
}

export type ChainCall =
  | { fn: 'swapUSDSToUSDC'; usdsAmount: bigint }
  | { fn: 'swapUSDCToUSDS'; usdcAmount: bigint }
  /** The gated off-ramp: `Controller.transferForSleeve` under the sleeve's current round (its on-chain PRE_DEPLOYMENT record). */
  | { fn: 'transferForSleeve'; transferId: string; sleeveId: string; round: number; usdcAmount: bigint; destination: string }
  /** One funding call, two parts (two rate-limit keys): principal retired, interest on top. */
  | { fn: 'fundRedeem'; tokenId: bigint; principalAmount: bigint; interestAmount: bigint }

export type NfatAction =
  | { kind: 'wait'; reason: string }
  | { kind: 'tx'; key: string; call: ChainCall; reason: string }
  | { kind: 'register-transfer'; transferId: string; usdcAmount: bigint; destination: string; reason: string }
  | { kind: 'update-assets'; assets: SleeveAsset[]; reason: string }
  | { kind: 'transition'; to: SleeveState; assets?: SleeveAsset[] | undefined; reason: string }
  | { kind: 'write-risk-data'; riskData: RiskData; reason: string }
  | { kind: 'record-periodic'; attestationId: string; riskData?: RiskData | undefined; reason: string }
  | { kind: 'flag'; metadata: Record<string, unknown>; reason: string }
  /** The off-ramp transfer's transaction reverted: mark it failed in the bank ledger (then flag the sleeve). */
  | { kind: 'fail-transfer'; transferId: string; reason: string }
  /** Partial return: write each unit its pro-rata entitlement (the Synome recomputes it with the same rule). */
  | { kind: 'record-entitlements'; returned: string; reason: string }
  /** `total` USDS reached the redeem contract; the Synome splits it pro rata (the same domain rule). */
  | { kind: 'repayment-available'; total: string; entitlements: { unitId: number; amount: string }[]; remainder: string; reason: string }
  | { kind: 'close-unit'; unitId: number; reason: string }

const ALM = 'facility-ALMProxy' as const
const MAX_TX_ATTEMPTS = 3

const usds = (amount: bigint) => formatUnitsExact(amount, USDS_DECIMALS)
const usdc = (amount: bigint) => formatUnitsExact(amount, USDC_DECIMALS)
const usd = (amount: bigint) => formatUnitsExact(amount, USD_DECIMALS)
const sum = (values: readonly bigint[]) => values.reduce((a, b) => a + b, 0n)

/** The key of the current attempt of an action: a `replaced` attempt is retried under `key#n` (bounded). */
export function attemptKey(txs: NfatSleeveObservation['txs'], base: string): { key: string; status: TxStatus | undefined } | undefined {
  for (let attempt = 0; attempt < MAX_TX_ATTEMPTS; attempt++) {
    const key = attempt === 0 ? base : `${base}#${attempt}`
    const status = txs[key]
    if (status !== 'replaced') return { key, status }
  }
  return undefined
}

/** Run `call` once under `base`; undefined when it is final (done), otherwise the step to take. */
function txStep(obs: NfatSleeveObservation, base: string, call: ChainCall, reason: string): NfatAction | undefined {
  const attempt = attemptKey(obs.txs, base)
  if (!attempt) return { kind: 'wait', reason: `${base}: replaced ${MAX_TX_ATTEMPTS} times, needs an operator` }
  if (attempt.status === 'final') return undefined
  if (attempt.status === 'reverted') return { kind: 'wait', reason: `${attempt.key} reverted on chain, needs an operator` }
  if (attempt.status === 'pending' || attempt.status === 'mined') return { kind: 'wait', reason: `${attempt.key} in flight (${attempt.status}), waiting for finality` }
  return { kind: 'tx', key: attempt.key, call, reason }
}

function assetsStep(obs: NfatSleeveObservation, desired: SleeveAsset[], reason: string): NfatAction | undefined {
  return sameAssets(obs.sleeve.assets, desired) ? undefined : { kind: 'update-assets', assets: desired, reason }
}

/** The attestation that opens `type`'s gate: the domain rule (this sleeve, current round, positive content). */
function gate(obs: NfatSleeveObservation, type: AttestationType): ObservedAttestation | undefined {
  const views: AttestationView[] = obs.attestations.map((a) => ({ ...a, sleeveId: obs.sleeve.sleeveId }))
  const found = gateAttestation(obs.sleeve, views, type)
  return found && obs.attestations.find((a) => a.attestationId === found.attestationId)
}

export function nextSleeveAction(obs: NfatSleeveObservation): NfatAction {
  switch (obs.sleeve.state) {
    case 'OFFBOARDING':
      return offboardingStep(obs)
    case 'DEPLOYING':
      return deployingStep(obs)
    case 'AT_REST':
      return atRestStep(obs)
    case 'UNWINDING':
      return unwindingStep(obs)
    default:
      return { kind: 'wait', reason: `${obs.sleeve.state}: driven by the sweep policy or finished` }
  }
}

// ------------------------------------------------------------------ offboarding

function offboardingStep(obs: NfatSleeveObservation): NfatAction {
  const { sleeve } = obs
  // Keys carry the offboarding round: after an operator revert, round 2 converts and sends
  // again under new keys instead of reading round 1's transactions as done.
  const round = offboardingRound(sleeve)
  const usdsAtAlm = sum(sleeve.assets.filter((a) => a.type === 'USDS' && a.location === ALM).map((a) => parseUnitsExact(a.amount, USDS_DECIMALS)))
  // Step 1 — USDS → USDC through the PSM (no gate: assets stay on chain).
  if (usdsAtAlm > 0n) {
    const usdcAmount = rescale(usdsAtAlm, USDS_DECIMALS, USDC_DECIMALS)
    return txStep(obs, `psm-out:${sleeve.sleeveId}:r${round}`, { fn: 'swapUSDSToUSDC', usdsAmount: usdsAtAlm }, 'offboarding step 1: convert USDS to USDC')
      ?? { kind: 'update-assets', assets: [{ type: 'USDC', amount: usdc(usdcAmount), location: ALM }], reason: 'USDS → USDC conversion final on chain' }
  }
  const total = offboardingTotal(obs)
  if (total === 0n) return { kind: 'wait', reason: 'no assets to offboard' }
  // Gate — nothing leaves the ALMProxy without a positive PRE_DEPLOYMENT attestation of this round.
  const preDeployment = gate(obs, 'PRE_DEPLOYMENT')
  if (!preDeployment) return { kind: 'wait', reason: `gate: no positive PRE_DEPLOYMENT attestation of offboarding round ${round} yet, USDC stays in the ALMProxy` }

  // Step 2 — send USDC to the off-ramp in rate-limited transfers. A reverted transfer is a
  // failure (seed "Offboarding Failure"): recorded in the ledger, flagged, and left to an operator.
  for (const transfer of obs.transfers) {
    if (transfer.failed) continue
    const attempt = attemptKey(obs.txs, `offramp:${transfer.transferId}`)
    if (attempt?.status === 'reverted') return { kind: 'fail-transfer', transferId: transfer.transferId, reason: `off-ramp transaction ${attempt.key} reverted on chain` }
    const step = txStep(obs, `offramp:${transfer.transferId}`, { fn: 'transferForSleeve', transferId: transfer.transferId, sleeveId: sleeve.sleeveId, round, usdcAmount: transfer.amountUsdc, destination: transfer.destination }, `offboarding step 2: send ${usdc(transfer.amountUsdc)} USDC to the off-ramp`)
    if (step) return step
  }
  const failed = obs.transfers.filter((t) => t.failed)
  if (failed.length > 0) {
    const flag = sleeve.metadata.offboardingFailure as { round?: number } | undefined
    if (flag?.round !== round) {
      return {
        kind: 'flag',
        metadata: { offboardingFailure: { reason: 'off-ramp transaction reverted', round, transferIds: failed.map((t) => t.transferId), flaggedAt: isoTimestamp(obs.now) } },
        reason: `off-ramp failed for ${failed.map((t) => t.transferId).join(', ')}: flagged for an operator (retry or revert to FILLING)`,
      }
    }
    return { kind: 'wait', reason: 'off-ramp failed: waiting for an operator (the seed\'s revert to FILLING is an operational decision)' }
  }
  // Steps 2–3 in the Synome: in transit, then USD at the bank as receipts arrive.
  const assetUpdate = assetsStep(obs, offboardingAssets(total, obs.transfers), 'reflect transfers and bank receipts')
  if (assetUpdate) return assetUpdate
  const registered = sum(obs.transfers.map((t) => t.amountUsdc))
  if (registered < total) {
    const amount = total - registered < obs.offRampCapacityUsdc ? total - registered : obs.offRampCapacityUsdc
    if (amount === 0n) return { kind: 'wait', reason: 'off-ramp rate limit exhausted; waiting for it to refill' }
    return { kind: 'register-transfer', transferId: `${sleeve.sleeveId}:r${round}:offramp:${obs.transfers.length + 1}`, usdcAmount: amount, destination: obs.config.offRampDestination, reason: `announce ${usdc(amount)} USDC transfer to the bank before sending` }
  }
  const pending = obs.transfers.filter((t) => !t.receipt)
  if (pending.length === 0) {
    // From here the sleeve is a black box: one entry, no further updates until AT_REST.
    const deploying: SleeveAsset[] = [{ type: 'USD', amount: usd(sum(obs.transfers.map((t) => t.receipt!.amountUsd))), location: 'deploying', note: `Funds being deployed into deals per pre-deployment attestation ${preDeployment.attestationId}` }]
    return { kind: 'transition', to: 'DEPLOYING', assets: deploying, reason: `all ${usd(total)} confirmed in the bank account` }
  }
  const overdue = pending.filter((t) => obs.now.getTime() - Date.parse(t.initiatedAt) >= obs.config.receiptTimeoutSeconds * 1000)
  const flagged = (obs.sleeve.metadata.offboardingAlert as { transferIds?: string[] } | undefined)?.transferIds ?? []
  const unflagged = overdue.filter((t) => !flagged.includes(t.transferId))
  if (unflagged.length > 0) {
    return {
      kind: 'flag',
      metadata: { offboardingAlert: { reason: 'bank receipt overdue', transferIds: [...flagged, ...unflagged.map((t) => t.transferId)], timeoutSeconds: obs.config.receiptTimeoutSeconds, flaggedAt: isoTimestamp(obs.now) } },
      reason: `no bank receipt within ${obs.config.receiptTimeoutSeconds}s for ${unflagged.map((t) => t.transferId).join(', ')}`,
    }
  }
  return { kind: 'wait', reason: `waiting for bank receipt of ${pending.length} transfer(s)` }
}

/** The USDC amount being offboarded: what was converted (still in the ALMProxy or already sent). */
function offboardingTotal(obs: NfatSleeveObservation): bigint {
  const onChain = sum(obs.sleeve.assets.filter((a) => a.type === 'USDC' && a.location === ALM).map((a) => parseUnitsExact(a.amount, USDC_DECIMALS)))
  const inSynomeOffChain = sum(obs.sleeve.assets.filter((a) => a.location !== ALM && (a.type === 'USDC' || a.type === 'USD')).map((a) => parseUnitsExact(a.amount, USDC_DECIMALS)))
  return onChain + inSynomeOffChain
}

/** The asset list the Synome should show during offboarding (seed steps 1–3). */
export function offboardingAssets(total: bigint, transfers: readonly ObservedTransfer[]): SleeveAsset[] {
  const sent = sum(transfers.map((t) => t.amountUsdc))
  const assets: SleeveAsset[] = []
  if (total > sent) assets.push({ type: 'USDC', amount: usdc(total - sent), location: ALM })
  for (const transfer of transfers.filter((t) => !t.receipt)) {
    assets.push({ type: 'USDC', amount: usdc(transfer.amountUsdc), location: 'in-transit', destination: transfer.destination, initiatedAt: transfer.initiatedAt })
  }
  const received = transfers.filter((t) => t.receipt)
  if (received.length > 0) {
    const confirmedAt = received.map((t) => t.receipt!.confirmedAt).sort().at(-1)!
    assets.push({ type: 'USD', amount: usd(sum(received.map((t) => t.receipt!.amountUsd))), location: 'halo-bank-account', confirmedAt })
  }
  return assets
}

// ------------------------------------------------------------------ deploying and at rest

function deployingStep(obs: NfatSleeveObservation): NfatAction {
  const atRest = gate(obs, 'AT_REST')
  if (!atRest) return { kind: 'wait', reason: `gate: no positive AT_REST attestation of offboarding round ${offboardingRound(obs.sleeve)} yet` }
  // The Synome derived the attested risk data when the attestation was posted (domain rule `attestedRiskData`).
  if (!atRest.riskData) return { kind: 'wait', reason: `AT_REST attestation ${atRest.attestationId} carries no risk data` }
  const deployed = sum(obs.sleeve.assets.map((a) => parseUnitsExact(a.amount, USD_DECIMALS)))
  // The black box opens as one aggregate position carrying the attested risk data.
  const assets: SleeveAsset[] = [{ type: 'aggregate-deployed', amount: usd(deployed), riskData: atRest.riskData }]
  return { kind: 'transition', to: 'AT_REST', assets, reason: `AT_REST attestation ${atRest.attestationId} posted` }
}

function atRestStep(obs: NfatSleeveObservation): NfatAction {
  const atRest = gate(obs, 'AT_REST')
  const aggregate = obs.sleeve.assets.find((a) => a.type === 'aggregate-deployed')
  const riskData = atRest?.riskData
  if (aggregate && !aggregate.riskData && riskData) return { kind: 'write-risk-data', riskData, reason: `aggregate risk data from ${riskData.attestationRef}` }
  const linked = obs.sleeve.attestations ?? []
  const periodic = obs.attestations.find((a) => a.type === 'PERIODIC' && !linked.includes(a.attestationId))
  if (periodic) return { kind: 'record-periodic', attestationId: periodic.attestationId, riskData: periodic.riskData, reason: `new PERIODIC attestation ${periodic.attestationId}` }
  // Unwinding starts with the returned funds recorded at the bank (the Synome's asset gate).
  if (obs.returns.length > 0) return { kind: 'transition', to: 'UNWINDING', assets: unwindingBankAssets(obs), reason: `bank reports ${usd(sum(obs.returns.map((r) => r.amountUsd)))} returned` }
  return { kind: 'wait', reason: 'at rest; nothing returned yet' }
}

/** Unwinding step 1: the returned USD confirmed at the bank. */
function unwindingBankAssets(obs: NfatSleeveObservation): SleeveAsset[] {
  const final = obs.returns.some((r) => r.final)
  return [{ type: 'USD', amount: usd(sum(obs.returns.map((r) => r.amountUsd))), location: 'halo-bank-account', confirmedAt: obs.returns.map((r) => r.confirmedAt).sort().at(-1)!, note: final ? 'principal + yield returned from deployment' : 'partial return; recovery pending' }]
}

// ------------------------------------------------------------------ unwinding

const notRepayable = (unit: ObservedUnit) => unit.state === 'CREATED' || unit.state === 'ACTIVE'

function unitPrincipals(obs: NfatSleeveObservation) {
  return [...obs.units].sort((a, b) => a.unitId - b.unitId).map((u) => ({ unitId: u.unitId, principal: parseUnitsExact(u.principal, USDS_DECIMALS) }))
}

/** Pro-rata entitlements of `returnedUsd` (USD base units) in USDS base units, and the rounding remainder. */
export function unwindingEntitlements(obs: Pick<NfatSleeveObservation, 'units'>, returnedUsd: bigint) {
  return proRataRepayment(rescale(returnedUsd, USD_DECIMALS, USDS_DECIMALS), unitPrincipals(obs as NfatSleeveObservation))
}

function unwindingStep(obs: NfatSleeveObservation): NfatAction {
  const { sleeve } = obs
  const returned = sum(obs.returns.map((r) => r.amountUsd))
  const final = obs.returns.some((r) => r.final)
  const bankAssets = unwindingBankAssets(obs)
  const { entitlements, remainder } = unwindingEntitlements(obs, returned)

  // Partial default: record the pro-rata entitlements, keep the funds at the bank, stay UNWINDING.
  if (!final) {
    return assetsStep(obs, bankAssets, 'step 1: returned funds confirmed at the bank')
      ?? recordEntitlements(obs, entitlements, remainder)
      ?? { kind: 'wait', reason: 'partial return recorded; waiting for recovery' }
  }
  // Step 1 is always recorded: the at-rest position becomes USD back at the bank first.
  if (sleeve.assets.some((a) => a.type === 'aggregate-deployed')) return assetsStep(obs, bankAssets, 'step 1: returned funds confirmed at the bank')!
  const onRamped = obs.returns.every((r) => r.onRampedAt !== undefined)
  const unitsOpen = obs.units.some(notRepayable)
  if (!onRamped) return assetsStep(obs, bankAssets, 'step 1: returned funds confirmed at the bank') ?? { kind: 'wait', reason: 'waiting for the bank to on-ramp USDC' }
  const returnedUsdc = returned // USD and USDC share 6 decimals
  if (unitsOpen) {
    const swap = txStep(obs, `psm-in:${sleeve.sleeveId}`, { fn: 'swapUSDCToUSDS', usdcAmount: returnedUsdc }, 'step 3: convert returned USDC to USDS')
    if (swap) return assetsStep(obs, [{ type: 'USDC', amount: usdc(returnedUsdc), location: ALM }], 'step 2: on-ramped USDC in the ALMProxy') ?? swap
    for (const entitlement of entitlements) {
      const principal = unitPrincipals(obs).find((u) => u.unitId === entitlement.unitId)!.principal
      // A shortfall (a recovery at a loss) is not funded as principal: GovOps writes it down.
      const { principalAmount, interestAmount } = splitRepayment(entitlement.amount, principal)
      const fund = txStep(obs, `fund:${sleeve.sleeveId}:${entitlement.unitId}`, { fn: 'fundRedeem', tokenId: BigInt(entitlement.unitId), principalAmount, interestAmount }, `fund NFAT #${entitlement.unitId} with its pro-rata ${usds(entitlement.amount)} USDS`)
      if (fund) return fund
    }
    const funded: SleeveAsset[] = [{ type: 'USDS', amount: usds(sum(entitlements.map((e) => e.amount))), location: 'redeem-contract' }]
    if (remainder > 0n) funded.push({ type: 'USDS', amount: usds(remainder), location: ALM, note: 'rounding remainder of the pro-rata split; not paid out' })
    return assetsStep(obs, funded, 'step 3: redeem contract funded') ?? recordEntitlements(obs, entitlements, remainder) ?? { kind: 'wait', reason: 'units not all repayable yet' }
  }
  const burnedOpen = obs.units.find((u) => u.state === 'REPAYMENT_AVAILABLE' && obs.burned.has(u.unitId))
  if (burnedOpen) return { kind: 'close-unit', unitId: burnedOpen.unitId, reason: `NFAT #${burnedOpen.unitId} burned` }
  // CLOSED empties the asset list; a rounding remainder stays recorded in metadata.repayment.
  if (obs.units.every((u) => u.state === 'CLOSED')) return { kind: 'transition', to: 'CLOSED', reason: 'last unit closed' }
  return { kind: 'wait', reason: 'waiting for holders to burn their NFATs' }
}

function recordEntitlements(obs: NfatSleeveObservation, entitlements: { unitId: number; amount: bigint }[], remainder: bigint): NfatAction | undefined {
  if (!obs.units.every(notRepayable)) return undefined
  const final = obs.returns.some((r) => r.final)
  const recorded = obs.sleeve.metadata.entitlements as { returnedUsd?: string } | undefined
  const returned = usd(sum(obs.returns.map((r) => r.amountUsd)))
  if (!final) {
    if (recorded?.returnedUsd === returned) return undefined
    return { kind: 'record-entitlements', returned, reason: `partial return: pro-rata entitlements of ${returned} written to the units for the resolution process` }
  }
  return { kind: 'repayment-available', total: usds(sum(entitlements.map((e) => e.amount)) + remainder), entitlements: entitlements.map((e) => ({ unitId: e.unitId, amount: usds(e.amount) })), remainder: usds(remainder), reason: `units repayable pro rata from ${returned} returned` }
}
