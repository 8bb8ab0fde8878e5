import type { Browser } from 'playwright-core'
import { keccak256, toBytes, type Hex } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { beamStateAbi, beamTimeLockAbi, configuratorAbi, rateLimitsAbi } from '../../src/chain/generated/index.js'
import { encodeCall, executeCall, scheduleCall, timelockOperationId } from '../../src/chain/timelock.js'
import { contractsFromStackState, startDashboard } from '../../src/dashboard/start.js'
import { deployTermHaloByFactory, type TermHaloDeployment } from '../../src/devnet/termHalo.js'
import { formatUnitsExact } from '../../src/domain/money.js'
import { LIMIT, rateLimitKey } from '../../src/domain/rateLimits.js'
import { createSynome } from '../../src/synome/create.js'
import type { SynomeService } from '../../src/synome/service.js'
import { useDevnet, type Devnet } from '../fixtures/devnet.js'
import { checkAccessibilityBasics, launchBrowser, loaded, openPage, pageErrors, screenshot } from './browser.js'

/**
 * The rate-limit page against the Term Halo as `halo up` deploys it (Configurator Unit, PAU,
 * facility), after governance approved a USDC off-ramp init through the timelock and GovOps set
 * a finite limit with a refill slope through the Configurator; one more init is left pending in
 * the timelock. Every figure shown must be the contracts' own view.
 */
const iso = (seconds: bigint) => new Date(Number(seconds) * 1000).toISOString().replace('.000Z', 'Z')
const USDC = (whole: bigint) => whole * 10n ** 6n

let devnet: Devnet
let deployment: TermHaloDeployment
let synome: SynomeService
let browser: Browser
let dashboard: Awaited<ReturnType<typeof startDashboard>>
let offRampKey: Hex
let pendingId: Hex

beforeAll(async () => {
  devnet = await useDevnet()
  const { aBEAM, govOps } = devnet.accounts
  deployment = await deployTermHaloByFactory(devnet, { accounts: devnet.accounts, offRamp: devnet.accounts.freezer.address })
  const { timelock, beamState, configurator } = deployment.configuratorUnit
  offRampKey = rateLimitKey(LIMIT.ASSET_TRANSFER, deployment.usdc, deployment.offRamp)
  // governance: a 10M USDC init with 100 USDC/s refill for the off-ramp key, through the timelock
  const init = { ...encodeCall(beamState, { abi: beamStateAbi, functionName: 'addInitRateLimits', args: [offRampKey, deployment.pau.pau, USDC(10_000_000n), USDC(100n)] }), salt: keccak256(toBytes('dashboard-test:init')) }
  await scheduleCall(devnet, { timelock, proposer: aBEAM, call: init, delaySeconds: deployment.timelockDelaySeconds })
  await devnet.increaseTime(deployment.timelockDelaySeconds)
  await executeCall(devnet, { timelock, executor: aBEAM, call: init })
  // GovOps: 5M max, 50 USDC/s, once the SORL hop since the key's creation has passed
  await devnet.increaseTime(18n * 3600n)
  await devnet.write(govOps, { address: configurator, abi: configuratorAbi, functionName: 'setRateLimit', args: [deployment.pau.pau, offRampKey, USDC(5_000_000n), USDC(50n)] })
  // a second init, scheduled and not yet executable
  const pending = { ...encodeCall(beamState, { abi: beamStateAbi, functionName: 'addInitRateLimits', args: [LIMIT.USDS_TO_USDC, deployment.pau.pau, 10n ** 24n, 10n ** 18n] }), salt: keccak256(toBytes('dashboard-test:pending')) }
  await scheduleCall(devnet, { timelock, proposer: aBEAM, call: pending, delaySeconds: deployment.timelockDelaySeconds })
  pendingId = await timelockOperationId(devnet, timelock, pending)

  synome = await createSynome({ dataDir: null, roles: [] })
  const contracts = contractsFromStackState({
    usds: deployment.usds,
    usdc: deployment.usdc,
    timelock,
    beamState,
    configurator,
    almProxy: deployment.almProxy,
    rateLimits: deployment.pau.rateLimits,
    facility: deployment.facility,
    offRamp: deployment.offRamp,
  })
  dashboard = await startDashboard({ synome, publicClient: devnet.publicClient, contracts, port: 0 })
  browser = await launchBrowser()
}, 240_000)
afterAll(async () => {
  await browser?.close()
  await dashboard?.close()
  await synome?.close()
})

