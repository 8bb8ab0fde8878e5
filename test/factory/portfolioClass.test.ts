/**
 * Issue 15 "Done when", Portfolio side: with no deployment code but the factory, a Portfolio
 * class (PAU + PortfolioHaloClass) and a book with a senior and a junior unit (token + LCTS
 * queue pair each) land at their predicted addresses; after the timelock delay the PAU is
 * registered with lpha-lcts's inits and the book exists; every role of every contract has
 * its intended holder and the factory none; an LCTS subscribe → lock → settle → NAV report →
 * redeem flow runs against the factory-deployed units; the Synome ingests the class and the
 * book (finality-aware, replayable, refusing what does not fit). The onboarding sequence
 * (template approval → a Prime's first subscription) is counted in transactions and chain time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { privateKeyToAccount } from 'viem/accounts'
import { keccak256, stringToHex, type Address, type Hex } from 'viem'
import { configuratorAbi, controllerAbi, haloFactoryAbi, lctsQueueAbi, portfolioHaloClassAbi, portfolioUnitTokenAbi, usdsAbi } from '../../src/chain/generated/index.js'
import { deployBook, deployClass, predictBook, predictClass, type DeployedBook, type DeployedClass, type PortfolioBookParams } from '../../src/factory/chain.js'
import { readChainBook } from '../../src/chain/portfolio.js'
import { ingestFactoryEvents, portfolioBookOf, portfolioClassName, type WarningSignals } from '../../src/factory/ingest.js'
import { FactoryError } from '../../src/factory/errors.js'
import { readFactoryDeployments } from '../../src/factory/reader.js'
import { FACTORY_COMMANDS } from '../../src/synome/commands/factory/index.js'
import { FACTORY_BOOK, FACTORY_CLASS, factoryBookId, type FactoryBookRecord } from '../../src/synome/commands/factory/records.js'
import { PORTFOLIO_BOOK, PORTFOLIO_CLASS, PORTFOLIO_COMMANDS, PORTFOLIO_UNIT } from '../../src/synome/commands/portfolio/index.js'
import { createInProcessClient, createSynome, type SynomeService } from '../../src/synome/index.js'
import { LIMIT, rateLimitKey } from '../../src/domain/rateLimits.js'
import { useDevnet, type Devnet } from '../fixtures/devnet.js'
import { deployFactoryWorld, DAY, DELAY, M, USDS, type FactoryWorld } from '../contracts/factory/world.js'
import { expectRoles } from '../contracts/factory/roles.js'

let devnet: Devnet
let w: FactoryWorld
let cls: DeployedClass
let book: DeployedBook
const synomes: SynomeService[] = []
const council = privateKeyToAccount('0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d') // anvil #1 (the devnet council)
let onboarding: { txs: number; chainSeconds: bigint; timelockSeconds: bigint }
const manager = `0x${keccak256(stringToHex('portfolio manager endpoint')).slice(26)}` as Address
const SETTLER = keccak256(stringToHex('PORTFOLIO_SETTLER'))
const LCTS_PBEAM = keccak256(stringToHex('LCTS_PBEAM'))

const bookParams: PortfolioBookParams = {
  accrualSeconds: 0n,
  units: [
    { capacity: M(80n), rank: 0, yieldBps: 500n, dustThreshold: 0n, name: 'Portfolio Senior', symbol: 'PF-SR', artifactHash: keccak256(stringToHex('senior artifact')) },
    { capacity: M(20n), rank: 1, yieldBps: 0n, dustThreshold: 0n, name: 'Portfolio Junior', symbol: 'PF-JR', artifactHash: keccak256(stringToHex('junior artifact')) },
  ],
}

async function txsBetween(fromBlock: bigint, toBlock: bigint): Promise<number> {
  let count = 0
  for (let b = fromBlock; b <= toBlock; b++) count += (await devnet.publicClient.getBlock({ blockNumber: b })).transactions.length
  return count
}

const balance = (token: Address, who: Address) => devnet.publicClient.readContract({ address: token, abi: usdsAbi, functionName: 'balanceOf', args: [who] })

beforeAll(async () => {
  devnet = await useDevnet()
  w = await deployFactoryWorld(devnet)
  const { govOps, relayer, alice } = devnet.accounts
  const startBlock = (await devnet.publicClient.getBlockNumber({ cacheTime: 0 })) + 1n
  const startTime = await devnet.now()
  await w.approveTemplate(w.portfolioTemplateId, w.portfolioTemplate) // 1-2: aBEAM schedules setTemplate, executes it after the delay
  const params = w.classParams({ managerEndpoint: manager })
  const salt = w.nextSalt()
  const predicted = await predictClass(devnet, { factory: w.factory, deployer: govOps.address, templateId: w.portfolioTemplateId, params, salt })
  cls = await deployClass(devnet, { factory: w.factory, account: govOps, templateId: w.portfolioTemplateId, params, salt }) // 3
  expect({ pau: cls.pau, controller: cls.controller, rateLimits: cls.rateLimits, haloClass: cls.haloClass }).toEqual(predicted)
  expect(predicted.haloClass).toMatch(/^0x/)
  const bookSalt = w.nextSalt()
  const expectedUnits = await predictBook(devnet, { factory: w.factory, deployer: govOps.address, pau: cls.pau, book: bookParams, salt: bookSalt })
  book = await deployBook(devnet, { factory: w.factory, account: govOps, pau: cls.pau, book: bookParams, salt: bookSalt }) // 4
  expect(book.units).toEqual(expectedUnits)
  await devnet.increaseTime(DELAY)
  await w.executeFactoryBatch(cls.timelockBatchId) // 5: aBEAM
  await w.executeFactoryBatch(book.timelockBatchId) // 6: aBEAM
  const senior = book.units[0]!
  await devnet.write(devnet.accounts.deployer, { address: w.usds, abi: usdsAbi, functionName: 'mint', args: [alice.address, M(1n)] }) // devnet faucet, not onboarding
  const faucetBlock = await devnet.publicClient.getBlockNumber({ cacheTime: 0 })
  await devnet.write(alice, { address: w.usds, abi: usdsAbi, functionName: 'approve', args: [senior.subscribeQueue, 800n * USDS] }) // 7: Prime
  await devnet.write(alice, { address: senior.subscribeQueue, abi: lctsQueueAbi, functionName: 'deposit', args: [800n * USDS] }) // 8: Prime's first subscription
  const endBlock = await devnet.publicClient.getBlockNumber({ cacheTime: 0 })
  onboarding = {
    txs: (await txsBetween(startBlock, endBlock)) - (await txsBetween(faucetBlock, faucetBlock)),
    chainSeconds: (await devnet.now()) - startTime,
    timelockSeconds: 2n * DELAY,
  }
  console.log(`portfolio onboarding (template approval → Prime's first subscription): ${onboarding.txs} transactions, ${onboarding.chainSeconds} s chain time (${onboarding.timelockSeconds} s of it the two timelock delays)`)
  // GovOps as cBEAM: lpha-lcts is the class PAU's relayer, its transfer limits within the inits
  const configurator = { address: w.configurator, abi: configuratorAbi } as const
  await devnet.write(govOps, { ...configurator, functionName: 'setRelayer', args: [cls.pau, relayer.address] })
  for (const key of [rateLimitKey(LIMIT.ASSET_TRANSFER, w.usds, manager), rateLimitKey(LIMIT.ASSET_TRANSFER, w.usds, cls.haloClass!)]) {
    await devnet.write(govOps, { ...configurator, functionName: 'setRateLimit', args: [cls.pau, key, M(10n), M(10n) / DAY] })
  }
})

describe('a Portfolio class with a senior and a junior unit, deployed by the factory alone', () => {
  it('onboarding from template approval to the first subscription is 8 transactions; aside from the two timelock delays it takes seconds', () => {
    // approve (2) + class (1) + book (1) + batches (2) + approve and deposit (2)
    expect(onboarding.txs).toBe(8)
    expect(onboarding.chainSeconds - onboarding.timelockSeconds).toBeLessThan(120n)
  })

  it('after the delay the PAU is registered, lpha-lcts’s inits exist and the book holds both units with their tranche terms', async () => {
    expect(await w.pauRegistered(cls.pau)).toBe(true)
    for (const key of [LIMIT.USDS_TO_USDC, LIMIT.USDC_TO_USDS, rateLimitKey(LIMIT.ASSET_TRANSFER, w.usds, manager), rateLimitKey(LIMIT.ASSET_TRANSFER, w.usds, cls.haloClass!)]) {
      expect(await w.initOf(key, cls.pau)).toEqual([M(10n), M(10n) / DAY])
    }
    const chainBook = await readChainBook(devnet.publicClient, cls.haloClass!, 0n)
    expect(chainBook.units.map((u) => [u.rank, u.yield])).toEqual([[0, { kind: 'target', rateBps: 500n }], [1, { kind: 'residual' }]])
    for (const [i, u] of book.units.entries()) {
      const unit = await devnet.publicClient.readContract({ address: cls.haloClass!, abi: portfolioHaloClassAbi, functionName: 'unitOf', args: [BigInt(i)] })
      expect([unit.token, unit.subscribeQueue, unit.redeemQueue]).toEqual([u.token, u.subscribeQueue, u.redeemQueue])
    }
  })

  it('every role of every deployed contract has its intended holder; the factory holds none', async () => {
    const { freezer, relayer } = devnet.accounts
    await expectRoles(devnet, cls.controller, { admin: [w.configurator], freezer: [freezer.address], relayer: [relayer.address] }, 'Controller')
    await expectRoles(devnet, cls.rateLimits, { admin: [w.configurator], controller: [cls.controller] }, 'RateLimits')
    await expectRoles(devnet, cls.pau, { admin: [w.timelock], controller: [cls.controller] }, 'ALMProxy')
    await expectRoles(devnet, cls.haloClass!, { admin: [w.timelock], [SETTLER]: [relayer.address] }, 'PortfolioHaloClass')
    for (const u of book.units) {
      for (const queue of [u.subscribeQueue, u.redeemQueue]) await expectRoles(devnet, queue, { admin: [w.timelock], [LCTS_PBEAM]: [cls.haloClass!] }, 'LCTSQueue')
      expect(await devnet.publicClient.readContract({ address: u.token, abi: portfolioUnitTokenAbi, functionName: 'haloClass' })).toBe(cls.haloClass)
    }
  })

  it('LCTS flow against the factory-deployed units: subscribe → lock → settle → NAV report → redeem', async () => {
    const { relayer, alice, deployer } = devnet.accounts
    const [senior, junior] = book.units as [DeployedBook['units'][number], DeployedBook['units'][number]]
    const haloClass = cls.haloClass!
    const settler = { address: haloClass, abi: portfolioHaloClassAbi } as const
    await devnet.write(alice, { address: w.usds, abi: usdsAbi, functionName: 'approve', args: [junior.subscribeQueue, 200n * USDS] })
    await devnet.write(alice, { address: junior.subscribeQueue, abi: lctsQueueAbi, functionName: 'deposit', args: [200n * USDS] })
    for (const unitId of [0n, 1n]) {
      await devnet.write(relayer, { ...settler, functionName: 'lockUnit', args: [unitId] })
      await devnet.write(relayer, { ...settler, functionName: 'settleUnit', args: [unitId, M(1n), 0n] })
    }
    expect(await balance(w.usds, cls.pau)).toBe(1_000n * USDS) // subscriptions went to the class ALMProxy
    for (const u of [senior, junior]) await devnet.write(alice, { address: u.subscribeQueue, abi: lctsQueueAbi, functionName: 'claim', args: [] })
    expect(await balance(senior.token, alice.address)).toBe(800n * USDS)
    expect(await balance(junior.token, alice.address)).toBe(200n * USDS)

    // the manager earns 10 USDS (minted to the PAU here) and the settler reports NAV 1,010
    await devnet.increaseTime(73n * DAY)
    await devnet.write(deployer, { address: w.usds, abi: usdsAbi, functionName: 'mint', args: [cls.pau, 10n * USDS] })
    const openedAt = BigInt((await readChainBook(devnet.publicClient, haloClass, 0n)).lastReportMs / 1000)
    const reportedAt = await devnet.now()
    await devnet.write(relayer, { ...settler, functionName: 'reportNav', args: [0n, 1_010n * USDS, reportedAt] })
    const chainBook = await readChainBook(devnet.publicClient, haloClass, 0n)
    // the senior gets its 5% target for the period (73 days and the seconds the test took), floored; the junior the rest
    const seniorNav = 800n * USDS + (800n * USDS * 500n * (reportedAt - openedAt)) / (10_000n * 365n * DAY)
    expect(reportedAt - openedAt - 73n * DAY).toBeLessThan(60n)
    expect(chainBook.units.map((u) => u.nav)).toEqual([seniorNav, 1_010n * USDS - seniorNav])
    const price = await devnet.publicClient.readContract({ ...settler, functionName: 'navPerShareWad', args: [0n] })
    const paid = (800n * USDS * price) / USDS

    // the senior redeems in full: lpha-lcts funds the class from the PAU (rate limited) and settles
    await devnet.write(alice, { address: senior.token, abi: usdsAbi, functionName: 'approve', args: [senior.redeemQueue, 800n * USDS] })
    await devnet.write(alice, { address: senior.redeemQueue, abi: lctsQueueAbi, functionName: 'deposit', args: [800n * USDS] })
    await devnet.write(relayer, { ...settler, functionName: 'lockUnit', args: [0n] })
    await devnet.write(relayer, { address: cls.controller, abi: controllerAbi, functionName: 'transferAsset', args: [w.usds, haloClass, paid] })
    await devnet.write(relayer, { ...settler, functionName: 'settleUnit', args: [0n, 0n, 800n * USDS] })
    const before = await balance(w.usds, alice.address)
    await devnet.write(alice, { address: senior.redeemQueue, abi: lctsQueueAbi, functionName: 'claim', args: [] })
    expect((await balance(w.usds, alice.address)) - before).toBe(paid)
    expect(paid).toBeGreaterThanOrEqual(808n * USDS)
    expect(await balance(w.usds, haloClass)).toBe(0n)
    expect(await balance(w.usds, cls.pau)).toBe(1_010n * USDS - paid)
  })
})

const signals: Record<Hex, WarningSignals> = {
  [bookParams.units[0]!.artifactHash]: { navDrop: { maxDropBps: 200 }, navReport: { maxAgeSeconds: 172_800 } },
  [bookParams.units[1]!.artifactHash]: { navReport: { maxAgeSeconds: 172_800 }, redemption: { maxDelaySeconds: 604_800 } },
}

async function freshSynome() {
  const service = await createSynome({ dataDir: null, commands: [...FACTORY_COMMANDS, ...PORTFOLIO_COMMANDS], roles: [{ address: council.address, role: 'council', haloClasses: [] }], freshness: false })
  synomes.push(service)
  return { service, writer: createInProcessClient({ service, account: council }) }
}
afterAll(async () => {
  for (const s of synomes) await s.close()
})

const ingest = (writer: ReturnType<typeof createInProcessClient>, warningSignals: Record<Hex, WarningSignals> = signals) =>
  ingestFactoryEvents({ publicClient: devnet.publicClient, synome: writer, factory: w.factory, fromBlock: 0n, finalityDepth: 2, warningSignals })

// before 'refusals', which deploys a second book
describe('ingestion into the Synome', () => {
  it('records the class and the book with its units at the factory’s addresses and parameters; a replay from block 0 writes nothing', async () => {
    const { service, writer } = await freshSynome()
    const first = await ingest(writer)
    // factoryClass + portfolioClass + factoryBook + portfolioBook
    expect(first).toMatchObject({ classes: 1, units: 0, books: 1, written: 4 })
    const position = (await service.head()).position
    const again = await ingest(writer)
    expect(again).toMatchObject({ classes: 1, units: 0, books: 1, written: 0 })
    expect((await service.head()).position).toBe(position)

    const haloClass = cls.haloClass!.toLowerCase()
    const lower = (a: string) => a.toLowerCase()
    expect((await service.get(FACTORY_CLASS, lower(cls.pau))).data).toMatchObject({ haloClass, managerEndpoint: lower(manager), controller: lower(cls.controller), rateLimits: lower(cls.rateLimits), templateId: lower(w.portfolioTemplateId) })
    expect((await service.get(PORTFOLIO_CLASS, haloClass)).data).toMatchObject({ classId: haloClass, name: portfolioClassName(haloClass) })

    const bookId = factoryBookId(haloClass, book.salt)
    const [senior, junior] = book.units as [DeployedBook['units'][number], DeployedBook['units'][number]]
    const factoryBook = (await service.get<FactoryBookRecord>(FACTORY_BOOK, bookId)).data
    expect(factoryBook).toMatchObject({ pau: lower(cls.pau), haloClass, accrualSeconds: '0', salt: lower(book.salt), timelockBatchId: lower(book.timelockBatchId) })
    expect(factoryBook.units).toEqual([
      { token: lower(senior.token), subscribeQueue: lower(senior.subscribeQueue), redeemQueue: lower(senior.redeemQueue), capacity: '80000000000000000000000000', rank: 0, yieldBps: '500', dustThreshold: '0', name: 'Portfolio Senior', symbol: 'PF-SR', artifactHash: bookParams.units[0]!.artifactHash },
      { token: lower(junior.token), subscribeQueue: lower(junior.subscribeQueue), redeemQueue: lower(junior.redeemQueue), capacity: '20000000000000000000000000', rank: 1, yieldBps: '0', dustThreshold: '0', name: 'Portfolio Junior', symbol: 'PF-JR', artifactHash: bookParams.units[1]!.artifactHash },
    ])
    const portfolioBook = (await service.get(PORTFOLIO_BOOK, bookId)).data
    expect(portfolioBook).toMatchObject({ classId: haloClass, bookId, accrualSeconds: 0, assets: '0' })
    expect((portfolioBook as { units: unknown[] }).units).toMatchObject([
      { unitId: lower(senior.token), rank: 0, yield: { kind: 'target', rateBps: 500 }, warningSignals: signals[bookParams.units[0]!.artifactHash], shares: '0', nav: '0' },
      { unitId: lower(junior.token), rank: 1, yield: { kind: 'residual' }, warningSignals: signals[bookParams.units[1]!.artifactHash], shares: '0', nav: '0' },
    ])
    expect((await service.get(PORTFOLIO_UNIT, lower(junior.token))).data).toEqual({ unitId: lower(junior.token), bookId, classId: haloClass })

    // replaying from the book's block alone (the class already held) also writes nothing
    const fromBook = await ingestFactoryEvents({ publicClient: devnet.publicClient, synome: writer, factory: w.factory, fromBlock: book.blockNumber, finalityDepth: 2, warningSignals: signals })
    expect(fromBook).toMatchObject({ classes: 0, books: 1, written: 0 })
    expect((await service.head()).position).toBe(position)
  })

  it('a book too shallow for the finality depth is not read yet', async () => {
    const { writer } = await freshSynome()
    const head = await devnet.publicClient.getBlockNumber({ cacheTime: 0 })
    const shallow = await ingestFactoryEvents({ publicClient: devnet.publicClient, synome: writer, factory: w.factory, fromBlock: 0n, finalityDepth: Number(head - book.blockNumber) + 1, warningSignals: signals })
    expect(shallow).toMatchObject({ classes: 1, books: 0, written: 2 })
  })

  it('refused, writing nothing: a unit without warning signals, a Synome book or class of the same id with other terms, a junior rank with a target yield', async () => {
    const { service, writer } = await freshSynome()
    const start = (await service.head()).position
    await expect(ingest(writer, { [bookParams.units[0]!.artifactHash]: signals[bookParams.units[0]!.artifactHash]! })).rejects.toThrow(FactoryError)
    await expect(ingest(writer, {})).rejects.toThrow(/no warning signals for unit/)
    expect((await service.head()).position).toBe(start)

    // the Synome already holds the class and, under the book's id, a book with other terms
    const haloClass = cls.haloClass!.toLowerCase()
    const bookId = factoryBookId(haloClass, book.salt)
    await writer.send('createPortfolioClass', { classId: haloClass, name: portfolioClassName(haloClass) })
    await writer.send('createPortfolioBook', { classId: haloClass, bookId, accrualSeconds: 0, units: [{ unitId: 'other-unit', rank: 0, yield: { kind: 'residual' }, warningSignals: {} }] })
    const held = (await service.head()).position
    await expect(ingest(writer)).rejects.toThrow(/already recorded with other terms/)
    expect((await service.head()).position).toBe(held)

    // a Portfolio class of the same id under another name
    const { service: s3, writer: w3 } = await freshSynome()
    await w3.send('createPortfolioClass', { classId: haloClass, name: 'hand-made class' })
    const s3Position = (await s3.head()).position
    await expect(ingest(w3)).rejects.toThrow(/already recorded under another name/)
    expect((await s3.head()).position).toBe(s3Position)

    // the factory refuses such a book on chain; ingestion refuses it too
    const [record] = (await readFactoryDeployments({ publicClient: devnet.publicClient, factory: w.factory, fromBlock: 0n, finalityDepth: 2 })).books
    const juniorTarget = { ...record!, units: record!.units.map((u) => (u.rank === 1 ? { ...u, yieldBps: '100' } : u)) }
    expect(() => portfolioBookOf(juniorTarget, signals)).toThrow(/most junior rank and names a target yield of 100 bps/)
  })

  it('recordFactoryBook refuses a book whose class is not recorded or names another PortfolioHaloClass', async () => {
    const { service, writer } = await freshSynome()
    const read = await readFactoryDeployments({ publicClient: devnet.publicClient, factory: w.factory, fromBlock: 0n, finalityDepth: 2 })
    const record = read.books[0]!
    await expect(writer.send('recordFactoryBook', record)).rejects.toMatchObject({ meta: { gate: 'FACTORY_CLASS_MISSING' } })
    await writer.send('recordFactoryClass', read.classes[0]!)
    const position = (await service.head()).position
    const other = `0x${'11'.repeat(20)}`
    await expect(writer.send('recordFactoryBook', { ...record, haloClass: other, bookId: factoryBookId(other, record.salt) })).rejects.toMatchObject({ meta: { gate: 'FACTORY_CLASS_MISMATCH' } })
    await expect(writer.send('recordFactoryBook', { ...record, bookId: 'some-other-id' })).rejects.toMatchObject({ meta: { gate: 'FACTORY_BOOK_ID' } })
    expect((await service.head()).position).toBe(position)
  })
})

describe('refusals', () => {
  it('out-of-range book parameters, a caller other than GovOps and a reused salt are refused by name', async () => {
    const { govOps } = devnet.accounts
    const deploy = (units: PortfolioBookParams['units'], accrualSeconds = 0n, salt: Hex = w.nextSalt(), pau = cls.pau) =>
      devnet.write(govOps, { address: w.factory, abi: haloFactoryAbi, functionName: 'deployBook', args: [pau, accrualSeconds, units.map((u) => ({ ...u })), salt] })
    const [s, j] = bookParams.units as [PortfolioBookParams['units'][number], PortfolioBookParams['units'][number]]
    await expect(deploy([{ ...s, capacity: M(101n) }, j])).rejects.toThrow(/ParameterOutOfRange/)
    await expect(deploy([{ ...s, rank: 4 }, j])).rejects.toThrow(/ParameterOutOfRange/)
    await expect(deploy([{ ...s, yieldBps: 2_001n }, j])).rejects.toThrow(/ParameterOutOfRange/)
    await expect(deploy([s, { ...j, yieldBps: 100n }])).rejects.toThrow(/ParameterOutOfRange/) // the residual names no target
    await expect(deploy([s, j], 31n * DAY)).rejects.toThrow(/ParameterOutOfRange/)
    await expect(deploy([])).rejects.toThrow(/ParameterOutOfRange/)
    const salt = w.nextSalt()
    await deploy([s, j], 0n, salt)
    await expect(deploy([s, j], 0n, salt)).rejects.toThrow(/SaltAlreadyUsed/)
    await expect(devnet.write(devnet.accounts.attacker, { address: w.factory, abi: haloFactoryAbi, functionName: 'deployBook', args: [cls.pau, 0n, [{ ...s }], w.nextSalt()] })).rejects.toThrow(/NotClassGovOps/)
    // a Portfolio class needs a manager endpoint, a Term class must not name one
    await expect(devnet.write(govOps, { address: w.factory, abi: haloFactoryAbi, functionName: 'deployClass', args: [w.portfolioTemplateId, { ...w.classParams(), managerEndpoint: `0x${'0'.repeat(40)}` }, w.nextSalt()] })).rejects.toThrow(/ZeroAddress/)
  })

  it('a cloned queue opens its first generation as 1 like a directly deployed one (its storage initialisers run in initialize)', async () => {
    expect(await devnet.publicClient.readContract({ address: book.units[1]!.redeemQueue, abi: lctsQueueAbi, functionName: 'nextGenerationId' })).toBe(1n)
  })

  it('a second initialisation of each factory-deployed clone is refused', async () => {
    const { attacker } = devnet.accounts
    await expect(devnet.write(attacker, { address: cls.haloClass!, abi: portfolioHaloClassAbi, functionName: 'initialize', args: [attacker.address, attacker.address, w.usds, attacker.address] })).rejects.toThrow(/InvalidInitialization/)
    const u = book.units[0]!
    await expect(devnet.write(attacker, { address: u.subscribeQueue, abi: lctsQueueAbi, functionName: 'initialize', args: [attacker.address, attacker.address, attacker.address] })).rejects.toThrow(/InvalidInitialization/)
    await expect(devnet.write(attacker, { address: w.portfolioImplementations.lctsQueue, abi: lctsQueueAbi, functionName: 'initialize', args: [attacker.address, attacker.address, attacker.address] })).rejects.toThrow(/InvalidInitialization/)
  })
})
