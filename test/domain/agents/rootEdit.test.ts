import { describe, expect, it } from 'vitest'
import { PreconditionFailedError, VersionConflictError } from '../../../src/domain/errors.js'
import { applyRootEdit, castVote, tallyRootEdit, type Artifact, type RootEditProposal, type Vote } from '../../../src/domain/agents/rootEdit.js'

const tokens = (whole: bigint) => whole * 10n ** 18n
const day = 86_400n
const artifact: Artifact = { agentId: 'spark', version: 3, content: 'upkeep paid monthly' }
// Spark's own rules: 10% quorum, 60% yes threshold, 7-day vote
const proposal: RootEditProposal = {
  id: 're-1', agentId: 'spark', baseVersion: 3, newContent: 'upkeep paid weekly', createdAt: 1_000n,
  rules: { quorumBps: 1_000n, thresholdBps: 6_000n, durationSeconds: 7n * day }, totalSupply: tokens(10_000_000_000n),
}
const vote = (voter: string, support: Vote['support'], weight: bigint, at = 2_000n): Vote => ({ voter, support, weight, at })
const after = proposal.createdAt + proposal.rules.durationSeconds

describe('Root Edit: token-weighted votes under the agent’s own quorum, threshold and duration', () => {
  it('a proposal under quorum fails (900M of the 1B needed voted)', () => {
    const votes = castVote(proposal, [], vote('whale', 'yes', tokens(900_000_000n)))
    const outcome = tallyRootEdit(proposal, votes, after)
    expect(outcome).toMatchObject({ status: 'failedQuorum', quorumVotes: tokens(1_000_000_000n), turnout: tokens(900_000_000n) })
    expect(() => applyRootEdit(artifact, proposal, outcome)).toThrow(PreconditionFailedError)
  })

  it('over quorum and threshold it passes and produces Artifact version 4', () => {
    let votes = castVote(proposal, [], vote('a', 'yes', tokens(700_000_000n)))
    votes = castVote(proposal, votes, vote('b', 'no', tokens(300_000_000n)))
    votes = castVote(proposal, votes, vote('c', 'abstain', tokens(100_000_000n)))
    expect(tallyRootEdit(proposal, votes, after - 1n).status).toBe('active')
    const outcome = tallyRootEdit(proposal, votes, after)
    expect(outcome.status).toBe('passed')
    expect(applyRootEdit(artifact, proposal, outcome)).toEqual({ agentId: 'spark', version: 4, content: 'upkeep paid weekly' })
  })

  it('over quorum but under threshold fails (59% yes)', () => {
    const votes = [vote('a', 'yes', tokens(590_000_000n)), vote('b', 'no', tokens(410_000_000n))]
    expect(tallyRootEdit(proposal, votes, after).status).toBe('failedThreshold')
  })

  it('refuses votes after the duration, double votes, and leaves the vote list unchanged', () => {
    const votes = castVote(proposal, [], vote('a', 'yes', 1n))
    expect(() => castVote(proposal, votes, vote('late', 'yes', tokens(5_000_000_000n), after))).toThrow(PreconditionFailedError)
    expect(() => castVote(proposal, votes, vote('a', 'no', 1n))).toThrow(PreconditionFailedError)
    expect(votes).toHaveLength(1)
  })

  it('refuses to apply a passed edit written against an older Artifact version', () => {
    const votes = [vote('a', 'yes', tokens(2_000_000_000n))]
    expect(() => applyRootEdit({ ...artifact, version: 4 }, proposal, tallyRootEdit(proposal, votes, after))).toThrow(VersionConflictError)
  })
})
