/**
 * lpha-council through the `halo` CLI against a Synome served over HTTP: every publication is a
 * signed command by a council key; a non-council key and a malformed document are refused and
 * change nothing. Then `halo verify report` reads what council published (acceptance test 1).
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
import { main } from '../../../src/cli/main.js'
import { createSynome, startSynomeServer, type SynomeService } from '../../../src/synome/index.js'
import { TEST_FRAMEWORK, TEST_FRAMEWORK_VERSION } from '../../domain/risk/fixtures.js'
import { runHalo } from '../../support/cli.js'

const councilKey = generatePrivateKey()
const nfatKey = generatePrivateKey()
let synome: SynomeService
let server: { url: string; close: () => Promise<void> }
const dir = mkdtempSync(join(tmpdir(), 'halo-council-'))
const file = (name: string, content: unknown) => {
  const path = join(dir, name)
  writeFileSync(path, JSON.stringify(content))
  return path
}

beforeAll(async () => {
  synome = await createSynome({
    dataDir: null,
    // The wall clock: `halo council` signs with it, and the Synome refuses commands issued
    // outside its freshness window.
    roles: [
      { address: privateKeyToAccount(councilKey).address, role: 'council', haloClasses: [] },
      { address: privateKeyToAccount(nfatKey).address, role: 'nfat', haloClasses: ['*'] },
    ],
  })
  server = await startSynomeServer({ service: synome, port: 0 })
}, 60_000)
afterAll(async () => {
  await server?.close()
  await synome?.close()
})

/** `halo …` in-process against this file's Synome. */
const halo = (...args: string[]) => runHalo(...args, '--synome', server.url)
const frameworks = async () => (await synome.list({ type: 'riskFramework' })).items.length

describe('halo council', () => {
  it('refuses a non-council signer (NOT_PERMITTED) and nothing is published', async () => {
    const result = await halo('council', 'publish-framework', file('fw.json', { version: TEST_FRAMEWORK_VERSION, ...TEST_FRAMEWORK }), '--key', nfatKey, '--json')
    expect(result.code).toBe(1)
    expect(JSON.parse(result.stderr)).toMatchObject({ code: 'NOT_PERMITTED', status: 403 })
    expect(await frameworks()).toBe(0)
  })

  it('refuses a malformed framework before signing anything (INVALID_INPUT names the field)', async () => {
    const broken = structuredClone(TEST_FRAMEWORK) as Record<string, any>
    broken.crr.DEPLOYING = '1.3'
    const result = await halo('council', 'publish-framework', file('bad.json', broken), '--version', 'bad-1', '--key', councilKey, '--json')
    expect(result.code).toBe(1)
    expect(JSON.parse(result.stderr)).toMatchObject({ code: 'INVALID_INPUT', meta: { issues: [{ path: 'crr.DEPLOYING' }] } })
    expect(await frameworks()).toBe(0)
  })

  it('publishes a framework as a signed council command, and verify reads it', async () => {
    const published = await halo('council', 'publish-framework', file('fw.json', { version: TEST_FRAMEWORK_VERSION, ...TEST_FRAMEWORK }), '--key', councilKey, '--json')
    expect(published.code).toBe(0)
    expect(JSON.parse(published.stdout)).toMatchObject({ version: TEST_FRAMEWORK_VERSION })
    const [event] = (await synome.events({ after: 1 })).events
    expect(event).toMatchObject({ command: 'publishRiskFramework', role: 'council', actor: privateKeyToAccount(councilKey).address.toLowerCase() })

    const shown = await halo('council', 'show-framework', '--json')
    expect(JSON.parse(shown.stdout)).toMatchObject({ version: TEST_FRAMEWORK_VERSION, document: { crr: { DEPLOYING: '0.3' } } })

    const report = await halo('verify', 'report', '--no-chain', '--json')
    expect(report.code).toBe(0)
    expect(JSON.parse(report.stdout)).toMatchObject({ frameworkVersion: TEST_FRAMEWORK_VERSION, totals: { requiredCapitalUsd: '0', incomplete: false }, positionsVerified: false, alerts: [] })
  })

  it('registers a Core Halo whose risk model exists, and refuses one whose does not', async () => {
    const entry = { coreHaloId: 'jaaa', parentPrime: privateKeyToAccount(nfatKey).address, collateralType: 'JAAA CLO AAA', riskModelRef: 'clo-aaa', dataModel: { kind: 'http-json', url: 'http://127.0.0.1:9/nav', jsonPath: '$.nav' } }
    const unknown = await halo('council', 'register-core-halo', file('bad-ch.json', { ...entry, coreHaloId: 'x', riskModelRef: 'nope' }), '--key', councilKey, '--json')
    expect(JSON.parse(unknown.stderr)).toMatchObject({ code: 'PRECONDITION_FAILED', meta: { gate: 'UNKNOWN_RISK_MODEL' } })
    const ok = await halo('council', 'register-core-halo', file('ch.json', entry), '--key', councilKey)
    expect(ok.stdout).toContain('registered Core Halo jaaa (http-json, risk model clo-aaa)')
    expect((await synome.get('coreHalo', 'jaaa')).data).toMatchObject({ dataModelRef: 'http-json', parameters: { dataModel: { url: 'http://127.0.0.1:9/nav', jsonPath: '$.nav' } } })

    // Nothing listens on port 9: the report is a number-less, incomplete entry plus an alert.
    const report = await halo('verify', 'report', '--no-chain')
    expect(report.code).toBe(2)
    expect(report.stdout).toContain('INCOMPLETE')
    expect(report.stdout).toMatch(/critical\s+CORE_HALO_SOURCE_FAILED\s+coreHalo:jaaa/)
  })
})
