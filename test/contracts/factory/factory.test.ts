/**
 * HaloFactory and HaloTemplateRegistry: template approval through the BEAMTimeLock, clones at
 * predicted CREATE2 addresses, one timelock batch per deployment, no role left with the
 * factory, and every refusal by its named error (a refused call changes nothing).
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { getAddress, type Abi, type Address, type Hex } from 'viem'
import {
  almProxyAbi,
  almProxyBytecode,
  beamTimeLockAbi,
  configuratorAbi,
  controllerAbi,
  controllerBytecode,
  haloFactoryAbi,
  haloTemplateRegistryAbi,
  nfatFacilityAbi,
  nfatFacilityBytecode,
  rateLimitsAbi,
  rateLimitsBytecode,
} from '../../../src/chain/generated/index.js'
import { executeCall } from '../../../src/chain/timelock.js'
import { classArgs, deployClass, deployUnit, predictClass, predictUnit, templateIdOf, type ClassAddresses } from '../../../src/factory/chain.js'
import { LIMIT, rateLimitKey } from '../../../src/domain/rateLimits.js'
import { useDevnet, type Devnet } from '../../fixtures/devnet.js'
import { deployFactoryWorld, DAY, DELAY, M, type FactoryWorld } from './world.js'
import { expectRoles } from './roles.js'

let devnet: Devnet
let w: FactoryWorld

beforeAll(async () => {
  devnet = await useDevnet()
  w = await deployFactoryWorld(devnet)
})
beforeEach(() => devnet.isolate())

function read<T>(address: Address, abi: Abi, functionName: string, args: readonly unknown[] = []): Promise<T> {
  return devnet.publicClient.readContract({ address, abi, functionName, args } as never) as Promise<T>
}

async function deployTermClass(salt: Hex = w.nextSalt()) {
  const params = w.classParams()
  const predicted = await predictClass(devnet, { factory: w.factory, deployer: devnet.accounts.govOps.address, templateId: w.templateId, params, salt })
  const deployed = await deployClass(devnet, { factory: w.factory, account: devnet.accounts.govOps, templateId: w.templateId, params, salt })
  return { params, predicted, deployed, salt }
}

async function expectClassRoles(c: ClassAddresses, phase: 'deployed' | 'registered', units: Address[] = []) {
  const { timelock, configurator } = w
  const { freezer } = devnet.accounts
  await expectRoles(devnet, c.pau, { admin: [timelock], controller: [c.controller] }, 'ALMProxy')
  await expectRoles(devnet, c.rateLimits, { admin: [configurator], controller: [c.controller, ...units] }, 'RateLimits')
  await expectRoles(devnet, c.controller, phase === 'deployed' ? { admin: [configurator] } : { admin: [configurator], freezer: [freezer.address] }, 'Controller')
}

async function expectUnitRoles(unit: Address, pau: Address) {
  const { relayer, freezer, govOps } = devnet.accounts
  await expectRoles(devnet, unit, { admin: [w.timelock], claimer: [relayer.address], funder: [pau], pauser: [freezer.address], writeDown: [govOps.address] }, 'NFATFacility')
}

describe('template approval', () => {
  it('an unapproved template is refused (TemplateNotApproved), also while its approval waits in the timelock', async () => {
    const params = w.classParams()
    const deploy = () => devnet.write(devnet.accounts.govOps, { address: w.factory, abi: haloFactoryAbi, functionName: 'deployClass', args: [w.templateId, classArgs(params), w.nextSalt()] })
    await expect(deploy()).rejects.toThrow(/TemplateNotApproved/)
    const call = await w.scheduleTemplate(w.templateId, w.template)
    await expect(deploy()).rejects.toThrow(/TemplateNotApproved/)
    // a template used before its timelock expired: the approval cannot even execute yet
    await devnet.increaseTime(DELAY - 60n)
    await expect(executeCall(devnet, { timelock: w.timelock, executor: devnet.accounts.aBEAM, call })).rejects.toThrow(/TimelockUnexpectedOperationState/)
    await expect(deploy()).rejects.toThrow(/TemplateNotApproved/)
    await devnet.increaseTime(60n)
    await executeCall(devnet, { timelock: w.timelock, executor: devnet.accounts.aBEAM, call })
    await deploy()
  })

  it('a changed template is a new version; removal is instant by an aBEAM and refuses the next deployment', async () => {
    await w.approveTemplate()
    const [, v1] = await read<[unknown, bigint]>(w.registry, haloTemplateRegistryAbi, 'activeTemplate', [w.templateId])
    expect(v1).toBe(1n)
    await w.approveTemplate(w.templateId, { ...w.template, yieldBps: { min: 0n, max: 1_000n } })
    const [t, v2] = await read<[{ yieldBps: { max: bigint } }, bigint]>(w.registry, haloTemplateRegistryAbi, 'activeTemplate', [w.templateId])
    expect([v2, t.yieldBps.max]).toEqual([2n, 1_000n])
    await devnet.write(devnet.accounts.aBEAM, { address: w.registry, abi: haloTemplateRegistryAbi, functionName: 'removeTemplate', args: [w.templateId] })
    await expect(deployClass(devnet, { factory: w.factory, account: devnet.accounts.govOps, templateId: w.templateId, params: w.classParams(), salt: w.nextSalt() })).rejects.toThrow(/TemplateNotApproved/)
  })

  it('a template with a range min above its max, an empty shape or an implementation without code is refused', async () => {
    const bad = [
      { ...w.template, unitCapacity: { min: 2n, max: 1n } },
      { ...w.template, classContracts: 4 },
      { ...w.template, implementations: [...w.template.implementations.slice(0, 3), devnet.accounts.attacker.address] },
    ]
    for (const t of bad) {
      const call = await w.scheduleTemplate(w.templateId, t)
      await devnet.increaseTime(DELAY)
      await expect(executeCall(devnet, { timelock: w.timelock, executor: devnet.accounts.aBEAM, call })).rejects.toThrow(/InvalidRange|InvalidTemplateShape|NoCode/)
    }
  })
})

describe('class deployment', () => {
  beforeEach(() => w.approveTemplate())

  it('clones land at the predicted addresses, hold the intended roles (the factory none) and the batch registers the PAU after the delay', async () => {
    const { predicted, deployed } = await deployTermClass()
    expect({ pau: deployed.pau, controller: deployed.controller, rateLimits: deployed.rateLimits }).toEqual(predicted)
    await expectClassRoles(deployed, 'deployed')
    expect(await w.pauRegistered(deployed.pau)).toBe(false)
    await expect(w.executeFactoryBatch(deployed.timelockBatchId)).rejects.toThrow(/TimelockUnexpectedOperationState/)
    await devnet.increaseTime(DELAY)
    await w.executeFactoryBatch(deployed.timelockBatchId)
    expect(await w.pauRegistered(deployed.pau)).toBe(true)
    expect(await w.initOf(LIMIT.USDS_TO_USDC, deployed.pau)).toEqual([M(10n), M(10n) / DAY])
    expect(await w.initOf(LIMIT.USDC_TO_USDS, deployed.pau)).toEqual([M(10n), M(10n) / DAY])
    expect(await read(w.beamState, [{ type: 'function', name: 'isGovOps', stateMutability: 'view', inputs: [{ type: 'address' }, { type: 'address' }], outputs: [{ type: 'bool' }] }], 'isGovOps', [deployed.pau, devnet.accounts.govOps.address])).toBe(true)
    await expectClassRoles(deployed, 'registered')
    // the clone's configuration is its immutable args
    expect(await read(deployed.controller, controllerAbi, 'proxy')).toBe(deployed.pau)
    expect(await read(deployed.controller, controllerAbi, 'rateLimits')).toBe(deployed.rateLimits)
    expect(await read(deployed.controller, controllerAbi, 'rescueRecipient')).toBe(w.timelock)
    expect(await read(deployed.controller, controllerAbi, 'usds')).toBe(w.usds)
  })

  it('a reused salt is refused (SaltAlreadyUsed) and changes nothing', async () => {
    const { salt } = await deployTermClass()
    const block = await devnet.publicClient.getBlockNumber()
    await expect(deployTermClass(salt)).rejects.toThrow(/SaltAlreadyUsed/)
    expect(await devnet.publicClient.getBlockNumber()).toBe(block)
  })

  it('nobody can take or front-run a deployer’s addresses: the same params and salt from another caller land elsewhere', async () => {
    const salt = w.nextSalt()
    const params = w.classParams()
    const victim = await predictClass(devnet, { factory: w.factory, deployer: devnet.accounts.govOps.address, templateId: w.templateId, params, salt })
    const squat = await deployClass(devnet, { factory: w.factory, account: devnet.accounts.attacker, templateId: w.templateId, params, salt })
    expect(squat.pau).not.toBe(victim.pau)
    const real = await deployClass(devnet, { factory: w.factory, account: devnet.accounts.govOps, templateId: w.templateId, params, salt })
    expect(real.pau).toBe(victim.pau)
  })

  it('out-of-range class parameters are refused (ParameterOutOfRange)', async () => {
    for (const swapRateLimit of [M(1n) - 1n, M(50n) + 1n]) {
      await expect(deployClass(devnet, { factory: w.factory, account: devnet.accounts.govOps, templateId: w.templateId, params: w.classParams({ swapRateLimit }), salt: w.nextSalt() })).rejects.toThrow(/ParameterOutOfRange/)
    }
    await expect(deployClass(devnet, { factory: w.factory, account: devnet.accounts.govOps, templateId: w.templateId, params: w.classParams({ freezer: '0x0000000000000000000000000000000000000000' }), salt: w.nextSalt() })).rejects.toThrow(/ZeroAddress/)
  })

  it('a clone cannot be initialised a second time (InvalidInitialization), not even by its admin, nor can an implementation', async () => {
    const { deployed } = await deployTermClass()
    const { attacker } = devnet.accounts
    for (const as of [attacker, devnet.accounts.govOps]) {
      await expect(devnet.write(as, { address: deployed.pau, abi: almProxyAbi, functionName: 'initialize', args: [as.address, as.address] })).rejects.toThrow(/InvalidInitialization/)
      await expect(devnet.write(as, { address: deployed.rateLimits, abi: rateLimitsAbi, functionName: 'initialize', args: [as.address, as.address] })).rejects.toThrow(/InvalidInitialization/)
      await expect(devnet.write(as, { address: deployed.controller, abi: controllerAbi, functionName: 'initialize', args: [as.address] })).rejects.toThrow(/InvalidInitialization/)
    }
    const impl = w.implementations
    await expect(devnet.write(attacker, { address: impl.almProxy, abi: almProxyAbi, functionName: 'initialize', args: [attacker.address, attacker.address] })).rejects.toThrow(/InvalidInitialization/)
    await expect(devnet.write(attacker, { address: impl.controller, abi: controllerAbi, functionName: 'initialize', args: [attacker.address] })).rejects.toThrow(/InvalidInitialization/)
  })
})

describe('unit deployment', () => {
  let pau: Address
  let classBatch: Hex
  beforeEach(async () => {
    await w.approveTemplate()
    const { deployed } = await deployTermClass()
    pau = deployed.pau
    classBatch = deployed.timelockBatchId
  })

  it('a unit is an NFAT Facility clone at its predicted address with the intended roles; its batch waits for the class batch, then adds the facility and its inits', async () => {
    const params = w.unitParams(0)
    const salt = w.nextSalt()
    const predicted = await predictUnit(devnet, { factory: w.factory, deployer: devnet.accounts.govOps.address, pau, params, salt })
    const { unit, timelockBatchId } = await deployUnit(devnet, { factory: w.factory, account: devnet.accounts.govOps, pau, params, salt })
    expect(unit).toBe(predicted)
    await expectUnitRoles(unit, pau)
    expect(await read(unit, nfatFacilityAbi, 'name')).toBe('Term Halo Unit 0')
    expect(await read(unit, nfatFacilityAbi, 'nextTokenId')).toBe(1_000n)
    expect(await read(unit, nfatFacilityAbi, 'almProxy')).toBe(pau)
    expect(await read(unit, nfatFacilityAbi, 'claimRateLimitKey')).toBe(rateLimitKey(LIMIT.NFAT_CLAIM, unit))
    await devnet.increaseTime(DELAY)
    // the unit batch's predecessor is the class batch
    await expect(w.executeFactoryBatch(timelockBatchId)).rejects.toThrow(/TimelockUnexecutedPredecessor/)
    await w.executeFactoryBatch(classBatch)
    await w.executeFactoryBatch(timelockBatchId)
    expect(await w.initOf(rateLimitKey(LIMIT.NFAT_CLAIM, unit), pau)).toEqual([M(20n), M(20n) / DAY])
    const rateLimits = (await read<{ rateLimits: Address }>(w.factory, haloFactoryAbi, 'classOf', [pau])).rateLimits
    await expectClassRoles({ pau, controller: (await read<{ controller: Address }>(w.factory, haloFactoryAbi, 'classOf', [pau])).controller, rateLimits }, 'registered', [unit])
    await expectUnitRoles(unit, pau)
  })

  it('out-of-range unit parameters are refused (ParameterOutOfRange) for each bounded field', async () => {
    const bad = [
      { capacity: M(100n) + 1n },
      { capacity: M(1n) - 1n },
      { seniority: 4n },
      { yieldBps: 2_001n },
      { termSeconds: 29n * DAY },
      { buyboxMinTicket: 0n },
      { buyboxMaxTicket: M(100n) + 1n },
      { buyboxMinTicket: M(5n), buyboxMaxTicket: M(4n) },
    ]
    for (const overrides of bad) {
      await expect(deployUnit(devnet, { factory: w.factory, account: devnet.accounts.govOps, pau, params: w.unitParams(0, overrides), salt: w.nextSalt() }), JSON.stringify(overrides, (_, v) => (typeof v === 'bigint' ? String(v) : v))).rejects.toThrow(/ParameterOutOfRange/)
    }
  })

  it('only the class’s GovOps adds units (NotClassGovOps); an unknown class is refused (UnknownClass)', async () => {
    for (const name of ['deployer', 'council', 'aBEAM', 'relayer', 'freezer', 'attacker'] as const) {
      await expect(deployUnit(devnet, { factory: w.factory, account: devnet.accounts[name], pau, params: w.unitParams(0), salt: w.nextSalt() }), name).rejects.toThrow(/NotClassGovOps/)
    }
    await expect(deployUnit(devnet, { factory: w.factory, account: devnet.accounts.govOps, pau: devnet.accounts.attacker.address, params: w.unitParams(0), salt: w.nextSalt() })).rejects.toThrow(/UnknownClass/)
  })

  it('a unit clone cannot be initialised again (InvalidInitialization) and a reused unit salt is refused (SaltAlreadyUsed)', async () => {
    const salt = w.nextSalt()
    const { unit } = await deployUnit(devnet, { factory: w.factory, account: devnet.accounts.govOps, pau, params: w.unitParams(0), salt })
    const a = devnet.accounts.attacker.address
    for (const as of [devnet.accounts.attacker, devnet.accounts.govOps]) {
      await expect(devnet.write(as, { address: unit, abi: nfatFacilityAbi, functionName: 'initialize', args: [{ admin: a, claimer: a, funder: a, pauser: a, writeDowner: a, name: 'x', symbol: 'x' }] })).rejects.toThrow(/InvalidInitialization/)
    }
    await expect(deployUnit(devnet, { factory: w.factory, account: devnet.accounts.govOps, pau, params: w.unitParams(0), salt })).rejects.toThrow(/SaltAlreadyUsed/)
  })
})

describe('access control', () => {
  const everyone = ['deployer', 'council', 'aBEAM', 'govOps', 'relayer', 'freezer', 'attacker'] as const
  const B32 = `0x${'0'.repeat(64)}` as const

  it('registry: setTemplate only through the timelock; removeTemplate and registerInventory only by an aBEAM; roles only by the Council Beacon', async () => {
    await w.approveTemplate()
    for (const name of everyone) {
      const as = devnet.accounts[name]
      await expect(devnet.write(as, { address: w.registry, abi: haloTemplateRegistryAbi, functionName: 'setTemplate', args: [w.templateId, w.template] }), name).rejects.toThrow(/OnlyTimelock/)
      if (name !== 'aBEAM') {
        await expect(devnet.write(as, { address: w.registry, abi: haloTemplateRegistryAbi, functionName: 'removeTemplate', args: [w.templateId] }), name).rejects.toThrow(/OnlyABEAM/)
        await expect(devnet.write(as, { address: w.registry, abi: haloTemplateRegistryAbi, functionName: 'registerInventory', args: [B32, w.templateId, true, [w.implementations.nfatFacility], as.address, 'x', B32] }), name).rejects.toThrow(/OnlyABEAM/)
      }
      if (name !== 'council') {
        await expect(devnet.write(as, { address: w.registry, abi: haloTemplateRegistryAbi, functionName: 'grantRole', args: [B32, as.address] }), name).rejects.toThrow(/AccessControlUnauthorizedAccount/)
        await expect(devnet.write(as, { address: w.registry, abi: haloTemplateRegistryAbi, functionName: 'revokeRole', args: [B32, devnet.accounts.council.address] }), name).rejects.toThrow(/AccessControlUnauthorizedAccount/)
      }
    }
  })

  it('factory: deployClass is open to any caller by design (the salt binds the caller; an aBEAM executes or cancels its batch), deployUnit only to the class’s GovOps (above)', async () => {
    await w.approveTemplate()
    for (const name of everyone) {
      await deployClass(devnet, { factory: w.factory, account: devnet.accounts[name], templateId: w.templateId, params: w.classParams(), salt: w.nextSalt() })
    }
  })

  it('the cases above cover every state-changing function of HaloFactory and HaloTemplateRegistry', () => {
    const covered: Record<string, string[]> = { HaloFactory: ['deployClass', 'deployUnit', 'deployBook' /* GovOps only: test/factory/portfolioClass.test.ts */], HaloTemplateRegistry: ['setTemplate', 'removeTemplate', 'registerInventory', 'grantRole', 'revokeRole'] }
    for (const [name, abi] of Object.entries({ HaloFactory: haloFactoryAbi as Abi, HaloTemplateRegistry: haloTemplateRegistryAbi as Abi })) {
      const external = abi
        .filter((item) => item.type === 'function' && item.stateMutability !== 'view' && item.stateMutability !== 'pure')
        .map((item) => (item as { name: string }).name)
        .filter((fn) => fn !== 'renounceRole')
      expect(external.filter((fn) => !covered[name]!.includes(fn)), name).toEqual([])
    }
  })

  it('the factory holds only PROPOSER (with the CANCELLER and PAUSER it carries) on the timelock, and no role on the Configurator Unit', async () => {
    const roles = ['PROPOSER_ROLE', 'CANCELLER_ROLE', 'PAUSER_ROLE', 'EXECUTOR_ROLE', 'DEFAULT_ADMIN_ROLE'] as const
    const held: string[] = []
    for (const r of roles) {
      const role = await read<Hex>(w.timelock, beamTimeLockAbi, r)
      if (await read<boolean>(w.timelock, beamTimeLockAbi, 'hasRole', [role, w.factory])) held.push(r)
    }
    expect(held).toEqual(['PROPOSER_ROLE', 'CANCELLER_ROLE', 'PAUSER_ROLE'])
    for (const address of [w.configurator, w.beamState, w.registry]) {
      for (const r of ['DEFAULT_ADMIN_ROLE', 'ABEAM_ROLE'] as const) {
        const role = await read<Hex>(address, configuratorAbi, r)
        expect(await read<boolean>(address, configuratorAbi, 'hasRole', [role, w.factory])).toBe(false)
      }
    }
  })
})

