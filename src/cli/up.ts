import type { Command } from 'commander'
import { startStack } from '../devnet/up.js'
import { DEFAULT_STATE_DIR } from '../devnet/stateFile.js'
import { DEFAULT_SPEED, parseSpeed } from '../domain/chainClock.js'

type UpFlags = { rpcUrl?: string; databaseUrl?: string; stateDir: string; synomePort: string; dashboardPort: string; interval: string; ha?: boolean; speed: string; primes: boolean }

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const
const say = (line: string) => void process.stdout.write(`${line}\n`)

export function register(program: Command): void {
  program
    .command('up')
    .description('boot the Term Halo devnet on loopback (anvil, PAU + Configurator + NFAT Facility, Synome, beacons, allocators for three Primes) in accelerated chain time; Ctrl-C stops everything')
    .option('--rpc-url <url>', 'use this anvil-compatible chain instead of starting anvil')
    .option('--database-url <url>', 'Synome on this PostgreSQL database (use an empty one) instead of PGlite (env DATABASE_URL)', process.env.DATABASE_URL)
    .option('--state-dir <dir>', 'state file, logs, beacon configs and PGlite data', DEFAULT_STATE_DIR)
    .option('--synome-port <port>', 'Synome HTTP port (0 = any free port)', '8787')
    .option('--dashboard-port <port>', 'dashboard HTTP port (0 = any free port)', '8790')
    .option('--interval <seconds>', 'seconds between beacon ticks', '2')
    .option('--speed <n>', `chain seconds per wall second on the anvil started here (${DEFAULT_SPEED} ≈ one simulated day per ten seconds; 1 = real time; not applied with --rpc-url)`, String(DEFAULT_SPEED))
    .option('--no-primes', 'no Prime PAUs or allocators (Spark, Grove, Keel): nothing deposits, the chain only moves when you act')
    .option('--ha', 'two instances of each writing beacon (lpha-nfat, lpha-attest, lpha-lcts, each Prime\'s allocator), one acting through a Synome lease (docs/beacons.md, High availability)')
    .action(async (flags: UpFlags) => {
      const speed = parseSpeed(flags.speed)
      let stop: (() => Promise<void>) | undefined
      let stopping: Promise<void> | undefined
      let requested = false
      const shutdown = (signal: string) => {
        if (stopping) {
          say(`${signal} again: exiting now`)
          process.exit(130)
        }
        requested = true
        if (!stop) return say(`${signal}: stopping once booted…`)
        say(`${signal}: stopping…`)
        stopping = stop().then(() => say('stopped: no process or port left behind'))
      }
      for (const signal of SIGNALS) process.on(signal, shutdown)
      const stack = await startStack({
        stateDir: flags.stateDir,
        rpcUrl: flags.rpcUrl,
        databaseUrl: flags.databaseUrl,
        synomePort: Number(flags.synomePort),
        dashboardPort: Number(flags.dashboardPort),
        beaconIntervalSeconds: Number(flags.interval),
        ha: flags.ha === true,
        speed,
        primes: flags.primes,
        onProgress: (m) => say(`… ${m}`),
        log: (line) => say(`[supervisor] ${line}`),
      })
      // startAnvil's own signal hooks exit at once (killing anvil); here the orderly stop does
      // that after the beacons, so only our handler stays. Its exit hook stays as a safety net.
      for (const signal of SIGNALS) for (const listener of process.listeners(signal)) if (listener !== shutdown) process.off(signal, listener)
      stop = stack.stop
      const { state } = stack
      say('')
      say('Term Halo devnet is up (loopback only):')
      say(`  chain        ${state.chain.rpcUrl} (chainId ${state.chain.chainId}${state.chain.anvilStartedByUs ? ', anvil' : ''})`)
      say(`  chain time   ${state.chain.accelerated ? `accelerated ×${state.chain.speed} (${(86_400 / (state.chain.speed ?? 1)).toFixed(1)} s per simulated day)` : flags.rpcUrl ? 'not accelerated (--rpc-url: someone else\'s chain)' : 'real time (--speed 1)'}`)
      say(`  synome       ${state.synome.url} (${state.synome.backend}${state.synome.dataDir ? ` at ${state.synome.dataDir}` : ''})`)
      say(`  dashboard    ${state.dashboard?.url}   (read-only: overview, sleeves, units, rate limits, history)`)
      for (const c of state.components) say(`  ${c.name.padEnd(12)} pid ${c.pid}${c.url ? `  ${c.url}` : ''}  log ${c.logFile}`)
      for (const [name, address] of Object.entries(state.contracts ?? {})) say(`  ${name.padEnd(12)} ${address}`)
      say(`  timelock     delay ${state.timelock?.delaySeconds} s — ${state.timelock?.note}`)
      say(`  state file   ${state.stateDir}/state.json   (halo status --state-dir ${state.stateDir})`)
      say('Press Ctrl-C to stop.')
      if (requested) shutdown('SIGINT')
      // Stay alive until a signal has stopped everything.
      await new Promise<void>((resolve) => {
        const wait = setInterval(() => {
          if (!stopping) return
          clearInterval(wait)
          void stopping.then(resolve)
        }, 200)
      })
    })
}
