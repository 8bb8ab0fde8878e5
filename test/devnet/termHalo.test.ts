/**
 * The Term Halo that `halo up` and the demo deploy through the Halo Factory (src/devnet/termHalo.ts):
 * - it is the factory's: the class and the unit are the factory's clones at their predicted
 *   addresses, their metadata events carry the hashes of the artifacts rendered before
 *   deploying, and the factory holds no role on anything it deployed;
 * - keeps the facility's roles inside the cascade (issue 12, finding 7): the facility's admin
 *   is the BEAMTimeLock, not GovOps, so a stolen GovOps key cannot hand itself the claimer
 *   role; the funding keys are the principal and the interest key;
 * - makes every reverse key finite (finding 4): paired reverse paths refund their forward key,
 *   so with a reverse key at MAX a relayer could round-trip the PSM bounded only by gas; the
 *   devnet's swap inits stop round trips at DEVNET_SWAP_LIMIT_USDS a day.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { keccak256, toHex } from 'viem'
import { attestationRegistryAbi, controllerAbi, nfatFacilityAbi, rateLimitsAbi, usdcAbi, usdsAbi } from '../../src/chain/generated/index.js'
import { attestationSleeveKey } from '../../src/chain/attestation.js'
import { DEVNET_SWAP_LIMIT_USDS as REVERSE_KEY_MAX_USDS, DEVNET_UNIT_CAPACITY_USDS, deployTermHaloByFactory, type TermHaloDeployment } from '../../src/devnet/termHalo.js'
import { artifactHash } from '../../src/factory/artifact.js'
import { readFactoryDeployments } from '../../src/factory/reader.js'
import { haloFactoryAbi } from '../../src/chain/generated/index.js'
import { LIMIT, UNLIMITED, rateLimitKey } from '../../src/domain/rateLimits.js'
import { slopeWithinDailyMax } from '../../src/domain/sorl.js'
import { useDevnet, type Devnet } from '../fixtures/devnet.js'

const ADMIN = `0x${'00'.repeat(32)}` as const
const CLAIMER = keccak256(toHex('NFAT_CLAIMER'))
const WRITE_DOWN = keccak256(toHex('NFAT_WRITE_DOWN'))
const PAUSER = keccak256(toHex('NFAT_PAUSER'))
const DAY = 86_400n

let devnet: Devnet
let halo: TermHaloDeployment

beforeAll(async () => {
  devnet = await useDevnet()
  halo = await deployTermHaloByFactory(devnet, { accounts: devnet.accounts, offRamp: devnet.accounts.bob.address })
}, 120_000)

const limitOf = async (key: `0x${string}`) => {
  const [maxAmount, slope] = await devnet.publicClient.readContract({ address: halo.pau.rateLimits, abi: rateLimitsAbi, functionName: 'getRateLimitData', args: [key] })
  return { maxAmount, slope }
}

describe('devnet Term Halo: deployed by the Halo Factory', () => {
  it('class and unit are the factory\'s, their metadata carries the hashes of the rendered artifacts, and the factory holds no role', async () => {
    const { classes, units } = await readFactoryDeployments({ publicClient: devnet.publicClient, factory: halo.factory.factory, fromBlock: halo.fromBlock, finalityDepth: 0 })
    expect(classes.map((c) => [c.pau, c.controller, c.rateLimits, c.artifactHash])).toEqual([[halo.almProxy.toLowerCase(), halo.pau.controller.toLowerCase(), halo.pau.rateLimits.toLowerCase(), artifactHash(halo.artifacts.halo)]])
    expect(units.map((u) => [u.unit, u.pau, u.firstTokenId, u.artifactHash])).toEqual([[halo.facility.toLowerCase(), halo.almProxy.toLowerCase(), '42', artifactHash(halo.artifacts.unit)]])
    expect(halo.artifacts.unit).toContain(halo.facility.toLowerCase()) // rendered from the predicted address
    expect(await devnet.publicClient.readContract({ address: halo.factory.factory, abi: haloFactoryAbi, functionName: 'classOfUnit', args: [halo.facility] })).toBe(halo.almProxy)
    for (const contract of [halo.almProxy, halo.pau.controller, halo.pau.rateLimits, halo.facility]) {
      for (const role of [ADMIN, CLAIMER, WRITE_DOWN, PAUSER]) {
        const held = await devnet.publicClient.readContract({ address: contract, abi: nfatFacilityAbi, functionName: 'hasRole', args: [role, halo.factory.factory] })
        expect(held).toBe(false)
      }
    }
  })
})

describe('devnet Term Halo: facility roles in the cascade', () => {
  const hasRole = (role: `0x${string}`, who: `0x${string}`) =>
    devnet.publicClient.readContract({ address: halo.facility, abi: nfatFacilityAbi, functionName: 'hasRole', args: [role, who] })

  it('a stolen GovOps key cannot grant itself the claimer role on the halo up facility: its admin is the BEAMTimeLock', async () => {
    const { govOps, attacker, relayer, freezer } = devnet.accounts
    expect(await hasRole(ADMIN, halo.configuratorUnit.timelock)).toBe(true)
    expect(await hasRole(ADMIN, govOps.address)).toBe(false)
    await expect(devnet.write(govOps, { address: halo.facility, abi: nfatFacilityAbi, functionName: 'grantRole', args: [CLAIMER, attacker.address] })).rejects.toThrow(/AccessControlUnauthorizedAccount/)
    expect(await hasRole(CLAIMER, attacker.address)).toBe(false)
    expect([await hasRole(CLAIMER, relayer.address), await hasRole(WRITE_DOWN, govOps.address), await hasRole(PAUSER, freezer.address)]).toEqual([true, true, true])
  })

  it('funding is open on the two keys, principal and interest, at the unit capacity, and nothing else', async () => {
    expect(halo.rateLimitKeys).toMatchObject({ fundPrincipal: rateLimitKey(LIMIT.REDEEM_FUND_PRINCIPAL, halo.facility), fundInterest: rateLimitKey(LIMIT.REDEEM_FUND_INTEREST, halo.facility) })
    for (const key of [halo.rateLimitKeys.claim, halo.rateLimitKeys.fundPrincipal, halo.rateLimitKeys.fundInterest]) expect(await limitOf(key)).toEqual({ maxAmount: DEVNET_UNIT_CAPACITY_USDS, slope: DEVNET_UNIT_CAPACITY_USDS / DAY })
    expect((await limitOf(halo.rateLimitKeys.offRamp)).maxAmount).toBe(UNLIMITED)
    expect(Object.keys(halo.rateLimitKeys).sort()).toEqual(['claim', 'fundInterest', 'fundPrincipal', 'offRamp', 'usdcToUsds', 'usdsToUsdc'])
  })
})

describe('devnet Term Halo: the attestation registry is wired', () => {
  it('the Controller gates on the deployed registry, lpha-attest is its only attestor and the aBEAM can revoke', async () => {
    const { attestor, relayer, govOps, aBEAM } = devnet.accounts
    const read = (functionName: 'isAttestor' | 'hasRole', args: readonly unknown[]) =>
      devnet.publicClient.readContract({ address: halo.attestationRegistry, abi: attestationRegistryAbi, functionName, args } as never) as Promise<boolean>
    expect(await devnet.publicClient.readContract({ address: halo.pau.controller, abi: controllerAbi, functionName: 'attestationRegistry' })).toBe(halo.attestationRegistry)
    expect([await read('isAttestor', [attestor.address]), await read('isAttestor', [relayer.address]), await read('isAttestor', [govOps.address])]).toEqual([true, false, false])
    const aBEAMRole = await devnet.publicClient.readContract({ address: halo.attestationRegistry, abi: attestationRegistryAbi, functionName: 'ABEAM_ROLE' })
    expect(await read('hasRole', [aBEAMRole, aBEAM.address])).toBe(true)
  })
})

describe('devnet Term Halo: the off-ramp is gated by the attestation registry', () => {
  it("lpha-nfat's key alone cannot off-ramp without an on-chain attestation", async () => {
    const { relayer, deployer, attestor } = devnet.accounts
    const snapshot = await devnet.testClient.snapshot()
    try {
      const amount = 1_000_000n * 10n ** 6n
      await devnet.write(deployer, { address: halo.usdc, abi: usdcAbi, functionName: 'mint', args: [halo.almProxy, 2n * amount] })
      const usdcOf = (who: `0x${string}`) => devnet.publicClient.readContract({ address: halo.usdc, abi: usdcAbi, functionName: 'balanceOf', args: [who] })
      const sleeve = attestationSleeveKey('sleeve-7')
      // The ungated path is closed: no LIMIT_ASSET_TRANSFER key for the off-ramp.
      expect((await limitOf(rateLimitKey(LIMIT.ASSET_TRANSFER, halo.usdc, halo.offRamp))).maxAmount).toBe(0n)
      await expect(devnet.write(relayer, { address: halo.pau.controller, abi: controllerAbi, functionName: 'transferAsset', args: [halo.usdc, halo.offRamp, amount] })).rejects.toThrow()
      // The gated path needs a current PRE_DEPLOYMENT record by lpha-attest's key.
      await expect(devnet.write(relayer, { address: halo.pau.controller, abi: controllerAbi, functionName: 'transferForSleeve', args: [sleeve, 1n, halo.usdc, halo.offRamp, amount] })).rejects.toThrow(/NoCurrentAttestation/)
      // ...which lpha-nfat's key cannot make itself.
      await expect(devnet.write(relayer, { address: halo.attestationRegistry, abi: attestationRegistryAbi, functionName: 'record', args: [sleeve, 0, 1n, keccak256(toHex('content')), amount] })).rejects.toThrow(/NotAttestor/)
      expect([await usdcOf(halo.almProxy), await usdcOf(halo.offRamp)]).toEqual([2n * amount, 0n])
      // With lpha-attest's record the same call goes through, within the attested amount.
      await devnet.write(attestor, { address: halo.attestationRegistry, abi: attestationRegistryAbi, functionName: 'record', args: [sleeve, 0, 1n, keccak256(toHex('content')), amount] })
      await expect(devnet.write(relayer, { address: halo.pau.controller, abi: controllerAbi, functionName: 'transferForSleeve', args: [sleeve, 1n, halo.usdc, halo.offRamp, amount + 1n] })).rejects.toThrow(/Exceed|Attest/)
      await devnet.write(relayer, { address: halo.pau.controller, abi: controllerAbi, functionName: 'transferForSleeve', args: [sleeve, 1n, halo.usdc, halo.offRamp, amount] })
      expect([await usdcOf(halo.almProxy), await usdcOf(halo.offRamp)]).toEqual([amount, amount])
    } finally {
      await devnet.testClient.revert({ id: snapshot })
    }
  })
})

describe('devnet Term Halo: reverse keys are finite', () => {
  it('every reverse key is finite and refills at most its max per day', async () => {
    const reverse = await limitOf(halo.rateLimitKeys.usdcToUsds)
    expect(reverse).toEqual({ maxAmount: REVERSE_KEY_MAX_USDS, slope: REVERSE_KEY_MAX_USDS / DAY })
    expect(reverse.maxAmount).not.toBe(UNLIMITED)
    expect(slopeWithinDailyMax(reverse.maxAmount, reverse.slope)).toBe(true)
  })

  it('PSM round trips by a relayer stop at the reverse key: at most 1B USDS back per day', async () => {
    const { relayer, deployer } = devnet.accounts
    const trip = (REVERSE_KEY_MAX_USDS * 6n) / 10n // 600M
    await devnet.write(deployer, { address: halo.usds, abi: usdsAbi, functionName: 'mint', args: [halo.almProxy, trip] })
    await devnet.increaseTime(DAY) // the reverse key started empty; a day fills it
    const relay = (functionName: 'swapUSDSToUSDC' | 'swapUSDCToUSDS', amount: bigint) =>
      devnet.write(relayer, { address: halo.pau.controller, abi: controllerAbi, functionName, args: [amount] })
    await relay('swapUSDSToUSDC', trip)
    await relay('swapUSDCToUSDS', trip / 10n ** 12n)
    await relay('swapUSDSToUSDC', trip)
    // The second trip back needs 600M of the 400M (plus seconds of refill) left today.
    await expect(relay('swapUSDCToUSDS', trip / 10n ** 12n)).rejects.toThrow(/RateLimitExceeded/)
  })
})