describe('pre-factory inventory', () => {
  beforeEach(() => w.approveTemplate())
  const link = 'https://artifacts.example/halo/manual-term'

  async function manualClass() {
    const { deployer } = devnet.accounts
    const rateLimits = await devnet.deploy({ abi: rateLimitsAbi, bytecode: rateLimitsBytecode }, [deployer.address])
    const proxy = await devnet.deploy({ abi: almProxyAbi, bytecode: almProxyBytecode }, [deployer.address])
    const controller = await devnet.deploy({ abi: controllerAbi, bytecode: controllerBytecode }, [deployer.address, proxy, rateLimits, w.usds, w.usdc, w.psm, w.timelock])
    return { proxy, controller, rateLimits }
  }

  const register = (entry: string, isUnit: boolean, contracts: Address[]) =>
    devnet.write(devnet.accounts.aBEAM, { address: w.registry, abi: haloTemplateRegistryAbi, functionName: 'registerInventory', args: [templateIdOf(entry), w.templateId, isUnit, contracts, devnet.accounts.relayer.address, link, templateIdOf('artifact')] })
  const entryOf = (entry: string) => read<{ conforming: boolean; contracts: Address[]; artifactUri: string; beaconOperator: Address }>(w.registry, haloTemplateRegistryAbi, 'inventoryOf', [templateIdOf(entry)])

  it('a hand-deployed class (constructors, other arguments) registers as conforming, with its addresses, beacon operator and artifact link', async () => {
    const c = await manualClass()
    await register('manual-class', false, [c.proxy, c.controller, c.rateLimits])
    const entry = await entryOf('manual-class')
    expect(entry.conforming).toBe(true)
    expect(entry.contracts).toEqual([c.proxy, c.controller, c.rateLimits])
    expect([entry.artifactUri, entry.beaconOperator]).toEqual([link, devnet.accounts.relayer.address])
    await expect(register('manual-class', false, [c.proxy, c.controller, c.rateLimits])).rejects.toThrow(/InventoryEntryExists/)
  })

  it('one with altered code (one byte of the Controller changed) registers as non-conforming; a wrong shape is refused', async () => {
    const c = await manualClass()
    const code = (await devnet.publicClient.getCode({ address: c.controller }))!
    const bytes = code.slice(2)
    // flip a byte in the middle of the code, outside any immutable
    const at = 200
    const flipped = `${bytes.slice(0, at * 2)}${(parseInt(bytes.slice(at * 2, at * 2 + 2), 16) ^ 0xff).toString(16).padStart(2, '0')}${bytes.slice(at * 2 + 2)}`
    const altered = getAddress('0x00000000000000000000000000000000a17e4ed0')
    await devnet.testClient.setCode({ address: altered, bytecode: `0x${flipped}` })
    await register('altered-class', false, [c.proxy, altered, c.rateLimits])
    expect((await entryOf('altered-class')).conforming).toBe(false)
    await expect(register('short', false, [c.proxy, c.controller])).rejects.toThrow(/InventoryShapeMismatch/)
  })

  it('a hand-deployed NFAT Facility registers as a conforming unit; a Controller in its place does not', async () => {
    const c = await manualClass()
    const d = devnet.accounts.deployer.address
    const facility = await devnet.deploy({ abi: nfatFacilityAbi, bytecode: nfatFacilityBytecode }, [{ usds: w.usds, almProxy: c.proxy, admin: d, claimer: d, funder: d, pauser: d, writeDowner: d, name: 'Manual', symbol: 'M', firstTokenId: 7n, rateLimits: c.rateLimits }])
    await register('manual-unit', true, [facility])
    expect((await entryOf('manual-unit')).conforming).toBe(true)
    await register('wrong-unit', true, [c.controller])
    expect((await entryOf('wrong-unit')).conforming).toBe(false)
  })
})
