import { InvalidInputError, PreconditionFailedError, VersionConflictError } from '../errors.js'
import { mulDivUp } from '../money.js'
import { BPS } from './parameters.js'

/** Each agent designs its own Root Edit voting rules. */
export type VotingRules = {
  /** Minimum share of total token supply that must vote (yes + no + abstain), in bps. */
  quorumBps: bigint
  /** Minimum share of yes among yes + no, in bps (reaching it exactly passes). */
  thresholdBps: bigint
  durationSeconds: bigint
}

export type Artifact = { agentId: string; version: number; content: string }

export type RootEditProposal = {
  id: string
  agentId: string
  /** The Artifact version the edit was written against. */
  baseVersion: number
  newContent: string
  createdAt: bigint
  rules: VotingRules
  /** Token supply at creation: the base for quorum. */
  totalSupply: bigint
}

export type Vote = { voter: string; support: 'yes' | 'no' | 'abstain'; weight: bigint; at: bigint }

export function validateRules(rules: VotingRules): void {
  if (rules.quorumBps < 0n || rules.quorumBps > BPS) throw new InvalidInputError('quorumBps must be between 0 and 10000', { meta: { field: 'quorumBps' } })
  if (rules.thresholdBps <= 0n || rules.thresholdBps > BPS) throw new InvalidInputError('thresholdBps must be between 1 and 10000', { meta: { field: 'thresholdBps' } })
  if (rules.durationSeconds <= 0n) throw new InvalidInputError('durationSeconds must be positive', { meta: { field: 'durationSeconds' } })
}

export const votingEndsAt = (proposal: RootEditProposal): bigint => proposal.createdAt + proposal.rules.durationSeconds

/**
 * Accept a vote, or refuse it: after the voting duration, before creation, with no weight, or
 * from a voter who already voted. Returns the new vote list (the input is not changed).
 */
export function castVote(proposal: RootEditProposal, votes: readonly Vote[], vote: Vote): Vote[] {
  if (vote.at >= votingEndsAt(proposal)) throw new PreconditionFailedError('voting on this Root Edit has ended', { details: `ended at ${votingEndsAt(proposal)}`, meta: { field: 'at' } })
  if (vote.at < proposal.createdAt) throw new PreconditionFailedError('voting has not started', { meta: { field: 'at' } })
  if (vote.weight <= 0n) throw new InvalidInputError('a vote needs a positive token weight', { meta: { field: 'weight' } })
  if (votes.some((existing) => existing.voter === vote.voter)) throw new PreconditionFailedError(`${vote.voter} already voted`, { meta: { field: 'voter' } })
  return [...votes, vote]
}

export type RootEditOutcome = {
  status: 'active' | 'passed' | 'failedQuorum' | 'failedThreshold'
  yes: bigint
  no: bigint
  abstain: bigint
  turnout: bigint
  /** Votes needed for quorum: quorumBps × totalSupply, rounded up. */
  quorumVotes: bigint
}

/** Tally at `now`: active until the duration ends, then passed only with quorum and threshold. */
export function tallyRootEdit(proposal: RootEditProposal, votes: readonly Vote[], now: bigint): RootEditOutcome {
  const sum = (support: Vote['support']) => votes.filter((vote) => vote.support === support).reduce((total, vote) => total + vote.weight, 0n)
  const yes = sum('yes')
  const no = sum('no')
  const abstain = sum('abstain')
  const turnout = yes + no + abstain
  const quorumVotes = mulDivUp(proposal.totalSupply, proposal.rules.quorumBps, BPS)
  const base = { yes, no, abstain, turnout, quorumVotes }
  if (now < votingEndsAt(proposal)) return { status: 'active', ...base }
  if (turnout < quorumVotes || turnout === 0n) return { status: 'failedQuorum', ...base }
  if (yes * BPS < proposal.rules.thresholdBps * (yes + no)) return { status: 'failedThreshold', ...base }
  return { status: 'passed', ...base }
}

/** Apply a passed Root Edit as the Artifact's next version; anything else is refused. */
export function applyRootEdit(artifact: Artifact, proposal: RootEditProposal, outcome: RootEditOutcome): Artifact {
  if (outcome.status !== 'passed') throw new PreconditionFailedError(`Root Edit ${proposal.id} did not pass (${outcome.status})`, { meta: { field: 'status' } })
  if (artifact.agentId !== proposal.agentId) throw new InvalidInputError('proposal is for another agent', { meta: { field: 'agentId' } })
  if (artifact.version !== proposal.baseVersion) {
    throw new VersionConflictError('the Artifact changed since the proposal was written', { meta: { expected: proposal.baseVersion, current: artifact.version } })
  }
  return { agentId: artifact.agentId, version: artifact.version + 1, content: proposal.newContent }
}
