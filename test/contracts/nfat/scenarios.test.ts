/**
 * The twelve scenarios of the NFAT standard (reference smart-contracts/nfats.md) and the
 * seed's sweep (004: Spark 30M, Grove 25M of 50M, Keel 20M → NFATs 42/43/44), run on anvil
 * with their numbers in USDS (the seed's queue asset).
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { parseEventLogs } from 'viem'
import { nfatFacilityAbi, usdsAbi } from '../../../src/chain/generated/index.js'
import { splitProRata } from '../../../src/domain/proRata.js'
import { useDevnet, type Devnet } from '../../fixtures/devnet.js'
import { M, createWorld, deployFacility, type World } from './facility.js'

let devnet: Devnet
let world: World

beforeAll(async () => {
  devnet = await useDevnet()
  world = await createWorld(devnet, { claimMaxAmount: M('100'), claimSlopePerSecond: 0n })
})
beforeEach(() => devnet.isolate())

describe('NFAT standard scenarios (USDS)', () => {
  it('1. basic bullet loan: 50M queued, 25M claimed as NFAT #1, funded 26.25M at maturity, burned for 26.25M', async () => {
    const { primeX } = world.people
    // Onboarding: the facility's claim limit is 100M.
    expect(await world.view('claimCapacity')).toBe(M('100'))

    await world.deposit(primeX, M('50'))
    expect(await world.queued(primeX.address)).toBe(M('50'))

    const nfat = await world.claim(primeX, M('25'))
    expect(nfat).toBe(1n)
    expect(await world.ownerOf(1n)).toBe(primeX.address)
    const unit = await world.unit(1n)
    expect(unit).toMatchObject({ facility: world.facility, principal: M('25'), depositor: primeX.address })
    expect(unit.mintedAt).toBe(await devnet.now())
    expect(await world.queued(primeX.address)).toBe(M('25'))
    expect(await world.balance(world.almProxy)).toBe(M('25'))
    expect(await world.view('claimCapacity')).toBe(M('75'))

    await world.days(181) // six months: nothing happens for a bullet loan
    await world.mint(world.almProxy, M('1.25')) // the yield comes back from the deployment
    await world.fund(1n, M('25'), M('1.25')) // the Controller's funding call: principal 25M + interest 1.25M
    expect((await world.unit(1n)).principal).toBe(M('25'))
    expect(await world.funding(1n)).toEqual({ amount: M('26.25'), principalPaid: M('25') })

    const before = await world.balance(primeX.address)
    await world.redeem(primeX, 1n)
    expect((await world.balance(primeX.address)) - before).toBe(M('26.25'))
    expect(await world.balanceOfNfat(primeX.address)).toBe(0n)
    await expect(world.unit(1n)).rejects.toThrow(/AlreadyRedeemed/)
  })

  it('2. partial queue claim: 30M then 15M from a 50M queue, the last 5M withdrawn', async () => {
    const { primeX } = world.people
    await world.deposit(primeX, M('50'))
    expect(await world.claim(primeX, M('30'))).toBe(1n)
    expect(await world.queued(primeX.address)).toBe(M('20'))
    expect(await world.claim(primeX, M('15'))).toBe(2n)
    await world.withdraw(primeX)
    expect(await world.balance(primeX.address)).toBe(M('5'))
    expect(await world.queued(primeX.address)).toBe(0n)
    expect(await world.balanceOfNfat(primeX.address)).toBe(2n)
    expect((await world.unit(1n)).principal).toBe(M('30'))
    expect((await world.unit(2n)).principal).toBe(M('15'))
  })

  it('3. prime withdraws 50M before any claim: queue back to 0, full capital retained', async () => {
    const { primeX } = world.people
    await world.deposit(primeX, M('50'))
    await world.withdraw(primeX)
    expect(await world.queued(primeX.address)).toBe(0n)
    expect(await world.view('totalUnderlying')).toBe(0n)
    expect(await world.view('totalShares')).toBe(0n)
    expect(await world.balance(primeX.address)).toBe(M('50'))
    expect(await world.balance(world.facility)).toBe(0n)
  })

  it('4. amortizing loan: 40M spent down by four 10.8M payments (10M principal + 0.8M interest), burned on the last', async () => {
    const { primeX } = world.people
    await world.deposit(primeX, M('50'))
    const nfat = await world.claim(primeX, M('40'))
    await world.mint(world.almProxy, M('3.2')) // four quarters of 0.8M interest
    const received: bigint[] = []
    for (const remaining of [M('30'), M('20'), M('10')]) {
      await world.days(91)
      await world.fund(nfat, M('10'), M('0.8'))
      const before = await world.balance(primeX.address)
      const receipt = await world.redeem(primeX, nfat)
      received.push((await world.balance(primeX.address)) - before)
      const [spent] = parseEventLogs({ abi: nfatFacilityAbi, eventName: 'Spent', logs: receipt.logs })
      expect(spent?.args).toMatchObject({ tokenId: nfat, paid: M('10.8'), principalReduced: M('10'), principalRemaining: remaining })
      expect((await world.unit(nfat)).principal).toBe(remaining)
      expect(await world.ownerOf(nfat)).toBe(primeX.address)
    }
    await world.days(91)
    await world.fund(nfat, M('10'), M('0.8'))
    const before = await world.balance(primeX.address)
    const receipt = await world.redeem(primeX, nfat)
    received.push((await world.balance(primeX.address)) - before)
    expect(parseEventLogs({ abi: nfatFacilityAbi, eventName: 'Redeemed', logs: receipt.logs })).toHaveLength(1)
    expect(received).toEqual([M('10.8'), M('10.8'), M('10.8'), M('10.8')])
    expect(await world.balanceOfNfat(primeX.address)).toBe(0n)
  })

  it('5. secondary market: Prime Y buys NFAT #1 (25M) for 25.5M and redeems it for 26.25M', async () => {
    const { primeX, primeY } = world.people
    await world.deposit(primeX, M('25'))
    await world.claim(primeX, M('25'))
    // The sale is paid outside the facility: an ordinary USDS transfer between the Primes.
    await world.mint(primeY.address, M('25.5'))
    await devnet.write(primeY, { address: world.usds, abi: usdsAbi, functionName: 'transfer', args: [primeX.address, M('25.5')] })
    const facilityBefore = await world.balance(world.facility)
    await world.transfer(primeX, primeY.address, 1n)
    expect(await world.balance(world.facility)).toBe(facilityBefore) // a transfer moves no funds
    expect((await world.unit(1n)).depositor).toBe(primeX.address) // the original depositor stays on record

    await world.mint(world.almProxy, M('1.25'))
    await world.fund(1n, M('25'), M('1.25'))
    await expect(world.redeem(primeX, 1n)).rejects.toThrow(/NotHolder/)
    await world.redeem(primeY, 1n)
    expect(await world.balance(primeY.address)).toBe(M('26.25'))
    expect(await world.balance(primeX.address)).toBe(M('25.5'))
  })

  it('6. Halo funds 5 days late and adds a penalty (paid as interest): the holder receives principal + yield + penalty', async () => {
    const { primeX } = world.people
    await world.deposit(primeX, M('25'))
    await world.claim(primeX, M('25'))
    await world.days(181 + 5) // maturity passed, 5 days late
    // The penalty amount comes from the deal terms in the Synome; 0.05M here for illustration.
    const penalty = M('0.05')
    await world.mint(world.almProxy, M('1.25') + penalty)
    const receipt = await world.fund(1n, M('25'), M('1.25') + penalty)
    const [funded] = parseEventLogs({ abi: nfatFacilityAbi, eventName: 'Funded', logs: receipt.logs })
    expect(funded?.args).toMatchObject({ tokenId: 1n, depositor: primeX.address, principalAmount: M('25'), interestAmount: M('1.3') })
    await world.redeem(primeX, 1n)
    expect(await world.balance(primeX.address)).toBe(M('26.3'))
  })

  it('7. Prime redeems 18 days after maturity: still exactly the 26.25M funded the day before maturity', async () => {
    const { primeX } = world.people
    await world.deposit(primeX, M('25'))
    await world.claim(primeX, M('25'))
    await world.days(180) // 2025-07-14, the day before maturity
    await world.mint(world.almProxy, M('1.25'))
    await world.fund(1n, M('25'), M('1.25'))
    await world.days(18) // 2025-08-01
    await world.redeem(primeX, 1n)
    expect(await world.balance(primeX.address)).toBe(M('26.25'))
    expect(await world.view('totalFunded')).toBe(0n)
  })

  it('8. two Primes in one facility: X 50M and Y 30M queued, three NFATs of 25M, 30M and 25M', async () => {
    const { primeX, primeY } = world.people
    await world.deposit(primeX, M('50'))
    await world.deposit(primeY, M('30'))
    expect(await world.claim(primeX, M('25'))).toBe(1n)
    expect(await world.claim(primeY, M('30'))).toBe(2n)
    expect(await world.claim(primeX, M('25'))).toBe(3n)
    expect(await world.unit(1n)).toMatchObject({ principal: M('25'), depositor: primeX.address })
    expect(await world.unit(2n)).toMatchObject({ principal: M('30'), depositor: primeY.address })
    expect(await world.unit(3n)).toMatchObject({ principal: M('25'), depositor: primeX.address })
    expect(await world.view('totalUnderlying')).toBe(0n)
    expect(await world.balance(world.almProxy)).toBe(M('80'))
  })

  it('9. one Prime across two facilities: 30M in senior A, 10M in mezzanine B, one NFAT from each', async () => {
    const { primeX } = world.people
    const facilityB = await deployFacility(devnet, { usds: world.usds, pau: world.pau, firstTokenId: 1_000n })
    await world.approve(primeX, facilityB)
    await world.deposit(primeX, M('30'))
    await world.deposit(primeX, M('10'), facilityB)
    const fromA = await world.claim(primeX, M('30'))
    const fromB = await world.claim(primeX, M('10'), facilityB)
    expect([fromA, fromB]).toEqual([1n, 1_000n])
    expect(await world.unit(fromA)).toMatchObject({ facility: world.facility, principal: M('30') })
    expect(await world.unit(fromB, facilityB)).toMatchObject({ facility: facilityB, principal: M('10') })
  })

  it('10. whitelist: transfer to a random address is blocked and changes nothing; allowed once the Halo whitelists Prime Y', async () => {
    const { primeX, primeY, randomAddress } = world.people
    await world.asAdmin.setWhitelistMode(true)
    await world.asAdmin.setWhitelisted(primeX.address, true)
    await world.deposit(primeX, M('25'))
    await world.claim(primeX, M('25'))
    const before = await world.snapshotState([1n], [primeX.address, randomAddress.address])
    await expect(world.transfer(primeX, randomAddress.address, 1n)).rejects.toThrow(/NotWhitelisted/)
    expect(await world.snapshotState([1n], [primeX.address, randomAddress.address])).toEqual(before)
    await world.asAdmin.setWhitelisted(primeY.address, true)
    await world.transfer(primeX, primeY.address, 1n)
    expect(await world.ownerOf(1n)).toBe(primeY.address)
  })

  it('11. Halo never funds: redeem refuses with NotFunded; recovery proceeds are funded as principal and GovOps writes the 5M shortfall down, so the unit retires at a loss', async () => {
    const { primeX } = world.people
    await world.deposit(primeX, M('25'))
    await world.claim(primeX, M('25'))
    await world.days(181 + 30) // maturity and a grace period pass without funding
    await expect(world.redeem(primeX, 1n)).rejects.toThrow(/NotFunded/)
    expect(await world.ownerOf(1n)).toBe(primeX.address) // the holder keeps its claim on recovery
    // Recovery returns 20M of the 25M: funding retires 20M of principal, a write-down the rest.
    await world.fund(1n, M('20'))
    const receipt = await world.writeDown(1n, M('5'))
    const [written] = parseEventLogs({ abi: nfatFacilityAbi, eventName: 'WrittenDown', logs: receipt.logs })
    expect(written?.args).toMatchObject({ tokenId: 1n, depositor: primeX.address, writer: devnet.accounts.govOps.address, principalAmount: M('5'), principalRemaining: M('20') })
    expect(await world.funding(1n)).toEqual({ amount: M('20'), principalPaid: M('20') })
    await world.redeem(primeX, 1n)
    expect(await world.balance(primeX.address)).toBe(M('20'))
    expect(await world.balanceOfNfat(primeX.address)).toBe(0n)
  })

  it('12. queue again while holding NFAT #1 (25M): 20M more becomes an independent NFAT #2', async () => {
    const { primeX } = world.people
    await world.deposit(primeX, M('25'))
    await world.claim(primeX, M('25'))
    await world.deposit(primeX, M('20'))
    expect(await world.claim(primeX, M('20'))).toBe(2n)
    expect(await world.balanceOfNfat(primeX.address)).toBe(2n)
    expect((await world.unit(1n)).principal).toBe(M('25'))
    expect((await world.unit(2n)).principal).toBe(M('20'))
  })
})

describe('seed 004: sleeve-7 sweep and lifecycle (tokenIds from 42)', () => {
  let seed: World
  beforeAll(async () => {
    seed = await createWorld(devnet, { firstTokenId: 42n })
  })

  it('sweeps Spark 30M → #42, Grove 25M of 50M → #43, Keel 20M → #44; Grove keeps 25M queued and withdraws it', async () => {
    const { spark, grove, keel } = seed.people
    await seed.deposit(spark, M('30'))
    await seed.deposit(grove, M('50'))
    await seed.deposit(keel, M('20'))
    expect(await seed.claim(spark, M('30'))).toBe(42n)
    expect(await seed.claim(grove, M('25'))).toBe(43n)
    expect(await seed.claim(keel, M('20'))).toBe(44n)
    expect(await seed.balance(seed.almProxy)).toBe(M('75'))
    expect(await seed.queued(grove.address)).toBe(M('25'))
    expect(await seed.view('totalUnderlying')).toBe(M('25'))

    await seed.pause() // even a paused facility lets Grove leave the queue
    await seed.withdraw(grove)
    expect(await seed.balance(grove.address)).toBe(M('25'))
    expect(await seed.view('totalUnderlying')).toBe(0n)
  })

  /** Days 1-7: Spark 30M → #42, Grove 25M → #43, Keel 20M → #44; the 75M leaves for the Halo's bank and is deployed. */
  async function sweepAndDeploy() {
    const { spark, grove, keel } = seed.people
    const primes = [spark, grove, keel]
    const principals = [M('30'), M('25'), M('20')]
    for (const [i, prime] of primes.entries()) {
      await seed.deposit(prime, principals[i]!)
      await seed.claim(prime, principals[i]!)
    }
    await seed.offboard(M('75'))
    return { primes, principals }
  }

  it('day 180: 78.75M returns, split pro rata 31.5M / 26.25M / 21.0M; each Prime burns its NFAT for exactly that', async () => {
    const { primes, principals } = await sweepAndDeploy()
    await seed.days(180)
    await seed.mint(seed.almProxy, M('78.75')) // day 180: 75M + 3.75M yield back on-chain
    const { shares, remainder } = splitProRata(M('78.75'), principals)
    expect(shares).toEqual([M('31.5'), M('26.25'), M('21')])
    expect(remainder).toBe(0n)
    // One funding call per NFAT: principal 30M / 25M / 20M + yield 1.5M / 1.25M / 1.0M.
    const yields = shares.map((share, i) => share - principals[i]!)
    expect(yields).toEqual([M('1.5'), M('1.25'), M('1')])
    for (const [i, tokenId] of [42n, 43n, 44n].entries()) await seed.fund(tokenId, principals[i]!, yields[i]!)
    expect(await seed.balance(seed.almProxy)).toBe(0n)
    for (const [i, tokenId] of [42n, 43n, 44n].entries()) await seed.redeem(primes[i]!, tokenId)
    expect(await Promise.all(primes.map((p) => seed.balance(p.address)))).toEqual(shares)
    expect(await seed.balance(seed.facility)).toBe(0n)
  })

  it('partial default: the sleeve returns 60M (80%), units get 24M / 20M / 16M pro rata as principal, GovOps writes down 6M / 5M / 4M, and they are retired', async () => {
    const { primes, principals } = await sweepAndDeploy()
    await seed.mint(seed.almProxy, M('60')) // only 60M of the 75M deployed comes back
    const { shares } = splitProRata(M('60'), principals)
    expect(shares).toEqual([M('24'), M('20'), M('16')])
    for (const [i, tokenId] of [42n, 43n, 44n].entries()) {
      await seed.fund(tokenId, shares[i]!)
      await seed.writeDown(tokenId, principals[i]! - shares[i]!)
    }
    for (const [i, tokenId] of [42n, 43n, 44n].entries()) await seed.redeem(primes[i]!, tokenId)
    expect(await Promise.all(primes.map((p) => seed.balance(p.address)))).toEqual(shares)
    expect(await seed.balanceOfNfat(primes[0]!.address)).toBe(0n)
  })
})
