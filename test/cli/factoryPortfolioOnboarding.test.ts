/**
 * Issue 15 "Done when": onboarding a Portfolio Unit, from template approval to a Prime's first
 * subscription, is one documented command sequence (docs/factory.md "Onboarding a Portfolio
 * unit"). This test runs it through the `halo` CLI in-process against a factory devnet (60 s
 * timelock delay) and a Synome served over HTTP, and prints the transactions and chain time it
 * needs: template add → execute → deploy-class → deploy-book --artifacts → (delay) → timelock
 * execute ×2 → wire-portfolio → ingest → artifact → day0 --sign-off → the Prime's approve and
 * deposit into the unit's subscribe queue.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { privateKeyToAccount } from 'viem/accounts'
import { keccak256, stringToHex, type Address } from 'viem'
import { lctsQueueAbi, usdsAbi } from '../../src/chain/generated/index.js'
import { deployFactoryStack, PORTFOLIO_TEMPLATE_RANGES, type FactoryStack } from '../../src/factory/devnet.js'
import { FACTORY_COMMANDS } from '../../src/synome/commands/factory/index.js'
import { DAY0_REVIEW } from '../../src/synome/commands/factory/records.js'
import { PORTFOLIO_COMMANDS } from '../../src/synome/commands/portfolio/index.js'
import { createInProcessClient, createSynome, type SynomeService } from '../../src/synome/index.js'
import { useDevnet, type Devnet } from '../fixtures/devnet.js'
import { serveSynomeHttp } from '../support/beaconProcess.js'
import { runHalo } from '../support/cli.js'

const DELAY = 60n
const USDS = 10n ** 18n
// anvil's default keys: 0 deployer (USDS owner), 1 council, 2 aBEAM, 3 GovOps
const KEY = {
  council: '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d',
  aBEAM: '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a',
  govOps: '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6',
} as const
const manager = `0x${keccak256(stringToHex('onboarding manager endpoint')).slice(26)}` as Address
let devnet: Devnet
let stack: FactoryStack
let synome: SynomeService
let server: Awaited<ReturnType<typeof serveSynomeHttp>>
const dir = mkdtempSync(join(tmpdir(), 'halo-portfolio-onboarding-'))
const file = (name: string, value: unknown) => {
  const path = join(dir, name)
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? String(v) : v)))
  return path
}

beforeAll(async () => {
  devnet = await useDevnet()
  stack = await deployFactoryStack(devnet, devnet.accounts, { delaySeconds: DELAY, devnetTimelock: true })
  synome = await createSynome({ dataDir: null, commands: [...FACTORY_COMMANDS, ...PORTFOLIO_COMMANDS], roles: [{ address: privateKeyToAccount(KEY.council).address, role: 'council', haloClasses: [] }], freshness: false })
  server = await serveSynomeHttp(synome)
})
afterAll(async () => {
  await server?.close()
  await synome?.close()
})

async function txsBetween(fromBlock: bigint, toBlock: bigint): Promise<number> {
  let count = 0
  for (let b = fromBlock; b <= toBlock; b++) count += (await devnet.publicClient.getBlock({ blockNumber: b })).transactions.length
  return count
}

/** `halo …` with --json; fails the test with its stderr when it exits non-zero. */
async function halo(...args: string[]) {
  const run = await runHalo(...args, '--json')
  if (run.code !== 0) throw new Error(`halo ${args.slice(0, 3).join(' ')} exited ${run.code}: ${run.stderr}`)
  return JSON.parse(run.stdout)
}

