import { InvalidInputError, PreconditionFailedError } from '../domain/errors.js'
import { formatUnitsExact } from '../domain/money.js'
import { agentRank } from '../domain/agents/registry.js'
import { DAYS_PER_YEAR, FIRST_LOSS_CAPITAL_BPS, ISSUANCE_FEE_BPS, SECONDS_PER_DAY, UPKEEP_BPS_PER_YEAR } from '../domain/agents/parameters.js'
import type { SynomeClient } from '../synome/client/types.js'
import { AGENT, GUARDIAN_PRECEDENT, ROOT_EDIT, type AgentEntity, type AgentProfile, type GuardianPrecedentEntity, type RootEditEntity } from '../synome/commands/agents/records.js'

export type MiniAtlasSection = { title: string; body: string[] }
export type MiniAtlas = { agent: string; name: string; audience: string; sections: MiniAtlasSection[] }

/** bps as a percentage string without floats: 25 → "0.25%", 1000 → "10%". */
export function percent(bps: bigint): string {
  return `${formatUnitsExact(bps, 2)}%`
}

/** What a Mini-Atlas is rendered from: the agent's Synome records. */
export type MiniAtlasRecords = {
  agent: AgentEntity
  /** Agents whose parent is this agent (its Halos and the Folios it administers). */
  children: AgentEntity[]
  rootEdits: RootEditEntity[]
  precedents: GuardianPrecedentEntity[]
}

/** Read an agent's records from the Synome (each list bounded to one page of 1,000). */
export async function loadMiniAtlasRecords(client: SynomeClient, agentId: string): Promise<MiniAtlasRecords> {
  const agent = (await client.get<AgentEntity>(AGENT, agentId)).data
  const page = async <T>(type: string) => (await client.list<T>({ type, prime: agentId, limit: 1000 })).items.map((item) => item.data)
  return { agent, children: await page<AgentEntity>(AGENT), rootEdits: await page<RootEditEntity>(ROOT_EDIT), precedents: await page<GuardianPrecedentEntity>(GUARDIAN_PRECEDENT) }
}

/** Whole tokens with thousands separators ("10,000,000,000"); the supply is stored as a decimal string. */
const wholeTokens = (value: string) => value.replace(/^\d+/, (digits) => digits.replace(/\B(?=(\d{3})+(?!\d))/g, ','))

type ProfileText = Exclude<keyof AgentProfile, 'externalParticipants' | 'metrics'>

function required(agent: AgentEntity, field: ProfileText): string {
  const value = agent.profile?.[field]
  if (value === undefined || value.trim() === '') {
    throw new InvalidInputError(`${agent.agentId} needs profile.${field} for its Mini-Atlas`, { meta: { field: `profile.${field}` } })
  }
  return value
}

function governanceSection({ agent, rootEdits, precedents }: MiniAtlasRecords): MiniAtlasSection {
  const body: string[] = []
  const rules = agent.votingRules
  if (rules) {
    const days = formatUnitsExact((BigInt(rules.durationSeconds) * 100n) / SECONDS_PER_DAY, 2)
    body.push(`Token holders change this agent’s Artifact by Root Edit. A vote lasts ${days} days; at least ${percent(BigInt(rules.quorumBps))} of all tokens must take part, and at least ${percent(BigInt(rules.thresholdBps))} of the yes-or-no votes must be yes.`)
  } else {
    body.push('This agent has not yet set its Root Edit voting rules.')
  }
  const passed = rootEdits.filter((p) => p.outcome === 'passed').length
  body.push(`The Artifact is at version ${agent.artifactVersion}; ${rootEdits.length} Root Edit(s) proposed, ${passed} passed.`)
  for (const precedent of precedents.slice(-5)) body.push(`Guardian ${precedent.guardian} interpreted "${precedent.rule}": ${precedent.interpretation}`)
  return { title: 'Governance processes', body }
}

