import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { nextSleeveAction, unwindingEntitlements, type NfatSleeveObservation, type ObservedTransfer } from '../../../src/beacons/nfat/policy.js'
import { formatUnitsExact, parseUnitsExact } from '../../../src/domain/money.js'
import type { AttestationType, SleeveAsset } from '../../../src/domain/sleeve.js'

/**
 * Properties of lpha-nfat's decision over random observations: whatever the world looks like,
 * a correct beacon never asks to move capital off chain or to change state past a gate.
 */
const t0 = Date.parse('2026-03-15T10:00:00Z')
const usdcAmount = fc.bigInt({ min: 1n, max: 10n ** 15n })

const transfer = fc.record({
  amountUsdc: usdcAmount,
  received: fc.boolean(),
  ageSeconds: fc.integer({ min: 0, max: 10 * 86_400 }),
})

const observation = fc.record({
  state: fc.constantFrom('OFFBOARDING' as const, 'DEPLOYING' as const, 'AT_REST' as const, 'UNWINDING' as const),
  assetsUsdc: usdcAmount,
  assetKind: fc.constantFrom('USDS', 'USDC', 'mixed'),
  attestations: fc.array(fc.record({ type: fc.constantFrom('PRE_DEPLOYMENT', 'AT_REST', 'PERIODIC') as fc.Arbitrary<AttestationType>, positive: fc.boolean(), round: fc.constantFrom(1, 2) }), { maxLength: 4 }),
  sleeveRound: fc.constantFrom(1, 2),
  transfers: fc.array(transfer, { maxLength: 3 }),
  capacity: fc.bigInt({ min: 0n, max: 10n ** 15n }),
  txStatus: fc.constantFrom(undefined, 'pending' as const, 'mined' as const, 'final' as const, 'reverted' as const, 'replaced' as const),
  returned: fc.array(fc.record({ amountUsd: usdcAmount, final: fc.boolean(), onRamped: fc.boolean() }), { maxLength: 2 }),
  principals: fc.array(fc.bigInt({ min: 1n, max: 10n ** 9n }), { minLength: 1, maxLength: 4 }),
})

const CONTENT: Record<AttestationType, (positive: boolean) => Record<string, unknown>> = {
  PRE_DEPLOYMENT: (positive) => ({ legalStructureVerified: true, bankAccountVerified: positive, expectedRiskParameters: {}, maximumDeploymentDuration: '90d' }),
  AT_REST: (positive) => ({ legalClaimsVerified: positive, deploymentComplete: true, confirmedRiskParameters: {} }),
  PERIODIC: (positive) => ({ statusNominal: positive }),
}

type Sample = typeof observation extends fc.Arbitrary<infer T> ? T : never

function build(sample: Sample): NfatSleeveObservation {
  const now = new Date(t0 + 30 * 86_400_000)
  const amount = formatUnitsExact(sample.assetsUsdc, 6)
  const assets: SleeveAsset[] =
    sample.assetKind === 'USDS' ? [{ type: 'USDS', amount, location: 'facility-ALMProxy' }]
    : sample.assetKind === 'USDC' ? [{ type: 'USDC', amount, location: 'facility-ALMProxy' }]
    : [{ type: 'USDC', amount, location: 'facility-ALMProxy' }, { type: 'USD', amount, location: 'halo-bank-account', confirmedAt: now.toISOString() }]
  const transfers: ObservedTransfer[] = sample.transfers.map((t, i) => ({
    transferId: `sleeve-7:r${sample.sleeveRound}:offramp:${i + 1}`,
    amountUsdc: t.amountUsdc,
    destination: 'bank',
    initiatedAt: new Date(now.getTime() - t.ageSeconds * 1000).toISOString(),
    receipt: t.received ? { amountUsd: t.amountUsdc, confirmedAt: now.toISOString() } : undefined,
  }))
  const txs: Record<string, 'pending' | 'mined' | 'final' | 'reverted' | 'replaced' | undefined> = {}
  for (const key of [`psm-out:sleeve-7:r${sample.sleeveRound}`, 'psm-in:sleeve-7', ...transfers.map((t) => `offramp:${t.transferId}`), ...sample.principals.map((_, i) => `fund:sleeve-7:${i + 1}`)]) txs[key] = sample.txStatus
  return {
    sleeve: { sleeveId: 'sleeve-7', state: sample.state, assets, linkedUnits: sample.principals.map((_, i) => i + 1), attestations: [], timestamps: { created: new Date(t0).toISOString() }, metadata: {}, offboardingRound: sample.sleeveRound },
    attestations: sample.attestations.map((a, i) => ({ attestationId: `att-${101 + i}`, type: a.type, timestamp: now.toISOString(), content: CONTENT[a.type](a.positive), round: a.round, riskData: { schemaVersion: '1.0', attestationRef: `att-${101 + i}`, data: {} } })),
    units: sample.principals.map((p, i) => ({ unitId: i + 1, state: 'ACTIVE' as const, principal: formatUnitsExact(p, 18) })),
    transfers,
    returns: sample.returned.map((r, i) => ({ returnId: `r${i}`, amountUsd: r.amountUsd, confirmedAt: now.toISOString(), final: r.final, onRampedAt: r.onRamped ? now.toISOString() : undefined })),
    txs,
    burned: new Set<number>(),
    offRampCapacityUsdc: sample.capacity,
    config: { offRampDestination: 'bank', receiptTimeoutSeconds: 3 * 86_400 },
    now,
  }
}

