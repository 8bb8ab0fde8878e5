import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { privateKeyToAccount } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { main } from '../../src/cli/main.js'
import { createInProcessClient, createSynome, type SynomeClient, type SynomeService } from '../../src/synome/index.js'
import { registerAgentCommands } from '../../src/synome/commands/agents/index.js'
import { runHalo } from '../support/cli.js'

// Agent registry and Root Edit records as Synome commands, then read back by `halo mini-atlas`
// and `halo agent show` from the same PGlite data directory.
const council = privateKeyToAccount('0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d')
const examples = new URL('../../examples/settlement/', import.meta.url).pathname
const profile = (name: string) => JSON.parse(readFileSync(join(examples, name), 'utf8'))
const dataDir = mkdtempSync(join(tmpdir(), 'halo-agents-synome-'))
let now = new Date('2026-03-01T00:00:00Z')
const clock = () => now
const advanceDays = (days: number) => { now = new Date(now.getTime() + days * 86_400_000) }
let synome: SynomeService
let client: SynomeClient

beforeAll(async () => {
  registerAgentCommands()
  synome = await createSynome({ dataDir, clock, roles: [{ address: council.address.toLowerCase(), role: 'council', haloClasses: [] }] })
  client = createInProcessClient({ service: synome, account: council, clock })
})
afterAll(async () => {
  await synome.close()
  rmSync(dataDir, { recursive: true, force: true })
})

const artifactOf = async (agentId: string, version: number) => (await client.get<{ content: string }>('agentArtifact', `${agentId}@${version}`)).data.content

describe('agent registry in the Synome', () => {
  it('Prime creation records the agent, its first Artifact version and a 10B genesis supply', async () => {
    const created = await client.send('createAgent', {
      agentId: 'spark', name: 'Spark', type: 'prime', subtype: 'star', tokenized: true, artifact: 'Spark v1',
      votingRules: { quorumBps: 1000, thresholdBps: 6000, durationSeconds: 7 * 86_400 }, profile: profile('spark-profile.json'),
    })
    expect(created.result).toMatchObject({ tokenSupply: '10000000000', genesisIssuanceFeeToSkyCore: '500000000' })
    const spark = await client.get<{ tokenSupply: string; artifactVersion: number }>('agent', 'spark')
    expect(spark.data).toMatchObject({ tokenSupply: '10000000000', artifactVersion: 1 })
    expect(await artifactOf('spark', 1)).toBe('Spark v1')
  })

  it('refuses a Halo without a Prime parent and a tokenized Folio, and stores nothing', async () => {
    const head = await client.head()
    await expect(client.send('createAgent', { agentId: 'halo-x', name: 'Halo X', type: 'halo', tokenized: false, artifact: 'h' })).rejects.toMatchObject({ code: 'PRECONDITION_FAILED' })
    await expect(client.send('createAgent', { agentId: 'folio-x', name: 'Folio X', type: 'folio', tokenized: true, parent: 'spark', artifact: 'f' })).rejects.toMatchObject({ code: 'INVALID_INPUT' })
    expect(await client.head()).toEqual(head)
  })

  it('only council may write agent records: another role gets NOT_PERMITTED and nothing is stored', async () => {
    const outsider = privateKeyToAccount('0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a')
    await client.send('grantRole', { address: outsider.address, role: 'nfat', haloClasses: ['*'] })
    const nfat = createInProcessClient({ service: synome, account: outsider, clock })
    const head = await client.head()
    await expect(nfat.send('createAgent', { agentId: 'rogue', name: 'Rogue', type: 'prime', tokenized: true, artifact: 'x' })).rejects.toMatchObject({ code: 'NOT_PERMITTED' })
    await expect(nfat.send('recordRootEditVote', { proposalId: 'any', voter: '0xaa', support: 'yes', weight: '1' })).rejects.toMatchObject({ code: 'NOT_PERMITTED' })
    expect(await client.head()).toEqual(head)
  })

  it('restructures are their own commands: Halo → Prime and Folio → Halo', async () => {
    await client.send('createAgent', { agentId: 'spark-term', name: 'Spark Term Halo', type: 'halo', subtype: 'term', tokenized: false, parent: 'spark', artifact: 't', profile: profile('halo-profile.json') })
    await client.send('createAgent', { agentId: 'halo-up', name: 'Halo Up', type: 'halo', tokenized: false, parent: 'spark', artifact: 'u' })
    await client.send('createAgent', { agentId: 'folio-1', name: 'Folio 1', type: 'folio', tokenized: false, parent: 'spark', artifact: 'f' })
    expect((await client.send('upgradeHaloToPrime', { agentId: 'halo-up' })).result).toMatchObject({ from: 'halo', to: 'prime', tokenSupply: '10000000000' })
    expect((await client.send('graduateFolio', { agentId: 'folio-1', to: 'halo' })).result).toMatchObject({ from: 'folio', to: 'halo' })
    await expect(client.send('upgradeHaloToPrime', { agentId: 'spark' })).rejects.toMatchObject({ code: 'PRECONDITION_FAILED' })
  })
})

