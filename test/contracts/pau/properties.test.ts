/**
 * Property-based: random sequences of relayer actions, time jumps and SORL changes on a live
 * PAU (each run on a snapshot that is reverted). The domain rules (src/domain/rateLimits.ts,
 * sorl.ts) are the oracle; after every step the chain must agree with them, and three
 * invariants are checked independently of the oracle:
 *   1. over any window, what left through a key ≤ what was available at the window's start
 *      plus what its slope accrued in the window;
 *   2. PAU funds are conserved: proxy + queued in the facility + funded to the proxy's NFATs +
 *      paid to the allow-listed destination never changes, and nothing reaches anyone else;
 *   3. no accepted change raised a limit faster than SORL (hop apart, ≤ +25% or ≤ init).
 * NFAT funding is the 2-key `fundRedeem(facility, tokenId, principal, interest)`: random splits
 * (1 wei of principal, part, all, 1 wei too much, with or without interest) on random claimed
 * NFATs, each part within its own finite key; the facility must retire exactly the principal
 * paid (a unit burns on redeem only when its whole principal was funded, otherwise it is spent
 * and keeps the rest), so dust never retires an NFAT.
 * The sequences include the aBEAM's brake (`Configurator.stop`): after it every relayer action,
 * claim and GovOps increase must be refused, and nothing moves (the same conservation checks);
 * and the attestation gate: lpha-attest records PRE_DEPLOYMENT rounds for a sleeve and the
 * relayer off-ramps USDC through `transferForSleeve`, accepted exactly when the current round's
 * record covers it (4. no off-ramp without a matching attestation).
 */
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { encodeFunctionData, keccak256, parseEventLogs, toBytes, type Address, type Hex } from 'viem'
import { attestationSleeveKey, attestationTypeIndex } from '../../../src/chain/attestation.js'
import { deployAttestationRegistry } from '../../../src/chain/deploy/deployAttestationRegistry.js'
import { attestationRegistryAbi, beamStateAbi, configuratorAbi, controllerAbi, nfatFacilityAbi, rateLimitsAbi, usdsAbi } from '../../../src/chain/generated/index.js'
import { encodeCall } from '../../../src/chain/timelock.js'
import {
  LIMIT,
  UNLIMITED,
  configureRateLimit,
  consumeRateLimit,
  currentRateLimit,
  rateLimitKey,
  refundRateLimit,
  type RateLimitData,
} from '../../../src/domain/rateLimits.js'
import { SORL_DEFAULTS, checkSorl, sorlBound } from '../../../src/domain/sorl.js'
import { useDevnet, type Devnet } from '../../fixtures/devnet.js'
import { HOP, deployStack, usd, type Stack } from './stack.js'

let devnet: Devnet
let s: Stack
const U = 10n ** 12n // USDS wei per USDC unit
const FUNDS = usd('10000')
/** Every finite init refills its max in exactly one day (the most BEAMState accepts). */
const INIT = {
  usdsToUsdc: { maxAmount: usd('86400'), slope: usd('1') },
  transfer: { maxAmount: usd('43200'), slope: usd('0.5') },
  facilityDeposit: { maxAmount: usd('86400'), slope: usd('1') },
  facilityRedeem: { maxAmount: usd('43200'), slope: usd('0.5') },
  fundPrincipal: { maxAmount: usd('4320'), slope: usd('0.05') },
  fundInterest: { maxAmount: usd('864'), slope: usd('0.01') },
  sleeveOffRamp: { maxAmount: 43_200n * 10n ** 6n, slope: 500_000n }, // USDC units
}
const SLEEVE = attestationSleeveKey('property-sleeve')
const PRE = attestationTypeIndex('PRE_DEPLOYMENT')
let registry: Address
/** The sleeve's off-ramp endpoint (USDC), separate from the USDS bank destination. */
let offRampDestination: Address
let K: { usdsToUsdc: Hex; usdcToUsds: Hex; transfer: Hex; facilityDeposit: Hex; facilityWithdraw: Hex; facilityRedeem: Hex; fundPrincipal: Hex; fundInterest: Hex; sleeveOffRamp: Hex }
let bank: Address
/** An NFAT the proxy holds, as the facility should show it: outstanding principal, funded amount and the principal part of it. */
type Unit = { tokenId: bigint; principal: bigint; fundedAmount: bigint; fundedPrincipal: bigint }
/** NFATs the proxy already holds when every run starts: two funded in full (so redemptions happen in every run), one not funded (so partial fundings do). */
let startUnits: Unit[]

