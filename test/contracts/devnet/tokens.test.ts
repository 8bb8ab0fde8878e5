import { beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { parseUnits, type Address } from 'viem'
import { psmAbi, psmBytecode, susdsAbi, susdsBytecode, usdcAbi, usdcBytecode, usdsAbi, usdsBytecode } from '../../../src/chain/generated/index.js'
import { useDevnet, type Devnet } from '../../fixtures/devnet.js'

let devnet: Devnet
let usds: Address
let usdc: Address
let psm: Address
let susds: Address

beforeAll(async () => {
  devnet = await useDevnet()
  const owner = devnet.accounts.deployer.address
  usds = await devnet.deploy({ abi: usdsAbi, bytecode: usdsBytecode }, [owner])
  usdc = await devnet.deploy({ abi: usdcAbi, bytecode: usdcBytecode }, [owner])
  psm = await devnet.deploy({ abi: psmAbi, bytecode: psmBytecode }, [usds, usdc])
  susds = await devnet.deploy({ abi: susdsAbi, bytecode: susdsBytecode }, [usds])
  const { deployer, alice } = devnet.accounts
  await devnet.write(deployer, { address: usds, abi: usdsAbi, functionName: 'mint', args: [psm, parseUnits('1000000', 18)] })
  await devnet.write(deployer, { address: usdc, abi: usdcAbi, functionName: 'mint', args: [psm, parseUnits('1000000', 6)] })
  await devnet.write(deployer, { address: usds, abi: usdsAbi, functionName: 'mint', args: [alice.address, parseUnits('1000', 18)] })
})
beforeEach(() => devnet.isolate())

const balance = (token: Address, abi: typeof usdsAbi | typeof usdcAbi, who: Address) =>
  devnet.publicClient.readContract({ address: token, abi, functionName: 'balanceOf', args: [who] })


describe('devnet tokens', () => {
  it('USDS has 18 decimals and USDC 6', async () => {
    expect(await devnet.publicClient.readContract({ address: usds, abi: usdsAbi, functionName: 'decimals' })).toBe(18)
    expect(await devnet.publicClient.readContract({ address: usdc, abi: usdcAbi, functionName: 'decimals' })).toBe(6)
  })

  it('only the devnet owner mints', async () => {
    await expect(devnet.write(devnet.accounts.attacker, { address: usds, abi: usdsAbi, functionName: 'mint', args: [devnet.accounts.attacker.address, 1n] })).rejects.toThrow(/OwnableUnauthorizedAccount/)
    expect(await balance(usds, usdsAbi, devnet.accounts.attacker.address)).toBe(0n)
  })

  it('the PSM swaps 100 USDS for exactly 100 USDC and back', async () => {
    const alice = devnet.accounts.alice.address
    await devnet.write(devnet.accounts.alice, { address: usds, abi: usdsAbi, functionName: 'approve', args: [psm, parseUnits('100', 18)] })
    await devnet.write(devnet.accounts.alice, { address: psm, abi: psmAbi, functionName: 'swapUSDSToUSDC', args: [parseUnits('100', 18)] })
    expect(await balance(usdc, usdcAbi, alice)).toBe(100_000_000n)
    expect(await balance(usds, usdsAbi, alice)).toBe(parseUnits('900', 18))
    await devnet.write(devnet.accounts.alice, { address: usdc, abi: usdcAbi, functionName: 'approve', args: [psm, 100_000_000n] })
    await devnet.write(devnet.accounts.alice, { address: psm, abi: psmAbi, functionName: 'swapUSDCToUSDS', args: [100_000_000n] })
    expect(await balance(usds, usdsAbi, alice)).toBe(parseUnits('1000', 18))
  })

  it('the PSM refuses USDS amounts that are not a multiple of 1e12 and changes nothing', async () => {
    const alice = devnet.accounts.alice.address
    await devnet.write(devnet.accounts.alice, { address: usds, abi: usdsAbi, functionName: 'approve', args: [psm, parseUnits('1', 18)] })
    await expect(devnet.write(devnet.accounts.alice, { address: psm, abi: psmAbi, functionName: 'swapUSDSToUSDC', args: [10n ** 12n + 1n] })).rejects.toThrow(/NotExactMultiple/)
    expect(await balance(usds, usdsAbi, alice)).toBe(parseUnits('1000', 18))
  })

  it('sUSDS is an ERC-4626 vault on USDS', async () => {
    const alice = devnet.accounts.alice.address
    await devnet.write(devnet.accounts.alice, { address: usds, abi: usdsAbi, functionName: 'approve', args: [susds, parseUnits('10', 18)] })
    await devnet.write(devnet.accounts.alice, { address: susds, abi: susdsAbi, functionName: 'deposit', args: [parseUnits('10', 18), alice] })
    expect(await devnet.publicClient.readContract({ address: susds, abi: susdsAbi, functionName: 'asset' })).toBe(usds)
    expect(await devnet.publicClient.readContract({ address: susds, abi: susdsAbi, functionName: 'maxWithdraw', args: [alice] })).toBe(parseUnits('10', 18))
  })

  it('snapshots isolate tests: the previous swap is gone', async () => {
    expect(await balance(usdc, usdcAbi, devnet.accounts.alice.address)).toBe(0n)
  })

  it('moves time', async () => {
    const before = await devnet.now()
    await devnet.increaseTime(18 * 3600)
    expect((await devnet.now()) - before).toBeGreaterThanOrEqual(18n * 3600n)
  })
})
