/**
 * Finding 4 of issue 12: paired reverse paths refund their forward key, so with a reverse key
 * at MAX a relayer can round-trip the PSM bounded only by gas. The Term Halo's deploy defaults
 * keep the Spark-compatible refund but make the reverse key finite: round trips stop at
 * REVERSE_KEY_MAX_USDS per day.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { controllerAbi, rateLimitsAbi, usdsAbi } from '../../src/chain/generated/index.js'
import { UNLIMITED } from '../../src/domain/rateLimits.js'
import { slopeWithinDailyMax } from '../../src/domain/sorl.js'
import { REVERSE_KEY_MAX_USDS, deployTermHalo, type TermHaloDeployment } from '../../src/devnet/deployTermHalo.js'
import { useDevnet, type Devnet } from '../fixtures/devnet.js'

let devnet: Devnet
let d: TermHaloDeployment
const DAY = 86_400n

beforeAll(async () => {
  devnet = await useDevnet()
  d = await deployTermHalo(devnet, { accounts: devnet.accounts, offRamp: devnet.accounts.bob.address })
}, 120_000)

const limitOf = async (key: `0x${string}`) => {
  const [maxAmount, slope] = await devnet.publicClient.readContract({ address: d.pau.rateLimits, abi: rateLimitsAbi, functionName: 'getRateLimitData', args: [key] })
  return { maxAmount, slope }
}

describe('Term Halo deploy defaults', () => {
  it('every reverse key is finite and refills at most its max per day', async () => {
    const reverse = await limitOf(d.rateLimitKeys.usdcToUsds!)
    expect(reverse).toEqual({ maxAmount: REVERSE_KEY_MAX_USDS, slope: REVERSE_KEY_MAX_USDS / DAY })
    expect(reverse.maxAmount).not.toBe(UNLIMITED)
    expect(slopeWithinDailyMax(reverse.maxAmount, reverse.slope)).toBe(true)
  })

  it('PSM round trips by a relayer stop at the reverse key: at most 1B USDS back per day', async () => {
    const { relayer, deployer } = devnet.accounts
    const trip = REVERSE_KEY_MAX_USDS * 6n / 10n // 600M
    await devnet.write(deployer, { address: d.usds, abi: usdsAbi, functionName: 'mint', args: [d.almProxy, trip] })
    await devnet.increaseTime(DAY) // the reverse key started empty; a day fills it
    const relay = (functionName: 'swapUSDSToUSDC' | 'swapUSDCToUSDS', amount: bigint) =>
      devnet.write(relayer, { address: d.pau.controller, abi: controllerAbi, functionName, args: [amount] })
    await relay('swapUSDSToUSDC', trip)
    await relay('swapUSDCToUSDS', trip / 10n ** 12n)
    await relay('swapUSDSToUSDC', trip)
    // The second trip back needs 600M of the 400M (plus seconds of refill) left today.
    await expect(relay('swapUSDCToUSDS', trip / 10n ** 12n)).rejects.toThrow(/RateLimitExceeded/)
  })
})
