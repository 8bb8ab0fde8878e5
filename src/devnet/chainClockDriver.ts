/**
 * The chain clock of `halo up`: with `--speed N` (N > 1) on the anvil it started, a driver
 * mines one block about every wall second, each `N` chain seconds after the previous target
 * (src/domain/chainClock.ts has the rule and its bounds), so every component that reads chain
 * time — the beacons (their `clock` is the latest block), the Synome, the dashboard, `halo
 * status` — sees time run N times faster. Without acceleration (`--speed 1`, `--rpc-url`) it
 * only follows the chain's latest block.
 *
 * `now()` is this process's view of chain time (the Synome's and the dashboard's clock): the
 * latest target or block plus the wall time since, so it is never behind a block a beacon has
 * just read (the Synome refuses an attestation stamped after its clock).
 */
import type { DevnetClients } from '../chain/devnet.js'
import { chainAdvanceSeconds, nextChainTimestamp } from '../domain/chainClock.js'

export type ChainClock = {
  /** Chain seconds per wall second (1 = real time). */
  readonly speed: number
  /** Whether this process moves chain time (anvil started by us and speed > 1). */
  readonly accelerated: boolean
  now(): Date
  /** Blocks the driver has mined. */
  readonly ticks: () => number
  stop(): Promise<void>
}

export type StartChainClockParameters = {
  clients: Pick<DevnetClients, 'publicClient' | 'testClient'>
  speed: number
  /** False with `--rpc-url`: someone else's chain is never moved. */
  accelerate: boolean
  tickMs?: number
  log?: (line: string) => void
}

export async function startChainClock({ clients, speed, accelerate, tickMs = 1_000, log = () => {} }: StartChainClockParameters): Promise<ChainClock> {
  const accelerated = accelerate && speed > 1
  let chainSeconds = (await clients.publicClient.getBlock({ blockTag: 'latest' })).timestamp
  let syncedAtMs = Date.now()
  let lastTickMs = syncedAtMs
  let mined = 0
  let stopped = false
  let timer: NodeJS.Timeout | undefined
  let inFlight: Promise<void> = Promise.resolve()
  let lastError = ''

  const tick = async () => {
    const wallMs = Date.now()
    const advanceSeconds = accelerated ? chainAdvanceSeconds({ speed, wallElapsedMs: wallMs - lastTickMs }) : 0n
    lastTickMs = wallMs
    const latest = (await clients.publicClient.getBlock({ blockTag: 'latest' })).timestamp
    if (advanceSeconds === 0n) {
      if (latest > chainSeconds) {
        chainSeconds = latest
        syncedAtMs = wallMs
      }
      return
    }
    const next = nextChainTimestamp({ previousTargetSeconds: chainSeconds, latestBlockSeconds: latest, advanceSeconds })
    // Move our own view first: a beacon that reads the new block must find the Synome at or past it.
    chainSeconds = next
    syncedAtMs = Date.now()
    // evm_mine with a timestamp is atomic (no other transaction can take the pinned time) and
    // anvil continues from it: blocks mined between ticks follow at wall speed.
    await clients.testClient.request({ method: 'evm_mine', params: [Number(next)] } as never)
    mined++
  }
  const loop = () => {
    if (stopped) return
    inFlight = tick()
      .then(() => void (lastError = ''))
      .catch((error: Error) => {
        const message = error.message.split('\n')[0] ?? String(error)
        if (message !== lastError) log(`chain clock: ${message} (retrying every tick)`)
        lastError = message
      })
      .finally(() => {
        if (!stopped) timer = setTimeout(loop, tickMs)
      })
  }
  timer = setTimeout(loop, tickMs)
  return {
    speed,
    accelerated,
    now: () => new Date(Number(chainSeconds) * 1000 + (Date.now() - syncedAtMs)),
    ticks: () => mined,
    async stop() {
      stopped = true
      if (timer) clearTimeout(timer)
      await inFlight
    },
  }
}
