/**
 * lpla-verify checks each PRE_DEPLOYMENT attestation of a sleeve's current round against the
 * on-chain attestation registry (the record lpha-nfat's `transferForSleeve` needs): a missing,
 * revoked or differently hashed record, or a Synome `onChain` naming another registry, hash or
 * amount, raises ATTESTATION_ONCHAIN_MISMATCH.
 */
import { describe, expect, it } from 'vitest'
import type { Address } from 'viem'
import { attestationContentHash } from '../../../src/chain/attestation.js'
import type { VerifyChain } from '../../../src/beacons/verify/chain.js'
import type { AttestationRecordView, SleeveRecordView } from '../../../src/beacons/verify/policy.js'
import { verifyOnChainAttestations } from '../../../src/beacons/verify/reconcile.js'

const REGISTRY = '0x00000000000000000000000000000000000000aa' as Address
const content = { legalStructureVerified: true, bankAccountVerified: true, expectedRiskParameters: {}, maximumDeploymentDuration: '90d' }
const sleeve = (round: number): SleeveRecordView => ({ sleeveId: 'sleeve-7', haloClass: 'facility-A', state: 'OFFBOARDING', assets: [], linkedUnits: [], attestations: [], timestamps: {}, offboardingRound: round })
const att = (attestationId: string, round: number, onChain?: AttestationRecordView['onChain']): AttestationRecordView => ({ attestationId, type: 'PRE_DEPLOYMENT', sleeveId: 'sleeve-7', content, timestamp: '2026-01-07T10:00:00Z', round, onChain })
const chainWith = (records: Record<number, { contentHash: string; amount: bigint; revoked: boolean }>, reads: number[] = []): VerifyChain =>
  ({
    preDeploymentRecord: async (registry: Address, sleeveId: string, round: number) => {
      expect([registry, sleeveId]).toEqual([REGISTRY, 'sleeve-7'])
      reads.push(round)
      return records[round]
    },
  }) as unknown as VerifyChain
const run = (chain: VerifyChain, round = 1, attestations = [att('att-101', 1)]) => verifyOnChainAttestations({ chain, registry: REGISTRY, sleeves: [sleeve(round)], attestations })

describe('lpla-verify: PRE_DEPLOYMENT attestations against the on-chain registry', () => {
  it('a record with the same content hash raises nothing', async () => {
    expect(await run(chainWith({ 1: { contentHash: attestationContentHash(content), amount: 5_000_000_000_000n, revoked: false } }))).toEqual([])
  })

  it('an attestation the registry has no record of raises ATTESTATION_ONCHAIN_MISMATCH (critical)', async () => {
    expect(await run(chainWith({}))).toEqual([expect.objectContaining({ code: 'ATTESTATION_ONCHAIN_MISMATCH', severity: 'critical', entity: { type: 'sleeve', id: 'sleeve-7' }, message: expect.stringContaining('no on-chain registry record') })])
  })

  it('a record with another content hash, or a revoked one, raises it too', async () => {
    expect(await run(chainWith({ 1: { contentHash: `0x${'11'.repeat(32)}`, amount: 5_000_000_000_000n, revoked: false } }))).toEqual([expect.objectContaining({ code: 'ATTESTATION_ONCHAIN_MISMATCH', message: expect.stringContaining('content hash') })])
    expect(await run(chainWith({ 1: { contentHash: attestationContentHash(content), amount: 5_000_000_000_000n, revoked: true } }))).toEqual([expect.objectContaining({ code: 'ATTESTATION_ONCHAIN_MISMATCH', message: expect.stringContaining('revoked') })])
  })

  it("only the current round's attestations are checked: round 1's after an operator revert is not", async () => {
    const reads: number[] = []
    expect(await run(chainWith({}, reads), 2, [att('att-101', 1)])).toEqual([])
    expect(reads).toEqual([])
  })

  it("the Synome's onChain must name the registry, content hash and amount the registry holds", async () => {
    const hash = attestationContentHash(content)
    const records = { 1: { contentHash: hash, amount: 5_000_000_000_000n, revoked: false } }
    const claimed = { registry: REGISTRY, txHash: `0x${'22'.repeat(32)}`, contentHash: hash, amount: '5000000000000' }
    expect(await run(chainWith(records), 1, [att('att-101', 1, claimed)])).toEqual([])
    const problems = async (onChain: NonNullable<AttestationRecordView['onChain']>) => (await run(chainWith(records), 1, [att('att-101', 1, onChain)])).map((a) => [a.code, a.message])
    expect(await problems({ ...claimed, registry: '0x00000000000000000000000000000000000000bb' })).toEqual([['ATTESTATION_ONCHAIN_MISMATCH', expect.stringContaining('registry 0x00000000000000000000000000000000000000bb')]])
    expect(await problems({ ...claimed, contentHash: `0x${'33'.repeat(32)}` })).toEqual([['ATTESTATION_ONCHAIN_MISMATCH', expect.stringContaining(`content hash 0x${'33'.repeat(32)}`)]])
    expect(await problems({ ...claimed, amount: '5000000000001' })).toEqual([['ATTESTATION_ONCHAIN_MISMATCH', expect.stringContaining('amount 5000000000001')]])
  })

  it('a registry that cannot be read raises POSITION_CHECK_FAILED, not a mismatch', async () => {
    const failing = { preDeploymentRecord: async () => { throw new Error('connection refused') } } as unknown as VerifyChain
    expect(await run(failing)).toEqual([expect.objectContaining({ code: 'POSITION_CHECK_FAILED', entity: { type: 'sleeve', id: 'sleeve-7' } })])
  })
})
