import { readFileSync } from 'node:fs'
import type { Command } from 'commander'
import { InvalidInputError } from '../domain/errors.js'

/**
 * `halo beacon nfat|lcts|identity|amm|attest --config file` run the beacons; `halo attest <type> <sleeve>
 * --file evidence.json` is the human attestor's way to post one attestation.
 *
 * Each action imports its beacon's runtime when it runs (a `halo up` child loads one beacon, not
 * all of them); the Synome commands the beacons record are registered by main for every command
 * (src/cli/synomeCommands.ts).
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
  // Other areas add their beacons under the same `beacon` command (whoever registers first creates it).
  const beacon = program.commands.find((c) => c.name() === 'beacon') ?? program.command('beacon').description('Run a beacon (deterministic rule-based program) against chain and Synome')
  beacon
    .command('nfat')
    .description('lpha-nfat: sweep queues into sleeves, offboard, deploy, unwind and close, for one Halo class')
    .requiredOption('--config <file>', 'beacon config (JSON; see docs/beacons.md)')
    .option('--once', 'run one reconcile tick and exit')
    .option('--json', 'structured log lines (the default output is pino JSON anyway)')
    .action(async (options: { config: string; once?: boolean }) => {
      const [{ loadNfatBeaconConfig }, { runNfatBeacon }] = await Promise.all([import('../beacons/nfat/config.js'), import('../beacons/nfat/main.js')])
      await runNfatBeacon(loadNfatBeaconConfig(options.config), { once: options.once })
    })
  beacon
    .command('lcts')
    .description('lpha-lcts: lock an LCTS pair at 13:00 UTC and settle it by 16:00 UTC, or ("kind": "portfolioClass") run a Portfolio Halo Class’s daily NAV + settlement cycle')
    .requiredOption('--config <file>', 'beacon config (JSON; see docs/lcts.md, docs/portfolio.md)')
    .option('--once', 'run one reconcile tick and exit')
    .action(async (options: { config: string; once?: boolean }) => {
      const raw = readJson(options.config, 'the beacon config')
      const { isPortfolioBeaconConfig, parsePortfolioBeaconConfig } = await import('../beacons/lcts/portfolioConfig.js')
      // "kind": "portfolioClass" is a Portfolio Halo Class (docs/portfolio.md); otherwise one LCTS pair
      if (isPortfolioBeaconConfig(raw)) {
        const { runPortfolioBeacon } = await import('../beacons/lcts/portfolioMain.js')
        await runPortfolioBeacon(parsePortfolioBeaconConfig(raw), { once: options.once })
      } else {
        const [{ parseLctsBeaconConfig }, { runLctsBeacon }] = await Promise.all([import('../beacons/lcts/config.js'), import('../beacons/lcts/main.js')])
        await runLctsBeacon(parseLctsBeaconConfig(raw), { once: options.once })
      }
    })
  beacon
    .command('identity')
    .description('lpha-identity: sync one Identity Network’s registry with its Synome entities (adds, removals on expiry and revocation, batched)')
    .requiredOption('--config <file>', 'beacon config (JSON; see docs/identity.md)')
    .option('--once', 'run one reconcile tick and exit')
    .action(async (options: { config: string; once?: boolean }) => {
      const [{ loadIdentityBeaconConfig }, { runIdentityBeacon }] = await Promise.all([import('../beacons/identity/config.js'), import('../beacons/identity/main.js')])
      await runIdentityBeacon(loadIdentityBeaconConfig(options.config), { once: options.once })
    })
  beacon
    .command('amm')
    .description('lpha-amm: follow the oracle, send inventory to the issuer, close settled redemptions, return USDS, report a Trading Halo pool and raise its alerts')
    .requiredOption('--config <file>', 'beacon config (JSON; see docs/trading.md)')
    .option('--once', 'run one reconcile tick and exit')
    .action(async (options: { config: string; once?: boolean }) => {
      const [{ loadAmmBeaconConfig }, { runAmmBeacon }] = await Promise.all([import('../beacons/amm/config.js'), import('../beacons/amm/main.js')])
      await runAmmBeacon(loadAmmBeaconConfig(options.config), { once: options.once })
    })
  beacon
    .command('allocator')
    .description('A Prime’s allocator: detect onboarded Units, check onboarding (reason codes), allocate through the Prime’s PAU within its rate limits, record each decision; propose SORL-paced increases')
    .requiredOption('--prime <id>', 'the Prime (must match the config’s prime)')
    .requiredOption('--config <file>', 'allocator config (JSON; see docs/allocator.md)')
    .option('--once', 'run one reconcile tick and exit')
    .action(async (options: { prime: string; config: string; once?: boolean }) => {
      const [{ loadAllocatorBeaconConfig }, { runAllocatorBeacon }] = await Promise.all([import('../beacons/allocator/config.js'), import('../beacons/allocator/main.js')])
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
      const { runAttestBeacon, loadAttestBeaconConfig } = await import('../beacons/attest/main.js')
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
      const [{ parseAttestationType }, { postAttestation }, { createHttpClient, resolveSynomeToken }, { privateKeyToAccount }] = await Promise.all([
        import('../beacons/attest/policy.js'),
        import('../beacons/attest/reconcile.js'),
        import('../synome/client/index.js'),
        import('viem/accounts'),
      ])
      const type = parseAttestationType(typeName)
      const evidence = readJson(options.file, 'the evidence file')
      const synome = createHttpClient({ url: options.synome, token: resolveSynomeToken({ flag: options.token }), account: privateKeyToAccount(attestorKey(options.keyFile)) })
      const identity = { haloClass: options.haloClass, idPrefix: options.idPrefix, firstNumber: Number(options.firstNumber) }
      const { attestationId, result } = await postAttestation({ synome, identity, sleeveId, type, evidence })
      const out = { attestationId, type, sleeveId, position: result.position, replayed: result.replayed }
      process.stdout.write(options.json ? `${JSON.stringify(out)}\n` : `posted ${type} attestation ${attestationId} on ${sleeveId} (event ${result.position})\n`)
    })
}
