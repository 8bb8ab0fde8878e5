import type { Command } from 'commander'
import { keccak256, parseEventLogs, stringToHex, type Address, type Hex } from 'viem'
import { allErrorsAbi, beamTimeLockAbi, haloFactoryAbi, haloTemplateRegistryAbi } from '../chain/generated/index.js'
import { chainClientsFor } from '../chain/clients.js'
import { encodeCall, executeCall, scheduleCall } from '../chain/timelock.js'
import { writeAndWait } from '../chain/devnet.js'
import { InvalidInputError } from '../domain/errors.js'
import { classArgs, deployBook, deployClass, deployUnit, portfolioTemplate, predictBook, predictClass, predictUnit, templateIdOf, termTemplate, type PortfolioImplementations, type PortfolioUnitAddresses, type TemplateRanges, type TemplateStruct, type TermImplementations } from '../factory/chain.js'
import { bookParamsSchema, classParamsSchema, readParams, templateRangesSchema, unitParamsSchema } from '../factory/params.js'
import { signer } from './risk.js'

/**
 * `halo factory …`: the Halo Factory's template registry and deployments (docs/factory.md).
 * Every command takes `--rpc`, `--factory` (or `--registry`), `--json`; writes take `--key`
 * and `--dry-run` (simulate and print what would happen, send nothing).
 */
type Flags = { rpc?: string; factory?: string; key?: string; json?: boolean; dryRun?: boolean }
const DEFAULT_RPC = 'http://127.0.0.1:8545'
const rpcOf = (f: Flags) => f.rpc ?? process.env.HALO_RPC_URL ?? DEFAULT_RPC
const out = (text: string) => void process.stdout.write(`${text}\n`)
const json = (value: unknown) => JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? v.toString() : v), 2)
const saltOf = (text: string): Hex => keccak256(stringToHex(text))

const bookLines = (units: readonly PortfolioUnitAddresses[]) =>
  units.map((u, i) => `  unit ${i}: token ${u.token}, subscribe queue ${u.subscribeQueue}, redeem queue ${u.redeemQueue}`).join('\n')

const TERM_IMPLEMENTATIONS = ['almProxy', 'controller', 'rateLimits', 'nfatFacility'] as const
const PORTFOLIO_IMPLEMENTATIONS = ['almProxy', 'controller', 'rateLimits', 'portfolioHaloClass', 'portfolioUnitToken', 'lctsQueue'] as const

/** The template of `--kind` from `--implementations` (in the order the kind lists them). */
function templateOf(kind: string, implementations: string, ranges: TemplateRanges): TemplateStruct {
  const names = kind === 'term' ? TERM_IMPLEMENTATIONS : kind === 'portfolio' ? PORTFOLIO_IMPLEMENTATIONS : undefined
  if (!names) throw new InvalidInputError(`--kind is term or portfolio, not ${kind}`)
  const addresses = implementations.split(',')
  if (addresses.length !== names.length || !addresses.every((a) => /^0x[0-9a-fA-F]{40}$/.test(a))) {
    throw new InvalidInputError(`--implementations of a ${kind} template takes ${names.length} addresses: ${names.join(',')}`)
  }
  const named = Object.fromEntries(names.map((n, i) => [n, addresses[i] as Address]))
  return kind === 'term' ? termTemplate(named as TermImplementations, ranges) : portfolioTemplate(named as PortfolioImplementations, ranges)
}

function factoryOf(f: Flags): Address {
  const value = f.factory ?? process.env.HALO_FACTORY
  if (!value || !/^0x[0-9a-fA-F]{40}$/.test(value)) throw new InvalidInputError('--factory <address> (or HALO_FACTORY) is required')
  return value as Address
}

function common(command: Command, write: boolean): Command {
  command.option('--rpc <url>', `chain RPC (env HALO_RPC_URL, default ${DEFAULT_RPC})`).option('--factory <address>', 'HaloFactory (env HALO_FACTORY)').option('--json', 'machine-readable output')
  if (write) command.option('--key <file|hex>', 'signing key (env HALO_KEY)').option('--dry-run', 'simulate only: print the result, send nothing')
  return command
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
    .option('--kind <term|portfolio>', 'the Halo Class kind', 'term')
    .requiredOption('--implementations <addresses>', `the implementations, comma-separated: term ${TERM_IMPLEMENTATIONS.join(',')}; portfolio ${PORTFOLIO_IMPLEMENTATIONS.join(',')}`)
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

  common(factory.command('addresses <kind>'), false)
    .description('predict the addresses of a class (kind "class"), a Term unit (kind "unit") or a Portfolio book (kind "book") before deploying')
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
      if (kind === 'book' && f.pau) {
        const units = await predictBook(clients, { factory: address, deployer: f.deployer, pau: f.pau, book: readParams(f.params, bookParamsSchema, 'book parameters'), salt: saltOf(f.salt) })
        return out(f.json ? json({ units }) : bookLines(units))
      }
      if (kind !== 'unit' || !f.pau) throw new InvalidInputError('kind is "class" (with --template), "unit" or "book" (with --pau)')
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
    .action(async (f: Flags & { pau: Address; params: string; salt: string }) => {
      const { clients, factory: address } = await context(f)
      const account = signer(f.key)
      const p = { factory: address, account, pau: f.pau, book: readParams(f.params, bookParamsSchema, 'book parameters'), salt: saltOf(f.salt) }
      if (f.dryRun) {
        await clients.publicClient.simulateContract({ address, abi: [...haloFactoryAbi, ...allErrorsAbi], functionName: 'deployBook', args: [p.pau, p.book.accrualSeconds, p.book.units.map((u) => ({ ...u })), p.salt], account })
        const units = await predictBook(clients, { ...p, deployer: account.address })
        return out(f.json ? json({ dryRun: true, units }) : `dry run: would deploy\n${bookLines(units)}`)
      }
      const deployed = await deployBook(clients, p)
      out(f.json ? json(deployed) : `book deployed into ${deployed.haloClass}:\n${bookLines(deployed.units)}\n  timelock batch ${deployed.timelockBatchId} (runs addBook, after the class batch)`)
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
