import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Command } from 'commander'
import { z } from 'zod'
import { erc20Abi, getAddress, keccak256, parseEventLogs, stringToHex, type Address, type Hex } from 'viem'
import { allErrorsAbi, beamStateAbi, beamTimeLockAbi, configuratorAbi, haloFactoryAbi, haloTemplateRegistryAbi, tradingPoolAbi, tradingPoolFactoryAbi } from '../chain/generated/index.js'
import { chainClientsFor } from '../chain/clients.js'
import { encodeCall, executeCall, scheduleCall } from '../chain/timelock.js'
import { writeAndWait } from '../chain/devnet.js'
import { InvalidInputError } from '../domain/errors.js'
import { classArgs, deployBook, deployClass, deployPool, deployUnit, portfolioTemplate, predictBook, predictClass, predictPool, predictUnit, templateIdOf, termTemplate, tradingTemplate, type PortfolioBookParams, type PortfolioImplementations, type PortfolioUnitAddresses, type TemplateRanges, type TradingPoolParams, type TemplateStruct, type TermImplementations, type TradingImplementations } from '../factory/chain.js'
import { bookParamsSchema, classParamsSchema, poolParamsSchema, readParams, templateRangesSchema, unitParamsSchema } from '../factory/params.js'
import { artifactHash, renderPortfolioUnitArtifact, renderTradingUnitArtifact } from '../factory/artifact.js'
import { portfolioClassOf, portfolioUnitInputOf, predictedBookSource, predictedPoolSource, tradingUnitInputOf } from '../factory/artifactSource.js'
import { readFactoryDeployments } from '../factory/reader.js'
import { FactoryError } from '../factory/errors.js'
import { ingestFactoryEvents } from '../factory/ingest.js'
import { parseUnitsExact } from '../domain/money.js'
import { LIMIT, rateLimitKey } from '../domain/rateLimits.js'
import { poolRateLimitKeys } from '../domain/trading/keys.js'
import { createHttpClient, resolveSynomeToken } from '../synome/client/http.js'
import { warningSignalsSchema } from '../synome/commands/portfolio/records.js'
import { signer } from './risk.js'

/**
 * `halo factory …`: the Halo Factory's template registry and deployments (docs/factory.md).
 * Every command takes `--rpc`, `--factory` (or `--registry`), `--json`; writes take `--key`
 * and `--dry-run` (simulate and print what would happen, send nothing).
 */
type Flags = { rpc?: string; factory?: string; tradingFactory?: string; key?: string; json?: boolean; dryRun?: boolean }
const DEFAULT_RPC = 'http://127.0.0.1:8545'
const rpcOf = (f: Flags) => f.rpc ?? process.env.HALO_RPC_URL ?? DEFAULT_RPC
const out = (text: string) => void process.stdout.write(`${text}\n`)
const json = (value: unknown) => JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? v.toString() : v), 2)
const saltOf = (text: string): Hex => keccak256(stringToHex(text))

const bookLines = (units: readonly PortfolioUnitAddresses[]) =>
  units.map((u, i) => `  unit ${i}: token ${u.token}, subscribe queue ${u.subscribeQueue}, redeem queue ${u.redeemQueue}`).join('\n')

const TERM_IMPLEMENTATIONS = ['almProxy', 'controller', 'rateLimits', 'nfatFacility'] as const
const PORTFOLIO_IMPLEMENTATIONS = ['almProxy', 'controller', 'rateLimits', 'portfolioHaloClass', 'portfolioUnitToken', 'lctsQueue'] as const
const TRADING_IMPLEMENTATIONS = ['almProxy', 'controller', 'rateLimits', 'tradingPool', 'lctsToken', 'lctsQueue'] as const
const KINDS = { term: TERM_IMPLEMENTATIONS, portfolio: PORTFOLIO_IMPLEMENTATIONS, trading: TRADING_IMPLEMENTATIONS } as const
/** The five pool keys GovOps sets (RETURN has no init: a pool with shares cannot return capital). */
const POOL_LIMITS = ['poolBuy', 'poolSell', 'redeem', 'subscribe', 'unsubscribe'] as const
const poolLines = (a: { pool: Address; shareToken: Address; subscribeQueue: Address; redeemQueue: Address }) =>
  `  pool ${a.pool}, share token ${a.shareToken}, subscribe queue ${a.subscribeQueue}, redeem queue ${a.redeemQueue}`

