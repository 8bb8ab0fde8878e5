import { readFileSync } from 'node:fs'
import type { Command } from 'commander'
import type { Address, Hex } from 'viem'
import { isAddress } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { InvalidInputError } from '../domain/errors.js'
import { isRole, type RoleGrant } from '../domain/roles.js'
import { restoreBackup, writeBackup } from '../synome/backup.js'
import { createHttpClient, resolveSynomeToken } from '../synome/client/http.js'
import { createInProcessClient } from '../synome/client/inProcess.js'
import type { SynomeClient } from '../synome/client/types.js'
import { createSynome, DEFAULT_DATA_DIR } from '../synome/create.js'
import type { StoredCheckpoint } from '../synome/checkpoints.js'
import { LogVerificationError, verifyLogWithCheckpoints } from '../synome/log/checkpoint.js'
import { verifyChain, type SynomeEvent } from '../synome/log/hash.js'
import { DEFAULT_SYNOME_CHAIN_ID } from '../synome/signing.js'
import { generateToken, readTokensFile, TOKEN_ACCESS, type TokenAccess } from '../synome/http/auth.js'
import { startSynomeServer } from '../synome/server.js'
import type { SynomeService } from '../synome/service.js'

/**
 * `halo synome …`: run the Synome-MVP (serve), read it (get, list, history, events), audit it
 * (verify-log, backup, restore) and send signed commands (send). Reads go to a running
 * server (--synome URL), or straight to a store with --data-dir / --database-url.
 */
const DEFAULT_URL = 'http://127.0.0.1:8787'

type StoreOptions = { synome?: string; token?: string; dataDir?: string; databaseUrl?: string; chainId?: string; json?: boolean }

const out = (text: string) => void process.stdout.write(`${text}\n`)
const print = (json: boolean | undefined, value: unknown, human: () => string) => out(json ? JSON.stringify(value) : human())
const pretty = (value: unknown) => JSON.stringify(value, null, 2)

function chainIdOf(options: StoreOptions): number | undefined {
  const raw = options.chainId ?? process.env.HALO_SYNOME_CHAIN_ID
  if (raw === undefined) return undefined
  if (!/^\d{1,12}$/.test(raw)) throw new InvalidInputError('--chain-id must be a positive integer')
  return Number(raw)
}

function signer(key: string | undefined) {
  const value = key ?? process.env.HALO_KEY
  if (!value) throw new InvalidInputError('a signing key is required: --key <file|0x…> or HALO_KEY')
  let hex = value
  if (!/^0x[0-9a-fA-F]{64}$/.test(value)) {
    try {
      hex = readFileSync(value, 'utf8').trim()
    } catch (cause) {
      throw new InvalidInputError(`cannot read the key file ${value}`, { cause })
    }
  }
  if (!/^0x[0-9a-fA-F]{64}$/.test(hex)) throw new InvalidInputError('the key is not a 32-byte hex private key')
  return privateKeyToAccount(hex as Hex)
}

function readRoles(file: string | undefined): RoleGrant[] | undefined {
  const path = file ?? process.env.HALO_SYNOME_ROLES
  if (!path) return undefined
  let value: unknown
  try {
    value = JSON.parse(readFileSync(path, 'utf8'))
  } catch (cause) {
    throw new InvalidInputError(`cannot read roles from ${path}`, { cause, details: (cause as Error).message })
  }
  const list = Array.isArray(value) ? value : (value as { roles?: unknown }).roles
  if (!Array.isArray(list)) throw new InvalidInputError(`${path}: expected [{ address, role, haloClasses }] or { roles: [...] }`)
  return list.map((entry, i) => {
    const { address, role, haloClasses = ['*'] } = (entry ?? {}) as { address?: unknown; role?: unknown; haloClasses?: unknown }
    if (typeof address !== 'string' || !isRole(role) || !Array.isArray(haloClasses)) throw new InvalidInputError(`${path}: roles[${i}] needs address, role (nfat|attest|council|operator) and haloClasses`)
    return { address, role, haloClasses: haloClasses.map(String) }
  })
}

