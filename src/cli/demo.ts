import { fileURLToPath } from 'node:url'
import type { Command } from 'commander'
import { formatEntry, formatOutcome, formatPortfolioOutcome } from '../devnet/format.js'
import { runPortfolioScenario, type PortfolioScenarioOutcome } from '../devnet/runPortfolioScenario.js'
import { runScenario, ScenarioRunError, type ScenarioOutcome } from '../devnet/runScenario.js'
import { isPortfolioScenario, loadAnyScenario, type PortfolioScenario, type Scenario } from '../devnet/scenario.js'

/** The seed's happy path (examples/scenarios/happy-path.json): the demo's Term part. */
export const DEFAULT_SCENARIO = fileURLToPath(new URL('../../examples/scenarios/happy-path.json', import.meta.url))
/** Day-1 capital from every Prime (examples/scenarios/day-one.json): the demo's Portfolio part. */
export const DEFAULT_PORTFOLIO_SCENARIO = fileURLToPath(new URL('../../examples/scenarios/day-one.json', import.meta.url))

/** `halo demo --json` without --scenario: the outcome of both parts. */
export type DemoOutcome = { kind: 'demo'; term: ScenarioOutcome; portfolio: PortfolioScenarioOutcome }

type DemoFlags = { json?: boolean; scenario?: string; rpcUrl?: string }

export function register(program: Command): void {
  program
    .command('demo')
    .description('on fresh devnets, the seed-004 Term path and then a Portfolio launch where three Primes\' allocators put capital into a newly onboarded unit on Day 1 and ramp within SORL (or --scenario file.json: one Term or "kind": "portfolio" scenario); the real beacons and allocators do the work, the demo plays bank, asset manager, GovOps and clock')
    .option('--scenario <file>', 'run one scenario file (see docs/devnet.md, docs/portfolio.md) instead of both default parts')
    .option('--rpc-url <url>', 'anvil-compatible node for the Term part (e.g. the one `halo up` started); without --scenario only the Term part runs then')
    .option('--json', 'print the machine-readable outcome (every state, amount, tx hash, timestamp); both parts: {"kind":"demo","term":…,"portfolio":…}')
    .action(async (flags: DemoFlags) => {
      // Validate first: a bad file names the field and nothing starts.
      const scenario = loadAnyScenario(flags.scenario ?? DEFAULT_SCENARIO)
      const both = flags.scenario === undefined && flags.rpcUrl === undefined
      const portfolioPart = both ? loadAnyScenario(DEFAULT_PORTFOLIO_SCENARIO) : undefined
      const say = (line: string) => void process.stderr.write(`${line}\n`)
      const onEntry = flags.json ? undefined : (e: Parameters<typeof formatEntry>[0]) => void process.stdout.write(`${formatEntry(e)}\n`)
      const term = async (s: Scenario) => runScenario({ scenario: s, rpcUrl: flags.rpcUrl, onProgress: (m) => say(`… ${m}`), onEntry })
      const portfolio = async (s: PortfolioScenario) => runPortfolioScenario({ scenario: s, onProgress: (m) => say(`… ${m}`), onEntry })
      if (isPortfolioScenario(scenario)) {
        if (flags.rpcUrl) throw new ScenarioRunError('a Portfolio scenario runs on its own fresh anvil: drop --rpc-url')
        const outcome = await portfolio(scenario)
        process.stdout.write(flags.json ? `${JSON.stringify(outcome)}\n` : `${formatPortfolioOutcome(outcome)}\n`)
        return
      }
      if (!portfolioPart || !isPortfolioScenario(portfolioPart)) {
        const outcome = await term(scenario)
        process.stdout.write(flags.json ? `${JSON.stringify(outcome)}\n` : `${formatOutcome(outcome)}\n`)
        return
      }
      if (!flags.json) process.stdout.write(`== part 1 of 2: ${scenario.name} (Term Halo, seed 004)\n`)
      const termOutcome = await term(scenario)
      if (!flags.json) process.stdout.write(`${formatOutcome(termOutcome)}\n\n== part 2 of 2: ${portfolioPart.name} (Portfolio Halo)\n`)
      const portfolioOutcome = await portfolio(portfolioPart)
      if (flags.json) {
        const outcome: DemoOutcome = { kind: 'demo', term: termOutcome, portfolio: portfolioOutcome }
        process.stdout.write(`${JSON.stringify(outcome)}\n`)
      } else process.stdout.write(`${formatPortfolioOutcome(portfolioOutcome)}\n`)
    })
}
