import type { Logger } from 'pino'
import type { AttestationType } from '../../domain/sleeve.js'
import { isoTimestamp, offboardingRound } from '../../domain/sleeve.js'
import type { SynomeClient } from '../../synome/client/index.js'
import type { CommandResult } from '../../synome/service.js'
import type { AttestationRecord, SleeveRecord } from '../../synome/records.js'
import { listAll } from '../shared/synomeReads.js'
import type { TxJournal } from '../shared/txJournal.js'
import { attestationContentHash, type AttestationRegistryClient } from '../../chain/attestation.js'
import { attestedOffRampAmountUsdc, type AttestationOnChain } from '../../domain/attestation.js'
import { decideAttestation, parseEvidence, type AttestRuleConfig, type Evidence } from './policy.js'

/**
 * lpha-attest: posts attestations and nothing else. Its Synome key holds only the attest role,
 * so even a buggy attestor cannot move a sleeve or capital; this module never builds any
 * other command.
 */
export type AttestIdentity = {
  haloClass: string
  /** Attestation ids are `${prefix}${n}`, numbered per Halo class from `firstNumber` (seed: att-101). */
  idPrefix: string
  firstNumber: number
}

async function classAttestations(synome: SynomeClient, haloClass: string): Promise<AttestationRecord[]> {
  return (await listAll<AttestationRecord>(synome, { type: 'attestation', haloClass })).map((i) => i.data)
}

/** Content as posted: AT_REST risk data refers to the attestation that carries it. */
function contentFor<T extends AttestationType>(type: T, evidence: Evidence<T>, attestationId: string): Record<string, unknown> {
  const atRest = evidence as Evidence<'AT_REST'>
  if (type !== 'AT_REST' || !atRest.riskData) return { ...evidence }
  return { ...atRest, riskData: { ...atRest.riskData, attestationRef: attestationId } }
}

export type PostAttestationParameters<T extends AttestationType> = {
  synome: SynomeClient
  identity: AttestIdentity
  sleeveId: string
  type: T
  /** Raw evidence (file or rule config); validated before anything is sent. */
  evidence: unknown
  /** The on-chain registry record of this content, made before the post. */
  onChain?: AttestationOnChain | undefined
}

/** Post one attestation (human CLI and rule mode share this). */
export async function postAttestation<T extends AttestationType>(parameters: PostAttestationParameters<T>): Promise<{ attestationId: string; result: CommandResult }> {
  const { synome, identity, sleeveId, type } = parameters
  const evidence = parseEvidence(type, parameters.evidence)
  const existing = await classAttestations(synome, identity.haloClass)
  const attestationId = nextAttestationId(identity, existing.length)
  const result = await synome.send('postAttestation', { attestationId, type, sleeveId, content: contentFor(type, evidence, attestationId) as never, ...(parameters.onChain ? { onChain: parameters.onChain } : {}) }, { idempotencyKey: `attest:${identity.haloClass}:${attestationId}:${sleeveId}:${type}` })
  return { attestationId, result }
}

const nextAttestationId = (identity: AttestIdentity, posted: number) => `${identity.idPrefix}${identity.firstNumber + posted}`

/**
 * lpha-attest's own key on the on-chain attestation registry: it records each PRE_DEPLOYMENT
 * (sleeve key, round, content hash, attested USDC amount) before posting it to the Synome, so
 * lpha-nfat's `transferForSleeve` finds it. Level-triggered: the registry is read first and a
 * record already there is not sent again; the send goes through the tx journal, so a crash
 * between sending and posting resumes with the same transaction.
 */
export type AttestOnChain = { registry: AttestationRegistryClient; txs: TxJournal }

