import { z } from 'zod'
import { PreconditionFailedError } from '../../../domain/errors.js'
import { formatUnitsExact, parseUnitsExact } from '../../../domain/money.js'
import { validatePrecedent } from '../../../domain/agents/precedents.js'
import { applyRootEdit, castVote, tallyRootEdit } from '../../../domain/agents/rootEdit.js'
import { refuseExisting } from '../helpers.js'
import { entityId } from '../schemas.js'
import { defineCommand } from '../types.js'
import { AGENT, AGENT_ARTIFACT, agentIdSchema, artifactId, GUARDIAN_PRECEDENT, putAgent, ROOT_EDIT, toProposal, toVotes, unixSeconds, type AgentEntity, type GuardianPrecedentEntity, type RootEditEntity } from './records.js'

/**
 * Root Edit and Guardian Action Precedent records. Votes are token-weighted; the council
 * beacon records them (the token vote itself happens where the tokens are). The outcome is
 * computed by the pure rules and a passed edit becomes the Artifact's next version.
 */

export const proposeRootEdit = defineCommand({
  name: 'proposeRootEdit',
  role: 'council',
  summary: 'Open a Root Edit against an agent’s current Artifact, under the agent’s own voting rules',
  schema: z.strictObject({ proposalId: entityId, agentId: agentIdSchema, newContent: z.string().min(1).max(200_000) }),
  async target(_state, payload) {
    return { type: ROOT_EDIT, id: payload.proposalId }
  },
  async apply(state, payload, ctx) {
    refuseExisting(await state.get(ROOT_EDIT, payload.proposalId), `Root Edit ${payload.proposalId}`)
    const agent = (await state.require<AgentEntity>(AGENT, payload.agentId)).data
    if (!agent.tokenized || agent.tokenSupply === null) throw new PreconditionFailedError(`${agent.agentId} has no token holders to vote on a Root Edit`, { meta: { field: 'agentId' } })
    if (!agent.votingRules) throw new PreconditionFailedError(`${agent.agentId} has not set its Root Edit voting rules`, { meta: { field: 'votingRules' } })
    const proposal: RootEditEntity = {
      proposalId: payload.proposalId, agentId: agent.agentId, baseVersion: agent.artifactVersion, newContent: payload.newContent,
      createdAt: Number(unixSeconds(ctx.now)), rules: agent.votingRules, totalSupply: agent.tokenSupply, votes: [], outcome: null, appliedVersion: null,
    }
    state.put({ type: ROOT_EDIT, id: proposal.proposalId, data: proposal, prime: agent.agentId, state: 'active' })
    return { proposalId: proposal.proposalId, votingEndsAt: proposal.createdAt + proposal.rules.durationSeconds }
  },
})

export const recordRootEditVote = defineCommand({
  name: 'recordRootEditVote',
  role: 'council',
  summary: 'Record a token-weighted vote on a Root Edit (refused after the voting duration)',
  schema: z.strictObject({
    proposalId: entityId,
    voter: z.string().min(1).max(128),
    support: z.enum(['yes', 'no', 'abstain']),
    weight: z.string().regex(/^(0|[1-9]\d*)(\.\d{1,18})?$/, 'token weight as an exact decimal string'),
  }),
  async target(_state, payload) {
    return { type: ROOT_EDIT, id: payload.proposalId }
  },
  async apply(state, payload, ctx) {
    const proposal = (await state.require<RootEditEntity>(ROOT_EDIT, payload.proposalId)).data
    const at = unixSeconds(ctx.now)
    castVote(toProposal(proposal), toVotes(proposal.votes), { voter: payload.voter, support: payload.support, weight: parseUnitsExact(payload.weight, 18, 'weight'), at })
    const votes = [...proposal.votes, { voter: payload.voter, support: payload.support, weight: payload.weight, at: Number(at) }]
    state.put({ type: ROOT_EDIT, id: proposal.proposalId, data: { ...proposal, votes }, prime: proposal.agentId, state: 'active' })
    return { proposalId: proposal.proposalId, votes: votes.length }
  },
})

