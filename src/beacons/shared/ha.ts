import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import { performance } from 'node:perf_hooks'
import type { Logger } from 'pino'
import { Counter, Gauge, type Registry } from 'prom-client'
import { z } from 'zod'
import { isBaseError } from '../../domain/errors.js'
import { actingDeadlineMs, LeaseLostError, type LeaseToken } from '../../domain/lease.js'
import type { SynomeClient } from '../../synome/client/types.js'
import type { TxJournalStore } from './txJournal.js'

/**
 * High availability for any beacon: run two (or more) instances with the same key, config and
 * Synome; they compete for one lease (src/domain/lease.ts, stored by the Synome) and only the
 * holder acts. The holder renews every `renewIntervalSeconds`; it stops acting
 * `renewDeadlineSeconds` after the last renew it *sent* that succeeded — before the lease's TTL
 * can lapse on the Synome — so a paused or partitioned leader stands down on its own, and the
 * Synome's fence (every command and journal line carries the epoch) refuses it if it does not.
 * A standby retries the acquire every `renewIntervalSeconds`, so it acts at most TTL + one
 * interval (+ one tick interval) after the leader's last renew.
 */
export const haConfigSchema = z
  .strictObject({
    /** Lease name (default: the beacon's own, e.g. `lpha-nfat:<haloClass>`). */
    leaseName: z.string().min(1).max(200).optional(),
    /** This instance's id (default host:pid:random). */
    holder: z.string().min(1).max(200).optional(),
    ttlSeconds: z.number().min(1).max(600).default(15),
    renewDeadlineSeconds: z.number().positive().optional(),
    renewIntervalSeconds: z.number().positive().optional(),
  })
  .transform((c, ctx) => {
    const renewDeadlineSeconds = c.renewDeadlineSeconds ?? (c.ttlSeconds * 2) / 3
    const renewIntervalSeconds = c.renewIntervalSeconds ?? c.ttlSeconds / 5
    if (!(renewDeadlineSeconds < c.ttlSeconds)) ctx.addIssue({ code: 'custom', message: 'renewDeadlineSeconds must be below ttlSeconds' })
    if (!(renewIntervalSeconds < renewDeadlineSeconds)) ctx.addIssue({ code: 'custom', message: 'renewIntervalSeconds must be below renewDeadlineSeconds (at least one renew before the deadline)' })
    return { ...c, renewDeadlineSeconds, renewIntervalSeconds }
  })
export type HaConfig = z.output<typeof haConfigSchema>