/** The template of `--kind` from `--implementations` (in the order the kind lists them). */
function templateOf(kind: string, implementations: string, ranges: TemplateRanges): TemplateStruct {
  const names = Object.hasOwn(KINDS, kind) ? KINDS[kind as keyof typeof KINDS] : undefined
  if (!names) throw new InvalidInputError(`--kind is term, portfolio or trading, not ${kind}`)
  const addresses = implementations.split(',')
  if (addresses.length !== names.length || !addresses.every((a) => /^0x[0-9a-fA-F]{40}$/.test(a))) {
    throw new InvalidInputError(`--implementations of a ${kind} template takes ${names.length} addresses: ${names.join(',')}`)
  }
  const named = Object.fromEntries(names.map((n, i) => [n, addresses[i] as Address]))
  if (kind === 'trading') return tradingTemplate(named as TradingImplementations, ranges)
  return kind === 'term' ? termTemplate(named as TermImplementations, ranges) : portfolioTemplate(named as PortfolioImplementations, ranges)
}

function factoryOf(f: Flags): Address {
  const value = f.factory ?? process.env.HALO_FACTORY
  if (!value || !/^0x[0-9a-fA-F]{40}$/.test(value)) throw new InvalidInputError('--factory <address> (or HALO_FACTORY) is required')
  return value as Address
}

function tradingFactoryOf(f: Flags): Address {
  const value = f.tradingFactory ?? process.env.HALO_TRADING_FACTORY
  if (!value || !/^0x[0-9a-fA-F]{40}$/.test(value)) throw new InvalidInputError('--trading-factory <address> (or HALO_TRADING_FACTORY) is required')
  return value as Address
}

/** `--trading-factory`, the TradingPoolFactory that deploys a Trading class's pools. */
function trading(command: Command, write: boolean): Command {
  return common(command, write).option('--trading-factory <address>', 'TradingPoolFactory (env HALO_TRADING_FACTORY)')
}

function common(command: Command, write: boolean): Command {
  command.option('--rpc <url>', `chain RPC (env HALO_RPC_URL, default ${DEFAULT_RPC})`).option('--factory <address>', 'HaloFactory (env HALO_FACTORY)').option('--json', 'machine-readable output')
  if (write) command.option('--key <file|hex>', 'signing key (env HALO_KEY)').option('--dry-run', 'simulate only: print the result, send nothing')
  return command
}

const signalsByHashSchema = z.record(z.string().regex(/^0x[0-9a-fA-F]{64}$/), warningSignalsSchema)
const signalsListSchema = z.array(warningSignalsSchema).max(8)

/** Each unit's artifact at the book's predicted addresses (the hash deployBook then carries). */
async function renderBookArtifacts(
  clients: Awaited<ReturnType<typeof chainClientsFor>>,
  p: { factory: Address; pau: Address; book: PortfolioBookParams; salt: Hex; deployer: Address; registry: Address; read: <T>(a: Address, abi: readonly unknown[], fn: string, args?: readonly unknown[]) => Promise<T>; signalsFile?: string | undefined; recourse?: string | undefined; migration?: string | undefined; fromBlock: bigint },
) {
  const { publicClient } = clients
  const cls = await portfolioClassOf({ publicClient, factory: p.factory, pau: p.pau, fromBlock: p.fromBlock })
  const signals = p.signalsFile === undefined ? [] : readParams(p.signalsFile, signalsListSchema, 'warning signals')
  const [, templateVersion] = await p.read<[unknown, bigint]>(p.registry, haloTemplateRegistryAbi, 'templateOf', [cls.templateId])
  const usds = await p.read<Address>(p.factory, haloFactoryAbi, 'usds')
  const predicted = await predictBook(clients, { factory: p.factory, deployer: p.deployer, pau: p.pau, book: p.book, salt: p.salt })
  const source = predictedBookSource({ templateId: cls.templateId, templateVersion: Number(templateVersion), book: p.book, predicted })
  const text = (file: string | undefined) => (file === undefined ? undefined : readFileSync(file, 'utf8'))
  return p.book.units.map((_, index) => {
    const warningSignals = signals[index]
    const markdown = renderPortfolioUnitArtifact({ ...portfolioUnitInputOf({ cls, book: source, index, chainId: publicClient.chain.id, usds, warningSignals }), legalRecourse: text(p.recourse), migration: text(p.migration) })
    return { token: predicted[index]!.token, markdown, hash: artifactHash(markdown), warningSignals }
  })
}

