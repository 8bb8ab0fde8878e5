/**
 * lpha-lcts runs 30 simulated days of srUSDS on anvil: random subscribes, redeems, claims and
 * exits each morning, Core Council's capacity inputs as signed Synome statements (one day's
 * missing), weekends skipped, and `halo beacon lcts` processes SIGKILLed at each step between
 * lock and settle. Afterwards the Synome's settlement records, replayed with the users'
 * operations through the pure queue model, give the chain's state exactly.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import { keccak256, parseUnits, toHex, type Account, type Address } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startLctsBeacon, type LctsBeacon } from '../../../src/beacons/lcts/main.js'
import { parseLctsBeaconConfig } from '../../../src/beacons/lcts/config.js'
import { settlementRecords } from '../../../src/beacons/lcts/reconcile.js'
import { lctsQueueAbi } from '../../../src/chain/generated/index.js'
import { tokensToValue, valueToTokens } from '../../../src/domain/lcts/capacity.js'
import * as model from '../../../src/domain/lcts/queue.js'
import { parseUnitsExact } from '../../../src/domain/money.js'
import { createInProcessClient } from '../../../src/synome/client/index.js'
import { LCTS_COMMANDS } from '../../../src/synome/commands/lcts/index.js'
import { createSynome } from '../../../src/synome/create.js'
import type { SynomeService } from '../../../src/synome/service.js'
import { useDevnet, type Devnet } from '../../fixtures/devnet.js'
import { runHaloProcess, serveSynomeHttp } from '../../support/beaconProcess.js'
import { approve, balanceOf, deploySrUsds, extraAccounts, fundSusds, positionOf, readQueue, t, type SrUsds } from '../../contracts/lcts/pair.js'

const DAYS = 30
const START = Date.parse('2026-12-07T00:00:00Z') // a Monday
const HOUR = 3600_000
const PAIR = 'srUSDS'
const MISSING_INPUT_DAY = 9
/** Day → where the `halo beacon lcts` process SIGKILLs itself (then clean processes finish the step). */
const CRASHES: Record<number, { at: 'lock' | 'settle'; crashAt: string }> = {
  2: { at: 'lock', crashAt: 'tx-broadcast#1' }, // after broadcasting the first lock
  3: { at: 'lock', crashAt: 'ledger-write#1' }, // after journaling the decision, before any settle
  4: { at: 'settle', crashAt: 'tx-broadcast#1' }, // after broadcasting the rate or the first settle
  8: { at: 'settle', crashAt: 'synome-write#1' }, // after the settlement record was accepted
  15: { at: 'lock', crashAt: 'tx-intent#1' }, // after journaling the first lock intent, before broadcasting it
}

let devnet: Devnet
let s: SrUsds
let users: Account[]
let synome: SynomeService
let dir: string
let chainNow = new Date(START)
const council = privateKeyToAccount(keccak256(toHex('core-council')))
const beaconKey = keccak256(toHex('lpha-lcts-0')) // the key deploySrUsds made the pBEAM

type UserOp = { day: number; kind: 'deposit' | 'exit' | 'claim'; side: 'subscribe' | 'redeem'; user: number; amount?: bigint }
const ops: UserOp[] = []

async function setTime(ms: number) {
  chainNow = new Date(ms)
  await devnet.testClient.setNextBlockTimestamp({ timestamp: BigInt(Math.floor(ms / 1000)) })
  await devnet.testClient.mine({ blocks: 1 })
}

function beaconConfig(synome: { url: string } | { dataDir: string }) {
  return {
    pairId: PAIR,
    rpcUrl: devnet.rpcUrl,
    privateKey: beaconKey,
    synome,
    chain: { subscribeQueue: s.subscribeQueue, redeemQueue: s.redeemQueue, holdingSystem: s.holdingSystem, token: s.token, finalityDepth: 0 },
    schedule: { lockAt: '13:00', settleAt: '16:00', skipWeekdaysUtc: [0, 6] },
    stateDir: dir,
    clock: { chainOffsetSeconds: 0 },
  }
}

async function inProcessBeacon(): Promise<LctsBeacon> {
  const config = parseLctsBeaconConfig(beaconConfig({ dataDir: '/unused' }))
  const client = createInProcessClient({ service: synome, account: privateKeyToAccount(beaconKey), clock: () => chainNow })
  return startLctsBeacon(config, pino({ level: 'silent' }), { synome: client })
}


const runProcess = (configFile: string, crashAt = '') => runHaloProcess(['beacon', 'lcts', '--config', configFile, '--once'], { crashAt })

/** A deterministic PRNG so the 30 days are the same every run (and a failure reproduces). */
function prng(seed: number) {
  let x = seed >>> 0
  return () => {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    return (x >>> 0) / 2 ** 32
  }
}

