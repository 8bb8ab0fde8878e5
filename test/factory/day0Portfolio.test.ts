/**
 * `halo day0` for a Portfolio (LCTS) unit (seed 002 "Factory Day-0"): the same gate as the Term
 * unit's, observed for a unit of a factory book. Passes for a healthy unit (artifact rendered at
 * the predicted addresses and its hash passed to deployBook; lpha-lcts wired; a subscribe → lock →
 * NAV report → settle → claim, then redeem → lock → fund → settle → claim dry run on an anvil fork);
 * fails naming the item for a unit whose artifact misses its warning signals, for a class whose
 * init rate limits are above the conservative bound, for an edited artifact, and for a unit whose
 * book's timelock batch has not run.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { keccak256, stringToHex, type Address, type Hex } from 'viem'
import { configuratorAbi, haloFactoryAbi, lctsQueueAbi, portfolioUnitTokenAbi } from '../../src/chain/generated/index.js'
import { artifactHash, renderPortfolioUnitArtifact, type PortfolioWarningSignals } from '../../src/factory/artifact.js'
import { portfolioClassOf, portfolioUnitInputOf, predictedBookSource } from '../../src/factory/artifactSource.js'
import { deployBook, deployClass, predictBook, type DeployedBook, type DeployedClass, type PortfolioBookParams, type PortfolioUnitParams } from '../../src/factory/chain.js'
import { runDay0 } from '../../src/factory/day0.js'
import { LIMIT, rateLimitKey } from '../../src/domain/rateLimits.js'
import { DAY0_CONSERVATIVE_BOUND } from '../../src/domain/factory/day0.js'
import { useDevnet, type Devnet } from '../fixtures/devnet.js'
import { deployFactoryWorld, DAY, DELAY, M, type FactoryWorld } from '../contracts/factory/world.js'

let devnet: Devnet
let w: FactoryWorld
const ZERO32 = `0x${'0'.repeat(64)}` as Hex
const manager = `0x${keccak256(stringToHex('day0 manager endpoint')).slice(26)}` as Address
const signals: PortfolioWarningSignals = { navDrop: { maxDropBps: 200 }, navReport: { maxAgeSeconds: 172_800 } }
const RECOURSE = 'Holders rank by tranche under the class agreement; English law; the security trustee enforces.'
const MIGRATION = 'A successor book is opened from the next template version; holders redeem here and subscribe there.'
const units: Record<string, { token: Address; artifact: string }> = {}

const unit = (name: string, rank: number, yieldBps: bigint): PortfolioUnitParams => ({ capacity: M(20n), rank, yieldBps, dustThreshold: 0n, name, symbol: name.slice(0, 6).toUpperCase(), artifactHash: ZERO32 })

/** Predict the book, render each unit's artifact at its addresses (signals per unit, or none), deploy with the hashes. */
async function deployBookWithArtifacts(cls: DeployedClass, params: PortfolioUnitParams[], labels: string[], withSignals: boolean[]): Promise<DeployedBook> {
  const { govOps } = devnet.accounts
  const salt = w.nextSalt()
  const draft: PortfolioBookParams = { accrualSeconds: 0n, units: params }
  const predicted = await predictBook(devnet, { factory: w.factory, deployer: govOps.address, pau: cls.pau, book: draft, salt })
  const source = predictedBookSource({ templateId: w.portfolioTemplateId, templateVersion: 1, book: draft, predicted })
  const record = await portfolioClassOf({ publicClient: devnet.publicClient, factory: w.factory, pau: cls.pau, fromBlock: w.fromBlock })
  const artifacts = params.map((_, index) =>
    renderPortfolioUnitArtifact({
      ...portfolioUnitInputOf({ cls: record, book: source, index, chainId: devnet.publicClient.chain.id, usds: w.usds, warningSignals: withSignals[index] ? signals : undefined }),
      legalRecourse: RECOURSE,
      migration: MIGRATION,
    }),
  )
  const book = await deployBook(devnet, { factory: w.factory, account: govOps, pau: cls.pau, book: { ...draft, units: params.map((u, i) => ({ ...u, artifactHash: artifactHash(artifacts[i]!) })) }, salt })
  expect(book.units).toEqual(predicted)
  labels.forEach((label, i) => (units[label] = { token: book.units[i]!.token, artifact: artifacts[i]! }))
  return book
}

beforeAll(async () => {
  devnet = await useDevnet()
  w = await deployFactoryWorld(devnet)
  const { govOps, relayer } = devnet.accounts
  await w.approveTemplate(w.portfolioTemplateId, w.portfolioTemplate)
  const deploy = (swapRateLimit: bigint) => deployClass(devnet, { factory: w.factory, account: govOps, templateId: w.portfolioTemplateId, params: w.classParams({ managerEndpoint: manager, swapRateLimit }), salt: w.nextSalt() })
  const healthy = await deploy(M(10n))
  const above = await deploy(M(30n)) // its class inits (swap and transfer keys) are 30M: above the 25M bound
  const books = [
    await deployBookWithArtifacts(healthy, [unit('Day0 Senior', 0, 500n), unit('Day0 Junior', 1, 0n)], ['healthy', 'incomplete'], [true, false]),
    await deployBookWithArtifacts(above, [unit('Day0 Above', 0, 0n)], ['aboveBound'], [true]),
  ]
  await devnet.increaseTime(DELAY)
  for (const id of [healthy.timelockBatchId, above.timelockBatchId, ...books.map((b) => b.timelockBatchId)]) await w.executeFactoryBatch(id)
  // GovOps (cBEAM): lpha-lcts relays on each class PAU; the transfer limits at 10M, within the inits
  const configurator = { address: w.configurator, abi: configuratorAbi } as const
  for (const cls of [healthy, above]) {
    await devnet.write(govOps, { ...configurator, functionName: 'setRelayer', args: [cls.pau, relayer.address] })
    for (const key of [rateLimitKey(LIMIT.ASSET_TRANSFER, w.usds, manager), rateLimitKey(LIMIT.ASSET_TRANSFER, w.usds, cls.haloClass!)]) {
      await devnet.write(govOps, { ...configurator, functionName: 'setRateLimit', args: [cls.pau, key, M(10n), M(10n) / DAY] })
    }
  }
  // a book whose timelock batch (addBook) has not run yet
  await deployBookWithArtifacts(healthy, [unit('Day0 Pending', 0, 0n)], ['pending'], [true])
  await devnet.increaseTime(DAY)
})