/** A pool's Unit Artifact at its predicted addresses (its hash goes into deployPool; the hash is not in the salt). */
async function renderPoolArtifact(
  clients: Awaited<ReturnType<typeof chainClientsFor>>,
  p: { factory: Address; tradingFactory: Address; pau: Address; params: TradingPoolParams; salt: Hex; deployer: Address; registry: Address; timelock: Address; read: <T>(a: Address, abi: readonly unknown[], fn: string, args?: readonly unknown[]) => Promise<T>; recourse?: string | undefined; migration?: string | undefined; fromBlock: bigint },
) {
  const { publicClient } = clients
  const { classes } = await readFactoryDeployments({ publicClient, factory: p.factory, fromBlock: p.fromBlock, finalityDepth: 0 })
  const cls = classes.find((c) => c.pau === p.pau.toLowerCase())
  if (!cls || cls.haloClass !== undefined) throw new FactoryError(`${p.pau} is not a Trading class of the factory ${p.factory}`)
  const [, templateVersion] = await p.read<[unknown, bigint]>(p.registry, haloTemplateRegistryAbi, 'templateOf', [cls.templateId])
  const usds = await p.read<Address>(p.factory, haloFactoryAbi, 'usds')
  const [assetSymbol, assetDecimals] = [await p.read<string>(p.params.asset, erc20Abi, 'symbol'), await p.read<number>(p.params.asset, erc20Abi, 'decimals')]
  const predicted = await predictPool(clients, { tradingFactory: p.tradingFactory, deployer: p.deployer, pau: p.pau, params: p.params, salt: p.salt })
  const book = predictedPoolSource({ templateId: cls.templateId, templateVersion: Number(templateVersion), params: p.params, predicted })
  const text = (file: string | undefined) => (file === undefined ? undefined : readFileSync(file, 'utf8'))
  const markdown = renderTradingUnitArtifact({ ...tradingUnitInputOf({ cls, book, chainId: publicClient.chain.id, usds, timelock: p.timelock, assetSymbol, assetDecimals }), legalRecourse: text(p.recourse), migration: text(p.migration) })
  return { pool: predicted.pool, markdown, hash: artifactHash(markdown) }
}

async function context(f: Flags) {
  const clients = await chainClientsFor(rpcOf(f))
  const factory = factoryOf(f)
  const read = <T>(address: Address, abi: readonly unknown[], functionName: string, args: readonly unknown[] = []) =>
    clients.publicClient.readContract({ address, abi: [...abi, ...allErrorsAbi], functionName, args } as never) as Promise<T>
  const registry = await read<Address>(factory, haloFactoryAbi, 'registry')
  const timelock = await read<Address>(factory, haloFactoryAbi, 'timelock')
  return { clients, factory, registry, timelock, read }
}

