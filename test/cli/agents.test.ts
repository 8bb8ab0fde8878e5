import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest'
import { main } from '../../src/cli/main.js'

const examples = new URL('../../examples/settlement/', import.meta.url).pathname
const work = mkdtempSync(join(tmpdir(), 'halo-agents-cli-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))
afterEach(() => { process.exitCode = undefined })

/** Run `halo …` in-process and capture what it printed and its exit code. */
async function halo(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  let stdout = ''
  let stderr = ''
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => { stdout += String(chunk); return true })
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => { stderr += String(chunk); return true })
  try {
    await main(['node', 'halo', ...args])
  } finally {
    out.mockRestore()
    err.mockRestore()
  }
  const code = Number(process.exitCode ?? 0)
  process.exitCode = undefined
  return { stdout, stderr, code }
}

describe('halo settle', () => {
  it('writes a JSON and a text statement per agent plus Sky Core', async () => {
    const out = join(work, 'statements')
    const run = await halo('settle', '--period', '2026-03', '--input', join(examples, 'snapshot.json'), '--out', out)
    expect(run.code).toBe(0)
    expect(readdirSync(out).sort()).toEqual(['grove.json', 'grove.txt', 'keel.json', 'keel.txt', 'sky-core.json', 'sky-core.txt', 'spark.json', 'spark.txt'])
    const spark = JSON.parse(readFileSync(join(out, 'spark.json'), 'utf8'))
    expect(spark.lines.find((line: { kind: string; inputs: { bucket?: string } }) => line.kind === 'durationReward' && line.inputs.bucket === '42').amount).toBe('80000')
    expect(readFileSync(join(out, 'spark.txt'), 'utf8')).toContain('durationReward: 80000 USDS received from grove')
  })

  it('a malformed snapshot gets an error naming the field, and no file is written', async () => {
    const snapshot = JSON.parse(readFileSync(join(examples, 'snapshot.json'), 'utf8'))
    snapshot.agents[2].holdings[0].amount = '-5'
    const input = join(work, 'bad-snapshot.json')
    writeFileSync(input, JSON.stringify(snapshot))
    const out = join(work, 'never-written')
    const run = await halo('settle', '--period', '2026-03', '--input', input, '--out', out, '--json')
    expect(run.code).toBe(1)
    expect(JSON.parse(run.stderr)).toMatchObject({ code: 'INVALID_INPUT', meta: { field: 'agents[2].holdings[0].amount' } })
    expect(existsSync(out)).toBe(false)
  })

  it('refuses a period that does not match the snapshot, writing nothing', async () => {
    const out = join(work, 'wrong-period')
    const run = await halo('settle', '--period', '2026-04', '--input', join(examples, 'snapshot.json'), '--out', out)
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('period')
    expect(existsSync(out)).toBe(false)
  })
})

describe('halo waterfall', () => {
  it('explains a $120M loss at Spark step by step', async () => {
    const run = await halo('waterfall', '--prime', 'spark', '--loss', '120000000', '--input', join(examples, 'capital.json'), '--json')
    const result = JSON.parse(run.stdout)
    expect(result.steps.map((step: { absorbed: string }) => step.absorbed)).toEqual(['10000000', '90000000', '20000000', '0', '0', '0', '0'])
    expect(result.steps[1].parts).toEqual([{ layer: 'IJRC', absorbed: '20000000', capacity: '20000000' }, { layer: 'EJRC', absorbed: '70000000', capacity: '70000000' }])
    const text = await halo('waterfall', '--prime', 'spark', '--loss', '120000000', '--input', join(examples, 'capital.json'))
    expect(text.stdout).toContain('3. Agent token inflation [prime]\n   reached: 20000000  capacity: 50000000  absorbed: 20000000  passed on: 0')
  })

  it('refuses an unknown Prime and a loss that is not an exact decimal', async () => {
    expect((await halo('waterfall', '--prime', 'obex', '--loss', '1', '--input', join(examples, 'capital.json'))).stderr).toContain('NOT_FOUND')
    expect((await halo('waterfall', '--prime', 'spark', '--loss', '1e6', '--input', join(examples, 'capital.json'))).stderr).toContain('INVALID_INPUT')
  })
})

describe('halo mini-atlas', () => {
  it('renders the Prime sections the seed lists', async () => {
    const atlas = JSON.parse((await halo('mini-atlas', 'spark', '--input', join(examples, 'agents.json'), '--json')).stdout)
    expect(atlas.sections.map((section: { title: string }) => section.title)).toEqual(['Strategic overview', 'Key parameters in plain language', 'Risk disclosures', 'Governance processes', 'How to participate'])
    expect(atlas.sections[3].body[0]).toContain('A vote lasts 7 days; at least 10% of all tokens must take part, and at least 60% of the yes-or-no votes must be yes')
  })

  it('renders the externally facing Halo sections', async () => {
    const run = await halo('mini-atlas', 'spark-term', '--input', join(examples, 'agents.json'))
    for (const title of ['Investment strategy and expected returns', 'Risk factors', 'Legal structure and regulatory status', 'Reporting cadence and metrics']) expect(run.stdout).toContain(`## ${title}`)
  })

  it('refuses agents that keep no Mini-Atlas', async () => {
    expect((await halo('mini-atlas', 'guardian-one', '--input', join(examples, 'agents.json'))).stderr).toContain('PRECONDITION_FAILED')
  })
})

