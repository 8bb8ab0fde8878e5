/**
 * Alerts lpla-verify raises. Each has a stable `code` (logs, metrics labels, webhooks and
 * dashboards match on it; never rename one) and the entity it concerns.
 */
export const ALERT_CODES = {
  /** AT_REST sleeve past its re-attestation due date (+ grace); CRR escalates, state stays. */
  REATTESTATION_OVERDUE: 'warning',
  /** A periodic attestation says the sleeve is not nominal. */
  ATTESTATION_NOT_NOMINAL: 'critical',
  /** OFFBOARDING transfer still in transit after the receipt timeout. */
  OFFBOARDING_RECEIPT_TIMEOUT: 'critical',
  /** lpha-nfat flagged a failed (reverted) off-ramp transfer of the sleeve's current offboarding round; an operator decides. */
  OFFBOARDING_TRANSFER_FAILED: 'critical',
  /** A PRE_DEPLOYMENT attestation of the current round has no on-chain registry record with its content hash (missing, different hash, or revoked): lpha-nfat's off-ramp is refused or runs on other content. */
  ATTESTATION_ONCHAIN_MISMATCH: 'critical',
  /** DEPLOYING longer than the pre-deployment attestation's maximum deployment duration. */
  DEPLOYMENT_DURATION_EXCEEDED: 'critical',
  /** DEPLOYING without a readable maximum deployment duration (no pre-deployment attestation). */
  DEPLOYMENT_DURATION_UNKNOWN: 'critical',
  /** AT_REST sleeve without aggregate risk data. */
  RISK_DATA_MISSING: 'critical',
  /** Risk data schemaVersion not accepted by the current framework. */
  RISK_DATA_SCHEMA_UNKNOWN: 'critical',
  /** Risk data does not satisfy its schemaVersion's JSON Schema. */
  RISK_DATA_SCHEMA_MISMATCH: 'critical',
  /** Risk data's attestationRef is not an AT_REST/PERIODIC attestation of this sleeve. */
  RISK_DATA_ATTESTATION_REF_INVALID: 'critical',
  /** An asset sits at a location the framework has no rate for; the highest rate is used. */
  ASSET_LOCATION_UNKNOWN: 'warning',
  /** The unit's NFAT does not exist on chain (or was burned while the unit is not CLOSED). */
  POSITION_NFAT_MISSING: 'critical',
  /** The NFAT's principal, facility or depositor differs from the Synome's unit. */
  POSITION_NFAT_MISMATCH: 'critical',
  /** Sleeves claim more at an on-chain address than its balance holds. */
  POSITION_BALANCE_SHORTFALL: 'critical',
  /** The chain could not be read for position verification (RPC down); nothing was verified. */
  POSITION_CHECK_FAILED: 'warning',
  /** A Core Halo data source failed (network, revert, HTTP status, timeout). */
  CORE_HALO_SOURCE_FAILED: 'critical',
  /** A Core Halo data source answered something that is not a valid amount. */
  CORE_HALO_SOURCE_GARBAGE: 'critical',
  /** A Core Halo references a risk model the framework does not define. */
  CORE_HALO_RISK_MODEL_UNKNOWN: 'critical',
  /** A Prime's exposure to a category exceeds the framework's cap (excess carries 100%). */
  CATEGORY_CAP_EXCEEDED: 'warning',
  /** No risk framework has been published; nothing can be computed. */
  FRAMEWORK_MISSING: 'critical',
  /** The current risk framework does not validate; nothing can be computed with it. */
  FRAMEWORK_INVALID: 'critical',
  /** A Core Halo entry does not describe a usable data model. */
  CORE_HALO_ENTRY_INVALID: 'critical',
  /** A Portfolio book's last NAV report is older than the framework's staleAfter; its CRR escalates. */
  PORTFOLIO_NAV_STALE: 'warning',
  /** The framework has no treatment of NAV-reported assets; Portfolio books are charged 100%. */
  PORTFOLIO_TREATMENT_MISSING: 'critical',
  /** A Portfolio book record does not balance or cannot be read; it is charged 100%. */
  PORTFOLIO_BOOK_INVALID: 'critical',
} as const

export type AlertCode = keyof typeof ALERT_CODES
export type AlertSeverity = (typeof ALERT_CODES)[AlertCode]
export type AlertEntityType = 'sleeve' | 'unit' | 'coreHalo' | 'prime' | 'address' | 'framework' | 'book'

export type Alert = {
  code: AlertCode
  severity: AlertSeverity
  entity: { type: AlertEntityType; id: string }
  message: string
  /** JSON-safe facts (amounts as decimal strings, times as ISO strings). */
  details: Record<string, unknown>
}

export function alert(code: AlertCode, entity: Alert['entity'], message: string, details: Record<string, unknown> = {}): Alert {
  return { code, severity: ALERT_CODES[code], entity, message, details }
}
