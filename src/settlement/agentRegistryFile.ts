import { z } from 'zod'
import { InvalidInputError, NotFoundError, PreconditionFailedError } from '../domain/errors.js'
import { formatUnitsExact } from '../domain/money.js'
import { AGENT_TYPE_NAMES, createAgent, restructureAgent, type AgentRecord, type AgentType, type Restructure } from '../domain/agents/registry.js'
import { validatePrecedent, type GuardianActionPrecedent } from '../domain/agents/precedents.js'
import { applyRootEdit, castVote, tallyRootEdit, validateRules, type RootEditOutcome, type RootEditProposal, type Vote, type VotingRules } from '../domain/agents/rootEdit.js'
import { amount, describeIssues, SETTLEMENT_DECIMALS } from './snapshot.js'

/**
 * The agent registry and governance records as one JSON file: agents, their Artifact versions,
 * Root Edit proposals with votes and outcomes, and Guardian Action Precedents. Every change is
 * checked by the pure rules in src/domain/agents and appended, never edited in place, so the
 * file reads as the history of each agent.
 */
const seconds = z.number().int().min(0).transform((value) => BigInt(value))
const bps = z.number().int().min(0).max(10_000).transform((value) => BigInt(value))
const agentId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/)

const votingRulesSchema = z.object({ quorumBps: bps, thresholdBps: bps, durationSeconds: seconds }).strict()

/** Plain-language facts the Mini-Atlas is rendered from (seed 001, Mini-Atlas contents). */
const profileSchema = z
  .object({
    strategicOverview: z.string().optional(),
    participation: z.string().optional(),
    riskNotes: z.string().optional(),
    externalParticipants: z.boolean().default(false),
    investmentStrategy: z.string().optional(),
    expectedReturns: z.string().optional(),
    riskFactors: z.string().optional(),
    legalStructure: z.string().optional(),
    regulatoryStatus: z.string().optional(),
    reportingCadence: z.string().optional(),
    metrics: z.array(z.string()).optional(),
  })
  .strict()

const agentSchema = z
  .object({
    id: agentId,
    name: z.string().min(1),
    type: z.enum(AGENT_TYPE_NAMES as [AgentType, ...AgentType[]]),
    subtype: z.string().optional(),
    tokenized: z.boolean(),
    parent: agentId.optional(),
    subProxy: z.string().regex(/^0x[0-9a-fA-F]{40}$/).optional(),
    tokenSupply: amount.optional(),
    artifactVersion: z.number().int().min(1),
    votingRules: votingRulesSchema.optional(),
    profile: profileSchema.optional(),
    createdAt: seconds,
  })
  .strict()

const voteSchema = z.object({ voter: z.string().min(1), support: z.enum(['yes', 'no', 'abstain']), weight: amount, at: seconds }).strict()

const proposalSchema = z
  .object({
    id: z.string().min(1),
    agentId,
    baseVersion: z.number().int().min(1),
    newContent: z.string(),
    createdAt: seconds,
    rules: votingRulesSchema,
    totalSupply: amount,
    votes: z.array(voteSchema).default([]),
    outcome: z.enum(['passed', 'failedQuorum', 'failedThreshold']).optional(),
    appliedVersion: z.number().int().optional(),
  })
  .strict()

const fileSchema = z
  .object({
    agents: z.array(agentSchema).default([]),
    artifacts: z.array(z.object({ agentId, version: z.number().int().min(1), content: z.string(), proposalId: z.string().optional(), at: seconds }).strict()).default([]),
    restructures: z.array(z.object({ agentId, kind: z.enum(['haloToPrime', 'folioGraduation']), from: z.string(), to: z.string(), at: seconds }).strict()).default([]),
    proposals: z.array(proposalSchema).default([]),
    precedents: z.array(z.object({ id: z.string(), guardian: z.string(), agentId, rule: z.string(), interpretation: z.string(), spiritOfTheAtlas: z.boolean(), at: seconds }).strict()).default([]),
  })
  .strict()

