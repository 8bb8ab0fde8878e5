/** Actors, clock and the seed's scenario, shared by the Synome test files. */
import { privateKeyToAccount } from 'viem/accounts'
import type { RoleGrant } from '../../src/domain/roles.js'
import { createInProcessClient } from '../../src/synome/client/inProcess.js'
import type { SynomeClient } from '../../src/synome/client/types.js'
import type { SynomeService } from '../../src/synome/service.js'

export const keys = {
  council: `0x${'c1'.repeat(32)}`,
  nfat: `0x${'a1'.repeat(32)}`,
  attest: `0x${'a2'.repeat(32)}`,
  operator: `0x${'0e'.repeat(32)}`,
  stranger: `0x${'5e'.repeat(32)}`,
  otherClassNfat: `0x${'b1'.repeat(32)}`,
} as const
export type Actor = keyof typeof keys
export const accounts = Object.fromEntries(Object.entries(keys).map(([name, key]) => [name, privateKeyToAccount(key as `0x${string}`)])) as Record<Actor, ReturnType<typeof privateKeyToAccount>>

export const HALO_CLASS = 'facility-A'
export const FACILITY = '0x000000000000000000000000000000000000abc0'

export const bootstrapRoles: RoleGrant[] = [
  { address: accounts.council.address, role: 'council', haloClasses: [] },
  { address: accounts.nfat.address, role: 'nfat', haloClasses: [HALO_CLASS] },
  { address: accounts.attest.address, role: 'attest', haloClasses: [HALO_CLASS] },
  { address: accounts.operator.address, role: 'operator', haloClasses: [HALO_CLASS] },
  { address: accounts.otherClassNfat.address, role: 'nfat', haloClasses: ['facility-B'] },
]

/** A clock the test moves; starts at the seed's sleeve creation. */
export function testClock(start = '2026-03-15T09:00:00Z') {
  let now = new Date(start)
  return {
    clock: () => new Date(now),
    set(iso: string) {
      now = new Date(iso)
    },
  }
}

export type Clients = Record<Actor, SynomeClient>
export function clientsFor(service: SynomeService, clock: () => Date): Clients {
  return Object.fromEntries(Object.entries(accounts).map(([name, account]) => [name, createInProcessClient({ service, account, clock })])) as Clients
}

/** The risk framework the tests publish: schemaVersion 1.0 needs a string weightedAverageDuration. */
const offboardingRates = { 'usds-at-almproxy': '0.01', 'usdc-at-almproxy': '0.02', 'usds-at-redeem': '0.01', 'in-transit': '0.1', 'at-bank': '0.15' }

/** A complete framework (the Synome refuses anything lpla-verify could not compute with). */
export const riskFrameworkDocument = {
  crr: { CREATED: '0', FILLING: '0.01', OFFBOARDING: offboardingRates, DEPLOYING: '0.3', AT_REST: '0.12', UNWINDING: offboardingRates, CLOSED: '0' },
  reattestation: { cadence: 'P3M', grace: 'P0D', escalation: { stepRate: '0.05', every: 'P7D', maxRate: '0.5' } },
  offboarding: { receiptTimeout: '3d' },
  riskData: {
    schemaVersions: {
      '1.0': {
        jsonSchema: { type: 'object', required: ['weightedAverageDuration'], properties: { weightedAverageDuration: { type: 'string' }, creditQualityDistribution: { type: 'object' } } },
      },
    },
  },
  /** Attested risk parameters (AT_REST confirmedRiskParameters, PERIODIC riskDataUpdate) follow risk-data schema 1.0. */
  attestations: { contentVersion: '1', riskParametersSchemaVersion: '1.0' },
  capitalFormula: { riskModels: {} },
}

export const riskData102 = { schemaVersion: '1.0', attestationRef: 'att-102', _comment: 'Exact fields TBD — developed with Phase 1 halo cohort', data: { weightedAverageDuration: '9.2m' } }

export const txHashOf = (n: number) => `0x${n.toString(16).padStart(64, '0')}` as const

