import { existsSync } from 'node:fs'
import type { Command } from 'commander'
import { InvalidInputError, NotFoundError } from '../domain/errors.js'
import { parseUnitsExact } from '../domain/money.js'
import { lossWaterfall } from '../domain/agents/waterfall.js'
import { parseCapital } from '../settlement/capitalFile.js'
import { readJsonFile, writeFilesAtomically } from '../settlement/files.js'
import { renderStatementText, renderWaterfallText, statementToJson, waterfallToJson } from '../settlement/render.js'
import { settle } from '../settlement/settle.js'
import { parseSnapshot, SETTLEMENT_DECIMALS } from '../settlement/snapshot.js'
import { buildStatements } from '../settlement/statement.js'
import { createHttpClient, resolveSynomeToken } from '../synome/client/http.js'
import { createInProcessClient } from '../synome/client/inProcess.js'
import type { SynomeClient } from '../synome/client/types.js'
import { AGENT, AGENT_ARTIFACT, GUARDIAN_PRECEDENT, registerAgentCommands, ROOT_EDIT } from '../synome/commands/agents/index.js'
import { createSynome } from '../synome/create.js'
import { buildMiniAtlas, loadMiniAtlasRecords, renderMiniAtlasText } from '../settlement/miniAtlas.js'

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

  // The agent registry and governance records are Synome commands (createAgent, proposeRootEdit,
  // recordRootEditVote, finalizeRootEdit, …), sent with `halo synome send`; registering them here
  // means every Synome this CLI starts (`halo synome serve`) accepts them.
  registerAgentCommands()

  readerOptions(program.command('mini-atlas <agent>'))
    .description('Render the plain-language Mini-Atlas of a Prime or an externally facing Halo from its Synome records')
    .action((agent: string, options: ReaderOptions) => withReader(options, async (client) => {
      const atlas = buildMiniAtlas(await loadMiniAtlasRecords(client, agent))
      if (options.json) printJson(atlas)
      else print(renderMiniAtlasText(atlas))
    }))

  const agent = program.command('agent').description('Agent registry and governance records in the Synome (write them with `halo synome send createAgent …`)')
  readerOptions(agent.command('show <id>'))
    .description('An agent with its Artifact versions, Root Edits (votes, outcome) and Guardian Action Precedents')
    .action((id: string, options: ReaderOptions) => withReader(options, async (client) => {
      const page = async (type: string) => (await client.list({ type, prime: id, limit: 1000 })).items.map((item) => item.data)
      const record = await client.get(AGENT, id)
      const history = await client.history<{ type: string }>(AGENT, id, { limit: 1000 })
      printJson({
        agent: record.data,
        typeHistory: history.map((version) => ({ version: version.version, type: version.data.type })),
        artifacts: await page(AGENT_ARTIFACT),
        rootEdits: await page(ROOT_EDIT),
        precedents: await page(GUARDIAN_PRECEDENT),
      })
    }))
}

export type ReaderOptions = { synome?: string; token?: string; dataDir?: string; databaseUrl?: string; json?: boolean }

export function readerOptions(command: Command): Command {
  return command
    .option('--synome <url>', 'Synome API (env HALO_SYNOME_URL, default http://127.0.0.1:8787)')
    .option('--token <token>', 'Synome bearer token (env HALO_SYNOME_TOKEN)')
    .option('--data-dir <dir>', 'read a PGlite data directory directly (no server running on it)')
    .option('--database-url <url>', 'read a PostgreSQL database directly')
    .option('--json', 'machine-readable output')
}

/** Reads need no signer: over HTTP, or on a store opened (and closed again) in this process. */
export async function withReader(options: ReaderOptions, read: (client: SynomeClient) => Promise<void>): Promise<void> {
  if (!options.dataDir && !options.databaseUrl) {
    return read(createHttpClient({ url: options.synome ?? process.env.HALO_SYNOME_URL ?? 'http://127.0.0.1:8787', token: resolveSynomeToken({ flag: options.token }) }))
  }
  // a read must not create an empty store where the user mistyped a path
  if (options.dataDir && !options.databaseUrl && !existsSync(options.dataDir)) throw new NotFoundError(`no Synome data directory at ${options.dataDir}`, { meta: { field: 'dataDir' } })
  const service = await createSynome({ dataDir: options.dataDir, databaseUrl: options.databaseUrl })
  try {
    await read(createInProcessClient({ service }))
  } finally {
    await service.close()
  }
}

