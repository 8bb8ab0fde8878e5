/**
 * `halo timelock list|execute` on a factory devnet: a class deployment schedules its
 * registration batch; the list shows it pending; executing early, as a stranger, or twice is
 * refused and changes nothing; after the delay the aBEAM executes it and the PAU is registered.
 * A single scheduled call (a template approval) is listed and executed the same way.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { configuratorAbi } from '../../src/chain/generated/index.js'
import { assertExecutable, timelockOperationState } from '../../src/domain/timelock.js'
import { deployFactoryStack, TERM_TEMPLATE_NAME, type FactoryStack } from '../../src/factory/devnet.js'
import { useDevnet, type Devnet } from '../fixtures/devnet.js'
import { runHalo } from '../support/cli.js'

const DELAY = 60n
let devnet: Devnet
let stack: FactoryStack
const dir = mkdtempSync(join(tmpdir(), 'halo-timelock-cli-'))
// anvil's default keys: 0 deployer (no timelock role), 2 aBEAM (proposer + executor), 3 govOps.
const KEY = { deployer: '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80', aBEAM: '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a', govOps: '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6' }

beforeAll(async () => {
  devnet = await useDevnet()
  stack = await deployFactoryStack(devnet, devnet.accounts, { delaySeconds: DELAY, devnetTimelock: true })
})

describe('timelock operation state (the rule the CLI applies)', () => {
  it('0 is unset, 1 is done, a later timestamp is pending with its wait, from that second on it is ready', () => {
    expect(timelockOperationState({ timestamp: 0n, now: 100n })).toEqual({ state: 'unset' })
    expect(timelockOperationState({ timestamp: 1n, now: 100n })).toEqual({ state: 'done' })
    expect(timelockOperationState({ timestamp: 160n, now: 100n })).toEqual({ state: 'pending', readyAt: 160n, waitSeconds: 60n })
    expect(timelockOperationState({ timestamp: 100n, now: 100n })).toEqual({ state: 'ready', readyAt: 100n })
    expect(() => assertExecutable('0x01', { state: 'pending', readyAt: 160n, waitSeconds: 60n })).toThrow(expect.objectContaining({ code: 'TIMELOCK_NOT_READY' }))
    expect(() => assertExecutable('0x01', { state: 'done' })).toThrow(expect.objectContaining({ code: 'TIMELOCK_ALREADY_DONE' }))
    expect(() => assertExecutable('0x01', { state: 'unset' })).toThrow(expect.objectContaining({ code: 'TIMELOCK_OPERATION_UNKNOWN' }))
  })
})

describe('halo timelock', () => {
  it('lists and executes a template approval (single) and a class registration batch once each, after the delay only', async () => {
    const base = ['--rpc', devnet.rpcUrl, '--timelock', stack.timelock, '--from-block', String(stack.fromBlock), '--json']
    const list = async () => JSON.parse((await runHalo('timelock', 'list', ...base)).stdout).operations as Array<{ id: string; kind: string; state: string; calls: unknown[] }>

    // A single call: the template approval the aBEAM schedules.
    await stack.scheduleTemplate(stack.templateId, stack.template)
    const [approval] = await list()
    expect(approval).toMatchObject({ kind: 'single', state: 'pending' })
    await devnet.increaseTime(DELAY)
    expect((await list())[0]!.state).toBe('ready')
    expect(JSON.parse((await runHalo('timelock', 'execute', approval!.id, '--key', KEY.aBEAM, ...base)).stdout)).toMatchObject({ executed: true })

    // A batch: the class registration the factory schedules on deployment.
    const { govOps, relayer, freezer } = devnet.accounts
    const classParams = join(dir, 'class.json')
    writeFileSync(classParams, JSON.stringify({ govOps: govOps.address, beaconOperator: relayer.address, freezer: freezer.address, swapRateLimit: String(10n ** 25n) }))
    const deployed = JSON.parse((await runHalo('factory', 'deploy-class', '--template', TERM_TEMPLATE_NAME, '--params', classParams, '--salt', 'tl-1', '--key', KEY.govOps, '--rpc', devnet.rpcUrl, '--factory', stack.factory, '--json')).stdout)
    expect(deployed.timelockBatchId).toMatch(/^0x[0-9a-f]{64}$/)
    const batch = (await list()).find((o) => o.id === deployed.timelockBatchId)!
    expect(batch).toMatchObject({ kind: 'batch', state: 'pending' })
    expect(batch.calls.length).toBeGreaterThan(1)
    const registered = () => devnet.publicClient.readContract({ address: stack.configurator, abi: configuratorAbi, functionName: 'pauContracts', args: [deployed.pau] }).then(([controller]) => controller !== '0x0000000000000000000000000000000000000000')

    // Early: refused before sending, nothing mined.
    const blockBefore = await devnet.publicClient.getBlockNumber({ cacheTime: 0 })
    const early = await runHalo('timelock', 'execute', batch.id, '--key', KEY.aBEAM, ...base)
    expect(early.code).toBe(1)
    expect(early.stderr).toMatch(/TIMELOCK_NOT_READY|ready in \d+ s/)
    expect(await devnet.publicClient.getBlockNumber({ cacheTime: 0 })).toBe(blockBefore)

    await devnet.increaseTime(DELAY)
    // A stranger (no EXECUTOR_ROLE): the chain refuses, the PAU stays unregistered.
    const stranger = await runHalo('timelock', 'execute', batch.id, '--key', KEY.deployer, ...base)
    expect(stranger.code).toBe(1)
    expect(stranger.stderr).toMatch(/AccessControlUnauthorizedAccount/)
    expect(await registered()).toBe(false)
    // A dry run checks and simulates, sends nothing.
    expect(JSON.parse((await runHalo('timelock', 'execute', batch.id, '--key', KEY.aBEAM, '--dry-run', ...base)).stdout)).toMatchObject({ dryRun: true, kind: 'batch' })
    expect(await registered()).toBe(false)

    expect(JSON.parse((await runHalo('timelock', 'execute', batch.id, '--key', KEY.aBEAM, ...base)).stdout)).toMatchObject({ executed: true })
    expect(await registered()).toBe(true)
    expect((await list()).find((o) => o.id === batch.id)!.state).toBe('done')

    const again = await runHalo('timelock', 'execute', batch.id, '--key', KEY.aBEAM, ...base)
    expect(again.code).toBe(1)
    expect(again.stderr).toMatch(/already executed/)
    const unknown = await runHalo('timelock', 'execute', `0x${'ab'.repeat(32)}`, '--key', KEY.aBEAM, ...base)
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toMatch(/no such operation/)
  })
})
