import { readFileSync } from 'node:fs'
import type { Command } from 'commander'
import { contractsFromStackState, startDashboard } from '../dashboard/start.js'
import type { DashboardContracts } from '../dashboard/chain.js'
import { readStackState } from '../devnet/stateFile.js'
import { InvalidInputError } from '../domain/errors.js'
import { createHttpClient } from '../synome/client/http.js'
import { createSynome } from '../synome/create.js'
import type { SynomeTransport } from '../synome/client/types.js'

/**
 * `halo dashboard`: the read-only dashboard (web app + small read API) against a Synome — its
 * HTTP API (with the read token when given) or a store opened directly — and an RPC.
 */
type DashboardFlags = {
  synome?: string
  synomeToken?: string
  dataDir?: string
  databaseUrl?: string
  rpcUrl?: string
  stateDir?: string
  contracts?: string
  primeAddress: string[]
  usdc?: string
  chainId: string
  fromBlock: string
  port: string
  host: string
}

const ADDRESS = /^0x[0-9a-fA-F]{40}$/
const collect = (value: string, previous: string[]) => [...previous, value]
const say = (line: string) => void process.stdout.write(`${line}\n`)

/** fetch with `Authorization: Bearer <token>` on every Synome read. */
export function bearerFetch(token: string, fetchFn: typeof fetch = fetch): typeof fetch {
  return (input, init) => {
    const headers = new Headers(init?.headers)
    headers.set('authorization', `Bearer ${token}`)
    return fetchFn(input, { ...init, headers })
  }
}

function primeAddresses(pairs: string[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (const pair of pairs) {
    const [name, address] = pair.split('=')
    if (!name || !address || !ADDRESS.test(address)) throw new InvalidInputError(`--prime-address takes name=0x…, not ${pair}`)
    out[name] = address
  }
  return out
}

function readContracts(file: string): DashboardContracts {
  try {
    const value = JSON.parse(readFileSync(file, 'utf8')) as unknown
    if (!value || typeof value !== 'object') throw new Error('not an object')
    for (const [k, v] of Object.entries(value)) if (typeof v !== 'string' || !ADDRESS.test(v)) throw new Error(`${k} is not an address`)
    return value as DashboardContracts
  } catch (cause) {
    throw new InvalidInputError(`cannot read contract addresses from ${file}`, { cause, details: (cause as Error).message })
  }
}

export function register(program: Command): void {
  program
    .command('dashboard')
    .description('serve the read-only dashboard (overview, sleeves, units, rate limits, history) for a Synome and a chain')
    .option('--synome <url>', 'Synome API (env HALO_SYNOME_URL; default from --state-dir, else http://127.0.0.1:8787)')
    .option('--synome-token <token>', "the Synome's read token, sent as Authorization: Bearer (env HALO_SYNOME_TOKEN)", process.env.HALO_SYNOME_TOKEN)
    .option('--data-dir <dir>', 'open a PGlite Synome directory directly instead of --synome (takes its lock)')
    .option('--database-url <url>', 'open a PostgreSQL Synome directly instead of --synome')
    .option('--rpc-url <url>', 'Ethereum RPC for NFATs, rate limits and the timelock (env HALO_RPC_URL; default from --state-dir)')
    .option('--state-dir <dir>', 'a halo up state directory: Synome URL, RPC and contract addresses from its state.json')
    .option('--contracts <file>', 'JSON of contract addresses: { rateLimits, configurator, timelock, pau, facility, usdc, … }')
    .option('--prime-address <name=0x…>', 'address of a Prime recorded by name (repeatable)', collect, [])
    .option('--usdc <address>', 'USDC token, to check USDC claims at ALMProxies')
    .option('--chain-id <id>', "chainId of the Synome's signing domain (event signature checks)", '31337')
    .option('--from-block <n>', 'first block scanned for rate-limit keys and timelock operations', '0')
    .option('--port <port>', 'HTTP port (0 = any free port)', '8790')
    .option('--host <host>', 'listen address (loopback by default)', '127.0.0.1')
    .action(async (flags: DashboardFlags) => {
      const state = flags.stateDir ? readStackState(flags.stateDir) : undefined
      if (flags.stateDir && !state) throw new InvalidInputError(`no state.json in ${flags.stateDir}`, { details: 'start the devnet with halo up, or pass --synome and --rpc-url' })
      let synome: Pick<SynomeTransport, 'get' | 'list' | 'history' | 'events' | 'head'>
      let close = async () => {}
      let source: string
      if (flags.dataDir || flags.databaseUrl) {
        const service = await createSynome({ dataDir: flags.dataDir, databaseUrl: flags.databaseUrl })
        synome = service
        close = () => service.close()
        source = flags.databaseUrl ? 'PostgreSQL (direct)' : `PGlite ${flags.dataDir} (direct)`
      } else {
        const url = flags.synome ?? process.env.HALO_SYNOME_URL ?? state?.synome.url ?? 'http://127.0.0.1:8787'
        synome = createHttpClient({ url, ...(flags.synomeToken ? { fetch: bearerFetch(flags.synomeToken) } : {}) })
        source = `${url}${flags.synomeToken ? ' (read token)' : ''}`
      }
      const rpcUrl = flags.rpcUrl ?? process.env.HALO_RPC_URL ?? state?.chain.rpcUrl
      const contracts = { ...contractsFromStackState(state?.contracts), ...(flags.contracts ? readContracts(flags.contracts) : {}) }
      const chainId = Number(flags.chainId)
      const port = Number(flags.port)
      if (!Number.isSafeInteger(chainId) || chainId < 1) throw new InvalidInputError('--chain-id must be a positive integer')
      if (!Number.isSafeInteger(port) || port < 0 || port > 65_535) throw new InvalidInputError('--port must be 0..65535')
      if (!/^\d+$/.test(flags.fromBlock)) throw new InvalidInputError('--from-block must be a block number')
      const dashboard = await startDashboard({
        synome,
        rpcUrl,
        contracts,
        primeAddresses: primeAddresses(flags.primeAddress),
        usdc: flags.usdc,
        synomeChainId: chainId,
        fromBlock: BigInt(flags.fromBlock),
        port,
        hostname: flags.host,
        log: (line) => say(`… ${line}`),
        logError: (error) => process.stderr.write(`dashboard error: ${error instanceof Error ? error.stack : String(error)}\n`),
      })
      say(`dashboard    ${dashboard.url}  (Synome ${source}; chain ${rpcUrl ?? 'none'})`)
      await new Promise<void>((resolve) => {
        const stop = () => void dashboard.close().then(close).then(resolve)
        process.once('SIGINT', stop)
        process.once('SIGTERM', stop)
      })
    })
}