describe('Root Edit records in the Synome', () => {
  it('under quorum: fails, and the Artifact stays at version 1', async () => {
    await client.send('proposeRootEdit', { proposalId: 'spark-re-1', agentId: 'spark', newContent: 'Spark v2 (low turnout)' })
    await client.send('recordRootEditVote', { proposalId: 'spark-re-1', voter: '0xaa', support: 'yes', weight: '999999999' })
    await expect(client.send('finalizeRootEdit', { proposalId: 'spark-re-1' })).rejects.toMatchObject({ code: 'PRECONDITION_FAILED' })
    advanceDays(7)
    expect((await client.send('finalizeRootEdit', { proposalId: 'spark-re-1' })).result).toMatchObject({ status: 'failedQuorum', quorumVotes: '1000000000' })
    expect((await client.get<{ artifactVersion: number }>('agent', 'spark')).data.artifactVersion).toBe(1)
  })

  it('over quorum and threshold: passes and becomes Artifact version 2; a vote after the duration is refused', async () => {
    await client.send('proposeRootEdit', { proposalId: 'spark-re-2', agentId: 'spark', newContent: 'Spark v2' })
    await client.send('recordRootEditVote', { proposalId: 'spark-re-2', voter: '0xaa', support: 'yes', weight: '800000000' })
    await client.send('recordRootEditVote', { proposalId: 'spark-re-2', voter: '0xbb', support: 'no', weight: '300000000' })
    advanceDays(7)
    await expect(client.send('recordRootEditVote', { proposalId: 'spark-re-2', voter: '0xcc', support: 'no', weight: '5000000000' })).rejects.toMatchObject({ code: 'PRECONDITION_FAILED' })
    expect((await client.send('finalizeRootEdit', { proposalId: 'spark-re-2' })).result).toMatchObject({ status: 'passed', appliedVersion: 2 })
    expect(await artifactOf('spark', 2)).toBe('Spark v2')
    expect((await client.get<{ artifactVersion: number }>('agent', 'spark')).data.artifactVersion).toBe(2)
  })

  it('records a Guardian Action Precedent', async () => {
    await client.send('recordGuardianPrecedent', { precedentId: 'gap-1', guardian: 'core-guardian-7', agentId: 'spark', rule: 'Artifact 2.1', interpretation: 'Weekly means Mondays', spiritOfTheAtlas: true })
    expect((await client.get<{ at: string }>('guardianPrecedent', 'gap-1')).data.at).toBe('2026-03-15T00:00:00Z')
  })
})

const halo = runHalo

describe('halo mini-atlas and halo agent show, read from the Synome records', () => {
  // the CLI opens the data directory itself, so this process's store must let go of it first
  beforeAll(async () => { await synome.close() })

  it('renders the Prime sections the seed lists, with its own Root Edit rules and history', async () => {
    const atlas = JSON.parse((await halo('mini-atlas', 'spark', '--data-dir', dataDir, '--json')).stdout)
    expect(atlas.sections.map((section: { title: string }) => section.title)).toEqual(['Strategic overview', 'Key parameters in plain language', 'Risk disclosures', 'Governance processes', 'How to participate'])
    expect(atlas.sections[1].body).toContain('Token supply: 10,000,000,000 tokens.')
    expect(atlas.sections[3].body).toEqual([
      'Token holders change this agent’s Artifact by Root Edit. A vote lasts 7 days; at least 10% of all tokens must take part, and at least 60% of the yes-or-no votes must be yes.',
      'The Artifact is at version 2; 2 Root Edit(s) proposed, 1 passed.',
      'Guardian core-guardian-7 interpreted "Artifact 2.1": Weekly means Mondays',
    ])
  })

  it('renders the externally facing Halo sections; refuses agents that keep no Mini-Atlas', async () => {
    const run = await halo('mini-atlas', 'spark-term', '--data-dir', dataDir)
    for (const title of ['Investment strategy and expected returns', 'Risk factors', 'Legal structure and regulatory status', 'Reporting cadence and metrics']) expect(run.stdout).toContain(`## ${title}`)
    expect((await halo('mini-atlas', 'folio-1', '--data-dir', dataDir)).stderr).toContain('PRECONDITION_FAILED')
  })

  it('shows an agent with its Artifact versions, Root Edits and type history', async () => {
    const shown = JSON.parse((await halo('agent', 'show', 'halo-up', '--data-dir', dataDir)).stdout)
    expect(shown.typeHistory.map((entry: { type: string }) => entry.type)).toEqual(['halo', 'prime'])
    const spark = JSON.parse((await halo('agent', 'show', 'spark', '--data-dir', dataDir)).stdout)
    expect(spark.artifacts.map((artifact: { version: number; content: string }) => [artifact.version, artifact.content])).toEqual([[1, 'Spark v1'], [2, 'Spark v2']])
    expect(spark.rootEdits.map((edit: { outcome: string }) => edit.outcome)).toEqual(['failedQuorum', 'passed'])
  })

  it('refuses to read a data directory that does not exist (and does not create one)', async () => {
    const missing = join(dataDir, 'no-such-store')
    expect((await halo('agent', 'show', 'spark', '--data-dir', missing)).stderr).toContain('NOT_FOUND')
    expect(existsSync(missing)).toBe(false)
  })
})
