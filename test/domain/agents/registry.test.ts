import { describe, expect, it } from 'vitest'
import { InvalidInputError, PreconditionFailedError } from '../../../src/domain/errors.js'
import { validatePrecedent } from '../../../src/domain/agents/precedents.js'
import { AGENT_TYPES, agentRank, createAgent, PRIME_GENESIS_SUPPLY, restructureAgent, type AgentRecord } from '../../../src/domain/agents/registry.js'

const spark = createAgent({ id: 'spark', name: 'Spark', type: 'prime', subtype: 'star', tokenized: true }, new Map())
const registry = new Map<string, AgentRecord>([['spark', spark]])

describe('Agent registry: types, ranks, tokenization, parents', () => {
  it('ranks: Core Council 0; Guardian, Core Controlled, Recovery 1; Prime, Generator 2; Halo, Folio 3', () => {
    expect(Object.fromEntries(Object.keys(AGENT_TYPES).map((type) => [type, agentRank(type as keyof typeof AGENT_TYPES)]))).toEqual({
      coreCouncil: 0, guardian: 1, coreControlled: 1, recovery: 1, prime: 2, generator: 2, halo: 3, folio: 3,
    })
  })

  it('Prime creation records a 10B genesis supply', () => {
    expect(spark.tokenSupply).toBe(10_000_000_000n * 10n ** 18n)
    expect(PRIME_GENESIS_SUPPLY).toBe(spark.tokenSupply)
  })

  it('Core Controlled, Recovery and Folio agents are tokenless; Primes and Guardians are tokenized', () => {
    expect(() => createAgent({ id: 'cca', name: 'Legacy', type: 'coreControlled', tokenized: true }, registry)).toThrow(InvalidInputError)
    expect(() => createAgent({ id: 'g1', name: 'Guardian', type: 'guardian', tokenized: false }, registry)).toThrow(InvalidInputError)
  })

  it('a Halo needs a Prime parent; a Folio needs its administering Prime', () => {
    expect(createAgent({ id: 'halo-a', name: 'Halo A', type: 'halo', subtype: 'term', tokenized: false, parent: 'spark' }, registry).parent).toBe('spark')
    expect(() => createAgent({ id: 'halo-b', name: 'Halo B', type: 'halo', tokenized: false }, registry)).toThrow(PreconditionFailedError)
    expect(() => createAgent({ id: 'folio-1', name: 'Folio', type: 'folio', tokenized: false, parent: 'nobody' }, registry)).toThrow(PreconditionFailedError)
  })

  it('refuses duplicate ids and bad ids', () => {
    expect(() => createAgent({ ...spark }, registry)).toThrow(PreconditionFailedError)
    expect(() => createAgent({ id: 'Bad Id', name: 'x', type: 'prime', tokenized: true }, registry)).toThrow(InvalidInputError)
  })
})

describe('Restructures are the only type changes', () => {
  const halo = createAgent({ id: 'halo-a', name: 'Halo A', type: 'halo', tokenized: false, parent: 'spark' }, registry)
  const folio = createAgent({ id: 'folio-1', name: 'Folio', type: 'folio', tokenized: false, parent: 'spark' }, registry)

  it('Type 2: a Halo becomes a Prime, leaves its parent and gets the genesis supply', () => {
    expect(restructureAgent(halo, { kind: 'haloToPrime' }, registry)).toMatchObject({ id: 'halo-a', type: 'prime', parent: undefined, tokenized: true, tokenSupply: PRIME_GENESIS_SUPPLY })
  })

  it('Type 1: a Folio graduates to a Halo under a Prime, or to a Prime', () => {
    expect(restructureAgent(folio, { kind: 'folioGraduation', to: 'halo' }, registry)).toMatchObject({ type: 'halo', parent: 'spark' })
    expect(restructureAgent(folio, { kind: 'folioGraduation', to: 'prime' }, registry)).toMatchObject({ type: 'prime', tokenSupply: PRIME_GENESIS_SUPPLY })
  })

  it('refuses any other change', () => {
    expect(() => restructureAgent(spark, { kind: 'haloToPrime' }, registry)).toThrow(PreconditionFailedError)
    expect(() => restructureAgent(halo, { kind: 'folioGraduation', to: 'prime' }, registry)).toThrow(PreconditionFailedError)
  })
})

describe('Guardian Action Precedents', () => {
  const precedent = { id: 'gap-1', guardian: 'core-guardian-7', agentId: 'spark', rule: 'Artifact 2.1', interpretation: 'Weekly means Mondays', spiritOfTheAtlas: true, at: 100n }

  it('records who interpreted which rule, how and when', () => {
    expect(validatePrecedent(precedent)).toEqual(precedent)
  })

  it('refuses a precedent without an interpretation or a guardian', () => {
    expect(() => validatePrecedent({ ...precedent, interpretation: '  ' })).toThrow(InvalidInputError)
    expect(() => validatePrecedent({ ...precedent, guardian: '' })).toThrow(InvalidInputError)
  })
})
