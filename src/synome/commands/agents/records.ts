import { z } from 'zod'
import { formatUnitsExact, parseUnitsExact } from '../../../domain/money.js'
import { AGENT_TYPE_NAMES, type AgentRecord, type AgentType } from '../../../domain/agents/registry.js'
import type { RootEditProposal, Vote, VotingRules } from '../../../domain/agents/rootEdit.js'
import type { StateAccess } from '../types.js'

/**
 * Agent registry records as the Synome projection holds them (JSON: token amounts as exact
 * decimal strings with 18 decimals, times as unix seconds, rates in bps), and the conversions
 * to the pure rules' bigint types in src/domain/agents.
 */
const TOKEN_DECIMALS = 18

export const agentIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'agent ids use lowercase letters, digits and dashes')
export const agentTypeSchema = z.enum(AGENT_TYPE_NAMES as [AgentType, ...AgentType[]])
export const votingRulesSchema = z.strictObject({
  quorumBps: z.number().int().min(0).max(10_000),
  thresholdBps: z.number().int().min(1).max(10_000),
  durationSeconds: z.number().int().min(1).max(10 * 365 * 86_400),
})

export type StoredVotingRules = z.output<typeof votingRulesSchema>

/** Plain-language facts the Mini-Atlas is rendered from (seed 001, Mini-Atlas contents). */
const text = z.string().min(1).max(20_000)
export const profileSchema = z.strictObject({
  strategicOverview: text.optional(),
  participation: text.optional(),
  riskNotes: text.optional(),
  /** A Halo with outside investors keeps a Mini-Atlas; one that only wraps its Prime's capital does not. */
  externalParticipants: z.boolean().default(false),
  investmentStrategy: text.optional(),
  expectedReturns: text.optional(),
  riskFactors: text.optional(),
  legalStructure: text.optional(),
  regulatoryStatus: text.optional(),
  reportingCadence: text.optional(),
  metrics: z.array(z.string().min(1).max(500)).max(50).optional(),
})
export type AgentProfile = z.output<typeof profileSchema>

export type AgentEntity = {
  agentId: string
  name: string
  type: AgentType
  subtype: string | null
  tokenized: boolean
  parent: string | null
  subProxy: string | null
  tokenSupply: string | null
  artifactVersion: number
  votingRules: StoredVotingRules | null
  profile: AgentProfile | null
  createdAt: string
}

export type GuardianPrecedentEntity = { precedentId: string; guardian: string; agentId: string; rule: string; interpretation: string; spiritOfTheAtlas: boolean; at: string }

export type StoredVote = { voter: string; support: Vote['support']; weight: string; at: number }

export type RootEditEntity = {
  proposalId: string
  agentId: string
  baseVersion: number
  newContent: string
  createdAt: number
  rules: StoredVotingRules
  totalSupply: string
  votes: StoredVote[]
  outcome: 'passed' | 'failedQuorum' | 'failedThreshold' | null
  appliedVersion: number | null
}

export const AGENT = 'agent'
export const AGENT_ARTIFACT = 'agentArtifact'
export const ROOT_EDIT = 'rootEdit'
export const GUARDIAN_PRECEDENT = 'guardianPrecedent'

export const artifactId = (agentId: string, version: number) => `${agentId}@${version}`
export const unixSeconds = (now: Date): bigint => BigInt(Math.floor(now.getTime() / 1000))
export const tokens = (value: bigint | undefined): string | null => (value === undefined ? null : formatUnitsExact(value, TOKEN_DECIMALS))

export function toAgentRecord(entity: AgentEntity): AgentRecord {
  return {
    id: entity.agentId, name: entity.name, type: entity.type, subtype: entity.subtype ?? undefined, tokenized: entity.tokenized,
    parent: entity.parent ?? undefined, subProxy: entity.subProxy ?? undefined,
    tokenSupply: entity.tokenSupply === null ? undefined : parseUnitsExact(entity.tokenSupply, TOKEN_DECIMALS),
    artifact: { id: entity.agentId, version: entity.artifactVersion },
  }
}

export const toVotingRules = (rules: StoredVotingRules): VotingRules => ({
  quorumBps: BigInt(rules.quorumBps), thresholdBps: BigInt(rules.thresholdBps), durationSeconds: BigInt(rules.durationSeconds),
})

export function toProposal(entity: RootEditEntity): RootEditProposal {
  return {
    id: entity.proposalId, agentId: entity.agentId, baseVersion: entity.baseVersion, newContent: entity.newContent,
    createdAt: BigInt(entity.createdAt), rules: toVotingRules(entity.rules), totalSupply: parseUnitsExact(entity.totalSupply, TOKEN_DECIMALS),
  }
}

export const toVotes = (votes: readonly StoredVote[]): Vote[] => votes.map((v) => ({ ...v, weight: parseUnitsExact(v.weight, TOKEN_DECIMALS), at: BigInt(v.at) }))

/** The parent registry the pure rules check parents against (only the agents named). */
export async function registryView(state: StateAccess, ids: readonly (string | undefined)[]): Promise<Map<string, AgentRecord>> {
  const map = new Map<string, AgentRecord>()
  for (const id of ids) {
    if (id === undefined) continue
    const found = await state.get<AgentEntity>(AGENT, id)
    if (found) map.set(id, toAgentRecord(found.data))
  }
  return map
}

export function putAgent(state: StateAccess, agent: AgentEntity): void {
  state.put({ type: AGENT, id: agent.agentId, data: agent, prime: agent.parent, state: agent.type })
}