describe('halo agent: registry and Root Edit records', () => {
  const file = join(work, 'agents.json')
  const agent = (...args: string[]) => halo('agent', ...args, '--file', file)

  it('creates a Prime with its 10B genesis supply and its own voting rules', async () => {
    const run = await agent('create', '--at', '1000', '--id', 'grove', '--name', 'Grove', '--type', 'prime', '--tokenized', '--artifact', 'v1', '--quorum-bps', '2000', '--threshold-bps', '5000', '--duration-days', '3')
    expect(JSON.parse(run.stdout)).toMatchObject({ id: 'grove', tokenSupply: '10000000000', artifactVersion: 1 })
  })

  it('a Root Edit under quorum fails and leaves the Artifact at version 1', async () => {
    await agent('propose', 'grove', '--at', '2000', '--content', 'v2 (under quorum)')
    await agent('vote', 'grove-re-1', '--at', '2100', '--voter', '0xa', '--support', 'yes', '--weight', '1999999999')
    const tally = JSON.parse((await agent('tally', 'grove-re-1', '--at', String(2000 + 3 * 86_400))).stdout)
    expect(tally).toMatchObject({ status: 'failedQuorum', quorumVotes: '2000000000' })
    expect(JSON.parse(readFileSync(file, 'utf8')).agents[0].artifactVersion).toBe(1)
  })

  it('over quorum and threshold it passes and becomes Artifact version 2; late votes are refused and change nothing', async () => {
    await agent('propose', 'grove', '--at', '300000', '--content', 'v2')
    await agent('vote', 'grove-re-2', '--at', '300001', '--voter', '0xa', '--support', 'yes', '--weight', '1500000000')
    await agent('vote', 'grove-re-2', '--at', '300002', '--voter', '0xb', '--support', 'no', '--weight', '1000000000')
    const before = readFileSync(file, 'utf8')
    const late = await agent('vote', 'grove-re-2', '--at', String(300000 + 3 * 86_400), '--voter', '0xc', '--support', 'no', '--weight', '5000000000')
    expect(late.stderr).toContain('voting on this Root Edit has ended')
    expect(readFileSync(file, 'utf8')).toBe(before)
    const tally = JSON.parse((await agent('tally', 'grove-re-2', '--at', String(300000 + 3 * 86_400))).stdout)
    expect(tally).toMatchObject({ status: 'passed', appliedVersion: 2 })
    const shown = JSON.parse((await agent('show', 'grove')).stdout)
    expect(shown.artifacts.map((artifact: { version: number; content: string }) => [artifact.version, artifact.content])).toEqual([[1, 'v1'], [2, 'v2']])
  })

  it('restructures are their own commands: Halo → Prime, and Folio graduation', async () => {
    await agent('create', '--at', '1', '--id', 'halo-x', '--name', 'Halo X', '--type', 'halo', '--parent', 'grove', '--artifact', 'h1')
    await agent('create', '--at', '1', '--id', 'folio-x', '--name', 'Folio X', '--type', 'folio', '--parent', 'grove', '--artifact', 'f1')
    expect(JSON.parse((await agent('upgrade-to-prime', 'halo-x', '--at', '5')).stdout)).toMatchObject({ type: 'prime', tokenSupply: '10000000000' })
    expect(JSON.parse((await agent('graduate', 'folio-x', '--to', 'halo', '--at', '6')).stdout)).toMatchObject({ type: 'halo', parent: 'grove' })
    expect((await agent('upgrade-to-prime', 'grove')).stderr).toContain('only a Halo can restructure into a Prime')
    expect(JSON.parse((await agent('show', 'halo-x')).stdout).restructures).toEqual([{ agentId: 'halo-x', kind: 'haloToPrime', from: 'halo', to: 'prime', at: 5 }])
  })

  it('records Guardian Action Precedents', async () => {
    const run = await agent('precedent', '--at', '9', '--guardian', 'core-guardian-7', '--agent', 'grove', '--rule', 'Artifact 3.2', '--interpretation', 'Applies to new Halos only')
    expect(JSON.parse(run.stdout)).toMatchObject({ id: 'gap-1', guardian: 'core-guardian-7', spiritOfTheAtlas: false, at: 9 })
  })
})