const classOfToken = (token: Address) => devnet.publicClient.readContract({ address: w.factory, abi: haloFactoryAbi, functionName: 'classOfUnit', args: [token] })

const day0 = (label: string, artifact = units[label]!.artifact) =>
  runDay0({ publicClient: devnet.publicClient, rpcUrl: devnet.rpcUrl, factory: w.factory, unit: units[label]!.token, artifact, reviewsSigned: 2, fromBlock: w.fromBlock })

describe('halo day0, Portfolio unit', () => {
  it('passes for a healthy unit: artifact complete with the recorded hash, lpha-lcts wired, lock/settle and redemption dry runs on a fork, inits within the bound', async () => {
    const report = await day0('healthy')
    expect(report.failures).toEqual([])
    expect(report.ok).toBe(true)
    expect(report.observations.kind).toBe('portfolio')
    expect(report.unit).toBe(units.healthy!.token)
    expect(report.notes).toEqual(['daily human review: 2 of the first 7 cycles signed off'])
    expect(report.observations.rateLimits.map((l) => [l.name, l.maxAmount])).toEqual([['transfer to manager init', M(10n)], ['transfer to manager limit', M(10n)], ['transfer to class init', M(10n)], ['transfer to class limit', M(10n)]])
    // the dry run ran on a fork: no share exists on the real chain
    expect(await devnet.publicClient.readContract({ address: units.healthy!.token, abi: portfolioUnitTokenAbi, functionName: 'totalSupply' })).toBe(0n)
  })

  it('a unit is found by either of its queues too', async () => {
    const artifact = units.healthy!.artifact
    const queue = /subscribe queue \(LCTS, USDS → shares\): (0x[0-9a-f]{40})/.exec(artifact)![1] as Address
    expect(await devnet.publicClient.readContract({ address: queue, abi: lctsQueueAbi, functionName: 'nextGenerationId' })).toBe(1n)
    const report = await runDay0({ publicClient: devnet.publicClient, rpcUrl: devnet.rpcUrl, factory: w.factory, unit: queue, artifact, reviewsSigned: 0, fromBlock: w.fromBlock })
    expect(report.unit).toBe(units.healthy!.token)
    expect(report.failures).toEqual([])
  })

  it('fails for a unit whose artifact misses its warning signals, naming the field', async () => {
    const report = await day0('incomplete')
    expect(report.ok).toBe(false)
    expect(report.failures).toEqual([{ item: 'artifact', message: 'artifact: Warning signals is missing or to be completed' }])
  })

  it('fails for a unit whose class inits are above the conservative bound, naming each', async () => {
    const report = await day0('aboveBound')
    expect(report.ok).toBe(false)
    expect(report.failures).toEqual([
      { item: 'rateLimits', message: `initial rate limit transfer to manager init is ${M(30n)}, above the conservative bound ${DAY0_CONSERVATIVE_BOUND}` },
      { item: 'rateLimits', message: `initial rate limit transfer to class init is ${M(30n)}, above the conservative bound ${DAY0_CONSERVATIVE_BOUND}` },
    ])
  })

  it('fails when the published artifact is not the one the book hashed, or names other addresses', async () => {
    const edited = units.healthy!.artifact.replaceAll(units.healthy!.token.toLowerCase(), '0x000000000000000000000000000000000000dead')
    const report = await day0('healthy', edited)
    expect(report.failures).toEqual([
      { item: 'artifact', message: 'artifact: Addresses: unit token address is missing or to be completed' },
      { item: 'artifactHash', message: expect.stringMatching(/^artifact hash 0x[0-9a-f]{64} is not the one the deployment recorded/) },
    ])
  })

  it('fails for a unit whose book is not added yet: the beacon item, and the dry runs not reached', async () => {
    const report = await day0('pending')
    expect(report.failures.map((f) => f.item)).toEqual(['beacon', 'lockSettle', 'redemption'])
    expect(report.failures[0]!.message).toBe("beacon: the unit is in no book of the PortfolioHaloClass yet (the book's timelock batch, addBook, has not run)")
  })

  // last: it changes the healthy class on chain
  it('fails the redemption dry run when lpha-lcts cannot fund the class for it (the transfer limit to the class at 0)', async () => {
    const { govOps } = devnet.accounts
    const record = await portfolioClassOf({ publicClient: devnet.publicClient, factory: w.factory, pau: (await classOfToken(units.healthy!.token)), fromBlock: w.fromBlock })
    await devnet.write(govOps, { address: w.configurator, abi: configuratorAbi, functionName: 'setRateLimit', args: [record.pau as Address, rateLimitKey(LIMIT.ASSET_TRANSFER, w.usds, record.haloClass as Address), 0n, 0n] })
    const report = await day0('healthy')
    expect(report.failures.map((f) => f.item)).toEqual(['redemption'])
    expect(report.failures[0]!.message).toMatch(/^redemption dry run: RateLimitExceeded/)
  })
})