beforeAll(async () => {
  devnet = await useDevnet()
  s = await deploySrUsds(devnet, { subscribeDustThreshold: 10n ** 6n })
  users = await extraAccounts(devnet, 6, 'lcts-30d')
  await fundSusds(devnet, s, users.map((u) => u.address), t('100000'))
  for (const u of users) {
    await approve(devnet, u, s.susds, s.subscribeQueue)
    await approve(devnet, u, s.token, s.redeemQueue)
  }
  // a Prime funds the Holding System's buffer for redemptions at a rising rate
  await fundSusds(devnet, s, [s.holdingSystem], t('1000000'))
  dir = mkdtempSync(join(tmpdir(), 'lpha-lcts-'))
  synome = await createSynome({
    dataDir: null,
    clock: () => chainNow,
    commands: [...LCTS_COMMANDS],
    roles: [
      { address: privateKeyToAccount(beaconKey).address.toLowerCase(), role: 'lcts', haloClasses: ['*'] },
      { address: council.address.toLowerCase(), role: 'council', haloClasses: [] },
    ],
  })
  await setTime(START)
}, 120_000)

afterAll(async () => {
  await synome?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

describe('lpha-lcts: 30 simulated days of srUSDS', () => {
  it('locks and settles every weekday, skips weekends, falls back on a missing input, survives SIGKILLs, and the Synome replays to the chain', async () => {
    const rand = prng(13)
    const councilClient = createInProcessClient({ service: synome, account: council, clock: () => chainNow })
    const server = await serveSynomeHttp(synome)
    const configFile = join(dir, 'lpha-lcts.json')
    writeFileSync(configFile, JSON.stringify(beaconConfig({ url: server.url })))
    let beacon = await inProcessBeacon()
    const lockedRefusals: string[] = []
    try {
      for (let day = 0; day < DAYS; day++) {
        const dayStart = START + day * 24 * HOUR
        const epoch = new Date(dayStart).toISOString().slice(0, 10)
        // morning: random user flows (only what the chain accepts is kept for the replay)
        await setTime(dayStart + 8 * HOUR)
        for (let n = 0; n < 4; n++) {
          const user = Math.floor(rand() * users.length)
          const side = rand() < 0.6 ? 'subscribe' : 'redeem'
          const roll = rand()
          const kind: UserOp['kind'] = roll < 0.6 ? 'deposit' : roll < 0.85 ? 'claim' : 'exit'
          const who = users[user]!
          const queue = side === 'subscribe' ? s.subscribeQueue : s.redeemQueue
          let amount: bigint | undefined
          if (kind === 'deposit') {
            const held = await balanceOf(devnet, side === 'subscribe' ? s.susds : s.token, who.address)
            amount = (held * BigInt(Math.floor(rand() * 400) + 1)) / 1000n
            if (amount === 0n) continue
          }
          try {
            await devnet.write(who, { address: queue, abi: lctsQueueAbi, functionName: kind, ...(amount !== undefined ? { args: [amount] } : {}) } as never)
            ops.push({ day, kind, side, user, amount })
          } catch {
            // refused (no position, finalized position exited, …): nothing changed on chain
          }
        }
        // noon: Core Council signs the epoch's capacity inputs (not on the missing-input day)
        await setTime(dayStart + 12 * HOUR)
        if (day !== MISSING_INPUT_DAY) {
          await councilClient.send('setLctsCapacityInputs', {
            pairId: PAIR,
            epoch,
            inputs: { originationCapacity: String(Math.floor(rand() * 40_000)), clearingSpreadBps: 300 + Math.floor(rand() * 500), riskCapitalDemand: '10000000', targetSpreadBps: 250, redemptionLimit: String(Math.floor(rand() * 20_000)) },
          })
        }
        // 13:00 lock, 14:00 a user tries the locked queue, 16:00 settle
        for (const at of ['lock', 'settle'] as const) {
          await setTime(dayStart + (at === 'lock' ? 13 : 16) * HOUR + 5_000)
          const crash = CRASHES[day]?.at === at ? CRASHES[day] : undefined
          if (crash) {
            await beacon.close()
            const killed = await runProcess(configFile, crash.crashAt)
            expect({ signal: killed.signal, stderr: killed.stderr }).toEqual({ signal: 'SIGKILL', stderr: expect.stringContaining('SIGKILL') })
            // a fresh process finishes the step from the journals, chain and Synome
            const run = await runProcess(configFile)
            expect({ code: run.code, signal: run.signal, stderr: run.stderr }).toEqual({ code: 0, signal: null, stderr: '' })
            beacon = await inProcessBeacon()
          }
          const report = await beacon.tick()
          expect(report.errors).toEqual([])
          if (at === 'lock') {
            await setTime(dayStart + 14 * HOUR)
            const queue = await readQueue(devnet, s.subscribeQueue)
            if (queue.status === 2) {
              await expect(devnet.write(users[0]!, { address: s.subscribeQueue, abi: lctsQueueAbi, functionName: 'deposit', args: [1n] })).rejects.toThrow(/GenerationLocked/)
              lockedRefusals.push(epoch)
            }
          }
        }
        const statusAfter = [await readQueue(devnet, s.subscribeQueue), await readQueue(devnet, s.redeemQueue)]
        expect(statusAfter.map((q) => q.status)).not.toContain(2) // nothing stays LOCKED past 16:00
      }
    } finally {
      await beacon.close()
      await server.close()
    }

    const records = await settlementRecords(synome, PAIR)
    const weekdays = Array.from({ length: DAYS }, (_, d) => new Date(START + d * 24 * HOUR)).filter((d) => d.getUTCDay() !== 0 && d.getUTCDay() !== 6).map((d) => d.toISOString().slice(0, 10))
    // every record is a weekday; every weekday with something queued at 13:00 has exactly one
    expect(records.every((r) => weekdays.includes(r.epoch))).toBe(true)
    expect(new Set(records.map((r) => r.epoch)).size).toBe(records.length)
    expect(records.length).toBeGreaterThan(15)
    expect(lockedRefusals.length).toBeGreaterThan(10)
    const missing = records.find((r) => r.epoch === new Date(START + MISSING_INPUT_DAY * 24 * HOUR).toISOString().slice(0, 10))
    expect(missing?.fallback).toBe('previous-epoch')
    for (const crashDay of Object.keys(CRASHES)) expect(records.map((r) => r.epoch)).toContain(new Date(START + Number(crashDay) * 24 * HOUR).toISOString().slice(0, 10))

    // never settled twice: one Settled event per recorded queue settlement, across all crashes
    const settledEvent = lctsQueueAbi.find((item) => item.type === 'event' && item.name === 'Settled')!
    for (const side of ['subscribe', 'redeem'] as const) {
      const logs = await devnet.publicClient.getLogs({ address: side === 'subscribe' ? s.subscribeQueue : s.redeemQueue, event: settledEvent as never, fromBlock: 0n })
      expect(logs.length).toBe(records.filter((r) => r[side] !== null).length)
    }

    // replay: the users' operations and the Synome's settlements through the pure model
    const queues = { subscribe: model.emptyQueue(10n ** 6n), redeem: model.emptyQueue(0n) }
    const byEpoch = new Map(records.map((r) => [r.epoch, r]))
    for (let day = 0; day < DAYS; day++) {
      for (const op of ops.filter((o) => o.day === day)) {
        const who = users[op.user]!.address
        const q = queues[op.side]
        queues[op.side] = op.kind === 'deposit' ? model.deposit(q, who, op.amount!).state : op.kind === 'claim' ? model.claim(q, who).state : model.exit(q, who).state
      }
      const record = byEpoch.get(new Date(START + day * 24 * HOUR).toISOString().slice(0, 10))
      if (!record) continue
      const rate = BigInt(record.exchangeRateWad)
      for (const side of ['subscribe', 'redeem'] as const) {
        const settled = record[side]
        if (!settled) continue
        const rewardFor = side === 'subscribe' ? (a: bigint) => valueToTokens(a, rate) : (a: bigint) => tokensToValue(a, rate)
        const r = model.settle(model.lock(queues[side]), parseUnitsExact(settled.capacity, 18), rewardFor)
        expect({ converted: r.preview.convertAmount, reward: r.reward, rpt: r.state.current?.rewardPerTokenRay ?? r.state.finalized.get(r.preview.generationId) }).toEqual({
          converted: parseUnitsExact(settled.converted, 18),
          reward: parseUnitsExact(settled.reward, 18),
          rpt: BigInt(settled.rewardPerTokenRay),
        })
        queues[side] = r.state
      }
    }
    for (const side of ['subscribe', 'redeem'] as const) {
      const address: Address = side === 'subscribe' ? s.subscribeQueue : s.redeemQueue
      const q = queues[side]
      const c = q.current
      expect(await readQueue(devnet, address)).toEqual({ status: c === null ? 0 : c.status === 'ACTIVE' ? 1 : 2, currentGenerationId: c?.id ?? 0n, nextGenerationId: q.nextGenerationId, totalShares: c?.totalShares ?? 0n, totalUnderlying: c?.totalUnderlying ?? 0n, rewardPerTokenRay: c?.rewardPerTokenRay ?? 0n })
      for (const u of users) {
        const p = q.positions.get(u.address.toLowerCase())
        const chain = await positionOf(devnet, address, u.address)
        expect({ generationId: chain.generationId, shares: chain.shares, rewardDebtRay: chain.rewardDebtRay }).toEqual(p ?? { generationId: 0n, shares: 0n, rewardDebtRay: 0n })
      }
      expect(await balanceOf(devnet, side === 'subscribe' ? s.susds : s.token, address)).toBe(q.underlyingBalance)
      expect(await balanceOf(devnet, side === 'subscribe' ? s.token : s.susds, address)).toBe(q.rewardBalance)
    }
    // the exchange rate on chain is the last record's
    expect(await devnet.publicClient.readContract({ address: s.holdingSystem, abi: [{ type: 'function', name: 'exchangeRateWad', stateMutability: 'view', inputs: [], outputs: [{ type: 'uint256' }] }] as const, functionName: 'exchangeRateWad' })).toBe(BigInt(records.at(-1)!.exchangeRateWad))
    expect(BigInt(records.at(-1)!.exchangeRateWad)).toBeGreaterThan(parseUnits('1', 18))
  }, 400_000)
})