type Step =
  | { kind: 'swapUSDSToUSDC' | 'swapUSDCToUSDS' | 'transfer' | 'facilityDeposit'; whole: number }
  | { kind: 'facilityWithdraw' }
  /** lpha-nfat claims `percent` of the proxy's queue (an NFAT to the proxy, unfunded). */
  | { kind: 'claim'; percent: number }
  /**
   * The PAU funds the `pick`-th NFAT: principal part `principalPercent` of what is not yet covered
   * (-1: 1 wei, 101: 1 wei more than uncovered), plus `interestWhole` USDS of interest.
   */
  | { kind: 'fund'; pick: number; principalPercent: number; interestWhole: number }
  /** The PAU redeems the `pick`-th live NFAT (modulo how many there are). */
  | { kind: 'redeem'; pick: number }
  | { kind: 'wait'; seconds: number }
  | { kind: 'sorl'; bps: number }
  /** The aBEAM's brake: RateLimits stopped, relayers and GovOps revoked. */
  | { kind: 'brake' }
  /** lpha-attest records a PRE_DEPLOYMENT attestation for `round` covering `whole` USDC. */
  | { kind: 'attest'; round: number; whole: number }
  /** The relayer off-ramps `whole` USDC for the sleeve's `round` (0: whatever round is newest now, none yet included). */
  | { kind: 'sleeveOffRamp'; round: number; whole: number }

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constantFrom('swapUSDSToUSDC' as const, 'swapUSDCToUSDS' as const, 'transfer' as const), whole: fc.integer({ min: 1, max: 1_300 }) }),
  // Twice as likely as other steps, so claims, funding and redemptions have a queue to work on.
  { arbitrary: fc.record({ kind: fc.constant('facilityDeposit' as const), whole: fc.integer({ min: 1, max: 1_000 }) }), weight: 2 },
  fc.constant({ kind: 'facilityWithdraw' as const }),
  fc.record({ kind: fc.constant('redeem' as const), pick: fc.nat({ max: 3 }) }),
  { arbitrary: fc.record({ kind: fc.constant('claim' as const), percent: fc.integer({ min: 1, max: 100 }) }), weight: 2 },
  {
    arbitrary: fc.record({
      kind: fc.constant('fund' as const),
      pick: fc.nat({ max: 3 }),
      principalPercent: fc.oneof(fc.constantFrom(-1, 0, 100, 101), fc.integer({ min: 1, max: 99 })),
      interestWhole: fc.constantFrom(0, 0, 1, 50, 300),
    }),
    weight: 2,
  },
  fc.record({ kind: fc.constant('wait' as const), seconds: fc.constantFrom(1, 60, 600, 3_600, Number(HOP), 86_400) }),
  // SORL change of the transfer limit: from -100% to +40% (beyond the +25% bound on purpose).
  fc.record({ kind: fc.constant('sorl' as const), bps: fc.integer({ min: -10_000, max: 4_000 }) }),
  { arbitrary: fc.record({ kind: fc.constant('attest' as const), round: fc.integer({ min: 1, max: 3 }), whole: fc.integer({ min: 1, max: 1_500 }) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('sleeveOffRamp' as const), round: fc.constantFrom(0, 0, 0, 1, 2, 3), whole: fc.integer({ min: 1, max: 600 }) }), weight: 3 },
)

