/**
 * `npm run bench:e2e [-- --scenario file.json --repeat 1 --json]`
 *
 * Wall time of `halo demo` (both parts by default: the seed-004 Term path, the Day-1 Portfolio launch) run as a user runs it — a child
 * process of `bin/halo.mjs demo --json` — and where it goes: waiting on the chain (wall time with
 * at least one JSON-RPC request in flight, measured on the demo's transport, overlaps counted
 * once), our own code (everything else inside the run: beacons' decisions, Synome commands on
 * PGlite, verify, the demo's bookkeeping) and process start-up, for each part, (Node + tsx loading the CLI).
 */
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { parseArgs } from 'node:util'
import type { DemoOutcome } from '../src/cli/demo.js'
import type { PortfolioScenarioOutcome } from '../src/devnet/runPortfolioScenario.js'
import type { ScenarioOutcome } from '../src/devnet/runScenario.js'

const { values: flags } = parseArgs({
  options: {
    scenario: { type: 'string' },
    repeat: { type: 'string', default: '1' },
    json: { type: 'boolean', default: false },
  },
})
const repeat = Number(flags.repeat)
if (!Number.isInteger(repeat) || repeat < 1 || repeat > 20) throw new Error('--repeat must be an integer from 1 to 20')
const run = promisify(execFile)

type Part = { name: string; runMs: number; chainWaitMs: number; ownCodeMs: number; rpcRequests: number; timelineEntries: number }
type Sample = { processMs: number; startupMs: number; parts: Part[] }
const partOf = (name: string, o: ScenarioOutcome | PortfolioScenarioOutcome): Part => ({ name, runMs: o.timing.wallMs, chainWaitMs: o.timing.chainWaitMs, ownCodeMs: o.timing.wallMs - o.timing.chainWaitMs, rpcRequests: o.timing.rpcRequests, timelineEntries: o.timeline.length })
const samples: Sample[] = []
for (let i = 0; i < repeat; i++) {
  const started = performance.now()
  const args = ['bin/halo.mjs', 'demo', '--json', ...(flags.scenario ? ['--scenario', flags.scenario] : [])]
  const { stdout } = await run(process.execPath, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 })
  const processMs = performance.now() - started
  const outcome = JSON.parse(stdout) as DemoOutcome | ScenarioOutcome | PortfolioScenarioOutcome
  const parts = 'term' in outcome ? [partOf(`Term: ${outcome.term.scenario}`, outcome.term), partOf(`Portfolio: ${outcome.portfolio.scenario}`, outcome.portfolio)] : [partOf(outcome.scenario, outcome)]
  samples.push({ processMs, startupMs: processMs - parts.reduce((sum, p) => sum + p.runMs, 0), parts })
}

const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!
const seconds = (ms: number) => +(ms / 1000).toFixed(2)
const result = {
  scenario: flags.scenario ?? 'both demo parts: examples/scenarios/happy-path.json (seed 004) + examples/scenarios/day-one.json (Day-1 Portfolio launch)',
  repeat,
  processSeconds: seconds(median(samples.map((s) => s.processMs))),
  startupSeconds: seconds(median(samples.map((s) => s.startupMs))),
  parts: samples[0]!.parts.map((first, i) => {
    const pick = (f: (p: Part) => number) => median(samples.map((s) => f(s.parts[i]!)))
    return {
      name: first.name,
      runSeconds: seconds(pick((p) => p.runMs)),
      chainWaitSeconds: seconds(pick((p) => p.chainWaitMs)),
      ownCodeSeconds: seconds(pick((p) => p.ownCodeMs)),
      chainWaitShareOfRun: +pick((p) => p.chainWaitMs / p.runMs).toFixed(3),
      ownCodeShareOfRun: +pick((p) => p.ownCodeMs / p.runMs).toFixed(3),
      rpcRequests: pick((p) => p.rpcRequests),
      timelineEntries: first.timelineEntries,
    }
  }),
}
if (flags.json) process.stdout.write(`${JSON.stringify(result)}\n`)
else {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`
  process.stdout.write(
    [
      `halo demo — ${result.scenario}, median of ${repeat}`,
      `  process wall time      ${result.processSeconds} s (Node + tsx start-up ${result.startupSeconds} s)`,
      ...result.parts.flatMap((p) => [
        `  ${p.name}`,
        `    run                  ${p.runSeconds} s (anvil, deployment through the Configurator and the factory, every scenario day)`,
        `    waiting on the chain ${p.chainWaitSeconds} s  ${pct(p.chainWaitShareOfRun)}  (${p.rpcRequests} JSON-RPC requests)`,
        `    our own code         ${p.ownCodeSeconds} s  ${pct(p.ownCodeShareOfRun)}  (beacons, allocators, Synome on PGlite, verify, demo)`,
      ]),
      '',
    ].join('\n'),
  )
}
