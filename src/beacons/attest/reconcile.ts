import type { Logger } from 'pino'
import type { AttestationType } from '../../domain/sleeve.js'
import { isoTimestamp, offboardingRound } from '../../domain/sleeve.js'
import type { SynomeClient } from '../../synome/client/index.js'
import type { CommandResult } from '../../synome/service.js'
import type { AttestationRecord, SleeveRecord } from '../../synome/records.js'
import { listAll } from '../shared/synomeReads.js'
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
}

/** Post one attestation (human CLI and rule mode share this). */
export async function postAttestation<T extends AttestationType>(parameters: PostAttestationParameters<T>): Promise<{ attestationId: string; result: CommandResult }> {
  const { synome, identity, sleeveId, type } = parameters
  const evidence = parseEvidence(type, parameters.evidence)
  const existing = await classAttestations(synome, identity.haloClass)
  const number = identity.firstNumber + existing.length
  const attestationId = `${identity.idPrefix}${number}`
  const result = await synome.send('postAttestation', { attestationId, type, sleeveId, content: contentFor(type, evidence, attestationId) as never }, { idempotencyKey: `attest:${identity.haloClass}:${attestationId}:${sleeveId}:${type}` })
  return { attestationId, result }
}

export type AttestTickParameters = { synome: SynomeClient; identity: AttestIdentity; rules: AttestRuleConfig; now: Date; log: Logger }

/** Rule mode (devnets): post whatever attestation is due on each sleeve of the class. */
export async function attestTick({ synome, identity, rules, now, log }: AttestTickParameters): Promise<Array<{ sleeveId: string; type?: AttestationType | undefined; attestationId?: string; reason: string }>> {
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
    const { attestationId } = await postAttestation({ synome, identity, sleeveId: sleeve.sleeveId, type: decision.type, evidence: rules.evidence[decision.type] })
    log.info({ sleeveId: sleeve.sleeveId, type: decision.type, attestationId, reason: decision.reason, at: isoTimestamp(now) }, 'lpha-attest posted')
    report.push({ sleeveId: sleeve.sleeveId, type: decision.type, attestationId, reason: decision.reason })
    attestations.push({ attestationId, type: decision.type, sleeveId: sleeve.sleeveId, content: {}, timestamp: now.toISOString(), round: offboardingRound(sleeve) })
  }
  return report
}