export type RegistryFile = z.output<typeof fileSchema>
export type RegistryAgent = RegistryFile['agents'][number]
export type StoredProposal = RegistryFile['proposals'][number]

export const emptyRegistry = (): RegistryFile => ({ agents: [], artifacts: [], restructures: [], proposals: [], precedents: [] })

export function parseRegistry(input: unknown): RegistryFile {
  const result = fileSchema.safeParse(input)
  if (result.success) return result.data
  const { field, lines } = describeIssues(result.error.issues)
  throw new InvalidInputError(`registry field ${field} is invalid`, { details: lines.join('\n  '), meta: { field, issues: lines } })
}

/** Bigints back to JSON: amounts as exact decimal strings, seconds and bps as numbers. */
function jsonReplacer(key: string, value: unknown): unknown {
  if (typeof value !== 'bigint') return value
  return ['tokenSupply', 'totalSupply', 'weight', 'yes', 'no', 'abstain', 'turnout', 'quorumVotes'].includes(key) ? formatUnitsExact(value, SETTLEMENT_DECIMALS) : Number(value)
}

export function toJsonText(value: unknown): string {
  return `${JSON.stringify(value, jsonReplacer, 2)}\n`
}

export const serializeRegistry = (file: RegistryFile): string => toJsonText(file)

export function parseProfile(input: unknown): NonNullable<RegistryAgent['profile']> {
  const result = profileSchema.safeParse(input)
  if (result.success) return result.data
  const { field, lines } = describeIssues(result.error.issues)
  throw new InvalidInputError(`profile field ${field} is invalid`, { details: lines.join('\n  '), meta: { field: `profile.${field}`, issues: lines } })
}

const toRecord = (agent: RegistryAgent): AgentRecord => ({ ...agent, artifact: { id: agent.id, version: agent.artifactVersion } })
const recordMap = (file: RegistryFile) => new Map(file.agents.map((agent) => [agent.id, toRecord(agent)]))

export function findAgent(file: RegistryFile, id: string): RegistryAgent {
  const agent = file.agents.find((candidate) => candidate.id === id)
  if (!agent) throw new NotFoundError(`agent ${id} is not in the registry`, { meta: { field: 'agent' } })
  return agent
}

export type CreateAgentInput = Omit<AgentRecord, 'artifact'> & { artifactContent: string; votingRules?: VotingRules | undefined; profile?: RegistryAgent['profile'] }

/** Register an agent with its first Artifact version (a Prime gets its 10B genesis supply). */
export function addAgent(file: RegistryFile, input: CreateAgentInput, at: bigint): RegistryFile {
  if (input.votingRules) validateRules(input.votingRules)
  const { artifactContent, votingRules, profile, ...record } = input
  const created = createAgent(record, recordMap(file))
  const agent: RegistryAgent = {
    id: created.id, name: created.name, type: created.type, subtype: created.subtype, tokenized: created.tokenized, parent: created.parent,
    subProxy: created.subProxy, tokenSupply: created.tokenSupply, artifactVersion: 1, votingRules, profile, createdAt: at,
  }
  return { ...file, agents: [...file.agents, agent], artifacts: [...file.artifacts, { agentId: agent.id, version: 1, content: artifactContent, at }] }
}

/** Halo → Prime (Type 2) or Folio graduation (Type 1), each recorded as its own restructure. */
export function restructure(file: RegistryFile, id: string, change: Restructure, at: bigint): RegistryFile {
  const agent = findAgent(file, id)
  const next = restructureAgent(toRecord(agent), change, recordMap(file))
  const updated: RegistryAgent = { ...agent, type: next.type, parent: next.parent, tokenized: next.tokenized, tokenSupply: next.tokenSupply }
  return {
    ...file,
    agents: file.agents.map((candidate) => (candidate.id === id ? updated : candidate)),
    restructures: [...file.restructures, { agentId: id, kind: change.kind, from: agent.type, to: next.type, at }],
  }
}

function toProposal(stored: StoredProposal): RootEditProposal {
  const { votes: _votes, outcome: _outcome, appliedVersion: _applied, ...proposal } = stored
  return proposal
}

