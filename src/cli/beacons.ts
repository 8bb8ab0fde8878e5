import { readFileSync } from 'node:fs'
import type { Command } from 'commander'
import { privateKeyToAccount } from 'viem/accounts'
import { loadAllocatorBeaconConfig } from '../beacons/allocator/config.js'
import { runAllocatorBeacon } from '../beacons/allocator/main.js'
import { runAttestBeacon, loadAttestBeaconConfig } from '../beacons/attest/main.js'
import { parseAttestationType } from '../beacons/attest/policy.js'
import { postAttestation } from '../beacons/attest/reconcile.js'
import { loadAmmBeaconConfig } from '../beacons/amm/config.js'
import { runAmmBeacon } from '../beacons/amm/main.js'
import { loadIdentityBeaconConfig } from '../beacons/identity/config.js'
import { runIdentityBeacon } from '../beacons/identity/main.js'
import { parseLctsBeaconConfig } from '../beacons/lcts/config.js'
import { runLctsBeacon } from '../beacons/lcts/main.js'
import { isPortfolioBeaconConfig, parsePortfolioBeaconConfig } from '../beacons/lcts/portfolioConfig.js'
import { runPortfolioBeacon } from '../beacons/lcts/portfolioMain.js'
import { loadNfatBeaconConfig } from '../beacons/nfat/config.js'
import { runNfatBeacon } from '../beacons/nfat/main.js'
import { InvalidInputError } from '../domain/errors.js'
import { registerAmmCommands } from '../synome/commands/amm/index.js'
import { registerAllocatorCommands } from '../synome/commands/allocator/index.js'
import { registerIdentityCommands } from '../synome/commands/identity/index.js'
import { registerLctsCommands } from '../synome/commands/lcts/index.js'
import { createHttpClient, resolveSynomeToken } from '../synome/client/index.js'

/**
 * `halo beacon nfat|lcts|identity|amm|attest --config file` run the beacons; `halo attest <type> <sleeve>
 * --file evidence.json` is the human attestor's way to post one attestation.
 */
function readJson(path: string, what: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'))
  } catch (cause) {
    throw new InvalidInputError(`cannot read ${what}`, { details: path, cause })
  }
}

function attestorKey(keyFile: string | undefined): `0x${string}` {
  const key = keyFile ? readFileSync(keyFile, 'utf8').trim() : process.env.HALO_ATTEST_PRIVATE_KEY
  if (!key || !/^0x[0-9a-fA-F]{64}$/.test(key)) throw new InvalidInputError('no attestor key: pass --key-file or set HALO_ATTEST_PRIVATE_KEY')
  return key as `0x${string}`
}

