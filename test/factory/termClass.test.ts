/**
 * Issue 15 "Done when", Term side: with no deployment code but the factory (assets and the
 * Configurator Unit are the chain it deploys into), a Term class with three units lands at
 * its predicted addresses, the Synome ingests the metadata (finality-aware, replayable), the
 * timelock batches register the PAU and add the inits, and the NFAT flow
 * (deposit → claim → fund → redeem) runs against the factory-deployed unit. The onboarding
 * sequence of docs/factory.md is counted in transactions and chain time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { privateKeyToAccount } from 'viem/accounts'
import type { Address, Hex } from 'viem'
import { configuratorAbi, controllerAbi, nfatFacilityAbi, usdsAbi } from '../../src/chain/generated/index.js'
import { deployClass, deployUnit, predictClass, predictUnit, type DeployedClass, type DeployedUnit, type UnitParams } from '../../src/factory/chain.js'
import { ingestFactoryEvents } from '../../src/factory/ingest.js'
import { readFactoryDeployments } from '../../src/factory/reader.js'
import { FACTORY_COMMANDS } from '../../src/synome/commands/factory/index.js'
import { FACTORY_CLASS, FACTORY_UNIT, type FactoryUnitRecord } from '../../src/synome/commands/factory/records.js'
import { createInProcessClient, createSynome, type SynomeService } from '../../src/synome/index.js'
import { LIMIT, rateLimitKey } from '../../src/domain/rateLimits.js'
import { useDevnet, type Devnet } from '../fixtures/devnet.js'
import { deployFactoryWorld, DAY, DELAY, M, type FactoryWorld } from '../contracts/factory/world.js'
import { expectRoles } from '../contracts/factory/roles.js'

let devnet: Devnet
let w: FactoryWorld
let synome: SynomeService
const council = privateKeyToAccount('0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d') // anvil #1 (the devnet council)

let termClass: DeployedClass
let units: DeployedUnit[] = []
let unitParams: UnitParams[] = []
let onboarding: { txs: number; chainSeconds: bigint; timelockSeconds: bigint }

async function txsBetween(fromBlock: bigint, toBlock: bigint): Promise<number> {
  let count = 0
  for (let b = fromBlock; b <= toBlock; b++) {
    const n = (await devnet.publicClient.getBlock({ blockNumber: b })).transactions.length
    if (process.env.DEBUG_TXS) console.log(b, n)
    count += n
  }
  return count
}

beforeAll(async () => {
  devnet = await useDevnet()
  w = await deployFactoryWorld(devnet)
  synome = await createSynome({ dataDir: null, commands: [...FACTORY_COMMANDS], roles: [{ address: council.address, role: 'council', haloClasses: [] }], freshness: false })
  const { govOps, aBEAM, relayer, alice } = devnet.accounts

  // ---- the onboarding sequence of docs/factory.md, from template approval to a Prime's first deposit
  const startBlock = (await devnet.publicClient.getBlockNumber({ cacheTime: 0 })) + 1n
  const startTime = await devnet.now()
  await w.approveTemplate() // 1-2: aBEAM schedules setTemplate, executes it after the delay
  const salt = w.nextSalt()
  const params = w.classParams()
  const predicted = await predictClass(devnet, { factory: w.factory, deployer: govOps.address, templateId: w.templateId, params, salt })
  termClass = await deployClass(devnet, { factory: w.factory, account: govOps, templateId: w.templateId, params, salt }) // 3
  expect({ pau: termClass.pau, controller: termClass.controller, rateLimits: termClass.rateLimits }).toEqual(predicted)
  unitParams = [0, 1, 2].map((i) => w.unitParams(i))
  for (const p of unitParams) {
    const unitSalt = w.nextSalt()
    const expected = await predictUnit(devnet, { factory: w.factory, deployer: govOps.address, pau: termClass.pau, params: p, salt: unitSalt })
    const unit = await deployUnit(devnet, { factory: w.factory, account: govOps, pau: termClass.pau, params: p, salt: unitSalt }) // 4 (×3)
    expect(unit.unit).toBe(expected)
    units.push(unit)
  }
  await devnet.increaseTime(DELAY)
  await w.executeFactoryBatch(termClass.timelockBatchId) // 5: aBEAM
  for (const unit of units) await w.executeFactoryBatch(unit.timelockBatchId) // 6: aBEAM (×3)
  const configurator = { address: w.configurator, abi: configuratorAbi } as const
  await devnet.write(govOps, { ...configurator, functionName: 'setRelayer', args: [termClass.pau, relayer.address] }) // 7: GovOps
  const unit0 = units[0]!.unit
  for (const key of [rateLimitKey(LIMIT.NFAT_CLAIM, unit0), rateLimitKey(LIMIT.REDEEM_FUND_PRINCIPAL, unit0), rateLimitKey(LIMIT.REDEEM_FUND_INTEREST, unit0)]) {
    await devnet.write(govOps, { ...configurator, functionName: 'setRateLimit', args: [termClass.pau, key, M(20n), M(20n) / DAY] }) // 8: GovOps (×3)
  }
  await devnet.write(devnet.accounts.deployer, { address: w.usds, abi: usdsAbi, functionName: 'mint', args: [alice.address, M(10n)] }) // devnet faucet, not onboarding
  const faucetBlock = await devnet.publicClient.getBlockNumber({ cacheTime: 0 })
  await devnet.write(alice, { address: w.usds, abi: usdsAbi, functionName: 'approve', args: [unit0, M(10n)] }) // 9: Prime
  await devnet.write(alice, { address: unit0, abi: nfatFacilityAbi, functionName: 'deposit', args: [M(10n)] }) // 10: Prime's first deposit
  const endBlock = await devnet.publicClient.getBlockNumber({ cacheTime: 0 })
  onboarding = {
    txs: (await txsBetween(startBlock, endBlock)) - (await txsBetween(faucetBlock, faucetBlock)),
    chainSeconds: (await devnet.now()) - startTime,
    timelockSeconds: 2n * DELAY,
  }
  console.log(`onboarding (template approval → Prime's first deposit): ${onboarding.txs} transactions, ${onboarding.chainSeconds} s chain time (${onboarding.timelockSeconds} s of it the two timelock delays; ${onboarding.chainSeconds - onboarding.timelockSeconds} s aside from them)`)
})
afterAll(() => synome?.close())

describe('a Term class with three units, deployed by the factory alone', () => {
  it('onboarding from template approval to the first deposit is 16 transactions; aside from the two timelock delays it takes seconds of chain time', () => {
    // approve (2) + class (1) + units (3) + batches (1 + 3) + relayer (1) + limits (3) + approve and deposit (2)
    expect(onboarding.txs).toBe(16)
    expect(onboarding.chainSeconds - onboarding.timelockSeconds).toBeLessThan(120n)
  })

  it('the PAU is registered, GovOps accordant, the freezer set and every unit’s inits exist after the timelock delay', async () => {
    expect(await w.pauRegistered(termClass.pau)).toBe(true)
    for (const [i, unit] of units.entries()) {
      const capacity = unitParams[i]!.capacity
      for (const action of [LIMIT.NFAT_CLAIM, LIMIT.REDEEM_FUND_PRINCIPAL, LIMIT.REDEEM_FUND_INTEREST]) {
        expect(await w.initOf(rateLimitKey(action, unit.unit), termClass.pau)).toEqual([capacity, capacity / DAY])
      }
    }
    const { freezer, relayer, govOps } = devnet.accounts
    await expectRoles(devnet, termClass.controller, { admin: [w.configurator], freezer: [freezer.address], relayer: [relayer.address] }, 'Controller')
    await expectRoles(devnet, termClass.rateLimits, { admin: [w.configurator], controller: [termClass.controller, ...units.map((u) => u.unit)] }, 'RateLimits')
    await expectRoles(devnet, termClass.pau, { admin: [w.timelock], controller: [termClass.controller] }, 'ALMProxy')
    for (const unit of units) {
      await expectRoles(devnet, unit.unit, { admin: [w.timelock], claimer: [relayer.address], funder: [termClass.pau], pauser: [freezer.address], writeDown: [govOps.address] }, 'NFATFacility')
    }
  })

  it('the NFAT flow runs against the factory-deployed unit: deposit → claim → fund → redeem', async () => {
    const { relayer, alice } = devnet.accounts
    const unit = units[0]!.unit
    await devnet.increaseTime(DAY) // a new limit starts empty and fills at its slope: a day to its max
    const balance = (account: Address) => devnet.publicClient.readContract({ address: w.usds, abi: usdsAbi, functionName: 'balanceOf', args: [account] })
    await devnet.write(relayer, { address: unit, abi: nfatFacilityAbi, functionName: 'claim', args: [alice.address, M(10n)] })
    expect(await balance(termClass.pau)).toBe(M(10n))
    const tokenId = 1_000n
    expect(await devnet.publicClient.readContract({ address: unit, abi: nfatFacilityAbi, functionName: 'ownerOf', args: [tokenId] })).toBe(alice.address)
    const interest = M(10n) / 25n // 0.4M
    await devnet.write(devnet.accounts.deployer, { address: w.usds, abi: usdsAbi, functionName: 'mint', args: [termClass.pau, interest] })
    await devnet.write(relayer, { address: termClass.controller, abi: controllerAbi, functionName: 'fundRedeem', args: [unit, tokenId, M(10n), interest] })
    await devnet.write(alice, { address: unit, abi: nfatFacilityAbi, functionName: 'redeem', args: [tokenId] })
    expect(await balance(alice.address)).toBe(M(10n) + interest)
    expect(await balance(termClass.pau)).toBe(0n)
  })
})

describe('ingestion into the Synome', () => {
  it('reads only final logs, records the class and its three units, and a replay from block 0 writes nothing', async () => {
    const writer = createInProcessClient({ service: synome, account: council })
    const head = await devnet.publicClient.getBlockNumber({ cacheTime: 0 })
    const deep = await readFactoryDeployments({ publicClient: devnet.publicClient, factory: w.factory, fromBlock: 0n, finalityDepth: Number(head - units[1]!.blockNumber) + 1 })
    expect([deep.classes.length, deep.units.length]).toEqual([1, 1]) // units 2 and 3 are not deep enough yet
    const first = await ingestFactoryEvents({ publicClient: devnet.publicClient, synome: writer, factory: w.factory, fromBlock: 0n, finalityDepth: 2 })
    expect(first).toMatchObject({ classes: 1, units: 3, written: 4 })
    const position = (await synome.head()).position
    const again = await ingestFactoryEvents({ publicClient: devnet.publicClient, synome: writer, factory: w.factory, fromBlock: 0n, finalityDepth: 2 })
    expect(again.written).toBe(0)
    expect((await synome.head()).position).toBe(position)
    const cls = await synome.get(FACTORY_CLASS, termClass.pau.toLowerCase())
    expect(cls.data).toMatchObject({ controller: termClass.controller.toLowerCase(), rateLimits: termClass.rateLimits.toLowerCase(), templateVersion: 1, beaconOperator: devnet.accounts.relayer.address.toLowerCase() })
    const listed = await synome.list<FactoryUnitRecord>({ type: FACTORY_UNIT, limit: 10 })
    expect(listed.items.map((r) => r.data.unit).sort()).toEqual(units.map((u) => u.unit.toLowerCase()).sort())
    expect(listed.items.find((r) => r.data.unit === units[0]!.unit.toLowerCase())!.data).toMatchObject({ capacity: String(M(20n)), firstTokenId: '1000', name: 'Term Halo Unit 0', artifactHash: unitParams[0]!.artifactHash.toLowerCase() as Hex })
  })
})