export function register(program: Command): void {
  const factory = program.command('factory').description('Halo Factory: templates, class and unit deployment, address prediction, pre-factory inventory')
  const template = factory.command('template').description('template registry (approval through the BEAMTimeLock)')

  common(template.command('add <name>'), true)
    .description('template approval: schedule setTemplate in the timelock (aBEAM); with --execute, execute it after the delay')
    .option('--kind <term|portfolio|trading>', 'the Halo Class kind', 'term')
    .requiredOption('--implementations <addresses>', `the implementations, comma-separated: term ${TERM_IMPLEMENTATIONS.join(',')}; portfolio ${PORTFOLIO_IMPLEMENTATIONS.join(',')}; trading ${TRADING_IMPLEMENTATIONS.join(',')}`)
    .requiredOption('--ranges <file>', 'parameter ranges (JSON, integer strings)')
    .option('--execute', 'execute the scheduled approval (after the delay)')
    .action(async (name: string, f: Flags & { kind: string; implementations: string; ranges: string; execute?: boolean }) => {
      const { clients, registry, timelock, read } = await context(f)
      const t = templateOf(f.kind, f.implementations, readParams(f.ranges, templateRangesSchema, 'template ranges'))
      const call = { ...encodeCall(registry, { abi: haloTemplateRegistryAbi, functionName: 'setTemplate', args: [templateIdOf(name), t] }), salt: saltOf(`template:${name}:${json(t)}`) }
      const delaySeconds = await read<bigint>(timelock, beamTimeLockAbi, 'getMinDelay')
      if (f.dryRun) return out(f.json ? json({ timelock, kind: f.kind, call, delaySeconds }) : `would ${f.execute ? 'execute' : 'schedule'} setTemplate(${name}, ${f.kind}) in ${timelock} (delay ${delaySeconds} s)\n  ${call.data}`)
      const account = signer(f.key)
      const receipt = f.execute ? await executeCall(clients, { timelock, executor: account, call }) : await scheduleCall(clients, { timelock, proposer: account, call, delaySeconds })
      out(f.json ? json({ templateId: templateIdOf(name), kind: f.kind, tx: receipt.transactionHash, executed: Boolean(f.execute) }) : `${f.execute ? 'executed' : 'scheduled'} ${f.kind} template ${name} (tx ${receipt.transactionHash})`)
    })

  common(template.command('list'), false)
    .description('templates approved or changed (TemplateSet events), with version and whether active')
    .option('--from-block <n>', 'first block to scan', '0')
    .action(async (f: Flags & { fromBlock: string }) => {
      const { clients, registry, read } = await context(f)
      const logs = parseEventLogs({ abi: haloTemplateRegistryAbi, eventName: 'TemplateSet', logs: await clients.publicClient.getLogs({ address: registry, fromBlock: BigInt(f.fromBlock), toBlock: 'latest' }) })
      const ids = [...new Set(logs.map((l) => l.args.templateId))]
      const rows = await Promise.all(ids.map(async (id) => {
        const [, version, active] = await read<[unknown, bigint, boolean]>(registry, haloTemplateRegistryAbi, 'templateOf', [id])
        return { templateId: id, name: Buffer.from(id.slice(2), 'hex').toString('utf8').replace(/\0+$/, ''), version, active }
      }))
      out(f.json ? json(rows) : rows.map((r) => `${r.name.padEnd(32)} v${r.version} ${r.active ? 'active' : 'removed'}`).join('\n') || 'no templates')
    })

  common(template.command('show <name>'), false)
    .description('one template: kind, implementations, code hashes, ranges')
    .action(async (name: string, f: Flags) => {
      const { registry, read } = await context(f)
      const [t, version, active, codeHashes] = await read<[Record<string, unknown>, bigint, boolean, Hex[]]>(registry, haloTemplateRegistryAbi, 'templateOf', [templateIdOf(name)])
      out(json({ name, version, active, ...t, codeHashes }))
    })

  trading(factory.command('addresses <kind>'), false)
    .description('predict the addresses of a class (kind "class"), a Term unit (kind "unit"), a Portfolio book (kind "book") or a Trading pool (kind "pool", with --trading-factory) before deploying')
    .requiredOption('--deployer <address>', 'who will send the deployment')
    .requiredOption('--params <file>', 'class, unit or book parameters (JSON)')
    .requiredOption('--salt <text>', 'your salt (hashed)')
    .option('--template <name>', 'template (class)')
    .option('--pau <address>', 'class PAU (unit, book)')
    .action(async (kind: string, f: Flags & { deployer: Address; params: string; salt: string; template?: string; pau?: Address }) => {
      const { clients, factory: address } = await context(f)
      if (kind === 'class') {
        if (!f.template) throw new InvalidInputError('--template is required for a class')
        const predicted = await predictClass(clients, { factory: address, deployer: f.deployer, templateId: templateIdOf(f.template), params: readParams(f.params, classParamsSchema, 'class parameters'), salt: saltOf(f.salt) })
        return out(f.json ? json(predicted) : Object.entries(predicted).map(([k, v]) => `${k.padEnd(11)} ${v}`).join('\n'))
      }
      if (kind === 'pool' && f.pau) {
        const predicted = await predictPool(clients, { tradingFactory: tradingFactoryOf(f), deployer: f.deployer, pau: f.pau, params: readParams(f.params, poolParamsSchema, 'pool parameters'), salt: saltOf(f.salt) })
        return out(f.json ? json(predicted) : poolLines(predicted))
      }
      if (kind === 'book' && f.pau) {
        const units = await predictBook(clients, { factory: address, deployer: f.deployer, pau: f.pau, book: readParams(f.params, bookParamsSchema, 'book parameters'), salt: saltOf(f.salt) })
        return out(f.json ? json({ units }) : bookLines(units))
      }
      if (kind !== 'unit' || !f.pau) throw new InvalidInputError('kind is "class" (with --template), "unit", "book" or "pool" (with --pau)')
      const unit = await predictUnit(clients, { factory: address, deployer: f.deployer, pau: f.pau, params: readParams(f.params, unitParamsSchema, 'unit parameters'), salt: saltOf(f.salt) })
      out(f.json ? json({ unit }) : `unit ${unit}`)
    })

  common(factory.command('deploy-class'), true)
    .description('deploy a Halo Class (PAU clones) from a template; schedules its registration batch in the timelock')
    .requiredOption('--template <name>', 'approved template')
    .requiredOption('--params <file>', 'class parameters (JSON)')
    .requiredOption('--salt <text>', 'your salt (hashed)')
    .action(async (f: Flags & { template: string; params: string; salt: string }) => {
      const { clients, factory: address } = await context(f)
      const account = signer(f.key)
      const p = { factory: address, account, templateId: templateIdOf(f.template), params: readParams(f.params, classParamsSchema, 'class parameters'), salt: saltOf(f.salt) }
      if (f.dryRun) {
        await clients.publicClient.simulateContract({ address, abi: [...haloFactoryAbi, ...allErrorsAbi], functionName: 'deployClass', args: [p.templateId, classArgs(p.params), p.salt], account })
        const predicted = await predictClass(clients, { ...p, deployer: account.address })
        return out(f.json ? json({ dryRun: true, ...predicted }) : `dry run: would deploy\n${Object.entries(predicted).map(([k, v]) => `  ${k.padEnd(11)} ${v}`).join('\n')}`)
      }
      const deployed = await deployClass(clients, p)
      out(f.json ? json(deployed) : `class deployed: pau ${deployed.pau}, controller ${deployed.controller}, rateLimits ${deployed.rateLimits}\n  timelock batch ${deployed.timelockBatchId} (an aBEAM executes it after the delay)`)
    })

  common(factory.command('deploy-unit'), true)
    .description('deploy a Halo Unit (NFAT Facility clone) into a class (its GovOps only); schedules its batch')
    .requiredOption('--pau <address>', 'the class PAU')
    .requiredOption('--params <file>', 'unit parameters (JSON)')
    .requiredOption('--salt <text>', 'your salt (hashed)')
    .action(async (f: Flags & { pau: Address; params: string; salt: string }) => {
      const { clients, factory: address } = await context(f)
      const account = signer(f.key)
      const p = { factory: address, account, pau: f.pau, params: readParams(f.params, unitParamsSchema, 'unit parameters'), salt: saltOf(f.salt) }
      if (f.dryRun) {
        await clients.publicClient.simulateContract({ address, abi: [...haloFactoryAbi, ...allErrorsAbi], functionName: 'deployUnit', args: [p.pau, p.params, p.salt], account })
        const unit = await predictUnit(clients, { ...p, deployer: account.address })
        return out(f.json ? json({ dryRun: true, unit }) : `dry run: would deploy unit ${unit}`)
      }
      const deployed = await deployUnit(clients, p)
      out(f.json ? json(deployed) : `unit deployed: ${deployed.unit}\n  timelock batch ${deployed.timelockBatchId} (after the class batch)`)
    })

  common(factory.command('deploy-book'), true)
    .description('deploy a Portfolio book (per unit a token and an LCTS queue pair) into a Portfolio class (its GovOps only); schedules its addBook batch')
    .requiredOption('--pau <address>', 'the Portfolio class PAU')
    .requiredOption('--params <file>', 'book parameters (JSON: accrualSeconds, units)')
    .requiredOption('--salt <text>', 'your salt (hashed)')
    .option('--artifacts <dir>', 'render each unit\'s artifact at its predicted addresses into <dir>/<token>.md and deploy with their hashes; writes <dir>/warning-signals.json for `factory ingest`')
    .option('--warning-signals <file>', 'with --artifacts: the units\' warning signals (JSON array, in unit order)')
    .option('--recourse <file>', 'with --artifacts: the units\' legal recourse section (markdown)')
    .option('--migration <file>', 'with --artifacts: the units\' migration section (markdown)')
    .option('--from-block <n>', 'with --artifacts: first block to scan for the class event', '0')
    .action(async (f: Flags & { pau: Address; params: string; salt: string; artifacts?: string; warningSignals?: string; recourse?: string; migration?: string; fromBlock: string }) => {
      const { clients, factory: address, registry, read } = await context(f)
      const account = signer(f.key)
      const p = { factory: address, account, pau: f.pau, book: readParams(f.params, bookParamsSchema, 'book parameters'), salt: saltOf(f.salt) }
      const rendered = f.artifacts === undefined ? undefined : await renderBookArtifacts(clients, { ...p, registry, read, deployer: account.address, signalsFile: f.warningSignals, recourse: f.recourse, migration: f.migration, fromBlock: BigInt(f.fromBlock) })
      if (rendered) p.book = { ...p.book, units: p.book.units.map((u, i) => ({ ...u, artifactHash: rendered[i]!.hash })) }
      const artifacts = rendered?.map(({ token, hash }) => ({ token, hash, file: join(f.artifacts!, `${token}.md`) }))
      if (f.dryRun) {
        await clients.publicClient.simulateContract({ address, abi: [...haloFactoryAbi, ...allErrorsAbi], functionName: 'deployBook', args: [p.pau, p.book.accrualSeconds, p.book.units.map((u) => ({ ...u })), p.salt], account })
        const units = await predictBook(clients, { ...p, deployer: account.address })
        return out(f.json ? json({ dryRun: true, units, ...(artifacts ? { artifacts } : {}) }) : `dry run: would deploy\n${bookLines(units)}`)
      }
      const deployed = await deployBook(clients, p)
      if (rendered) {
        mkdirSync(f.artifacts!, { recursive: true })
        rendered.forEach((r, i) => writeFileSync(artifacts![i]!.file, r.markdown))
        writeFileSync(join(f.artifacts!, 'warning-signals.json'), JSON.stringify(Object.fromEntries(rendered.filter((r) => r.warningSignals).map((r) => [r.hash, r.warningSignals])), null, 2))
      }
      out(f.json ? json({ ...deployed, ...(artifacts ? { artifacts } : {}) }) : `book deployed into ${deployed.haloClass}:\n${bookLines(deployed.units)}\n  timelock batch ${deployed.timelockBatchId} (runs addBook, after the class batch)${artifacts ? `\n  artifacts in ${f.artifacts}` : ''}`)
    })

  common(factory.command('wire-portfolio'), true)
    .description('GovOps (cBEAM) wires lpha-lcts into a Portfolio class once its batch ran: relayer on the Controller, the two transfer limits (to the manager endpoint, to the class)')
    .requiredOption('--pau <address>', 'the Portfolio class PAU')
    .requiredOption('--limit <usds>', 'max per day of each transfer key, in USDS (at most the init)')
    .option('--from-block <n>', 'first block to scan for the class event', '0')
    .action(async (f: Flags & { pau: Address; limit: string; fromBlock: string }) => {
      const { clients, factory: address, read } = await context(f)
      const cls = await portfolioClassOf({ publicClient: clients.publicClient, factory: address, pau: f.pau, fromBlock: BigInt(f.fromBlock) })
      const configurator = await read<Address>(address, haloFactoryAbi, 'configurator')
      const usds = await read<Address>(address, haloFactoryAbi, 'usds')
      const max = parseUnitsExact(f.limit, 18, 'limit')
      const calls = [
        { functionName: 'setRelayer', args: [f.pau, getAddress(cls.beaconOperator)] },
        ...[cls.managerEndpoint, cls.haloClass].map((to) => ({ functionName: 'setRateLimit', args: [f.pau, rateLimitKey(LIMIT.ASSET_TRANSFER, usds, getAddress(to)), max, max / 86_400n] })),
      ] as const
      const account = signer(f.key)
      for (const call of calls) await clients.publicClient.simulateContract({ address: configurator, abi: [...configuratorAbi, ...allErrorsAbi], ...call, account } as never)
      if (f.dryRun) return out(f.json ? json({ dryRun: true, calls }) : `dry run: would send ${calls.map((c) => c.functionName).join(', ')} to ${configurator}`)
      const txs: Hex[] = []
      for (const call of calls) txs.push((await writeAndWait(clients, account, { address: configurator, abi: configuratorAbi, ...call } as never)).transactionHash)
      out(f.json ? json({ pau: f.pau, relayer: cls.beaconOperator, limit: max, txs }) : `lpha-lcts ${cls.beaconOperator} is relayer of ${f.pau}; transfer limits ${f.limit} USDS/day (${txs.length} txs)`)
    })

  trading(factory.command('deploy-pool'), true)
    .description('deploy a Trading pool (pool, share token, LCTS queue pair) into a Trading class (its GovOps only); schedules its LIMIT_AMM_* inits batch')
    .requiredOption('--pau <address>', 'the Trading class PAU')
    .requiredOption('--params <file>', 'pool parameters (JSON)')
    .requiredOption('--salt <text>', 'your salt (hashed)')
    .option('--artifacts <dir>', 'render the pool\'s Unit Artifact at its predicted addresses into <dir>/<pool>.md and deploy with its hash')
    .option('--recourse <file>', 'with --artifacts: the legal recourse section (markdown)')
    .option('--migration <file>', 'with --artifacts: the migration section (markdown)')
    .option('--from-block <n>', 'with --artifacts: first block to scan for the class event', '0')
    .action(async (f: Flags & { pau: Address; params: string; salt: string; artifacts?: string; recourse?: string; migration?: string; fromBlock: string }) => {
      const { clients, factory: haloFactory, registry, timelock, read } = await context(f)
      const account = signer(f.key)
      const p = { tradingFactory: tradingFactoryOf(f), account, pau: f.pau, params: readParams(f.params, poolParamsSchema, 'pool parameters'), salt: saltOf(f.salt) }
      const rendered = f.artifacts === undefined ? undefined : await renderPoolArtifact(clients, { ...p, factory: haloFactory, registry, timelock, read, deployer: account.address, recourse: f.recourse, migration: f.migration, fromBlock: BigInt(f.fromBlock) })
      if (rendered) p.params = { ...p.params, artifactHash: rendered.hash }
      const artifact = rendered && { pool: rendered.pool, hash: rendered.hash, file: join(f.artifacts!, `${rendered.pool.toLowerCase()}.md`) }
      if (f.dryRun) {
        await clients.publicClient.simulateContract({ address: p.tradingFactory, abi: [...tradingPoolFactoryAbi, ...allErrorsAbi], functionName: 'deployPool', args: [p.pau, p.params, p.salt], account })
        const predicted = await predictPool(clients, { ...p, deployer: account.address })
        return out(f.json ? json({ dryRun: true, ...predicted, ...(artifact ? { artifact } : {}) }) : `dry run: would deploy\n${poolLines(predicted)}`)
      }
      const deployed = await deployPool(clients, p)
      if (rendered) {
        mkdirSync(f.artifacts!, { recursive: true })
        writeFileSync(artifact!.file, rendered.markdown)
      }
      out(f.json ? json({ ...deployed, ...(artifact ? { artifact } : {}) }) : `pool deployed into ${deployed.pau}:\n${poolLines(deployed)}\n  timelock batch ${deployed.timelockBatchId} (its LIMIT_AMM_* inits, after the class batch)${artifact ? `\n  artifact ${artifact.file} (${artifact.hash})` : ''}`)
    })

  trading(factory.command('wire-pool'), true)
    .description('GovOps (cBEAM) sets a Trading pool\'s five LIMIT_AMM_* limits at their inits once its batch ran (a new key starts empty and fills over a day)')
    .requiredOption('--pool <address>', 'the pool')
    .action(async (f: Flags & { pool: Address }) => {
      const { clients, factory: address, read } = await context(f)
      const pau = await read<Address>(f.pool, tradingPoolAbi, 'almProxy')
      const asset = await read<Address>(f.pool, tradingPoolAbi, 'asset')
      const [configurator, beamState] = await Promise.all([read<Address>(address, haloFactoryAbi, 'configurator'), read<Address>(address, haloFactoryAbi, 'beamState')])
      const calls = []
      const keys = poolRateLimitKeys(asset, f.pool)
      for (const action of POOL_LIMITS) {
        const key = keys[action]
        const [max, slope] = await read<[bigint, bigint]>(beamState, beamStateAbi, 'getInitRateLimits', [key, pau])
        calls.push({ action, functionName: 'setRateLimit' as const, args: [pau, key, max, slope] as const })
      }
      const account = signer(f.key)
      for (const { functionName, args } of calls) await clients.publicClient.simulateContract({ address: configurator, abi: [...configuratorAbi, ...allErrorsAbi], functionName, args, account })
      if (f.dryRun) return out(f.json ? json({ dryRun: true, calls }) : `dry run: would set ${calls.map((c) => c.action).join(', ')} on ${pau}`)
      const txs: Hex[] = []
      for (const { functionName, args } of calls) txs.push((await writeAndWait(clients, account, { address: configurator, abi: configuratorAbi, functionName, args })).transactionHash)
      out(f.json ? json({ pool: f.pool, pau, limits: calls.map((c) => ({ action: c.action, key: c.args[1], maxAmount: c.args[2], slope: c.args[3] })), txs }) : `${f.pool}: ${calls.length} limits set at their inits on ${pau} (${txs.length} txs)`)
    })

  factory
    .command('ingest')
    .description('the factory\'s metadata events into the Synome (council key): classes, units, books; idempotent and replayable')
    .option('--rpc <url>', `chain RPC (env HALO_RPC_URL, default ${DEFAULT_RPC})`)
    .option('--factory <address>', 'HaloFactory (env HALO_FACTORY)')
    .option('--trading-factory <address>', 'TradingPoolFactory: its pools too (env HALO_TRADING_FACTORY; none without it)')
    .option('--synome <url>', 'Synome API (env HALO_SYNOME_URL)')
    .option('--token <token>', 'Synome bearer token (env HALO_SYNOME_TOKEN)')
    .option('--key <file|hex>', 'council signing key (env HALO_KEY)')
    .option('--warning-signals <file>', 'Portfolio units\' warning signals by Unit Artifact hash (JSON; deploy-book --artifacts writes it)')
    .option('--from-block <n>', 'first block', '0')
    .option('--finality-depth <n>', 'blocks a log must be deep', '2')
    .option('--json', 'machine-readable output')
    .action(async (f: Flags & { synome?: string; token?: string; warningSignals?: string; fromBlock: string; finalityDepth: string }) => {
      const url = f.synome ?? process.env.HALO_SYNOME_URL
      if (!url) throw new InvalidInputError('--synome <url> (or HALO_SYNOME_URL) is required')
      const clients = await chainClientsFor(rpcOf(f))
      const synome = createHttpClient({ url, account: signer(f.key), token: resolveSynomeToken({ flag: f.token }) })
      const warningSignals = f.warningSignals === undefined ? undefined : readParams(f.warningSignals, signalsByHashSchema, 'warning signals')
      const result = await ingestFactoryEvents({ publicClient: clients.publicClient, synome, factory: factoryOf(f), fromBlock: BigInt(f.fromBlock), finalityDepth: Number(f.finalityDepth), warningSignals, tradingFactory: f.tradingFactory ?? process.env.HALO_TRADING_FACTORY ? tradingFactoryOf(f) : undefined })
      out(f.json ? json(result) : `ingested to block ${result.toBlock}: ${result.classes} classes, ${result.units} units, ${result.books} books, ${result.pools} pools (${result.written} written)`)
    })

  const inventory = factory.command('inventory').description('pre-factory Halo inventory (hand-deployed classes and units)')
  common(inventory.command('add <entry>'), true)
    .description('register a hand-deployed class or unit (aBEAM); the registry computes its conformance')
    .requiredOption('--template <name>', 'the template it is compared with')
    .requiredOption('--contracts <a,b,…>', 'class: ALMProxy,Controller,RateLimits; unit: NFATFacility')
    .requiredOption('--beacon-operator <address>', 'the beacon operator (pBEAM)')
    .requiredOption('--artifact-uri <uri>', 'where its artifact is published')
    .option('--artifact-hash <hex>', 'keccak256 of the artifact', `0x${'0'.repeat(64)}`)
    .option('--unit', 'a unit (default: a class)')
    .action(async (entry: string, f: Flags & { template: string; contracts: string; beaconOperator: Address; artifactUri: string; artifactHash: Hex; unit?: boolean }) => {
      const { clients, registry, read } = await context(f)
      const args = [templateIdOf(entry), templateIdOf(f.template), Boolean(f.unit), f.contracts.split(',') as Address[], f.beaconOperator, f.artifactUri, f.artifactHash] as const
      const account = signer(f.key)
      const { result } = await clients.publicClient.simulateContract({ address: registry, abi: [...haloTemplateRegistryAbi, ...allErrorsAbi], functionName: 'registerInventory', args, account })
      if (f.dryRun) return out(f.json ? json({ dryRun: true, conforming: result }) : `dry run: would register ${entry} as ${result ? 'conforming' : 'NON-conforming'}`)
      await writeAndWait(clients, account, { address: registry, abi: haloTemplateRegistryAbi, functionName: 'registerInventory', args })
      const stored = await read<{ conforming: boolean }>(registry, haloTemplateRegistryAbi, 'inventoryOf', [templateIdOf(entry)])
      out(f.json ? json({ entry, conforming: stored.conforming }) : `registered ${entry}: ${stored.conforming ? 'conforming' : 'NON-conforming'}`)
    })
}
