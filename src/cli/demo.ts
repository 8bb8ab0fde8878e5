import { fileURLToPath } from 'node:url'
import type { Command } from 'commander'
import { formatEntry, formatOutcome, formatPortfolioOutcome } from '../devnet/format.js'
import { runPortfolioScenario } from '../devnet/runPortfolioScenario.js'
import { runScenario, ScenarioRunError } from '../devnet/runScenario.js'
import { isPortfolioScenario, loadAnyScenario } from '../devnet/scenario.js'

/** The seed's happy path (examples/scenarios/happy-path.json) is the default scenario. */
export const DEFAULT_SCENARIO = fileURLToPath(new URL('../../examples/scenarios/happy-path.json', import.meta.url))

type DemoFlags = { json?: boolean; scenario?: string; rpcUrl?: string }

export function register(program: Command): void {
  program
    .command('demo')
    .description('run the seed happy path (or --scenario file.json: a Term Halo, or "kind": "portfolio" a Portfolio Halo) on a fresh devnet: the real beacons do the work, the demo plays Primes, bank or asset manager, and clock')
    .option('--scenario <file>', 'scenario file (see docs/devnet.md, docs/portfolio.md); default: the seed happy path')
    .option('--rpc-url <url>', 'anvil-compatible node to use (e.g. the one `halo up` started); a fresh Term Halo is deployed there')
    .option('--json', 'print the machine-readable outcome (every state, amount, tx hash, timestamp)')
    .action(async (flags: DemoFlags) => {
      // Validate first: a bad file names the field and nothing starts.
      const scenario = loadAnyScenario(flags.scenario ?? DEFAULT_SCENARIO)
      const say = (line: string) => void process.stderr.write(`${line}\n`)
      if (isPortfolioScenario(scenario)) {
        if (flags.rpcUrl) throw new ScenarioRunError('a Portfolio scenario runs on its own fresh anvil: drop --rpc-url')
        const outcome = await runPortfolioScenario({ scenario, onProgress: (m) => say(`… ${m}`), onEntry: flags.json ? undefined : (e) => void process.stdout.write(`${formatEntry(e)}\n`) })
        process.stdout.write(flags.json ? `${JSON.stringify(outcome)}\n` : `${formatPortfolioOutcome(outcome)}\n`)
        return
      }
      const outcome = await runScenario({
        scenario,
        rpcUrl: flags.rpcUrl,
        onProgress: (m) => say(`… ${m}`),
        onEntry: flags.json ? undefined : (e) => void process.stdout.write(`${formatEntry(e)}\n`),
      })
      process.stdout.write(flags.json ? `${JSON.stringify(outcome)}\n` : `${formatOutcome(outcome)}\n`)
    })
}
