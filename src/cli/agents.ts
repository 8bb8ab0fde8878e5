import type { Command } from 'commander'
import { InvalidInputError } from '../domain/errors.js'
import { parseUnitsExact } from '../domain/money.js'
import { lossWaterfall } from '../domain/agents/waterfall.js'
import { parseCapital } from '../settlement/capitalFile.js'
import { readJsonFile, writeFilesAtomically } from '../settlement/files.js'
import { renderStatementText, renderWaterfallText, statementToJson, waterfallToJson } from '../settlement/render.js'
import { settle } from '../settlement/settle.js'
import { parseSnapshot, SETTLEMENT_DECIMALS } from '../settlement/snapshot.js'
import { buildStatements } from '../settlement/statement.js'
import { access } from 'node:fs/promises'
import { basename, dirname } from 'node:path'
import * as registryFile from '../settlement/agentRegistryFile.js'
import { buildMiniAtlas, renderMiniAtlasText } from '../settlement/miniAtlas.js'
import type { AgentType } from '../domain/agents/registry.js'

const print = (text: string) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`)
const printJson = (value: unknown) => print(JSON.stringify(value, null, 2))

type SettleOptions = { period: string; input: string; out?: string; json?: boolean }

/** `halo settle`: validate the whole snapshot, compute every statement, then (only then) write. */
async function settleAction(options: SettleOptions): Promise<void> {
  const snapshot = parseSnapshot(await readJsonFile(options.input))
  if (snapshot.period !== options.period) {
    throw new InvalidInputError(`snapshot field period is ${snapshot.period}, not ${options.period}`, { meta: { field: 'period' } })
  }
  const statements = buildStatements(snapshot, settle(snapshot))
  if (options.out) {
    const files = statements.flatMap((statement) => [
      { name: `${statement.party}.json`, content: `${JSON.stringify(statementToJson(statement), null, 2)}\n` },
      { name: `${statement.party}.txt`, content: renderStatementText(statement) },
    ])
    const written = await writeFilesAtomically(options.out, files)
    if (options.json) printJson({ period: snapshot.period, files: written })
    else print(`Wrote ${statements.length} statements for ${snapshot.period}:\n${written.map((path) => `  ${path}`).join('\n')}`)
    return
  }
  if (options.json) printJson({ period: snapshot.period, statements: statements.map(statementToJson) })
  else print(statements.map(renderStatementText).join('\n'))
}

type WaterfallOptions = { prime: string; loss: string; input: string; json?: boolean }

async function waterfallAction(options: WaterfallOptions): Promise<void> {
  const loss = parseUnitsExact(options.loss, SETTLEMENT_DECIMALS, 'loss')
  const capital = parseCapital(await readJsonFile(options.input), options.prime)
  const result = lossWaterfall({ loss, capital })
  if (options.json) printJson({ prime: options.prime, ...waterfallToJson(result) })
  else print(renderWaterfallText(result, options.prime))
}

export function register(program: Command): void {
  program
    .command('settle')
    .description('Compute every agent’s fees and rewards for a month and write one statement per agent')
    .requiredOption('--period <yyyy-mm>', 'settlement month, e.g. 2026-03 (must match the snapshot)')
    .requiredOption('--input <file>', 'settlement snapshot JSON (see docs/agents.md)')
    .option('--out <dir>', 'write <agent>.json and <agent>.txt statements into this directory')
    .option('--json', 'machine-readable output')
    .action(settleAction)

  program
    .command('waterfall')
    .description('Explain step by step who absorbs a loss at a Prime')
    .requiredOption('--prime <id>', 'Prime whose exposure lost value')
    .requiredOption('--loss <usd>', 'loss in USD, exact decimal string')
    .requiredOption('--input <file>', 'capital file JSON (see examples/settlement/capital.json)')
    .option('--json', 'machine-readable output')
    .action(waterfallAction)

  program
    .command('mini-atlas <agent>')
    .description('Render the plain-language Mini-Atlas of a Prime or an externally facing Halo from its records')
    .requiredOption('--input <file>', 'agent registry JSON (see examples/settlement/agents.json)')
    .option('--json', 'machine-readable output')
    .action(async (agent: string, options: { input: string; json?: boolean }) => {
      const atlas = buildMiniAtlas(registryFile.parseRegistry(await readJsonFile(options.input)), agent)
      if (options.json) printJson(atlas)
      else print(renderMiniAtlasText(atlas))
    })

  registerAgentCommands(program)
}

// ---- halo agent …: the registry and governance records, kept in one JSON file ----

type FileOption = { file: string; at?: string; json?: boolean }

/** Time at the CLI edge: --at (unix seconds) for replay and tests, else the wall clock. */
function atOf(options: { at?: string }): bigint {
  if (options.at === undefined) return BigInt(Math.floor(Date.now() / 1000))
  if (!/^\d+$/.test(options.at)) throw new InvalidInputError('--at must be unix seconds', { meta: { field: 'at' } })
  return BigInt(options.at)
}

async function loadRegistry(path: string, createIfMissing = false): Promise<registryFile.RegistryFile> {
  if (createIfMissing && !(await access(path).then(() => true, () => false))) return registryFile.emptyRegistry()
  return registryFile.parseRegistry(await readJsonFile(path))
}

async function saveRegistry(path: string, file: registryFile.RegistryFile): Promise<void> {
  await writeFilesAtomically(dirname(path), [{ name: basename(path), content: registryFile.serializeRegistry(file) }])
}

/** Load, change through the domain rules, save; a refused change leaves the file untouched. */
async function change<T>(options: FileOption, apply: (file: registryFile.RegistryFile, at: bigint) => { file: registryFile.RegistryFile; report: T }, createIfMissing = false): Promise<void> {
  const before = await loadRegistry(options.file, createIfMissing)
  const { file, report } = apply(before, atOf(options))
  if (file !== before) await saveRegistry(options.file, file)
  print(registryFile.toJsonText(report))
}

const bpsOption = (value: string | undefined, field: string): bigint | undefined => {
  if (value === undefined) return undefined
  if (!/^\d+$/.test(value)) throw new InvalidInputError(`--${field} must be a whole number`, { meta: { field } })
  return BigInt(value)
}

type CreateOptions = FileOption & {
  id: string; name: string; type: AgentType; subtype?: string; tokenized?: boolean; parent?: string; subProxy?: string
  artifact: string; quorumBps?: string; thresholdBps?: string; durationDays?: string; profile?: string
}

async function createAction(options: CreateOptions): Promise<void> {
  const profile = options.profile === undefined ? undefined : registryFile.parseProfile(await readJsonFile(options.profile))
  const quorumBps = bpsOption(options.quorumBps, 'quorum-bps')
  const thresholdBps = bpsOption(options.thresholdBps, 'threshold-bps')
  const durationDays = bpsOption(options.durationDays, 'duration-days')
  const votingRules = quorumBps !== undefined && thresholdBps !== undefined && durationDays !== undefined ? { quorumBps, thresholdBps, durationSeconds: durationDays * 86_400n } : undefined
  if (votingRules === undefined && (quorumBps ?? thresholdBps ?? durationDays) !== undefined) {
    throw new InvalidInputError('voting rules need all of --quorum-bps, --threshold-bps and --duration-days', { meta: { field: 'votingRules' } })
  }
  await change(options, (file, at) => {
    const next = registryFile.addAgent(file, {
      id: options.id, name: options.name, type: options.type, subtype: options.subtype, tokenized: options.tokenized ?? false,
      parent: options.parent, subProxy: options.subProxy, artifactContent: options.artifact, votingRules, profile,
    }, at)
    return { file: next, report: registryFile.findAgent(next, options.id) }
  }, true)
}

function registerAgentCommands(program: Command): void {
  const agent = program.command('agent').description('Agent registry and governance records (Root Edits, Guardian Action Precedents, restructures)')
  const withFile = (command: Command) => command
    .requiredOption('--file <registry.json>', 'the agent registry file')
    .option('--at <unix-seconds>', 'time of the action (default: now)')
    .option('--json', 'machine-readable output')

  withFile(agent.command('create').description('Register an agent as its permanent type (a Prime gets a 10B genesis supply)'))
    .requiredOption('--id <id>', 'agent id (lowercase, digits, dashes)')
    .requiredOption('--name <name>', 'display name')
    .requiredOption('--type <type>', 'coreCouncil | guardian | coreControlled | recovery | prime | generator | halo | folio')
    .requiredOption('--artifact <text>', 'first Artifact version')
    .option('--subtype <subtype>', 'e.g. star, institutional, portfolio, term')
    .option('--tokenized', 'the agent has a token')
    .option('--parent <id>', 'a Halo’s Prime or a Folio’s administering Prime')
    .option('--sub-proxy <address>', 'SubProxy address')
    .option('--quorum-bps <bps>', 'Root Edit quorum, share of supply in bps')
    .option('--threshold-bps <bps>', 'Root Edit threshold, share of yes among yes+no in bps')
    .option('--duration-days <days>', 'Root Edit voting duration in days')
    .option('--profile <file>', 'JSON with the Mini-Atlas narrative fields')
    .action(createAction)

  withFile(agent.command('upgrade-to-prime <id>').description('Type 2 restructure: a Halo becomes a Prime'))
    .action((id: string, options: FileOption) => change(options, (file, at) => {
      const next = registryFile.restructure(file, id, { kind: 'haloToPrime' }, at)
      return { file: next, report: registryFile.findAgent(next, id) }
    }))

  withFile(agent.command('graduate <id>').description('Type 1 restructure: a Folio graduates to a Halo or a Prime'))
    .requiredOption('--to <type>', 'halo | prime')
    .option('--parent <id>', 'the Prime a graduating Halo sits under (default: the Folio’s administering Prime)')
    .action((id: string, options: FileOption & { to: string; parent?: string }) => change(options, (file, at) => {
      if (options.to !== 'halo' && options.to !== 'prime') throw new InvalidInputError('--to must be halo or prime', { meta: { field: 'to' } })
      const next = registryFile.restructure(file, id, { kind: 'folioGraduation', to: options.to, parent: options.parent }, at)
      return { file: next, report: registryFile.findAgent(next, id) }
    }))

  withFile(agent.command('propose <agent>').description('Open a Root Edit against the agent’s current Artifact'))
    .requiredOption('--content <text>', 'the proposed new Artifact text')
    .action((id: string, options: FileOption & { content: string }) => change(options, (file, at) => {
      const { file: next, proposal } = registryFile.propose(file, id, options.content, at)
      return { file: next, report: proposal }
    }))

  withFile(agent.command('vote <proposal>').description('Cast a token-weighted vote on a Root Edit'))
    .requiredOption('--voter <address>', 'who votes')
    .requiredOption('--support <choice>', 'yes | no | abstain')
    .requiredOption('--weight <tokens>', 'token weight, exact decimal')
    .action((id: string, options: FileOption & { voter: string; support: string; weight: string }) => change(options, (file, at) => {
      if (!['yes', 'no', 'abstain'].includes(options.support)) throw new InvalidInputError('--support must be yes, no or abstain', { meta: { field: 'support' } })
      const weight = parseUnitsExact(options.weight, SETTLEMENT_DECIMALS, 'weight')
      const next = registryFile.vote(file, id, { voter: options.voter, support: options.support as 'yes', weight, at })
      return { file: next, report: next.proposals.find((p) => p.id === id) }
    }))

  withFile(agent.command('tally <proposal>').description('Count a Root Edit; a passed one becomes the next Artifact version'))
    .action((id: string, options: FileOption) => change(options, (file, at) => {
      const result = registryFile.tally(file, id, at)
      return { file: result.file, report: { proposal: id, ...result.outcome, appliedVersion: result.appliedVersion } }
    }))

  withFile(agent.command('precedent').description('Record a Guardian Action Precedent'))
    .requiredOption('--guardian <id>', 'the interpreting Guardian')
    .requiredOption('--agent <id>', 'the agent whose rule was interpreted')
    .requiredOption('--rule <ref>', 'the rule (document section)')
    .requiredOption('--interpretation <text>', 'how it was read')
    .option('--spirit', 'the rule was silent; the spirit of the Atlas was applied')
    .action((options: FileOption & { guardian: string; agent: string; rule: string; interpretation: string; spirit?: boolean }) => change(options, (file, at) => {
      const { file: next, precedent } = registryFile.recordPrecedent(file, { guardian: options.guardian, agentId: options.agent, rule: options.rule, interpretation: options.interpretation, spiritOfTheAtlas: options.spirit ?? false, at })
      return { file: next, report: precedent }
    }))

  withFile(agent.command('show <id>').description('Show an agent with its Artifact versions, Root Edits, restructures and precedents'))
    .action((id: string, options: FileOption) => change(options, (file) => ({
      file,
      report: {
        agent: registryFile.findAgent(file, id),
        artifacts: file.artifacts.filter((a) => a.agentId === id),
        proposals: file.proposals.filter((p) => p.agentId === id),
        restructures: file.restructures.filter((r) => r.agentId === id),
        precedents: file.precedents.filter((p) => p.agentId === id),
      },
    })))
}
