import { readFileSync } from 'node:fs'
import type { Command } from 'commander'
import type { Address } from 'viem'
import { chainClientsFor } from '../chain/clients.js'
import { InvalidInputError } from '../domain/errors.js'
import { parseUnitsExact } from '../domain/money.js'
import { runDay0 } from '../factory/day0.js'
import { createHttpClient, resolveSynomeToken } from '../synome/client/http.js'
import { DAY0_REVIEW, type Day0ReviewRecord } from '../synome/commands/factory/records.js'
import '../synome/commands/factory/index.js'
import { signer } from './risk.js'

/**
 * `halo day0 <unit>`: the Factory Day-0 checklist of a factory unit (docs/factory.md). Exits 1
 * listing every failing item. `--sign-off` records today's human review of one of the first N
 * cycles in the Synome (council key) before checking.
 */
type Flags = {
  rpc?: string
  factory?: string
  artifact: string
  synome?: string
  token?: string
  key?: string
  bound?: string
  cycles?: string
  usdsHolder?: string
  fromBlock?: string
  signOff?: boolean
  reviewer?: string
  cycle?: string
  date?: string
  outcome?: 'ok' | 'concern'
  notes?: string
  json?: boolean
}

export function register(program: Command): void {
  program
    .command('day0 <unit>')
    .description('Factory Day-0 checklist of a unit: artifact, beacon wiring, claim and redemption dry runs on a fork, initial limits, daily reviews')
    .requiredOption('--artifact <file>', 'the unit artifact as published (markdown)')
    .option('--rpc <url>', 'chain RPC, also forked for the dry run (env HALO_RPC_URL, default http://127.0.0.1:8545)')
    .option('--factory <address>', 'HaloFactory (env HALO_FACTORY)')
    .option('--synome <url>', 'Synome API for review sign-offs (env HALO_SYNOME_URL)')
    .option('--token <token>', 'Synome bearer token (env HALO_SYNOME_TOKEN)')
    .option('--key <file|hex>', 'council key for --sign-off (env HALO_KEY)')
    .option('--bound <usds>', 'conservative bound for initial rate limits, in USDS (default 25000000)')
    .option('--cycles <n>', 'cycles that need a daily human review (default 7)')
    .option('--usds-holder <address>', 'funds the dry-run deposit (default: the USDS owner mints, devnet)')
    .option('--from-block <n>', 'first block to scan for the metadata event', '0')
    .option('--sign-off', 'record a daily review sign-off first (needs --reviewer, --cycle, --date)')
    .option('--reviewer <name>')
    .option('--cycle <n>')
    .option('--date <yyyy-mm-dd>')
    .option('--outcome <ok|concern>', 'review outcome', 'ok')
    .option('--notes <text>', 'review notes', '')
    .option('--json', 'machine-readable output')
    .action(async (unit: string, f: Flags) => {
      const factory = (f.factory ?? process.env.HALO_FACTORY) as Address | undefined
      if (!factory) throw new InvalidInputError('--factory <address> (or HALO_FACTORY) is required')
      const rpcUrl = f.rpc ?? process.env.HALO_RPC_URL ?? 'http://127.0.0.1:8545'
      const synomeUrl = f.synome ?? process.env.HALO_SYNOME_URL
      const synome = synomeUrl ? createHttpClient({ url: synomeUrl, account: f.signOff ? signer(f.key) : undefined, token: resolveSynomeToken({ flag: f.token }) }) : undefined
      if (f.signOff) {
        if (!synome || !f.reviewer || !f.cycle || !f.date) throw new InvalidInputError('--sign-off needs --synome, --reviewer, --cycle and --date')
        await synome.send('recordDay0Review', { unit: unit.toLowerCase(), cycle: Number(f.cycle), date: f.date, reviewer: f.reviewer, outcome: f.outcome ?? 'ok', notes: f.notes ?? '' })
      }
      const { publicClient } = await chainClientsFor(rpcUrl)
      const reviews = synome ? (await synome.list<Day0ReviewRecord>({ type: DAY0_REVIEW, limit: 1000 })).items.filter((r) => r.data.unit === unit.toLowerCase()).length : 0
      const report = await runDay0({
        publicClient,
        rpcUrl,
        factory,
        unit: unit as Address,
        artifact: readFileSync(f.artifact, 'utf8'),
        reviewsSigned: reviews,
        fromBlock: BigInt(f.fromBlock ?? '0'),
        conservativeBound: f.bound === undefined ? undefined : parseUnitsExact(f.bound, 18, 'bound'),
        reviewCycles: f.cycles === undefined ? undefined : Number(f.cycles),
        usdsHolder: f.usdsHolder as Address | undefined,
      })
      if (f.json) process.stdout.write(`${JSON.stringify({ ok: report.ok, unit: report.unit, failures: report.failures, notes: report.notes }, null, 2)}\n`)
      else process.stdout.write(`${[`Day-0 ${report.unit}: ${report.ok ? 'PASS' : 'FAIL'}`, ...report.failures.map((x) => `  ✗ ${x.message}`), ...report.notes.map((n) => `  · ${n}`)].join('\n')}\n`)
      if (!report.ok) process.exitCode = 1
    })
}
