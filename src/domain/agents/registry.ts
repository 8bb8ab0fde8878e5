import { InvalidInputError, PreconditionFailedError } from '../errors.js'
import { PRIME_GENESIS_SUPPLY_TOKENS } from './parameters.js'

/** Agent types and their rank under the Core Council (seed 001, Agent Rank Hierarchy). */
export const AGENT_TYPES = {
  coreCouncil: { rank: 0, tokenized: 'never' },
  guardian: { rank: 1, tokenized: 'always' },
  coreControlled: { rank: 1, tokenized: 'never' },
  recovery: { rank: 1, tokenized: 'never' },
  prime: { rank: 2, tokenized: 'always' },
  generator: { rank: 2, tokenized: 'always' },
  halo: { rank: 3, tokenized: 'optional' },
  folio: { rank: 3, tokenized: 'never' },
} as const satisfies Record<string, { rank: 0 | 1 | 2 | 3; tokenized: 'always' | 'never' | 'optional' }>

export type AgentType = keyof typeof AGENT_TYPES
export const AGENT_TYPE_NAMES = Object.keys(AGENT_TYPES) as AgentType[]

export type AgentRecord = {
  id: string
  name: string
  type: AgentType
  /** e.g. 'star' or 'institutional' for a Prime; 'portfolio' | 'term' | … for a Halo. */
  subtype?: string | undefined
  tokenized: boolean
  /** A Halo's Prime; a Folio's administering Prime. */
  parent?: string | undefined
  subProxy?: string | undefined
  /** Reference to the Agent Artifact (id and version). */
  artifact?: { id: string; version: number } | undefined
  /** Total token supply in base units (18 decimals), for tokenized agents. */
  tokenSupply?: bigint | undefined
}

export function agentRank(type: AgentType): 0 | 1 | 2 | 3 {
  return AGENT_TYPES[type].rank
}

/** Prime creation mints 10B tokens (18 decimals). */
export const PRIME_GENESIS_SUPPLY = PRIME_GENESIS_SUPPLY_TOKENS * 10n ** 18n

function requireParent(agent: AgentRecord, registry: ReadonlyMap<string, AgentRecord>, parentType: AgentType): void {
  const parent = agent.parent === undefined ? undefined : registry.get(agent.parent)
  if (!parent || parent.type !== parentType) {
    throw new PreconditionFailedError(`a ${agent.type} needs a ${parentType} as parent`, { details: `parent: ${agent.parent ?? 'none'}`, meta: { field: 'parent' } })
  }
}

/**
 * Validate a new agent against the registry and return the record as created. Types are
 * permanent; tokenization follows the type (Halos may choose); a Halo's parent is a Prime and
 * a Folio's is its administering Prime; a Prime gets its 10B genesis supply.
 */
export function createAgent(agent: AgentRecord, registry: ReadonlyMap<string, AgentRecord>): AgentRecord {
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(agent.id)) throw new InvalidInputError('agent id must be lowercase letters, digits and dashes', { details: agent.id, meta: { field: 'id' } })
  if (registry.has(agent.id)) throw new PreconditionFailedError(`agent ${agent.id} already exists`, { meta: { field: 'id' } })
  const rule = AGENT_TYPES[agent.type]
  if (!rule) throw new InvalidInputError(`unknown agent type ${String(agent.type)}`, { meta: { field: 'type' } })
  if (rule.tokenized === 'always' && !agent.tokenized) throw new InvalidInputError(`a ${agent.type} is always tokenized`, { meta: { field: 'tokenized' } })
  if (rule.tokenized === 'never' && agent.tokenized) throw new InvalidInputError(`a ${agent.type} is tokenless by design`, { meta: { field: 'tokenized' } })
  if (agent.type === 'halo') requireParent(agent, registry, 'prime')
  if (agent.type === 'folio') requireParent(agent, registry, 'prime')
  if (agent.type === 'prime') return { ...agent, tokenSupply: PRIME_GENESIS_SUPPLY }
  return { ...agent, tokenSupply: agent.tokenized ? agent.tokenSupply ?? 0n : undefined }
}

export type Restructure =
  /** Type 2: a Halo upgrades to a Prime (it leaves its parent and gets the genesis supply if untokenized). */
  | { kind: 'haloToPrime' }
  /** Type 1: a Folio graduates to a Halo (under a Prime) or to a Prime. */
  | { kind: 'folioGraduation'; to: 'halo' | 'prime'; parent?: string | undefined }

/** The only type changes the seed allows. Anything else is refused; the record keeps its id. */
export function restructureAgent(agent: AgentRecord, change: Restructure, registry: ReadonlyMap<string, AgentRecord>): AgentRecord {
  if (change.kind === 'haloToPrime') {
    if (agent.type !== 'halo') throw new PreconditionFailedError('only a Halo can restructure into a Prime', { meta: { field: 'type' } })
    return { ...agent, type: 'prime', parent: undefined, tokenized: true, tokenSupply: agent.tokenized ? agent.tokenSupply : PRIME_GENESIS_SUPPLY }
  }
  if (agent.type !== 'folio') throw new PreconditionFailedError('only a Folio can graduate', { meta: { field: 'type' } })
  if (change.to === 'prime') return { ...agent, type: 'prime', parent: undefined, tokenized: true, tokenSupply: PRIME_GENESIS_SUPPLY }
  const halo: AgentRecord = { ...agent, type: 'halo', parent: change.parent ?? agent.parent, tokenized: false, tokenSupply: undefined }
  requireParent(halo, registry, 'prime')
  return halo
}