/** Open a Root Edit against the agent's current Artifact, under the agent's own voting rules. */
export function propose(file: RegistryFile, agentId: string, newContent: string, at: bigint): { file: RegistryFile; proposal: StoredProposal } {
  const agent = findAgent(file, agentId)
  if (!agent.tokenized || !agent.tokenSupply) throw new PreconditionFailedError(`${agentId} has no token holders to vote on a Root Edit`, { meta: { field: 'agent' } })
  if (!agent.votingRules) throw new PreconditionFailedError(`${agentId} has not set its Root Edit voting rules`, { meta: { field: 'votingRules' } })
  const proposal: StoredProposal = {
    id: `${agentId}-re-${file.proposals.filter((p) => p.agentId === agentId).length + 1}`,
    agentId, baseVersion: agent.artifactVersion, newContent, createdAt: at, rules: agent.votingRules, totalSupply: agent.tokenSupply, votes: [],
  }
  return { file: { ...file, proposals: [...file.proposals, proposal] }, proposal }
}

function findProposal(file: RegistryFile, id: string): StoredProposal {
  const proposal = file.proposals.find((candidate) => candidate.id === id)
  if (!proposal) throw new NotFoundError(`Root Edit ${id} does not exist`, { meta: { field: 'proposal' } })
  return proposal
}

const replaceProposal = (file: RegistryFile, proposal: StoredProposal): RegistryFile => ({ ...file, proposals: file.proposals.map((p) => (p.id === proposal.id ? proposal : p)) })

export function vote(file: RegistryFile, proposalId: string, ballot: Vote): RegistryFile {
  const proposal = findProposal(file, proposalId)
  return replaceProposal(file, { ...proposal, votes: castVote(toProposal(proposal), proposal.votes, ballot) })
}

/**
 * Tally at `at`. Once the duration has ended the outcome is recorded; a passed edit becomes
 * the Artifact's next version. Tallying again returns the recorded outcome and changes nothing.
 */
export function tally(file: RegistryFile, proposalId: string, at: bigint): { file: RegistryFile; outcome: RootEditOutcome; appliedVersion?: number | undefined } {
  const proposal = findProposal(file, proposalId)
  const outcome = tallyRootEdit(toProposal(proposal), proposal.votes, proposal.outcome ? proposal.createdAt + proposal.rules.durationSeconds : at)
  if (outcome.status === 'active' || proposal.outcome) return { file, outcome, appliedVersion: proposal.appliedVersion }
  if (outcome.status !== 'passed') return { file: replaceProposal(file, { ...proposal, outcome: outcome.status }), outcome }
  const agent = findAgent(file, proposal.agentId)
  const current = file.artifacts.find((artifact) => artifact.agentId === agent.id && artifact.version === agent.artifactVersion)
  const next = applyRootEdit({ agentId: agent.id, version: agent.artifactVersion, content: current?.content ?? '' }, toProposal(proposal), outcome)
  const updated: RegistryFile = {
    ...replaceProposal(file, { ...proposal, outcome: 'passed', appliedVersion: next.version }),
    agents: file.agents.map((candidate) => (candidate.id === agent.id ? { ...candidate, artifactVersion: next.version } : candidate)),
    artifacts: [...file.artifacts, { agentId: agent.id, version: next.version, content: next.content, proposalId: proposal.id, at }],
  }
  return { file: updated, outcome, appliedVersion: next.version }
}

export function recordPrecedent(file: RegistryFile, precedent: Omit<GuardianActionPrecedent, 'id'>): { file: RegistryFile; precedent: GuardianActionPrecedent } {
  findAgent(file, precedent.agentId)
  const guardian = file.agents.find((agent) => agent.id === precedent.guardian)
  if (guardian && guardian.type !== 'guardian') throw new PreconditionFailedError(`${precedent.guardian} is not a Guardian`, { meta: { field: 'guardian' } })
  const recorded = validatePrecedent({ ...precedent, id: `gap-${file.precedents.length + 1}` })
  return { file: { ...file, precedents: [...file.precedents, recorded] }, precedent: recorded }
}
