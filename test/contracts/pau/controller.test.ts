import { beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { encodeFunctionData, parseUnits, toFunctionSelector, type Abi, type Address, type Hex, type TransactionReceipt } from 'viem'
import {
  almProxyAbi,
  almProxyBytecode,
  beamStateAbi,
  configuratorAbi,
  controllerAbi,
  controllerBytecode,
  nfatFacilityAbi,
  rateLimitsAbi,
  rateLimitsBytecode,
  susdsAbi,
  usdsAbi,
  usdsBytecode,
} from '../../../src/chain/generated/index.js'
import { encodeCall } from '../../../src/chain/timelock.js'
import { LIMIT, UNLIMITED, currentRateLimit, rateLimitKey, refundRateLimit, type RateLimitData } from '../../../src/domain/rateLimits.js'
import { useDevnet, type Devnet } from '../../fixtures/devnet.js'
import { deployStack, usd, type Stack } from './stack.js'

let devnet: Devnet
let s: Stack
const DAY = 86_400n
const ZERO = '0x0000000000000000000000000000000000000000' as const
let keys: Record<string, Hex>

async function limitData(key: Hex): Promise<RateLimitData> {
  const [maxAmount, slope, lastAmount, lastUpdated] = await devnet.publicClient.readContract({
    address: s.rateLimits, abi: rateLimitsAbi, functionName: 'getRateLimitData', args: [key],
  })
  return { maxAmount, slope, lastAmount, lastUpdated }
}
const balanceOf = (token: Address, who: Address) =>
  devnet.publicClient.readContract({ address: token, abi: usdsAbi, functionName: 'balanceOf', args: [who] })
const blockTime = async (receipt: TransactionReceipt) => (await devnet.publicClient.getBlock({ blockNumber: receipt.blockNumber })).timestamp
type RelayerAction = 'swapUSDSToUSDC' | 'swapUSDCToUSDS' | 'transferAsset' | 'transferForSleeve' | 'depositERC4626' | 'withdrawERC4626' | 'depositToFacility' | 'withdrawFromFacility' | 'redeemFromFacility' | 'fundRedeem' | 'approveAndCall'
const relay = (fn: RelayerAction, args: readonly unknown[]) => controllerCall(fn, args)
function controllerCall(functionName: RelayerAction, args: readonly unknown[], as = devnet.accounts.relayer) {
  return devnet.write(as, { address: s.controller, abi: controllerAbi, functionName, args } as never)
}

/** Asserts the key lost exactly `amount` from what was available in the receipt's block. */
async function expectConsumed(key: Hex, before: RateLimitData, receipt: TransactionReceipt, amount: bigint) {
  const after = await limitData(key)
  expect(after.lastAmount).toBe(currentRateLimit(before, await blockTime(receipt)) - amount)
}

beforeAll(async () => {
  devnet = await useDevnet()
  s = await deployStack(devnet)
  await s.onboard()
  const bank = devnet.accounts.bob.address
  const depositSelector = toFunctionSelector('deposit(uint256)')
  keys = {
    usdsToUsdc: LIMIT.USDS_TO_USDC,
    usdcToUsds: LIMIT.USDC_TO_USDS,
    transferUsdcToBank: rateLimitKey(LIMIT.ASSET_TRANSFER, s.usdc, bank),
    deposit4626: rateLimitKey(LIMIT.ERC4626_DEPOSIT, s.susds),
    withdraw4626: rateLimitKey(LIMIT.ERC4626_WITHDRAW, s.susds),
    facilityDeposit: rateLimitKey(LIMIT.FACILITY_DEPOSIT, s.facility),
    facilityWithdraw: rateLimitKey(LIMIT.FACILITY_WITHDRAW, s.facility),
    facilityRedeem: rateLimitKey(LIMIT.FACILITY_REDEEM, s.facility),
    nfatClaim: s.nfatClaimKey,
    fundPrincipal: rateLimitKey(LIMIT.REDEEM_FUND_PRINCIPAL, s.facility),
    fundInterest: rateLimitKey(LIMIT.REDEEM_FUND_INTEREST, s.facility),
    lctsDeposit: rateLimitKey(LIMIT.APPROVE_AND_CALL, s.usds, s.facility, depositSelector),
  }
  const limits: Array<[Hex, bigint, bigint]> = [
    [keys.usdsToUsdc!, usd('1000000'), usd('1000000') / DAY],
    [keys.usdcToUsds!, UNLIMITED, 0n],
    [keys.transferUsdcToBank!, 500_000n * 10n ** 6n, (500_000n * 10n ** 6n) / DAY],
    [keys.deposit4626!, usd('10000000'), usd('10000000') / DAY],
    [keys.withdraw4626!, UNLIMITED, 0n],
    [keys.facilityDeposit!, usd('5000000'), usd('5000000') / DAY],
    [keys.facilityWithdraw!, UNLIMITED, 0n],
    [keys.facilityRedeem!, usd('4000000'), usd('4000000') / DAY],
    [keys.nfatClaim!, usd('5000000'), usd('5000000') / DAY],
    [keys.fundPrincipal!, usd('2000000'), usd('2000000') / DAY],
    [keys.fundInterest!, usd('200000'), usd('200000') / DAY],
    [keys.lctsDeposit!, usd('1000000'), usd('1000000') / DAY],
  ]
  const setSlippage = encodeFunctionData({ abi: controllerAbi, functionName: 'setMaxSlippage', args: [s.susds, parseUnits('0.999', 18)] })
  const setExchangeRate = encodeFunctionData({ abi: controllerAbi, functionName: 'setMaxExchangeRate', args: [s.susds, parseUnits('1.001', 18)] })
  await s.timelocked(
    ...limits.map(([key, max, slope]) => s.addInit(key, max, slope)),
    ...[setSlippage, setExchangeRate].map((data) => encodeCall(s.beamState, { abi: beamStateAbi, functionName: 'addInitControllerActions', args: [data, ZERO] })),
  )
  for (const [key, max, slope] of limits) await s.setRateLimit(key, max, slope)
  for (const data of [setSlippage, setExchangeRate]) {
    await devnet.write(devnet.accounts.govOps, { address: s.configurator, abi: configuratorAbi, functionName: 'callControllerAction', args: [s.pau, data] })
  }
  await s.mint(s.proxy, usd('20000000'))
  await devnet.increaseTime(DAY) // new limits start empty and fill at their slope
})
beforeEach(() => devnet.isolate())

describe('PSM swaps', () => {
  it('USDS → USDC consumes LIMIT_USDS_TO_USDC by the USDS that left the proxy', async () => {
    const before = await limitData(keys.usdsToUsdc!)
    const receipt = await relay('swapUSDSToUSDC', [usd('400000')])
    await expectConsumed(keys.usdsToUsdc!, before, receipt, usd('400000'))
    expect(await balanceOf(s.usdc, s.proxy)).toBe(400_000n * 10n ** 6n)
  })

  it('more than is available reverts and changes nothing', async () => {
    const proxyUsds = await balanceOf(s.usds, s.proxy)
    await expect(relay('swapUSDSToUSDC', [usd('1000001')])).rejects.toThrow(/RateLimitExceeded/)
    expect(await balanceOf(s.usds, s.proxy)).toBe(proxyUsds)
    expect(await balanceOf(s.usdc, s.proxy)).toBe(0n)
  })

  it('USDC → USDS gives the USDS → USDC capacity back (paired)', async () => {
    await relay('swapUSDSToUSDC', [usd('900000')])
    const drained = await limitData(keys.usdsToUsdc!)
    const receipt = await relay('swapUSDCToUSDS', [250_000n * 10n ** 6n])
    const expected = refundRateLimit(drained, usd('250000'), await blockTime(receipt))
    expect(await limitData(keys.usdsToUsdc!)).toEqual(expected)
  })
})

describe('transfer to an allow-listed destination', () => {
  it('sends USDC to the bank endpoint within its limit', async () => {
    await relay('swapUSDSToUSDC', [usd('100000')])
    const before = await limitData(keys.transferUsdcToBank!)
    const receipt = await relay('transferAsset', [s.usdc, devnet.accounts.bob.address, 100_000n * 10n ** 6n])
    await expectConsumed(keys.transferUsdcToBank!, before, receipt, 100_000n * 10n ** 6n)
    expect(await balanceOf(s.usdc, devnet.accounts.bob.address)).toBe(100_000n * 10n ** 6n)
  })

  it('a destination without a limit is not allow-listed: the relayer cannot pay the attacker', async () => {
    await expect(relay('transferAsset', [s.usds, devnet.accounts.attacker.address, 1n])).rejects.toThrow(/RateLimitExceeded/)
    expect(await balanceOf(s.usds, devnet.accounts.attacker.address)).toBe(0n)
  })
})

describe('ERC-4626', () => {
  it('deposit consumes the vault deposit limit; withdrawal consumes withdraw and refunds deposit', async () => {
    const before = await limitData(keys.deposit4626!)
    const receipt = await relay('depositERC4626', [s.susds, usd('5000000')])
    await expectConsumed(keys.deposit4626!, before, receipt, usd('5000000'))
    expect(await devnet.publicClient.readContract({ address: s.susds, abi: susdsAbi, functionName: 'maxWithdraw', args: [s.proxy] })).toBe(usd('5000000'))
    expect(await devnet.publicClient.readContract({ address: s.usds, abi: usdsAbi, functionName: 'allowance', args: [s.proxy, s.susds] })).toBe(0n)
    const mid = await limitData(keys.deposit4626!)
    const w = await relay('withdrawERC4626', [s.susds, usd('2000000'), usd('2000000')])
    const after = await limitData(keys.deposit4626!)
    const expected = currentRateLimit(mid, await blockTime(w)) + usd('2000000')
    expect(after.lastAmount).toBe(expected < mid.maxAmount ? expected : mid.maxAmount)
  })

  it('a donation-inflated vault fails the independent exchange-rate check, before its own convertToAssets is asked (Type 1 mitigation)', async () => {
    const { attacker } = devnet.accounts
    await s.mint(attacker.address, usd('1001'))
    await devnet.write(attacker, { address: s.usds, abi: usdsAbi, functionName: 'approve', args: [s.susds, 1n] })
    await devnet.write(attacker, { address: s.susds, abi: susdsAbi, functionName: 'deposit', args: [1n, attacker.address] })
    await devnet.write(attacker, { address: s.usds, abi: usdsAbi, functionName: 'transfer', args: [s.susds, usd('1000')] })
    const proxyUsds = await balanceOf(s.usds, s.proxy)
    await expect(relay('depositERC4626', [s.susds, usd('1500')])).rejects.toThrow(/ExchangeRateTooHigh/)
    expect(await balanceOf(s.usds, s.proxy)).toBe(proxyUsds)
  })

  it('without governance\'s exchange-rate expectation a vault is not onboarded for deposits', async () => {
    const vault = s.susds
    const clear = encodeFunctionData({ abi: controllerAbi, functionName: 'setMaxExchangeRate', args: [vault, 0n] })
    await s.timelocked(encodeCall(s.beamState, { abi: beamStateAbi, functionName: 'addInitControllerActions', args: [clear, ZERO] }))
    await devnet.write(devnet.accounts.govOps, { address: s.configurator, abi: configuratorAbi, functionName: 'callControllerAction', args: [s.pau, clear] })
    await expect(relay('depositERC4626', [vault, usd('1')])).rejects.toThrow(/ExchangeRateNotSet/)
  })

  it('a withdrawal that would burn more than maxSharesIn reverts and changes nothing', async () => {
    await relay('depositERC4626', [s.susds, usd('1000')])
    const shares = await devnet.publicClient.readContract({ address: s.susds, abi: susdsAbi, functionName: 'balanceOf', args: [s.proxy] })
    await expect(relay('withdrawERC4626', [s.susds, usd('500'), usd('500') - 1n])).rejects.toThrow(/SharesTooHigh/)
    expect(await devnet.publicClient.readContract({ address: s.susds, abi: susdsAbi, functionName: 'balanceOf', args: [s.proxy] })).toBe(shares)
    await relay('withdrawERC4626', [s.susds, usd('500'), usd('500')])
  })

  it('a vault without a slippage setting is not onboarded for deposits', async () => {
    await expect(relay('depositERC4626', [s.facility, usd('1')])).rejects.toThrow(/SlippageNotSet/)
  })
})

const facilityRead = <const name extends 'queuedBalanceOf' | 'fundingOf' | 'ownerOf'>(functionName: name, arg: Address | bigint) =>
  devnet.publicClient.readContract({ address: s.facility, abi: nfatFacilityAbi, functionName, args: [arg] } as never) as Promise<
    name extends 'fundingOf' ? readonly [bigint, bigint] : name extends 'ownerOf' ? Address : bigint
  >

/**
 * The one PAU plays both sides: it queues as a Prime, lpha-nfat claims NFAT #42 to it, the Halo
 * side funds it — principal first (never more than the NFAT has), the rest as interest.
 */
async function queueClaimAndFund(principal: bigint, funded: bigint): Promise<bigint> {
  await relay('depositToFacility', [s.facility, principal])
  await devnet.write(devnet.accounts.relayer, { address: s.facility, abi: nfatFacilityAbi, functionName: 'claim', args: [s.proxy, principal] })
  const principalAmount = funded < principal ? funded : principal
  if (funded > 0n) await relay('fundRedeem', [s.facility, 42n, principalAmount, funded - principalAmount])
  return 42n
}

describe('NFAT Facility: queue, redeem funding, redemption (USDS)', () => {
  it('deposit queues USDS and consumes; withdraw takes it back and refunds', async () => {
    const before = await limitData(keys.facilityDeposit!)
    const receipt = await relay('depositToFacility', [s.facility, usd('3000000')])
    await expectConsumed(keys.facilityDeposit!, before, receipt, usd('3000000'))
    expect(await facilityRead('queuedBalanceOf', s.proxy)).toBe(usd('3000000'))
    const proxyBefore = await balanceOf(s.usds, s.proxy)
    const mid = await limitData(keys.facilityDeposit!)
    const w = await relay('withdrawFromFacility', [s.facility])
    expect(await balanceOf(s.usds, s.proxy)).toBe(proxyBefore + usd('3000000'))
    const expected = currentRateLimit(mid, await blockTime(w)) + usd('3000000')
    expect((await limitData(keys.facilityDeposit!)).lastAmount).toBe(expected < mid.maxAmount ? expected : mid.maxAmount)
  })

  it('funds the redeem contract for an NFAT: the principal part consumes the principal key, the interest part the interest key', async () => {
    const tokenId = await queueClaimAndFund(usd('1500000'), 0n)
    const principalBefore = await limitData(keys.fundPrincipal!)
    const interestBefore = await limitData(keys.fundInterest!)
    const receipt = await relay('fundRedeem', [s.facility, tokenId, usd('1500000'), usd('75000')])
    await expectConsumed(keys.fundPrincipal!, principalBefore, receipt, usd('1500000'))
    await expectConsumed(keys.fundInterest!, interestBefore, receipt, usd('75000'))
    expect(await facilityRead('fundingOf', tokenId)).toEqual([usd('1575000'), usd('1500000')])
  })

  it('a zero part consumes nothing of its key: an interest-only payment leaves the principal key and the NFAT’s principal alone', async () => {
    const tokenId = await queueClaimAndFund(usd('1500000'), 0n)
    const principalBefore = await limitData(keys.fundPrincipal!)
    const interestBefore = await limitData(keys.fundInterest!)
    const receipt = await relay('fundRedeem', [s.facility, tokenId, 0n, usd('75000')])
    expect(await limitData(keys.fundPrincipal!)).toEqual(principalBefore)
    await expectConsumed(keys.fundInterest!, interestBefore, receipt, usd('75000'))
    expect(await facilityRead('fundingOf', tokenId)).toEqual([usd('75000'), 0n])
    await expect(relay('fundRedeem', [s.facility, tokenId, 0n, 0n])).rejects.toThrow(/ZeroAmount/)
  })

  it('a faulty relayer cannot retire principal out of the interest budget, nor pay interest out of the principal budget: each part beyond its key reverts and changes nothing', async () => {
    const tokenId = await queueClaimAndFund(usd('4500000'), 0n)
    const proxyBefore = await balanceOf(s.usds, s.proxy)
    const limitsBefore = [await limitData(keys.fundPrincipal!), await limitData(keys.fundInterest!)]
    // Principal key 2M, interest key 200k: 2.5M of principal, or 300k of interest, is refused.
    await expect(relay('fundRedeem', [s.facility, tokenId, usd('2500000'), 0n])).rejects.toThrow(/RateLimitExceeded/)
    await expect(relay('fundRedeem', [s.facility, tokenId, 0n, usd('300000')])).rejects.toThrow(/RateLimitExceeded/)
    await expect(relay('fundRedeem', [s.facility, tokenId, usd('1000000'), usd('300000')])).rejects.toThrow(/RateLimitExceeded/)
    expect(await balanceOf(s.usds, s.proxy)).toBe(proxyBefore)
    expect(await facilityRead('fundingOf', tokenId)).toEqual([0n, 0n])
    expect([await limitData(keys.fundPrincipal!), await limitData(keys.fundInterest!)]).toEqual(limitsBefore)
  })

  it('redeemFromFacility burns the proxy’s funded NFAT and consumes the redeem key by the USDS that came in', async () => {
    const tokenId = await queueClaimAndFund(usd('1800000'), usd('1890000'))
    const proxyBefore = await balanceOf(s.usds, s.proxy)
    const depositLimit = await limitData(keys.facilityDeposit!)
    const before = await limitData(keys.facilityRedeem!)
    const receipt = await relay('redeemFromFacility', [s.facility, tokenId])
    await expectConsumed(keys.facilityRedeem!, before, receipt, usd('1890000'))
    expect(await balanceOf(s.usds, s.proxy)).toBe(proxyBefore + usd('1890000'))
    await expect(facilityRead('ownerOf', tokenId)).rejects.toThrow(/ERC721NonexistentToken/)
    expect(await limitData(keys.facilityDeposit!)).toEqual(depositLimit) // redemption is not a refund of the deposit
  })

  it('a facility without a redeem key is not allow-listed: the redemption reverts and changes nothing', async () => {
    const tokenId = await queueClaimAndFund(usd('1000000'), usd('1050000'))
    await devnet.write(devnet.accounts.govOps, { address: s.configurator, abi: configuratorAbi, functionName: 'removeRateLimit', args: [s.pau, keys.facilityRedeem!] })
    const proxyBefore = await balanceOf(s.usds, s.proxy)
    await expect(relay('redeemFromFacility', [s.facility, tokenId])).rejects.toThrow(/RateLimitExceeded/)
    expect(await balanceOf(s.usds, s.proxy)).toBe(proxyBefore)
    expect(await facilityRead('ownerOf', tokenId)).toBe(s.proxy)
    expect(await facilityRead('fundingOf', tokenId)).toEqual([usd('1050000'), usd('1000000')])
  })

  it('more than the redeem key has available reverts; an unfunded NFAT reverts NotFunded', async () => {
    const tokenId = await queueClaimAndFund(usd('4500000'), 0n)
    await expect(relay('redeemFromFacility', [s.facility, tokenId])).rejects.toThrow(/NotFunded/)
    await relay('fundRedeem', [s.facility, tokenId, usd('1900000'), 0n]) // a recovery: 1.9M of principal repaid
    // GovOps lowers the redeem limit to 1M (decreases are instant): a 1.9M redemption no longer fits.
    await devnet.write(devnet.accounts.govOps, { address: s.configurator, abi: configuratorAbi, functionName: 'setRateLimit', args: [s.pau, keys.facilityRedeem!, usd('1000000'), 0n] })
    await expect(relay('redeemFromFacility', [s.facility, tokenId])).rejects.toThrow(/RateLimitExceeded/)
    expect(await facilityRead('ownerOf', tokenId)).toBe(s.proxy)
    expect(await facilityRead('fundingOf', tokenId)).toEqual([usd('1900000'), usd('1900000')])
  })
})

describe('approveAndCall hardening (finding 3)', () => {
  /** Governance (wrongly) gives `key` a limit; the relayer then tries to abuse it. */
  async function keyed(key: Hex) {
    await s.timelocked(s.addInit(key, usd('1000000'), usd('1000000') / DAY))
    await s.setRateLimit(key, usd('1000000'), usd('1000000') / DAY)
    await devnet.increaseTime(DAY)
  }
  const call = (asset: Address, target: Address, amount: bigint, data: Hex) => relay('approveAndCall', [asset, target, amount, data])

  it('an honest subscribe-style call consumes what left the proxy and leaves no allowance', async () => {
    const before = await limitData(keys.lctsDeposit!)
    const data = encodeFunctionData({ abi: nfatFacilityAbi, functionName: 'deposit', args: [usd('1000')] })
    const receipt = await call(s.usds, s.facility, usd('1000'), data)
    await expectConsumed(keys.lctsDeposit!, before, receipt, usd('1000'))
    expect(await devnet.publicClient.readContract({ address: s.usds, abi: usdsAbi, functionName: 'allowance', args: [s.proxy, s.facility] })).toBe(0n)
  })

  it('a relayer cannot hand the proxy\'s NFAT to itself with a keyed transferFrom selector', async () => {
    const tokenId = await queueClaimAndFund(usd('1000000'), 0n)
    const steal = encodeFunctionData({ abi: nfatFacilityAbi, functionName: 'transferFrom', args: [s.proxy, devnet.accounts.attacker.address, tokenId] })
    await keyed(rateLimitKey(LIMIT.APPROVE_AND_CALL, s.usds, s.facility, toFunctionSelector('transferFrom(address,address,uint256)')))
    await expect(call(s.usds, s.facility, 1n, steal)).rejects.toThrow(/CallRefused/)
    expect(await facilityRead('ownerOf', tokenId)).toBe(s.proxy)
  })

  it('a relayer cannot grant itself an allowance: approve-like selectors and target == asset are refused whatever the key', async () => {
    const { attacker } = devnet.accounts
    const approve = encodeFunctionData({ abi: usdsAbi, functionName: 'approve', args: [attacker.address, UNLIMITED] })
    for (const selector of ['0x095ea7b3', '0x39509351', '0xa22cb465', '0xa9059cbb', '0x23b872dd', '0x42842e0e', '0xb88d4fde', '0xd505accf', '0x8fcbaf0c'] as const) {
      await expect(call(s.usds, s.facility, 1n, `${selector}${'00'.repeat(64)}`), selector).rejects.toThrow(/CallRefused/)
    }
    await keyed(rateLimitKey(LIMIT.APPROVE_AND_CALL, s.usds, s.usds, toFunctionSelector('approve(address,uint256)')))
    await expect(call(s.usds, s.usds, 1n, approve)).rejects.toThrow(/CallRefused/)
    await expect(call(s.usds, s.facility, 1n, '0x12')).rejects.toThrow(/CallRefused/) // no selector at all
    expect(await devnet.publicClient.readContract({ address: s.usds, abi: usdsAbi, functionName: 'allowance', args: [s.proxy, attacker.address] })).toBe(0n)
  })

  it('a call that moves none of the asset is refused instead of repeating for free (vault shares out to the relayer)', async () => {
    const { attacker } = devnet.accounts
    await relay('depositERC4626', [s.susds, usd('1000')])
    const withdraw = encodeFunctionData({ abi: susdsAbi, functionName: 'withdraw', args: [usd('1000'), attacker.address, s.proxy] })
    await keyed(rateLimitKey(LIMIT.APPROVE_AND_CALL, s.usds, s.susds, toFunctionSelector('withdraw(uint256,address,address)')))
    await expect(call(s.usds, s.susds, 1n, withdraw)).rejects.toThrow(/NothingSpent/)
    expect(await balanceOf(s.usds, attacker.address)).toBe(0n)
  })
})

describe('PSM allowances, stuck tokens, constructor checks (finding 8)', () => {
  it('both PSM swaps leave no allowance to the PSM', async () => {
    await relay('swapUSDSToUSDC', [usd('1000')])
    await relay('swapUSDCToUSDS', [500n * 10n ** 6n])
    for (const token of [s.usds, s.usdc]) {
      expect(await devnet.publicClient.readContract({ address: token, abi: usdsAbi, functionName: 'allowance', args: [s.proxy, s.psm] })).toBe(0n)
    }
  })

  it('a stuck token is rescued only to the governance address, only through an approved controller action', async () => {
    const stray = await devnet.deploy({ abi: usdsAbi, bytecode: usdsBytecode }, [devnet.accounts.deployer.address])
    await devnet.write(devnet.accounts.deployer, { address: stray, abi: usdsAbi, functionName: 'mint', args: [s.proxy, 7n] })
    const rescue = encodeFunctionData({ abi: controllerAbi, functionName: 'rescueToken', args: [stray, 7n] })
    await expect(devnet.write(devnet.accounts.govOps, { address: s.configurator, abi: configuratorAbi, functionName: 'callControllerAction', args: [s.pau, rescue] })).rejects.toThrow(/ControllerActionNotEnabled/)
    await s.timelocked(encodeCall(s.beamState, { abi: beamStateAbi, functionName: 'addInitControllerActions', args: [rescue, s.pau] }))
    await devnet.write(devnet.accounts.govOps, { address: s.configurator, abi: configuratorAbi, functionName: 'callControllerAction', args: [s.pau, rescue] })
    expect(await devnet.publicClient.readContract({ address: s.controller, abi: controllerAbi, functionName: 'rescueRecipient' })).toBe(s.timelock)
    expect(await balanceOf(stray, s.timelock)).toBe(7n)
  })

  it('constructors refuse the zero address', async () => {
    const args = [devnet.accounts.deployer.address, s.proxy, s.rateLimits, s.usds, s.usdc, s.psm, s.timelock] as const
    for (let i = 0; i < args.length; i++) {
      const broken = args.map((a, j) => (j === i ? ZERO : a)) as unknown as typeof args
      await expect(devnet.deploy({ abi: controllerAbi, bytecode: controllerBytecode }, broken), `argument ${i}`).rejects.toThrow(/ZeroAddress|reverted/)
    }
  })

  it('a zero admin deploys a locked template implementation: no admin, and nobody can initialise it', async () => {
    const ADMIN_ROLE = `0x${'0'.repeat(64)}` as const
    const implementations = [
      await devnet.deploy({ abi: rateLimitsAbi, bytecode: rateLimitsBytecode }, [ZERO]),
      await devnet.deploy({ abi: almProxyAbi, bytecode: almProxyBytecode }, [ZERO]),
    ]
    for (const implementation of implementations) {
      for (const account of [ZERO, devnet.accounts.deployer.address, devnet.accounts.attacker.address]) {
        expect(await devnet.publicClient.readContract({ address: implementation, abi: almProxyAbi, functionName: 'hasRole', args: [ADMIN_ROLE, account] })).toBe(false)
      }
      await expect(
        devnet.write(devnet.accounts.attacker, { address: implementation, abi: rateLimitsAbi, functionName: 'initialize', args: [devnet.accounts.attacker.address, devnet.accounts.attacker.address] }),
      ).rejects.toThrow(/InvalidInitialization/)
    }
    const controller = await devnet.deploy({ abi: controllerAbi, bytecode: controllerBytecode }, [ZERO, ZERO, ZERO, ZERO, ZERO, ZERO, ZERO])
    await expect(devnet.write(devnet.accounts.attacker, { address: controller, abi: controllerAbi, functionName: 'initialize', args: [devnet.accounts.attacker.address] })).rejects.toThrow(/InvalidInitialization/)
  })
})

describe('freezer', () => {
  it('removes a compromised relayer instantly', async () => {
    const { freezer, relayer } = devnet.accounts
    await devnet.write(freezer, { address: s.controller, abi: controllerAbi, functionName: 'removeRelayer', args: [relayer.address] })
    await expect(relay('swapUSDSToUSDC', [usd('1')])).rejects.toThrow(/AccessControlUnauthorizedAccount/)
  })
})

describe('access control: every external function refuses every unauthorized caller', () => {
  const outsiders = ['deployer', 'council', 'aBEAM', 'govOps', 'freezer', 'attacker'] as const
  const relayerCalls = (): Array<[string, readonly unknown[]]> => [
    ['swapUSDSToUSDC', [usd('1')]],
    ['swapUSDCToUSDS', [1n]],
    ['transferAsset', [s.usdc, devnet.accounts.bob.address, 1n]],
    ['depositERC4626', [s.susds, usd('1')]],
    ['withdrawERC4626', [s.susds, usd('1'), usd('1')]],
    ['depositToFacility', [s.facility, usd('1')]],
    ['withdrawFromFacility', [s.facility]],
    ['redeemFromFacility', [s.facility, 42n]],
    ['fundRedeem', [s.facility, 1n, usd('1'), 0n]],
    ['fundRedeem', [s.facility, 1n, 0n, usd('1')]],
    ['approveAndCall', [s.usds, s.facility, usd('1'), '0xb6b55f25']],
    ['transferForSleeve', [`0x${'1'.repeat(64)}`, 1n, s.usdc, devnet.accounts.bob.address, 1n]], // the gate itself: test/contracts/attestation
  ]

  it('Controller relayer actions: only the relayer', async () => {
    for (const name of outsiders) {
      for (const [fn, args] of relayerCalls()) {
        await expect(controllerCall(fn as RelayerAction, args, devnet.accounts[name]), `${fn} by ${name}`).rejects.toThrow(/AccessControlUnauthorizedAccount/)
      }
    }
  })

  it('Controller admin and freezer functions: only the Configurator / the freezer', async () => {
    const relayerRole = await devnet.publicClient.readContract({ address: s.controller, abi: controllerAbi, functionName: 'RELAYER' })
    for (const name of [...outsiders, 'relayer'] as const) {
      const as = devnet.accounts[name]
      await expect(devnet.write(as, { address: s.controller, abi: controllerAbi, functionName: 'setMaxSlippage', args: [s.susds, 1n] })).rejects.toThrow(/AccessControlUnauthorizedAccount/)
      await expect(devnet.write(as, { address: s.controller, abi: controllerAbi, functionName: 'setMaxExchangeRate', args: [s.susds, 1n] })).rejects.toThrow(/AccessControlUnauthorizedAccount/)
      await expect(devnet.write(as, { address: s.controller, abi: controllerAbi, functionName: 'rescueToken', args: [s.usds, 1n] })).rejects.toThrow(/AccessControlUnauthorizedAccount/)
      await expect(devnet.write(as, { address: s.controller, abi: controllerAbi, functionName: 'setAttestationRegistry', args: [as.address] })).rejects.toThrow(/AccessControlUnauthorizedAccount/)
      await expect(devnet.write(as, { address: s.controller, abi: controllerAbi, functionName: 'grantRole', args: [relayerRole, as.address] })).rejects.toThrow(/AccessControlUnauthorizedAccount/)
      await expect(devnet.write(as, { address: s.controller, abi: controllerAbi, functionName: 'revokeRole', args: [relayerRole, devnet.accounts.relayer.address] })).rejects.toThrow(/AccessControlUnauthorizedAccount/)
      if (name === 'freezer') continue
      await expect(devnet.write(as, { address: s.controller, abi: controllerAbi, functionName: 'removeRelayer', args: [devnet.accounts.relayer.address] })).rejects.toThrow(/AccessControlUnauthorizedAccount/)
    }
  })

  it('ALMProxy: doCall only by the controller (not even the relayer), roles only by the timelock', async () => {
    const steal = encodeFunctionData({ abi: usdsAbi, functionName: 'transfer', args: [devnet.accounts.attacker.address, 1n] })
    const controllerRole = await devnet.publicClient.readContract({ address: s.proxy, abi: almProxyAbi, functionName: 'CONTROLLER' })
    for (const name of [...outsiders, 'relayer'] as const) {
      const as = devnet.accounts[name]
      await expect(devnet.write(as, { address: s.proxy, abi: almProxyAbi, functionName: 'doCall', args: [s.usds, steal] })).rejects.toThrow(/AccessControlUnauthorizedAccount/)
      await expect(devnet.write(as, { address: s.proxy, abi: almProxyAbi, functionName: 'grantRole', args: [controllerRole, as.address] })).rejects.toThrow(/AccessControlUnauthorizedAccount/)
      await expect(devnet.write(as, { address: s.proxy, abi: almProxyAbi, functionName: 'revokeRole', args: [controllerRole, s.controller] })).rejects.toThrow(/AccessControlUnauthorizedAccount/)
    }
  })

  it('initialize: nobody (not even the admin) can initialise a directly deployed PAU contract (clones: test/contracts/factory)', async () => {
    for (const name of [...outsiders, 'relayer'] as const) {
      const as = devnet.accounts[name]
      await expect(devnet.write(as, { address: s.controller, abi: controllerAbi, functionName: 'initialize', args: [as.address] })).rejects.toThrow(/InvalidInitialization/)
      await expect(devnet.write(as, { address: s.proxy, abi: almProxyAbi, functionName: 'initialize', args: [as.address, as.address] })).rejects.toThrow(/InvalidInitialization/)
      await expect(devnet.write(as, { address: s.rateLimits, abi: rateLimitsAbi, functionName: 'initialize', args: [as.address, as.address] })).rejects.toThrow(/InvalidInitialization/)
    }
  })

  it('the lists above cover every state-changing function of Controller, ALMProxy and RateLimits', () => {
    const covered: Record<string, string[]> = {
      Controller: [...relayerCalls().map(([fn]) => fn), 'setMaxSlippage', 'setMaxExchangeRate', 'setAttestationRegistry', 'rescueToken', 'grantRole', 'revokeRole', 'removeRelayer', 'initialize'],
      ALMProxy: ['doCall', 'grantRole', 'revokeRole', 'initialize'],
      RateLimits: ['setRateLimitData', 'removeRateLimit', 'stop', 'resume', 'triggerRateLimitDecrease', 'triggerRateLimitIncrease', 'grantRole', 'revokeRole', 'initialize'],
    }
    const abis: Record<string, Abi> = { Controller: controllerAbi, ALMProxy: almProxyAbi, RateLimits: rateLimitsAbi }
    for (const [name, abi] of Object.entries(abis)) {
      const external = abi
        .filter((item) => item.type === 'function' && item.stateMutability !== 'view' && item.stateMutability !== 'pure')
        .map((item) => (item as { name: string }).name)
        .filter((fn) => fn !== 'renounceRole') // only ever drops the caller's own role
      expect(external.filter((fn) => !covered[name]!.includes(fn)), name).toEqual([])
    }
  })

  it('RateLimits: set/remove only by the Configurator, consume/refund only by the controller', async () => {
    for (const name of [...outsiders, 'relayer'] as const) {
      const as = devnet.accounts[name]
      const base = { address: s.rateLimits, abi: rateLimitsAbi } as const
      await expect(devnet.write(as, { ...base, functionName: 'setRateLimitData', args: [keys.usdsToUsdc!, UNLIMITED, 0n] })).rejects.toThrow(/AccessControlUnauthorizedAccount/)
      await expect(devnet.write(as, { ...base, functionName: 'stop' })).rejects.toThrow(/AccessControlUnauthorizedAccount/)
      await expect(devnet.write(as, { ...base, functionName: 'resume' })).rejects.toThrow(/AccessControlUnauthorizedAccount/)
      await expect(devnet.write(as, { ...base, functionName: 'removeRateLimit', args: [keys.usdsToUsdc!] })).rejects.toThrow(/AccessControlUnauthorizedAccount/)
      await expect(devnet.write(as, { ...base, functionName: 'triggerRateLimitDecrease', args: [keys.usdsToUsdc!, 1n] })).rejects.toThrow(/AccessControlUnauthorizedAccount/)
      await expect(devnet.write(as, { ...base, functionName: 'triggerRateLimitIncrease', args: [keys.usdsToUsdc!, 1n] })).rejects.toThrow(/AccessControlUnauthorizedAccount/)
      await expect(devnet.write(as, { ...base, functionName: 'grantRole', args: [keys.usdsToUsdc!, as.address] })).rejects.toThrow(/AccessControlUnauthorizedAccount/)
      await expect(devnet.write(as, { ...base, functionName: 'revokeRole', args: [`0x${'0'.repeat(64)}`, s.configurator] })).rejects.toThrow(/AccessControlUnauthorizedAccount/)
    }
  })
})
