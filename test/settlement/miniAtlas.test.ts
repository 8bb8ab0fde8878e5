import { describe, expect, it } from 'vitest'
import { InvalidInputError, PreconditionFailedError } from '../../src/domain/errors.js'
import { buildMiniAtlas, percent, renderMiniAtlasText, type MiniAtlasRecords } from '../../src/settlement/miniAtlas.js'
import type { AgentEntity } from '../../src/synome/commands/agents/records.js'

const spark: AgentEntity = {
  agentId: 'spark', name: 'Spark', type: 'prime', subtype: 'star', tokenized: true, parent: null, subProxy: null, tokenSupply: '10000000000',
  artifactVersion: 1, votingRules: { quorumBps: 1500, thresholdBps: 5001, durationSeconds: 5 * 86_400 + 43_200 },
  profile: { strategicOverview: 'Lends USDS in DeFi.', participation: 'Stake SPK.', externalParticipants: false }, createdAt: '2026-03-01T00:00:00Z',
}
const records = (agent: AgentEntity, children: AgentEntity[] = []): MiniAtlasRecords => ({ agent, children, rootEdits: [], precedents: [] })

describe('Mini-Atlas rendering', () => {
  it('states parameters from the records and framework constants, in plain language', () => {
    const text = renderMiniAtlasText(buildMiniAtlas(records(spark, [{ ...spark, agentId: 'spark-term', name: 'Spark Term', type: 'halo', parent: 'spark' }])))
    expect(text).toContain('Spark is a star Prime (rank 2).')
    expect(text).toContain('Each time it issues tokens, 5% of the new tokens go to Sky Core.')
    expect(text).toContain('It pays Sky Core 0.25% of its token supply each year')
    expect(text).toContain('A vote lasts 5.5 days; at least 15% of all tokens must take part, and at least 50.01% of the yes-or-no votes must be yes.')
    expect(text).toContain('Halos it runs: Spark Term.')
  })

  it('formats bps as exact percentages', () => {
    expect([percent(25n), percent(1000n), percent(5001n)]).toEqual(['0.25%', '10%', '50.01%'])
  })

  it('names the missing profile field', () => {
    expect(() => buildMiniAtlas(records({ ...spark, profile: { externalParticipants: false, participation: 'x' } }))).toThrow(InvalidInputError)
    const halo = records({ ...spark, type: 'halo', profile: { externalParticipants: true, investmentStrategy: 's', expectedReturns: 'r', riskFactors: 'f', legalStructure: 'l', regulatoryStatus: 'q', reportingCadence: 'c' } })
    const error = (() => { try { buildMiniAtlas(halo); return undefined } catch (caught) { return caught } })()
    expect(error).toBeInstanceOf(InvalidInputError)
    expect((error as InvalidInputError).meta?.field).toBe('profile.metrics')
  })

  it('keeps no Mini-Atlas for a Halo without external participants', () => {
    expect(() => buildMiniAtlas(records({ ...spark, type: 'halo', profile: null }))).toThrow(PreconditionFailedError)
  })
})
