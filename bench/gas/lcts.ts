/**
 * LCTS section: every queue operation (subscribe, exit, claim, claimFor, lock, settle,
 * settle-from-finalized) of the srUSDS SubscribeQueue beside a plain ERC-20 transfer of sUSDS
 * measured in the same run, and settle and claim with 1 vs 1,000 users in the generation
 * (which must cost the same within 2%: nothing iterates users or generations).
 * Every measured call is the second of its kind (warm-up first), as section.ts asks.
 */
import { parseUnits, type Abi, type Address } from 'viem'
import { lctsQueueAbi, lctsQueueFillerAbi, lctsQueueFillerBytecode, susdsAbi, usdsAbi } from '../../src/chain/generated/index.js'
import { deployDevnetAssets } from '../../src/chain/deploy/deployDevnetAssets.js'
import { deployLctsPair } from '../../src/chain/deploy/deployLcts.js'
import type { GasContext, GasRow, GasSection } from './section.js'

const t = (n: string) => parseUnits(n, 18)
export const MANY_USERS = 1000
const FILL_BATCH = 100
const UNLIMITED = 2n ** 256n - 1n

export const section: GasSection = {
  title: 'LCTS (srUSDS SubscribeQueue: queue operations, settle and claim with 1 vs 1,000 users)',
  async run(ctx: GasContext): Promise<GasRow[]> {
    const { deployer, relayer: pbeam, alice, bob, attestor, freezer } = ctx.accounts
    const assets = await deployDevnetAssets(ctx.clients, { owner: deployer })
    const send = (account: typeof alice, address: Address, abi: Abi, functionName: string, args: readonly unknown[] = []) =>
      ctx.write(account, { address, abi, functionName, args })
    const pair = () => deployLctsPair(ctx.clients, { admin: deployer, pbeam: pbeam.address, asset: assets.susds, name: 'Senior Risk USDS', symbol: 'srUSDS' })
    const s = await pair()
    const users = [alice, bob, attestor, freezer]
    const total = t('100000000')
    await send(deployer, assets.usds, usdsAbi as Abi, 'mint', [deployer.address, total])
    await send(deployer, assets.usds, usdsAbi as Abi, 'approve', [assets.susds, total])
    await send(deployer, assets.susds, susdsAbi as Abi, 'deposit', [total, deployer.address])
    for (const who of users) await send(deployer, assets.susds, susdsAbi as Abi, 'transfer', [who.address, t('1000000')])
    const q = (queue: Address) => ({
      deposit: (who: typeof alice, amount: bigint) => send(who, queue, lctsQueueAbi as Abi, 'deposit', [amount]),
      claim: (who: typeof alice) => send(who, queue, lctsQueueAbi as Abi, 'claim'),
      claimFor: (who: typeof alice, user: Address) => send(who, queue, lctsQueueAbi as Abi, 'claimFor', [user]),
      exit: (who: typeof alice) => send(who, queue, lctsQueueAbi as Abi, 'exit'),
      lock: () => send(pbeam, queue, lctsQueueAbi as Abi, 'lock'),
      settle: (capacity: bigint) => send(pbeam, queue, lctsQueueAbi as Abi, 'settle', [capacity]),
      approveAll: async () => {
        for (const who of users) await send(who, assets.susds, susdsAbi as Abi, 'approve', [queue, UNLIMITED])
      },
    })
    const sub = q(s.subscribeQueue)
    await sub.approveAll()

    // Baseline, in the same run: a plain ERC-20 (sUSDS) transfer to an existing holder.
    await send(alice, assets.susds, susdsAbi as Abi, 'transfer', [bob.address, t('1')])
    const erc20 = (await send(alice, assets.susds, susdsAbi as Abi, 'transfer', [bob.address, t('1')])).gasUsed
    const baseline = { action: 'sUSDS.transfer (plain ERC-20, to a holder)', gas: erc20 }
    // ... and to a new holder: the like-for-like baseline of a subscribe that creates a position
    await send(alice, assets.susds, susdsAbi as Abi, 'transfer', [ctx.accounts.govOps.address, t('1')])
    const erc20New = (await send(alice, assets.susds, susdsAbi as Abi, 'transfer', [ctx.accounts.council.address, t('1')])).gasUsed
    const baselineNew = { action: 'sUSDS.transfer (plain ERC-20, to a new holder)', gas: erc20New }
    const row = (action: string, gas: bigint, against = baseline): GasRow => ({ action, gas, baseline: against })
    const rows: GasRow[] = []

    // subscribe: alice opens generation 1 (warm-up), bob enters it as a new position
    await sub.deposit(alice, t('1000'))
    const subscribeNew = (await sub.deposit(bob, t('1000'))).gasUsed
    rows.push(row('subscribe (new position, ACTIVE generation)', subscribeNew))
    rows.push(row('subscribe (new position, ACTIVE generation)', subscribeNew, baselineNew))
    rows.push(row('subscribe (top-up, pays pending first)', (await sub.deposit(alice, t('1000'))).gasUsed))
    // lock / settle: second cycle measured
    await sub.lock()
    await sub.settle(t('100'))
    rows.push(row('lock (ACTIVE → LOCKED)', (await sub.lock()).gasUsed))
    rows.push(row('settle (partial: convert, mint srUSDS, unlock)', (await sub.settle(t('100'))).gasUsed))
    // claim: bob's first claim is the warm-up, the second (after another settlement) is measured
    await sub.claim(bob)
    await sub.lock()
    await sub.settle(t('100'))
    rows.push(row('claim (ACTIVE generation)', (await sub.claim(bob)).gasUsed))
    await sub.claimFor(attestor, alice.address)
    await sub.lock()
    await sub.settle(t('100'))
    rows.push(row('claimFor (keeper pays the user)', (await sub.claimFor(attestor, alice.address)).gasUsed))
    // exit: attestor enters and exits (warm-up), then bob exits his position
    const subscribeAfterSettlement = (await sub.deposit(attestor, t('1000'))).gasUsed
    rows.push(row('subscribe (new position after a settlement: rewardDebt slot too)', subscribeAfterSettlement, baselineNew))
    await sub.exit(attestor)
    rows.push(row('exit (claim-and-exit, whole position)', (await sub.exit(bob)).gasUsed))
    // settle-from-finalized: drain generation 1 with alice and freezer in it
    await sub.deposit(freezer, t('1000'))
    await sub.lock()
    rows.push(row('settle (drains: convert, mint, finalize → DORMANT)', (await sub.settle(t('100000000'))).gasUsed))
    await sub.claim(freezer)
    rows.push(row('claim from a FINALIZED generation', (await sub.claim(alice)).gasUsed))

    // settle and claim with 1 vs MANY_USERS users in the generation, on two fresh pairs
    const measureWith = async (fill: number) => {
      const p = await pair()
      const queue = q(p.subscribeQueue)
      await queue.approveAll()
      await queue.deposit(alice, t('1000'))
      if (fill > 0) {
        const filler = await ctx.deploy({ abi: lctsQueueFillerAbi, bytecode: lctsQueueFillerBytecode })
        await send(deployer, assets.susds, susdsAbi as Abi, 'transfer', [filler, t('1') * BigInt(fill)])
        for (let first = 0; first < fill; first += FILL_BATCH) {
          const count = Math.min(FILL_BATCH, fill - first)
          await send(deployer, filler, lctsQueueFillerAbi as Abi, 'fill', [assets.susds, p.subscribeQueue, BigInt(first), BigInt(count), t('1')])
        }
      }
      await queue.lock()
      await queue.settle(t('10'))
      await queue.claim(alice)
      // Alone in the queue, alice's claim emptied the queue's srUSDS balance; give it 1 wei back
      // so both cases pay the same ERC-20 storage (non-zero balance) and only the queue differs.
      if (fill === 0) await send(alice, p.token, susdsAbi as Abi, 'transfer', [p.subscribeQueue, 1n])
      await queue.lock()
      const settle = (await queue.settle(t('10'))).gasUsed
      const claim = (await queue.claim(alice)).gasUsed
      return { settle, claim }
    }
    const one = await measureWith(0)
    const many = await measureWith(MANY_USERS - 1)
    rows.push(row('settle, 1 user in the generation', one.settle))
    rows.push(row(`settle, ${MANY_USERS} users in the generation`, many.settle))
    rows.push(row('claim, 1 user in the generation', one.claim))
    rows.push(row(`claim, ${MANY_USERS} users in the generation`, many.claim))
    return rows
  },
}