async function readLimit(key: Hex): Promise<RateLimitData> {
  const [maxAmount, slope, lastAmount, lastUpdated] = await devnet.publicClient.readContract({ address: s.rateLimits, abi: rateLimitsAbi, functionName: 'getRateLimitData', args: [key] })
  return { maxAmount, slope, lastAmount, lastUpdated }
}
const balance = (token: Address, who: Address) => devnet.publicClient.readContract({ address: token, abi: usdsAbi, functionName: 'balanceOf', args: [who] })

beforeAll(async () => {
  devnet = await useDevnet()
  s = await deployStack(devnet)
  await s.onboard()
  bank = devnet.accounts.bob.address
  K = {
    usdsToUsdc: LIMIT.USDS_TO_USDC,
    usdcToUsds: LIMIT.USDC_TO_USDS,
    transfer: rateLimitKey(LIMIT.ASSET_TRANSFER, s.usds, bank),
    facilityDeposit: rateLimitKey(LIMIT.FACILITY_DEPOSIT, s.facility),
    facilityWithdraw: rateLimitKey(LIMIT.FACILITY_WITHDRAW, s.facility),
    facilityRedeem: rateLimitKey(LIMIT.FACILITY_REDEEM, s.facility),
    fundPrincipal: rateLimitKey(LIMIT.REDEEM_FUND_PRINCIPAL, s.facility),
    fundInterest: rateLimitKey(LIMIT.REDEEM_FUND_INTEREST, s.facility),
    sleeveOffRamp: rateLimitKey(LIMIT.SLEEVE_OFFRAMP, s.usdc, devnet.accounts.alice.address),
  }
  offRampDestination = devnet.accounts.alice.address
  registry = await deployAttestationRegistry(devnet, { deployer: devnet.accounts.deployer, councilBeacon: devnet.accounts.council.address, timelock: s.timelock })
  const setRegistry = encodeFunctionData({ abi: controllerAbi, functionName: 'setAttestationRegistry', args: [registry] })
  const limits: Array<[Hex, bigint, bigint]> = [
    [K.usdsToUsdc, INIT.usdsToUsdc.maxAmount, INIT.usdsToUsdc.slope],
    [K.usdcToUsds, UNLIMITED, 0n],
    [K.transfer, INIT.transfer.maxAmount, INIT.transfer.slope],
    [K.facilityDeposit, INIT.facilityDeposit.maxAmount, INIT.facilityDeposit.slope],
    [K.facilityWithdraw, UNLIMITED, 0n],
    [K.facilityRedeem, INIT.facilityRedeem.maxAmount, INIT.facilityRedeem.slope],
    // Claims are the Halo side's business here: unlimited, so never written (the stop flag still refuses them).
    [s.nfatClaimKey, UNLIMITED, 0n],
    [K.fundPrincipal, INIT.fundPrincipal.maxAmount, INIT.fundPrincipal.slope],
    [K.fundInterest, INIT.fundInterest.maxAmount, INIT.fundInterest.slope],
    [K.sleeveOffRamp, INIT.sleeveOffRamp.maxAmount, INIT.sleeveOffRamp.slope],
  ]
  await s.timelocked(
    ...limits.map(([key, max, slope]) => s.addInit(key, max, slope)),
    encodeCall(registry, { abi: attestationRegistryAbi, functionName: 'addAttestor', args: [devnet.accounts.attestor.address] }),
    encodeCall(s.beamState, { abi: beamStateAbi, functionName: 'addInitControllerActions', args: [setRegistry, s.pau] }),
  )
  for (const [key, max, slope] of limits) await s.setRateLimit(key, max, slope)
  await devnet.write(devnet.accounts.govOps, { address: s.configurator, abi: configuratorAbi, functionName: 'callControllerAction', args: [s.pau, setRegistry] })
  await s.mint(s.proxy, FUNDS)
  await devnet.increaseTime(3_600n)
  const relay = (functionName: string, args: readonly unknown[]) =>
    devnet.write(devnet.accounts.relayer, { address: s.controller, abi: controllerAbi, functionName, args } as never)
  await relay('depositToFacility', [s.facility, usd('350')]) // claimed in full below: the queue starts empty
  await relay('swapUSDSToUSDC', [usd('2000')]) // USDC in the proxy from the start, for sleeve off-ramps
  startUnits = []
  for (const amount of [usd('50'), usd('100')]) {
    const tokenId = await claim(amount)
    await relay('fundRedeem', [s.facility, tokenId, amount, 0n])
    startUnits.push({ tokenId, principal: amount, fundedAmount: amount, fundedPrincipal: amount })
  }
  startUnits.push({ tokenId: await claim(usd('200')), principal: usd('200'), fundedAmount: 0n, fundedPrincipal: 0n })
  await devnet.increaseTime(3_600n) // the deposit limit refills before the runs
}, 120_000)

