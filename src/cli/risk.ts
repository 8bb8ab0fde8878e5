import { readFileSync } from 'node:fs'
import type { Command } from 'commander'
import { createPublicClient, http, type Hex, type PublicClient } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { publishRiskFramework, registerCoreHalo } from '../beacons/council/index.js'
import { createVerifyChain } from '../beacons/verify/chain.js'
import { loadVerifyConfig, type VerifyConfig, type VerifyConfigInput } from '../beacons/verify/config.js'
import { formatAlerts, formatRiskReport } from '../beacons/verify/format.js'
import { createVerifyBeacon } from '../beacons/verify/main.js'
import { runVerify } from '../beacons/verify/reconcile.js'
import { synomeReader } from '../beacons/verify/synomeReader.js'
import { InvalidInputError } from '../domain/errors.js'
import { riskReportToJson } from '../domain/risk/report.js'
import { createHttpClient, resolveSynomeToken } from '../synome/client/http.js'
import type { SynomeClient } from '../synome/client/types.js'
import type { RiskFrameworkRecord } from '../synome/records.js'

/**
 * `halo council …` (lpha-council: explicit human commands only, each a signed Synome command),
 * `halo verify report` (one lpla-verify run) and `halo beacon verify` (the long-running beacon).
 */
const DEFAULT_SYNOME_URL = 'http://127.0.0.1:8787'

type SynomeOptions = { synome?: string; token?: string; key?: string; json?: boolean }

function readJson(file: string, what: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'))
  } catch (cause) {
    throw new InvalidInputError(`cannot read ${what} from ${file}`, { cause, details: (cause as Error).message })
  }
}

/** The signer: `--key` (a 0x private key or a file holding one) or HALO_KEY. */
export function signer(key: string | undefined) {
  const value = key ?? process.env.HALO_KEY
  if (!value) throw new InvalidInputError('a signing key is required: --key <file|0x…> or HALO_KEY')
  const hex = (/^0x[0-9a-fA-F]{64}$/.test(value) ? value : readFileSync(value, 'utf8').trim()) as Hex
  if (!/^0x[0-9a-fA-F]{64}$/.test(hex)) throw new InvalidInputError('the key is not a 32-byte hex private key')
  return privateKeyToAccount(hex)
}

function synomeClient(options: SynomeOptions, signed: boolean): SynomeClient {
  const url = options.synome ?? process.env.HALO_SYNOME_URL ?? DEFAULT_SYNOME_URL
  return createHttpClient({ url, account: signed ? signer(options.key) : undefined, token: resolveSynomeToken({ flag: options.token }) })
}

const out = (text: string) => void process.stdout.write(`${text}\n`)

function withSynome(command: Command, signed: boolean): Command {
  command.option('--synome <url>', `Synome API (env HALO_SYNOME_URL, default ${DEFAULT_SYNOME_URL})`).option('--token <token>', 'Synome bearer token (env HALO_SYNOME_TOKEN)').option('--json', 'machine-readable output')
  if (signed) command.option('--key <file|hex>', 'council signing key (env HALO_KEY)')
  return command
}

function registerCouncil(program: Command): void {
  const council = program.command('council').description('lpha-council: publish risk frameworks and register Core Halos (signed Synome commands)')

  withSynome(council.command('publish-framework <file>'), true)
    .description('validate a risk framework document and publish it as a new version')
    .option('--version <label>', 'version label (default: the file\'s "version" field)')
    .action(async (file: string, options: SynomeOptions & { version?: string }) => {
      const raw = readJson(file, 'the risk framework') as Record<string, unknown>
      const { version: fileVersion, ...document } = raw && typeof raw === 'object' ? raw : {}
      const version = options.version ?? (typeof fileVersion === 'string' ? fileVersion : undefined)
      if (!version) throw new InvalidInputError('the framework needs a version: --version or a "version" field')
      const { result } = await publishRiskFramework({ client: synomeClient(options, true), version, document })
      out(options.json ? JSON.stringify({ version, ...result }) : `published risk framework ${version}`)
    })

  withSynome(council.command('register-core-halo <file>'), true)
    .description('validate a Core Halo entry (data model, risk model) and register it')
    .action(async (file: string, options: SynomeOptions) => {
      const { coreHalo, result } = await registerCoreHalo({ client: synomeClient(options, true), entry: readJson(file, 'the Core Halo entry') })
      out(options.json ? JSON.stringify({ coreHaloId: coreHalo.coreHaloId, ...result }) : `registered Core Halo ${coreHalo.coreHaloId} (${coreHalo.dataModel.kind}, risk model ${coreHalo.riskModelRef})`)
    })

  withSynome(council.command('show-framework'), false)
    .description('print the current risk framework')
    .action(async (options: SynomeOptions) => {
      const frameworks = await synomeClient(options, false).list<RiskFrameworkRecord>({ type: 'riskFramework', limit: 1000 })
      const current = frameworks.items.at(-1)?.data
      if (!current) throw new InvalidInputError('no risk framework is published yet')
      out(options.json ? JSON.stringify(current) : `risk framework ${current.version} (published ${current.publishedAt})\n${JSON.stringify(current.document, null, 2)}`)
    })
}

type VerifyFlags = { synome?: string; token?: string; rpc?: string; chain?: boolean; config?: string; usdc?: string; attestationRegistry?: string; json?: boolean; interval?: string; metricsPort?: string; webhook?: string; chainClock?: boolean }

