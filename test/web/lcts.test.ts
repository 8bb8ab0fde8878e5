import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { lctsQueueAbi } from '../../src/chain/generated/index.js'
import { startDashboard } from '../../src/dashboard/start.js'
import { formatUnitsExact } from '../../src/domain/money.js'
import { LCTS_SETTLEMENT, type LctsSettlementRecord } from '../../src/synome/commands/lcts/index.js'
import type { SynomeService } from '../../src/synome/service.js'
import type { SrUsds } from '../contracts/lcts/pair.js'
import { contractsOf, seedLctsChain, seedLctsSynome } from '../dashboard/lctsSeed.js'
import { useDevnet, type Devnet } from '../fixtures/devnet.js'
import { checkAccessibilityBasics, launchBrowser, loaded, openPage, pageErrors, screenshot } from './browser.js'

/**
 * The LCTS pages in headless Chromium: the srUSDS pair on anvil (100M subscribed, the subscribe
 * queue locked by lpha-lcts's pBEAM on 2026-12-08) and the Synome's records written with the
 * real signed commands (the Council's inputs and the settlement of 2026-12-07). Every figure is
 * compared with the queue contract's views and the Synome record.
 */
let devnet: Devnet
let pair: SrUsds
let synome: SynomeService
let browser: Browser
let dashboard: Awaited<ReturnType<typeof startDashboard>>

beforeAll(async () => {
  devnet = await useDevnet()
  pair = await seedLctsChain(devnet)
  synome = await seedLctsSynome()
  dashboard = await startDashboard({ synome, publicClient: devnet.publicClient, contracts: contractsOf(pair), port: 0 })
  browser = await launchBrowser()
}, 240_000)
afterAll(async () => {
  await browser?.close()
  await dashboard?.close()
  await synome?.close()
})

const exact = (page: import('playwright-core').Page, selector: string) => page.locator(`${selector} .money`).first().getAttribute('data-exact')

describe('LCTS queue pages', () => {
  it('the Queues page lists the pairs the Synome records, reached from the main navigation', async () => {
    const page = await openPage(browser, dashboard.url)
    await loaded(page)
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Queues' }).click()
    await loaded(page)
    expect(await page.locator('h1').innerText()).toBe('LCTS queues')
    const rows = page.locator('[data-testid=lcts-pairs] tbody tr')
    expect(await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-pair')))).toEqual(['jrUSDS', 'srUSDS'])
    const record = (await synome.get<LctsSettlementRecord>(LCTS_SETTLEMENT, 'srUSDS:2026-12-07')).data
    expect(await exact(page, 'tr[data-pair=srUSDS] [data-field=rate]')).toBe(formatUnitsExact(BigInt(record.exchangeRateWad), 18))
    await checkAccessibilityBasics(page)
    await page.locator('tr[data-pair=srUSDS] a').click()
    await loaded(page)
    expect(page.url()).toBe(`${dashboard.url}/queues/srUSDS`)
    expect(pageErrors(page)).toEqual([])
    await page.close()
  })

  it('the pair page shows each queue as the contract reports it, the preview with the inputs it used, the history and the rate chart', async () => {
    const page = await openPage(browser, `${dashboard.url}/queues/srUSDS`)
    await loaded(page)
    const read = (address: `0x${string}`, functionName: 'status' | 'totalUnderlying' | 'totalShares') => devnet.publicClient.readContract({ address, abi: lctsQueueAbi, functionName }) as Promise<bigint | number>
    // subscribe: LOCKED (status 2), 100M queued, unlocks at 16:00 UTC the same day
    expect(Number(await read(pair.subscribeQueue, 'status'))).toBe(2)
    const sub = '[data-testid=lcts-queues] tr[data-queue=subscribe]'
    expect(await page.locator(`${sub} [data-field=status]`).innerText()).toContain('LOCKED')
    expect(await page.locator(`${sub} [data-field=unlocks]`).getAttribute('datetime')).toBe('2026-12-08T16:00:00.000Z')
    expect(await exact(page, `${sub} [data-field=underlying]`)).toBe(formatUnitsExact((await read(pair.subscribeQueue, 'totalUnderlying')) as bigint, 18))
    expect(await exact(page, `${sub} [data-field=underlying]`)).toBe('100000000')
    expect(Number(await read(pair.redeemQueue, 'status'))).toBe(0)
    expect(await page.locator('[data-testid=lcts-queues] tr[data-queue=redeem] [data-field=status]').innerText()).toContain('DORMANT')

    // preview: the last recorded inputs (2026-12-07's) — 30M of the 100M converts
    expect(await page.getByTestId('preview-inputs').innerText()).toContain('the last capacity inputs recorded')
    expect(await page.getByTestId('preview-inputs').innerText()).toContain('(epoch 2026-12-07)')
    expect(await exact(page, '[data-testid=lcts-preview] tr[data-side=subscribe] [data-field=converts]')).toBe('30000000')
    expect(await page.getByTestId('preview-rate').getAttribute('data-exact')).toBe('1000136986301369863')

    // history: the Synome's record, exactly
    const record = (await synome.get<LctsSettlementRecord>(LCTS_SETTLEMENT, 'srUSDS:2026-12-07')).data
    const row = '[data-testid=lcts-settlements] tr[data-epoch="2026-12-07"]'
    expect(await page.locator(`${row} [data-field=rate]`).getAttribute('data-exact')).toBe(record.exchangeRateWad)
    expect(await page.locator(`${row} [data-field=subscribe] .money`).evaluateAll((els) => els.map((e) => e.getAttribute('data-exact')))).toEqual([record.subscribe!.capacity, record.subscribe!.converted])
    expect(await page.locator(`${row} [data-field=redeem]`).innerText()).toBe('not settled')

    // the rate chart: SVG with a text alternative carrying the exact figures
    const chart = page.getByTestId('rate-chart')
    expect(await chart.getAttribute('aria-label')).toContain('2026-12-07 1.000136986301369863')
    await expect(chart.locator('svg').count()).resolves.toBeGreaterThan(0)
    await checkAccessibilityBasics(page)
    await screenshot(page, 'lcts-pair')
    expect(pageErrors(page)).toEqual([])
    await page.close()
  })

  it('an unknown pair shows the error, not an empty page', async () => {
    const page = await openPage(browser, `${dashboard.url}/queues/nope`)
    await page.getByRole('alert').waitFor()
    expect(await page.getByRole('alert').innerText()).toContain('no LCTS records for pair nope')
    await page.close()
  })
})
