/**
 * NFAT Facility section: deposit, withdraw, claim + mint, fund, redeem + burn (and the
 * amortizing "spend") beside a plain ERC-20 transfer (baseline column) and a plain
 * OpenZeppelin ERC-721 mint (ratio in the action text), all measured in the same run; and one
 * claim with 1 vs 500 queued depositors, which must cost the same (claims never iterate the
 * queue). Every measured call is the second of its kind (warm-up first), as section.ts asks.
 */
import { parseEventLogs, parseUnits, type Abi, type Address, type Hex } from 'viem'
import {
  controllerAbi,
  nfatFacilityAbi,
  plainERC721Abi,
  plainERC721Bytecode,
  queueFillerAbi,
  queueFillerBytecode,
  rateLimitsAbi,
  usdsAbi,
} from '../../src/chain/generated/index.js'
import { deployDevnetAssets } from '../../src/chain/deploy/deployDevnetAssets.js'
import { deployNfatFacility } from '../../src/chain/deploy/deployNfatFacility.js'
import { deployPau } from '../../src/chain/deploy/deployPau.js'
import { LIMIT, UNLIMITED, rateLimitKey } from '../../src/domain/rateLimits.js'
import { ratio as times, type GasContext, type GasRow, type GasSection } from './section.js'

const usd = (n: string) => parseUnits(n, 18)
export const QUEUED_DEPOSITORS = 500
const FILL_BATCH = 100

