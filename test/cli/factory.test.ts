/**
 * `halo factory …`, `halo artifact` and `halo day0` against a factory devnet: template add
 * (schedule, execute), list and show; addresses equal to what deploy-class and deploy-unit then
 * deploy; --dry-run sends nothing; inventory add; the unit artifact; day0 exits non-zero with
 * its failures while the unit is not wired yet; a Portfolio book: addresses book equal to what
 * deploy-book deploys, --dry-run sends nothing, a caller other than GovOps exits 1; a Trading
 * class: template add --kind trading, addresses pool equal to what deploy-pool deploys, dry runs
 * send nothing, refusals exit 1, wire-pool sets the five LIMIT_AMM_* limits at their inits,
 * `halo artifact unit <pool> --trading-factory` renders the pool's Unit Artifact, `halo artifact halo
 * <pau> --trading-factory` the class's Trading Halo Artifact (without the flag: exit 1).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { keccak256, stringToBytes } from 'viem'
import { almProxyImmutableRanges } from '../../src/chain/generated/index.js'
import { deployFactoryStack, PORTFOLIO_TEMPLATE_NAME, PORTFOLIO_TEMPLATE_RANGES, TERM_TEMPLATE_RANGES, TRADING_TEMPLATE_RANGES, type FactoryStack } from '../../src/factory/devnet.js'
import { deployDevnetTBill } from '../../src/chain/deploy/deployTradingPool.js'
import { executeScheduled } from '../../src/chain/timelock.js'
import { rateLimitsAbi } from '../../src/chain/generated/index.js'
import { poolRateLimitKeys } from '../../src/domain/trading/keys.js'
import { useDevnet, type Devnet } from '../fixtures/devnet.js'
import { runHalo } from '../support/cli.js'

let devnet: Devnet
let stack: FactoryStack
const dir = mkdtempSync(join(tmpdir(), 'halo-factory-cli-'))
const file = (name: string, value: unknown) => {
  const path = join(dir, name)
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? String(v) : v)))
  return path
}
const key = (i: number) => ['0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80', '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d', '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a', '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6'][i]!

beforeAll(async () => {
  devnet = await useDevnet()
  stack = await deployFactoryStack(devnet, devnet.accounts, { delaySeconds: 60n, devnetTimelock: true })
})

describe('halo factory CLI', () => {
  it('template approval, prediction, deployment, dry runs, inventory, artifact and day0', async () => {
    void almProxyImmutableRanges
    const base = ['--rpc', devnet.rpcUrl, '--factory', stack.factory, '--json']
    const impl = stack.implementations
    const ranges = file('ranges.json', TERM_TEMPLATE_RANGES)
    const add = ['factory', 'template', 'add', 'term-cli', '--implementations', [impl.almProxy, impl.controller, impl.rateLimits, impl.nfatFacility].join(','), '--ranges', ranges, '--key', key(2), ...base]
    expect((await runHalo(...add, '--dry-run')).code).toBe(0)
    expect(JSON.parse((await runHalo(...add)).stdout)).toMatchObject({ executed: false })
    await devnet.increaseTime(60n)
    expect(JSON.parse((await runHalo(...add, '--execute')).stdout)).toMatchObject({ executed: true })
    expect(JSON.parse((await runHalo('factory', 'template', 'list', ...base)).stdout)).toEqual([expect.objectContaining({ name: 'term-cli', version: '1', active: true })])
    expect(JSON.parse((await runHalo('factory', 'template', 'show', 'term-cli', ...base)).stdout)).toMatchObject({ kind: 1, classContracts: 3 })

    const { govOps, relayer, freezer, aBEAM } = devnet.accounts
    const classParams = file('class.json', { govOps: govOps.address, beaconOperator: relayer.address, freezer: freezer.address, swapRateLimit: String(10n ** 25n) })
    const predicted = JSON.parse((await runHalo('factory', 'addresses', 'class', '--template', 'term-cli', '--deployer', govOps.address, '--params', classParams, '--salt', 'cli-1', ...base)).stdout)
    const blockBefore = await devnet.publicClient.getBlockNumber({ cacheTime: 0 })
    const dry = await runHalo('factory', 'deploy-class', '--template', 'term-cli', '--params', classParams, '--salt', 'cli-1', '--key', key(3), '--dry-run', ...base)
    expect(JSON.parse(dry.stdout)).toMatchObject({ dryRun: true, pau: predicted.pau })
    expect(await devnet.publicClient.getBlockNumber({ cacheTime: 0 })).toBe(blockBefore) // a dry run sends nothing
    const deployed = JSON.parse((await runHalo('factory', 'deploy-class', '--template', 'term-cli', '--params', classParams, '--salt', 'cli-1', '--key', key(3), ...base)).stdout)
    expect(deployed).toMatchObject(predicted)

    const unitParams = file('unit.json', { capacity: String(20n * 10n ** 24n), seniority: '0', yieldBps: '800', termSeconds: String(180 * 86_400), buyboxMinTicket: String(10n ** 24n), buyboxMaxTicket: String(20n * 10n ** 24n), firstTokenId: '500', name: 'CLI Unit', symbol: 'CLIU' })
    const unitPredicted = JSON.parse((await runHalo('factory', 'addresses', 'unit', '--pau', deployed.pau, '--deployer', govOps.address, '--params', unitParams, '--salt', 'u-1', ...base)).stdout)
    const unit = JSON.parse((await runHalo('factory', 'deploy-unit', '--pau', deployed.pau, '--params', unitParams, '--salt', 'u-1', '--key', key(3), ...base)).stdout)
    expect(unit.unit).toBe(unitPredicted.unit)
    const refused = await runHalo('factory', 'deploy-unit', '--pau', deployed.pau, '--params', unitParams, '--salt', 'u-2', '--key', key(0), ...base)
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/NotClassGovOps/)

    const inv = await runHalo('factory', 'inventory', 'add', 'cli-entry', '--template', 'term-cli', '--contracts', [deployed.pau, deployed.controller, deployed.rateLimits].join(','), '--beacon-operator', relayer.address, '--artifact-uri', 'https://example.org/a', '--key', key(2), ...base)
    expect(JSON.parse(inv.stdout)).toEqual({ entry: 'cli-entry', conforming: false }) // clones are EIP-1167 proxies, not the implementation code
    void aBEAM

    const artifact = JSON.parse((await runHalo('artifact', 'unit', unit.unit, ...base)).stdout)
    expect(artifact.markdown).toContain(unit.unit.toLowerCase())
    expect(artifact.markdown).toContain('_To be completed by the Halo._')
    const termHalo = JSON.parse((await runHalo('artifact', 'halo', deployed.pau, ...base)).stdout) // a Term class: the Term text, no --trading-factory needed
    expect([termHalo.kind, termHalo.markdown.split('\n', 1)[0]]).toEqual(['term', `# Halo Artifact: Term Halo Class ${deployed.pau.toLowerCase()}`])
    const day0 = await runHalo('day0', unit.unit, '--artifact', file('artifact.md', artifact.markdown), ...base)
    expect(day0.code).toBe(1)
    const failures = JSON.parse(day0.stdout).failures.map((f: { item: string }) => f.item)
    expect(failures).toEqual(expect.arrayContaining(['artifact', 'artifactHash', 'beacon', 'claim']))
  })

  it('Portfolio template approval: --kind portfolio schedules, is refused before the delay and for a non-aBEAM key, executes after it; show gives kind 2', async () => {
    const base = ['--rpc', devnet.rpcUrl, '--factory', stack.factory, '--json']
    const impl = stack.portfolioImplementations
    const ranges = file('portfolio-ranges.json', PORTFOLIO_TEMPLATE_RANGES)
    const list = [impl.almProxy, impl.controller, impl.rateLimits, impl.portfolioHaloClass, impl.portfolioUnitToken, impl.lctsQueue].join(',')
    const add = ['factory', 'template', 'add', 'portfolio-cli', '--kind', 'portfolio', '--implementations', list, '--ranges', ranges, ...base]
    // attacks first: four addresses are a Term template's, an unknown kind, a key without the proposer role, execution before the delay
    expect((await runHalo('factory', 'template', 'add', 'portfolio-cli', '--kind', 'portfolio', '--implementations', list.split(',').slice(0, 4).join(','), '--ranges', ranges, '--key', key(2), ...base)).stderr).toMatch(/takes 6 addresses/)
    expect((await runHalo('factory', 'template', 'add', 'x', '--kind', 'nfat', '--implementations', list, '--ranges', ranges, '--key', key(2), ...base)).stderr).toMatch(/term, portfolio or trading/)
    const stranger = await runHalo(...add, '--key', key(0))
    expect(stranger.code).toBe(1)
    expect(JSON.parse(stranger.stderr)).toMatchObject({ code: 'CHAIN_REFUSED' })
    const dry = JSON.parse((await runHalo(...add, '--key', key(2), '--dry-run')).stdout)
    expect(dry).toMatchObject({ kind: 'portfolio', delaySeconds: '60' })
    expect(JSON.parse((await runHalo(...add, '--key', key(2))).stdout)).toMatchObject({ kind: 'portfolio', executed: false })
    const early = await runHalo(...add, '--key', key(2), '--execute')
    expect(early.code).toBe(1)
    expect(JSON.parse(early.stderr)).toMatchObject({ code: 'CHAIN_REFUSED' })
    expect(JSON.parse((await runHalo('factory', 'template', 'show', 'portfolio-cli', ...base)).stdout)).toMatchObject({ version: '0', active: false }) // not approved yet
    await devnet.increaseTime(60n)
    expect((await runHalo(...add, '--key', key(0), '--execute')).code).toBe(1) // the executor must be an aBEAM too
    expect(JSON.parse((await runHalo(...add, '--key', key(2), '--execute')).stdout)).toMatchObject({ kind: 'portfolio', executed: true })
    const shown = JSON.parse((await runHalo('factory', 'template', 'show', 'portfolio-cli', ...base)).stdout)
    expect(shown).toMatchObject({ name: 'portfolio-cli', version: '1', active: true, kind: 2, classContracts: 4, implementations: list.split(',') })
  })

  it('Portfolio book: addresses book, deploy-book --dry-run (sends nothing) and deploy-book at the predicted addresses; refused for another caller', async () => {
    const base = ['--rpc', devnet.rpcUrl, '--factory', stack.factory, '--json']
    await stack.approveTemplate(stack.portfolioTemplateId, stack.portfolioTemplate)
    const { govOps, relayer, freezer } = devnet.accounts
    const classParams = file('portfolio-class.json', { govOps: govOps.address, beaconOperator: relayer.address, freezer: freezer.address, swapRateLimit: String(10n ** 25n), managerEndpoint: `0x${'ab'.repeat(20)}` })
    const cls = JSON.parse((await runHalo('factory', 'deploy-class', '--template', PORTFOLIO_TEMPLATE_NAME, '--params', classParams, '--salt', 'pf-1', '--key', key(3), ...base)).stdout)
    expect(cls.haloClass).toMatch(/^0x[0-9a-fA-F]{40}$/)
    const M = (n: bigint) => String(n * 10n ** 24n)
    const bookParams = file('book.json', {
      accrualSeconds: '86400',
      units: [
        { capacity: M(80n), rank: 0, yieldBps: '500', dustThreshold: '0', name: 'CLI Senior', symbol: 'CSR' },
        { capacity: M(20n), rank: 1, yieldBps: '0', dustThreshold: '0', name: 'CLI Junior', symbol: 'CJR' },
      ],
    })
    const predicted = JSON.parse((await runHalo('factory', 'addresses', 'book', '--pau', cls.pau, '--deployer', govOps.address, '--params', bookParams, '--salt', 'b-1', ...base)).stdout)
    expect(predicted.units).toHaveLength(2)
    const blockBefore = await devnet.publicClient.getBlockNumber({ cacheTime: 0 })
    const dry = await runHalo('factory', 'deploy-book', '--pau', cls.pau, '--params', bookParams, '--salt', 'b-1', '--key', key(3), '--dry-run', ...base)
    expect(JSON.parse(dry.stdout)).toEqual({ dryRun: true, units: predicted.units })
    expect(await devnet.publicClient.getBlockNumber({ cacheTime: 0 })).toBe(blockBefore) // a dry run sends nothing
    const deployed = JSON.parse((await runHalo('factory', 'deploy-book', '--pau', cls.pau, '--params', bookParams, '--salt', 'b-1', '--key', key(3), ...base)).stdout)
    expect(deployed).toMatchObject({ pau: cls.pau, haloClass: cls.haloClass, units: predicted.units })
    expect(deployed.timelockBatchId).toMatch(/^0x[0-9a-f]{64}$/)
    const refused = await runHalo('factory', 'deploy-book', '--pau', cls.pau, '--params', bookParams, '--salt', 'b-2', '--key', key(0), ...base)
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/NotClassGovOps/)
    const reused = await runHalo('factory', 'deploy-book', '--pau', cls.pau, '--params', bookParams, '--salt', 'b-1', '--key', key(3), '--dry-run', ...base)
    expect(reused.code).toBe(1)
    expect(reused.stderr).toMatch(/SaltAlreadyUsed/)
  })

  it('Trading: template add --kind trading, deploy-class, addresses pool = deploy-pool (dry run sends nothing), refusals exit 1, wire-pool after the batches', async () => {
    const base = ['--rpc', devnet.rpcUrl, '--factory', stack.factory, '--json']
    const trading = ['--trading-factory', stack.tradingFactory]
    const impl = stack.tradingImplementations
    const list = [impl.almProxy, impl.controller, impl.rateLimits, impl.tradingPool, impl.lctsToken, impl.lctsQueue].join(',')
    const add = ['factory', 'template', 'add', 'trading-cli', '--kind', 'trading', '--implementations', list, '--ranges', file('trading-ranges.json', TRADING_TEMPLATE_RANGES), '--key', key(2), ...base]
    expect(JSON.parse((await runHalo(...add)).stdout)).toMatchObject({ kind: 'trading', executed: false })
    await devnet.increaseTime(60n)
    expect(JSON.parse((await runHalo(...add, '--execute')).stdout)).toMatchObject({ kind: 'trading', executed: true })
    expect(JSON.parse((await runHalo('factory', 'template', 'show', 'trading-cli', ...base)).stdout)).toMatchObject({ kind: 3, classContracts: 3, implementations: list.split(',') })

    const { govOps, relayer, freezer, deployer, aBEAM } = devnet.accounts
    const classParams = file('trading-class.json', { govOps: govOps.address, beaconOperator: relayer.address, freezer: freezer.address, swapRateLimit: String(10n ** 25n) })
    const cls = JSON.parse((await runHalo('factory', 'deploy-class', '--template', 'trading-cli', '--params', classParams, '--salt', 'tr-1', '--key', key(3), ...base)).stdout)
    const t = await deployDevnetTBill(devnet, { owner: deployer, usds: stack.usds, navWad: 10n ** 18n, settlementDelaySeconds: 86_400n })
    const pool = { asset: t.tbill, oracle: t.oracle, issuer: t.issuer, bidSpreadBps: 5, askSpreadBps: 5, maxDeviationBps: 100, maxOracleAgeSeconds: 86_400, maxInventory: String(10n ** 13n), referencePriceWad: String(10n ** 18n), capacity: String(2n * 10n ** 24n), name: 'CLI pool share', symbol: 'CTP' }
    const poolParams = file('pool.json', pool)
    const predicted = JSON.parse((await runHalo('factory', 'addresses', 'pool', '--pau', cls.pau, '--deployer', govOps.address, '--params', poolParams, '--salt', 'p-1', ...trading, ...base)).stdout)
    const blockBefore = await devnet.publicClient.getBlockNumber({ cacheTime: 0 })
    const deployPool = (...more: string[]) => runHalo('factory', 'deploy-pool', '--pau', cls.pau, ...more, ...trading, ...base)
    expect(JSON.parse((await deployPool('--params', poolParams, '--salt', 'p-1', '--key', key(3), '--dry-run')).stdout)).toEqual({ dryRun: true, ...predicted })
    expect(await devnet.publicClient.getBlockNumber({ cacheTime: 0 })).toBe(blockBefore) // a dry run sends nothing
    const refused = await deployPool('--params', poolParams, '--salt', 'p-2', '--key', key(0))
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/NotClassGovOps/)
    const wide = await deployPool('--params', file('pool-wide.json', { ...pool, bidSpreadBps: 101 }), '--salt', 'p-3', '--key', key(3))
    expect(wide.code).toBe(1)
    expect(wide.stderr).toMatch(/ParameterOutOfRange/)
    expect((await runHalo('factory', 'deploy-pool', '--pau', cls.pau, '--params', poolParams, '--salt', 'p-1', '--key', key(3), ...base)).stderr).toMatch(/--trading-factory/)
    const deployed = JSON.parse((await deployPool('--params', poolParams, '--salt', 'p-1', '--key', key(3))).stdout)
    expect(deployed).toMatchObject({ pau: cls.pau, ...predicted })

    // the aBEAM executes the class and pool batches after the delay; GovOps sets the pool's limits
    await devnet.increaseTime(60n)
    for (const id of [cls.timelockBatchId, deployed.timelockBatchId]) await executeScheduled(devnet, { timelock: stack.timelock, executor: aBEAM, id, fromBlock: stack.fromBlock })
    const wire = ['factory', 'wire-pool', '--pool', deployed.pool, ...trading, ...base]
    expect((await runHalo(...wire, '--key', key(0))).code).toBe(1) // not the class's GovOps
    const blockBeforeWire = await devnet.publicClient.getBlockNumber({ cacheTime: 0 })
    expect(JSON.parse((await runHalo(...wire, '--key', key(3), '--dry-run')).stdout)).toMatchObject({ dryRun: true })
    expect(await devnet.publicClient.getBlockNumber({ cacheTime: 0 })).toBe(blockBeforeWire)
    const wired = JSON.parse((await runHalo(...wire, '--key', key(3))).stdout)
    expect(wired.txs).toHaveLength(5)
    const keys = poolRateLimitKeys(t.tbill, deployed.pool)
    const limit = (k: `0x${string}`) => devnet.publicClient.readContract({ address: cls.rateLimits, abi: rateLimitsAbi, functionName: 'getRateLimitData', args: [k] })
    expect((await limit(keys.poolBuy)).slice(0, 2)).toEqual([2n * 10n ** 24n, (2n * 10n ** 24n) / 86_400n])
    expect((await limit(keys.poolSell)).slice(0, 2)).toEqual([2n * 10n ** 12n, (2n * 10n ** 12n) / 86_400n]) // 2M T-bills at NAV 1.00

    // the pool's Unit Artifact (by the pool or its share token): kind trading, the LIMIT_AMM_* inits, its hash
    const artifact = JSON.parse((await runHalo('artifact', 'unit', deployed.pool, ...trading, ...base)).stdout)
    expect(artifact.kind).toBe('trading')
    expect(artifact.hash).toBe(keccak256(stringToBytes(artifact.markdown)))
    expect(artifact.markdown).toContain(`- pool (TradingPool, USDS/asset): ${deployed.pool.toLowerCase()}`)
    expect(artifact.markdown).toContain(`- LIMIT_AMM_POOL_SELL ${keys.poolSell}: init 2000000 TBILL max, 23.148148 TBILL/s`)
    expect(artifact.markdown).toContain('_To be completed by the Halo._')
    expect(JSON.parse((await runHalo('artifact', 'unit', deployed.shareToken, ...trading, ...base)).stdout).hash).toBe(artifact.hash)

    // the class's Halo Artifact: kind trading (not the Term text), its pool and the pool's inits; without --trading-factory refused by name
    const halo = JSON.parse((await runHalo('artifact', 'halo', cls.pau, ...trading, ...base)).stdout)
    expect(halo.kind).toBe('trading')
    expect(halo.hash).toBe(keccak256(stringToBytes(halo.markdown)))
    expect(halo.markdown.split('\n', 1)[0]).toBe(`# Halo Artifact: Trading Halo Class ${cls.pau.toLowerCase()}`)
    expect(halo.markdown).toContain(`- pool (TradingPool, USDS/TBILL): ${deployed.pool.toLowerCase()}`)
    expect(halo.markdown).toContain(`- pool ${deployed.pool.toLowerCase()} (USDS/TBILL) LIMIT_AMM_POOL_SELL ${keys.poolSell}: init 2000000 TBILL max, 23.148148 TBILL/s`)
    expect(halo.markdown).not.toMatch(/nfat/i)
    const noTrading = await runHalo('artifact', 'halo', cls.pau, ...base)
    expect(noTrading.code).toBe(1)
    expect(noTrading.stderr).toMatch(/is a Trading class[\s\S]*--trading-factory/)

    // deploy-pool --artifacts: rendered at the predicted addresses, deployed with its hash; the deployed pool renders the same text
    const written = ['--recourse', file('recourse.md', 'Claims against the issuer.'), '--migration', file('migration.md', 'Drain, redeem, remove.')]
    const artifactsDir = join(dir, 'pool-artifacts')
    const hashed = JSON.parse((await deployPool('--params', poolParams, '--salt', 'p-4', '--key', key(3), '--artifacts', artifactsDir, ...written)).stdout)
    expect(hashed.artifact).toEqual({ pool: hashed.pool, hash: expect.stringMatching(/^0x[0-9a-f]{64}$/), file: join(artifactsDir, `${hashed.pool.toLowerCase()}.md`) })
    const again = JSON.parse((await runHalo('artifact', 'unit', hashed.pool, ...written, ...trading, ...base)).stdout)
    expect([again.hash, again.recordedHash]).toEqual([hashed.artifact.hash, hashed.artifact.hash])
    expect(readFileSync(hashed.artifact.file, 'utf8')).toBe(again.markdown)
    expect(again.markdown).not.toContain('_To be completed by the Halo._')
  })
})
