import { describe, expect, it } from 'vitest'
import { nextSleeveAction, offboardingAssets, type NfatAction, type NfatSleeveObservation } from '../../../src/beacons/nfat/policy.js'
import { parseUnitsExact } from '../../../src/domain/money.js'

const usdsM = (m: string) => parseUnitsExact(m, 18) * 1_000_000n
const usdcM = (m: string) => parseUnitsExact(m, 6) * 1_000_000n
const DAY = 86_400_000
const t0 = Date.parse('2026-03-15T10:00:00Z')
const at = (days: number) => new Date(t0 + days * DAY)
const iso = (days: number) => at(days).toISOString()

function observation(partial: Partial<NfatSleeveObservation> & { state: NfatSleeveObservation['sleeve']['state'] }): NfatSleeveObservation {
  const { state, ...rest } = partial
  return {
    sleeve: { sleeveId: 'sleeve-7', state, assets: [], linkedUnits: [42, 43, 44], attestations: [], timestamps: { created: iso(0) }, metadata: {}, offboardingRound: 1 },
    attestations: [],
    units: [
      { unitId: 42, state: 'ACTIVE', principal: '30000000' },
      { unitId: 43, state: 'ACTIVE', principal: '25000000' },
      { unitId: 44, state: 'ACTIVE', principal: '20000000' },
    ],
    transfers: [],
    returns: [],
    txs: {},
    burned: new Set(),
    offRampCapacityUsdc: usdcM('1000'),
    config: { offRampDestination: 'halo-bank-account-ref', receiptTimeoutSeconds: 3 * 86_400 },
    now: at(6),
    ...rest,
  }
}

/** Attestations as the Synome records them: positive content, the round, and the derived risk data. */
const PRE_DEPLOYMENT = { legalStructureVerified: true, bankAccountVerified: true, expectedRiskParameters: {}, maximumDeploymentDuration: '90d' }
const AT_REST = { legalClaimsVerified: true, deploymentComplete: true, confirmedRiskParameters: { weightedAverageDuration: '9.2m' } }
const att101 = { attestationId: 'att-101', type: 'PRE_DEPLOYMENT' as const, timestamp: iso(6), content: PRE_DEPLOYMENT, round: 1 }
const att102 = (data: unknown = { weightedAverageDuration: '9.2m' }) => ({ attestationId: 'att-102', type: 'AT_REST' as const, timestamp: iso(21), content: AT_REST, round: 1, riskData: { schemaVersion: '1.0', attestationRef: 'att-102', data } })

/**
 * A tiny stand-in for the world, only to show the order of decisions: each action's effect
 * is applied the way the reconcile tick would observe it afterwards.
 */
function applyAction(obs: NfatSleeveObservation, action: NfatAction): NfatSleeveObservation {
  const next = { ...obs, sleeve: { ...obs.sleeve }, txs: { ...obs.txs } }
  if (action.kind === 'tx') next.txs[action.key] = 'final'
  if (action.kind === 'tx' && action.call.fn === 'transferForSleeve') next.offRampCapacityUsdc = obs.offRampCapacityUsdc - action.call.usdcAmount
  if (action.kind === 'update-assets') next.sleeve.assets = action.assets
  if (action.kind === 'transition') {
    next.sleeve.state = action.to
    if (action.assets) next.sleeve.assets = action.assets
    if (action.to === 'CLOSED') next.sleeve.assets = []
  }
  if (action.kind === 'register-transfer') next.transfers = [...obs.transfers, { transferId: action.transferId, amountUsdc: action.usdcAmount, destination: action.destination, initiatedAt: obs.now.toISOString() }]
  if (action.kind === 'flag') next.sleeve.metadata = { ...obs.sleeve.metadata, ...action.metadata }
  if (action.kind === 'fail-transfer') next.transfers = obs.transfers.map((t) => (t.transferId === action.transferId ? { ...t, failed: true } : t))
  if (action.kind === 'record-entitlements') next.sleeve.metadata = { ...obs.sleeve.metadata, entitlements: { returnedUsd: action.returned } }
  if (action.kind === 'write-risk-data') next.sleeve.assets = obs.sleeve.assets.map((a) => (a.type === 'aggregate-deployed' ? { ...a, riskData: action.riskData } : a))
  if (action.kind === 'record-periodic') next.sleeve.attestations = [...obs.sleeve.attestations, action.attestationId]
  if (action.kind === 'repayment-available') next.units = obs.units.map((u) => ({ ...u, state: 'REPAYMENT_AVAILABLE' }))
  if (action.kind === 'close-unit') next.units = obs.units.map((u) => (u.unitId === action.unitId ? { ...u, state: 'CLOSED' } : u))
  return next
}