describe('onboarding a Portfolio unit through the halo CLI', () => {
  it('template approval → class → book with artifacts → batches → lpha-lcts wiring → ingestion → artifact → day0 → the first subscription: 11 transactions', async () => {
    const { govOps, relayer, freezer, alice, deployer } = devnet.accounts
    const chain = ['--rpc', devnet.rpcUrl, '--factory', stack.factory]
    const timelock = ['--rpc', devnet.rpcUrl, '--timelock', stack.timelock, '--from-block', String(stack.fromBlock)]
    const impl = stack.portfolioImplementations
    const startBlock = (await devnet.publicClient.getBlockNumber({ cacheTime: 0 })) + 1n
    const startTime = await devnet.now()

    // 1–2 governance (aBEAM): template approval
    const add = ['factory', 'template', 'add', 'portfolio-onboard', '--kind', 'portfolio', '--implementations', [impl.almProxy, impl.controller, impl.rateLimits, impl.portfolioHaloClass, impl.portfolioUnitToken, impl.lctsQueue].join(','), '--ranges', file('ranges.json', PORTFOLIO_TEMPLATE_RANGES), '--key', KEY.aBEAM, ...chain]
    await halo(...add)
    await devnet.increaseTime(DELAY)
    expect(await halo(...add, '--execute')).toMatchObject({ executed: true })

    // 3–4 the Halo (GovOps): class, then its book with each unit's artifact rendered at the predicted addresses
    const classParams = file('class.json', { govOps: govOps.address, beaconOperator: relayer.address, freezer: freezer.address, swapRateLimit: String(10_000_000n * USDS), managerEndpoint: manager })
    const cls = await halo('factory', 'deploy-class', '--template', 'portfolio-onboard', '--params', classParams, '--salt', 'onboard-class', '--key', KEY.govOps, ...chain)
    const book = file('book.json', {
      accrualSeconds: '0',
      units: [
        { capacity: String(20_000_000n * USDS), rank: 0, yieldBps: '500', dustThreshold: '0', name: 'Onboard Senior', symbol: 'OB-SR' },
        { capacity: String(5_000_000n * USDS), rank: 1, yieldBps: '0', dustThreshold: '0', name: 'Onboard Junior', symbol: 'OB-JR' },
      ],
    })
    const signals = file('signals.json', [{ navDrop: { maxDropBps: 200 }, navReport: { maxAgeSeconds: 172_800 } }, { navReport: { maxAgeSeconds: 172_800 }, redemption: { maxDelaySeconds: 604_800 } }])
    const recourse = file('recourse.md', 'Holders rank by tranche under the class agreement; English law; the security trustee enforces.')
    const migration = file('migration.md', 'A successor book is opened from the next template version; holders redeem here and subscribe there.')
    const artifactDir = join(dir, 'artifacts')
    const deployedBook = await halo('factory', 'deploy-book', '--pau', cls.pau, '--params', book, '--salt', 'onboard-book', '--artifacts', artifactDir, '--warning-signals', signals, '--recourse', recourse, '--migration', migration, '--from-block', String(stack.fromBlock), '--key', KEY.govOps, ...chain)
    const senior = deployedBook.units[0] as { token: Address; subscribeQueue: Address }
    expect(deployedBook.artifacts.map((a: { token: string }) => a.token)).toEqual(deployedBook.units.map((u: { token: string }) => u.token))

    // 5–6 the timelock delay; an aBEAM executes the class batch, then the book's (addBook)
    await devnet.increaseTime(DELAY)
    const ready = (await halo('timelock', 'list', ...timelock)).operations.filter((o: { state: string }) => o.state === 'ready').map((o: { id: string }) => o.id)
    expect(ready).toEqual([cls.timelockBatchId, deployedBook.timelockBatchId])
    for (const id of ready) expect(await halo('timelock', 'execute', id, '--key', KEY.aBEAM, ...timelock)).toMatchObject({ executed: true })

    // 7–9 GovOps (cBEAM): lpha-lcts relays on the PAU, its two transfer limits at 10M/day
    expect((await halo('factory', 'wire-portfolio', '--pau', cls.pau, '--limit', '10000000', '--from-block', String(stack.fromBlock), '--key', KEY.govOps, ...chain)).txs).toHaveLength(3)

    // the Synome (no chain transaction): the class and the book, the units' warning signals by artifact hash
    const synomeFlags = ['--synome', server.url]
    const ingested = await halo('factory', 'ingest', '--warning-signals', join(artifactDir, 'warning-signals.json'), '--finality-depth', '0', '--from-block', String(stack.fromBlock), '--key', KEY.council, ...synomeFlags, ...chain)
    expect(ingested).toMatchObject({ classes: 1, books: 1, written: 4 })

    // the artifact rendered from the deployment and the Synome is the one the book hashed
    const artifact = await halo('artifact', 'unit', senior.token, '--recourse', recourse, '--migration', migration, '--from-block', String(stack.fromBlock), ...synomeFlags, ...chain)
    expect(artifact).toMatchObject({ kind: 'portfolio', hash: artifact.recordedHash })
    expect(artifact.markdown).toBe(readFileSync(join(artifactDir, `${senior.token}.md`), 'utf8'))
    const haloArtifact = await halo('artifact', 'halo', cls.pau, '--from-block', String(stack.fromBlock), ...chain)
    expect(haloArtifact.kind).toBe('portfolio')
    expect(haloArtifact.markdown).toContain(cls.haloClass.toLowerCase())

    // Day-0 with the first daily review signed off (council)
    const day0 = await halo('day0', senior.token, '--artifact', join(artifactDir, `${senior.token}.md`), '--sign-off', '--reviewer', 'risk desk', '--cycle', '1', '--date', '2026-12-02', '--key', KEY.council, '--from-block', String(stack.fromBlock), ...synomeFlags, ...chain)
    expect(day0).toEqual({ ok: true, unit: senior.token, failures: [], notes: ['daily human review: 1 of the first 7 cycles signed off'] })
    expect((await synome.get(DAY0_REVIEW, `${senior.token.toLowerCase()}:1`)).data).toMatchObject({ reviewer: 'risk desk', outcome: 'ok' })

    // 10–11 a Prime's first subscription (the devnet faucet's mint is not onboarding)
    await devnet.write(deployer, { address: stack.usds, abi: usdsAbi, functionName: 'mint', args: [alice.address, 1_000n * USDS] })
    const faucetBlock = await devnet.publicClient.getBlockNumber({ cacheTime: 0 })
    await devnet.write(alice, { address: stack.usds, abi: usdsAbi, functionName: 'approve', args: [senior.subscribeQueue, 1_000n * USDS] })
    await devnet.write(alice, { address: senior.subscribeQueue, abi: lctsQueueAbi, functionName: 'deposit', args: [1_000n * USDS] })
    expect(await devnet.publicClient.readContract({ address: senior.subscribeQueue, abi: lctsQueueAbi, functionName: 'totalUnderlying' })).toBe(1_000n * USDS)

    const endBlock = await devnet.publicClient.getBlockNumber({ cacheTime: 0 })
    const txs = (await txsBetween(startBlock, endBlock)) - (await txsBetween(faucetBlock, faucetBlock))
    const chainSeconds = (await devnet.now()) - startTime
    console.log(`portfolio onboarding through the CLI (template approval → Prime's first subscription): ${txs} transactions, ${chainSeconds - 2n * DELAY} s chain time besides the two timelock delays (${2n * DELAY} s here, 2 × 14 days in production)`)
    // approve (2) + class (1) + book (1) + batches (2) + wiring (3) + approve and deposit (2)
    expect(txs).toBe(11)
    expect(chainSeconds - 2n * DELAY).toBeLessThan(120n)
  })

  it('a review sign-off is refused for a unit the factory did not deploy (a hand-made Portfolio book\'s unit, an unknown address) and for a cycle already signed', async () => {
    const writer = createInProcessClient({ service: synome, account: privateKeyToAccount(KEY.council) })
    const handMade = `0x${'12'.repeat(20)}`
    await writer.send('createPortfolioClass', { classId: 'hand-made-class', name: 'hand-made class' })
    await writer.send('createPortfolioBook', { classId: 'hand-made-class', bookId: 'hand-made-book', accrualSeconds: 0, units: [{ unitId: handMade, rank: 0, yield: { kind: 'residual' }, warningSignals: {} }] })
    const review = (unit: string, cycle = 1) => writer.send('recordDay0Review', { unit, cycle, date: '2026-12-02', reviewer: 'risk desk', outcome: 'ok', notes: '' })
    const position = (await synome.head()).position
    await expect(review(handMade)).rejects.toMatchObject({ meta: { gate: 'FACTORY_UNIT_MISSING' } })
    await expect(review(`0x${'34'.repeat(20)}`)).rejects.toMatchObject({ meta: { gate: 'FACTORY_UNIT_MISSING' } })
    const [signed] = (await synome.list({ type: DAY0_REVIEW })).items
    await expect(review(signed!.data.unit as string)).rejects.toMatchObject({ meta: { gate: 'ALREADY_EXISTS' } })
    expect((await synome.head()).position).toBe(position)
  })
})