/** A client plus what to close: over HTTP, or on a store opened in this process. */
async function openClient(options: StoreOptions, account?: ReturnType<typeof signer>): Promise<{ client: SynomeClient; service?: SynomeService; close: () => Promise<void> }> {
  const databaseUrl = options.databaseUrl
  if (options.dataDir || databaseUrl) {
    const service = await createSynome({ dataDir: options.dataDir, databaseUrl, chainId: chainIdOf(options) })
    return { client: createInProcessClient({ service, account }), service, close: () => service.close() }
  }
  const url = options.synome ?? process.env.HALO_SYNOME_URL ?? DEFAULT_URL
  return { client: createHttpClient({ url, account, chainId: chainIdOf(options), token: resolveSynomeToken({ flag: options.token }) }), close: async () => {} }
}

async function withClient<T>(options: StoreOptions, fn: (client: SynomeClient) => Promise<T>, account?: ReturnType<typeof signer>): Promise<T> {
  const { client, close } = await openClient(options, account)
  try {
    return await fn(client)
  } finally {
    await close()
  }
}

function storeOptions(command: Command): Command {
  return command
    .option('--synome <url>', `Synome API (env HALO_SYNOME_URL, default ${DEFAULT_URL})`)
    .option('--token <token>', 'Synome bearer token (env HALO_SYNOME_TOKEN)')
    .option('--data-dir <dir>', 'open a PGlite data directory directly (the server must not be running on it)')
    .option('--database-url <url>', 'open a PostgreSQL database directly')
    .option('--chain-id <n>', 'chainId of the EIP-712 signing domain (default 31337)')
    .option('--json', 'machine-readable output')
}

function intOption(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined
  if (!/^\d{1,15}$/.test(value)) throw new InvalidInputError(`--${name} must be a non-negative integer`)
  return Number(value)
}

