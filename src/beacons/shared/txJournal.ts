import { z } from 'zod'
import { keccak256, TransactionReceiptNotFoundError, type Address, type Chain, type Hex, type LocalAccount, type PublicClient, type Transport } from 'viem'
import { gasLimitWithHeadroom } from '../../chain/gas.js'
import { BaseError } from '../../domain/errors.js'
import { crashPoint } from './crashPoints.js'
import { JsonlJournal } from './jsonlJournal.js'

/**
 * Crash-safe chain actions for a beacon.
 *
 * Every transaction is signed locally and its intent — idempotency key, calldata, reserved
 * nonce, signed bytes and hash — is appended (fsync) to the journal BEFORE it is broadcast.
 * After a crash at any point the journal says exactly which transaction may be in flight,
 * and since the signed bytes are kept, re-broadcasting yields the same hash: a retry can
 * never become a second transaction.
 *
 * Nonces come from the journal (highest reserved + 1, never below the chain's pending count),
 * not from memory. On resolve, an intent whose hash is not mined is
 *  - re-broadcast when its nonce is still free (it was dropped from the mempool), or
 *  - marked `replaced` when the account's nonce moved past it (another tx took the nonce);
 *    the caller's level-triggered logic then re-reads chain state and decides again.
 * A mined receipt counts as final only `finalityDepth` blocks deep; its block hash is kept
 * and re-checked, so a reorg that drops it sends the intent back to pending.
 */
export class TxFailedError extends BaseError {
  override name = 'TxFailedError'
  override readonly code: string = 'TX_FAILED'
  override readonly status: number = 502
}

const REPLACED_GRACE_MS = 2_000

export type TxStatus = 'pending' | 'mined' | 'final' | 'reverted' | 'replaced'

export type TxIntent = {
  key: string
  chainId: number
  from: Address
  to: Address
  data: Hex
  nonce: number
  hash: Hex
  raw: Hex
  createdAt: string
}

export type TxState = TxIntent & { status: TxStatus; blockNumber?: bigint | undefined; blockHash?: Hex | undefined }

const hex = z.string().regex(/^0x[0-9a-fA-F]*$/) as unknown as z.ZodType<Hex>
const line = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('intent'), key: z.string().min(1), chainId: z.number().int(), from: hex as unknown as z.ZodType<Address>, to: hex as unknown as z.ZodType<Address>, data: hex, nonce: z.number().int().nonnegative(), hash: hex, raw: hex, createdAt: z.string() }),
  z.object({ kind: z.literal('status'), key: z.string().min(1), status: z.enum(['pending', 'mined', 'final', 'reverted', 'replaced']), blockNumber: z.string().optional(), blockHash: hex.optional() }),
])
type Line = z.output<typeof line>

/**
 * Where the lines live when not in a local file: the Synome's shared beacon journal for HA
 * instances (src/beacons/shared/ha.ts), so whichever instance holds the lease resolves every
 * intent any instance journaled — appends there are fenced by the lease epoch.
 */
export type TxJournalStore = {
  /** Every line, in order (the fold is rebuilt from them). */
  load(): Promise<readonly unknown[]>
  /** Durable once resolved; throws (and so nothing is broadcast) when the store refuses it. */
  append(line: unknown): Promise<void>
}

export type TxJournalParameters = {
  /** A local JSON-lines file (one instance), or … */
  path?: string | undefined
  /** … a shared store (HA instances); call `reload()` before use and whenever the lease changes hands. */
  store?: TxJournalStore | undefined
  /** Called before every broadcast; throws to stop one (an HA instance that is no longer the leader). */
  beforeBroadcast?: (() => void) | undefined
  account: LocalAccount
  publicClient: PublicClient<Transport, Chain>
  /** Blocks on top of the receipt's block before it is final (0 = final when mined). */
  finalityDepth: number
  /** Bounded wait for a receipt inside one call; unresolved intents are picked up next tick. */
  receiptTimeoutMs?: number | undefined
  clock?: (() => Date) | undefined
}