export function register(program: Command): void {
  // lpha-lcts's records and Core Council's LCTS capacity inputs are Synome commands; registering
  // them here means every Synome this CLI starts (`halo synome serve`) accepts them.
  registerLctsCommands()
  registerIdentityCommands()
  registerAmmCommands()
  registerAllocatorCommands()
  // Other areas add their beacons under the same `beacon` command (whoever registers first creates it).
  const beacon = program.commands.find((c) => c.name() === 'beacon') ?? program.command('beacon').description('Run a beacon (deterministic rule-based program) against chain and Synome')
  beacon
    .command('nfat')
    .description('lpha-nfat: sweep queues into sleeves, offboard, deploy, unwind and close, for one Halo class')
    .requiredOption('--config <file>', 'beacon config (JSON; see docs/beacons.md)')
    .option('--once', 'run one reconcile tick and exit')
    .option('--json', 'structured log lines (the default output is pino JSON anyway)')
    .action(async (options: { config: string; once?: boolean }) => {
      await runNfatBeacon(loadNfatBeaconConfig(options.config), { once: options.once })
    })
  beacon
    .command('lcts')
    .description('lpha-lcts: lock an LCTS pair at 13:00 UTC and settle it by 16:00 UTC, or ("kind": "portfolioClass") run a Portfolio Halo Class’s daily NAV + settlement cycle')
    .requiredOption('--config <file>', 'beacon config (JSON; see docs/lcts.md, docs/portfolio.md)')
    .option('--once', 'run one reconcile tick and exit')
    .action(async (options: { config: string; once?: boolean }) => {
      const raw = readJson(options.config, 'the beacon config')
      // "kind": "portfolioClass" is a Portfolio Halo Class (docs/portfolio.md); otherwise one LCTS pair
      if (isPortfolioBeaconConfig(raw)) await runPortfolioBeacon(parsePortfolioBeaconConfig(raw), { once: options.once })
      else await runLctsBeacon(parseLctsBeaconConfig(raw), { once: options.once })
    })
  beacon
    .command('identity')
    .description('lpha-identity: sync one Identity Network’s registry with its Synome entities (adds, removals on expiry and revocation, batched)')
    .requiredOption('--config <file>', 'beacon config (JSON; see docs/identity.md)')
    .option('--once', 'run one reconcile tick and exit')
    .action(async (options: { config: string; once?: boolean }) => {
      await runIdentityBeacon(loadIdentityBeaconConfig(options.config), { once: options.once })
    })
  beacon
    .command('amm')
    .description('lpha-amm: follow the oracle, send inventory to the issuer, close settled redemptions, return USDS, report a Trading Halo pool and raise its alerts')
    .requiredOption('--config <file>', 'beacon config (JSON; see docs/trading.md)')
    .option('--once', 'run one reconcile tick and exit')
    .action(async (options: { config: string; once?: boolean }) => {
      await runAmmBeacon(loadAmmBeaconConfig(options.config), { once: options.once })
    })
  beacon
    .command('allocator')
    .description('A Prime’s allocator: detect onboarded Units, check onboarding (reason codes), allocate through the Prime’s PAU within its rate limits, record each decision; propose SORL-paced increases')
    .requiredOption('--prime <id>', 'the Prime (must match the config’s prime)')
    .requiredOption('--config <file>', 'allocator config (JSON; see docs/allocator.md)')
    .option('--once', 'run one reconcile tick and exit')
    .action(async (options: { prime: string; config: string; once?: boolean }) => {
      const config = loadAllocatorBeaconConfig(options.config)
      if (config.prime !== options.prime) throw new InvalidInputError(`--prime ${options.prime} does not match the config’s prime ${config.prime}`, { meta: { field: 'prime' } })
      await runAllocatorBeacon(config, { once: options.once })
    })
  beacon
    .command('attest')
    .description('lpha-attest in rule mode (devnets): post due PRE_DEPLOYMENT, AT_REST and PERIODIC attestations')
    .requiredOption('--config <file>', 'attestor config (JSON; see docs/beacons.md)')
    .option('--once', 'run one tick and exit')
    .option('--json', 'structured log lines')
    .action(async (options: { config: string; once?: boolean }) => {
      await runAttestBeacon(loadAttestBeaconConfig(options.config), { once: options.once })
    })

  program
    .command('attest')
    .description('Post one attestation as the independent attestor (human mode)')
    .argument('<type>', 'pre-deployment | at-rest | periodic')
    .argument('<sleeve>', 'sleeve id, e.g. sleeve-7')
    .requiredOption('--file <evidence>', 'evidence JSON for this attestation type')
    .requiredOption('--halo-class <id>', 'the sleeve’s Halo class')
    .option('--synome <url>', 'Synome HTTP API (env HALO_SYNOME_URL)', process.env.HALO_SYNOME_URL ?? 'http://127.0.0.1:8787')
    .option('--token <token>', 'Synome bearer token (env HALO_SYNOME_TOKEN)')
    .option('--key-file <file>', 'attestor private key file (else HALO_ATTEST_PRIVATE_KEY)')
    .option('--id-prefix <prefix>', 'attestation id prefix', 'att-')
    .option('--first-number <n>', 'number of the class’s first attestation', '1')
    .option('--json', 'print the result as JSON')
    .action(async (typeName: string, sleeveId: string, options: { file: string; haloClass: string; synome: string; token?: string; keyFile?: string; idPrefix: string; firstNumber: string; json?: boolean }) => {
      const type = parseAttestationType(typeName)
      const evidence = readJson(options.file, 'the evidence file')
      const synome = createHttpClient({ url: options.synome, token: resolveSynomeToken({ flag: options.token }), account: privateKeyToAccount(attestorKey(options.keyFile)) })
      const identity = { haloClass: options.haloClass, idPrefix: options.idPrefix, firstNumber: Number(options.firstNumber) }
      const { attestationId, result } = await postAttestation({ synome, identity, sleeveId, type, evidence })
      const out = { attestationId, type, sleeveId, position: result.position, replayed: result.replayed }
      process.stdout.write(options.json ? `${JSON.stringify(out)}\n` : `posted ${type} attestation ${attestationId} on ${sleeveId} (event ${result.position})\n`)
    })
}
