/**
 * Every state-changing function of BEAMTimeLock, BEAMState and Configurator, called by every
 * account that is not allowed to: each call must revert with an authorization error. The
 * list is checked against the ABIs, so a new external function cannot go untested.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { encodeFunctionData, type Abi, type Address } from 'viem'
import { beamStateAbi, beamTimeLockAbi, configuratorAbi, controllerAbi } from '../../../src/chain/generated/index.js'
import { LIMIT } from '../../../src/domain/rateLimits.js'
import type { DevnetAccountName } from '../../../src/chain/devnet.js'
import { useDevnet, type Devnet } from '../../fixtures/devnet.js'
import { deployStack, type Stack } from '../pau/stack.js'

let devnet: Devnet
let s: Stack
const ZERO = '0x0000000000000000000000000000000000000000' as const
const B32 = `0x${'0'.repeat(64)}` as const
const AUTH = /AccessControlUnauthorizedAccount|OnlyTimelock|OnlyABEAM|OnlyBrake|NotBrake|NotAccordant|TimelockUnauthorizedCaller/
const everyone: DevnetAccountName[] = ['deployer', 'council', 'aBEAM', 'govOps', 'relayer', 'freezer', 'attacker']

/** Functions that need no authorization by design. */
const OPEN = new Set([
  'renounceRole', // only ever removes the caller's own role
  'onERC721Received', // token receiver hooks of TimelockController: accept, change nothing
  'onERC1155Received',
  'onERC1155BatchReceived',
])

type Case = {
  contract: 'timelock' | 'beamState' | 'configurator'
  fn: string
  args: () => readonly unknown[]
  allowed: DevnetAccountName[]
  /** For overloaded functions: the first parameter's type picks the overload. */
  overload?: string
}

const cases: Case[] = [
  // BEAMTimeLock: aBEAMs propose/execute/cancel/pause; the Council Beacon unpauses and appoints; nobody updates the delay directly.
  { contract: 'timelock', fn: 'schedule', args: () => [s.beamState, 0n, '0x', B32, B32, 14n * 86_400n], allowed: ['aBEAM'] },
  { contract: 'timelock', fn: 'scheduleBatch', args: () => [[s.beamState], [0n], ['0x'], B32, B32, 14n * 86_400n], allowed: ['aBEAM'] },
  { contract: 'timelock', fn: 'execute', args: () => [s.beamState, 0n, '0x', B32, B32], allowed: ['aBEAM'] },
  { contract: 'timelock', fn: 'executeBatch', args: () => [[s.beamState], [0n], ['0x'], B32, B32], allowed: ['aBEAM'] },
  { contract: 'timelock', fn: 'cancel', args: () => [B32], allowed: ['aBEAM'] },
  { contract: 'timelock', fn: 'pause', args: () => [], allowed: ['aBEAM'] },
  { contract: 'timelock', fn: 'unpause', args: () => [], allowed: ['council'] },
  { contract: 'timelock', fn: 'updateDelay', args: () => [0n], allowed: [] },
  { contract: 'timelock', fn: 'grantRole', args: () => [B32, devnet.accounts.attacker.address], allowed: ['council'] },
  { contract: 'timelock', fn: 'revokeRole', args: () => [B32, devnet.accounts.council.address], allowed: ['council'] },
  // BEAMState: additions only from the timelock; removals from aBEAMs.
  { contract: 'beamState', fn: 'addGovOps', args: () => [s.pau, devnet.accounts.attacker.address], allowed: [] },
  { contract: 'beamState', fn: 'addInitRateLimits', args: () => [LIMIT.USDS_TO_USDC, ZERO, 1n, 1n], allowed: [] },
  { contract: 'beamState', fn: 'addInitControllerActions', args: () => [B32, ZERO], allowed: [], overload: 'bytes32' },
  { contract: 'beamState', fn: 'addInitControllerActions', args: () => ['0x1234', ZERO], allowed: [], overload: 'bytes' },
  { contract: 'beamState', fn: 'delGovOps', args: () => [s.pau, devnet.accounts.govOps.address], allowed: ['aBEAM'] },
  { contract: 'beamState', fn: 'delAllGovOps', args: () => [s.pau], allowed: ['aBEAM'] }, // and the Configurator (BRAKE_ROLE), tested in brake.test.ts
  { contract: 'beamState', fn: 'delInitRateLimits', args: () => [LIMIT.USDS_TO_USDC, ZERO], allowed: ['aBEAM'] },
  { contract: 'beamState', fn: 'delInitControllerActions', args: () => [B32, ZERO], allowed: ['aBEAM'] },
  { contract: 'beamState', fn: 'grantRole', args: () => [B32, devnet.accounts.attacker.address], allowed: ['council'] },
  { contract: 'beamState', fn: 'revokeRole', args: () => [B32, devnet.accounts.council.address], allowed: ['council'] },
  // Configurator: registration, freezers, resume and SORL parameters from the timelock; unregistering from aBEAMs;
  // the brake and removals also from the Council Beacon; additions from the accordant GovOps.
  { contract: 'configurator', fn: 'setPauContracts', args: () => [s.pau, s.controller, s.rateLimits], allowed: [] },
  { contract: 'configurator', fn: 'file', args: () => ['0x686f700000000000000000000000000000000000000000000000000000000000', 1n], allowed: [] },
  { contract: 'configurator', fn: 'removePauContracts', args: () => [s.pau], allowed: ['aBEAM'] },
  { contract: 'configurator', fn: 'stop', args: () => [s.pau], allowed: ['aBEAM', 'council'] },
  { contract: 'configurator', fn: 'resume', args: () => [s.pau], allowed: [] },
  // A decrease (here to 0) is also a removal-class action: GovOps or any brake holder.
  { contract: 'configurator', fn: 'setRateLimit', args: () => [s.pau, LIMIT.USDS_TO_USDC, 0n, 0n], allowed: ['govOps', 'aBEAM', 'council'] },
  { contract: 'configurator', fn: 'removeRateLimit', args: () => [s.pau, LIMIT.USDS_TO_USDC], allowed: ['govOps', 'aBEAM', 'council'] },
  { contract: 'configurator', fn: 'callControllerAction', args: () => [s.pau, encodeFunctionData({ abi: controllerAbi, functionName: 'setMaxSlippage', args: [ZERO, 1n] })], allowed: ['govOps'] },
  { contract: 'configurator', fn: 'setRelayer', args: () => [s.pau, devnet.accounts.attacker.address], allowed: ['govOps'] },
  { contract: 'configurator', fn: 'removeRelayer', args: () => [s.pau, devnet.accounts.relayer.address], allowed: ['govOps', 'aBEAM', 'council'] },
  // Freezers are an aBEAM power: added through the timelock, removed instantly; GovOps can do neither.
  { contract: 'configurator', fn: 'setFreezer', args: () => [s.pau, devnet.accounts.attacker.address], allowed: [] },
  { contract: 'configurator', fn: 'removeFreezer', args: () => [s.pau, devnet.accounts.freezer.address], allowed: ['aBEAM', 'council'] },
  // RateLimits controllers (a factory unit's NFAT Facility): added through the timelock, removed instantly.
  { contract: 'configurator', fn: 'addRateLimitsController', args: () => [s.pau, devnet.accounts.attacker.address], allowed: [] },
  { contract: 'configurator', fn: 'removeRateLimitsController', args: () => [s.pau, s.controller], allowed: ['aBEAM', 'council'] },
  { contract: 'configurator', fn: 'grantRole', args: () => [B32, devnet.accounts.attacker.address], allowed: ['council'] },
  { contract: 'configurator', fn: 'revokeRole', args: () => [B32, devnet.accounts.council.address], allowed: ['council'] },
]