export function defaultHolder(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`
}

export function createLeaseMetrics(registry: Registry) {
  return {
    leader: new Gauge({ name: 'beacon_lease_leader', help: '1 while this instance holds the lease and may act, else 0', labelNames: ['lease', 'holder'] as const, registers: [registry] }),
    epoch: new Gauge({ name: 'beacon_lease_epoch', help: 'Fencing epoch of the lease this instance last held or saw', labelNames: ['lease'] as const, registers: [registry] }),
    takeovers: new Counter({ name: 'beacon_lease_takeovers_total', help: 'Times this instance took the lease over from another holder', labelNames: ['lease'] as const, registers: [registry] }),
    ageSeconds: new Gauge({ name: 'beacon_lease_age_seconds', help: 'Seconds since this instance acquired the lease (0 while standby)', labelNames: ['lease'] as const, registers: [registry] }),
    lost: new Counter({ name: 'beacon_lease_lost_total', help: 'Times this instance stopped acting (renew refused or deadline passed)', labelNames: ['lease', 'reason'] as const, registers: [registry] }),
  }
}
export type LeaseMetrics = ReturnType<typeof createLeaseMetrics>

export type LeaseKeeperParameters = {
  /** The lease calls go through this client; give it a request timeout below the renew interval. */
  client: Pick<SynomeClient, 'acquireLease' | 'renewLease' | 'releaseLease'>
  name: string
  holder: string
  config: HaConfig
  log: Logger
  metrics?: LeaseMetrics | undefined
}

export type LeaseKeeperStatus = { role: 'leader' | 'standby'; holder: string; epoch: number | undefined; leader: string | undefined }

export class LeaseKeeper {
  readonly name: string
  readonly holder: string
  readonly #p: LeaseKeeperParameters
  #epoch: number | undefined
  /** performance.now() until which this instance may act. */
  #deadline = 0
  #acquiredAt = 0
  #leader: string | undefined
  #timer: NodeJS.Timeout | undefined
  #stopped = false
  #step: Promise<void> | undefined

  constructor(p: LeaseKeeperParameters) {
    this.#p = p
    this.name = p.name
    this.holder = p.holder
    p.metrics?.leader.set({ lease: p.name, holder: p.holder }, 0)
    p.metrics?.ageSeconds.set({ lease: p.name }, 0)
  }

  get #ttlMs() {
    return Math.round(this.#p.config.ttlSeconds * 1000)
  }

  /** The token to write with, or undefined when this instance must not act now. */
  token(): LeaseToken | undefined {
    if (this.#epoch === undefined) return undefined
    if (performance.now() >= this.#deadline) {
      this.#lose('deadline', `no successful renew within ${this.#p.config.renewDeadlineSeconds} s`)
      return undefined
    }
    return { name: this.name, epoch: this.#epoch }
  }

  /** The token, or LeaseLostError: called before every write and broadcast. */
  assertToken(): LeaseToken {
    const token = this.token()
    if (!token) throw new LeaseLostError(`this instance (${this.holder}) does not hold lease ${this.name}`, { meta: { name: this.name, holder: this.holder } })
    return token
  }

  status(): LeaseKeeperStatus {
    const acting = this.token() !== undefined
    return { role: acting ? 'leader' : 'standby', holder: this.holder, epoch: this.#epoch, leader: acting ? this.holder : this.#leader }
  }

  #lose(reason: 'deadline' | 'refused' | 'released', detail: string): void {
    if (this.#epoch === undefined) return
    this.#p.log.warn({ lease: this.name, holder: this.holder, epoch: this.#epoch, reason, detail }, 'lease lost: standing down')
    this.#p.metrics?.lost.inc({ lease: this.name, reason })
    this.#p.metrics?.leader.set({ lease: this.name, holder: this.holder }, 0)
    this.#p.metrics?.ageSeconds.set({ lease: this.name }, 0)
    this.#epoch = undefined
    this.#deadline = 0
  }

  /** One renew (leader) or acquire (standby) attempt; never throws. */
  async step(): Promise<void> {
    const { client, config, metrics, log } = this.#p
    const sentAt = performance.now()
    const deadlineAfter = (at: number) => actingDeadlineMs({ sentAtMs: at, renewDeadlineMs: config.renewDeadlineSeconds * 1000, ttlMs: this.#ttlMs })
    try {
      if (this.token()) {
        await client.renewLease({ name: this.name, holder: this.holder, epoch: this.#epoch!, ttlMs: this.#ttlMs })
        if (this.#epoch !== undefined) this.#deadline = deadlineAfter(sentAt)
      } else {
        const lease = await client.acquireLease({ name: this.name, holder: this.holder, ttlMs: this.#ttlMs })
        this.#epoch = lease.epoch
        this.#deadline = deadlineAfter(sentAt)
        this.#acquiredAt = performance.now()
        this.#leader = this.holder
        metrics?.leader.set({ lease: this.name, holder: this.holder }, 1)
        metrics?.epoch.set({ lease: this.name }, lease.epoch)
        if (lease.takeover) metrics?.takeovers.inc({ lease: this.name })
        log.info({ lease: this.name, holder: this.holder, epoch: lease.epoch, takeover: lease.takeover }, 'lease acquired: acting')
      }
    } catch (error) {
      const code = isBaseError(error) ? error.code : undefined
      if (code === 'LEASE_HELD') {
        const leader = (error as { meta?: { holder?: string } }).meta?.holder
        if (leader !== this.#leader) log.info({ lease: this.name, holder: this.holder, leader }, 'lease held by another instance: standby')
        this.#leader = leader
        const epoch = (error as { meta?: { epoch?: number } }).meta?.epoch
        if (epoch !== undefined) metrics?.epoch.set({ lease: this.name }, epoch)
      } else if (code === 'LEASE_LOST') this.#lose('refused', (error as Error).message)
      else log.warn({ err: error, lease: this.name }, 'lease request failed (the Synome unreachable?); acting only until the renew deadline')
    }
    if (this.token()) metrics?.ageSeconds.set({ lease: this.name }, (performance.now() - this.#acquiredAt) / 1000)
  }

  /** Renew / acquire every `renewIntervalSeconds` until `stop`. The first attempt runs at once. */
  start(): Promise<void> {
    const loop = async () => {
      if (this.#stopped) return
      this.#step = this.step()
      await this.#step
      if (!this.#stopped) this.#timer = setTimeout(loop, this.#p.config.renewIntervalSeconds * 1000)
    }
    return loop()
  }

  /** Stop renewing and give the lease up at once when held (a standby need not wait out the TTL). */
  async stop(): Promise<void> {
    this.#stopped = true
    if (this.#timer) clearTimeout(this.#timer)
    await this.#step
    const epoch = this.token() ? this.#epoch : undefined
    this.#lose('released', 'stopping')
    if (epoch !== undefined) await this.#p.client.releaseLease({ name: this.name, holder: this.holder, epoch }).catch((error: unknown) => this.#p.log.warn({ err: error }, 'lease release failed; it lapses at its TTL'))
  }
}

/** The same client, every write carrying this instance's lease token (refused locally when it holds none). */
export function withLease(client: SynomeClient, keeper: Pick<LeaseKeeper, 'assertToken'>): SynomeClient {
  return {
    ...client,
    send: (command, payload, options) => client.send(command, payload, { ...options, lease: keeper.assertToken() }),
    sign: (command, payload, options) => client.sign(command, payload, { ...options, lease: keeper.assertToken() }),
  }
}

/**
 * A TxJournal's lines in the Synome's shared beacon journal `journal` (this signer's namespace),
 * appended at exactly the next line number and fenced by the lease: a deposed instance's intent
 * is refused before it could be broadcast.
 */
export function sharedJournalStore({ client, journal, keeper }: { client: SynomeClient; journal: string; keeper: Pick<LeaseKeeper, 'assertToken' | 'holder'> }): TxJournalStore {
  let seq = 0
  const signer = () => {
    if (!client.account) throw new LeaseLostError('a shared journal needs the beacon account')
    return client.account.address
  }
  return {
    async load() {
      const lines: unknown[] = []
      let after = 0
      // bounded by the journal's size; each page is bounded by the Synome (MAX_JOURNAL_PAGE)
      for (;;) {
        const page = await client.journal(signer(), journal, { after })
        if (page.lines.length === 0) break
        for (const l of page.lines) lines.push(l.line)
        after = page.lines.at(-1)!.seq
      }
      seq = after
      return lines
    },
    async append(line) {
      const result = await client.appendLine({ lease: keeper.assertToken(), holder: keeper.holder, journal, seq: seq + 1, line })
      seq = result.seq
    },
  }
}

export type BeaconHa = {
  keeper: LeaseKeeper
  /** The beacon's client with every write fenced by the lease. */
  synome: SynomeClient
  /** A TxJournal store in the shared journal `<lease>/<name>`; reloaded on every new epoch. */
  journalStore(name: string): TxJournalStore
  /** Run `tick` only while acting, after (re)loading the shared journals once per epoch; else `idle()`. */
  gate<R>(tick: () => Promise<R>, idle: () => R): () => Promise<R>
  /** Journals to reload when the lease changes hands (the TxJournals built on journalStore). */
  register(journal: { reload(): Promise<void> }): void
  close(): Promise<void>
}

/**
 * Wire HA into a beacon: start the lease keeper on `leaseClient` (a client whose requests time
 * out within one renew interval), fence `synome`, and gate the tick.
 */
export async function startBeaconHa(p: { config: HaConfig; defaultLeaseName: string; synome: SynomeClient; leaseClient?: SynomeClient | undefined; log: Logger; registry?: Registry | undefined }): Promise<BeaconHa> {
  const name = p.config.leaseName ?? p.defaultLeaseName
  const keeper = new LeaseKeeper({ client: p.leaseClient ?? p.synome, name, holder: p.config.holder ?? defaultHolder(), config: p.config, log: p.log, metrics: p.registry ? createLeaseMetrics(p.registry) : undefined })
  const journals: Array<{ reload(): Promise<void> }> = []
  let loadedEpoch: number | undefined
  await keeper.start()
  return {
    keeper,
    synome: withLease(p.synome, keeper),
    journalStore: (journal) => sharedJournalStore({ client: p.synome, journal: `${name}/${journal}`, keeper }),
    register: (journal) => void journals.push(journal),
    gate: (tick, idle) => async () => {
      const token = keeper.token()
      if (!token) {
        loadedEpoch = undefined
        return idle()
      }
      if (loadedEpoch !== token.epoch) {
        // What every earlier holder journaled is in the store: it was fenced by an older epoch,
        // and this epoch exists only since our acquire committed.
        for (const journal of journals) await journal.reload()
        loadedEpoch = token.epoch
      }
      return tick()
    },
    close: () => keeper.stop(),
  }
}
