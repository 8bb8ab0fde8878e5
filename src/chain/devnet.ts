/**
 * Local chain for tests, benches and `halo up`: anvil from the npm package on a free
 * loopback port, plus the few helpers every caller needs (deploy, move time, snapshots,
 * named default accounts).
 *
 * Process hygiene: the native anvil binary is spawned directly (the npm `.bin/anvil` shim is
 * a Node wrapper, and killing a wrapper can orphan its child). Every started node is
 * registered and killed on `stop()`, on process exit and on SIGINT/SIGTERM/SIGHUP.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { createServer } from 'node:net'
import { dirname, join } from 'node:path'
import {
  createPublicClient,
  createTestClient,
  createWalletClient,
  defineChain,
  getAddress,
  http,
  type Abi,
  type Account,
  type Address,
  type Chain,
  type ContractConstructorArgs,
  type ContractFunctionArgs,
  type ContractFunctionName,
  type TransactionReceipt,
  type Hex,
  type PublicClient,
  type TestClient,
  type WalletClient,
  type Transport,
} from 'viem'
import { mnemonicToAccount, type HDAccount } from 'viem/accounts'
import { foundry } from 'viem/chains'
import { BaseError } from '../domain/errors.js'
import { projectRoot } from './build.js'
import { gasLimitWithHeadroom } from './gas.js'
import { allErrorsAbi } from './generated/errors.js'

export class DevnetError extends BaseError {
  override name = 'DevnetError'
  override readonly code: string = 'DEVNET_FAILED'
}

/** anvil's well-known development mnemonic (public; devnet only). */
export const ANVIL_MNEMONIC = 'test test test test test test test test test test test junk'

/**
 * Role names for anvil's ten default accounts (HD index = position). Tests and scripts use
 * the names so a reader sees who acts: the BEAM cascade Council Beacon → aBEAM → cBEAM → pBEAM.
 */
export const DEVNET_ACCOUNT_NAMES = [
  'deployer', // 0: deploys contracts, owns devnet tokens (mints)
  'council', // 1: Council Beacon (root of the cascade: appoints aBEAMs)
  'aBEAM', // 2: Core Council admin BEAM (timelocked additions, instant removals)
  'govOps', // 3: GovOps holding the cBEAM of a PAU (accordant)
  'relayer', // 4: pBEAM (PAU relayer, treated as possibly compromised)
  'freezer', // 5: removes a compromised relayer
  'attestor', // 6
  'alice', // 7
  'bob', // 8
  'attacker', // 9
] as const
export type DevnetAccountName = (typeof DEVNET_ACCOUNT_NAMES)[number]
export type DevnetAccounts = Record<DevnetAccountName, HDAccount>

let cachedAccounts: DevnetAccounts | undefined
/** The ten anvil default accounts as viem LocalAccounts, by role name (derived once). */
export function devnetAccounts(): DevnetAccounts {
  if (cachedAccounts) return cachedAccounts
  const entries = DEVNET_ACCOUNT_NAMES.map((name, addressIndex) => [name, mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex })])
  cachedAccounts = Object.fromEntries(entries) as DevnetAccounts
  return cachedAccounts
}

function anvilBinary(): string {
  const native = join(projectRoot, 'node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil')
  if (process.platform === 'linux' && process.arch === 'x64' && existsSync(native)) return native
  // Other platforms: the npm shim (same package family), resolved from node_modules.
  return join(dirname(createRequire(import.meta.url).resolve('@foundry-rs/anvil/package.json')), 'bin.mjs')
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolvePort(port))
    })
  })
}

const running = new Set<ChildProcess>()
let hooksInstalled = false
function installExitHooks(): void {
  if (hooksInstalled) return
  hooksInstalled = true
  const killAll = () => {
    for (const child of running) child.kill('SIGKILL')
    running.clear()
  }
  process.once('exit', killAll)
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      killAll()
      process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1))
    })
  }
}

async function rpcAnswers(rpcUrl: string): Promise<boolean> {
  try {
    const response = await fetch(rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
    })
    return response.ok
  } catch {
    return false
  }
}

export type StartAnvilParameters = {
  /** Loopback port; a free one is picked when omitted. */
  port?: number | undefined
  /** Seconds per block (interval mining); automine (one block per tx) when omitted. */
  blockTime?: number | undefined
  /** How long to wait for the node to answer. */
  startTimeoutMs?: number | undefined
  /** Fork this chain's current state (`anvil --fork-url`): dry runs such as `halo day0`. */
  forkUrl?: string | undefined
}

export type Anvil = {
  rpcUrl: string
  chain: Chain
  stop(): Promise<void>
}

export async function startAnvil(parameters: StartAnvilParameters = {}): Promise<Anvil> {
  // A picked free port can be taken before anvil binds it: retry a few times with a new one.
  const attempts = parameters.port === undefined ? 3 : 1
  let lastError: unknown
  for (let attempt = 0; attempt < attempts; attempt++) {
    try {
      return await startAnvilOnce({ ...parameters, port: parameters.port ?? (await freePort()) })
    } catch (error) {
      lastError = error
    }
  }
  throw lastError
}