const abis: Record<Case['contract'], Abi> = { timelock: beamTimeLockAbi, beamState: beamStateAbi, configurator: configuratorAbi }
const address = (c: Case['contract']): Address => ({ timelock: s.timelock, beamState: s.beamState, configurator: s.configurator })[c]

beforeAll(async () => {
  devnet = await useDevnet()
  s = await deployStack(devnet)
  await s.onboard()
})

describe('Configurator Unit access control', () => {
  it('the case list covers every state-changing function in the ABIs', () => {
    for (const [contract, abi] of Object.entries(abis)) {
      const external = abi
        .filter((item) => item.type === 'function' && item.stateMutability !== 'view' && item.stateMutability !== 'pure')
        .map((item) => (item as { name: string }).name)
        .filter((name) => !OPEN.has(name))
      const covered = new Set(cases.filter((c) => c.contract === contract).map((c) => c.fn))
      expect(external.filter((name) => !covered.has(name)), contract).toEqual([])
    }
  })

  for (const c of cases) {
    it(`${c.contract}.${c.fn} refuses everyone but ${c.allowed.join(', ') || 'the timelock itself'}`, async () => {
      for (const name of everyone.filter((n) => !c.allowed.includes(n))) {
        const abi = c.overload ? abis[c.contract].filter((item) => item.type !== 'function' || item.name !== c.fn || item.inputs[0]?.type === c.overload) : abis[c.contract]
        const call = devnet.write(devnet.accounts[name], { address: address(c.contract), abi, functionName: c.fn, args: c.args() } as never)
        await expect(call, `${c.fn} by ${name}`).rejects.toThrow(AUTH)
      }
    })
  }

  it('cBEAM is per PAU: GovOps accordant to one PAU cannot touch another', async () => {
    const other = devnet.accounts.alice.address // an unregistered PAU id GovOps is not accordant to
    await expect(devnet.write(devnet.accounts.govOps, { address: s.configurator, abi: configuratorAbi, functionName: 'setRelayer', args: [other, devnet.accounts.govOps.address] })).rejects.toThrow(/NotAccordant/)
  })
})
