/**
 * The Term Halo that `halo up` and the demo deploy (src/devnet/deployTermHalo.ts) keeps the
 * facility's roles inside the cascade (issue 12, finding 7): the facility's admin is the
 * BEAMTimeLock, not GovOps, so a stolen GovOps key cannot hand itself the claimer role; the
 * funding keys are the principal and the interest key.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { keccak256, toHex } from 'viem'
import { nfatFacilityAbi, rateLimitsAbi } from '../../src/chain/generated/index.js'
import { deployTermHalo, type TermHaloDeployment } from '../../src/devnet/deployTermHalo.js'
import { LIMIT, UNLIMITED, rateLimitKey } from '../../src/domain/rateLimits.js'
import { useDevnet, type Devnet } from '../fixtures/devnet.js'

const ADMIN = `0x${'00'.repeat(32)}` as const
const CLAIMER = keccak256(toHex('NFAT_CLAIMER'))
const WRITE_DOWN = keccak256(toHex('NFAT_WRITE_DOWN'))
const PAUSER = keccak256(toHex('NFAT_PAUSER'))

let devnet: Devnet
let halo: TermHaloDeployment

beforeAll(async () => {
  devnet = await useDevnet()
  halo = await deployTermHalo(devnet, { accounts: devnet.accounts, offRamp: devnet.accounts.bob.address })
}, 120_000)

describe('deployTermHalo: facility roles in the cascade', () => {
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

  it('funding is open on the two keys, principal and interest, and nothing else', async () => {
    expect(halo.rateLimitKeys).toMatchObject({ fundPrincipal: rateLimitKey(LIMIT.REDEEM_FUND_PRINCIPAL, halo.facility), fundInterest: rateLimitKey(LIMIT.REDEEM_FUND_INTEREST, halo.facility) })
    for (const key of [halo.rateLimitKeys.fundPrincipal!, halo.rateLimitKeys.fundInterest!]) {
      const [maxAmount] = await devnet.publicClient.readContract({ address: halo.pau.rateLimits, abi: rateLimitsAbi, functionName: 'getRateLimitData', args: [key] })
      expect(maxAmount).toBe(UNLIMITED)
    }
    expect(Object.keys(halo.rateLimitKeys).sort()).toEqual(['claim', 'fundInterest', 'fundPrincipal', 'offRamp', 'usdcToUsds', 'usdsToUsdc'])
  })
})
