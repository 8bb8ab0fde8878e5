import type { AttestRuleConfig } from '../beacons/attest/policy.js'
import type { RiskFrameworkDocument } from '../domain/risk/framework.js'

/**
 * The risk framework lpha-council publishes on a devnet. Seed 004 leaves the numbers to the
 * framework; these are illustrative: low CRR while capital is transparent on chain, higher as
 * it leaves, highest while DEPLOYING (opaque), medium AT_REST, quarterly re-attestation with
 * +5% per started week overdue (cap 50%).
 */
export const DEVNET_FRAMEWORK_VERSION = 'devnet-1'

const offboardingRates = { 'usds-at-almproxy': '0.01', 'usdc-at-almproxy': '0.02', 'usds-at-redeem': '0.01', 'in-transit': '0.1', 'at-bank': '0.15' }

export const DEVNET_FRAMEWORK: RiskFrameworkDocument = {
  crr: { CREATED: '0', FILLING: '0.01', OFFBOARDING: offboardingRates, DEPLOYING: '0.3', AT_REST: '0.12', UNWINDING: offboardingRates, CLOSED: '0' },
  reattestation: { cadence: 'P3M', grace: 'P0D', escalation: { stepRate: '0.05', every: 'P7D', maxRate: '0.5' } },
  offboarding: { receiptTimeout: '3d', receiptTimeoutByHaloClass: {} },
  riskData: {
    schemaVersions: {
      '1.0': {
        jsonSchema: {
          type: 'object',
          required: ['weightedAverageDurationMonths', 'investmentGradeShare'],
          properties: {
            weightedAverageDurationMonths: { type: 'string', pattern: '^\\d+(\\.\\d+)?$' },
            investmentGradeShare: { type: 'string', pattern: '^(0|1)(\\.\\d+)?$' },
          },
          additionalProperties: false,
        },
      },
    },
  },
  // NAV-reported assets of Portfolio Halo books: 10% stressed loss while the manager's report is
  // at most 2 days old, +5% per started day after that, at most 50%.
  portfolio: { navReported: { rate: '0.1', staleAfter: '2d', stepRate: '0.05', every: '1d', maxRate: '0.5' } },
  capitalFormula: { riskModels: {}, categoryCaps: {} },
}

const DAY = 86_400

/** lpha-attest rule mode on a devnet: what it vouches for, and when. */
export function devnetAttestRules(p: { periodicCadenceDays: number; atRestAfterDays: number }): AttestRuleConfig {
  return {
    periodicCadenceSeconds: p.periodicCadenceDays * DAY,
    atRestAfterSeconds: p.atRestAfterDays * DAY,
    evidence: {
      PRE_DEPLOYMENT: { legalStructureVerified: true, bankAccountVerified: true, expectedRiskParameters: { assetClass: 'senior-secured', expectedLossBps: 50 }, maximumDeploymentDuration: '90d' },
      AT_REST: {
        legalClaimsVerified: true,
        deploymentComplete: true,
        confirmedRiskParameters: { assetClass: 'senior-secured' },
        riskData: { schemaVersion: '1.0', data: { weightedAverageDurationMonths: '9.2', investmentGradeShare: '0.8' } },
      },
      PERIODIC: { statusNominal: true },
    },
  }
}