function verifyConfig(flags: VerifyFlags): VerifyConfig {
  const input: Partial<VerifyConfigInput> = {
    synomeUrl: flags.synome,
    synomeToken: flags.token,
    rpcUrl: flags.rpc,
    noChain: flags.chain === false ? true : undefined,
    usdc: flags.usdc,
    attestationRegistry: flags.attestationRegistry,
    intervalSeconds: flags.interval === undefined ? undefined : Number(flags.interval),
    metricsPort: flags.metricsPort === undefined ? undefined : Number(flags.metricsPort),
    webhookUrl: flags.webhook,
  }
  return loadVerifyConfig({ flags: input, file: flags.config })
}

function verifyDependencies(config: VerifyConfig) {
  const client = createHttpClient({ url: config.synomeUrl ?? DEFAULT_SYNOME_URL, token: config.synomeToken })
  const publicClient = createPublicClient({ transport: http(config.rpcUrl, { timeout: 10_000, retryCount: 2 }) }) as PublicClient
  return { reader: synomeReader(client), chain: config.noChain ? undefined : createVerifyChain(publicClient), sources: { clients: { default: publicClient } } }
}

/** The latest block's time, refreshed every second (a verify run reads it synchronously). */
async function followChainTime(publicClient: PublicClient): Promise<{ now: () => Date; stop: () => void }> {
  let latest = new Date(Number((await publicClient.getBlock({ blockTag: 'latest' })).timestamp) * 1000)
  let readAtMs = Date.now()
  const poll = setInterval(() => {
    void publicClient.getBlock({ blockTag: 'latest' }).then((block) => {
      latest = new Date(Number(block.timestamp) * 1000)
      readAtMs = Date.now()
    }, () => undefined)
  }, 1_000)
  return { now: () => new Date(latest.getTime() + (Date.now() - readAtMs)), stop: () => clearInterval(poll) }
}

function withVerifyOptions(command: Command): Command {
  return command
    .option('--synome <url>', `Synome API (env HALO_SYNOME_URL, default ${DEFAULT_SYNOME_URL})`)
    .option('--token <token>', 'Synome bearer token (env HALO_SYNOME_TOKEN)')
    .option('--rpc <url>', 'Ethereum RPC for positions and on-chain Core Halo data (env HALO_RPC_URL)')
    .option('--no-chain', 'skip on-chain position verification')
    .option('--usdc <address>', 'USDC token, to check USDC claimed at facility ALMProxies (env HALO_USDC_ADDRESS)')
    .option('--attestation-registry <address>', 'on-chain attestation registry: PRE_DEPLOYMENT attestations must have their record there (env HALO_ATTESTATION_REGISTRY)')
    .option('--config <file>', 'JSON config file (flags > env > file > defaults)')
}

function registerVerify(program: Command): void {
  const verify = program.command('verify').description('lpla-verify: capital requirements, position verification and alerts')
  withVerifyOptions(verify.command('report'))
    .description('run lpla-verify once and print the CRR report')
    .option('--json', 'machine-readable output')
    .action(async (flags: VerifyFlags) => {
      const config = verifyConfig(flags)
      const run = await runVerify({ ...verifyDependencies(config), now: new Date(), primeAddresses: config.primeAddresses, usdc: config.usdc, attestationRegistry: config.attestationRegistry })
      if (!run.ok) {
        out(flags.json ? JSON.stringify({ frameworkVersion: run.frameworkVersion, alerts: run.alerts }) : formatAlerts(run.alerts))
        process.exitCode = 2
        return
      }
      out(flags.json ? JSON.stringify({ ...riskReportToJson(run.report), positionsVerified: run.positionsVerified }) : formatRiskReport(run.report))
      if (run.report.alerts.some((a) => a.severity === 'critical')) process.exitCode = 2
    })

  // `halo beacon …` may already be registered by another area: add to it rather than shadow it.
  const beacon = program.commands.find((c) => c.name() === 'beacon') ?? program.command('beacon').description('run a beacon (long-running)')
  withVerifyOptions(beacon.command('verify'))
    .description('run lpla-verify continuously: logs, Prometheus metrics, optional webhook')
    .option('--interval <seconds>', 'seconds between runs (env HALO_VERIFY_INTERVAL_SECONDS, default 60)')
    .option('--metrics-port <port>', 'serve GET /metrics on this port (env HALO_VERIFY_METRICS_PORT)')
    .option('--webhook <url>', 'POST alert changes here (env HALO_VERIFY_WEBHOOK_URL)')
    .option('--chain-clock', 'evaluate at the latest block\'s time instead of the wall clock (a devnet that moves chain time, `halo up --speed`)')
    .action(async (flags: VerifyFlags) => {
      const config = verifyConfig(flags)
      const dependencies = verifyDependencies(config)
      const chainClock = flags.chainClock ? await followChainTime(dependencies.sources.clients.default) : undefined
      const beacon = createVerifyBeacon({ config, ...dependencies, ...(chainClock ? { clock: chainClock.now } : {}) })
      const { metricsUrl } = await beacon.start()
      if (metricsUrl) process.stderr.write(`lpla-verify metrics at ${metricsUrl}\n`)
      await new Promise<void>((resolve) => {
        const stop = () => void beacon.stop().then(() => chainClock?.stop()).then(resolve)
        process.once('SIGINT', stop)
        process.once('SIGTERM', stop)
      })
    })
}

export function register(program: Command): void {
  registerCouncil(program)
  registerVerify(program)
}
