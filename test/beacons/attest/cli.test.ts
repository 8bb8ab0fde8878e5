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
})
