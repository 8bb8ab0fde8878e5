import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDashboard } from '../../src/dashboard/start.js'
import { createInProcessClient } from '../../src/synome/client/inProcess.js'
import { migrationPath, prime, seedPortfolioSynome, type PortfolioSeed } from '../dashboard/portfolioSeed.js'
import { checkAccessibilityBasics, launchBrowser, loaded, openPage, pageErrors } from './browser.js'

/**
 * The Portfolio pages in headless Chromium, on the seeded class clo (test/dashboard/portfolioSeed.ts):
 * book alpha fell from 100M to 90M on 2026-01-03 (the junior halved) and Prime C then redeemed
 * half its junior shares at 0.5. The dashboard's clock is 2026-01-03 18:00 UTC: 18 h after the
 * last report, so no report is missed yet; the junior's NAV-drop signal is up.
 */
let seed: PortfolioSeed
let browser: Browser
let dashboard: Awaited<ReturnType<typeof startDashboard>>

beforeAll(async () => {
  seed = await seedPortfolioSynome(null)
  await seed.redeemHalfJunior()
  dashboard = await startDashboard({ synome: createInProcessClient({ service: seed.service }), port: 0, clock: () => new Date('2026-01-03T18:00:00Z') })
  browser = await launchBrowser()
}, 240_000)
afterAll(async () => {
  await browser?.close()
  await dashboard?.close()
  await seed?.service.close()
})

const exact = (page: Page, selector: string) => page.locator(`${selector} .money`).first().getAttribute('data-exact')
const row = (unit: string) => `[data-testid=portfolio-units] tr[data-unit=${unit}]`

describe('Portfolio pages', () => {
  it('the Portfolio page, from the main navigation: the book balances at 85M and each unit shows its tranche, NAV per share and signals', async () => {
    const page = await openPage(browser, dashboard.url)
    await loaded(page)
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Portfolio' }).click()
    await loaded(page)
    expect(await page.locator('h1').innerText()).toBe('Portfolio Halos')
    expect(await page.getByRole('heading', { level: 2 }).allInnerTexts()).toEqual(['CLO Tranched (clo)'])
    const balance = page.locator('[data-book=alpha] [data-testid=book-balance]')
    expect(await balance.locator('.money').evaluateAll((els) => els.map((e) => e.getAttribute('data-exact')))).toEqual(['85000000', '85000000'])
    expect(await balance.innerText()).toContain('balanced · last report nav-2 at 2026-01-03 00:00:00 UTC')
    expect(await page.locator('[data-testid=portfolio-units] tbody tr').evaluateAll((els) => els.map((e) => e.getAttribute('data-unit')))).toEqual(['alpha-senior', 'alpha-junior'])
    // senior: 80M of NAV over 80M shares, 5M of junior NAV below it
    expect(await exact(page, `${row('alpha-senior')} [data-field=nav]`)).toBe('80000000')
    expect(await exact(page, `${row('alpha-senior')} [data-field=navPerShare]`)).toBe('1')
    expect(await exact(page, `${row('alpha-senior')} [data-field=subordination]`)).toBe('5000000')
    expect(await page.locator(`${row('alpha-senior')} [data-field=signals]`).innerText()).toBe('none')
    // junior: 10M shares left after the redemption, NAV 5M, price 0.5; its 50% drop is flagged
    expect(await exact(page, `${row('alpha-junior')} [data-field=shares]`)).toBe('10000000')
    expect(await exact(page, `${row('alpha-junior')} [data-field=navPerShare]`)).toBe('0.5')
    expect(await page.locator(`${row('alpha-junior')} [data-field=signals]`).innerText()).toBe('PORTFOLIO_NAV_DROP')
    expect(await page.locator(`${row('alpha-junior')}`).innerText()).toContain('junior (rank 1)\tresidual')
    await checkAccessibilityBasics(page)
    await page.locator(`${row('alpha-junior')} a`).click()
    await loaded(page)
    expect(page.url()).toBe(`${dashboard.url}/portfolio/units/alpha-junior`)
    expect(pageErrors(page)).toEqual([])
    await page.close()
  })

  it('the junior unit page: its position, the signal, the NAV history 1 → 0.5, both settlements and Prime C as the holder', async () => {
    const page = await openPage(browser, `${dashboard.url}/portfolio/units/alpha-junior`)
    await loaded(page)
    expect(await page.title()).toBe('Portfolio unit alpha-junior · Halo dashboard')
    expect(await exact(page, '[data-field=nav]')).toBe('5000000')
    expect(await exact(page, '[data-field=navPerShare]')).toBe('0.5')
    expect(await page.locator('[data-field=attachment]').innerText()).toBe('0% → 5.8823529411764705%')
    expect(await page.getByTestId('unit-signals').locator('li').evaluateAll((els) => els.map((e) => e.getAttribute('data-code')))).toEqual(['PORTFOLIO_NAV_DROP'])
    expect(await page.getByTestId('nav-chart').getAttribute('aria-label')).toBe('Line chart of the NAV per share: 2026-01-02 00:00 1; 2026-01-03 00:00 0.5')
    const settled = (epoch: string, field: string) => exact(page, `[data-testid=unit-settlements] tr[data-epoch="${epoch}"] [data-field=${field}]`)
    expect(await settled('2026-01-01', 'subscribed')).toBe('20000000')
    expect(await settled('2026-01-01', 'sharesMinted')).toBe('20000000')
    expect(await settled('2026-01-03', 'amountPaid')).toBe('5000000')
    expect(await page.locator(`[data-holder="${prime.c}"] .money`).getAttribute('data-exact')).toBe('10000000')
    expect(await page.locator('#queues ~ p, section[aria-labelledby=queues] p').first().innerText()).toBe('lpha-lcts has recorded no settlement of this unit’s queues.')
    await checkAccessibilityBasics(page)
    expect(pageErrors(page)).toEqual([])
    await page.close()
  })

  it('the senior unit page: three holders, the attachment above the junior and the migration path from the Unit Artifact', async () => {
    const page = await openPage(browser, `${dashboard.url}/portfolio/units/alpha-senior`)
    await loaded(page)
    const holders = await page.locator('[data-holder]').evaluateAll((els) => els.map((e) => [e.getAttribute('data-holder'), e.querySelector('.money')?.getAttribute('data-exact')]))
    expect(holders).toEqual([[prime.a, '50000000'], [prime.b, '20000000'], [prime.c, '10000000']])
    expect(await page.locator('[data-field=attachment]').innerText()).toBe('5.8823529411764705% → 100%')
    expect(await page.getByText(migrationPath).count()).toBe(1)
    expect(await page.getByTestId('unit-signals').innerText()).toBe('No warning signal is up.')
    await page.close()
  })

  it('an unknown unit is a readable error', async () => {
    const page = await openPage(browser, `${dashboard.url}/portfolio/units/nope`)
    await page.getByRole('alert').waitFor()
    expect(await page.getByRole('alert').innerText()).toMatch(/^Could not load: .*nope/)
    await page.close()
  })
})