/** Run until `wait` (bounded), returning the actions taken and the final observation. */
function drive(obs: NfatSleeveObservation, maxSteps = 20): { actions: NfatAction[]; obs: NfatSleeveObservation } {
  const actions: NfatAction[] = []
  for (let i = 0; i < maxSteps; i++) {
    const action = nextSleeveAction(obs)
    actions.push(action)
    if (action.kind === 'wait') return { actions, obs }
    obs = applyAction(obs, action)
  }
  throw new Error('did not settle')
}

describe('lpha-nfat offboarding (seed day 6–7)', () => {
  const offboarding = observation({ state: 'OFFBOARDING' })
  offboarding.sleeve.assets = [{ type: 'USDS', amount: '75000000', location: 'facility-ALMProxy' }]

  it('step 1 converts 75M USDS → USDC, then stops at the PRE_DEPLOYMENT gate: no USDC leaves the ALMProxy', () => {
    const { actions, obs } = drive(offboarding)
    expect(actions.slice(0, 2)).toEqual([
      { kind: 'tx', key: 'psm-out:sleeve-7:r1', call: { fn: 'swapUSDSToUSDC', usdsAmount: usdsM('75') }, reason: expect.any(String) },
      { kind: 'update-assets', assets: [{ type: 'USDC', amount: '75000000', location: 'facility-ALMProxy' }], reason: expect.any(String) },
    ])
    expect(actions.at(-1)).toEqual({ kind: 'wait', reason: expect.stringMatching(/gate: no positive PRE_DEPLOYMENT attestation of offboarding round 1/) })
    expect(actions.some((a) => a.kind === 'tx' && a.call.fn === 'transferForSleeve')).toBe(false)
    expect(obs.transfers).toEqual([])
  })

  it('with att-101 it announces, sends 75M USDC (in transit), and on the day-7 receipt moves to DEPLOYING', () => {
    let { obs } = drive(offboarding)
    obs = { ...obs, attestations: [att101] }
    const sending = drive(obs)
    expect(sending.actions.map((a) => a.kind)).toEqual(['register-transfer', 'tx', 'update-assets', 'wait'])
    expect(sending.actions[1]).toMatchObject({ key: 'offramp:sleeve-7:r1:offramp:1', call: { fn: 'transferForSleeve', sleeveId: 'sleeve-7', round: 1, usdcAmount: usdcM('75'), destination: 'halo-bank-account-ref' } })
    expect(sending.obs.sleeve.assets).toEqual([{ type: 'USDC', amount: '75000000', location: 'in-transit', destination: 'halo-bank-account-ref', initiatedAt: iso(6) }])
    const received = { ...sending.obs, now: at(7), transfers: sending.obs.transfers.map((t) => ({ ...t, receipt: { amountUsd: usdcM('75'), confirmedAt: iso(7) } })) }
    const deploying = drive(received)
    expect(deploying.actions.map((a) => a.kind)).toEqual(['update-assets', 'transition', 'wait'])
    expect(deploying.actions[0]).toMatchObject({ assets: [{ type: 'USD', amount: '75000000', location: 'halo-bank-account', confirmedAt: iso(7) }] })
    expect(deploying.obs.sleeve.state).toBe('DEPLOYING')
    expect(deploying.obs.sleeve.assets).toEqual([{ type: 'USD', amount: '75000000', location: 'deploying', note: 'Funds being deployed into deals per pre-deployment attestation att-101' }])
  })

  it('the off-ramp rate limit splits the transfer; DEPLOYING waits for every receipt', () => {
    const converted = { ...offboarding, sleeve: { ...offboarding.sleeve, assets: [{ type: 'USDC' as const, amount: '75000000', location: 'facility-ALMProxy' as const }] }, attestations: [att101], offRampCapacityUsdc: usdcM('50') }
    const first = drive(converted)
    expect(first.obs.transfers.map((t) => t.amountUsdc)).toEqual([usdcM('50')])
    const refilled = drive({ ...first.obs, offRampCapacityUsdc: usdcM('50') })
    expect(refilled.obs.transfers.map((t) => t.amountUsdc)).toEqual([usdcM('50'), usdcM('25')])
    const halfReceived = { ...refilled.obs, transfers: refilled.obs.transfers.map((t, i) => (i === 0 ? { ...t, receipt: { amountUsd: t.amountUsdc, confirmedAt: iso(7) } } : t)) }
    const partial = drive(halfReceived)
    expect(partial.obs.sleeve.state).toBe('OFFBOARDING')
    expect(partial.obs.sleeve.assets).toEqual([
      { type: 'USDC', amount: '25000000', location: 'in-transit', destination: 'halo-bank-account-ref', initiatedAt: iso(6) },
      { type: 'USD', amount: '50000000', location: 'halo-bank-account', confirmedAt: iso(7) },
    ])
  })

  it('a receipt that does not arrive within the class timeout flags the sleeve metadata once and keeps it OFFBOARDING', () => {
    const sent = observation({ state: 'OFFBOARDING', attestations: [att101], transfers: [{ transferId: 'sleeve-7:offramp:1', amountUsdc: usdcM('75'), destination: 'halo-bank-account-ref', initiatedAt: iso(6) }], txs: { 'offramp:sleeve-7:offramp:1': 'final' } })
    sent.sleeve.assets = offboardingAssets(usdcM('75'), sent.transfers)
    expect(nextSleeveAction({ ...sent, now: at(8.99) })).toMatchObject({ kind: 'wait' })
    const late = drive({ ...sent, now: at(9) })
    expect(late.actions.map((a) => a.kind)).toEqual(['flag', 'wait'])
    expect(late.obs.sleeve.metadata.offboardingAlert).toMatchObject({ reason: 'bank receipt overdue', transferIds: ['sleeve-7:offramp:1'] })
    expect(late.obs.sleeve.state).toBe('OFFBOARDING')
  })

  it('a transaction in flight or reverted is waited on, never re-sent; a replaced one is retried under a new key', () => {
    expect(nextSleeveAction({ ...offboarding, txs: { 'psm-out:sleeve-7:r1': 'pending' } })).toMatchObject({ kind: 'wait', reason: expect.stringContaining('in flight') })
    expect(nextSleeveAction({ ...offboarding, txs: { 'psm-out:sleeve-7:r1': 'reverted' } })).toMatchObject({ kind: 'wait', reason: expect.stringContaining('reverted') })
    expect(nextSleeveAction({ ...offboarding, txs: { 'psm-out:sleeve-7:r1': 'replaced' } })).toMatchObject({ kind: 'tx', key: 'psm-out:sleeve-7:r1#1' })
  })

  it('a reverted off-ramp transfer is marked failed in the ledger, flagged once in the metadata, and left to an operator', () => {
    const sent = observation({ state: 'OFFBOARDING', attestations: [att101], transfers: [{ transferId: 'sleeve-7:r1:offramp:1', amountUsdc: usdcM('75'), destination: 'halo-bank-account-ref', initiatedAt: iso(6) }], txs: { 'offramp:sleeve-7:r1:offramp:1': 'reverted' } })
    sent.sleeve.assets = [{ type: 'USDC', amount: '75000000', location: 'facility-ALMProxy' }]
    const { actions, obs } = drive(sent)
    expect(actions.map((a) => a.kind)).toEqual(['fail-transfer', 'flag', 'wait'])
    expect(obs.sleeve.metadata.offboardingFailure).toMatchObject({ reason: 'off-ramp transaction reverted', round: 1, transferIds: ['sleeve-7:r1:offramp:1'] })
    expect(obs.sleeve.assets).toEqual([{ type: 'USDC', amount: '75000000', location: 'facility-ALMProxy' }])
  })

  it('after an operator revert, round 2 converts again under a new key and waits for a PRE_DEPLOYMENT of round 2 (round 1’s opens nothing)', () => {
    const round2 = observation({ state: 'OFFBOARDING', attestations: [att101], txs: { 'psm-out:sleeve-7:r1': 'final', 'offramp:sleeve-7:r1:offramp:1': 'reverted' } })
    round2.sleeve = { ...round2.sleeve, offboardingRound: 2, assets: [{ type: 'USDS', amount: '75000000', location: 'facility-ALMProxy' }] }
    const { actions } = drive(round2)
    expect(actions.map((a) => (a.kind === 'tx' ? a.key : a.kind))).toEqual(['psm-out:sleeve-7:r2', 'update-assets', 'wait'])
    expect(actions.at(-1)).toMatchObject({ reason: expect.stringContaining('round 2') })
    const fresh = drive({ ...round2, sleeve: { ...round2.sleeve, assets: [{ type: 'USDC', amount: '75000000', location: 'facility-ALMProxy' }] }, attestations: [att101, { ...att101, attestationId: 'att-104', round: 2 }] })
    expect(fresh.actions[0]).toMatchObject({ kind: 'register-transfer', transferId: 'sleeve-7:r2:offramp:1' })
  })

  it('a negative PRE_DEPLOYMENT attestation opens no gate', () => {
    const converted = observation({ state: 'OFFBOARDING', attestations: [{ ...att101, content: { ...PRE_DEPLOYMENT, bankAccountVerified: false } }] })
    converted.sleeve.assets = [{ type: 'USDC', amount: '75000000', location: 'facility-ALMProxy' }]
    expect(nextSleeveAction(converted)).toMatchObject({ kind: 'wait', reason: expect.stringContaining('gate') })
  })
})