async function startAnvilOnce(parameters: StartAnvilParameters & { port: number }): Promise<Anvil> {
  installExitHooks()
  const { port } = parameters
  const args = ['--host', '127.0.0.1', '--port', String(port), '--silent', '--mnemonic', ANVIL_MNEMONIC]
  if (parameters.blockTime !== undefined) args.push('--block-time', String(parameters.blockTime))
  if (parameters.forkUrl !== undefined) args.push('--fork-url', parameters.forkUrl)
  const binary = anvilBinary()
  const command = binary.endsWith('.mjs') ? process.execPath : binary
  const child = spawn(command, binary.endsWith('.mjs') ? [binary, ...args] : args, {
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  running.add(child)
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4_000)
  })
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()))
  const rpcUrl = `http://127.0.0.1:${port}`
  const stop = async () => {
    if (!running.delete(child)) return
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), 2_000)
    await exited
    clearTimeout(timer)
  }

  const deadline = Date.now() + (parameters.startTimeoutMs ?? 20_000)
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break
    if (await rpcAnswers(rpcUrl)) {
      const chain = defineChain({ ...foundry, rpcUrls: { default: { http: [rpcUrl] } } })
      return { rpcUrl, chain, stop }
    }
    await new Promise((r) => setTimeout(r, 50))
  }
  await stop()
  throw new DevnetError('anvil did not start', { details: `port ${port}: ${stderr.trim() || 'no output'}` })
}

export type DevnetClients = {
  publicClient: PublicClient<Transport, Chain>
  testClient: TestClient<'anvil', Transport, Chain>
  /** A wallet client bound to one named account. */
  walletFor(account: Account): WalletClient<Transport, Chain, Account>
}

/** What deploy and write helpers need: any chain, not only a devnet. */
export type ChainClients = Pick<DevnetClients, 'publicClient' | 'walletFor'>

export function devnetClients(anvil: Pick<Anvil, 'rpcUrl' | 'chain'>): DevnetClients {
  const transport = http(anvil.rpcUrl, { retryCount: 0 })
  const publicClient = createPublicClient({ chain: anvil.chain, transport, pollingInterval: 50 })
  const testClient = createTestClient({ chain: anvil.chain, transport, mode: 'anvil' })
  const wallets = new Map<Address, WalletClient<Transport, Chain, Account>>()
  const walletFor = (account: Account) => {
    const existing = wallets.get(account.address)
    if (existing) return existing
    const wallet = createWalletClient({ chain: anvil.chain, transport, account })
    wallets.set(account.address, wallet)
    return wallet
  }
  return { publicClient, testClient, walletFor }
}

export type DeployContractParameters<abi extends Abi> = {
  abi: abi
  bytecode: Hex
  args?: ContractConstructorArgs<abi> | undefined
  account: Account
}

/** Deploys and waits for the receipt; throws when the deployment reverted. */
export async function deployContract<const abi extends Abi>(
  clients: ChainClients,
  parameters: DeployContractParameters<abi>,
): Promise<Address> {
  const wallet = clients.walletFor(parameters.account)
  const hash = await wallet.deployContract({
    abi: parameters.abi,
    bytecode: parameters.bytecode,
    args: parameters.args,
  } as never)
  const receipt = await clients.publicClient.waitForTransactionReceipt({ hash })
  if (receipt.status !== 'success' || !receipt.contractAddress) {
    throw new DevnetError('contract deployment reverted', { details: `tx ${hash}` })
  }
  return getAddress(receipt.contractAddress)
}

/** Moves chain time forward and mines one block, so the next tx sees the new timestamp. */
export async function increaseTime(clients: DevnetClients, seconds: number | bigint): Promise<void> {
  await clients.testClient.increaseTime({ seconds: Number(seconds) })
  await clients.testClient.mine({ blocks: 1 })
}

/** Pins the next block's timestamp (exact-boundary tests); the next tx mines at it. */
export async function setNextBlockTimestamp(clients: DevnetClients, timestamp: bigint): Promise<void> {
  await clients.testClient.setNextBlockTimestamp({ timestamp })
}

export async function snapshot(clients: DevnetClients): Promise<Hex> {
  return clients.testClient.snapshot()
}

/** Reverts to a snapshot. anvil consumes the id, so take a new snapshot to revert again. */
export async function revert(clients: DevnetClients, id: Hex): Promise<void> {
  await clients.testClient.revert({ id })
}

/** The latest block's timestamp (seconds). */
export async function chainNow(clients: DevnetClients): Promise<bigint> {
  return (await clients.publicClient.getBlock()).timestamp
}

type Mutability = 'nonpayable' | 'payable'
export type WriteParameters<
  abi extends Abi,
  functionName extends ContractFunctionName<abi, Mutability>,
  args extends ContractFunctionArgs<abi, Mutability, functionName>,
> = { address: Address; abi: abi; functionName: functionName; args?: args; value?: bigint }

/**
 * Simulates first (so a revert surfaces as viem's decoded custom error, e.g. `RateLimitExceeded`),
 * then sends as `account` and waits for the receipt. Throws when the tx reverted anyway.
 */
export async function writeAndWait<
  const abi extends Abi,
  functionName extends ContractFunctionName<abi, Mutability>,
  const args extends ContractFunctionArgs<abi, Mutability, functionName>,
>(clients: ChainClients, account: Account, parameters: WriteParameters<abi, functionName, args>): Promise<TransactionReceipt> {
  // Appending every known custom error lets viem name reverts raised by nested contracts.
  const abi = [...parameters.abi, ...allErrorsAbi]
  // 'pending': the simulation sees the next block's environment (a pinned timestamp included).
  const { request } = await clients.publicClient.simulateContract({ ...parameters, abi, account, blockTag: 'pending' } as never)
  const gas = gasLimitWithHeadroom(await clients.publicClient.estimateContractGas({ ...parameters, abi, account, blockTag: 'pending' } as never))
  const hash = await clients.walletFor(account).writeContract({ ...(request as object), gas } as never)
  const receipt = await clients.publicClient.waitForTransactionReceipt({ hash })
  if (receipt.status !== 'success') throw new DevnetError('transaction reverted', { details: `tx ${hash}` })
  return receipt
}
