import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parseScenario, ScenarioInvalidError } from '../../src/devnet/scenario.js'
import { buildProgram } from '../../src/cli/main.js'

const happy = JSON.parse(readFileSync('examples/scenarios/happy-path.json', 'utf8'))

function errorOf(input: unknown): ScenarioInvalidError {
  try {
    parseScenario(input)
  } catch (error) {
    if (error instanceof ScenarioInvalidError) return error
    throw error
  }
  throw new Error('expected the scenario to be refused')
}

describe('scenario files', () => {
  it('both documented examples validate', () => {
    expect(parseScenario(happy).primes.map((p) => p.name)).toEqual(['spark', 'grove', 'keel'])
    expect(parseScenario(JSON.parse(readFileSync('examples/scenarios/partial-default.json', 'utf8'))).returns).toEqual([{ day: 150, recoveryFraction: '0.8', final: true }])
  })

  it.each([
    ['a float amount', (s: any) => (s.primes[1].deposits[0].amount = 25e6 + 0.5), 'primes[1].deposits[0].amount'],
    ['a negative day', (s: any) => (s.primes[0].deposits[0].day = -1), 'primes[0].deposits[0].day'],
    ['an unknown field', (s: any) => (s.sleevePolicy.targetSize = '1'), 'sleevePolicy'],
    ['a recovery fraction above 1', (s: any) => (s.returns = [{ day: 100, recoveryFraction: '1.2' }]), 'returns[0]'],
    ['a missing pipeline', (s: any) => delete s.pipeline, 'pipeline'],
    ['a return after the last day', (s: any) => (s.returns[0].day = 400), 'returns[0].day'],
  ])('refuses %s, naming the field', (_, mutate, path) => {
    const input = structuredClone(happy)
    mutate(input)
    const error = errorOf(input)
    expect(error.code).toBe('SCENARIO_INVALID')
    expect(error.shortMessage).toContain(path)
    expect(error.toProblem()).toMatchObject({ status: 400 })
  })

  it('halo demo with a bad file prints the field and starts nothing (no anvil, no output)', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs')
    const { join } = await import('node:path')
    const { tmpdir } = await import('node:os')
    const file = join(mkdtempSync(join(tmpdir(), 'scenario-')), 'bad.json')
    const bad = structuredClone(happy)
    bad.primes[2].deposits[0].amount = '20M'
    writeFileSync(file, JSON.stringify(bad))
    const { execFileSync } = await import('node:child_process')
    let stderr = ''
    let status = 0
    let stdout = ''
    try {
      stdout = execFileSync(process.execPath, ['bin/halo.mjs', 'demo', '--scenario', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
    } catch (error) {
      const e = error as { status: number; stderr: string; stdout: string }
      status = e.status
      stderr = e.stderr
      stdout = e.stdout
    }
    expect(status).toBe(1)
    expect(stderr).toContain('SCENARIO_INVALID')
    expect(stderr).toContain('primes[2].deposits[0].amount')
    // Nothing ran: no progress line (anvil, deployment) and no timeline.
    expect(stderr).not.toContain('starting anvil')
    expect(stdout).toBe('')
    expect((await buildProgram()).commands.map((c) => c.name())).toContain('demo')
  })
})