describe('rate-limit page against the Configurator Unit', () => {
  it('shows available vs max, the refill slope and the next SORL increase (time and size) as the contracts report them', async () => {
    const page = await openPage(browser, `${dashboard.url}/rate-limits`)
    await loaded(page)
    const row = `[data-testid=rate-limits] tr[data-key="${offRampKey.toLowerCase()}"]`
    expect(await page.locator(row).getAttribute('data-label')).toBe('ASSET_TRANSFER(usdc → offRamp)')
    const rateLimits = { address: deployment.pau.rateLimits, abi: rateLimitsAbi } as const
    const [maxAmount, slope] = await devnet.publicClient.readContract({ ...rateLimits, functionName: 'getRateLimitData', args: [offRampKey] })
    const available = await devnet.publicClient.readContract({ ...rateLimits, functionName: 'getCurrentRateLimit', args: [offRampKey] })
    // The deployment opens only the gated off-ramp key (LIMIT_SLEEVE_OFFRAMP), so this key is new
    // here: it starts empty and fills at its slope; the page shows what the contract reports.
    expect([maxAmount, slope]).toEqual([USDC(5_000_000n), USDC(50n)])
    expect(available).toBeLessThan(maxAmount)
    const shown = await page.locator(`${row} [data-field=available] .money`).evaluateAll((els) => els.map((e) => e.getAttribute('data-exact')))
    expect(shown).toEqual([formatUnitsExact(available, 6), formatUnitsExact(maxAmount, 6)])
    expect(shown[1]).toBe('5000000')
    expect(await page.locator(`${row} [data-field=slope] .money`).getAttribute('data-exact')).toBe('50')

    // SORL: the Configurator's own maxIncrease — max(5M × 1.25, init 10M) = 10M, slope up to the init's 100/s, one hop (18 h) after the raise
    const [nextMax, nextSlope, notBefore] = await devnet.publicClient.readContract({ address: deployment.configuratorUnit.configurator, abi: configuratorAbi, functionName: 'maxIncrease', args: [deployment.pau.pau, offRampKey] })
    expect([nextMax, nextSlope]).toEqual([USDC(10_000_000n), USDC(100n)])
    const sorl = page.locator(`${row} [data-field=sorl]`)
    expect(await sorl.locator('time').getAttribute('datetime')).toBe(iso(notBefore))
    expect(await sorl.locator('.money').evaluateAll((els) => els.map((e) => e.getAttribute('data-exact')))).toEqual(['10000000', '100'])
    expect(await page.locator('.asof').innerText()).toContain('SORL: increases every 18 h by at most 25%')
    await checkAccessibilityBasics(page)
    await screenshot(page, 'rate-limits')
    expect(pageErrors(page)).toEqual([])
    await page.close()
  })

  it('lists the pending timelock operation with its ETA, and not the executed ones', async () => {
    const page = await openPage(browser, `${dashboard.url}/rate-limits`)
    await loaded(page)
    const eta = await devnet.publicClient.readContract({ address: deployment.configuratorUnit.timelock, abi: beamTimeLockAbi, functionName: 'getTimestamp', args: [pendingId] })
    const rows = page.locator('[data-testid=timelock] tbody tr[data-op]')
    await expect(rows.count()).resolves.toBe(1)
    expect(await rows.first().getAttribute('data-op')).toBe(pendingId)
    expect(await rows.first().locator('[data-field=eta] time').getAttribute('datetime')).toBe(iso(eta))
    expect(await rows.first().locator('code.call').innerText()).toContain('beamState.addInitRateLimits(')
    expect(await rows.first().innerText()).toContain('waiting')
    await page.close()
  })
})
