import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Address } from 'viem'
import { susdsAbi, susdsBytecode, usdsAbi, usdsBytecode } from '../../../src/chain/generated/index.js'
import { parseUnitsExact } from '../../../src/domain/money.js'
import { parseCoreHalo, type CoreHaloDocument } from '../../../src/domain/risk/coreHalo.js'
import { parseRiskFramework } from '../../../src/domain/risk/framework.js'
import { buildRiskReport } from '../../../src/domain/risk/report.js'
import { readCoreHaloValue, readJsonPath, valueCoreHalos } from '../../../src/risk/sources/index.js'
import { useDevnet, type Devnet } from '../../fixtures/devnet.js'
import { TEST_FRAMEWORK, TEST_FRAMEWORK_VERSION } from '../../domain/risk/fixtures.js'

const framework = parseRiskFramework(TEST_FRAMEWORK, TEST_FRAMEWORK_VERSION)
const wad = (value: string) => parseUnitsExact(value, 18)

let devnet: Devnet
let usds: Address
let susds: Address
let server: Server
let baseUrl: string
/** What the test's "financial API" answers per path: [status, body, delay ms]. */
const routes: Record<string, [number, string, number?]> = {
  '/jaaa/nav': [200, JSON.stringify({ data: { fund: 'JAAA', positions: [{ nav: '2500000.25' }] } })],
  '/buidl/nav': [200, JSON.stringify({ nav: 1250000.5 })],
  '/broken': [500, 'oops'],
  '/html': [200, '<html>maintenance</html>'],
  '/negative': [200, JSON.stringify({ nav: '-5' })],
  '/exponent': [200, JSON.stringify({ nav: 1e21 })],
  '/text-number': [200, JSON.stringify({ nav: 'about 12 million' })],
  '/slow': [200, JSON.stringify({ nav: '1' }), 2_000],
  // Raw text: JSON.stringify of a float could not even write these numbers.
  '/precise': [200, '{"fund":"JAAA","nav":2500000000.123456789}'],
  '/nineteen-decimals': [200, '{"nav":1.0000000000000000001}'],
  '/duplicate-key': [200, '{"nav":"1","nav":"2"}'],
  '/number-inside': [200, '{"nav":12}'],
}

