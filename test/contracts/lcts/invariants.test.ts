/**
 * fast-check on anvil: random subscribe / redeem / exit / claim / claimFor / lock / settle /
 * exchange-rate sequences over an srUSDS pair with many users and capacities including 0.
 * After every step the chain must equal the pure model (src/domain/lcts/queue.ts) exactly —
 * same outcome (or the same named revert), same queue state, same balances of everyone the
 * step touched. After every run: every position and finalized generation equals the model,
 * sUSDS and srUSDS are conserved, each queue can pay every position (nobody was promised more
 * than their proportional share), and the dust each queue keeps is bounded.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { parseUnits, type Account, type Address } from 'viem'
import { lctsHoldingSystemAbi, lctsQueueAbi } from '../../../src/chain/generated/index.js'
import * as model from '../../../src/domain/lcts/queue.js'
import { tokensToValue, valueToTokens } from '../../../src/domain/lcts/capacity.js'
import { useDevnet, type Devnet } from '../../fixtures/devnet.js'
import { approve, balanceOf, deploySrUsds, extraAccounts, fundSusds, positionOf, readQueue, t, type SrUsds } from './pair.js'

const USERS = 12
const SUBSCRIBE_DUST = 1000n
let devnet: Devnet
let s: SrUsds
let users: Account[]

type Side = 'subscribe' | 'redeem'
type World = {
  queues: Record<Side, model.QueueState>
  susds: Map<string, bigint>
  srusds: Map<string, bigint>
  rateWad: bigint
}

const FUNDED = t('1000000')
const HOLDING_PREFUND = t('50000000')

beforeAll(async () => {
  devnet = await useDevnet()
  s = await deploySrUsds(devnet, { subscribeDustThreshold: SUBSCRIBE_DUST })
  users = await extraAccounts(devnet, USERS)
  await fundSusds(devnet, s, users.map((u) => u.address), FUNDED)
  await fundSusds(devnet, s, [s.holdingSystem], HOLDING_PREFUND)
  for (const u of users) {
    await approve(devnet, u, s.susds, s.subscribeQueue)
    await approve(devnet, u, s.token, s.redeemQueue)
  }
  // every user starts with some srUSDS (a full cycle of generation 1), so redeems happen too
  const setup: Op[] = [
    ...users.map((_, i): Op => ({ kind: 'deposit', side: 'subscribe', user: i, amount: t('20000') })),
    { kind: 'cycle', subscribeCapacity: 2n ** 200n, redeemCapacity: 0n },
    ...users.map((_, i): Op => ({ kind: 'claim', side: 'subscribe', user: i })),
  ]
  let w = emptyWorld()
  for (const o of setup) {
    const next = step(w, o)
    if (typeof next === 'string') throw new Error(`setup step refused: ${next}`)
    await send(o)
    w = next
  }
  baseline = w
}, 120_000)

let baseline: World
function emptyWorld(): World {
  const susds = new Map<string, bigint>(users.map((u) => [u.address, FUNDED]))
  susds.set(s.holdingSystem, HOLDING_PREFUND)
  return { queues: { subscribe: model.emptyQueue(SUBSCRIBE_DUST), redeem: model.emptyQueue(0n) }, susds, srusds: new Map(), rateWad: parseUnits('1', 18) }
}

type Op =
  | { kind: 'deposit'; side: Side; user: number; amount: bigint }
  | { kind: 'exit'; side: Side; user: number }
  | { kind: 'claim'; side: Side; user: number }
  | { kind: 'claimFor'; side: Side; caller: number; user: number }
  | { kind: 'lock' }
  | { kind: 'settle'; side: Side; capacity: bigint }
  | { kind: 'rate'; rateWad: bigint }
  /** The daily cycle in one step: lock both queues, settle both. */
  | { kind: 'cycle'; subscribeCapacity: bigint; redeemCapacity: bigint }

