/**
 * lpla-verify end to end: lpha-council publishes the framework and registers a Core Halo
 * through signed Synome commands; lpha-nfat's records of sleeve-7 match NFATs #42/#43/#44 on the
 * devnet; verify computes the report, values the Core Halo from the chain, and catches a unit
 * principal tampered through an operator override and USDS missing from the ALMProxy.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Address, Hex } from 'viem'
import { nfatFacilityAbi, susdsAbi, susdsBytecode } from '../../../src/chain/generated/index.js'
import { publishRiskFramework, registerCoreHalo } from '../../../src/beacons/council/index.js'
import { createVerifyChain } from '../../../src/beacons/verify/chain.js'
import { runVerify } from '../../../src/beacons/verify/reconcile.js'
import { synomeReader } from '../../../src/beacons/verify/synomeReader.js'
import { parseUnitsExact } from '../../../src/domain/money.js'
import { createInProcessClient, createSynome, type SynomeClient, type SynomeService } from '../../../src/synome/index.js'
import { useDevnet, type Devnet } from '../../fixtures/devnet.js'
import { createWorld, M, type World } from '../../contracts/nfat/facility.js'
import { TEST_FRAMEWORK, TEST_FRAMEWORK_VERSION } from '../../domain/risk/fixtures.js'

const wad = (value: string) => parseUnitsExact(value, 18)

let devnet: Devnet
let world: World
let synome: SynomeService
let council: SynomeClient
let nfat: SynomeClient
let operator: SynomeClient
let now = new Date('2026-03-19T12:00:00Z')

beforeAll(async () => {
  devnet = await useDevnet()
  world = await createWorld(devnet, { firstTokenId: 42n })
  const { council: councilKey, relayer, govOps } = devnet.accounts
  synome = await createSynome({
    dataDir: null,
    clock: () => now,
    roles: [
      { address: councilKey.address, role: 'council', haloClasses: [] },
      { address: relayer.address, role: 'nfat', haloClasses: ['facility-A'] },
      { address: govOps.address, role: 'operator', haloClasses: ['facility-A'] },
    ],
  })
  council = createInProcessClient({ service: synome, account: councilKey, clock: () => now })
  nfat = createInProcessClient({ service: synome, account: relayer, clock: () => now })
  operator = createInProcessClient({ service: synome, account: govOps, clock: () => now })

  // lpha-council: framework, Halo class, and Spark's sUSDS position as a Core Halo.
  await publishRiskFramework({ client: council, version: TEST_FRAMEWORK_VERSION, document: TEST_FRAMEWORK })
  await council.send('registerHaloClass', { haloClass: 'facility-A', facility: world.facility })
  const { spark, grove, keel } = world.people
  const susds = await susdsAddress()
  await world.mint(spark.address, M('2'))
  await world.approve(spark, susds)
  await devnet.write(spark, { address: susds, abi: susdsAbi, functionName: 'deposit', args: [M('2'), spark.address] })
  await registerCoreHalo({
    client: council,
    entry: { coreHaloId: 'spark-susds', parentPrime: spark.address, collateralType: 'sUSDS (ERC-4626)', riskModelRef: 'savings-vault', dataModel: { kind: 'erc4626-position', vault: susds, holder: spark.address } },
  })

  // lpha-nfat: sleeve-7 filled by NFATs #42/#43/#44 (seed 004: Spark 30M, Grove 25M, Keel 20M).
  await nfat.send('createSleeve', { sleeveId: 'sleeve-7', haloClass: 'facility-A' })
  for (const [prime, millions, tokenId] of [[spark, '30', 42], [grove, '25', 43], [keel, '20', 44]] as const) {
    await world.deposit(prime, M(millions))
    const receipt = await devnet.write(devnet.accounts.relayer, { address: world.facility, abi: nfatFacilityAbi, functionName: 'claim', args: [prime.address, M(millions)] })
    await nfat.send('sweepUnit', {
      sleeveId: 'sleeve-7',
      unit: {
        unitId: tokenId,
        nfat: { tokenId: String(tokenId), facility: world.facility, txHash: receipt.transactionHash as Hex },
        principal: `${millions}000000`,
        dealTerms: { apy: '0.05', maturity: '2026-10-01T00:00:00Z', paymentSchedule: 'bullet' },
        depositorPrime: prime.address,
      },
    })
  }
}, 120_000)
afterAll(async () => {
  await synome?.close()
})

/** A devnet sUSDS (ERC-4626) over the world's USDS. */
function susdsAddress(): Promise<Address> {
  return devnet.deploy({ abi: susdsAbi, bytecode: susdsBytecode }, [world.usds])
}

const overridePrincipal = (unitId: number, principal: string, reason: string) => operator.send('overrideUnit', { unitId, principal, reason })

