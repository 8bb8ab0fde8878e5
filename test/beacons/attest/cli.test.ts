import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { serve } from '@hono/node-server'
import { toHex } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { projectRoot } from '../../../src/chain/build.js'
import { devnetAccounts } from '../../../src/chain/devnet.js'
import { createInProcessClient } from '../../../src/synome/client/index.js'
import { riskFrameworkDocument } from '../../synome/support.js'
import { createSynome } from '../../../src/synome/create.js'
import { createSynomeApp } from '../../../src/synome/http/app.js'
import type { SynomeService } from '../../../src/synome/service.js'

/** The human attestor's command against a Synome over HTTP: `halo attest pre-deployment sleeve-7 --file …`. */
const { relayer, attestor, council } = devnetAccounts()
const dir = mkdtempSync(join(tmpdir(), 'attest-cli-'))
let service: SynomeService
let server: ReturnType<typeof serve>
let url: string

const evidence = { legalStructureVerified: true, bankAccountVerified: true, expectedRiskParameters: { assetClass: 'senior-secured' }, maximumDeploymentDuration: '90d' }

beforeAll(async () => {
  service = await createSynome({
    dataDir: null,
    roles: [
      { address: relayer.address, role: 'nfat', haloClasses: ['facility-A'] },
      { address: attestor.address, role: 'attest', haloClasses: ['facility-A'] },
      { address: council.address, role: 'council', haloClasses: [] },
    ],
  })
  await createInProcessClient({ service, account: council }).send('registerHaloClass', { haloClass: 'facility-A' })
  const nfat = createInProcessClient({ service, account: relayer })
  await nfat.send('createSleeve', { sleeveId: 'sleeve-7', haloClass: 'facility-A' })
  await nfat.send('sweepUnit', {
    sleeveId: 'sleeve-7',
    unit: { unitId: 42, nfat: { tokenId: '42', facility: `0x${'ab'.repeat(20)}`, txHash: `0x${'cd'.repeat(32)}` }, principal: '75000000', dealTerms: { apy: '0.05', maturity: '2026-09-11T10:00:00Z', paymentSchedule: 'bullet' }, depositorPrime: 'spark' },
  })
  await nfat.send('transitionSleeve', { sleeveId: 'sleeve-7', to: 'OFFBOARDING' })
  await nfat.send('updateSleeveAssets', { sleeveId: 'sleeve-7', assets: [{ type: 'USDC', amount: '75000000', location: 'facility-ALMProxy' }] })
  await nfat.send('createSleeve', { sleeveId: 'sleeve-8', haloClass: 'facility-A' })
  await nfat.send('sweepUnit', {
    sleeveId: 'sleeve-8',
    unit: { unitId: 45, nfat: { tokenId: '45', facility: `0x${'ab'.repeat(20)}`, txHash: `0x${'ce'.repeat(32)}` }, principal: '25000000', dealTerms: { apy: '0.05', maturity: '2026-09-11T10:00:00Z', paymentSchedule: 'bullet' }, depositorPrime: 'grove' },
  })
  const app = createSynomeApp(service)
  server = await new Promise((resolve) => {
    const srv = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(srv))
  })
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  writeFileSync(join(dir, 'attestor.key'), toHex(attestor.getHdKey().privateKey!))
  writeFileSync(join(dir, 'evidence.json'), JSON.stringify(evidence))
  writeFileSync(join(dir, 'bad-evidence.json'), JSON.stringify({ ...evidence, bankAccountVerified: undefined }))
})
afterAll(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()))
  await service?.close()
  rmSync(dir, { recursive: true, force: true })
})

function halo(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(projectRoot, 'bin/halo.mjs'), ...args], { cwd: projectRoot, env: { ...process.env, HALO_ATTEST_PRIVATE_KEY: '' } })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000)
    child.once('error', reject)
    child.once('exit', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
}

const common = () => ['--halo-class', 'facility-A', '--synome', url, '--key-file', join(dir, 'attestor.key'), '--first-number', '101', '--json']

