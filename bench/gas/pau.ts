/**
 * PAU section: each rate-limited controller action beside the same action done directly by
 * an account holding the funds (plain ERC-20 transfer, plain PSM swap, plain vault and
 * facility calls), the attestation-gated off-ramp, the Configurator's setRateLimit under SORL,
 * and the brake (`stop`).
 */
import { encodeFunctionData, keccak256, parseEventLogs, parseUnits, toBytes, type Abi, type Account, type Hex } from 'viem'
import { attestationSleeveKey, attestationTypeIndex } from '../../src/chain/attestation.js'
import { deployAttestationRegistry } from '../../src/chain/deploy/deployAttestationRegistry.js'
import { deployLocalStack } from '../../src/chain/deploy/deployLocalStack.js'
import { attestationRegistryAbi, beamStateAbi, configuratorAbi, controllerAbi, nfatFacilityAbi, psmAbi, susdsAbi, usdcAbi, usdsAbi } from '../../src/chain/generated/index.js'
import { encodeCall } from '../../src/chain/timelock.js'
import { LIMIT, UNLIMITED, rateLimitKey } from '../../src/domain/rateLimits.js'
import { SORL_DEFAULTS } from '../../src/domain/sorl.js'
import type { GasContext, GasRow, GasSection } from './section.js'

const usd = (n: string) => parseUnits(n, 18)

