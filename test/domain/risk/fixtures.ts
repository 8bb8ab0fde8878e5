import type { RiskFrameworkDocument } from '../../../src/domain/risk/framework.js'
import type { RiskAsset, RiskAttestation, RiskSleeve, RiskUnit } from '../../../src/domain/risk/types.js'

/**
 * A test framework of multipliers (seed 004 leaves the numbers to the risk framework): low while
 * assets are transparent on chain, rising as they leave it, highest while DEPLOYING (opaque),
 * medium AT_REST. Quarterly re-attestation; +5% per started week overdue, capped at 50%.
 */
export const TEST_FRAMEWORK_VERSION = 'test-2026.1'
export const TEST_FRAMEWORK: RiskFrameworkDocument = {
  crr: {
    CREATED: '0',
    FILLING: '0.01',
    OFFBOARDING: { 'usds-at-almproxy': '0.01', 'usdc-at-almproxy': '0.02', 'usds-at-redeem': '0.01', 'in-transit': '0.1', 'at-bank': '0.15' },
    DEPLOYING: '0.3',
    AT_REST: '0.12',
    UNWINDING: { 'usds-at-almproxy': '0.01', 'usdc-at-almproxy': '0.02', 'usds-at-redeem': '0.01', 'in-transit': '0.1', 'at-bank': '0.15' },
    CLOSED: '0',
  },
  reattestation: { cadence: 'P3M', grace: 'P0D', escalation: { stepRate: '0.05', every: 'P7D', maxRate: '0.5' } },
  offboarding: { receiptTimeout: '3d', receiptTimeoutByHaloClass: { 'facility-B': '1d' } },
  riskData: {
    schemaVersions: {
      '1.0': {
        jsonSchema: {
          type: 'object',
          required: ['weightedAverageDurationMonths', 'investmentGradeShare'],
          properties: {
            weightedAverageDurationMonths: { type: 'string', pattern: '^\\d+(\\.\\d+)?$' },
            investmentGradeShare: { type: 'string', pattern: '^(0|1)(\\.\\d+)?$' },
            attestedCrr: { type: 'string', pattern: '^(0|1)(\\.\\d+)?$' },
          },
          additionalProperties: false,
        },
        crrField: 'attestedCrr',
      },
    },
  },
  capitalFormula: {
    riskModels: {
      'savings-vault': { kind: 'liquid', riskWeight: '0.02', frtbDrawdown: '0.05', category: 'defi-savings' },
      'clo-aaa': { kind: 'risk-weight', riskWeight: '0.08', category: 'structured-credit' },
      'morpho-lending': { kind: 'collateralized', riskWeight: '0.04', gapRiskCrr: '0.03', category: 'defi-lending' },
    },
    categoryCaps: { 'structured-credit': { capUsd: '1000000' } },
  },
}

const addr = (tail: string) => `0x${tail.padStart(40, '0')}`
export const SPARK = addr('5a4c')
export const GROVE = addr('6e0e')
export const KEEL = addr('cee1')
export const FACILITY = addr('fac1a')

/** Seed 004 attestations of sleeve-7. */
export const ATT_101: RiskAttestation = {
  attestationId: 'att-101',
  type: 'PRE_DEPLOYMENT',
  sleeveId: 'sleeve-7',
  content: { legalStructureVerified: true, bankAccountVerified: true, expectedRiskParameters: {}, maximumDeploymentDuration: '90d' },
  timestamp: '2026-04-01T09:00:00Z',
}
export const ATT_102: RiskAttestation = {
  attestationId: 'att-102',
  type: 'AT_REST',
  sleeveId: 'sleeve-7',
  content: { confirmedRiskParameters: {}, legalClaimsVerified: true, deploymentComplete: true },
  timestamp: '2026-04-15T09:00:00Z',
}
export const ATT_103: RiskAttestation = {
  attestationId: 'att-103',
  type: 'PERIODIC',
  sleeveId: 'sleeve-7',
  content: { statusNominal: true, riskDataUpdate: {} },
  timestamp: '2026-07-15T09:00:00Z',
}

export const RISK_DATA_1_0 = { schemaVersion: '1.0', attestationRef: 'att-102', data: { weightedAverageDurationMonths: '9.2', investmentGradeShare: '0.85' } }