describe('lpha-nfat deploying and at rest (seed days 7–90)', () => {
  it('DEPLOYING waits for AT_REST (gate), then transitions with the aggregate risk data of att-102', () => {
    const deploying = observation({ state: 'DEPLOYING' })
    deploying.sleeve.assets = [{ type: 'USD', amount: '75000000', location: 'deploying' }]
    expect(nextSleeveAction(deploying)).toEqual({ kind: 'wait', reason: 'gate: no positive AT_REST attestation of offboarding round 1 yet' })
    const { actions, obs } = drive({ ...deploying, attestations: [att102()] })
    expect(actions.map((a) => a.kind)).toEqual(['transition', 'wait'])
    expect(obs.sleeve.assets).toEqual([{ type: 'aggregate-deployed', amount: '75000000', riskData: { schemaVersion: '1.0', attestationRef: 'att-102', data: { weightedAverageDuration: '9.2m' } } }])
  })

  it('risk data missing on the aggregate position is written from the AT_REST attestation', () => {
    const atRest = observation({ state: 'AT_REST', attestations: [att102({})] })
    atRest.sleeve.assets = [{ type: 'aggregate-deployed', amount: '75000000' }]
    expect(nextSleeveAction(atRest)).toMatchObject({ kind: 'write-risk-data', riskData: { schemaVersion: '1.0', attestationRef: 'att-102', data: {} } })
  })

  it('records the day-90 PERIODIC att-103 once, and starts UNWINDING when the bank reports funds back', () => {
    const atRest = observation({ state: 'AT_REST', attestations: [{ ...att102(), riskData: undefined }, { attestationId: 'att-103', type: 'PERIODIC', timestamp: iso(90), content: { statusNominal: true }, round: 1 }] })
    atRest.sleeve.attestations = ['att-102']
    const { actions, obs } = drive(atRest)
    expect(actions).toEqual([{ kind: 'record-periodic', attestationId: 'att-103', riskData: undefined, reason: expect.any(String) }, { kind: 'wait', reason: 'at rest; nothing returned yet' }])
    expect(obs.sleeve.attestations).toEqual(['att-102', 'att-103'])
    const back = drive({ ...obs, returns: [{ returnId: 'sleeve-7:return:1', amountUsd: usdcM('78.75'), confirmedAt: iso(180), final: true }] })
    expect(back.actions[0]).toMatchObject({ kind: 'transition', to: 'UNWINDING', assets: [{ type: 'USD', amount: '78750000', location: 'halo-bank-account', confirmedAt: iso(180) }] })
  })
})

