import { z } from 'zod'
import { parseUnitsExact } from '../../../domain/money.js'
import { createAgent as createAgentRule, restructureAgent, type AgentRecord, type Restructure } from '../../../domain/agents/registry.js'
import { validateRules } from '../../../domain/agents/rootEdit.js'
import { issuanceFee } from '../../../domain/agents/tokenFees.js'
import { refuseExisting } from '../helpers.js'
import { address } from '../schemas.js'
import { defineCommand, type StateAccess } from '../types.js'
import { AGENT, AGENT_ARTIFACT, agentIdSchema, agentTypeSchema, artifactId, profileSchema, putAgent, registryView, tokens, toVotingRules, votingRulesSchema, type AgentEntity } from './records.js'

/** Agent registry commands. Types are permanent; the two restructures are their own commands. */

const artifactText = z.string().min(1).max(200_000)

export const createAgent = defineCommand({
  name: 'createAgent',
  role: 'council',
  summary: 'Register a Synomic Agent as its permanent type with its first Artifact version (a Prime gets a 10B genesis supply)',
  schema: z.strictObject({
    agentId: agentIdSchema,
    name: z.string().min(1).max(200),
    type: agentTypeSchema,
    subtype: z.string().min(1).max(64).optional(),
    tokenized: z.boolean(),
    parent: agentIdSchema.optional(),
    subProxy: address.optional(),
    /** Initial supply for tokenized agents other than Primes (Primes always get 10B). */
    tokenSupply: z.string().regex(/^(0|[1-9]\d*)(\.\d{1,18})?$/).optional(),
    artifact: artifactText,
    votingRules: votingRulesSchema.optional(),
    profile: profileSchema.optional(),
  }),
  async target(_state, payload) {
    return { type: AGENT, id: payload.agentId }
  },
  async apply(state, payload, ctx) {
    refuseExisting(await state.get(AGENT, payload.agentId), `agent ${payload.agentId}`)
    if (payload.votingRules) validateRules(toVotingRules(payload.votingRules))
    const created = createAgentRule({
      id: payload.agentId, name: payload.name, type: payload.type, subtype: payload.subtype, tokenized: payload.tokenized,
      parent: payload.parent, subProxy: payload.subProxy,
      tokenSupply: payload.tokenSupply === undefined ? undefined : parseUnitsExact(payload.tokenSupply, 18, 'tokenSupply'),
    }, await registryView(state, [payload.parent]))
    const agent: AgentEntity = {
      agentId: created.id, name: created.name, type: created.type, subtype: created.subtype ?? null, tokenized: created.tokenized,
      parent: created.parent ?? null, subProxy: created.subProxy ?? null, tokenSupply: tokens(created.tokenSupply), artifactVersion: 1,
      votingRules: payload.votingRules ?? null, profile: payload.profile ?? null, createdAt: ctx.time,
    }
    putAgent(state, agent)
    // genesis is an issuance too: 5% of it goes to Sky Core
    const genesisIssuanceFee = tokens(created.tokenSupply === undefined ? undefined : issuanceFee({ issuedAmount: created.tokenSupply }).feeAmount)
    state.put({ type: AGENT_ARTIFACT, id: artifactId(agent.agentId, 1), data: { agentId: agent.agentId, version: 1, content: payload.artifact, proposalId: null, at: ctx.time }, prime: agent.agentId })
    return { agentId: agent.agentId, type: agent.type, tokenSupply: agent.tokenSupply, genesisIssuanceFeeToSkyCore: genesisIssuanceFee }
  },
})

async function restructure(state: StateAccess, agentId: string, change: Restructure) {
  const current = (await state.require<AgentEntity>(AGENT, agentId)).data
  const parentId = change.kind === 'folioGraduation' ? change.parent ?? current.parent ?? undefined : undefined
  const registry = await registryView(state, [parentId])
  const next: AgentRecord = restructureAgent({ ...current, id: current.agentId, subtype: current.subtype ?? undefined, parent: current.parent ?? undefined, subProxy: current.subProxy ?? undefined, tokenSupply: undefined }, change, registry)
  const keepsSupply = current.tokenized && next.tokenized
  const agent: AgentEntity = { ...current, type: next.type, parent: next.parent ?? null, tokenized: next.tokenized, tokenSupply: keepsSupply ? current.tokenSupply : tokens(next.tokenSupply) }
  putAgent(state, agent)
  return { agentId, from: current.type, to: agent.type, tokenSupply: agent.tokenSupply }
}

export const upgradeHaloToPrime = defineCommand({
  name: 'upgradeHaloToPrime',
  role: 'council',
  summary: 'Type 2 restructure: a Halo becomes a Prime',
  schema: z.strictObject({ agentId: agentIdSchema }),
  async target(_state, payload) {
    return { type: AGENT, id: payload.agentId }
  },
  async apply(state, payload) {
    return restructure(state, payload.agentId, { kind: 'haloToPrime' })
  },
})

export const graduateFolio = defineCommand({
  name: 'graduateFolio',
  role: 'council',
  summary: 'Type 1 restructure: a Folio graduates to a Halo (under a Prime) or to a Prime',
  schema: z.strictObject({ agentId: agentIdSchema, to: z.enum(['halo', 'prime']), parent: agentIdSchema.optional() }),
  async target(_state, payload) {
    return { type: AGENT, id: payload.agentId }
  },
  async apply(state, payload) {
    return restructure(state, payload.agentId, { kind: 'folioGraduation', to: payload.to, parent: payload.parent })
  },
})

export const updateAgentProfile = defineCommand({
  name: 'updateAgentProfile',
  role: 'council',
  summary: 'Replace the plain-language profile an agent’s Mini-Atlas is rendered from',
  schema: z.strictObject({ agentId: agentIdSchema, profile: profileSchema }),
  async target(_state, payload) {
    return { type: AGENT, id: payload.agentId }
  },
  async apply(state, payload) {
    const current = (await state.require<AgentEntity>(AGENT, payload.agentId)).data
    putAgent(state, { ...current, profile: payload.profile })
    return { agentId: payload.agentId }
  },
})