/** lpha-nfat claims `amount` of the proxy's queue as an NFAT to the proxy. */
async function claim(amount: bigint): Promise<bigint> {
  const receipt = await devnet.write(devnet.accounts.relayer, { address: s.facility, abi: nfatFacilityAbi, functionName: 'claim', args: [s.proxy, amount] })
  return parseEventLogs({ abi: nfatFacilityAbi, eventName: 'Claimed', logs: receipt.logs })[0]!.args.tokenId
}

describe('PAU properties over random sequences', () => {
  it('chain = domain oracle; window bound, conservation and SORL hold', async () => {
    await fc.assert(
      // At most one brake per run (half the runs), at a random position, so most steps run before it.
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 24 }), fc.option(fc.nat(), { nil: undefined, freq: 2 }), (steps, brakeAt) =>
        devnet.withSnapshot(() => run(brakeAt === undefined ? steps : withBrakeAt(steps, brakeAt % (steps.length + 1)))),
      ),
      { numRuns: 80, endOnFailure: true },
    )
  })
})

const withBrakeAt = (steps: Step[], at: number): Step[] => [...steps.slice(0, at), { kind: 'brake' }, ...steps.slice(at)]

async function run(steps: Step[]): Promise<void> {
  const keys = Object.values(K)
  const model = new Map<Hex, RateLimitData>()
  for (const key of keys) model.set(key, await readLimit(key))
  const lastIncreaseAt = await devnet.publicClient.readContract({ address: s.configurator, abi: configuratorAbi, functionName: 'lastIncrease', args: [s.rateLimits, K.transfer] })
  let lastIncrease = lastIncreaseAt
  let now = await devnet.now()
  let proxyUsds = await balance(s.usds, s.proxy)
  let proxyUsdc = await balance(s.usdc, s.proxy)
  let queued = 0n
  let paid = 0n
  /** The proxy's live NFATs, oldest first. */
  const units: Unit[] = startUnits.map((u) => ({ ...u }))
  const fundedTotal = () => units.reduce((sum, u) => sum + u.fundedAmount, 0n)
  /** NFATs burned in this run: they must stay gone. */
  const burned: bigint[] = []
  // For the window invariant on the transfer key (no refunds): one sample per step.
  const samples: Array<{ t: bigint; available: bigint; slope: bigint; consumed: bigint }> = []
  let consumed = 0n
  const increases: Array<{ t: bigint; from: bigint; to: bigint }> = []
  /** After the brake nothing may move and GovOps may not raise anything. */
  let stopped = false
  let movedAtBrake: { proxyUsds: bigint; proxyUsdc: bigint; queued: bigint; paid: bigint; paidUsdc: bigint; funded: bigint } | undefined
  /** The registry as lpha-attest left it in this run: the newest PRE_DEPLOYMENT round, what each covers, what left per round. */
  let latestRound = 0
  const attested = new Map<number, bigint>()
  const offRamped = new Map<number, bigint>()
  let paidUsdc = 0n

  const get = (key: Hex) => model.get(key)!
  const attempt = async (expectOk: boolean, send: () => Promise<unknown>) => {
    const outcome = await send().then(() => true, () => false)
    expect(outcome, expectOk ? 'chain refused what the rules allow' : 'chain allowed what the rules refuse').toBe(expectOk)
    return outcome
  }
  const relayer = devnet.accounts.relayer
  const relay = (functionName: string, args: readonly unknown[]) =>
    devnet.write(relayer, { address: s.controller, abi: controllerAbi, functionName, args } as never)
  const fits = (key: Hex, amount: bigint) => currentRateLimit(get(key), now) >= amount

  for (const st of steps) {
    if (st.kind === 'wait') {
      now += BigInt(st.seconds)
    } else {
      now += 1n
      await devnet.setNextBlockTimestamp(now)
    }
    switch (st.kind) {
      case 'swapUSDSToUSDC': {
        const amount = usd(String(st.whole))
        const ok = !stopped && amount <= proxyUsds && fits(K.usdsToUsdc, amount)
        if (await attempt(ok, () => relay('swapUSDSToUSDC', [amount]))) {
          model.set(K.usdsToUsdc, consumeRateLimit(get(K.usdsToUsdc), amount, now))
          proxyUsds -= amount
          proxyUsdc += amount / U
        }
        break
      }
      case 'swapUSDCToUSDS': {
        const usdc = BigInt(st.whole) * 10n ** 6n
        const ok = !stopped && usdc <= proxyUsdc
        if (await attempt(ok, () => relay('swapUSDCToUSDS', [usdc]))) {
          model.set(K.usdsToUsdc, refundRateLimit(get(K.usdsToUsdc), usdc * U, now))
          proxyUsdc -= usdc
          proxyUsds += usdc * U
        }
        break
      }
      case 'transfer': {
        const amount = usd(String(st.whole))
        const ok = !stopped && amount <= proxyUsds && fits(K.transfer, amount)
        if (await attempt(ok, () => relay('transferAsset', [s.usds, bank, amount]))) {
          model.set(K.transfer, consumeRateLimit(get(K.transfer), amount, now))
          proxyUsds -= amount
          paid += amount
          consumed += amount
        }
        break
      }
      case 'facilityDeposit': {
        const amount = usd(String(st.whole))
        const ok = !stopped && amount <= proxyUsds && fits(K.facilityDeposit, amount)
        if (await attempt(ok, () => relay('depositToFacility', [s.facility, amount]))) {
          model.set(K.facilityDeposit, consumeRateLimit(get(K.facilityDeposit), amount, now))
          proxyUsds -= amount
          queued += amount
        }
        break
      }
      case 'facilityWithdraw': {
        if (await attempt(!stopped && queued > 0n, () => relay('withdrawFromFacility', [s.facility]))) {
          model.set(K.facilityDeposit, refundRateLimit(get(K.facilityDeposit), queued, now))
          proxyUsds += queued
          queued = 0n
        }
        break
      }
      case 'claim': {
        const amount = (queued * BigInt(st.percent)) / 100n
        let tokenId = 0n
        if (await attempt(!stopped && amount > 0n, async () => (tokenId = await claim(amount)))) {
          units.push({ tokenId, principal: amount, fundedAmount: 0n, fundedPrincipal: 0n })
          queued -= amount
          proxyUsds += amount // the claimed USDS goes to the Halo's ALMProxy, here the same proxy
        }
        break
      }
      case 'fund': {
        const unit = units[st.pick % Math.max(1, units.length)]
        const uncovered = unit ? unit.principal - unit.fundedPrincipal : 0n
        const principal = st.principalPercent === -1 ? 1n : st.principalPercent === 101 ? uncovered + 1n : (uncovered * BigInt(st.principalPercent)) / 100n
        const interest = usd(String(st.interestWhole))
        const total = principal + interest
        const ok =
          !stopped && unit !== undefined && total > 0n && principal <= uncovered && total <= proxyUsds &&
          (principal === 0n || fits(K.fundPrincipal, principal)) && (interest === 0n || fits(K.fundInterest, interest))
        if (await attempt(ok, () => relay('fundRedeem', [s.facility, unit?.tokenId ?? 10n ** 9n, principal, interest]))) {
          if (principal > 0n) model.set(K.fundPrincipal, consumeRateLimit(get(K.fundPrincipal), principal, now))
          if (interest > 0n) model.set(K.fundInterest, consumeRateLimit(get(K.fundInterest), interest, now))
          unit!.fundedPrincipal += principal
          unit!.fundedAmount += total
          proxyUsds -= total
        }
        break
      }
      case 'redeem': {
        const at = st.pick % Math.max(1, units.length)
        const unit = units[at]
        const ok = !stopped && unit !== undefined && unit.fundedAmount > 0n && fits(K.facilityRedeem, unit.fundedAmount)
        if (await attempt(ok, () => relay('redeemFromFacility', [s.facility, unit?.tokenId ?? 10n ** 9n]))) {
          model.set(K.facilityRedeem, consumeRateLimit(get(K.facilityRedeem), unit!.fundedAmount, now))
          proxyUsds += unit!.fundedAmount
          // Only a unit whose whole principal was funded burns; otherwise it keeps what was not paid.
          if (unit!.fundedPrincipal === unit!.principal) {
            units.splice(at, 1)
            burned.push(unit!.tokenId)
          } else {
            Object.assign(unit!, { principal: unit!.principal - unit!.fundedPrincipal, fundedAmount: 0n, fundedPrincipal: 0n })
          }
        }
        break
      }
      case 'sorl': {
        const old = get(K.transfer)
        const scale = (v: bigint) => (v * BigInt(10_000 + st.bps)) / 10_000n
        const next = { maxAmount: scale(old.maxAmount), slope: scale(old.slope) }
        const verdict = checkSorl({ ...SORL_DEFAULTS, old, next, init: INIT.transfer, lastIncreaseAt: lastIncrease, now })
        // After the brake GovOps is no longer accordant: only a brake holder may decrease.
        if (await attempt(!stopped && verdict.ok, () => s.setRateLimit(K.transfer, next.maxAmount, next.slope))) {
          model.set(K.transfer, configureRateLimit(old, next.maxAmount, next.slope, now))
          if (verdict.ok && verdict.increase) {
            increases.push({ t: now, from: old.maxAmount, to: next.maxAmount })
            lastIncrease = now
          }
        }
        break
      }
      case 'brake': {
        await attempt(true, () => devnet.write(devnet.accounts.aBEAM, { address: s.configurator, abi: configuratorAbi, functionName: 'stop', args: [s.pau] }))
        stopped = true
        movedAtBrake = { proxyUsds, proxyUsdc, queued, paid, paidUsdc, funded: fundedTotal() }
        break
      }
      case 'attest': {
        const amount = BigInt(st.whole) * 10n ** 6n
        const args = [SLEEVE, PRE, BigInt(st.round), keccak256(toBytes(`round ${st.round}`)), amount] as const
        if (await attempt(st.round > latestRound, () => devnet.write(devnet.accounts.attestor, { address: registry, abi: attestationRegistryAbi, functionName: 'record', args }))) {
          latestRound = st.round
          attested.set(st.round, amount)
        }
        break
      }
      case 'sleeveOffRamp': {
        const amount = BigInt(st.whole) * 10n ** 6n
        const round = st.round === 0 ? latestRound : st.round
        const total = (offRamped.get(round) ?? 0n) + amount
        const covered = round !== 0 && round === latestRound && total <= (attested.get(round) ?? 0n)
        const ok = !stopped && covered && amount <= proxyUsdc && fits(K.sleeveOffRamp, amount)
        if (await attempt(ok, () => relay('transferForSleeve', [SLEEVE, BigInt(round), s.usdc, offRampDestination, amount]))) {
          model.set(K.sleeveOffRamp, consumeRateLimit(get(K.sleeveOffRamp), amount, now))
          offRamped.set(round, total)
          proxyUsdc -= amount
          paidUsdc += amount
        }
        break
      }
    }
    // Oracle agreement.
    for (const key of keys) expect(await readLimit(key), `limit ${key}`).toEqual(get(key))
    // Invariant 2: conservation (USDS-equivalent) and nothing leaks elsewhere.
    expect(await balance(s.usds, s.proxy)).toBe(proxyUsds)
    expect(await balance(s.usdc, s.proxy)).toBe(proxyUsdc)
    expect(await devnet.publicClient.readContract({ address: s.facility, abi: nfatFacilityAbi, functionName: 'queuedBalanceOf', args: [s.proxy] })).toBe(queued)
    expect(await balance(s.usds, bank)).toBe(paid)
    expect(await devnet.publicClient.readContract({ address: s.facility, abi: nfatFacilityAbi, functionName: 'totalFunded' })).toBe(fundedTotal())
    // Funding retires exactly the principal it paid: each live NFAT as the model has it, burned ones gone.
    for (const u of units) {
      const [, principal] = await devnet.publicClient.readContract({ address: s.facility, abi: nfatFacilityAbi, functionName: 'unitOf', args: [u.tokenId] })
      const [fundedAmount, fundedPrincipal] = await devnet.publicClient.readContract({ address: s.facility, abi: nfatFacilityAbi, functionName: 'fundingOf', args: [u.tokenId] })
      expect({ principal, fundedAmount, fundedPrincipal }, `NFAT ${u.tokenId}`).toEqual({ principal: u.principal, fundedAmount: u.fundedAmount, fundedPrincipal: u.fundedPrincipal })
    }
    if (st.kind === 'redeem' && burned.length > 0) {
      await expect(devnet.publicClient.readContract({ address: s.facility, abi: nfatFacilityAbi, functionName: 'unitOf', args: [burned.at(-1)!] }), 'a burned NFAT stays gone').rejects.toThrow()
    }
    expect(await balance(s.usdc, offRampDestination), 'no off-ramp without a matching attestation').toBe(paidUsdc)
    for (const [round, total] of offRamped) expect(total).toBeLessThanOrEqual(attested.get(round)!)
    expect(proxyUsds + proxyUsdc * U + queued + fundedTotal() + paid + paidUsdc * U).toBe(FUNDS)
    expect(await balance(s.usds, devnet.accounts.attacker.address)).toBe(0n)
    if (movedAtBrake) expect({ proxyUsds, proxyUsdc, queued, paid, paidUsdc, funded: fundedTotal() }, 'nothing moves after the brake').toEqual(movedAtBrake)
    const transferLimit = get(K.transfer)
    samples.push({ t: now, available: currentRateLimit(transferLimit, now), slope: transferLimit.slope, consumed })
  }

  // Invariant 1: for every window [i, j], consumed ≤ available(i) + Σ slope × dt.
  for (let i = 0; i < samples.length; i++) {
    let accrued = 0n
    for (let j = i + 1; j < samples.length; j++) {
      accrued += samples[j - 1]!.slope * (samples[j]!.t - samples[j - 1]!.t)
      expect(samples[j]!.consumed - samples[i]!.consumed).toBeLessThanOrEqual(samples[i]!.available + accrued)
    }
  }
  // Invariant 3: accepted increases are a hop apart and within +25% (or the init).
  for (let i = 0; i < increases.length; i++) {
    const inc = increases[i]!
    expect(inc.to).toBeLessThanOrEqual(sorlBound(inc.from, INIT.transfer.maxAmount, SORL_DEFAULTS.maxChangeBps))
    if (i > 0) expect(inc.t - increases[i - 1]!.t).toBeGreaterThanOrEqual(HOP)
  }
}