describe('lpha-nfat unwinding (seed day 180–185, loss distribution)', () => {
  const unwinding = (amount: bigint, final: boolean, onRamped: boolean) =>
    observation({ state: 'UNWINDING', now: at(180), returns: [{ returnId: 'sleeve-7:return:1', amountUsd: amount, confirmedAt: iso(180), final, onRampedAt: onRamped ? iso(180) : undefined }] })

  it('78.75M back: bank → USDC → USDS → each NFAT funded 31.5M / 26.25M / 21.0M → REPAYMENT_AVAILABLE → CLOSED as NFATs burn', () => {
    const atBank = drive(unwinding(usdcM('78.75'), true, false))
    expect(atBank.obs.sleeve.assets).toEqual([{ type: 'USD', amount: '78750000', location: 'halo-bank-account', confirmedAt: iso(180), note: 'principal + yield returned from deployment' }])
    expect(atBank.actions.at(-1)).toMatchObject({ kind: 'wait', reason: expect.stringContaining('on-ramp') })
    const onRamped = { ...atBank.obs, returns: atBank.obs.returns.map((r) => ({ ...r, onRampedAt: iso(180) })) }
    const { actions, obs } = drive(onRamped)
    expect(actions.map((a) => (a.kind === 'tx' ? `${a.call.fn}:${a.key}` : a.kind))).toEqual([
      'update-assets',
      'swapUSDCToUSDS:psm-in:sleeve-7',
      'fundRedeem:fund:sleeve-7:42',
      'fundRedeem:fund:sleeve-7:43',
      'fundRedeem:fund:sleeve-7:44',
      'update-assets',
      'repayment-available',
      'wait',
    ])
    // Seed 004 settlement: 78.75M = principal 75M + yield 3.75M, one funding call per NFAT with two parts.
    const funding = actions.flatMap((a) => (a.kind === 'tx' && a.call.fn === 'fundRedeem' ? [[a.call.principalAmount, a.call.interestAmount]] : []))
    expect(funding).toEqual([[usdsM('30'), usdsM('1.5')], [usdsM('25'), usdsM('1.25')], [usdsM('20'), usdsM('1')]])
    expect(funding.map(([p, i]) => p! + i!)).toEqual([usdsM('31.5'), usdsM('26.25'), usdsM('21')])
    expect(actions.find((a) => a.kind === 'repayment-available')).toMatchObject({ total: '78750000', entitlements: [{ unitId: 42, amount: '31500000' }, { unitId: 43, amount: '26250000' }, { unitId: 44, amount: '21000000' }], remainder: '0' })
    expect(obs.sleeve.assets).toEqual([{ type: 'USDS', amount: '78750000', location: 'redeem-contract' }])
    const burned = drive({ ...obs, burned: new Set([42, 43, 44]) })
    expect(burned.actions.map((a) => a.kind)).toEqual(['close-unit', 'close-unit', 'close-unit', 'transition', 'wait'])
    expect(burned.obs.sleeve).toMatchObject({ state: 'CLOSED', assets: [] })
  })

  it('loss: 60M back on 75M → 24M / 20M / 16M, funded as principal only (never more principal than paid; the 6M / 5M / 4M shortfall is left to a GovOps write-down)', () => {
    const { actions } = drive(unwinding(usdcM('60'), true, true))
    const funding = actions.flatMap((a) => (a.kind === 'tx' && a.call.fn === 'fundRedeem' ? [[a.call.principalAmount, a.call.interestAmount]] : []))
    expect(funding).toEqual([[usdsM('24'), 0n], [usdsM('20'), 0n], [usdsM('16'), 0n]])
    expect(actions.find((a) => a.kind === 'repayment-available')).toMatchObject({ entitlements: [{ unitId: 42, amount: '24000000' }, { unitId: 43, amount: '20000000' }, { unitId: 44, amount: '16000000' }], remainder: '0' })
  })

  it('partial default (not final): entitlements recorded pro rata, funds stay at the bank, sleeve stays UNWINDING', () => {
    const { actions, obs } = drive(unwinding(usdcM('60'), false, false))
    expect(actions.map((a) => a.kind)).toEqual(['update-assets', 'record-entitlements', 'wait'])
    // the Synome writes each unit 24M / 20M / 16M (test/synome/attacks.test.ts, the same domain rule)
    expect(actions[1]).toMatchObject({ kind: 'record-entitlements', returned: '60000000' })
    expect(obs.sleeve.state).toBe('UNWINDING')
    expect(actions.some((a) => a.kind === 'tx')).toBe(false)
  })

  it('rounding never pays out more than returned: the remainder stays in the ALMProxy, accounted for', () => {
    const odd = observation({ state: 'UNWINDING', returns: [{ returnId: 'r', amountUsd: 100n, confirmedAt: iso(180), final: true, onRampedAt: iso(180) }] })
    const { actions, obs } = drive(odd)
    const funded = actions.filter((a) => a.kind === 'tx' && a.call.fn === 'fundRedeem').map((a) => (a.kind === 'tx' && a.call.fn === 'fundRedeem' ? a.call.principalAmount + a.call.interestAmount : 0n))
    const total = 100n * 10n ** 12n
    const paid = funded.reduce((x, y) => x + y, 0n)
    expect(paid <= total).toBe(true)
    const remainder = obs.sleeve.assets.find((a) => a.location === 'facility-ALMProxy')
    expect(parseUnitsExact(remainder!.amount, 18) + paid).toBe(total)
  })

  it('a single-unit sleeve is repaid whole', () => {
    const single = observation({ state: 'UNWINDING', units: [{ unitId: 42, state: 'ACTIVE', principal: '30000000' }], returns: [{ returnId: 'r', amountUsd: usdcM('31.5'), confirmedAt: iso(180), final: true, onRampedAt: iso(180) }] })
    const { actions } = drive(single)
    expect(actions.find((a) => a.kind === 'repayment-available')).toMatchObject({ entitlements: [{ unitId: 42, amount: '31500000' }], remainder: '0' })
  })
})