export function register(program: Command): void {
  const synome = program.command('synome').description('Synome-MVP: the shared, auditable operational database (sleeves, units, attestations, …)')

  synome
    .command('serve')
    .description('run the Synome HTTP API (embedded PGlite by default; PostgreSQL with --database-url or DATABASE_URL)')
    .option('--port <n>', 'port (0 = any free port)', '8787')
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--data-dir <dir>', `PGlite data directory (default ${DEFAULT_DATA_DIR})`)
    .option('--database-url <url>', 'PostgreSQL URL (env DATABASE_URL)')
    .option('--read-database-url <url>', 'a streaming replica of the PostgreSQL primary serving the read API (env READ_DATABASE_URL); writes stay on the primary')
    .option('--replica-wait-ms <ms>', 'longest wait for the replica to apply the position a reader wrote (then STORE_UNAVAILABLE, retryable)', '2000')
    .option('--roles <file>', 'bootstrap writer roles for an empty store (env HALO_SYNOME_ROLES)')
    .option('--chain-id <n>', 'chainId of the EIP-712 signing domain (default 31337)')
    .option('--tokens <file>', 'bearer tokens, one per reader (env HALO_SYNOME_TOKENS; see `halo synome token`); required off loopback')
    .option('--max-command-age <seconds>', 'refuse new commands issued longer ago than this (COMMAND_STALE)', '600')
    .option('--max-command-lead <seconds>', 'refuse new commands issued further ahead than this (COMMAND_FROM_FUTURE)', '60')
    .option('--no-command-freshness', 'accept any issuedAt (a devnet whose signers use a moved chain clock)')
    .option('--checkpoint-key <file|hex>', 'sign checkpoints of the log with this key (env HALO_SYNOME_CHECKPOINT_KEY)')
    .option('--checkpoint-every <n>', 'sign a checkpoint every n new entries', '100')
    .option('--checkpoint-seconds <s>', 'and at least every s seconds while the log grows (0 = only by count)', '60')
    .option('--batch-max <n>', 'group commit: most commands appended in one transaction (1…1000)', '128')
    .option('--batch-linger-ms <ms>', 'group commit: while commands queue, wait this long to fill a batch (0…100; a lone writer never waits)', '0')
    .option('--json', 'print the listening address as JSON')
    .action(async (options: { port: string; host: string; dataDir?: string; databaseUrl?: string; roles?: string; chainId?: string; tokens?: string; maxCommandAge: string; maxCommandLead: string; commandFreshness: boolean; checkpointKey?: string; checkpointEvery: string; checkpointSeconds: string; batchMax: string; batchLingerMs: string; readDatabaseUrl?: string; replicaWaitMs: string; json?: boolean }) => {
      const databaseUrl = options.databaseUrl ?? process.env.DATABASE_URL
      const readDatabaseUrl = options.readDatabaseUrl ?? process.env.READ_DATABASE_URL
      const roles = readRoles(options.roles)
      const tokensFile = options.tokens ?? process.env.HALO_SYNOME_TOKENS
      const tokens = tokensFile ? readTokensFile(tokensFile) : undefined
      const freshness = options.commandFreshness ? { maxAgeSeconds: intOption(options.maxCommandAge, 'max-command-age')!, maxLeadSeconds: intOption(options.maxCommandLead, 'max-command-lead')! } : false
      const checkpointKey = options.checkpointKey ?? process.env.HALO_SYNOME_CHECKPOINT_KEY
      const checkpoint = checkpointKey
        ? { account: signer(checkpointKey), everyEntries: intOption(options.checkpointEvery, 'checkpoint-every'), everySeconds: intOption(options.checkpointSeconds, 'checkpoint-seconds') }
        : undefined
      const groupCommit = { maxBatch: intOption(options.batchMax, 'batch-max'), lingerMs: intOption(options.batchLingerMs, 'batch-linger-ms') }
      const service = await createSynome({ dataDir: options.dataDir, databaseUrl, readDatabaseUrl, replicaWaitMs: intOption(options.replicaWaitMs, 'replica-wait-ms'), roles, chainId: chainIdOf(options), freshness, checkpoint, groupCommit })
      const server = await startSynomeServer({ service, port: intOption(options.port, 'port') ?? 8787, hostname: options.host, tokens, logError: (e) => process.stderr.write(`synome: internal error: ${(e as Error).stack ?? String(e)}\n`) }).catch(async (error: unknown) => {
        await service.close()
        throw error
      })
      const store = databaseUrl ? `postgresql${readDatabaseUrl ? ', reads from a replica' : ''}` : `pglite ${options.dataDir ?? DEFAULT_DATA_DIR}`
      const head = await service.head()
      const access = tokens ? `${tokens.length} bearer token(s)` : 'no tokens (loopback only)'
      print(options.json, { url: server.url, store, head, tokens: tokens?.map((t) => t.name) ?? [] }, () => `Synome listening on ${server.url} (${store}, ${head.position} events, ${access})${head.position === 0 ? '\n  empty store without roles: pass --roles <file> so someone can write' : ''}`)
      // close the HTTP server, then the store (releases the PGlite lock), then exit
      await new Promise<void>((resolve) => {
        const stop = () => resolve()
        process.once('SIGTERM', stop)
        process.once('SIGINT', stop)
      })
      await server.close()
      await service.close()
      if (!options.json) out('Synome stopped cleanly')
    })

  storeOptions(synome.command('get <type> <id>'))
    .description('latest state of an entity (sleeve, unit, attestation, haloClass, riskFramework, coreHalo, role)')
    .option('--as-of <time>', 'state as of an ISO-8601 time')
    .action(async (type: string, id: string, options: StoreOptions & { asOf?: string }) => {
      const record: { version: number; data: unknown } = await withClient(options, async (c) => (options.asOf ? c.getAsOf(type, id, options.asOf) : c.get(type, id)))
      print(options.json, record, () => `${type} ${id} v${record.version}\n${pretty(record.data)}`)
    })

  storeOptions(synome.command('list <type>'))
    .description('list entities with filters and cursor pagination')
    .option('--halo-class <id>')
    .option('--sleeve <id>')
    .option('--prime <id>')
    .option('--state <state>')
    .option('--created-from <time>')
    .option('--created-to <time>')
    .option('--updated-from <time>')
    .option('--updated-to <time>')
    .option('--cursor <cursor>')
    .option('--limit <n>', '1..1000', '100')
    .action(async (type: string, o: StoreOptions & Record<string, string | undefined>) => {
      const page = await withClient(o, (c) =>
        c.list({ type, haloClass: o.haloClass, sleeveId: o.sleeve, prime: o.prime, state: o.state, createdFrom: o.createdFrom, createdTo: o.createdTo, updatedFrom: o.updatedFrom, updatedTo: o.updatedTo, cursor: o.cursor, limit: intOption(o.limit, 'limit') }),
      )
      print(o.json, page, () => [...page.items.map((e) => `${e.id}\t${e.state ?? ''}\tv${e.version}\t${e.updatedAt}`), ...(page.nextCursor ? [`next page: --cursor ${page.nextCursor}`] : [])].join('\n') || '(none)')
    })

  storeOptions(synome.command('history <type> <id>'))
    .description('every version of an entity: who wrote it, with which command (overrides marked)')
    .action(async (type: string, id: string, options: StoreOptions) => {
      const versions = await withClient(options, (c) => c.history(type, id))
      print(options.json, versions, () => versions.map((v) => `v${v.version}\t#${v.position}\t${v.time}\t${v.role}\t${v.command}${v.override ? `\tOVERRIDE: ${v.reason}` : ''}`).join('\n'))
    })

  storeOptions(synome.command('events'))
    .description('events after a position (follow the log)')
    .option('--after <n>', 'position', '0')
    .option('--limit <n>', '1..1000', '100')
    .action(async (options: StoreOptions & { after: string; limit: string }) => {
      const page = await withClient(options, (c) => c.events({ after: intOption(options.after, 'after'), limit: intOption(options.limit, 'limit') }))
      print(options.json, page, () => page.events.map((e) => `#${e.position}\t${e.time}\t${e.role}\t${e.command}\t${e.entityType}:${e.entityId}`).join('\n') || '(none)')
    })

  storeOptions(synome.command('verify-log'))
    .description('recompute the hash chain of the whole event log here (trusting nothing the server says); with --checkpoints also every stored signed checkpoint; exit 1 when broken')
    .option('--checkpoints', "check every stored checkpoint: signed by a --trusted key, and its Merkle root is the root of the log's prefix of its size")
    .option('--trusted <address...>', "the Synome's checkpoint key address(es)")
    .action(async (options: StoreOptions & { checkpoints?: boolean; trusted?: string[] }) => {
      const trusted = options.trusted ?? []
      if (options.checkpoints && (trusted.length === 0 || !trusted.every((a) => isAddress(a)))) throw new InvalidInputError('--checkpoints needs --trusted <address> (the Synome checkpoint key)')
      const { events, checkpoints } = await withClient(options, async (c) => {
        const events: SynomeEvent[] = []
        for (let after = 0; ; ) {
          const page = await c.events({ after, limit: 1000 })
          if (page.events.length === 0) break
          events.push(...page.events)
          after = page.next
        }
        const checkpoints: StoredCheckpoint[] = []
        for (let after = 0; options.checkpoints; ) {
          const page = await c.checkpoints({ after, limit: 1000 })
          if (page.checkpoints.length === 0) break
          checkpoints.push(...page.checkpoints)
          after = page.next
        }
        return { events, checkpoints }
      })
      if (!options.checkpoints) {
        const result = verifyChain(events)
        print(options.json, result, () => (result.ok ? `hash chain OK: ${result.events} events, head ${result.head}` : `hash chain BROKEN at event ${result.brokenAt}: ${result.reason}`))
        if (!result.ok) process.exitCode = 1
        return
      }
      try {
        const result = await verifyLogWithCheckpoints({ events, checkpoints, trusted: trusted as Address[], chainId: chainIdOf(options) ?? DEFAULT_SYNOME_CHAIN_ID })
        print(options.json, { ok: true, ...result }, () => `log OK: ${result.events} events, ${result.checkpoints} signed checkpoint(s), head ${result.head}`)
      } catch (error) {
        if (!(error instanceof LogVerificationError)) throw error
        print(options.json, { ok: false, code: error.code, message: error.shortMessage, details: error.details }, () => `${error.code}: ${error.shortMessage}${error.details ? ` (${error.details})` : ''}`)
        process.exitCode = 1
      }
    })

  storeOptions(synome.command('backup <file>'))
    .description('write the whole event log to a file (restore rebuilds everything from it)')
    .action(async (file: string, options: StoreOptions) => {
      const header = await withClient(options, (c) => writeBackup(c, file))
      print(options.json, header, () => `backed up ${header.events} events to ${file} (head ${header.head})`)
    })

  synome
    .command('restore <file>')
    .description('restore a backup into an empty store; refuses a tampered file (chain, signatures, replay)')
    .option('--data-dir <dir>', `PGlite data directory (default ${DEFAULT_DATA_DIR})`)
    .option('--database-url <url>', 'PostgreSQL URL (env DATABASE_URL)')
    .option('--chain-id <n>', 'chainId of the EIP-712 signing domain (default 31337)')
    .option('--json', 'machine-readable output')
    .action(async (file: string, options: StoreOptions) => {
      const service = await createSynome({ dataDir: options.dataDir, databaseUrl: options.databaseUrl ?? process.env.DATABASE_URL, chainId: chainIdOf(options) })
      try {
        const result = await restoreBackup(service, file)
        print(options.json, result, () => `restored ${result.events} events (head ${result.head})`)
      } finally {
        await service.close()
      }
    })

  storeOptions(synome.command('send <command> [payload]'))
    .description('sign and send a command (payload as JSON, or --payload-file); see `halo synome commands`')
    .option('--payload-file <file>', 'read the payload JSON from a file')
    .option('--key <file|hex>', 'signing key (env HALO_KEY)')
    .option('--idempotency-key <key>', 'default: a random UUID; reuse it to retry safely')
    .option('--expected-version <n>', "refuse unless the target entity is at this version")
    .action(async (name: string, payloadText: string | undefined, options: StoreOptions & { payloadFile?: string; key?: string; idempotencyKey?: string; expectedVersion?: string }) => {
      const text = options.payloadFile ? readFileSync(options.payloadFile, 'utf8') : payloadText
      if (text === undefined) throw new InvalidInputError('give the payload as an argument or with --payload-file')
      let payload: unknown
      try {
        payload = JSON.parse(text)
      } catch {
        throw new InvalidInputError('the payload is not JSON')
      }
      const account = signer(options.key)
      const result = await withClient(options, (c) => c.send(name as never, payload as never, { idempotencyKey: options.idempotencyKey, expectedVersion: intOption(options.expectedVersion, 'expected-version') }), account)
      print(options.json, result, () => `${result.replayed ? 'replayed' : 'accepted'}: ${name} → ${result.entity.type} ${result.entity.id} v${result.entity.version} at #${result.position}\n${pretty(result.result)}`)
    })

  synome
    .command('token <name>')
    .description('make a bearer token for one reader: prints the token (give it to the reader) and the entry for the server\'s --tokens file')
    .option('--access <list>', `comma-separated: ${TOKEN_ACCESS.join(', ')}`, 'read')
    .option('--json', 'machine-readable output')
    .action((name: string, options: { access: string; json?: boolean }) => {
      const access = options.access.split(',').map((a) => a.trim())
      const unknown = access.filter((a) => !(TOKEN_ACCESS as readonly string[]).includes(a))
      if (unknown.length > 0) throw new InvalidInputError(`--access: unknown ${unknown.join(', ')} (one or more of ${TOKEN_ACCESS.join(', ')})`)
      const { token, entry } = generateToken(name, [...new Set(access)] as TokenAccess[])
      print(options.json, { token, entry }, () => `token for ${name} (shown once; the server keeps only its SHA-256):\n  ${token}\nadd to the server's tokens file ({ "tokens": [...] }):\n  ${JSON.stringify(entry)}`)
    })

  synome
    .command('commands')
    .description('the commands the Synome accepts, with the role each needs')
    .option('--json', 'machine-readable output')
    .action(async (options: { json?: boolean }) => {
      const { buildRegistry } = await import('../synome/commands/registry.js')
      const list = [...buildRegistry().values()].map((c) => ({ name: c.name, role: c.role, summary: c.summary }))
      print(options.json, list, () => list.map((c) => `${c.name.padEnd(26)} ${c.role.padEnd(9)} ${c.summary}`).join('\n'))
    })
}