export const finalizeRootEdit = defineCommand({
  name: 'finalizeRootEdit',
  role: 'council',
  summary: 'Tally a Root Edit after its duration; a passed edit becomes the Artifact’s next version',
  schema: z.strictObject({ proposalId: entityId }),
  async target(_state, payload) {
    return { type: ROOT_EDIT, id: payload.proposalId }
  },
  async apply(state, payload, ctx) {
    const proposal = (await state.require<RootEditEntity>(ROOT_EDIT, payload.proposalId)).data
    if (proposal.outcome) throw new PreconditionFailedError(`Root Edit ${proposal.proposalId} is already final (${proposal.outcome})`, { meta: { field: 'proposalId' } })
    const outcome = tallyRootEdit(toProposal(proposal), toVotes(proposal.votes), unixSeconds(ctx.now))
    if (outcome.status === 'active') throw new PreconditionFailedError(`voting on Root Edit ${proposal.proposalId} has not ended`, { meta: { field: 'proposalId', votingEndsAt: proposal.createdAt + proposal.rules.durationSeconds } })
    const tally = { status: outcome.status, yes: formatUnitsExact(outcome.yes, 18), no: formatUnitsExact(outcome.no, 18), abstain: formatUnitsExact(outcome.abstain, 18), quorumVotes: formatUnitsExact(outcome.quorumVotes, 18) }
    if (outcome.status !== 'passed') {
      state.put({ type: ROOT_EDIT, id: proposal.proposalId, data: { ...proposal, outcome: outcome.status }, prime: proposal.agentId, state: outcome.status })
      return { proposalId: proposal.proposalId, ...tally }
    }
    const agent = (await state.require<AgentEntity>(AGENT, proposal.agentId)).data
    const current = (await state.require<{ content: string }>(AGENT_ARTIFACT, artifactId(agent.agentId, agent.artifactVersion))).data
    const next = applyRootEdit({ agentId: agent.agentId, version: agent.artifactVersion, content: current.content }, toProposal(proposal), outcome)
    state.put({ type: AGENT_ARTIFACT, id: artifactId(agent.agentId, next.version), data: { agentId: agent.agentId, version: next.version, content: next.content, proposalId: proposal.proposalId, at: ctx.time }, prime: agent.agentId })
    putAgent(state, { ...agent, artifactVersion: next.version })
    state.put({ type: ROOT_EDIT, id: proposal.proposalId, data: { ...proposal, outcome: 'passed', appliedVersion: next.version }, prime: proposal.agentId, state: 'passed' })
    return { proposalId: proposal.proposalId, ...tally, appliedVersion: next.version }
  },
})

export const recordGuardianPrecedent = defineCommand({
  name: 'recordGuardianPrecedent',
  role: 'council',
  summary: 'Record a Guardian Action Precedent: who interpreted which rule of which agent, how, and when',
  schema: z.strictObject({
    precedentId: entityId,
    guardian: z.string().min(1).max(128),
    agentId: agentIdSchema,
    rule: z.string().min(1).max(500),
    interpretation: z.string().min(1).max(20_000),
    spiritOfTheAtlas: z.boolean().default(false),
  }),
  async target(_state, payload) {
    return { type: GUARDIAN_PRECEDENT, id: payload.precedentId }
  },
  async apply(state, payload, ctx) {
    refuseExisting(await state.get(GUARDIAN_PRECEDENT, payload.precedentId), `precedent ${payload.precedentId}`)
    await state.require(AGENT, payload.agentId)
    const guardian = await state.get<AgentEntity>(AGENT, payload.guardian)
    if (guardian && guardian.data.type !== 'guardian') throw new PreconditionFailedError(`${payload.guardian} is not a Guardian`, { meta: { field: 'guardian' } })
    validatePrecedent({ id: payload.precedentId, guardian: payload.guardian, agentId: payload.agentId, rule: payload.rule, interpretation: payload.interpretation, spiritOfTheAtlas: payload.spiritOfTheAtlas, at: unixSeconds(ctx.now) })
    const record: GuardianPrecedentEntity = { ...payload, at: ctx.time }
    state.put({ type: GUARDIAN_PRECEDENT, id: payload.precedentId, data: record, prime: payload.agentId })
    return { precedentId: payload.precedentId }
  },
})
