/**
 * Headless Chromium for the dashboard tests: Debian's `chromium` (installed by .ci/run when
 * missing), driven by playwright-core, which downloads no browser of its own.
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'
import { expect } from 'vitest'
import { projectRoot } from '../../src/chain/build.js'

export const CHROMIUM = '/usr/bin/chromium'
const SCREENSHOTS = join(projectRoot, 'test-results')

export async function launchBrowser(): Promise<Browser> {
  // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'] })
}

export async function openPage(browser: Browser, url: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(error.message))
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text())
  })
  ;(page as Page & { errors: string[] }).errors = errors
  await page.goto(url)
  return page
}

export function pageErrors(page: Page): string[] {
  return (page as Page & { errors?: string[] }).errors ?? []
}

/** Wait until the page's data arrived (no "Loading…" status left). */
export async function loaded(page: Page): Promise<void> {
  await page.getByRole('heading', { level: 1 }).waitFor()
  await page.waitForFunction(() => !Array.from(document.querySelectorAll('[role=status]')).some((e) => e.textContent === 'Loading…'), undefined, { timeout: 20_000 })
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true })
  const path = join(SCREENSHOTS, `dashboard-${name}.png`)
  await page.screenshot({ path, fullPage: true })
  return path
}

/** Text of a cell, money grouping removed ("75,000,000" → "75000000"). */
export async function exactText(page: Page, selector: string): Promise<string> {
  const text = (await page.locator(selector).first().innerText()).trim()
  return text.replace(/,/g, '').replace(/\s+(USDS|USDC|USD)$/, '')
}

/**
 * Accessibility basics on the current page: the landmarks (banner, the main navigation, one
 * main, contentinfo), exactly one h1, every table with a caption and header cells, every form
 * control with a label, every chart with a text alternative, no element with a positive tabindex.
 */
export async function checkAccessibilityBasics(page: Page): Promise<void> {
  await expect(page.getByRole('banner').count()).resolves.toBe(1)
  await expect(page.getByRole('navigation', { name: 'Main' }).count()).resolves.toBe(1)
  await expect(page.getByRole('main').count()).resolves.toBe(1)
  await expect(page.getByRole('contentinfo').count()).resolves.toBe(1)
  await expect(page.locator('h1').count()).resolves.toBe(1)
  const problems = await page.evaluate(() => {
    const out: string[] = []
    for (const table of Array.from(document.querySelectorAll('table'))) {
      if (!table.querySelector('caption')?.textContent?.trim()) out.push(`table without caption: ${table.outerHTML.slice(0, 80)}`)
      if (!table.querySelector('th')) out.push('table without header cells')
    }
    for (const control of Array.from(document.querySelectorAll<HTMLInputElement>('input, select, textarea'))) {
      if ((control.labels?.length ?? 0) === 0 && !control.getAttribute('aria-label')) out.push(`unlabelled control ${control.name}`)
    }
    for (const chart of Array.from(document.querySelectorAll('figure.chart'))) {
      if (chart.getAttribute('role') !== 'img' || !chart.getAttribute('aria-label')) out.push('chart without a text alternative')
    }
    for (const el of Array.from(document.querySelectorAll('[tabindex]'))) if (Number(el.getAttribute('tabindex')) > 0) out.push('positive tabindex')
    for (const link of Array.from(document.querySelectorAll('a'))) if (!link.textContent?.trim() && !link.getAttribute('aria-label')) out.push(`link without text: ${link.getAttribute('href')}`)
    return out
  })
  expect(problems).toEqual([])
}