beforeAll(async () => {
  devnet = await useDevnet()
  const { deployer, alice } = devnet.accounts
  usds = await devnet.deploy({ abi: usdsAbi, bytecode: usdsBytecode }, [deployer.address])
  susds = await devnet.deploy({ abi: susdsAbi, bytecode: susdsBytecode }, [usds])
  // Alice (the Prime) holds 1,000,000 USDS of sUSDS; then 50,000 USDS of yield lands in the vault.
  await devnet.write(deployer, { address: usds, abi: usdsAbi, functionName: 'mint', args: [alice.address, wad('1000000')] })
  await devnet.write(alice, { address: usds, abi: usdsAbi, functionName: 'approve', args: [susds, wad('1000000')] })
  await devnet.write(alice, { address: susds, abi: susdsAbi, functionName: 'deposit', args: [wad('1000000'), alice.address] })
  await devnet.write(deployer, { address: usds, abi: usdsAbi, functionName: 'mint', args: [susds, wad('50000')] })

  server = createServer((request, response) => {
    const route = routes[request.url ?? '']
    if (!route) return void response.writeHead(404).end()
    const [status, body, delay = 0] = route
    setTimeout(() => response.writeHead(status, { 'content-type': 'application/json' }).end(body), delay).unref()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  server?.closeAllConnections()
  await new Promise((resolve) => server?.close(resolve))
})

const entry = (dataModel: CoreHaloDocument['dataModel'], overrides: Partial<CoreHaloDocument> = {}) =>
  parseCoreHalo({ coreHaloId: 'ch-1', parentPrime: devnet.accounts.alice.address, collateralType: 'test', riskModelRef: 'savings-vault', dataModel, ...overrides })
const context = () => ({ clients: { default: devnet.publicClient as never } })

describe('Core Halo on the devnet: an ERC-4626 vault valued through viem', () => {
  it('values the Prime\'s sUSDS shares at convertToAssets (1,050,000 USDS, minus the vault\'s rounding) and computes its CRR', async () => {
    const coreHalo = entry({ kind: 'erc4626-position', vault: susds, holder: devnet.accounts.alice.address })
    const value = await readCoreHaloValue(coreHalo, context())
    expect(value.ok).toBe(true)
    if (!value.ok) return
    // OpenZeppelin's ERC-4626 rounds down by at most one base unit in the holder's disfavour.
    expect(wad('1050000') - value.valueWad).toBeLessThanOrEqual(1n)
    expect(value.valueWad).toBeGreaterThan(wad('1049999.999999'))
    const report = buildRiskReport({ framework, sleeves: [], units: [], coreHalos: await valueCoreHalos([coreHalo], context()), now: new Date() })
    // savings-vault: liquid, max(2% risk weight, 5% FRTB drawdown) = 5% → ≈ 52,500 USD
    expect(report.coreHalos[0]).toMatchObject({ ok: true, rateWad: wad('0.05'), category: 'defi-savings' })
    const capital = report.coreHalos[0]!.ok ? report.coreHalos[0]!.capitalWad : 0n
    expect(wad('52500') - capital).toBeLessThanOrEqual(1n)
    expect(report.primes[0]).toMatchObject({ prime: devnet.accounts.alice.address.toLowerCase(), incomplete: false, coreHaloCapitalWad: capital })
  })

  it('reads any uint view function with its decimals (totalAssets of the vault)', async () => {
    const value = await readCoreHaloValue(entry({ kind: 'contract-read', address: susds, function: 'function totalAssets() view returns (uint256)', decimals: 18 }), context())
    expect(value).toMatchObject({ ok: true, valueWad: wad('1050000') })
  })

  it('a contract that is not there is an alert, not a number', async () => {
    const value = await readCoreHaloValue(entry({ kind: 'erc4626-position', vault: `0x${'7'.repeat(40)}`, holder: devnet.accounts.alice.address }), context())
    expect(value).toMatchObject({ ok: false, alert: { code: 'CORE_HALO_SOURCE_FAILED', entity: { type: 'coreHalo', id: 'ch-1' } } })
  })

  it('a data model on a chain without RPC is an alert', async () => {
    const value = await readCoreHaloValue(entry({ kind: 'erc4626-position', chainId: 999, vault: susds, holder: susds }), context())
    expect(value).toMatchObject({ ok: false, alert: { code: 'CORE_HALO_SOURCE_FAILED' } })
  })
})

describe('Core Halo from an HTTP JSON source served by the test', () => {
  const http = (path: string, jsonPath: string, timeoutMs = 1_000) => entry({ kind: 'http-json', url: `${baseUrl}${path}`, jsonPath, timeoutMs }, { riskModelRef: 'clo-aaa' })

  it('reads a decimal string at a JSON path exactly (JAAA NAV 2,500,000.25) and prices it with the CLO model (8%)', async () => {
    const valuations = await valueCoreHalos([http('/jaaa/nav', '$.data.positions[0].nav')], context())
    expect(valuations[0]!.value).toEqual({ ok: true, valueWad: wad('2500000.25') })
    const report = buildRiskReport({ framework, sleeves: [], units: [], coreHalos: valuations, now: new Date() })
    // 2,500,000.25 × 8% = 200,000.02. Above the 1M structured-credit cap the 1,500,000.25 excess
    // carries 100%: 1M × 8% + 1,500,000.25 = 1,580,000.25 in all, a penalty of 1,380,000.23.
    expect(report.coreHalos[0]).toMatchObject({ ok: true, capitalWad: wad('200000.02') })
    expect(report.primes[0]).toMatchObject({ categoryPenaltyWad: wad('1380000.23'), requiredCapitalWad: wad('1580000.25') })
    expect(report.alerts.map((a) => a.code)).toEqual(['CATEGORY_CAP_EXCEEDED'])
  })

  it('reads a plain JSON number by its decimal text (BUIDL 1,250,000.5)', async () => {
    expect(await readCoreHaloValue(http('/buidl/nav', 'nav'), context())).toMatchObject({ ok: true, valueWad: wad('1250000.5') })
  })

  it('a JSON number with more digits than a float holds stays exact (2,500,000,000.123456789, not …123457)', async () => {
    // JSON.parse reads this number as 2500000000.123457 (float64); the source reads its text.
    expect(String(JSON.parse(routes['/precise']![1]).nav)).toBe('2500000000.123457')
    expect(await readCoreHaloValue(http('/precise', 'nav'), context())).toMatchObject({ ok: true, valueWad: 2_500_000_000_123_456_789_000_000_000n, observed: '2500000000.123456789' })
  })

  it.each([
    ['/nineteen-decimals', 'nav', 'CORE_HALO_SOURCE_GARBAGE'],
    ['/duplicate-key', 'nav', 'CORE_HALO_SOURCE_GARBAGE'],
    ['/number-inside', 'nav.value', 'CORE_HALO_SOURCE_GARBAGE'],
    ['/broken', 'nav', 'CORE_HALO_SOURCE_FAILED'],
    ['/missing', 'nav', 'CORE_HALO_SOURCE_FAILED'],
    ['/slow', 'nav', 'CORE_HALO_SOURCE_FAILED'],
    ['/html', 'nav', 'CORE_HALO_SOURCE_GARBAGE'],
    ['/negative', 'nav', 'CORE_HALO_SOURCE_GARBAGE'],
    ['/exponent', 'nav', 'CORE_HALO_SOURCE_GARBAGE'],
    ['/text-number', 'nav', 'CORE_HALO_SOURCE_GARBAGE'],
    ['/jaaa/nav', '$.data.positions[3].nav', 'CORE_HALO_SOURCE_GARBAGE'],
  ])('%s at %s raises %s instead of a value', async (path, jsonPath, code) => {
    const value = await readCoreHaloValue(http(path, jsonPath, 300), context())
    expect(value).toMatchObject({ ok: false, alert: { code, entity: { type: 'coreHalo', id: 'ch-1' } } })
  })
})

describe('JSON path subset', () => {
  it('walks keys, indexes and quoted keys, and refuses wildcards', () => {
    const doc = { a: { 'odd key': [{ v: '1' }] } }
    expect(readJsonPath(doc, "$.a['odd key'][0].v")).toBe('1')
    expect(readJsonPath(doc, 'a.missing')).toBeUndefined()
    expect(readJsonPath({ a: 1 }, 'a.toString')).toBeUndefined()
    expect(() => readJsonPath(doc, '$.a.*')).toThrow(/simple path/)
  })
})
