/**
 * Issue 18 / issue 15, Trading side: with no deployment code but the factory, a Trading class
 * (its PAU, HaloFactory.deployClass with a KIND_TRADING template) and one USDS/T-bill pool
 * (TradingPoolFactory.deployPool: pool, share token, LCTS queue pair) land at their predicted
 * addresses; after the timelock delay the PAU is registered, the pool consumes the PAU's
 * RateLimits and its LIMIT_AMM_* inits exist; every role has its intended holder and neither
 * factory holds one; GovOps sets the pool's limits within the inits, a Prime subscribes through
 * the queue, and the seed's T-bill story holds on the clone (100K T-bills sold for 99,950 USDS
 * at 5 bps, the issuer pays 100K at T+1, the pool keeps 50, the Prime redeems for it) within
 * the rate limits; out-of-range parameters, other callers, other kinds, a reused salt and a
 * second initialisation are refused by name. Ingestion: the class is a factoryClass, the pool a
 * factoryBook of kind 'trading' (exact record; replays write nothing; refusals write nothing).
 * The class's Halo Artifact (kind trading, not the Term text): exact input and lines, missing
 * sections named. The pool's Unit Artifact: exact input and lines, every lpha-amm alert code, missing sections
 * named, and rendered before deploying its hash is the one the pool carries.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { privateKeyToAccount } from 'viem/accounts'
import { getAddress, keccak256, stringToHex, type Abi, type Address, type Hex } from 'viem'
import {
  beamTimeLockAbi,
  configuratorAbi,
  devnetIssuerAbi,
  devnetNavOracleAbi,
  devnetTBillAbi,
  haloFactoryAbi,
  haloTemplateRegistryAbi,
  lctsQueueAbi,
  lctsTokenAbi,
  tradingPoolAbi,
  tradingPoolFactoryAbi,
  usdsAbi,
} from '../../src/chain/generated/index.js'
import { deployDevnetTBill } from '../../src/chain/deploy/deployTradingPool.js'
import { deployClass, deployPool, predictClass, predictPool, type DeployedClass, type DeployedPool, type TradingPoolParams } from '../../src/factory/chain.js'
import { TRADING_TEMPLATE_RANGES } from '../../src/factory/devnet.js'
import { parseUnitsExact } from '../../src/domain/money.js'
import { LIMIT } from '../../src/domain/rateLimits.js'
import { AMM_ALERT_CODES, VIRTUAL_SHARES, VIRTUAL_VALUE, WAD, poolRateLimitKeys, type PoolRateLimitKeys } from '../../src/domain/trading/index.js'
import { ingestFactoryEvents } from '../../src/factory/ingest.js'
import { artifactHash, HALO_ARTIFACT_SECTIONS, missingArtifactSections, renderTradingHaloArtifact, renderTradingUnitArtifact, tradingAssetInit, UNIT_ARTIFACT_SECTIONS, type TradingHaloArtifactInput } from '../../src/factory/artifact.js'
import { anyHaloArtifactInput, predictedPoolSource, tradingUnitArtifactInput, tradingUnitInputOf } from '../../src/factory/artifactSource.js'
import { readFactoryDeployments } from '../../src/factory/reader.js'
import { FACTORY_COMMANDS } from '../../src/synome/commands/factory/index.js'
import { FACTORY_BOOK, FACTORY_CLASS, factoryBookId, type FactoryBookRecord, type FactoryClassRecord } from '../../src/synome/commands/factory/records.js'
import { portfolioUnitSource } from '../../src/beacons/allocator/portfolioUnits.js'
import { createInProcessClient, createSynome, type SynomeService } from '../../src/synome/index.js'
import { useDevnet, type Devnet } from '../fixtures/devnet.js'
import { deployFactoryWorld, DAY, DELAY, M, USDS, type FactoryWorld } from '../contracts/factory/world.js'
import { expectRoles, ROLE } from '../contracts/factory/roles.js'

let devnet: Devnet
let w: FactoryWorld
let cls: DeployedClass
let pool: DeployedPool
let tbill: { tbill: Address; oracle: Address; issuer: Address }
let keys: PoolRateLimitKeys
let onboarding: { txs: number; chainSeconds: bigint }

const tb = (v: string) => parseUnitsExact(v, 6)
const MAX = 2n ** 256n - 1n
const OPERATOR = keccak256(stringToHex('AMM_OPERATOR'))
const PAUSER = keccak256(stringToHex('AMM_PAUSER'))
const LCTS_PBEAM = keccak256(stringToHex('LCTS_PBEAM'))
const CAPACITY = M(2n) // the pool's inits: 2M USDS (and 2M T-bills at NAV 1.00) a day
const nameHex = (name: string) => stringToHex(name, { size: 32 })

const poolParams = (overrides: Partial<TradingPoolParams> = {}): TradingPoolParams => ({
  asset: tbill.tbill,
  oracle: tbill.oracle,
  issuer: tbill.issuer,
  bidSpreadBps: 5,
  askSpreadBps: 5,
  maxDeviationBps: 100,
  maxOracleAgeSeconds: Number(DAY),
  maxInventory: tb('10000000'),
  referencePriceWad: WAD,
  capacity: CAPACITY,
  name: 'T-bill pool share',
  symbol: 'TBP',
  artifactHash: keccak256(stringToHex('trading unit artifact')),
  ...overrides,
})

async function txsBetween(fromBlock: bigint, toBlock: bigint): Promise<number> {
  let count = 0
  for (let b = fromBlock; b <= toBlock; b++) count += (await devnet.publicClient.getBlock({ blockNumber: b })).transactions.length
  return count
}

const balance = (token: Address, who: Address) => devnet.publicClient.readContract({ address: token, abi: usdsAbi, functionName: 'balanceOf', args: [who] })
const postNav = (priceWad: bigint = WAD) => devnet.write(devnet.accounts.deployer, { address: tbill.oracle, abi: devnetNavOracleAbi, functionName: 'setPrice', args: [priceWad] })
const mintUsds = (to: Address, amount: bigint) => devnet.write(devnet.accounts.deployer, { address: w.usds, abi: usdsAbi, functionName: 'mint', args: [to, amount] })

beforeAll(async () => {
  devnet = await useDevnet()
  w = await deployFactoryWorld(devnet)
  tbill = await deployDevnetTBill(devnet, { owner: devnet.accounts.deployer, usds: w.usds, navWad: WAD, settlementDelaySeconds: DAY })
  const { govOps } = devnet.accounts
  const startBlock = (await devnet.publicClient.getBlockNumber({ cacheTime: 0 })) + 1n
  const startTime = await devnet.now()
  await w.approveTemplate(w.tradingTemplateId, w.tradingTemplate) // 1-2: aBEAM schedules setTemplate, executes it after the delay
  const params = w.classParams()
  const salt = w.nextSalt()
  const predicted = await predictClass(devnet, { factory: w.factory, deployer: govOps.address, templateId: w.tradingTemplateId, params, salt })
  cls = await deployClass(devnet, { factory: w.factory, account: govOps, templateId: w.tradingTemplateId, params, salt }) // 3
  expect({ pau: cls.pau, controller: cls.controller, rateLimits: cls.rateLimits }).toEqual(predicted)
  const poolSalt = w.nextSalt()
  const expected = await predictPool(devnet, { tradingFactory: w.tradingFactory, deployer: govOps.address, pau: cls.pau, params: poolParams(), salt: poolSalt })
  pool = await deployPool(devnet, { tradingFactory: w.tradingFactory, account: govOps, pau: cls.pau, params: poolParams(), salt: poolSalt }) // 4
  expect({ pool: pool.pool, shareToken: pool.shareToken, subscribeQueue: pool.subscribeQueue, redeemQueue: pool.redeemQueue }).toEqual(expected)
  keys = poolRateLimitKeys(tbill.tbill, pool.pool)
  await devnet.increaseTime(DELAY)
  await w.executeFactoryBatch(cls.timelockBatchId) // 5: aBEAM
  await w.executeFactoryBatch(pool.timelockBatchId) // 6: aBEAM
  // GovOps as cBEAM: the pool's limits at their inits (a new key starts empty and fills over a day)
  for (const name of ['poolBuy', 'poolSell', 'redeem', 'subscribe', 'unsubscribe'] as const) {
    const [max, slope] = await w.initOf(keys[name], cls.pau)
    await devnet.write(govOps, { address: w.configurator, abi: configuratorAbi, functionName: 'setRateLimit', args: [cls.pau, keys[name], max, slope] }) // 7-11
  }
  const endBlock = await devnet.publicClient.getBlockNumber({ cacheTime: 0 })
  onboarding = { txs: await txsBetween(startBlock, endBlock), chainSeconds: (await devnet.now()) - startTime }
  console.log(`trading onboarding (template approval → pool limits set): ${onboarding.txs} transactions, ${onboarding.chainSeconds} s chain time (${2n * DELAY} s of it the two timelock delays)`)
})

describe('a Trading class with one T-bill pool, deployed by the factories alone', () => {
  it('onboarding to a pool with its limits is 11 transactions; aside from the two timelock delays it takes seconds', () => {
    // approve (2) + class (1) + pool (1) + batches (2) + five limits (5)
    expect(onboarding.txs).toBe(11)
    expect(onboarding.chainSeconds - 2n * DELAY).toBeLessThan(120n)
  })

  it('after the delay the PAU is registered, the pool consumes its RateLimits and the LIMIT_AMM_* inits exist (asset keys at the reference NAV, none for RETURN)', async () => {
    expect(await w.pauRegistered(cls.pau)).toBe(true)
    for (const key of [LIMIT.USDS_TO_USDC, LIMIT.USDC_TO_USDS]) expect(await w.initOf(key, cls.pau)).toEqual([M(10n), M(10n) / DAY])
    for (const name of ['poolBuy', 'subscribe', 'unsubscribe'] as const) expect(await w.initOf(keys[name], cls.pau), name).toEqual([CAPACITY, CAPACITY / DAY])
    for (const name of ['poolSell', 'redeem'] as const) expect(await w.initOf(keys[name], cls.pau), name).toEqual([tb('2000000'), tb('2000000') / DAY])
    await expect(w.initOf(keys.return, cls.pau)).rejects.toThrow(/InitNotFound/)
    const at = { address: pool.pool, abi: tradingPoolAbi } as const
    const read = <T>(functionName: string) => devnet.publicClient.readContract({ ...at, functionName } as never) as Promise<T>
    expect([await read('usds'), await read('asset'), await read('almProxy'), await read('rateLimits')]).toEqual([w.usds, tbill.tbill, cls.pau, cls.rateLimits].map((a) => getAddress(a)))
    expect(await read<readonly Hex[]>('rateLimitKeys')).toEqual([keys.poolBuy, keys.poolSell, keys.redeem, keys.return])
    expect(await read<readonly Hex[]>('shareKeys')).toEqual([keys.subscribe, keys.unsubscribe])
    expect([await read('shareToken'), await read('subscribeQueue'), await read('redeemQueue')]).toEqual([pool.shareToken, pool.subscribeQueue, pool.redeemQueue])
    const token = { address: pool.shareToken, abi: lctsTokenAbi } as const
    expect(await devnet.publicClient.readContract({ ...token, functionName: 'holdingSystem' })).toBe(pool.pool)
    expect([await devnet.publicClient.readContract({ ...token, functionName: 'name' }), await devnet.publicClient.readContract({ ...token, functionName: 'symbol' })]).toEqual(['T-bill pool share', 'TBP'])
  })

  it('every role of every deployed contract has its intended holder; neither factory holds one', async () => {
    const { freezer, relayer } = devnet.accounts
    await expectRoles(devnet, cls.controller, { admin: [w.configurator], freezer: [freezer.address] }, 'Controller')
    await expectRoles(devnet, cls.rateLimits, { admin: [w.configurator], controller: [cls.controller, pool.pool] }, 'RateLimits')
    await expectRoles(devnet, cls.pau, { admin: [w.timelock], controller: [cls.controller] }, 'ALMProxy')
    await expectRoles(devnet, pool.pool, { admin: [w.timelock], [OPERATOR]: [relayer.address], [PAUSER]: [freezer.address] }, 'TradingPool')
    for (const queue of [pool.subscribeQueue, pool.redeemQueue]) await expectRoles(devnet, queue, { admin: [w.timelock], [LCTS_PBEAM]: [relayer.address] }, 'LCTSQueue')
    for (const queue of [pool.subscribeQueue, pool.redeemQueue]) {
      expect(await devnet.publicClient.readContract({ address: queue, abi: lctsQueueAbi, functionName: 'converter' })).toBe(pool.pool)
    }
  })

  it('a Prime subscribes through the queue; the seed T-bill story holds on the clone within the rate limits; the Prime redeems the 50 USDS spread', async () => {
    const { relayer, bob, attacker, govOps } = devnet.accounts
    const prime = devnet.accounts.alice // a Prime (its PAU's stand-in)
    const [seller, other] = [bob, attacker]
    await devnet.increaseTime(DAY) // the keys fill
    await postNav()
    // a Prime's 1M USDS: subscribe queue → lock → settle (SUBSCRIBE key) → 1M shares 1:1
    await mintUsds(prime.address, M(1n))
    await devnet.write(prime, { address: w.usds, abi: usdsAbi, functionName: 'approve', args: [pool.subscribeQueue, M(1n)] })
    await devnet.write(prime, { address: pool.subscribeQueue, abi: lctsQueueAbi, functionName: 'deposit', args: [M(1n)] })
    await devnet.write(relayer, { address: pool.subscribeQueue, abi: lctsQueueAbi, functionName: 'lock' })
    await devnet.write(relayer, { address: pool.subscribeQueue, abi: lctsQueueAbi, functionName: 'settle', args: [M(1n)] })
    await devnet.write(relayer, { address: pool.subscribeQueue, abi: lctsQueueAbi, functionName: 'claimFor', args: [prime.address] })
    expect(await balance(pool.shareToken, prime.address)).toBe(M(1n))
    expect(await balance(w.usds, pool.pool)).toBe(M(1n))

    // GovOps lowers the buy key to 150K (a decrease is instant): a user's 100K sale fits, a second user's 60K (59,970 USDS) does not
    await devnet.write(govOps, { address: w.configurator, abi: configuratorAbi, functionName: 'setRateLimit', args: [cls.pau, keys.poolBuy, 150_000n * USDS, 150_000n * USDS / DAY] })
    for (const trader of [seller, other]) {
      await devnet.write(devnet.accounts.deployer, { address: tbill.tbill, abi: devnetTBillAbi, functionName: 'mint', args: [trader.address, tb('100000')] })
      await devnet.write(trader, { address: tbill.tbill, abi: devnetTBillAbi, functionName: 'approve', args: [pool.pool, MAX] })
    }
    await devnet.write(seller, { address: pool.pool, abi: tradingPoolAbi, functionName: 'sellToPool', args: [tb('100000'), 99_950n * USDS, seller.address] })
    expect(await balance(w.usds, seller.address)).toBe(99_950n * USDS)
    await expect(devnet.write(other, { address: pool.pool, abi: tradingPoolAbi, functionName: 'sellToPool', args: [tb('60000'), 0n, other.address] })).rejects.toThrow(/RateLimitExceeded/)
    expect(await balance(w.usds, other.address)).toBe(0n)

    // lpha-amm sends the book to the issuer (REDEEM key); the issuer pays 100K at T+1; the pool keeps 50
    await mintUsds(tbill.issuer, M(1n)) // the issuer's redemption reserve
    await devnet.write(relayer, { address: pool.pool, abi: tradingPoolAbi, functionName: 'requestRedemption', args: [tb('100000')] })
    const [id] = await devnet.publicClient.readContract({ address: pool.pool, abi: tradingPoolAbi, functionName: 'openRedemptions' })
    expect(await devnet.publicClient.readContract({ address: pool.pool, abi: tradingPoolAbi, functionName: 'pendingRedemption' })).toBe(tb('100000'))
    await devnet.increaseTime(DAY)
    await devnet.write(bob, { address: tbill.issuer, abi: devnetIssuerAbi, functionName: 'settle', args: [id!] })
    await devnet.write(bob, { address: pool.pool, abi: tradingPoolAbi, functionName: 'closeRedemption', args: [id!] })
    const value = M(1n) + 50n * USDS
    expect(await balance(w.usds, pool.pool)).toBe(value)

    // the Prime redeems every share (UNSUBSCRIBE key): the 50 USDS less the virtual holder's wei
    await postNav()
    await devnet.write(prime, { address: pool.shareToken, abi: lctsTokenAbi, functionName: 'approve', args: [pool.redeemQueue, M(1n)] })
    await devnet.write(prime, { address: pool.redeemQueue, abi: lctsQueueAbi, functionName: 'deposit', args: [M(1n)] })
    await devnet.write(relayer, { address: pool.redeemQueue, abi: lctsQueueAbi, functionName: 'lock' })
    await devnet.write(relayer, { address: pool.redeemQueue, abi: lctsQueueAbi, functionName: 'settle', args: [M(1n)] })
    await devnet.write(relayer, { address: pool.redeemQueue, abi: lctsQueueAbi, functionName: 'claimFor', args: [prime.address] })
    const paid = (M(1n) * (value + VIRTUAL_VALUE)) / (M(1n) + VIRTUAL_SHARES)
    expect(paid).toBe(value - 50n) // 50 wei stay with the virtual holder
    expect(await balance(w.usds, prime.address)).toBe(paid)
  })
})

describe('ingestion into the Synome', () => {
  const council = privateKeyToAccount('0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d') // anvil #1 (the devnet council)
  let service: SynomeService
  afterAll(() => service?.close())

  it('factory ingest records the Trading class as a factoryClass and its pool as a factoryBook of kind trading (exact record); a replay writes nothing', async () => {
    service = await createSynome({ dataDir: null, commands: [...FACTORY_COMMANDS], roles: [{ address: council.address, role: 'council', haloClasses: [] }], freshness: false })
    const writer = createInProcessClient({ service, account: council })
    const ingest = (fromBlock = 0n) => ingestFactoryEvents({ publicClient: devnet.publicClient, synome: writer, factory: w.factory, tradingFactory: w.tradingFactory, fromBlock, finalityDepth: 2 })
    expect(await ingest()).toMatchObject({ classes: 1, units: 0, books: 0, pools: 1, written: 2 })
    expect(await ingest()).toMatchObject({ classes: 1, units: 0, books: 0, pools: 1, written: 0 })
    // from the pool's block on: the class is not in the range but recorded; nothing new
    expect(await ingest(pool.blockNumber)).toMatchObject({ classes: 0, pools: 1, written: 0 })
    const lower = (a: string) => a.toLowerCase()
    expect((await service.get(FACTORY_CLASS, lower(cls.pau))).data).toMatchObject({ controller: lower(cls.controller), rateLimits: lower(cls.rateLimits), templateId: lower(w.tradingTemplateId), beaconOperator: lower(devnet.accounts.relayer.address) })
    expect((await service.get(FACTORY_CLASS, lower(cls.pau))).data).not.toHaveProperty('haloClass')
    const receipt = await devnet.publicClient.getTransactionReceipt({ hash: pool.txHash })
    const log = receipt.logs.find((l) => lower(l.address) === lower(w.tradingFactory))!
    const bookId = factoryBookId(pool.pool, pool.salt)
    expect(bookId).toBe(`${lower(pool.pool)}:${lower(pool.salt)}`)
    const record = (await service.get<FactoryBookRecord>(FACTORY_BOOK, bookId)).data
    expect(record).toEqual({
      kind: 'trading',
      bookId,
      pau: lower(cls.pau),
      haloClass: lower(pool.pool),
      factory: lower(w.tradingFactory),
      templateId: lower(w.tradingTemplateId),
      templateVersion: 1,
      deployer: lower(devnet.accounts.govOps.address),
      accrualSeconds: '0',
      units: [{ token: lower(pool.shareToken), subscribeQueue: lower(pool.subscribeQueue), redeemQueue: lower(pool.redeemQueue), capacity: '2000000000000000000000000', rank: 0, yieldBps: '0', dustThreshold: '0', name: 'T-bill pool share', symbol: 'TBP', artifactHash: keccak256(stringToHex('trading unit artifact')) }],
      salt: lower(pool.salt),
      timelockBatchId: lower(pool.timelockBatchId),
      trading: { asset: lower(tbill.tbill), oracle: lower(tbill.oracle), issuer: lower(tbill.issuer), bidSpreadBps: 5, askSpreadBps: 5, maxDeviationBps: 100, maxOracleAgeSeconds: 86_400, maxInventory: '10000000000000', referencePriceWad: '1000000000000000000' },
      chainEvent: { chainId: devnet.publicClient.chain.id, txHash: lower(pool.txHash), logIndex: log.logIndex, blockNumber: String(receipt.blockNumber), blockHash: lower(receipt.blockHash) },
    })
    expect((await service.list({ type: FACTORY_BOOK, limit: 10 })).items).toHaveLength(1)
    // a Prime's allocator does not take the pool for a Portfolio unit
    expect(await portfolioUnitSource(writer, { usds: w.usds }).detect()).toEqual([])
  })

  it('a pool whose Trading class is neither in the range nor recorded is refused and nothing is written; a pool record on another class or without its kind is refused', async () => {
    const lower = (a: string) => a.toLowerCase()
    const fresh = await createSynome({ dataDir: null, commands: [...FACTORY_COMMANDS], roles: [{ address: council.address, role: 'council', haloClasses: [] }], freshness: false })
    try {
      const writer = createInProcessClient({ service: fresh, account: council })
      await expect(ingestFactoryEvents({ publicClient: devnet.publicClient, synome: writer, factory: w.factory, tradingFactory: w.tradingFactory, fromBlock: pool.blockNumber, finalityDepth: 2 })).rejects.toThrow(/neither in the range nor recorded/)
      expect((await fresh.list({ type: FACTORY_BOOK, limit: 10 })).items).toHaveLength(0)
      const record = (await service.get<FactoryBookRecord>(FACTORY_BOOK, factoryBookId(pool.pool, pool.salt))).data
      await expect(writer.send('recordFactoryBook', record)).rejects.toThrow(/not recorded/)
      const { kind: _kind, ...untyped } = record
      await expect(writer.send('recordFactoryBook', untyped)).rejects.toThrow(/kind 'trading'/)
      const { trading: _trading, ...bare } = record
      await expect(writer.send('recordFactoryBook', bare)).rejects.toThrow(/kind 'trading'/)
      // with its class recorded: a pool under another template, or on a class that names a PortfolioHaloClass, is refused
      const classRecord = (await service.get<FactoryClassRecord>(FACTORY_CLASS, lower(cls.pau))).data
      await writer.send('recordFactoryClass', classRecord)
      await expect(writer.send('recordFactoryBook', { ...record, templateId: keccak256(stringToHex('another template')) })).rejects.toThrow(/not its Trading class/)
      const portfolioLike = { ...classRecord, pau: lower(tbill.oracle), haloClass: lower(tbill.issuer) }
      await writer.send('recordFactoryClass', portfolioLike)
      await expect(writer.send('recordFactoryBook', { ...record, pau: portfolioLike.pau })).rejects.toThrow(/not its Trading class/)
      expect((await fresh.list({ type: FACTORY_BOOK, limit: 10 })).items).toHaveLength(0)
      await writer.send('recordFactoryBook', record) // the pool itself, on its class
      expect((await fresh.list({ type: FACTORY_BOOK, limit: 10 })).items).toHaveLength(1)
    } finally {
      await fresh.close()
    }
  })
})

describe('the Trading Halo Artifact', () => {
  const lower = (a: string) => a.toLowerCase()
  const source = () => anyHaloArtifactInput({ publicClient: devnet.publicClient, factory: w.factory, pau: cls.pau, tradingFactory: w.tradingFactory })

  it('a Trading class PAU is kind trading (its template\'s kind in the registry): exact input from the class event, the registry and the pool\'s event', async () => {
    const found = await source()
    expect(found.kind).toBe('trading')
    expect(found.input).toEqual({
      templateName: 'trading-amm', templateVersion: 1, chainId: devnet.publicClient.chain.id,
      factory: lower(w.factory), pau: lower(cls.pau), controller: lower(cls.controller), rateLimits: lower(cls.rateLimits),
      timelock: lower(w.timelock), configurator: lower(w.configurator),
      govOps: lower(devnet.accounts.govOps.address), beaconOperator: lower(devnet.accounts.relayer.address), freezer: lower(devnet.accounts.freezer.address),
      swapRateLimit: M(10n), timelockDelaySeconds: DELAY,
      tradingFactory: lower(w.tradingFactory), usds: lower(w.usds), rangesVersion: 1, ranges: TRADING_TEMPLATE_RANGES,
      pools: [{
        pool: lower(pool.pool), asset: lower(tbill.tbill), assetSymbol: 'TBILL', assetDecimals: 6, oracle: lower(tbill.oracle), issuer: lower(tbill.issuer),
        bidSpreadBps: 5, askSpreadBps: 5, maxDeviationBps: 100, maxOracleAgeSeconds: 86_400, maxInventory: 10_000_000_000_000n, referencePriceWad: WAD, capacity: CAPACITY,
      }],
    })
    // without the TradingPoolFactory the pools cannot be listed: refused by name, not rendered as a Term class
    await expect(anyHaloArtifactInput({ publicClient: devnet.publicClient, factory: w.factory, pau: cls.pau })).rejects.toThrow(/is a Trading class[\s\S]*--trading-factory/)
  })

  it('renders the class\'s addresses, each pool\'s parameters and LIMIT_AMM_* inits, the template ranges, lpha-amm\'s role and limits and every alert code; no NFAT or lpha-nfat text', async () => {
    const found = await source()
    if (found.kind !== 'trading') throw new Error('not trading')
    const md = renderTradingHaloArtifact(found.input)
    const line = (label: string) => md.split('\n').find((l) => l.startsWith(`- ${label}`))
    const p = lower(pool.pool)
    expect(md.split('\n', 1)[0]).toBe(`# Halo Artifact: Trading Halo Class ${lower(cls.pau)}`)
    expect(md).not.toMatch(/nfat/i)
    expect(md).not.toMatch(/Term Halo/)
    expect(line('PAU (ALMProxy)')).toBe(`- PAU (ALMProxy): ${lower(cls.pau)}`)
    expect(line('Controller')).toBe(`- Controller: ${lower(cls.controller)}`)
    expect(line('RateLimits')).toBe(`- RateLimits: ${lower(cls.rateLimits)}`)
    expect(line('TradingPoolFactory')).toBe(`- TradingPoolFactory: ${lower(w.tradingFactory)}`)
    expect(line('pool (TradingPool')).toBe(`- pool (TradingPool, USDS/TBILL): ${p}`)
    expect(line('pools')).toBe('- pools: 1')
    expect(line(`pool ${p} (USDS/TBILL): `)).toBe(
      `- pool ${p} (USDS/TBILL): asset ${lower(tbill.tbill)} (TBILL, 6 decimals); oracle ${lower(tbill.oracle)}; issuer ${lower(tbill.issuer)}; bid spread 5 bps, ask spread 5 bps; inventory limit 10000000 TBILL; oracle deviation bound 100 bps, maximum age 86400 s; reference price 1 USDS per TBILL; capacity 2000000 USDS a day`,
    )
    expect(line('template trading-amm v1 range: bid and ask spread')).toBe('- template trading-amm v1 range: bid and ask spread (yieldBps): 0 to 100 bps')
    expect(line('template trading-amm v1 range: oracle deviation')).toBe('- template trading-amm v1 range: oracle deviation bound (seniority): 1 to 500 bps')
    expect(line('template trading-amm v1 range: oracle maximum age')).toBe('- template trading-amm v1 range: oracle maximum age (termSeconds): 3600 to 604800 s')
    expect(line('template trading-amm v1 range: inventory')).toBe('- template trading-amm v1 range: inventory limit at the reference price (buyboxTicket): 1000 USDS to 100000000 USDS')
    expect(line('template trading-amm v1 range: pool capacity')).toBe('- template trading-amm v1 range: pool capacity (unitCapacity): 100000 USDS to 50000000 USDS a day')
    expect(line('template trading-amm v1 range: class PSM')).toBe('- template trading-amm v1 range: class PSM swap init (initRateLimit): 1000000 USDS to 50000000 USDS')
    expect(line('LIMIT_USDS_TO_USDC')).toBe(`- LIMIT_USDS_TO_USDC ${LIMIT.USDS_TO_USDC}: init 10000000 USDS`)
    // the pool's inits, as the timelock batch created them (checked on chain above)
    expect(line(`pool ${p} (USDS/TBILL) LIMIT_AMM_POOL_BUY`)).toBe(`- pool ${p} (USDS/TBILL) LIMIT_AMM_POOL_BUY ${keys.poolBuy}: init 2000000 USDS max, 23.148148148148148148 USDS/s`)
    expect(line(`pool ${p} (USDS/TBILL) LIMIT_AMM_POOL_SELL`)).toBe(`- pool ${p} (USDS/TBILL) LIMIT_AMM_POOL_SELL ${keys.poolSell}: init 2000000 TBILL max, 23.148148 TBILL/s`)
    expect(line(`pool ${p} (USDS/TBILL) LIMIT_AMM_REDEEM`)).toBe(`- pool ${p} (USDS/TBILL) LIMIT_AMM_REDEEM ${keys.redeem}: init 2000000 TBILL max, 23.148148 TBILL/s`)
    expect(line(`pool ${p} (USDS/TBILL) LIMIT_AMM_RETURN`)).toBe(`- pool ${p} (USDS/TBILL) LIMIT_AMM_RETURN ${keys.return}: none: a pool with shares cannot return capital`)
    expect(line('lpha-amm key')).toBe(`- lpha-amm key (AMM_OPERATOR of every pool: price sync within the deviation bound, issuer redemptions, capital return; LCTS pBEAM of every pool queue): ${lower(devnet.accounts.relayer.address)}`)
    expect(line('freezer')).toBe(`- freezer (AMM_PAUSER of every pool; Controller freezer): ${lower(devnet.accounts.freezer.address)}`)
    expect(line('admin of every pool')).toBe(`- admin of every pool and queue (spreads, pairs, issuer, reference reset): ${lower(w.timelock)}`)
    expect(md).toContain('lpha-amm cannot change a spread, add a pair or pool, change an issuer or reset a reference price (the BEAMTimeLock\'s, after its delay), and cannot move capital outside the rate limits')
    const codes = md.split('## Warning signals')[1]!.split('## ')[0]!.match(/^- (AMM_[A-Z_]+) \((critical|warning)\)/gm)
    expect(codes).toEqual(Object.entries(AMM_ALERT_CODES).map(([code, severity]) => `- ${code} (${severity})`))
    // deterministic: the same chain renders the same bytes
    const again = await source()
    expect(artifactHash(renderTradingHaloArtifact(again.input as TradingHaloArtifactInput))).toBe(artifactHash(md))
  })

  it('has the required sections of every Halo Artifact; recourse and migration are to be completed until written; a missing or emptied section is named', async () => {
    const found = await source()
    const input = found.input as TradingHaloArtifactInput
    const md = renderTradingHaloArtifact(input)
    expect(missingArtifactSections(md, HALO_ARTIFACT_SECTIONS)).toEqual(['Recourse', 'Migration'])
    const complete = renderTradingHaloArtifact({ ...input, recourse: 'Claims against each issuer under its fund terms.', migration: 'Drain every pool, redeem every share, remove the template.' })
    expect(missingArtifactSections(complete, HALO_ARTIFACT_SECTIONS)).toEqual([])
    expect(artifactHash(complete)).not.toBe(artifactHash(md))
    const withoutBeacon = complete.replace(/## Beacon configuration\n[\s\S]*?(?=## Warning signals)/, '')
    expect(missingArtifactSections(withoutBeacon, HALO_ARTIFACT_SECTIONS)).toEqual(['Beacon configuration'])
    const emptiedLimits = complete.replace(/(## Rate limits\n)[\s\S]*?(?=## Oracle)/, '$1\n')
    expect(missingArtifactSections(emptiedLimits, HALO_ARTIFACT_SECTIONS)).toEqual(['Rate limits'])
  })
})

describe('the Trading Unit Artifact', () => {
  const lower = (a: string) => a.toLowerCase()
  const source = (unit: Address) => tradingUnitArtifactInput({ publicClient: devnet.publicClient, factory: w.factory, tradingFactory: w.tradingFactory, unit })

  it('is rendered from the pool’s metadata event: exact addresses, parameters, LIMIT_AMM_* inits, lpha-amm’s roles and alert codes; the pool, its share token and queues name the same artifact', async () => {
    const input = await source(pool.pool)
    expect(input).toEqual({
      templateName: 'trading-amm', templateVersion: 1, chainId: devnet.publicClient.chain.id,
      pool: lower(pool.pool), shareToken: lower(pool.shareToken), subscribeQueue: lower(pool.subscribeQueue), redeemQueue: lower(pool.redeemQueue),
      pau: lower(cls.pau), rateLimits: lower(cls.rateLimits), timelock: lower(w.timelock), usds: lower(w.usds),
      asset: lower(tbill.tbill), assetSymbol: 'TBILL', assetDecimals: 6, oracle: lower(tbill.oracle), issuer: lower(tbill.issuer),
      beaconOperator: lower(devnet.accounts.relayer.address), freezer: lower(devnet.accounts.freezer.address), govOps: lower(devnet.accounts.govOps.address),
      bidSpreadBps: 5, askSpreadBps: 5, maxDeviationBps: 100, maxOracleAgeSeconds: 86_400,
      maxInventory: 10_000_000_000_000n, referencePriceWad: WAD, capacity: CAPACITY, name: 'T-bill pool share', symbol: 'TBP',
      recordedArtifactHash: keccak256(stringToHex('trading unit artifact')), bookId: factoryBookId(pool.pool, pool.salt),
    })
    for (const other of [pool.shareToken, pool.subscribeQueue, pool.redeemQueue]) expect(await source(other)).toEqual(input)
    const md = renderTradingUnitArtifact(input)
    const line = (label: string) => md.split('\n').find((l) => l.startsWith(`- ${label}`))
    expect(md.split('\n', 1)[0]).toBe(`# Unit Artifact: T-bill pool share (TBP) ${lower(pool.pool)}`)
    expect(line('pool (TradingPool')).toBe(`- pool (TradingPool, USDS/asset): ${lower(pool.pool)}`)
    expect(line('share token')).toBe(`- share token (LCTS, held by Primes): ${lower(pool.shareToken)}`)
    expect(line('NAV oracle')).toBe(`- NAV oracle: ${lower(tbill.oracle)}`)
    expect(line('bid spread')).toBe('- bid spread (the pool buys at oracle − spread): 5 bps')
    expect(line('ask spread')).toBe('- ask spread (the pool sells at oracle + spread): 5 bps')
    expect(line('inventory limit')).toBe('- inventory limit (held + pending): 10000000 TBILL')
    expect(line('oracle deviation bound')).toBe('- oracle deviation bound: 100 bps of the reference price')
    expect(line('oracle maximum age')).toBe('- oracle maximum age: 86400 s')
    expect(line('reference price')).toBe('- reference price: 1 USDS per TBILL')
    // 2M USDS a day: 23.148148148148148148 USDS/s; 2M TBILL a day: 23.148148 TBILL/s
    expect(line('LIMIT_AMM_POOL_BUY')).toBe(`- LIMIT_AMM_POOL_BUY ${keys.poolBuy}: init 2000000 USDS max, 23.148148148148148148 USDS/s`)
    expect(line('LIMIT_AMM_POOL_SELL')).toBe(`- LIMIT_AMM_POOL_SELL ${keys.poolSell}: init 2000000 TBILL max, 23.148148 TBILL/s`)
    expect(line('LIMIT_AMM_REDEEM')).toBe(`- LIMIT_AMM_REDEEM ${keys.redeem}: init 2000000 TBILL max, 23.148148 TBILL/s`)
    expect(line('LIMIT_AMM_SUBSCRIBE')).toBe(`- LIMIT_AMM_SUBSCRIBE ${keys.subscribe}: init 2000000 USDS max, 23.148148148148148148 USDS/s`)
    expect(line('LIMIT_AMM_UNSUBSCRIBE')).toBe(`- LIMIT_AMM_UNSUBSCRIBE ${keys.unsubscribe}: init 2000000 USDS max, 23.148148148148148148 USDS/s`)
    expect(line('LIMIT_AMM_RETURN')).toBe(`- LIMIT_AMM_RETURN ${keys.return}: none: a pool with shares cannot return capital`)
    // the inits the artifact states are the ones the timelock batch created
    expect(await w.initOf(keys.poolSell, cls.pau)).toEqual([tradingAssetInit(input), tradingAssetInit(input) / DAY])
    expect(line('lpha-amm key')).toBe(`- lpha-amm key (pool AMM_OPERATOR: price sync, issuer redemptions, capital return; LCTS pBEAM of both queues): ${lower(devnet.accounts.relayer.address)}`)
    expect(line('freezer (pool AMM_PAUSER)')).toBe(`- freezer (pool AMM_PAUSER): ${lower(devnet.accounts.freezer.address)}`)
    const codes = md.split('## Warning signals')[1]!.split('## ')[0]!.match(/^- (AMM_[A-Z_]+) \((critical|warning)\)/gm)
    expect(codes).toEqual(Object.entries(AMM_ALERT_CODES).map(([code, severity]) => `- ${code} (${severity})`))
    expect(line('AMM_ORACLE_STALE')).toBe(`- AMM_ORACLE_STALE (critical): the oracle ${lower(tbill.oracle)} reading is older than 86400 s: swaps are paused`)
    expect(line('AMM_INVENTORY_LIMIT_REACHED')).toBe('- AMM_INVENTORY_LIMIT_REACHED (warning): inventory (held + pending at the issuer) reached 10000000 TBILL: the pool buys no more')
    // deterministic: the same input renders the same bytes, so the hash can be computed before deploying
    expect(artifactHash(renderTradingUnitArtifact(await source(pool.pool)))).toBe(artifactHash(md))
  })

  it('has the required sections of every Unit Artifact; the Halo’s own are to be completed until written; a missing or emptied section is named', async () => {
    const input = await source(pool.pool)
    const md = renderTradingUnitArtifact(input)
    expect(missingArtifactSections(md, UNIT_ARTIFACT_SECTIONS)).toEqual(['Legal recourse', 'Migration'])
    const complete = renderTradingUnitArtifact({ ...input, legalRecourse: 'Claims against the issuer under its fund terms.', migration: 'Drain the pool, redeem every share, remove the template.' })
    expect(missingArtifactSections(complete, UNIT_ARTIFACT_SECTIONS)).toEqual([])
    expect(artifactHash(complete)).not.toBe(artifactHash(md))
    const withoutSignals = complete.replace(/## Warning signals\n[\s\S]*?(?=## Legal recourse)/, '')
    expect(missingArtifactSections(withoutSignals, UNIT_ARTIFACT_SECTIONS)).toEqual(['Warning signals'])
    const emptiedLimits = complete.replace(/(## Rate limits\n)[\s\S]*?(?=## Oracle)/, '$1\n')
    expect(missingArtifactSections(emptiedLimits, UNIT_ARTIFACT_SECTIONS)).toEqual(['Rate limits'])
  })

  it('rendered at the predicted addresses before deploying, its hash is the one the pool’s event carries and the deployed pool renders the same text', async () => {
    const { govOps } = devnet.accounts
    const written = { legalRecourse: 'Claims against the issuer under its fund terms.', migration: 'Drain the pool, redeem every share, remove the template.' }
    const salt = w.nextSalt()
    const draft = poolParams({ name: 'Hashed pool share', symbol: 'HPS' })
    const predicted = await predictPool(devnet, { tradingFactory: w.tradingFactory, deployer: govOps.address, pau: cls.pau, params: draft, salt })
    const { classes } = await readFactoryDeployments({ publicClient: devnet.publicClient, factory: w.factory, fromBlock: 0n, finalityDepth: 0 })
    const clsRecord = classes.find((c) => c.pau === lower(cls.pau))!
    const before = renderTradingUnitArtifact({
      ...tradingUnitInputOf({ cls: clsRecord, book: predictedPoolSource({ templateId: w.tradingTemplateId, templateVersion: 1, params: draft, predicted }), chainId: devnet.publicClient.chain.id, usds: w.usds, timelock: w.timelock, assetSymbol: 'TBILL', assetDecimals: 6 }),
      ...written,
    })
    expect(missingArtifactSections(before, UNIT_ARTIFACT_SECTIONS)).toEqual([])
    const hashed = await deployPool(devnet, { tradingFactory: w.tradingFactory, account: govOps, pau: cls.pau, params: { ...draft, artifactHash: artifactHash(before) }, salt })
    expect(hashed.pool).toBe(predicted.pool) // the hash is not in the salt: the addresses do not move
    const input = await source(hashed.pool)
    expect(input.recordedArtifactHash).toBe(artifactHash(before))
    expect(renderTradingUnitArtifact({ ...input, ...written })).toBe(before)
  })

  it('an address that is no pool of the TradingPoolFactory is refused', async () => {
    await expect(source(cls.pau)).rejects.toThrow(/is not a pool of the TradingPoolFactory/)
  })
})

describe('refusals', () => {
  it('parameters outside the template’s ranges revert ParameterOutOfRange naming the parameter', async () => {
    const { govOps } = devnet.accounts
    const r = TRADING_TEMPLATE_RANGES
    const cases: [string, Partial<TradingPoolParams>][] = [
      ['bidSpreadBps', { bidSpreadBps: Number(r.yieldBps.max) + 1 }],
      ['askSpreadBps', { askSpreadBps: Number(r.yieldBps.max) + 1 }],
      ['maxDeviationBps', { maxDeviationBps: 0 }],
      ['maxDeviationBps', { maxDeviationBps: Number(r.seniority.max) + 1 }],
      ['maxOracleAgeSeconds', { maxOracleAgeSeconds: Number(r.termSeconds.min) - 1 }],
      ['maxOracleAgeSeconds', { maxOracleAgeSeconds: Number(r.termSeconds.max) + 1 }],
      ['capacity', { capacity: r.unitCapacity.min - 1n }],
      ['capacity', { capacity: r.unitCapacity.max + 1n }],
      // 100,000,001 T-bills at NAV 1.00 are worth more than the 100M ticket bound; at NAV 0.5 they fit
      ['maxInventoryValue', { maxInventory: tb('100000001') }],
      ['maxInventoryValue', { maxInventory: tb('999') }],
      ['referencePriceWad', { referencePriceWad: 0n }],
    ]
    for (const [name, overrides] of cases) {
      await expect(deployPool(devnet, { tradingFactory: w.tradingFactory, account: govOps, pau: cls.pau, params: poolParams(overrides), salt: w.nextSalt() }), name).rejects.toThrow(
        new RegExp(`ParameterOutOfRange[\\s\\S]*${nameHex(name)}`),
      )
    }
    await deployPool(devnet, { tradingFactory: w.tradingFactory, account: govOps, pau: cls.pau, params: poolParams({ maxInventory: tb('200000000'), referencePriceWad: WAD / 2n }), salt: w.nextSalt() })
    await expect(deployPool(devnet, { tradingFactory: w.tradingFactory, account: govOps, pau: cls.pau, params: poolParams({ asset: '0x0000000000000000000000000000000000000000' }), salt: w.nextSalt() })).rejects.toThrow(/ZeroAddress/)
  })

  it('deployPool answers only the class’s GovOps (a stolen or any other key: NotClassGovOps); an unknown PAU is refused', async () => {
    for (const name of ['deployer', 'council', 'aBEAM', 'relayer', 'freezer', 'alice', 'attacker'] as const) {
      await expect(deployPool(devnet, { tradingFactory: w.tradingFactory, account: devnet.accounts[name], pau: cls.pau, params: poolParams(), salt: w.nextSalt() }), name).rejects.toThrow(/NotClassGovOps/)
    }
    await expect(deployPool(devnet, { tradingFactory: w.tradingFactory, account: devnet.accounts.govOps, pau: tbill.oracle, params: poolParams(), salt: w.nextSalt() })).rejects.toThrow(/UnknownClass/)
  })

  it('the cases here cover every state-changing function of TradingPoolFactory', () => {
    const external = (tradingPoolFactoryAbi as Abi).filter((item) => item.type === 'function' && item.stateMutability !== 'view' && item.stateMutability !== 'pure').map((item) => (item as { name: string }).name)
    expect(external).toEqual(['deployPool'])
  })

  it('a reused salt is refused; kinds do not mix: no pool on a Term class, no NFAT unit or Portfolio book on a Trading class', async () => {
    const { govOps } = devnet.accounts
    const salt = w.nextSalt()
    await deployPool(devnet, { tradingFactory: w.tradingFactory, account: govOps, pau: cls.pau, params: poolParams(), salt })
    await expect(deployPool(devnet, { tradingFactory: w.tradingFactory, account: govOps, pau: cls.pau, params: poolParams(), salt })).rejects.toThrow(/SaltAlreadyUsed/)
    await w.approveTemplate()
    const term = await deployClass(devnet, { factory: w.factory, account: govOps, templateId: w.templateId, params: w.classParams(), salt: w.nextSalt() })
    await expect(deployPool(devnet, { tradingFactory: w.tradingFactory, account: govOps, pau: term.pau, params: poolParams(), salt: w.nextSalt() })).rejects.toThrow(/WrongTemplateKind/)
    await expect(devnet.write(govOps, { address: w.factory, abi: haloFactoryAbi, functionName: 'deployUnit', args: [cls.pau, w.unitParams(0), w.nextSalt()] })).rejects.toThrow(/WrongTemplateKind/)
    await expect(devnet.write(govOps, { address: w.factory, abi: haloFactoryAbi, functionName: 'deployBook', args: [cls.pau, 0n, [], w.nextSalt()] })).rejects.toThrow(/WrongTemplateKind/)
  })

  it('a second initialisation of each clone, or any of the implementations, is refused for every caller', async () => {
    const impl = w.tradingImplementations
    for (const name of ['deployer', 'council', 'aBEAM', 'govOps', 'relayer', 'freezer', 'alice', 'attacker'] as const) {
      const as = devnet.accounts[name]
      const a = as.address
      const init = { admin: a, operator: a, pauser: a, params: { oracle: a, issuer: a, bidSpreadBps: 0, askSpreadBps: 0, maxDeviationBps: 1, maxOracleAgeSeconds: 1, maxInventory: 0n }, referencePriceWad: 1n, shareToken: a, subscribeQueue: a, redeemQueue: a }
      for (const target of [pool.pool, impl.tradingPool]) {
        await expect(devnet.write(as, { address: target, abi: tradingPoolAbi, functionName: 'initialize', args: [init] }), name).rejects.toThrow(/InvalidInitialization/)
      }
      for (const target of [pool.shareToken, impl.lctsToken]) {
        await expect(devnet.write(as, { address: target, abi: lctsTokenAbi, functionName: 'initialize', args: ['x', 'x'] }), name).rejects.toThrow(/InvalidInitialization/)
      }
      for (const target of [pool.subscribeQueue, pool.redeemQueue]) {
        await expect(devnet.write(as, { address: target, abi: lctsQueueAbi, functionName: 'initialize', args: [a, a, a] }), name).rejects.toThrow(/InvalidInitialization/)
      }
      // wireShares is the admin's (the timelock's) alone; initialize already wired the shares (checked above), so it would revert AlreadyWired
      await expect(devnet.write(as, { address: pool.pool, abi: tradingPoolAbi, functionName: 'wireShares', args: [pool.shareToken, a, a] }), name).rejects.toThrow(/AccessControlUnauthorizedAccount/)
    }
  })

  it('the TradingPoolFactory holds only PROPOSER (with CANCELLER and PAUSER) on the timelock; a removed template deploys no pool (instant)', async () => {
    const held: string[] = []
    for (const r of ['PROPOSER_ROLE', 'CANCELLER_ROLE', 'PAUSER_ROLE', 'EXECUTOR_ROLE', 'DEFAULT_ADMIN_ROLE'] as const) {
      const role = await devnet.publicClient.readContract({ address: w.timelock, abi: beamTimeLockAbi, functionName: r })
      if (await devnet.publicClient.readContract({ address: w.timelock, abi: beamTimeLockAbi, functionName: 'hasRole', args: [role, w.tradingFactory] })) held.push(r)
    }
    expect(held).toEqual(['PROPOSER_ROLE', 'CANCELLER_ROLE', 'PAUSER_ROLE'])
    for (const address of [w.configurator, w.beamState, w.registry]) {
      expect(await devnet.publicClient.readContract({ address, abi: configuratorAbi, functionName: 'hasRole', args: [ROLE.admin, w.tradingFactory] })).toBe(false)
    }
    await devnet.write(devnet.accounts.aBEAM, { address: w.registry, abi: haloTemplateRegistryAbi, functionName: 'removeTemplate', args: [w.tradingTemplateId] })
    await expect(deployPool(devnet, { tradingFactory: w.tradingFactory, account: devnet.accounts.govOps, pau: cls.pau, params: poolParams(), salt: w.nextSalt() })).rejects.toThrow(/TemplateNotApproved/)
  })
})