export const section: GasSection = {
  title: 'NFAT Facility (queue, claim + mint, fund, redeem + burn)',
  async run(ctx: GasContext): Promise<GasRow[]> {
    const { accounts } = ctx
    const { deployer, govOps, relayer, freezer, alice, bob, attestor } = accounts
    const assets = await deployDevnetAssets(ctx.clients, { owner: deployer })
    const pau = await deployPau(ctx.clients, { deployer, configurator: govOps.address, proxyAdmin: govOps.address, ...assets })
    const send = (account: typeof alice, address: Address, abi: Abi, functionName: string, args: readonly unknown[] = []) =>
      ctx.write(account, { address, abi, functionName, args })
    const relayerRole = await ctx.clients.publicClient.readContract({ address: pau.controller, abi: controllerAbi, functionName: 'RELAYER' })
    await send(govOps, pau.controller, controllerAbi as Abi, 'grantRole', [relayerRole, relayer.address])
    const mint = (to: Address, amount: bigint) => send(deployer, assets.usds, usdsAbi as Abi, 'mint', [to, amount])
    const setLimit = (key: Hex, max: bigint, slope = 0n) => send(govOps, pau.rateLimits, rateLimitsAbi as Abi, 'setRateLimitData', [key, max, slope])

    /**
     * A facility on the Halo PAU with a finite claim limit (so each claim writes the limit state,
     * as in production). `funder` is an EOA here so `fund` is measured on its own; a second row
     * measures it through the Controller.
     */
    const deployFacility = async (funder: Address) => {
      const facility = await deployNfatFacility(ctx.clients, {
        deployer,
        usds: assets.usds,
        pau,
        admin: govOps.address,
        claimer: relayer.address,
        funder,
        pauser: freezer.address,
        writeDowner: govOps.address,
        name: 'Bench NFAT',
        symbol: 'BNFAT',
        firstTokenId: 1n,
      })
      const controllerRole = await ctx.clients.publicClient.readContract({ address: pau.rateLimits, abi: rateLimitsAbi, functionName: 'CONTROLLER' })
      await send(govOps, pau.rateLimits, rateLimitsAbi as Abi, 'grantRole', [controllerRole, facility])
      const claimKey = rateLimitKey(LIMIT.NFAT_CLAIM, facility)
      await setLimit(claimKey, UNLIMITED)
      await setLimit(claimKey, usd('1000000000'), usd('1000'))
      return facility
    }
    const facility = await deployFacility(attestor.address)
    const call = (account: typeof alice, functionName: string, args: readonly unknown[] = [], target = facility) =>
      send(account, target, nfatFacilityAbi as Abi, functionName, args)
    const claim = async (depositor: Address, amount: bigint, target = facility) => {
      const receipt = await call(relayer, 'claim', [depositor, amount], target)
      const [claimed] = parseEventLogs({ abi: nfatFacilityAbi, eventName: 'Claimed', logs: receipt.logs })
      return { gasUsed: receipt.gasUsed, tokenId: claimed!.args.tokenId }
    }

    for (const who of [alice, bob, attestor]) {
      await mint(who.address, usd('10000000'))
      await send(who, assets.usds, usdsAbi as Abi, 'approve', [facility, UNLIMITED])
    }

    // Baselines, in the same run: a plain ERC-20 transfer to a holder, a plain OZ ERC-721 mint to a holder.
    await send(alice, assets.usds, usdsAbi as Abi, 'transfer', [bob.address, usd('1000')])
    const erc20 = (await send(alice, assets.usds, usdsAbi as Abi, 'transfer', [bob.address, usd('1000')])).gasUsed
    const plain721 = await ctx.deploy({ abi: plainERC721Abi, bytecode: plainERC721Bytecode })
    await send(alice, plain721, plainERC721Abi as Abi, 'mint', [bob.address, 1n])
    const erc721 = (await send(alice, plain721, plainERC721Abi as Abi, 'mint', [bob.address, 2n])).gasUsed
    const baseline = { action: 'USDS.transfer (plain ERC-20)', gas: erc20 }
    const row = (action: string, gas: bigint): GasRow => ({ action: `${action} [${times(gas, erc721)} OZ ERC-721 mint]`, gas, baseline })
    const rows: GasRow[] = [row('baseline: OZ ERC-721 mint', erc721)]

    await call(alice, 'deposit', [usd('1000000')])
    rows.push(row('deposit (queue USDS)', (await call(alice, 'deposit', [usd('1000000')])).gasUsed))
    await call(bob, 'deposit', [usd('1000')])
    await call(bob, 'withdraw')
    await call(bob, 'deposit', [usd('1000')])
    rows.push(row('withdraw (whole queue)', (await call(bob, 'withdraw')).gasUsed))

    const warm = await claim(alice.address, usd('1000'))
    const measured = await claim(alice.address, usd('1000'))
    rows.push(row('claim + mint NFAT (rate-limited)', measured.gasUsed))
    const spendToken = (await claim(alice.address, usd('1000'))).tokenId

    await call(attestor, 'fund', [warm.tokenId, usd('1000'), usd('50')])
    rows.push(row('fund (principal + yield, from the funder)', (await call(attestor, 'fund', [measured.tokenId, usd('1000'), usd('50')])).gasUsed))
    await call(alice, 'redeem', [warm.tokenId])
    rows.push(row('redeem + burn NFAT', (await call(alice, 'redeem', [measured.tokenId])).gasUsed))
    await call(attestor, 'fund', [spendToken, usd('250'), usd('10')])
    await call(alice, 'redeem', [spendToken])
    await call(attestor, 'fund', [spendToken, usd('250'), usd('10')])
    rows.push(row('redeem as spend (amortizing payment)', (await call(alice, 'redeem', [spendToken])).gasUsed))

    // The same fund through the Halo PAU: relayer → Controller.fundRedeem → ALMProxy → facility,
    // consuming two finite keys (principal part and interest part).
    const pauFacility = await deployFacility(pau.proxy)
    for (const action of [LIMIT.REDEEM_FUND_PRINCIPAL, LIMIT.REDEEM_FUND_INTEREST]) {
      await setLimit(rateLimitKey(action, pauFacility), UNLIMITED)
      await setLimit(rateLimitKey(action, pauFacility), usd('1000000000'), usd('1000'))
    }
    await send(alice, assets.usds, usdsAbi as Abi, 'approve', [pauFacility, UNLIMITED])
    await call(alice, 'deposit', [usd('10000')], pauFacility)
    const pauTokens = [(await claim(alice.address, usd('1000'), pauFacility)).tokenId, (await claim(alice.address, usd('1000'), pauFacility)).tokenId]
    await mint(pau.proxy, usd('100'))
    await send(relayer, pau.controller, controllerAbi as Abi, 'fundRedeem', [pauFacility, pauTokens[0], usd('1000'), usd('50')])
    const fundViaPau = (await send(relayer, pau.controller, controllerAbi as Abi, 'fundRedeem', [pauFacility, pauTokens[1], usd('1000'), usd('50')])).gasUsed
    rows.push(row('fund via PAU Controller.fundRedeem (principal + interest keys)', fundViaPau))

    // Claim with 1 vs 500 queued depositors: two fresh facilities, same claimant and amounts.
    const claimWithQueue = async (extraDepositors: number) => {
      const target = await deployFacility(attestor.address)
      await send(alice, assets.usds, usdsAbi as Abi, 'approve', [target, UNLIMITED])
      await call(alice, 'deposit', [usd('10000')], target)
      if (extraDepositors > 0) {
        const filler = await ctx.deploy({ abi: queueFillerAbi, bytecode: queueFillerBytecode })
        await mint(filler, usd('1') * BigInt(extraDepositors))
        for (let first = 0; first < extraDepositors; first += FILL_BATCH) {
          const count = Math.min(FILL_BATCH, extraDepositors - first)
          await send(deployer, filler, queueFillerAbi as Abi, 'fill', [assets.usds, target, BigInt(first), BigInt(count), usd('1')])
        }
      }
      const queued = await ctx.clients.publicClient.readContract({ address: target, abi: nfatFacilityAbi, functionName: 'totalUnderlying' })
      if (queued !== usd('10000') + usd('1') * BigInt(extraDepositors)) throw new Error(`queue not filled: ${queued}`)
      await claim(alice.address, usd('1000'), target)
      return (await claim(alice.address, usd('1000'), target)).gasUsed
    }
    const withOne = await claimWithQueue(0)
    const withMany = await claimWithQueue(QUEUED_DEPOSITORS - 1)
    rows.push(row('claim + mint, 1 queued depositor', withOne))
    rows.push(row(`claim + mint, ${QUEUED_DEPOSITORS} queued depositors`, withMany))
    return rows
  },
}

/** Used by the test that holds the bench to its claim: same gas within 2% for 1 vs 500. */
export function claimGasSpreadBasisPoints(rows: readonly GasRow[]): bigint {
  const one = rows.find((r) => r.action.startsWith('claim + mint, 1 queued'))
  const many = rows.find((r) => r.action.startsWith(`claim + mint, ${QUEUED_DEPOSITORS} queued`))
  if (!one || !many) throw new Error('claim rows missing from the NFAT gas section')
  const diff = one.gas > many.gas ? one.gas - many.gas : many.gas - one.gas
  return (diff * 10_000n) / one.gas
}