describe('halo attest (human attestor)', () => {
  it('refuses evidence that does not validate and changes nothing', async () => {
    const before = await service.head()
    const run = await halo(['attest', 'pre-deployment', 'sleeve-7', '--file', join(dir, 'bad-evidence.json'), ...common()])
    expect(run.code).toBe(1)
    expect(JSON.parse(run.stderr)).toMatchObject({ code: 'INVALID_INPUT', meta: { field: 'content.bankAccountVerified' } })
    expect(await service.head()).toEqual(before)
  }, 120_000)

  it('refuses a PRE_DEPLOYMENT on a sleeve that is still FILLING (the Synome’s gate), nothing posted', async () => {
    const before = await service.head()
    const run = await halo(['attest', 'pre-deployment', 'sleeve-8', '--file', join(dir, 'evidence.json'), ...common()])
    expect(run.code).toBe(1)
    expect(JSON.parse(run.stderr)).toMatchObject({ code: 'PRECONDITION_FAILED' })
    expect(await service.head()).toEqual(before)
  }, 120_000)

  it('posts att-101 PRE_DEPLOYMENT on sleeve-7 with the evidence as content', async () => {
    const run = await halo(['attest', 'pre-deployment', 'sleeve-7', '--file', join(dir, 'evidence.json'), ...common()])
    expect(run.stderr).toBe('')
    expect(JSON.parse(run.stdout)).toMatchObject({ attestationId: 'att-101', type: 'PRE_DEPLOYMENT', sleeveId: 'sleeve-7', replayed: false })
    expect((await service.get('attestation', 'att-101')).data).toMatchObject({ type: 'PRE_DEPLOYMENT', sleeveId: 'sleeve-7', content: evidence })
    // the attestor writes attestations only: the sleeve record is lpha-nfat's
    expect((await service.get<{ attestations: string[] }>('sleeve', 'sleeve-7')).data.attestations).toEqual([])
  }, 120_000)

  it('rule mode: `halo beacon attest --once` posts what is due (sleeve-8 once it is OFFBOARDING in USDC) and nothing twice', async () => {
    const nfat = createInProcessClient({ service, account: relayer })
    await nfat.send('transitionSleeve', { sleeveId: 'sleeve-8', to: 'OFFBOARDING' })
    await nfat.send('updateSleeveAssets', { sleeveId: 'sleeve-8', assets: [{ type: 'USDC', amount: '25000000', location: 'facility-ALMProxy' }] })
    const config = {
      haloClass: 'facility-A',
      privateKey: toHex(attestor.getHdKey().privateKey!),
      synome: { url },
      idPrefix: 'att-',
      firstNumber: 101,
      rules: {
        periodicCadenceSeconds: 90 * 86_400,
        atRestAfterSeconds: 13 * 86_400,
        evidence: {
          PRE_DEPLOYMENT: evidence,
          AT_REST: { legalClaimsVerified: true, deploymentComplete: true, confirmedRiskParameters: {}, riskData: { schemaVersion: '1.0', data: {} } },
          PERIODIC: { statusNominal: true },
        },
      },
    }
    writeFileSync(join(dir, 'lpha-attest.json'), JSON.stringify(config))
    for (let run = 0; run < 2; run++) {
      const result = await halo(['beacon', 'attest', '--config', join(dir, 'lpha-attest.json'), '--once'])
      expect(result.code).toBe(0)
    }
    const attestations = (await service.list<{ attestationId: string; sleeveId: string; type: string }>({ type: 'attestation', haloClass: 'facility-A' })).items.map((i) => [i.data.attestationId, i.data.sleeveId, i.data.type])
    expect(attestations).toEqual([
      ['att-101', 'sleeve-7', 'PRE_DEPLOYMENT'],
      ['att-102', 'sleeve-8', 'PRE_DEPLOYMENT'],
    ])
  }, 120_000)

  it('seed-shaped AT_REST and PERIODIC attestations (seed 004 JSON, the framework\'s risk parameters filled in) go through `halo attest` and lpha-nfat\'s writes', async () => {
    const nfat = createInProcessClient({ service, account: relayer })
    const councilClient = createInProcessClient({ service, account: council })
    await councilClient.send('publishRiskFramework', { version: 'rf-cli', document: riskFrameworkDocument })
    await nfat.send('updateSleeveAssets', { sleeveId: 'sleeve-7', assets: [{ type: 'USDC', amount: '75000000', location: 'in-transit', destination: 'bank', initiatedAt: '2026-01-01T10:30:00Z' }] })
    await nfat.send('updateSleeveAssets', { sleeveId: 'sleeve-7', assets: [{ type: 'USD', amount: '75000000', location: 'halo-bank-account', confirmedAt: '2026-01-02T14:00:00Z' }] })
    await nfat.send('transitionSleeve', { sleeveId: 'sleeve-7', to: 'DEPLOYING' })
    // seed att-102's content, `{ ... }` filled with what schema 1.0 requires; no riskData
    writeFileSync(join(dir, 'at-rest.json'), JSON.stringify({ confirmedRiskParameters: { weightedAverageDuration: '9.2m' }, legalClaimsVerified: true, deploymentComplete: true }))
    const atRest = await halo(['attest', 'at-rest', 'sleeve-7', '--file', join(dir, 'at-rest.json'), ...common()])
    expect(atRest.stderr).toBe('')
    const { attestationId: atRestId } = JSON.parse(atRest.stdout) as { attestationId: string }
    const record = (await service.get<{ riskData: unknown }>('attestation', atRestId)).data
    expect(record.riskData).toEqual({ schemaVersion: '1.0', attestationRef: atRestId, data: { weightedAverageDuration: '9.2m' } })
    // lpha-nfat's AT_REST write carries exactly that risk data (derived when no assets are given)
    await nfat.send('transitionSleeve', { sleeveId: 'sleeve-7', to: 'AT_REST' })
    expect((await service.get<{ assets: unknown[] }>('sleeve', 'sleeve-7')).data.assets).toEqual([{ type: 'aggregate-deployed', amount: '75000000', riskData: record.riskData }])
    // seed att-103: statusNominal with a risk data update
    writeFileSync(join(dir, 'periodic.json'), JSON.stringify({ statusNominal: true, riskDataUpdate: { weightedAverageDuration: '9.0m' } }))
    const periodic = await halo(['attest', 'periodic', 'sleeve-7', '--file', join(dir, 'periodic.json'), ...common()])
    expect(periodic.stderr).toBe('')
    const { attestationId: periodicId } = JSON.parse(periodic.stdout) as { attestationId: string }
    const update = (await service.get<{ riskData: { schemaVersion: string; attestationRef: string; data?: unknown } }>('attestation', periodicId)).data.riskData
    expect(update).toEqual({ schemaVersion: '1.0', attestationRef: periodicId, data: { weightedAverageDuration: '9.0m' } })
    await nfat.send('recordPeriodicAttestation', { sleeveId: 'sleeve-7', attestationId: periodicId, riskData: update })
    // the old `status` shape is refused when posted, naming the field
    writeFileSync(join(dir, 'old-periodic.json'), JSON.stringify({ status: 'nominal' }))
    const old = await halo(['attest', 'periodic', 'sleeve-7', '--file', join(dir, 'old-periodic.json'), ...common()])
    expect(old.code).toBe(1)
    expect(old.stderr).toContain('content.statusNominal')
  }, 240_000)
})
