import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createVerifyChain } from '../../src/beacons/verify/chain.js'
import { runVerify } from '../../src/beacons/verify/reconcile.js'
import { synomeReader } from '../../src/beacons/verify/synomeReader.js'
import { nfatFacilityAbi, rateLimitsAbi } from '../../src/chain/generated/index.js'
import { startDashboard } from '../../src/dashboard/start.js'
import { formatUnitsExact } from '../../src/domain/money.js'
import { riskReportToJson } from '../../src/domain/risk/report.js'
import { UNLIMITED } from '../../src/domain/rateLimits.js'
import type { SleeveRecord, UnitRecord } from '../../src/synome/records.js'
import { useDevnet, type Devnet } from '../fixtures/devnet.js'
import { M, createScenario, runToAtRest, type Scenario } from '../e2e/harness.js'
import { checkAccessibilityBasics, exactText, launchBrowser, loaded, openPage, pageErrors, screenshot } from './browser.js'

/**
 * The dashboard in headless Chromium against the seed's sleeve-7, driven through its lifecycle
 * to AT_REST on anvil by the real lpha-nfat and lpha-attest (the e2e harness): every figure on
 * the overview, sleeve, unit and rate-limit pages is compared with the Synome's record or the
 * chain's own view, read independently by the test.
 */
let devnet: Devnet
let s: Scenario
let browser: Browser
let dashboard: Awaited<ReturnType<typeof startDashboard>>
let primes: Record<string, string>

beforeAll(async () => {
  devnet = await useDevnet()
  s = await createScenario(devnet)
  await runToAtRest(s, [['spark', M('30')], ['grove', M('25')], ['keel', M('20')]], 0)
  primes = { spark: s.world.people.spark.address, grove: s.world.people.grove.address, keel: s.world.people.keel.address }
  dashboard = await startDashboard({
    synome: s.synome,
    publicClient: devnet.publicClient,
    contracts: { rateLimits: s.world.pau.rateLimits, pau: s.world.almProxy, facility: s.world.facility, usdc: s.usdc, usds: s.world.usds, offRamp: s.offRamp },
    primeAddresses: primes,
    clock: s.now,
    port: 0,
  })
  browser = await launchBrowser()
}, 240_000)
afterAll(async () => {
  await browser?.close()
  await dashboard?.close()
  await s?.close()
})