/** PRE_DEPLOYMENT content goes on chain before it is posted; undefined = not yet (tx pending), with the reason. */
async function recordOnChain(onChain: AttestOnChain, p: { sleeve: SleeveRecord; content: Record<string, unknown> }): Promise<{ onChain?: AttestationOnChain; wait?: string }> {
  const { sleeve, content } = p
  const round = offboardingRound(sleeve)
  const contentHash = attestationContentHash(content)
  const amount = attestedOffRampAmountUsdc(sleeve.assets)
  const key = `attest-record:${sleeve.sleeveId}:PRE_DEPLOYMENT:r${round}`
  const journaled = onChain.txs.get(key)
  let existing = await onChain.registry.recordOf(sleeve.sleeveId, 'PRE_DEPLOYMENT', round)
  if (!existing || journaled) {
    const state = await onChain.txs.send(key, onChain.registry.recordCall({ sleeveId: sleeve.sleeveId, type: 'PRE_DEPLOYMENT', round, contentHash, amount }))
    if (state.status === 'reverted') return { wait: `registry record ${state.hash} reverted: not posting an attestation the gate does not carry` }
    if (state.status !== 'final') return { wait: `registry record ${state.hash} ${state.status}: posting once it is final` }
    existing = await onChain.registry.recordOf(sleeve.sleeveId, 'PRE_DEPLOYMENT', round)
  }
  if (!existing || existing.contentHash.toLowerCase() !== contentHash.toLowerCase()) return { wait: `the registry holds round ${round} with content hash ${existing?.contentHash ?? 'none'}, not ${contentHash}: an aBEAM must revoke it` }
  return { onChain: { registry: onChain.registry.address, ...(journaled || onChain.txs.get(key) ? { txHash: onChain.txs.get(key)!.hash } : {}), contentHash, amount: existing.amount.toString() } }
}

export type AttestTickParameters = { synome: SynomeClient; identity: AttestIdentity; rules: AttestRuleConfig; now: Date; log: Logger; onChain?: AttestOnChain | undefined }

/** Rule mode (devnets): post whatever attestation is due on each sleeve of the class. */
export async function attestTick({ synome, identity, rules, now, log, onChain }: AttestTickParameters): Promise<Array<{ sleeveId: string; type?: AttestationType | undefined; attestationId?: string; reason: string }>> {
  const sleeves = (await listAll<SleeveRecord>(synome, { type: 'sleeve', haloClass: identity.haloClass })).map((i) => i.data)
  const attestations = await classAttestations(synome, identity.haloClass)
  const report: Array<{ sleeveId: string; type?: AttestationType | undefined; attestationId?: string; reason: string }> = []
  for (const sleeve of sleeves) {
    const posted = attestations.filter((a) => a.sleeveId === sleeve.sleeveId).map((a) => ({ type: a.type, timestamp: a.timestamp, round: a.round }))
    const decision = decideAttestation({ ...sleeve, posted }, rules, now)
    if (!decision.type) {
      report.push({ sleeveId: sleeve.sleeveId, reason: decision.reason })
      continue
    }
    let recorded: AttestationOnChain | undefined
    if (onChain && decision.type === 'PRE_DEPLOYMENT') {
      const content = contentFor(decision.type, parseEvidence(decision.type, rules.evidence[decision.type]), nextAttestationId(identity, attestations.length))
      const result = await recordOnChain(onChain, { sleeve, content })
      if (!result.onChain) {
        report.push({ sleeveId: sleeve.sleeveId, reason: result.wait! })
        continue
      }
      recorded = result.onChain
    }
    const { attestationId } = await postAttestation({ synome, identity, sleeveId: sleeve.sleeveId, type: decision.type, evidence: rules.evidence[decision.type], onChain: recorded })
    log.info({ sleeveId: sleeve.sleeveId, type: decision.type, attestationId, reason: decision.reason, at: isoTimestamp(now) }, 'lpha-attest posted')
    report.push({ sleeveId: sleeve.sleeveId, type: decision.type, attestationId, reason: decision.reason })
    attestations.push({ attestationId, type: decision.type, sleeveId: sleeve.sleeveId, content: {}, timestamp: now.toISOString(), round: offboardingRound(sleeve) })
  }
  return report
}