describe('lpha-nfat decision properties (random observations)', () => {
  it('never moves capital off chain or past a gate without the attestation; never re-sends a tx in flight; never funds more than returned', () => {
    fc.assert(
      fc.property(observation, (sample) => {
        const obs = build(sample)
        const action = nextSleeveAction(obs)
        // a gate opens only on a positive attestation of the sleeve's current offboarding round
        const has = (type: AttestationType) => sample.attestations.some((a) => a.type === type && a.positive && a.round === sample.sleeveRound)
        const offChain = action.kind === 'register-transfer' || (action.kind === 'tx' && action.call.fn === 'transferForSleeve') || (action.kind === 'update-assets' && obs.sleeve.state === 'OFFBOARDING' && action.assets.some((a) => a.location === 'in-transit' || a.location === 'halo-bank-account'))
        if (offChain) expect(has('PRE_DEPLOYMENT')).toBe(true)
        if (action.kind === 'transition' && action.to === 'DEPLOYING') {
          expect(has('PRE_DEPLOYMENT')).toBe(true)
          expect(obs.transfers.every((t) => t.receipt)).toBe(true)
        }
        if (action.kind === 'transition' && action.to === 'AT_REST') expect(has('AT_REST')).toBe(true)
        if (action.kind === 'tx') expect(['pending', 'mined', 'final', 'reverted'].includes(obs.txs[action.key] ?? '')).toBe(false)
        if (action.kind === 'tx' && action.call.fn === 'swapUSDSToUSDC') expect(action.key.startsWith(`psm-out:sleeve-7:r${sample.sleeveRound}`)).toBe(true)
        if (action.kind === 'register-transfer') expect(action.usdcAmount <= obs.offRampCapacityUsdc).toBe(true)
        if (action.kind === 'tx' && action.call.fn === 'fundRedeem') {
          expect(obs.returns.some((r) => r.final)).toBe(true)
          const returned = obs.returns.reduce((sum, r) => sum + r.amountUsd, 0n)
          const { entitlements, remainder } = unwindingEntitlements(obs, returned)
          expect(entitlements.reduce((sum, e) => sum + e.amount, 0n) + remainder).toBe(returned * 10n ** 12n)
          expect(action.call.principalAmount + action.call.interestAmount <= returned * 10n ** 12n).toBe(true)
          // Funding never retires more principal than the unit has.
          const { tokenId } = action.call
          const unit = obs.units.find((u) => BigInt(u.unitId) === tokenId)!
          expect(action.call.principalAmount <= parseUnitsExact(unit.principal, 18)).toBe(true)
          expect(action.call.interestAmount === 0n || action.call.principalAmount === parseUnitsExact(unit.principal, 18)).toBe(true)
        }
      }),
      { numRuns: 400 },
    )
  })
})