function primeAtlas(records: MiniAtlasRecords): MiniAtlasSection[] {
  const { agent } = records
  const halos = records.children.filter((child) => child.type === 'halo').map((halo) => halo.name)
  return [
    { title: 'Strategic overview', body: [required(agent, 'strategicOverview')] },
    {
      title: 'Key parameters in plain language',
      body: [
        `${agent.name} is a ${agent.subtype ? `${agent.subtype} ` : ''}Prime (rank ${agentRank(agent.type)}).${agent.subProxy ? ` Its treasury (SubProxy) is ${agent.subProxy}.` : ''}`,
        `Token supply: ${agent.tokenSupply === null ? 'none' : wholeTokens(agent.tokenSupply)} tokens.`,
        `Each time it issues tokens, ${percent(ISSUANCE_FEE_BPS)} of the new tokens go to Sky Core.`,
        `It pays Sky Core ${percent(UPKEEP_BPS_PER_YEAR)} of its token supply each year, in its own tokens, counted day by day (1/${DAYS_PER_YEAR} of the yearly amount each day). Holding other agents’ tokens can reduce this, down to zero but never below.`,
        halos.length > 0 ? `Halos it runs: ${halos.join(', ')}.` : 'It runs no Halos yet.',
      ],
    },
    {
      title: 'Risk disclosures',
      body: [
        `If an investment loses money, ${agent.name}’s own capital takes the first ${percent(FIRST_LOSS_CAPITAL_BPS)} of its junior risk capital’s worth of losses before anyone else.`,
        'Further losses are shared in proportion by the rest of its own junior capital and outside junior capital providers.',
        'After that, new tokens can be created to cover the loss, which dilutes every token holder.',
        'Only when all of that is used up do senior capital providers, and then Sky as a whole, share the loss.',
        ...(agent.profile?.riskNotes ? [agent.profile.riskNotes] : []),
      ],
    },
    governanceSection(records),
    { title: 'How to participate', body: [required(agent, 'participation')] },
  ]
}

function haloAtlas(agent: AgentEntity): MiniAtlasSection[] {
  const metrics = agent.profile?.metrics ?? []
  if (metrics.length === 0) throw new InvalidInputError(`${agent.agentId} needs profile.metrics for its Mini-Atlas`, { meta: { field: 'profile.metrics' } })
  return [
    { title: 'Investment strategy and expected returns', body: [required(agent, 'investmentStrategy'), `Expected returns: ${required(agent, 'expectedReturns')}`] },
    { title: 'Risk factors', body: [required(agent, 'riskFactors')] },
    { title: 'Legal structure and regulatory status', body: [required(agent, 'legalStructure'), `Regulatory status: ${required(agent, 'regulatoryStatus')}`] },
    { title: 'Reporting cadence and metrics', body: [required(agent, 'reportingCadence'), `Metrics reported: ${metrics.join('; ')}.`] },
  ]
}

/**
 * The Mini-Atlas: the plain-language summary each Prime and each externally facing Halo keeps.
 * Parameters come from the records and the framework constants, never from free text, so the
 * summary cannot drift from the rules; the narrative fields come from the agent's profile.
 */
export function buildMiniAtlas(records: MiniAtlasRecords): MiniAtlas {
  const { agent } = records
  if (agent.type === 'prime') return { agent: agent.agentId, name: agent.name, audience: 'token holders and users', sections: primeAtlas(records) }
  if (agent.type === 'halo' && agent.profile?.externalParticipants) {
    return { agent: agent.agentId, name: agent.name, audience: 'Halo investors', sections: haloAtlas(agent) }
  }
  throw new PreconditionFailedError(`${agent.agentId} needs no Mini-Atlas: only Primes and Halos with external participants keep one`, { meta: { field: 'agent' } })
}

export function renderMiniAtlasText(atlas: MiniAtlas): string {
  const out = [`${atlas.name} Mini-Atlas (for ${atlas.audience})`, '']
  for (const section of atlas.sections) out.push(`## ${section.title}`, ...section.body.map((line) => `- ${line}`), '')
  return out.join('\n')
}
