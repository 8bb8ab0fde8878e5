/**
 * Inits: global (pau = 0) or restricted to one PAU, and exact controller-action inits.
 * Two PAUs under one Configurator, the same GovOps accordant to both.
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { encodeFunctionData, keccak256, parseUnits, type Address } from 'viem'
import { deployPau } from '../../../src/chain/deploy/deployPau.js'
import { beamStateAbi, configuratorAbi, controllerAbi } from '../../../src/chain/generated/index.js'
import { encodeCall } from '../../../src/chain/timelock.js'
import { LIMIT, rateLimitKey } from '../../../src/domain/rateLimits.js'
import { useDevnet, type Devnet } from '../../fixtures/devnet.js'
import { HOP, deployStack, usd, type Stack } from '../pau/stack.js'

let devnet: Devnet
let s: Stack
let pauB: Awaited<ReturnType<typeof deployPau>>
const ZERO = '0x0000000000000000000000000000000000000000' as const
const DAY = 86_400n

beforeAll(async () => {
  devnet = await useDevnet()
  s = await deployStack(devnet)
  await s.onboard()
  pauB = await deployPau(devnet, { deployer: devnet.accounts.deployer, configurator: s.configurator, proxyAdmin: s.timelock, usds: s.usds, usdc: s.usdc, psm: s.psm })
  await s.timelocked(
    encodeCall(s.configurator, { abi: configuratorAbi, functionName: 'setPauContracts', args: [pauB.pau, pauB.controller, pauB.rateLimits] }),
    encodeCall(s.beamState, { abi: beamStateAbi, functionName: 'addGovOps', args: [pauB.pau, devnet.accounts.govOps.address] }),
  )
})
beforeEach(() => devnet.isolate())

const setOn = (pau: Address, key: `0x${string}`, max: bigint, slope: bigint) =>
  devnet.write(devnet.accounts.govOps, { address: s.configurator, abi: configuratorAbi, functionName: 'setRateLimit', args: [pau, key, max, slope] })

describe('inits', () => {
  it('a restricted init serves only its PAU (a limited onboarding, e.g. a KYC’d off-ramp)', async () => {
    const offRamp = rateLimitKey(LIMIT.ASSET_TRANSFER, s.usdc, devnet.accounts.bob.address)
    const perDay = usd('1000') / DAY
    await s.timelocked(s.addInit(offRamp, usd('1000'), perDay, s.pau))
    await setOn(s.pau, offRamp, usd('1000'), perDay)
    await expect(setOn(pauB.pau, offRamp, usd('1000'), perDay)).rejects.toThrow(/InitNotFound/)
  })

  it('a global init serves every PAU; a restricted one overrides it for its PAU', async () => {
    const vault = rateLimitKey(LIMIT.ERC4626_DEPOSIT, s.susds)
    const [big, small] = [usd('10000000'), usd('1000000')]
    await s.timelocked(s.addInit(vault, big, big / DAY), s.addInit(vault, small, small / DAY, s.pau))
    await setOn(pauB.pau, vault, big, big / DAY)
    await expect(setOn(s.pau, vault, big, big / DAY)).rejects.toThrow(/SorlExceeded/)
    await setOn(s.pau, vault, small, small / DAY)
  })

  it('controller actions run only with their exact approved calldata', async () => {
    const approved = encodeFunctionData({ abi: controllerAbi, functionName: 'setMaxSlippage', args: [s.susds, parseUnits('0.999', 18)] })
    const other = encodeFunctionData({ abi: controllerAbi, functionName: 'setMaxSlippage', args: [s.susds, 1n] })
    await s.timelocked(encodeCall(s.beamState, { abi: beamStateAbi, functionName: 'addInitControllerActions', args: [approved, ZERO] }))
    const call = (pau: Address, data: `0x${string}`) =>
      devnet.write(devnet.accounts.govOps, { address: s.configurator, abi: configuratorAbi, functionName: 'callControllerAction', args: [pau, data] })
    await expect(call(s.pau, other)).rejects.toThrow(/ControllerActionNotEnabled/)
    await call(s.pau, approved)
    await call(pauB.pau, approved)
    expect(await devnet.publicClient.readContract({ address: pauB.controller, abi: controllerAbi, functionName: 'maxSlippages', args: [s.susds] })).toBe(parseUnits('0.999', 18))
    // The key is the calldata's hash; the aBEAM removes it instantly.
    expect(await devnet.publicClient.readContract({ address: s.beamState, abi: beamStateAbi, functionName: 'isControllerActionEnabled', args: [keccak256(approved), pauB.pau] })).toBe(true)
    await devnet.write(devnet.accounts.aBEAM, { address: s.beamState, abi: beamStateAbi, functionName: 'delInitControllerActions', args: [keccak256(approved), ZERO] })
    await expect(call(s.pau, approved)).rejects.toThrow(/ControllerActionNotEnabled/)
  })

  it('an unregistered PAU takes decreases (also from the aBEAM) but no increase, even from a re-added GovOps', async () => {
    const { aBEAM, govOps } = devnet.accounts
    await s.timelocked(s.addInit(LIMIT.USDS_TO_USDC, usd('1000'), usd('1000') / DAY))
    await setOn(pauB.pau, LIMIT.USDS_TO_USDC, usd('1000'), usd('1000') / DAY)
    await devnet.write(aBEAM, { address: s.configurator, abi: configuratorAbi, functionName: 'removePauContracts', args: [pauB.pau] })
    await devnet.write(aBEAM, { address: s.configurator, abi: configuratorAbi, functionName: 'setRateLimit', args: [pauB.pau, LIMIT.USDS_TO_USDC, 0n, 0n] })
    await s.timelocked(encodeCall(s.beamState, { abi: beamStateAbi, functionName: 'addGovOps', args: [pauB.pau, govOps.address] }))
    await expect(setOn(pauB.pau, LIMIT.USDS_TO_USDC, 1n, 0n)).rejects.toThrow(/PauNotRegistered/)
    // A PAU id never registered is unknown to every call.
    await expect(devnet.write(aBEAM, { address: s.configurator, abi: configuratorAbi, functionName: 'setRateLimit', args: [devnet.accounts.alice.address, LIMIT.USDS_TO_USDC, 0n, 0n] })).rejects.toThrow(/PauNotRegistered/)
  })
})

describe('SORL per RateLimits, not per PAU id (finding 5)', () => {
  it('one RateLimits registered under two PAU ids no longer grows 1.25² per hop', async () => {
    const alias = devnet.accounts.alice.address // a second PAU id for pauB's contracts
    const key = LIMIT.USDS_TO_USDC
    const irl = usd('100000')
    await s.timelocked(
      encodeCall(s.configurator, { abi: configuratorAbi, functionName: 'setPauContracts', args: [alias, pauB.controller, pauB.rateLimits] }),
      encodeCall(s.beamState, { abi: beamStateAbi, functionName: 'addGovOps', args: [alias, devnet.accounts.govOps.address] }),
      s.addInit(key, irl, irl / DAY),
    )
    const t0 = (await devnet.now()) + 10n
    await devnet.setNextBlockTimestamp(t0)
    await setOn(pauB.pau, key, irl, irl / DAY)
    await devnet.setNextBlockTimestamp(t0 + HOP)
    await setOn(pauB.pau, key, (irl * 125n) / 100n, irl / DAY)
    // The second id shares the cooldown: no second +25% in the same hop.
    await expect(setOn(alias, key, (irl * 15625n) / 10000n, irl / DAY)).rejects.toThrow(/SorlCooldown/)
    expect(await devnet.publicClient.readContract({ address: s.configurator, abi: configuratorAbi, functionName: 'lastIncrease', args: [pauB.rateLimits, key] })).toBe(t0 + HOP)
  })

  it('setPauContracts refuses a RateLimits the Controller does not consume', async () => {
    const wrong = encodeCall(s.configurator, { abi: configuratorAbi, functionName: 'setPauContracts', args: [devnet.accounts.alice.address, pauB.controller, s.rateLimits] })
    await expect(s.timelocked(wrong)).rejects.toThrow(/RateLimitsMismatch/)
  })
})