const TIMESTAMPS = {
  created: '2026-03-15T10:00:00Z',
  fillingStarted: '2026-03-15T10:05:00Z',
  offboardingStarted: '2026-04-01T10:00:00Z',
  deployingStarted: '2026-04-02T15:00:00Z',
  atRestStarted: '2026-04-15T09:30:00Z',
  unwindingStarted: '2026-10-01T09:00:00Z',
  closed: '2026-10-05T11:00:00Z',
}

function sleeve7(state: RiskSleeve['state'], assets: RiskAsset[], attestations: RiskAttestation[], until: keyof typeof TIMESTAMPS): RiskSleeve {
  const keys = Object.keys(TIMESTAMPS) as (keyof typeof TIMESTAMPS)[]
  const timestamps = Object.fromEntries(keys.slice(0, keys.indexOf(until) + 1).map((k) => [k, TIMESTAMPS[k]]))
  return { sleeveId: 'sleeve-7', haloClass: 'facility-A', state, assets, linkedUnits: state === 'CREATED' ? [] : ['42', '43', '44'], attestations, timestamps }
}

/** sleeve-7 at every step of seed 004's happy path, with the seed's amounts and times. */
export const SEED_STEPS = {
  created: sleeve7('CREATED', [], [], 'created'),
  filling: sleeve7('FILLING', [{ type: 'USDS', amount: '75000000', location: 'facility-ALMProxy' }], [], 'fillingStarted'),
  offboardingStart: sleeve7('OFFBOARDING', [{ type: 'USDS', amount: '75000000', location: 'facility-ALMProxy' }], [], 'offboardingStarted'),
  offboardingConverted: sleeve7('OFFBOARDING', [{ type: 'USDC', amount: '75000000', location: 'facility-ALMProxy' }], [], 'offboardingStarted'),
  offboardingInTransit: sleeve7(
    'OFFBOARDING',
    [{ type: 'USDC', amount: '75000000', location: 'in-transit', initiatedAt: '2026-04-01T10:30:00Z' }],
    [ATT_101],
    'offboardingStarted',
  ),
  offboardingAtBank: sleeve7('OFFBOARDING', [{ type: 'USD', amount: '75000000', location: 'halo-bank-account', confirmedAt: '2026-04-02T14:00:00Z' }], [ATT_101], 'offboardingStarted'),
  deploying: sleeve7('DEPLOYING', [{ type: 'USD', amount: '75000000', location: 'deploying' }], [ATT_101], 'deployingStarted'),
  atRest: sleeve7('AT_REST', [{ type: 'aggregate-deployed', amount: '75000000', location: 'deploying', riskData: RISK_DATA_1_0 }], [ATT_101, ATT_102], 'atRestStarted'),
  atRestReattested: sleeve7('AT_REST', [{ type: 'aggregate-deployed', amount: '75000000', location: 'deploying', riskData: RISK_DATA_1_0 }], [ATT_101, ATT_102, ATT_103], 'atRestStarted'),
  unwindingAtBank: sleeve7('UNWINDING', [{ type: 'USD', amount: '78750000', location: 'halo-bank-account' }], [ATT_101, ATT_102, ATT_103], 'unwindingStarted'),
  unwindingOnRamped: sleeve7('UNWINDING', [{ type: 'USDC', amount: '78750000', location: 'facility-ALMProxy' }], [ATT_101, ATT_102, ATT_103], 'unwindingStarted'),
  unwindingAtRedeem: sleeve7('UNWINDING', [{ type: 'USDS', amount: '78750000', location: 'redeem-contract' }], [ATT_101, ATT_102, ATT_103], 'unwindingStarted'),
  closed: sleeve7('CLOSED', [], [ATT_101, ATT_102, ATT_103], 'closed'),
} satisfies Record<string, RiskSleeve>

/** NFATs #42/#43/#44: Spark 30M, Grove 25M, Keel 20M (seed 004 "Example"). */
export const SEED_UNITS: RiskUnit[] = [
  { unitId: '42', sleeveId: 'sleeve-7', facility: FACILITY, depositor: SPARK, principal: '30000000', state: 'ACTIVE' },
  { unitId: '43', sleeveId: 'sleeve-7', facility: FACILITY, depositor: GROVE, principal: '25000000', state: 'ACTIVE' },
  { unitId: '44', sleeveId: 'sleeve-7', facility: FACILITY, depositor: KEEL, principal: '20000000', state: 'ACTIVE' },
]
