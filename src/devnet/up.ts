/**
 * `halo up`: the whole Term Halo stack on loopback — anvil (or `--rpc-url`), the Term Halo
 * deployed and configured through the Configurator Unit, the Synome (PGlite in the state dir, or
 * `--database-url`) served over HTTP, lpha-council publishing the risk framework, and lpha-nfat
 * (with the devnet bank simulator inside), lpha-attest (rule mode) and lpla-verify as
 * supervised child processes. `stop()` takes it all down again, children first.
 */
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { toHex } from 'viem'
import { mnemonicToAccount, type HDAccount } from 'viem/accounts'
import { publishRiskFramework } from '../beacons/council/index.js'
import { projectRoot } from '../chain/build.js'
import { ANVIL_MNEMONIC, DevnetError, devnetAccounts, increaseTime, startAnvil, type Anvil } from '../chain/devnet.js'
import { contractsFromStackState, startDashboard } from '../dashboard/start.js'
import { createHttpClient } from '../synome/client/index.js'
import { createSynome } from '../synome/create.js'
import { FACTORY_COMMANDS } from '../synome/commands/factory/index.js'
import { ingestFactoryEvents } from '../factory/ingest.js'
import { startSynomeServer } from '../synome/server.js'
import type { SynomeService } from '../synome/service.js'
import { meteredDevnetClients, RpcWaitMeter } from './chainClients.js'
import { DEVNET_TIMELOCK_NOTE, deployTermHaloByFactory } from './termHalo.js'
import { freePort } from './ports.js'
import { DEVNET_FRAMEWORK, DEVNET_FRAMEWORK_VERSION, devnetAttestRules } from './riskFramework.js'
import { readStackState, writeStackState, type StackState } from './stateFile.js'
import { createSupervisor, type Supervisor } from './supervisor.js'
import { startChainClock, type ChainClock } from './chainClockDriver.js'
import { DEFAULT_SPEED } from '../domain/chainClock.js'
import { keccak256 } from 'viem'
import { ALLOCATOR_COMMANDS } from '../synome/commands/allocator/index.js'
import { formatUnitsExact, USDS_DECIMALS } from '../domain/money.js'
import { pipelineTarget } from '../domain/sleevePolicy.js'
import { DEVNET_UNIT_ARTIFACT } from './primes.js'
import { DEVNET_PORTFOLIO_SIGNALS, deployPortfolioHaloByFactory, onboardLivingSubscriptions, portfolioBeaconConfig, subscribeLivingPrimes, LIVING_SUBSCRIPTIONS, type PortfolioHaloDeployment } from './portfolioHalo.js'
import { PORTFOLIO_COMMANDS } from '../synome/commands/portfolio/index.js'
import { allocatorConfig, deployLivingPrimes, depositorNames, LIVING_CAPITAL_FORMULA, primeAddresses, type LivingPrimes } from './primeAllocators.js'

export const HALO_CLASS = 'facility-A'
const DAY = 86_400
/** `--ha` lease TTL: a standby acts within TTL + TTL/5 (+ one tick) after the leader stops. */
const HA_TTL_SECONDS = 5

export type StartStackParameters = {
  stateDir: string
  rpcUrl?: string | undefined
  databaseUrl?: string | undefined
  /** Synome HTTP port (0 = any free port). */
  synomePort?: number
  /** Dashboard HTTP port (0 = any free port). */
  dashboardPort?: number
  /** Seconds between beacon ticks. */
  beaconIntervalSeconds?: number
  maxRestarts?: number
  /** Two instances of each writing beacon (lpha-nfat, lpha-attest, lpha-lcts, each Prime's allocator), one acting through a lease; lpla-verify writes nothing and runs once. */
  ha?: boolean | undefined
  /** Chain seconds per wall second on the anvil started here (default DEFAULT_SPEED; 1 = real time; ignored with rpcUrl). */
  speed?: number | undefined
  /** Spark, Grove and Keel with their PAUs and allocators, so the Term Halo fills (default true; false: the chain moves only when you act). */
  primes?: boolean | undefined
  onProgress?: (message: string) => void
  log?: (line: string) => void
}

const privateKey = (account: HDAccount) => toHex(account.getHdKey().privateKey!)

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