export class TxJournal {
  readonly #journal: JsonlJournal<Line> | undefined
  readonly #states = new Map<string, TxState>()
  readonly #params: TxJournalParameters
  #loaded: boolean

  constructor(params: TxJournalParameters) {
    this.#params = params
    if (params.path === undefined === (params.store === undefined)) throw new TxFailedError('a TxJournal needs exactly one of path and store')
    this.#journal = params.path === undefined ? undefined : JsonlJournal.open({ path: params.path, parse: (raw) => line.parse(raw), lock: true })
    for (const record of this.#journal?.records ?? []) this.#apply(record)
    this.#loaded = this.#journal !== undefined
  }

  /** Rebuild the view from the shared store (an HA instance, on taking the lease). */
  async reload(): Promise<void> {
    const { store } = this.#params
    if (!store) return
    this.#loaded = false
    this.#states.clear()
    for (const raw of await store.load()) this.#apply(line.parse(raw))
    this.#loaded = true
  }

  #assertLoaded(): void {
    if (!this.#loaded) throw new TxFailedError('the shared transaction journal is not loaded (reload() first)')
  }

  #apply(record: Line): void {
    if (record.kind === 'intent') {
      const { kind: _kind, ...intent } = record
      this.#states.set(record.key, { ...intent, status: 'pending' })
      return
    }
    const state = this.#states.get(record.key)
    if (!state) return
    state.status = record.status
    state.blockNumber = record.blockNumber === undefined ? undefined : BigInt(record.blockNumber)
    state.blockHash = record.blockHash
  }

  async #append(record: Line): Promise<void> {
    if (this.#journal) this.#journal.append(record)
    else await this.#params.store!.append(record)
    this.#apply(record)
  }

