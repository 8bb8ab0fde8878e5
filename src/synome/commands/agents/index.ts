import type { z } from 'zod'
import { registerCommands } from '../registry.js'
import { finalizeRootEdit, proposeRootEdit, recordGuardianPrecedent, recordRootEditVote } from './governanceCommands.js'
import { createAgent, graduateFolio, updateAgentProfile, upgradeHaloToPrime } from './registryCommands.js'

/**
 * The agent registry and governance commands. Pass AGENT_COMMANDS to
 * `createSynome({ commands })`, or call registerAgentCommands() once before a service starts.
 */
export const AGENT_COMMANDS = [createAgent, updateAgentProfile, upgradeHaloToPrime, graduateFolio, proposeRootEdit, recordRootEditVote, finalizeRootEdit, recordGuardianPrecedent] as const

export function registerAgentCommands(): void {
  registerCommands(AGENT_COMMANDS)
}

type AgentCommand = (typeof AGENT_COMMANDS)[number]
declare module '../../client/types.js' {
  interface SynomeCommands extends AgentCommandPayloads {}
}
export type AgentCommandPayloads = { [C in AgentCommand as C['name']]: z.input<C['schema']> }

export * from './records.js'