export function unitPayload(unitId: number, principal: string, prime: string) {
  return {
    unitId,
    nfat: { tokenId: String(unitId), facility: FACILITY, txHash: txHashOf(unitId) },
    principal,
    dealTerms: { apy: '0.05', maturity: '2026-10-01T00:00:00Z', paymentSchedule: 'bullet' as const },
    depositorPrime: prime,
  }
}

/**
 * The seed's end-to-end happy path, one step per write, each at its time. Steps run in order;
 * `runUntil` stops before a named step so other tests can start from any lifecycle point.
 */
export type Step = { name: string; at: string; run: (c: Clients) => Promise<unknown> }

export const SEED_STEPS: Step[] = [
  { name: 'registerHaloClass', at: '2026-03-15T09:00:00Z', run: (c) => c.council.send('registerHaloClass', { haloClass: HALO_CLASS, facility: FACILITY, description: 'Term Halo NFAT Facility A' }) },
  { name: 'publishRiskFramework', at: '2026-03-15T09:01:00Z', run: (c) => c.council.send('publishRiskFramework', { version: '2026.1', document: riskFrameworkDocument }) },
  { name: 'createSleeve', at: '2026-03-15T10:00:00Z', run: (c) => c.nfat.send('createSleeve', { sleeveId: 'sleeve-7', haloClass: HALO_CLASS }) },
  { name: 'sweep42', at: '2026-03-15T10:05:00Z', run: (c) => c.nfat.send('sweepUnit', { sleeveId: 'sleeve-7', unit: unitPayload(42, '30000000', 'spark') }, { idempotencyKey: 'sweep:42' }) },
  { name: 'sweep43', at: '2026-03-16T10:00:00Z', run: (c) => c.nfat.send('sweepUnit', { sleeveId: 'sleeve-7', unit: unitPayload(43, '25000000', 'grove') }, { idempotencyKey: 'sweep:43' }) },
  { name: 'sweep44', at: '2026-03-18T10:00:00Z', run: (c) => c.nfat.send('sweepUnit', { sleeveId: 'sleeve-7', unit: unitPayload(44, '20000000', 'keel') }, { idempotencyKey: 'sweep:44' }) },
  { name: 'offboard', at: '2026-04-01T10:00:00Z', run: (c) => c.nfat.send('transitionSleeve', { sleeveId: 'sleeve-7', to: 'OFFBOARDING' }) },
  { name: 'convertToUsdc', at: '2026-04-01T10:10:00Z', run: (c) => c.nfat.send('updateSleeveAssets', { sleeveId: 'sleeve-7', assets: [{ type: 'USDC', amount: '75000000', location: 'facility-ALMProxy' }] }) },
  {
    name: 'att101',
    at: '2026-04-01T10:20:00Z',
    run: (c) =>
      c.attest.send('postAttestation', {
        attestationId: 'att-101',
        type: 'PRE_DEPLOYMENT',
        sleeveId: 'sleeve-7',
        timestamp: '2026-04-01T09:00:00Z',
        content: { legalStructureVerified: true, bankAccountVerified: true, expectedRiskParameters: { seniorSecuredLoans: 3 }, maximumDeploymentDuration: '90d' },
      }),
  },
  {
    name: 'sendUsdc',
    at: '2026-04-01T10:30:00Z',
    run: (c) => c.nfat.send('updateSleeveAssets', { sleeveId: 'sleeve-7', assets: [{ type: 'USDC', amount: '75000000', location: 'in-transit', destination: 'halo-bank-account-ref', initiatedAt: '2026-04-01T10:30:00Z' }] }),
  },
  {
    name: 'confirmReceipt',
    at: '2026-04-02T14:00:00Z',
    run: (c) => c.nfat.send('updateSleeveAssets', { sleeveId: 'sleeve-7', assets: [{ type: 'USD', amount: '75000000', location: 'halo-bank-account', confirmedAt: '2026-04-02T14:00:00Z' }] }),
  },
  {
    name: 'deploy',
    at: '2026-04-02T15:00:00Z',
    run: (c) => c.nfat.send('transitionSleeve', { sleeveId: 'sleeve-7', to: 'DEPLOYING', assets: [{ type: 'USD', amount: '75000000', location: 'deploying', note: 'Funds being deployed into deals per pre-deployment attestation att-101' }] }),
  },
  {
    name: 'att102',
    at: '2026-04-15T09:00:00Z',
    run: (c) => c.attest.send('postAttestation', { attestationId: 'att-102', type: 'AT_REST', sleeveId: 'sleeve-7', content: { confirmedRiskParameters: { weightedAverageDuration: '9.2m' }, legalClaimsVerified: true, deploymentComplete: true } }),
  },
  { name: 'atRest', at: '2026-04-15T09:30:00Z', run: (c) => c.nfat.send('transitionSleeve', { sleeveId: 'sleeve-7', to: 'AT_REST', assets: [{ type: 'aggregate-deployed', amount: '75000000', riskData: riskData102 }] }) },
  { name: 'att103', at: '2026-07-15T09:00:00Z', run: (c) => c.attest.send('postAttestation', { attestationId: 'att-103', type: 'PERIODIC', sleeveId: 'sleeve-7', content: { statusNominal: true, riskDataUpdate: {} } }) },
  { name: 'recordAtt103', at: '2026-07-15T09:30:00Z', run: (c) => c.nfat.send('recordPeriodicAttestation', { sleeveId: 'sleeve-7', attestationId: 'att-103' }) },
  // Unwinding starts with the return recorded: 78.75M back at the bank (the seed's unwinding step 1).
  { name: 'unwind', at: '2026-10-01T09:00:00Z', run: (c) => c.nfat.send('transitionSleeve', { sleeveId: 'sleeve-7', to: 'UNWINDING', assets: [{ type: 'USD', amount: '78750000', location: 'halo-bank-account', confirmedAt: '2026-10-01T09:00:00Z', note: 'Principal + yield returned from deployment' }] }) },
  { name: 'fundsInBank', at: '2026-10-01T12:00:00Z', run: (c) => c.nfat.send('updateSleeveAssets', { sleeveId: 'sleeve-7', assets: [{ type: 'USD', amount: '78750000', location: 'halo-bank-account', note: 'Principal + yield returned from deployment' }] }) },
  { name: 'onRamp', at: '2026-10-02T12:00:00Z', run: (c) => c.nfat.send('updateSleeveAssets', { sleeveId: 'sleeve-7', assets: [{ type: 'USDC', amount: '78750000', location: 'facility-ALMProxy' }] }) },
  { name: 'fundRedeem', at: '2026-10-02T15:00:00Z', run: (c) => c.nfat.send('updateSleeveAssets', { sleeveId: 'sleeve-7', assets: [{ type: 'USDS', amount: '78750000', location: 'redeem-contract' }] }) },
  { name: 'repaymentAvailable', at: '2026-10-02T15:05:00Z', run: (c) => c.nfat.send('markRepaymentAvailable', { sleeveId: 'sleeve-7', total: '78750000' }) },
  { name: 'close42', at: '2026-10-03T10:00:00Z', run: (c) => c.nfat.send('closeUnit', { unitId: 42 }) },
  { name: 'close43', at: '2026-10-04T10:00:00Z', run: (c) => c.nfat.send('closeUnit', { unitId: 43 }) },
  { name: 'close44', at: '2026-10-05T10:00:00Z', run: (c) => c.nfat.send('closeUnit', { unitId: 44 }) },
  { name: 'close', at: '2026-10-05T11:00:00Z', run: (c) => c.nfat.send('transitionSleeve', { sleeveId: 'sleeve-7', to: 'CLOSED' }) },
]

/**
 * Runs the seed's steps in order, remembering where it stopped: `until('offboard')` runs
 * every step not yet run before `offboard`; `until()` runs to the end. Returns results by step name.
 */
export function seedRunner(clients: Clients, clock: { set(iso: string): void }) {
  let next = 0
  const results: Record<string, unknown> = {}
  return {
    results,
    async until(stop?: string): Promise<Record<string, unknown>> {
      const end = stop === undefined ? SEED_STEPS.length : SEED_STEPS.findIndex((s) => s.name === stop)
      if (end === -1) throw new Error(`no seed step ${stop}`)
      for (; next < end; next++) {
        const step = SEED_STEPS[next]!
        clock.set(step.at)
        results[step.name] = await step.run(clients)
      }
      return results
    },
  }
}
