/**
 * `npm run bench:e2e [-- --scenario file.json --repeat 1 --json]`
 *
 * Wall time of `halo demo` (the seed happy path by default) run as a user runs it — a child
 * process of `bin/halo.mjs demo --json` — and where it goes: waiting on the chain (wall time with
 * at least one JSON-RPC request in flight, measured on the demo's transport, overlaps counted
 * once), our own code (everything else inside the run: beacons' decisions, Synome commands on
 * PGlite, verify, the demo's bookkeeping) and process start-up (Node + tsx loading the CLI).
 */
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { parseArgs } from 'node:util'
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

type Sample = { processMs: number; runMs: number; chainWaitMs: number; ownCodeMs: number; startupMs: number; rpcRequests: number; days: number; timelineEntries: number }
const samples: Sample[] = []
for (let i = 0; i < repeat; i++) {
  const started = performance.now()
  const args = ['bin/halo.mjs', 'demo', '--json', ...(flags.scenario ? ['--scenario', flags.scenario] : [])]
  const { stdout } = await run(process.execPath, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 })
  const processMs = performance.now() - started
  const outcome = JSON.parse(stdout) as ScenarioOutcome
  const { wallMs, chainWaitMs, rpcRequests } = outcome.timing
  const days = Math.max(...outcome.timeline.map((e) => e.day)) + 1
  samples.push({ processMs, runMs: wallMs, chainWaitMs, ownCodeMs: wallMs - chainWaitMs, startupMs: processMs - wallMs, rpcRequests, days, timelineEntries: outcome.timeline.length })
}

const median = (pick: (s: Sample) => number) => {
  const sorted = samples.map(pick).sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}
const result = {
  scenario: flags.scenario ?? 'examples/scenarios/happy-path.json (seed 004 happy path)',
  repeat,
  processSeconds: +(median((s) => s.processMs) / 1000).toFixed(2),
  runSeconds: +(median((s) => s.runMs) / 1000).toFixed(2),
  chainWaitSeconds: +(median((s) => s.chainWaitMs) / 1000).toFixed(2),
  ownCodeSeconds: +(median((s) => s.ownCodeMs) / 1000).toFixed(2),
  startupSeconds: +(median((s) => s.startupMs) / 1000).toFixed(2),
  chainWaitShareOfRun: +(median((s) => s.chainWaitMs / s.runMs)).toFixed(3),
  ownCodeShareOfRun: +(median((s) => s.ownCodeMs / s.runMs)).toFixed(3),
  rpcRequests: median((s) => s.rpcRequests),
  timelineEntries: samples[0]!.timelineEntries,
}
if (flags.json) process.stdout.write(`${JSON.stringify(result)}\n`)
else {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`
  process.stdout.write(
    [
      `halo demo — ${result.scenario}, median of ${repeat}`,
      `  process wall time      ${result.processSeconds} s (Node + tsx start-up ${result.startupSeconds} s)`,
      `  scenario run           ${result.runSeconds} s (anvil, deployment through the Configurator, every scenario day)`,
      `    waiting on the chain ${result.chainWaitSeconds} s  ${pct(result.chainWaitShareOfRun)}  (${result.rpcRequests} JSON-RPC requests)`,
      `    our own code         ${result.ownCodeSeconds} s  ${pct(result.ownCodeShareOfRun)}  (beacons, Synome on PGlite, verify, demo)`,
      '',
    ].join('\n'),
  )
}