const side = fc.constantFrom<Side>('subscribe', 'redeem')
// most steps hit a few busy users (so positions are claimed, topped up and exited), some hit anyone
const user = fc.oneof(fc.nat({ max: 2 }), fc.nat({ max: USERS - 1 }))
const amount = fc.oneof(fc.bigInt({ min: 1n, max: 1000n }), fc.bigInt({ min: 1n, max: t('50000') }))
const capacity = fc.oneof(fc.constant(0n), fc.bigInt({ min: 1n, max: t('80000') }), fc.constant(2n ** 200n))
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('cycle' as const), subscribeCapacity: capacity, redeemCapacity: capacity }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('deposit' as const), side, user, amount }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('exit' as const), side, user }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('claim' as const), side, user }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('claimFor' as const), side, caller: user, user }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('lock' as const) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('settle' as const), side, capacity }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('rate' as const), rateWad: fc.bigInt({ min: parseUnits('0.8', 18), max: parseUnits('1.3', 18) }) }) },
)

const get = (m: Map<string, bigint>, k: string) => m.get(k) ?? 0n
const add = (m: Map<string, bigint>, k: string, d: bigint) => new Map(m).set(k, get(m, k) + d)
const queueAddress = (sd: Side) => (sd === 'subscribe' ? s.subscribeQueue : s.redeemQueue)
const underlyingOf = (w: World, sd: Side) => (sd === 'subscribe' ? w.susds : w.srusds)

/** The model step: the new world, or the name of the error the chain must revert with. */
function step(w: World, o: Op): World | string {
  try {
    if (o.kind === 'rate') return { ...w, rateWad: o.rateWad }
    if (o.kind === 'lock') return { ...w, queues: { subscribe: model.lock(w.queues.subscribe), redeem: model.lock(w.queues.redeem) } }
    if (o.kind === 'cycle') {
      let next: World | string = step(w, { kind: 'lock' })
      for (const [sd, c] of [['subscribe', o.subscribeCapacity], ['redeem', o.redeemCapacity]] as const) {
        if (typeof next === 'string' || next.queues[sd].current === null) continue
        next = step(next, { kind: 'settle', side: sd, capacity: c })
      }
      return next
    }
    const sd = o.side
    const q = w.queues[sd]
    const queue = queueAddress(sd)
    if (o.kind === 'settle') {
      const rewardFor = sd === 'subscribe' ? (a: bigint) => valueToTokens(a, w.rateWad) : (a: bigint) => tokensToValue(a, w.rateWad)
      const r = model.settle(q, o.capacity, rewardFor)
      const converted = r.preview.convertAmount
      if (sd === 'subscribe') {
        let susds = add(w.susds, queue, -converted)
        susds = add(susds, s.holdingSystem, converted)
        return { ...w, queues: { ...w.queues, subscribe: r.state }, susds, srusds: add(w.srusds, queue, r.reward) }
      }
      if (get(w.susds, s.holdingSystem) < r.reward) return 'InsufficientBacking'
      let susds = add(w.susds, s.holdingSystem, -r.reward)
      susds = add(susds, queue, r.reward)
      return { ...w, queues: { ...w.queues, redeem: r.state }, susds, srusds: add(w.srusds, queue, -converted) }
    }
    const who = users[o.user]!.address
    const paid = (next: World, r: { state: model.QueueState; reward: bigint; underlying: bigint }): World => {
      const queues = { ...next.queues, [sd]: r.state }
      let { susds, srusds } = next
      const [underlyingMap, rewardMap] = sd === 'subscribe' ? ['susds', 'srusds'] as const : ['srusds', 'susds'] as const
      const maps = { susds, srusds }
      maps[underlyingMap] = add(add(maps[underlyingMap], queue, -r.underlying), who, r.underlying)
      maps[rewardMap] = add(add(maps[rewardMap], queue, -r.reward), who, r.reward)
      return { ...next, queues, ...maps }
    }
    if (o.kind === 'deposit') {
      const r = model.deposit(q, who, o.amount)
      if (get(underlyingOf(w, sd), who) < o.amount) return 'ERC20InsufficientBalance'
      const moved = paid(w, { ...r, underlying: -o.amount })
      return moved
    }
    if (o.kind === 'exit') return paid(w, model.exit(q, who))
    return paid(w, model.claim(q, who)) // claim and claimFor (whoever calls, `who` is paid)
  } catch (error) {
    if (error instanceof model.GenerationLockedError) return 'GenerationLocked'
    if (error instanceof model.NotLockedError) return 'NotLocked'
    if (error instanceof model.NoPositionError) return 'NoPosition'
    if (error instanceof model.PositionFinalizedError) return 'PositionFinalized'
    if (error instanceof model.ZeroSharesError) return 'ZeroShares'
    throw error
  }
}

