/**
 * `halo day0` (seed 002 "Factory Day-0"): passes for a healthy factory unit and fails, naming
 * each item, for a unit whose artifact misses a field and for one whose initial rate limit is
 * above the conservative bound. The claim and redemption dry runs run on an anvil fork.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import type { Address } from 'viem'
import { configuratorAbi } from '../../src/chain/generated/index.js'
import { renderUnitArtifact, artifactHash } from '../../src/factory/artifact.js'
import { deployClass, deployUnit, predictUnit, type DeployedClass, type UnitParams } from '../../src/factory/chain.js'
import { runDay0 } from '../../src/factory/day0.js'
import { LIMIT, rateLimitKey } from '../../src/domain/rateLimits.js'
import { DAY0_CONSERVATIVE_BOUND } from '../../src/domain/factory/day0.js'
import { TERM_TEMPLATE_NAME } from '../../src/factory/devnet.js'
import { useDevnet, type Devnet } from '../fixtures/devnet.js'
import { deployFactoryWorld, DAY, DELAY, M, type FactoryWorld } from '../contracts/factory/world.js'

let devnet: Devnet
let w: FactoryWorld
let cls: DeployedClass
const deployed: Record<string, { unit: Address; artifact: string }> = {}

async function deployWithArtifact(label: string, params: UnitParams, complete: boolean) {
  const { govOps, relayer, freezer } = devnet.accounts
  const salt = w.nextSalt()
  // the artifact is rendered for the predicted address, and its hash goes into the deployment
  const predicted = await predictUnit(devnet, { factory: w.factory, deployer: govOps.address, pau: cls.pau, params, salt })
  const artifact = renderUnitArtifact({
    templateName: TERM_TEMPLATE_NAME, templateVersion: 1, chainId: devnet.publicClient.chain.id, unit: predicted, pau: cls.pau,
    beaconOperator: relayer.address, freezer: freezer.address, govOps: govOps.address, ...params,
    legalRecourse: complete ? 'Senior secured claim under the facility agreement; English law; enforcement by the security trustee.' : undefined,
    migration: 'A successor facility is deployed from the next template version; holders redeem here and re-queue there.',
  })
  const { unit, timelockBatchId } = await deployUnit(devnet, { factory: w.factory, account: govOps, pau: cls.pau, params: { ...params, artifactHash: artifactHash(artifact) }, salt })
  expect(unit).toBe(predicted)
  deployed[label] = { unit, artifact }
  return timelockBatchId
}

beforeAll(async () => {
  devnet = await useDevnet()
  w = await deployFactoryWorld(devnet)
  const { govOps, relayer } = devnet.accounts
  await w.approveTemplate()
  cls = await deployClass(devnet, { factory: w.factory, account: govOps, templateId: w.templateId, params: w.classParams(), salt: w.nextSalt() })
  const batches = [
    await deployWithArtifact('healthy', w.unitParams(0), true),
    await deployWithArtifact('incomplete', w.unitParams(1), false),
    await deployWithArtifact('aboveBound', w.unitParams(2, { capacity: M(30n), buyboxMaxTicket: M(30n) }), true),
  ]
  await devnet.increaseTime(DELAY)
  await w.executeFactoryBatch(cls.timelockBatchId)
  for (const id of batches) await w.executeFactoryBatch(id)
  const configurator = { address: w.configurator, abi: configuratorAbi } as const
  await devnet.write(govOps, { ...configurator, functionName: 'setRelayer', args: [cls.pau, relayer.address] })
  for (const label of ['healthy', 'incomplete', 'aboveBound']) {
    const unit = deployed[label]!.unit
    const max = label === 'aboveBound' ? M(30n) : M(20n)
    for (const action of [LIMIT.NFAT_CLAIM, LIMIT.REDEEM_FUND_PRINCIPAL, LIMIT.REDEEM_FUND_INTEREST]) {
      await devnet.write(govOps, { ...configurator, functionName: 'setRateLimit', args: [cls.pau, rateLimitKey(action, unit), max, max / DAY] })
    }
  }
  await devnet.increaseTime(DAY)
})

const day0 = (label: string, artifact = deployed[label]!.artifact) =>
  runDay0({ publicClient: devnet.publicClient, rpcUrl: devnet.rpcUrl, factory: w.factory, unit: deployed[label]!.unit, artifact, reviewsSigned: 0, fromBlock: w.fromBlock })

describe('halo day0', () => {
  it('passes for a healthy unit: complete artifact with the recorded hash, beacon wired, claim and redemption dry runs, limits within the bound', async () => {
    const report = await day0('healthy')
    expect(report.failures).toEqual([])
    expect(report.ok).toBe(true)
    expect(report.notes).toEqual(['daily human review: 0 of the first 7 cycles signed off'])
    expect(report.observations.rateLimits.every((l) => l.maxAmount <= DAY0_CONSERVATIVE_BOUND)).toBe(true)
  })

  it('fails for a unit whose artifact misses its legal recourse, naming the field', async () => {
    const report = await day0('incomplete')
    expect(report.ok).toBe(false)
    expect(report.failures).toEqual([{ item: 'artifact', message: 'artifact: Legal recourse is missing or to be completed' }])
  })

  it('fails for a unit whose initial rate limits are above the conservative bound, naming each', async () => {
    const report = await day0('aboveBound')
    expect(report.ok).toBe(false)
    expect(report.failures.map((f) => f.item)).toEqual(Array(6).fill('rateLimits'))
    expect(report.failures[0]!.message).toBe(`initial rate limit claim init is ${M(30n)}, above the conservative bound ${DAY0_CONSERVATIVE_BOUND}`)
  })

  it('fails when the published artifact is not the one the deployment hashed, or names other addresses', async () => {
    const edited = deployed.healthy!.artifact.replaceAll(deployed.healthy!.unit.toLowerCase(), '0x000000000000000000000000000000000000dead')
    const report = await day0('healthy', edited)
    expect(report.failures.map((f) => f.item).sort()).toEqual(['artifact', 'artifactHash'])
  })
})