  async #setStatus(key: string, status: TxStatus, block?: { blockNumber: bigint; blockHash: Hex }): Promise<void> {
    const state = this.#states.get(key)
    if (!state || (state.status === status && state.blockHash === block?.blockHash)) return
    await this.#append({ kind: 'status', key, status, blockNumber: block?.blockNumber.toString(), blockHash: block?.blockHash })
  }

  get(key: string): TxState | undefined {
    return this.#states.get(key)
  }

  all(): TxState[] {
    return [...this.#states.values()]
  }

  async #nextNonce(): Promise<number> {
    const { publicClient, account } = this.#params
    const chainNonce = await publicClient.getTransactionCount({ address: account.address, blockTag: 'pending' })
    let journalNext = 0
    for (const state of this.#states.values()) {
      if (state.from === account.address && state.status !== 'replaced') journalNext = Math.max(journalNext, state.nonce + 1)
    }
    return Math.max(chainNonce, journalNext)
  }

  async #broadcast(state: TxIntent): Promise<void> {
    this.#params.beforeBroadcast?.()
    try {
      await this.#params.publicClient.sendRawTransaction({ serializedTransaction: state.raw })
    } catch (error) {
      // Already in the mempool or already mined: both mean the same bytes are out there.
      const message = String((error as Error).message).toLowerCase()
      if (message.includes('already known') || message.includes('nonce too low') || message.includes('already imported')) return
      throw new TxFailedError('broadcast failed', { details: `${state.key} ${state.hash}`, cause: error })
    }
  }

  /**
   * Perform the action named `key` exactly once: returns the existing state when the key is
   * known (resolving it), otherwise reserves a nonce, journals the signed intent, broadcasts.
   */
  async send(key: string, request: { to: Address; data: Hex; gas?: bigint | undefined }): Promise<TxState> {
    this.#assertLoaded()
    const existing = this.#states.get(key)
    if (existing) return this.resolve(key)
    const { publicClient, account } = this.#params
    const nonce = await this.#nextNonce()
    const gas = request.gas ?? gasLimitWithHeadroom(await publicClient.estimateGas({ account, to: request.to, data: request.data }))
    const prepared = await publicClient.prepareTransactionRequest({ account, chain: publicClient.chain, to: request.to, data: request.data, nonce, gas })
    const raw = await account.signTransaction(prepared as never)
    const intent: TxIntent = { key, chainId: publicClient.chain.id, from: account.address, to: request.to, data: request.data, nonce, hash: keccak256(raw), raw, createdAt: (this.#params.clock?.() ?? new Date()).toISOString() }
    await this.#append({ kind: 'intent', ...intent })
    crashPoint('tx-intent')
    await this.#broadcast(intent)
    crashPoint('tx-broadcast')
    return this.resolve(key)
  }

  /** Bring one intent up to date with the chain (see the class comment). */
  async resolve(key: string): Promise<TxState> {
    this.#assertLoaded()
    const state = this.#states.get(key)
    if (!state) throw new TxFailedError('unknown transaction intent', { details: key })
    if (state.status === 'final' || state.status === 'reverted' || state.status === 'replaced') return state
    const { publicClient, account, finalityDepth } = this.#params
    let receipt = await this.#receipt(state.hash)
    if (!receipt) {
      const mined = await publicClient.getTransactionCount({ address: account.address, blockTag: 'latest' })
      if (mined > state.nonce) {
        // The nonce is used. A node can answer the nonce before it serves the receipt, so
        // look once more (bounded) before concluding another transaction took it.
        receipt = await publicClient.waitForTransactionReceipt({ hash: state.hash, timeout: REPLACED_GRACE_MS }).catch(() => undefined)
        if (!receipt) {
          await this.#setStatus(key, 'replaced')
          return state
        }
        return this.resolve(key)
      }
      await this.#setStatus(key, 'pending')
      await this.#broadcast(state)
      const waited = await publicClient.waitForTransactionReceipt({ hash: state.hash, timeout: this.#params.receiptTimeoutMs ?? 10_000 }).catch(() => undefined)
      if (!waited) return state
      return this.resolve(key)
    }
    const block = { blockNumber: receipt.blockNumber, blockHash: receipt.blockHash }
    if (receipt.status !== 'success') {
      await this.#setStatus(key, 'reverted', block)
      return state
    }
    const head = await publicClient.getBlockNumber({ cacheTime: 0 })
    await this.#setStatus(key, head - receipt.blockNumber >= BigInt(finalityDepth) ? 'final' : 'mined', block)
    return state
  }

  /** The receipt, or undefined when the node does not know the transaction (other errors propagate). */
  async #receipt(hash: Hex) {
    try {
      return await this.#params.publicClient.getTransactionReceipt({ hash })
    } catch (error) {
      if (error instanceof TransactionReceiptNotFoundError) return undefined
      throw error
    }
  }

  /** On start: resolve every unfinished intent in nonce order (re-broadcasting dropped ones first). */
  async recover(): Promise<TxState[]> {
    this.#assertLoaded()
    const open = this.all().filter((s) => s.status === 'pending' || s.status === 'mined').sort((a, b) => a.nonce - b.nonce)
    const resolved: TxState[] = []
    for (const state of open) resolved.push(await this.resolve(state.key))
    return resolved
  }

  /** Re-check final intents' block hashes against the chain; a mismatch (reorg) re-opens them. */
  async checkReorgs(): Promise<string[]> {
    const reorged: string[] = []
    for (const state of this.all()) {
      if ((state.status !== 'final' && state.status !== 'mined') || state.blockNumber === undefined) continue
      const block = await this.#params.publicClient.getBlock({ blockNumber: state.blockNumber }).catch(() => undefined)
      if (block?.hash === state.blockHash) continue
      reorged.push(state.key)
      await this.#setStatus(state.key, 'pending')
    }
    return reorged
  }

  close(): void {
    this.#journal?.close()
  }
}
