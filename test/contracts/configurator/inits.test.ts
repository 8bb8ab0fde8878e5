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
import { deployStack, usd, type Stack } from '../pau/stack.js'

let devnet: Devnet
let s: Stack
let pauB: Awaited<ReturnType<typeof deployPau>>
const ZERO = '0x0000000000000000000000000000000000000000' as const

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
    await s.timelocked(s.addInit(offRamp, usd('1000'), usd('1'), s.pau))
    await setOn(s.pau, offRamp, usd('1000'), usd('1'))
    await expect(setOn(pauB.pau, offRamp, usd('1000'), usd('1'))).rejects.toThrow(/InitNotFound/)
  })

  it('a global init serves every PAU; a restricted one overrides it for its PAU', async () => {
    const vault = rateLimitKey(LIMIT.ERC4626_DEPOSIT, s.susds)
    await s.timelocked(s.addInit(vault, usd('10000000'), usd('115000')), s.addInit(vault, usd('1000000'), usd('11500'), s.pau))
    await setOn(pauB.pau, vault, usd('10000000'), usd('115000'))
    await expect(setOn(s.pau, vault, usd('10000000'), usd('115000'))).rejects.toThrow(/SorlExceeded/)
    await setOn(s.pau, vault, usd('1000000'), usd('11500'))
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

  it('a PAU that is not registered cannot be configured', async () => {
    await devnet.write(devnet.accounts.aBEAM, { address: s.configurator, abi: configuratorAbi, functionName: 'removePauContracts', args: [pauB.pau] })
    await expect(setOn(pauB.pau, LIMIT.USDS_TO_USDC, 0n, 0n)).rejects.toThrow(/PauNotRegistered/)
  })
})