export async function startStack(p: StartStackParameters) {
  const stateDir = resolve(p.stateDir)
  const progress = p.onProgress ?? (() => {})
  const previous = readStackState(stateDir)
  if (previous && previous.status !== 'stopped' && pidAlive(previous.pid)) throw new DevnetError(`a stack is already running from ${stateDir}`, { details: `halo up pid ${previous.pid}; stop it (Ctrl-C) or use another --state-dir` })
  mkdirSync(join(stateDir, 'logs'), { recursive: true })
  const cleanups: Array<() => Promise<unknown> | unknown> = []
  let supervisor: Supervisor | undefined
  const state: StackState = {
    pid: process.pid,
    startedAt: new Date().toISOString(),
    status: 'booting',
    stateDir,
    chain: { rpcUrl: p.rpcUrl ?? '', anvilStartedByUs: !p.rpcUrl, chainId: 31337, speed: p.rpcUrl ? 1 : (p.speed ?? DEFAULT_SPEED), accelerated: false },
    synome: { url: '', backend: p.databaseUrl ? 'postgresql' : 'pglite', dataDir: p.databaseUrl ? null : join(stateDir, 'synome') },
    contracts: null,
    timelock: null,
    components: [],
  }
  const save = () => writeStackState(state)
  save()

  const stop = async () => {
    state.status = 'stopping'
    save()
    await supervisor?.stop()
    for (const cleanup of cleanups.reverse()) await cleanup()
    state.status = 'stopped'
    state.components = supervisor?.components() ?? []
    save()
  }

  try {
    let anvil: Anvil | undefined
    if (!p.rpcUrl) {
      progress('starting anvil')
      anvil = await startAnvil()
      cleanups.push(() => anvil!.stop())
    }
    const rpcUrl = p.rpcUrl ?? anvil!.rpcUrl
    state.chain.rpcUrl = rpcUrl
    save()
    const clients = meteredDevnetClients(rpcUrl, new RpcWaitMeter())
    state.chain.chainId = await clients.publicClient.getChainId()

    const accounts = devnetAccounts()
    const haloBank = mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: 19 })
    const deployment = await deployTermHaloByFactory(clients, { accounts, offRamp: haloBank.address, firstTokenId: 42n, onProgress: progress })
    const living: LivingPrimes | undefined = p.primes === false ? undefined : await deployLivingPrimes(clients, { deployment, accounts, onProgress: progress })
    if (living) state.primes = primeAddresses(living.primes)
    const portfolio: PortfolioHaloDeployment | undefined = living ? await deployPortfolioHaloByFactory(clients, { deployment, accounts, onProgress: progress }) : undefined
    if (living && portfolio) {
      progress(`subscribe limits into the Portfolio units for ${LIVING_SUBSCRIPTIONS.map((x) => x.prime).join(' and ')}: governance approves the init (timelock), GovOps set it`)
      await onboardLivingSubscriptions(clients, { deployment, accounts, portfolio, primes: living.primes })
    }
    if (portfolio) state.portfolio = { classId: portfolio.classId, bookId: portfolio.bookId, haloClass: portfolio.haloClass, units: portfolio.unitIds }
    // A new limit starts empty and fills at its slope (a day to its max): one day of chain time
    // lets the first Prime's deposit be claimed at once (a 30M claim would otherwise wait 7.2 h).
    progress('one day of chain time passes: every new rate limit fills to its max')
    await increaseTime(clients, BigInt(DAY))
    if (living && portfolio) {
      progress(LIVING_SUBSCRIPTIONS.map((x) => `${x.prime}'s PAU subscribes ${x.amount} USDS to the ${x.unit === 0 ? 'senior' : 'junior'} unit`).join('; '))
      await subscribeLivingPrimes(clients, { deployment, portfolio, primes: living.primes })
    }
    state.contracts = {
      usds: deployment.usds,
      usdc: deployment.usdc,
      psm: deployment.psm,
      timelock: deployment.configuratorUnit.timelock,
      beamState: deployment.configuratorUnit.beamState,
      configurator: deployment.configuratorUnit.configurator,
      almProxy: deployment.almProxy,
      controller: deployment.pau.controller,
      rateLimits: deployment.pau.rateLimits,
      facility: deployment.facility,
      attestationRegistry: deployment.attestationRegistry,
      offRamp: deployment.offRamp,
      haloFactory: deployment.factory.factory,
      templateRegistry: deployment.factory.registry,
    }
    state.timelock = { delaySeconds: deployment.timelockDelaySeconds.toString(), note: DEVNET_TIMELOCK_NOTE }
    save()

    const speed = state.chain.speed ?? 1
    progress(anvil && speed > 1 ? `accelerated chain time: ${speed} chain seconds per wall second (${(86_400 / speed).toFixed(1)} s per simulated day)` : p.rpcUrl ? 'chain time is not accelerated with --rpc-url (someone else\'s chain)' : 'real chain time (--speed 1)')
    const chainClock: ChainClock = await startChainClock({ clients, speed, accelerate: anvil !== undefined, log: p.log })
    cleanups.push(() => chainClock.stop())
    state.chain.accelerated = chainClock.accelerated
    save()

    progress(`Synome-MVP on ${p.databaseUrl ? 'PostgreSQL' : 'PGlite'}`)
    const { relayer, attestor, council, deployer } = accounts
    // A devnet is fresh every time: so is its PGlite Synome (a --database-url store is the caller's).
    if (state.synome.dataDir) rmSync(state.synome.dataDir, { recursive: true, force: true })
    const synome: SynomeService = await createSynome({
      dataDir: state.synome.dataDir ?? undefined,
      databaseUrl: p.databaseUrl,
      // The beacons sign with chain time, which the deployment already moved past the timelock
      // delay and an operator may move further (anvil): no issuedAt window on this loopback
      // devnet. `halo synome serve` checks it (docs/synome.md, Operations).
      freshness: false,
      // Every record's time is chain time, as the beacons see it (src/devnet/chainClockDriver.ts).
      clock: chainClock.now,
      commands: [...FACTORY_COMMANDS, ...ALLOCATOR_COMMANDS, ...PORTFOLIO_COMMANDS],
      roles: [
        { address: relayer.address, role: 'nfat', haloClasses: [HALO_CLASS] },
        { address: attestor.address, role: 'attest', haloClasses: [HALO_CLASS] },
        { address: council.address, role: 'council', haloClasses: [] },
        ...(living?.primes ?? []).map((x) => ({ address: x.allocator.address, role: 'allocator' as const, haloClasses: ['*'] })),
        ...(portfolio ? [{ address: portfolio.lcts.address, role: 'lcts' as const, haloClasses: ['*'] }] : []),
      ],
    })
    cleanups.push(() => synome.close())
    const port = p.synomePort ?? 8787
    const server = await startSynomeServer({ service: synome, port }).catch((cause: Error) => {
      throw new DevnetError(`cannot serve the Synome on 127.0.0.1:${port}`, { cause, details: `${cause.message}; another stack running? --synome-port 0 picks a free port` })
    })
    cleanups.push(() => server.close())
    state.synome.url = server.url
    save()

    const councilClient = createHttpClient({ url: server.url, account: council })
    progress('lpha-council ingests the factory\'s metadata events (class and unit records) into the Synome')
    await ingestFactoryEvents({ publicClient: clients.publicClient, synome: councilClient, factory: deployment.factory.factory, fromBlock: deployment.fromBlock, finalityDepth: 0, warningSignals: DEVNET_PORTFOLIO_SIGNALS })
    progress(`lpha-council registers ${HALO_CLASS} and publishes risk framework ${DEVNET_FRAMEWORK_VERSION}`)
    // The Unit Artifact and the inventory entry (code hash) are what the Primes' allocators check before allocating.
    const codeHash = keccak256((await clients.publicClient.getCode({ address: deployment.facility }))!)
    await councilClient.send('registerHaloClass', { haloClass: HALO_CLASS, facility: deployment.facility, description: 'Devnet Term Halo (senior secured)', metadata: { artifact: DEVNET_UNIT_ARTIFACT, inventory: { codeHash } } })
    await publishRiskFramework({ client: councilClient, version: DEVNET_FRAMEWORK_VERSION, document: { ...DEVNET_FRAMEWORK, capitalFormula: LIVING_CAPITAL_FORMULA } })

    const interval = p.beaconIntervalSeconds ?? 2
    const configFile = (name: string, content: unknown) => {
      const file = join(stateDir, `${name}.json`)
      writeFileSync(file, `${JSON.stringify(content, null, 2)}\n`)
      chmodSync(file, 0o600) // holds a (public, devnet-only) key
      return file
    }
    // HA: each instance gets its own config (holder id = its component name, own state dir);
    // the lease, the fencing and the tx journals are in the Synome.
    const instances = p.ha ? [1, 2] : [0]
    const instanceName = (beacon: string, n: number) => (n === 0 ? beacon : `${beacon}#${n}`)
    const haOf = (beacon: string, n: number) => (n === 0 ? {} : { ha: { holder: instanceName(beacon, n), ttlSeconds: HA_TTL_SECONDS } })
    if (p.ha) state.ha = { leases: {} }
    const pipeline = [1, 2, 3].map((n) => ({ name: `senior-secured-${n}`, amount: '25000000' }))
    const nfatConfigOf = (n: number) => configFile(instanceName('lpha-nfat', n).replace('#', '-'), {
      haloClass: HALO_CLASS,
      rpcUrl,
      privateKey: privateKey(relayer),
      synome: { url: server.url },
      chain: { facility: deployment.facility, controller: deployment.pau.controller, rateLimits: deployment.pau.rateLimits, almProxy: deployment.almProxy, usdc: deployment.usdc, offRamp: deployment.offRamp, fromBlock: deployment.fromBlock.toString(), finalityDepth: 0 },
      stateDir: join(stateDir, instanceName('lpha-nfat', n).replace('#', '-')),
      policy: { sleeveIdPrefix: 'sleeve-', firstSleeveNumber: 7, pipeline, minUnits: 2, maxFillWaitSeconds: 14 * DAY, minUnitAmount: '1000000', splitDepositorQueue: true, maxUnitShareBps: 5000 },
      dealTerms: { apy: '0.05', termDays: 180 },
      primes: living ? depositorNames(living.primes) : {},
      offRampDestination: 'halo-bank-account-ref',
      receiptTimeoutSeconds: 3 * DAY,
      bank: { kind: 'simulator', receiptDelaySeconds: 20 * 3600, onRampPrivateKey: privateKey(deployer) },
      clock: { chainOffsetSeconds: 0 },
      intervalSeconds: interval,
      ...haOf('lpha-nfat', n),
    })
    const attestConfigOf = (n: number) => configFile(instanceName('lpha-attest', n).replace('#', '-'), {
      haloClass: HALO_CLASS,
      privateKey: privateKey(attestor),
      synome: { url: server.url },
      idPrefix: 'att-',
      firstNumber: 101,
      rules: devnetAttestRules({ periodicCadenceDays: 90, atRestAfterDays: 13 }),
      clock: { rpcUrl, chainOffsetSeconds: 0 },
      onChain: { rpcUrl, registry: deployment.attestationRegistry, stateDir: join(stateDir, 'lpha-attest'), finalityDepth: 0 },
      intervalSeconds: interval,
      ...haOf('lpha-attest', n),
    })

    supervisor = createSupervisor({
      maxRestarts: p.maxRestarts,
      log: p.log,
      onChange: (components) => {
        state.components = components
        save()
      },
    })
    const halo = [join(projectRoot, 'bin/halo.mjs')]
    const logFile = (name: string) => join(stateDir, 'logs', `${name}.log`)
    if (living) {
      // The integration the Primes' allocators check ("beacon live"): lpha-nfat's key opens the
      // class's first sleeve exactly as lpha-nfat itself would (same payload and idempotency key).
      progress('lpha-nfat opens sleeve-7 for the pipeline (the beacon integration the Primes\' allocators check)')
      const nfatClient = createHttpClient({ url: server.url, account: relayer, clock: chainClock.now })
      await nfatClient.send('createSleeve', { sleeveId: 'sleeve-7', haloClass: HALO_CLASS, metadata: { targetAmount: formatUnitsExact(pipelineTarget(pipeline.map((d) => ({ name: d.name, amount: BigInt(d.amount) * 10n ** 18n }))), USDS_DECIMALS), pipeline } }, { idempotencyKey: `create:${HALO_CLASS}:sleeve-7` })
    }
    progress(`starting lpha-nfat (with the devnet bank simulator), lpha-attest (rule mode), lpla-verify${portfolio ? ', lpha-lcts (Portfolio book, with the devnet manager simulator)' : ''}${living ? `, allocators for ${living.primes.map((x) => x.prime).join(', ')}` : ''}`)
    for (const n of instances) {
      const nfat = instanceName('lpha-nfat', n)
      const attest = instanceName('lpha-attest', n)
      supervisor.start({ name: nfat, command: process.execPath, args: [...halo, 'beacon', 'nfat', '--config', nfatConfigOf(n)], logFile: logFile(nfat.replace('#', '-')) })
      supervisor.start({ name: attest, command: process.execPath, args: [...halo, 'beacon', 'attest', '--config', attestConfigOf(n)], logFile: logFile(attest.replace('#', '-')) })
      if (state.ha) Object.assign(state.ha.leases, { [nfat]: `lpha-nfat:${HALO_CLASS}`, [attest]: `lpha-attest:${HALO_CLASS}` })
    }
    save()
    const metricsPort = await freePort()
    supervisor.start({
      name: 'lpla-verify',
      command: process.execPath,
      args: [...halo, 'beacon', 'verify', '--synome', server.url, '--rpc', rpcUrl, '--usdc', deployment.usdc, '--attestation-registry', deployment.attestationRegistry, '--interval', String(Math.max(1, interval)), '--metrics-port', String(metricsPort), '--chain-clock', '--config', configFile('lpla-verify', { primeAddresses: state.primes ?? {} })],
      logFile: logFile('lpla-verify'),
      url: `http://127.0.0.1:${metricsPort}/metrics`,
    })
    for (const n of portfolio ? instances : []) {
      const lcts = instanceName('lpha-lcts', n)
      const config = configFile(lcts.replace('#', '-'), { ...portfolioBeaconConfig({ portfolio: portfolio!, usds: deployment.usds, rpcUrl, synomeUrl: server.url, stateDir: join(stateDir, lcts.replace('#', '-')), intervalSeconds: interval }), ...haOf('lpha-lcts', n) })
      supervisor.start({ name: lcts, command: process.execPath, args: [...halo, 'beacon', 'lcts', '--config', config], logFile: logFile(lcts.replace('#', '-')) })
      if (state.ha) state.ha.leases[lcts] = `lpha-lcts:${portfolio!.classId}:${portfolio!.bookId}`
    }
    for (const prime of living?.primes ?? []) {
      for (const n of instances) {
        const name = instanceName(`allocator-${prime.prime}`, n)
        const file = name.replace('#', '-')
        const config = configFile(file, { ...allocatorConfig({ prime, deployment, rpcUrl, synomeUrl: server.url, stateDir: join(stateDir, file), intervalSeconds: interval }), ...haOf(`allocator-${prime.prime}`, n) })
        supervisor.start({ name, command: process.execPath, args: [...halo, 'beacon', 'allocator', '--prime', prime.prime, '--config', config], logFile: logFile(file) })
        if (state.ha) state.ha.leases[name] = `allocator:${prime.prime}`
      }
    }
    save()
    progress('dashboard (web app built on first run, then cached by source hash)')
    const dashboardPort = p.dashboardPort ?? 8790
    const dashboard = await startDashboard({ synome, clock: chainClock.now, primeAddresses: state.primes ?? undefined, publicClient: clients.publicClient, contracts: contractsFromStackState(state.contracts), usdc: deployment.usdc, port: dashboardPort, log: progress }).catch((cause: Error) => {
      throw new DevnetError(`cannot serve the dashboard on 127.0.0.1:${dashboardPort}`, { cause, details: `${cause.message}; --dashboard-port 0 picks a free port` })
    })
    cleanups.push(() => dashboard.close())
    state.dashboard = { url: dashboard.url }
    state.status = 'up'
    save()
    return { state, stop }
  } catch (error) {
    await stop()
    throw error
  }
}
