import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest'
import { main } from '../../src/cli/main.js'
import { runHalo } from '../support/cli.js'

const examples = new URL('../../examples/settlement/', import.meta.url).pathname
const work = mkdtempSync(join(tmpdir(), 'halo-agents-cli-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))
afterEach(() => { process.exitCode = undefined })

const halo = runHalo

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