async function send(o: Op): Promise<void> {
  if (o.kind === 'rate') return void (await devnet.write(s.pbeam, { address: s.holdingSystem, abi: lctsHoldingSystemAbi, functionName: 'setExchangeRate', args: [o.rateWad] }))
  if (o.kind === 'lock') {
    await devnet.write(s.pbeam, { address: s.subscribeQueue, abi: lctsQueueAbi, functionName: 'lock' })
    await devnet.write(s.pbeam, { address: s.redeemQueue, abi: lctsQueueAbi, functionName: 'lock' })
    return
  }
  if (o.kind === 'cycle') {
    await send({ kind: 'lock' })
    for (const [sd, capacity] of [['subscribe', o.subscribeCapacity], ['redeem', o.redeemCapacity]] as const) {
      if ((await readQueue(devnet, queueAddress(sd))).status === 2) await send({ kind: 'settle', side: sd, capacity })
    }
    return
  }
  const address = queueAddress(o.side)
  if (o.kind === 'settle') return void (await devnet.write(s.pbeam, { address, abi: lctsQueueAbi, functionName: 'settle', args: [o.capacity] }))
  const who = users[o.user]!
  if (o.kind === 'deposit') return void (await devnet.write(who, { address, abi: lctsQueueAbi, functionName: 'deposit', args: [o.amount] }))
  if (o.kind === 'exit') return void (await devnet.write(who, { address, abi: lctsQueueAbi, functionName: 'exit' }))
  if (o.kind === 'claim') return void (await devnet.write(who, { address, abi: lctsQueueAbi, functionName: 'claim' }))
  await devnet.write(users[o.caller]!, { address, abi: lctsQueueAbi, functionName: 'claimFor', args: [who.address] })
}

const STATUS = { DORMANT: 0, ACTIVE: 1, LOCKED: 2 } as const
function expectedQueue(q: model.QueueState) {
  const c = q.current
  return {
    status: STATUS[model.queueStatus(q)],
    currentGenerationId: c?.id ?? 0n,
    nextGenerationId: q.nextGenerationId,
    totalShares: c?.totalShares ?? 0n,
    totalUnderlying: c?.totalUnderlying ?? 0n,
    rewardPerTokenRay: c?.rewardPerTokenRay ?? 0n,
  }
}

async function expectPosition(sd: Side, w: World, who: Address) {
  const p = w.queues[sd].positions.get(who.toLowerCase())
  const chain = await positionOf(devnet, queueAddress(sd), who)
  expect({ generationId: chain.generationId, shares: chain.shares, rewardDebtRay: chain.rewardDebtRay }).toEqual(p ?? { generationId: 0n, shares: 0n, rewardDebtRay: 0n })
}

async function expectBalances(w: World, who: readonly Address[]) {
  for (const a of who) {
    expect(await balanceOf(devnet, s.susds, a), `sUSDS of ${a}`).toBe(get(w.susds, a))
    expect(await balanceOf(devnet, s.token, a), `srUSDS of ${a}`).toBe(get(w.srusds, a))
  }
}