export const section: GasSection = {
  title: 'PAU (Controller + ALMProxy + RateLimits) and Configurator',
  async run(ctx: GasContext): Promise<GasRow[]> {
    const { accounts } = ctx
    const s = await deployLocalStack(ctx.clients, accounts)
    await s.onboard()
    const bank = accounts.bob.address
    const limits: Array<[Hex, bigint, bigint]> = [
      [LIMIT.USDS_TO_USDC, usd('100000000'), usd('1000')],
      [LIMIT.USDC_TO_USDS, usd('100000000'), usd('1000')],
      [rateLimitKey(LIMIT.ASSET_TRANSFER, s.usds, bank), usd('100000000'), usd('1000')],
      [rateLimitKey(LIMIT.ERC4626_DEPOSIT, s.susds), usd('100000000'), usd('1000')],
      [rateLimitKey(LIMIT.ERC4626_WITHDRAW, s.susds), UNLIMITED, 0n],
      [rateLimitKey(LIMIT.FACILITY_DEPOSIT, s.facility), usd('100000000'), usd('1000')],
      [s.nfatClaimKey, usd('100000000'), usd('1000')],
      [rateLimitKey(LIMIT.REDEEM_FUND_PRINCIPAL, s.facility), usd('100000000'), usd('1000')],
      [rateLimitKey(LIMIT.REDEEM_FUND_INTEREST, s.facility), usd('100000000'), usd('1000')],
      [rateLimitKey(LIMIT.FACILITY_REDEEM, s.facility), usd('100000000'), usd('1000')],
    ]
    const slippageData = encodeFunctionData({ abi: controllerAbi, functionName: 'setMaxSlippage', args: [s.susds, parseUnits('0.999', 18)] })
    const exchangeRateData = encodeFunctionData({ abi: controllerAbi, functionName: 'setMaxExchangeRate', args: [s.susds, parseUnits('1.001', 18)] })
    // The plain holder (alice) may fund NFATs directly, so `fund` has a same-run baseline.
    const funderRole = await ctx.clients.publicClient.readContract({ address: s.facility, abi: nfatFacilityAbi, functionName: 'FUNDER_ROLE' })
    await s.timelocked(
      ...limits.map(([key, max, slope]) => s.addInit(key, max, slope)),
      ...[slippageData, exchangeRateData].map((data) => encodeCall(s.beamState, { abi: beamStateAbi, functionName: 'addInitControllerActions', args: [data, '0x0000000000000000000000000000000000000000'] })),
      encodeCall(s.facility, { abi: nfatFacilityAbi, functionName: 'grantRole', args: [funderRole, accounts.alice.address] }),
    )
    for (const [key, max, slope] of limits) await s.setRateLimit(key, max, slope)
    for (const data of [slippageData, exchangeRateData]) {
      await ctx.write(accounts.govOps, { address: s.configurator, abi: configuratorAbi as Abi, functionName: 'callControllerAction', args: [s.pau, data] })
    }
    await ctx.increaseTime(86_400n)

    // Same starting funds for the PAU and for the plain holder (alice).
    const alice = accounts.alice
    await s.mint(s.proxy, usd('1000000'))
    await s.mint(alice.address, usd('1000000'))
    await s.mint(bank, 1n) // the recipient already holds USDS in both cases
    const send = (account: Account, address: `0x${string}`, abi: Abi, functionName: string, args: readonly unknown[]) =>
      ctx.write(account, { address, abi, functionName, args })
    const relay = (functionName: string, args: readonly unknown[]) => send(accounts.relayer, s.controller, controllerAbi as Abi, functionName, args)
    const plain = (address: `0x${string}`, abi: Abi, functionName: string, args: readonly unknown[]) => send(alice, address, abi, functionName, args)
    for (const [token, spender] of [[s.usds, s.psm], [s.usdc, s.psm], [s.usds, s.susds], [s.usds, s.facility]] as const) {
      await plain(token, usdsAbi as Abi, 'approve', [spender, UNLIMITED])
    }

    /** Warm up once, then measure the second identical call. */
    const measure = async (fn: () => Promise<{ gasUsed: bigint }>) => {
      await fn()
      return (await fn()).gasUsed
    }
    const row = async (action: string, viaPau: () => Promise<{ gasUsed: bigint }>, baselineAction: string, direct: () => Promise<{ gasUsed: bigint }>): Promise<GasRow> => ({
      action,
      gas: await measure(viaPau),
      baseline: { action: baselineAction, gas: await measure(direct) },
    })

    const rows: GasRow[] = []
    rows.push(await row('transferAsset USDS → allow-listed destination', () => relay('transferAsset', [s.usds, bank, usd('1000')]), 'USDS.transfer', () => plain(s.usds, usdsAbi as Abi, 'transfer', [bank, usd('1000')])))
    rows.push(await row('swapUSDSToUSDC (PSM)', () => relay('swapUSDSToUSDC', [usd('1000')]), 'PSM.swapUSDSToUSDC', () => plain(s.psm, psmAbi as Abi, 'swapUSDSToUSDC', [usd('1000')])))
    rows.push(await row('swapUSDCToUSDS (PSM, refunds USDS→USDC)', () => relay('swapUSDCToUSDS', [1_000_000_000n]), 'PSM.swapUSDCToUSDS', () => plain(s.psm, psmAbi as Abi, 'swapUSDCToUSDS', [1_000_000_000n])))
    rows.push(await row('depositERC4626 sUSDS (exchange-rate + slippage checks)', () => relay('depositERC4626', [s.susds, usd('1000')]), 'sUSDS.deposit', () => plain(s.susds, susdsAbi as Abi, 'deposit', [usd('1000'), alice.address])))
    rows.push(await row('withdrawERC4626 sUSDS (maxSharesIn, refunds deposit)', () => relay('withdrawERC4626', [s.susds, usd('500'), usd('500')]), 'sUSDS.withdraw', () => plain(s.susds, susdsAbi as Abi, 'withdraw', [usd('500'), alice.address, alice.address])))
    rows.push(await row('depositToFacility (queue, USDS)', () => relay('depositToFacility', [s.facility, usd('1000')]), 'facility.deposit', () => plain(s.facility, nfatFacilityAbi as Abi, 'deposit', [usd('1000')])))

    // Both holders' queued 2,000 USDS become two NFATs each; each is funded, then redeemed.
    const claim = async (depositor: `0x${string}`) => {
      const receipt = await send(accounts.relayer, s.facility, nfatFacilityAbi as Abi, 'claim', [depositor, usd('1000')])
      return parseEventLogs({ abi: nfatFacilityAbi, eventName: 'Claimed', logs: receipt.logs })[0]!.args.tokenId
    }
    const proxyTokens = [await claim(s.proxy), await claim(s.proxy)]
    const aliceTokens = [await claim(alice.address), await claim(alice.address)]
    const each = (tokens: bigint[], fn: (tokenId: bigint) => Promise<{ gasUsed: bigint }>) => {
      let next = 0
      return () => fn(tokens[next++ % tokens.length]!)
    }
    // Funding consumes two keys: the principal part and the interest part (1,000 + 50 USDS).
    rows.push(await row('fundRedeem (NFAT, principal + interest keys)', each(proxyTokens, (id) => relay('fundRedeem', [s.facility, id, usd('1000'), usd('50')])), 'facility.fund', each(aliceTokens, (id) => plain(s.facility, nfatFacilityAbi as Abi, 'fund', [id, usd('1000'), usd('50')]))))
    rows.push(await row('redeemFromFacility (NFAT burned, USDS in)', each(proxyTokens, (id) => relay('redeemFromFacility', [s.facility, id])), 'facility.redeem', each(aliceTokens, (id) => plain(s.facility, nfatFacilityAbi as Abi, 'redeem', [id]))))

    // setRateLimit through the Configurator: creation from an init, a SORL increase, a decrease.
    const key = rateLimitKey(LIMIT.ASSET_TRANSFER, s.usdc, bank)
    await s.timelocked(s.addInit(key, usd('100000'), usd('1')))
    rows.push({ action: 'Configurator.setRateLimit: create from init', gas: (await s.setRateLimit(key, usd('100000'), usd('1'))).gasUsed })
    await ctx.increaseTime(SORL_DEFAULTS.hopSeconds)
    rows.push({ action: 'Configurator.setRateLimit: +25% increase (SORL checked)', gas: (await s.setRateLimit(key, usd('125000'), usd('1.25'))).gasUsed })
    rows.push({ action: 'Configurator.setRateLimit: decrease (instant)', gas: (await s.setRateLimit(key, usd('50000'), usd('1'))).gasUsed })
    // The attestation-gated off-ramp: lpha-attest records a PRE_DEPLOYMENT attestation, the
    // relayer sends USDC for that sleeve's round (baseline: a plain USDC transfer).
    const registry = await deployAttestationRegistry(ctx.clients, { deployer: accounts.deployer, councilBeacon: accounts.council.address, timelock: s.timelock })
    const setRegistry = encodeFunctionData({ abi: controllerAbi, functionName: 'setAttestationRegistry', args: [registry] })
    const offRampKey = rateLimitKey(LIMIT.SLEEVE_OFFRAMP, s.usdc, bank)
    await s.timelocked(
      encodeCall(registry, { abi: attestationRegistryAbi, functionName: 'addAttestor', args: [accounts.attestor.address] }),
      encodeCall(s.beamState, { abi: beamStateAbi, functionName: 'addInitControllerActions', args: [setRegistry, s.pau] }),
      s.addInit(offRampKey, 100_000_000n * 10n ** 6n, (100_000_000n * 10n ** 6n) / 86_400n),
    )
    await ctx.write(accounts.govOps, { address: s.configurator, abi: configuratorAbi as Abi, functionName: 'callControllerAction', args: [s.pau, setRegistry] })
    await s.setRateLimit(offRampKey, 100_000_000n * 10n ** 6n, (100_000_000n * 10n ** 6n) / 86_400n)
    await ctx.increaseTime(86_400n)
    const sleeve = attestationSleeveKey('bench-sleeve')
    await ctx.write(accounts.attestor, { address: registry, abi: attestationRegistryAbi as Abi, functionName: 'record', args: [sleeve, attestationTypeIndex('PRE_DEPLOYMENT'), 1n, keccak256(toBytes('bench')), 10_000_000n * 10n ** 6n] })
    for (const who of [s.proxy, alice.address]) await ctx.write(accounts.deployer, { address: s.usdc, abi: usdcAbi as Abi, functionName: 'mint', args: [who, 1_000_000n * 10n ** 6n] })
    await ctx.write(accounts.deployer, { address: s.usdc, abi: usdcAbi as Abi, functionName: 'mint', args: [bank, 1n] })
    rows.push(await row('transferForSleeve USDC (PRE_DEPLOYMENT attestation-gated off-ramp)', () => relay('transferForSleeve', [sleeve, 1n, s.usdc, bank, 1_000n * 10n ** 6n]), 'USDC.transfer', () => plain(s.usdc, usdcAbi as Abi, 'transfer', [bank, 1_000n * 10n ** 6n])))

    // The brake: one transaction parks both RateLimits controllers (Controller, facility),
    // revokes the relayer and every GovOps of the PAU.
    const stop = await ctx.write(accounts.aBEAM, { address: s.configurator, abi: configuratorAbi as Abi, functionName: 'stop', args: [s.pau] })
    rows.push({ action: 'Configurator.stop (brake: 2 controllers parked, 1 relayer + GovOps revoked)', gas: stop.gasUsed })
    return rows
  },
}