const verify = () => runVerify({ reader: synomeReader(council), chain: createVerifyChain(devnet.publicClient as never), sources: { clients: { default: devnet.publicClient as never } }, now })

describe('lpla-verify against the Synome and the devnet', () => {
  it('reads council\'s framework and computes CRR per sleeve, unit, Core Halo and Prime, with every position verified', async () => {
    const run = await verify()
    expect(run.ok).toBe(true)
    if (!run.ok) return
    const { report } = run
    expect(report.frameworkVersion).toBe(TEST_FRAMEWORK_VERSION)
    expect(report.sleeves).toMatchObject([{ sleeveId: 'sleeve-7', state: 'FILLING', valueWad: wad('75000000'), crrWad: wad('0.01'), requiredCapitalWad: wad('750000') }])
    expect(report.units.map((u) => [u.unitId, u.requiredCapitalWad])).toEqual([
      ['42', wad('300000')],
      ['43', wad('250000')],
      ['44', wad('200000')],
    ])
    // sUSDS: 2M USDS at 5% (max of 2% weight and 5% FRTB drawdown) = 100k.
    expect(report.coreHalos).toMatchObject([{ ok: true, coreHaloId: 'spark-susds', valueWad: wad('2000000'), capitalWad: wad('100000') }])
    const spark = report.primes.find((p) => p.prime === world.people.spark.address.toLowerCase())
    expect(spark).toMatchObject({ sleeveCapitalWad: wad('300000'), coreHaloCapitalWad: wad('100000'), requiredCapitalWad: wad('400000'), incomplete: false })
    expect(report.totals.requiredCapitalWad).toBe(wad('850000'))
    expect(report.alerts).toEqual([])
  })

  it('catches a unit principal tampered through an operator override (31M in the Synome, 30M on chain)', async () => {
    await overridePrincipal(42, '31000000', 'fat finger')
    const run = await verify()
    const alerts = run.ok ? run.report.alerts : run.alerts
    expect(alerts).toMatchObject([
      { code: 'POSITION_NFAT_MISMATCH', severity: 'critical', entity: { type: 'unit', id: '42' }, details: { mismatches: { principal: { synome: '31000000', chain: '30000000' } } } },
    ])
    await overridePrincipal(42, '30000000', 'restore')
    const restored = await verify()
    expect(restored.ok && restored.report.alerts).toEqual([])
  })

  it('catches USDS the sleeve claims at the facility ALMProxy that is no longer there', async () => {
    await devnet.withSnapshot(async () => {
      await world.offboard(M('5'))
      const run = await verify()
      expect(run.ok && run.report.alerts).toMatchObject([
        { code: 'POSITION_BALANCE_SHORTFALL', entity: { type: 'address', id: world.almProxy.toLowerCase() }, details: { token: 'USDS', claimed: '75000000', onChain: '70000000', sleeveIds: ['sleeve-7'] } },
      ])
    })
  })

  it('flags an NFAT that the Synome says exists but the chain does not know', async () => {
    const run = await runVerify({
      reader: { ...synomeReader(council), units: async () => [{ unitId: 99, nfat: { tokenId: '99', facility: world.facility }, sleeveId: 'sleeve-7', principal: '1', depositorPrime: world.people.spark.address, state: 'ACTIVE' }] },
      chain: createVerifyChain(devnet.publicClient as never),
      sources: { clients: { default: devnet.publicClient as never } },
      now,
    })
    expect(run.ok && run.report.alerts.map((a) => [a.code, a.entity.id])).toEqual([['POSITION_NFAT_MISSING', '99']])
  })

  it('names a Prime without a configured address as unchecked, and checks it once mapped', async () => {
    const reader = synomeReader(council)
    const byName = { ...reader, units: async () => (await reader.units()).map((u) => (u.unitId === 42 ? { ...u, depositorPrime: 'spark' } : u)) }
    const chain = createVerifyChain(devnet.publicClient as never)
    const sources = { clients: { default: devnet.publicClient as never } }
    const unmapped = await runVerify({ reader: byName, chain, sources, now })
    expect(unmapped.ok && unmapped.report.alerts.map((a) => [a.code, a.entity])).toEqual([['POSITION_CHECK_FAILED', { type: 'prime', id: 'spark' }]])
    const mapped = await runVerify({ reader: byName, chain, sources, now, primeAddresses: { spark: world.people.spark.address } })
    expect(mapped.ok && mapped.report.alerts).toEqual([])
    const wrong = await runVerify({ reader: byName, chain, sources, now, primeAddresses: { spark: world.people.grove.address } })
    expect(wrong.ok && wrong.report.alerts.map((a) => [a.code, a.entity.id])).toEqual([['POSITION_NFAT_MISMATCH', '42']])
  })
})