describe('LCTS on anvil equals the pure model, step by step', () => {
  it('random sequences with many users and capacities incl. 0: same state, conservation, solvency, bounded dust', async () => {
    const contracts = [s.subscribeQueue, s.redeemQueue, s.holdingSystem]
    const done = new Map<string, number>()
    const refused = new Map<string, number>()
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 20, maxLength: 50 }), async (ops) => {
        await devnet.withSnapshot(async () => {
          let w = baseline
          let divisions = 0n
          for (const o of ops) {
            const next = step(w, o)
            if (typeof next === 'string') {
              refused.set(next, (refused.get(next) ?? 0) + 1)
              await expect(send(o), JSON.stringify(o, (_, v) => (typeof v === 'bigint' ? v.toString() : v))).rejects.toThrow(new RegExp(next))
            } else {
              await send(o)
              w = next
              divisions += 1n
              done.set(`${o.kind}${'side' in o ? `:${o.side}` : ''}`, (done.get(`${o.kind}${'side' in o ? `:${o.side}` : ''}`) ?? 0) + 1)
            }
            expect(await readQueue(devnet, s.subscribeQueue)).toEqual(expectedQueue(w.queues.subscribe))
            expect(await readQueue(devnet, s.redeemQueue)).toEqual(expectedQueue(w.queues.redeem))
            if ('user' in o) {
              const who = users[o.user]!.address
              await expectPosition(o.side, w, who)
              await expectBalances(w, [who, ...contracts])
            }
          }
          // whole-world checks at the end of the run
          for (const sd of ['subscribe', 'redeem'] as const) {
            const q = w.queues[sd]
            for (const u of users) await expectPosition(sd, w, u.address)
            for (let id = 1n; id < q.nextGenerationId; id++) {
              const [finalized, ray] = await devnet.publicClient.readContract({ address: queueAddress(sd), abi: lctsQueueAbi, functionName: 'finalRewardPerTokenRay', args: [id] })
              expect(finalized).toBe(q.finalized.has(id))
              expect(ray).toBe(q.finalized.get(id) ?? 0n)
            }
            // solvency: what every position would get now is in the queue; the rest is dust
            const views = users.map((u) => model.previewPosition(q, u.address))
            const owedReward = views.reduce((sum, v) => sum + v.pendingReward, 0n)
            const owedUnderlying = q.current?.totalUnderlying ?? 0n
            const rewardDust = q.rewardBalance - owedReward
            const underlyingDust = q.underlyingBalance - owedUnderlying
            expect(rewardDust >= 0n && underlyingDust >= 0n).toBe(true)
            // each division leaves < 1 unit per position it touches; a generous bound on the run
            expect(rewardDust <= (divisions + 1n) * BigInt(USERS + 1)).toBe(true)
            expect(underlyingDust <= divisions + 1n).toBe(true)
            expect(views.reduce((sum, v) => sum + v.underlying, 0n) <= owedUnderlying).toBe(true)
          }
          await expectBalances(w, [...users.map((u) => u.address), ...contracts])
          // conservation: sUSDS only moves between users, queues and the Holding System
          const chainSusds = await Promise.all([...users.map((u) => u.address), ...contracts].map((a) => balanceOf(devnet, s.susds, a)))
          expect(chainSusds.reduce((a, b) => a + b, 0n)).toBe(FUNDED * BigInt(USERS) + HOLDING_PREFUND)
          expect(get(w.susds, s.holdingSystem) + [...w.susds.entries()].filter(([a]) => a !== s.holdingSystem).reduce((sum, [, v]) => sum + v, 0n)).toBe(FUNDED * BigInt(USERS) + HOLDING_PREFUND)
          const supply = await devnet.publicClient.readContract({ address: s.token, abi: [{ type: 'function', name: 'totalSupply', stateMutability: 'view', inputs: [], outputs: [{ type: 'uint256' }] }] as const, functionName: 'totalSupply' })
          const held = await Promise.all([...users.map((u) => u.address), ...contracts].map((a) => balanceOf(devnet, s.token, a)))
          expect(held.reduce((a, b) => a + b, 0n)).toBe(supply)
        })
      }),
      { numRuns: 30, seed: 1313, endOnFailure: true },
    )
    // the runs exercised every operation on both queues, and the lock really refused things
    for (const kind of ['deposit', 'exit', 'claim', 'claimFor', 'settle']) {
      for (const sd of ['subscribe', 'redeem']) expect(done.get(`${kind}:${sd}`) ?? 0, `${kind}:${sd} succeeded`).toBeGreaterThan(0)
    }
    for (const name of ['GenerationLocked', 'NoPosition', 'NotLocked']) expect(refused.get(name) ?? 0, `${name} refusals`).toBeGreaterThan(0)
  }, 120_000)
})