describe('dashboard in a browser, against sleeve-7 at rest on anvil', () => {
  it('overview: capital by state, units, per-Prime exposure and required capital equal the Synome and lpla-verify', async () => {
    const page = await openPage(browser, dashboard.url)
    await loaded(page)
    const sleeve = (await s.synome.get<SleeveRecord>('sleeve', 'sleeve-7')).data
    expect(sleeve.state).toBe('AT_REST')
    const atRest = sleeve.assets.reduce((sum, a) => sum + BigInt(a.amount.split('.')[0]!), 0n)
    expect(atRest).toBe(75_000_000n)
    expect(await exactText(page, '[data-testid=states] tr[data-state=AT_REST] td:nth-child(2)')).toBe('1')
    expect(await exactText(page, '[data-testid=states] tr[data-state=AT_REST] td:nth-child(3)')).toBe('75000000')
    expect(await exactText(page, '[data-testid=states] tr[data-state=FILLING] td:nth-child(3)')).toBe('0')
    expect(await exactText(page, '[data-testid=unit-states] tr[data-state=ACTIVE] td:nth-child(3)')).toBe('75000000')

    // per-Prime exposure from the unit records, required capital from an independent lpla-verify run
    const run = await runVerify({ reader: synomeReader(s.synome), chain: createVerifyChain(devnet.publicClient), sources: { clients: { default: devnet.publicClient } }, now: s.now(), primeAddresses: primes, usdc: s.usdc })
    if (!run.ok) throw new Error('verify failed')
    const report = riskReportToJson(run.report)
    for (const [prime, principal] of [['spark', '30000000'], ['grove', '25000000'], ['keel', '20000000']] as const) {
      const row = `[data-testid=primes] tr[data-prime=${prime}]`
      expect(await exactText(page, `${row} td:nth-child(3)`)).toBe(principal)
      const required = report.primes.find((p) => p.prime === primes[prime]!.toLowerCase())!.requiredCapitalUsd
      expect(await page.locator(`${row} [data-field=required] .money`).getAttribute('data-exact')).toBe(required)
      expect(await exactText(page, `${row} [data-field=required] .money`)).toBe(required)
    }
    // AT_REST CRR of the devnet framework is 12%: 75M × 0.12 = 9M, split pro rata by principal
    expect(report.totals.requiredCapitalUsd).toBe('9000000')
    expect(await exactText(page, '[data-testid=primes] tr[data-prime=spark] [data-field=required] .money')).toBe('3600000')
    expect(await page.locator('[data-testid=primes] tr[data-prime=spark] [data-field=crr]').innerText()).toBe('12%')
    // open alerts are lpla-verify's, with their codes
    const codes = await page.locator('#main [data-alert-code]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-alert-code')))
    expect(codes).toEqual(report.alerts.map((a) => a.code))
    await checkAccessibilityBasics(page)
    await screenshot(page, 'overview')
    expect(pageErrors(page)).toEqual([])
    await page.close()
  })

  it('sleeve page: every lifecycle transition with its time, signer and gating attestation, the asset journal and the linked units', async () => {
    const page = await openPage(browser, `${dashboard.url}/sleeves/sleeve-7`)
    await loaded(page)
    const history = await s.synome.history<SleeveRecord>('sleeve', 'sleeve-7')
    const expected: { to: string; time: string; actor: string }[] = []
    for (const v of history) if (v.data.state !== expected.at(-1)?.to) expected.push({ to: v.data.state, time: v.time, actor: v.actor })
    expect(expected.map((t) => t.to)).toEqual(['CREATED', 'FILLING', 'OFFBOARDING', 'DEPLOYING', 'AT_REST'])
    const items = page.locator('ol.timeline > li')
    await expect(items.count()).resolves.toBe(expected.length)
    for (const [i, t] of expected.entries()) {
      const item = items.nth(i)
      expect(await item.getAttribute('data-to')).toBe(t.to)
      expect(await item.locator('time').getAttribute('datetime')).toBe(t.time)
      expect(await item.locator('[data-field=signer]').getAttribute('title')).toBe(t.actor)
    }
    // the gates: PRE_DEPLOYMENT before DEPLOYING, AT_REST before AT_REST (lpha-attest's att-101, att-102)
    const attestations = (await s.synome.list<{ attestationId: string; type: string }>({ type: 'attestation', sleeveId: 'sleeve-7' })).items.map((a) => a.data)
    const idOf = (type: string) => attestations.find((a) => a.type === type)!.attestationId
    expect(await page.locator('li[data-to=DEPLOYING] [data-field=gate] a').innerText()).toBe(idOf('PRE_DEPLOYMENT'))
    expect(await page.locator('li[data-to=AT_REST] [data-field=gate] a').innerText()).toBe(idOf('AT_REST'))
    expect(idOf('PRE_DEPLOYMENT')).toBe('att-101')

    // linked units: principal, depositor, deal terms as recorded
    for (const unitId of [42, 43, 44]) {
      const unit = (await s.synome.get<UnitRecord>('unit', String(unitId))).data
      const row = `[data-testid=units] tr[data-unit="${unitId}"]`
      expect(await exactText(page, `${row} [data-field=principal]`)).toBe(unit.principal)
      expect(await page.locator(`${row} td:nth-child(2)`).innerText()).toBe(unit.depositorPrime)
      expect(await page.locator(`${row} td:nth-child(4)`).innerText()).toContain('5% APY, bullet')
    }
    // the asset journal ends where the sleeve's assets are now
    await page.getByText(/Asset journal as a table/).click()
    const lastTotal = await exactText(page, '[data-testid=journal] tbody tr:last-child td:nth-child(5)')
    expect(lastTotal).toBe('75000000')
    await expect(page.locator('figure.chart .recharts-area').count()).resolves.toBeGreaterThan(1)
    expect(await exactText(page, '[data-field=crr]')).toBe('12%')
    await page.getByText('CRR at each change as a table').click()
    expect(await page.locator('[data-testid=crr-history] tr[data-state=AT_REST] td[data-exact]').getAttribute('data-exact')).toBe('0.12')
    expect(await page.locator('[data-testid=crr-history] tr[data-state=DEPLOYING] td[data-exact]').innerText()).toBe('30%')
    await checkAccessibilityBasics(page)
    await screenshot(page, 'sleeve')
    expect(pageErrors(page)).toEqual([])
    await page.close()
  })

  it('unit page: the NFAT on chain beside the Synome unit, and the position check passing', async () => {
    const page = await openPage(browser, `${dashboard.url}/units/43`)
    await loaded(page)
    const unit = (await s.synome.get<UnitRecord>('unit', '43')).data
    const [facility, principal, depositor] = await devnet.publicClient.readContract({ address: s.world.facility, abi: nfatFacilityAbi, functionName: 'unitOf', args: [43n] })
    const owner = await devnet.publicClient.readContract({ address: s.world.facility, abi: nfatFacilityAbi, functionName: 'ownerOf', args: [43n] })
    expect(await exactText(page, 'tr[data-field=principal] [data-side=synome]')).toBe(unit.principal)
    expect(await exactText(page, 'tr[data-field=principal] [data-side=chain]')).toBe(formatUnitsExact(principal, 18))
    expect(unit.principal).toBe('25000000')
    expect((await page.locator('tr[data-field=facility] [data-side=chain]').innerText()).toLowerCase()).toBe(facility.toLowerCase())
    expect((await page.locator('tr[data-field=depositor] [data-side=chain]').innerText()).toLowerCase()).toBe(depositor.toLowerCase())
    expect((await page.locator('tr[data-field=owner] [data-side=chain]').innerText()).toLowerCase()).toBe(owner.toLowerCase())
    expect(depositor).toBe(primes.grove)
    expect(await page.getByTestId('check').innerText()).toContain('✓ The NFAT on chain agrees with the Synome unit.')
    await checkAccessibilityBasics(page)
    await screenshot(page, 'unit')
    expect(pageErrors(page)).toEqual([])
    await page.close()
  })

  it('rate-limit page: every key the PAU configured, with available and max as the RateLimits contract reports them', async () => {
    const page = await openPage(browser, `${dashboard.url}/rate-limits`)
    await loaded(page)
    const rows = page.locator('[data-testid=rate-limits] tbody tr')
    const keys = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-key')!))
    expect(keys.length).toBeGreaterThanOrEqual(4)
    for (const key of keys) {
      const [maxAmount, slope] = await devnet.publicClient.readContract({ address: s.world.pau.rateLimits, abi: rateLimitsAbi, functionName: 'getRateLimitData', args: [key as `0x${string}`] })
      const available = await devnet.publicClient.readContract({ address: s.world.pau.rateLimits, abi: rateLimitsAbi, functionName: 'getCurrentRateLimit', args: [key as `0x${string}`] })
      const row = `[data-testid=rate-limits] tr[data-key="${key}"]`
      const label = await page.locator(row).getAttribute('data-label')
      const decimals = label?.includes('(usdc') ? 6 : 18
      if (maxAmount === UNLIMITED) expect(await page.locator(`${row} [data-field=available]`).innerText()).toContain('unlimited')
      else {
        const shown = await page.locator(`${row} [data-field=available] .money`).evaluateAll((els) => els.map((e) => e.getAttribute('data-exact')))
        expect(shown).toEqual([formatUnitsExact(available, decimals), formatUnitsExact(maxAmount, decimals)])
      }
      expect(await page.locator(`${row} [data-field=slope] .money`).getAttribute('data-exact')).toBe(formatUnitsExact(slope, decimals))
    }
    expect(await page.locator('[data-label="NFAT_CLAIM(facility)"]').count()).toBe(1)
    await checkAccessibilityBasics(page)
    await screenshot(page, 'rate-limits-harness')
    await page.close()
  })

  it('history: every event with a valid signature, the hash chain verified, filters as deep links', async () => {
    const page = await openPage(browser, `${dashboard.url}/history?entityType=sleeve&entityId=sleeve-7`)
    await loaded(page)
    await expect(page.getByTestId('hash-chain').innerText()).resolves.toMatch(/^✓ Hash chain verified by this dashboard over \d+ events/)
    const head = await s.synome.head()
    expect(await page.getByTestId('hash-chain').innerText()).toContain(`through #${head.position}`)
    const rows = page.locator('[data-testid=events] tbody tr')
    const count = await rows.count()
    expect(count).toBeGreaterThan(5)
    expect(await page.locator('[data-testid=events] [data-field=signature]').evaluateAll((cells) => cells.every((c) => c.textContent === '✓ valid'))).toBe(true)
    expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.querySelector('td:nth-child(4)')!.textContent))).toEqual(Array(count).fill('sleeve sleeve-7'))
    await expect(page.getByLabel('Entity id').inputValue()).resolves.toBe('sleeve-7')
    await checkAccessibilityBasics(page)
    await screenshot(page, 'history')
    await page.close()
  })

  it('alerts page: every open alert by code, with the same accessibility basics', async () => {
    const page = await openPage(browser, `${dashboard.url}/alerts`)
    await loaded(page)
    expect(await page.locator('h1').innerText()).toBe('Alerts')
    await checkAccessibilityBasics(page)
    expect(pageErrors(page)).toEqual([])
    await page.close()
  })

  it('keyboard: the skip link comes first and moves focus to the content; the main navigation works with Tab and Enter', async () => {
    const page = await openPage(browser, dashboard.url)
    await loaded(page)
    await page.keyboard.press('Tab')
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content')
    await page.keyboard.press('Enter')
    expect(await page.evaluate(() => location.hash)).toBe('#main')
    // from the top again: skip link, then the navigation links in order
    await page.reload()
    await loaded(page)
    const names: string[] = []
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press('Tab')
      names.push((await page.evaluate(() => document.activeElement?.textContent)) ?? '')
      if (names.at(-1) === 'Rate limits') break
    }
    expect(names).toEqual(['Skip to content', 'Overview', 'Sleeves', 'Rate limits'])
    await page.keyboard.press('Enter')
    await page.waitForURL(/\/rate-limits$/)
    await loaded(page)
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main')
    expect(await page.title()).toBe('Rate limits · Halo dashboard')
    await page.close()
  })

  it('deep links: an unknown sleeve is a readable error, and the API refuses writes', async () => {
    const page = await openPage(browser, `${dashboard.url}/sleeves/sleeve-404`)
    await page.getByRole('alert').waitFor()
    expect(await page.getByRole('alert').innerText()).toContain('sleeve sleeve-404 does not exist')
    await page.close()
    const post = await fetch(`${dashboard.url}/api/overview`, { method: 'POST', body: '{}' })
    expect(post.status).toBe(405)
    const unknown = await fetch(`${dashboard.url}/api/nothing`)
    expect(unknown.status).toBe(404)
  })
})
