import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mnemonicToAccount } from 'viem/accounts'
import { TxFailedError, TxJournal } from '../../../src/beacons/shared/txJournal.js'
import { chainEventKey, isCanonical } from '../../../src/beacons/shared/finality.js'
import { ANVIL_MNEMONIC } from '../../../src/chain/devnet.js'
import { useDevnet, type Devnet } from '../../fixtures/devnet.js'

let devnet: Devnet
const dir = mkdtempSync(join(tmpdir(), 'txjournal-'))
let fileCount = 0
const nextPath = () => join(dir, `journal-${++fileCount}.jsonl`)
// A fresh account per test (the deployer and named roles stay untouched for others).
let accountIndex = 20
const freshAccount = () => mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: accountIndex++ })

beforeAll(async () => {
  devnet = await useDevnet()
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

async function fund(address: `0x${string}`) {
  await devnet.testClient.setBalance({ address, value: 10n ** 20n })
}

describe('tx intent journal', () => {
  it('sends an action once: the same key never becomes a second transaction, nonces come from the journal', async () => {
    const account = freshAccount()
    await fund(account.address)
    const journal = new TxJournal({ path: nextPath(), account, publicClient: devnet.publicClient, finalityDepth: 0 })
    const first = await journal.send('claim:sleeve-7:42', { to: devnet.accounts.bob.address, data: '0x' })
    const again = await journal.send('claim:sleeve-7:42', { to: devnet.accounts.bob.address, data: '0x' })
    expect(first.status).toBe('final')
    expect(again.hash).toBe(first.hash)
    const second = await journal.send('claim:sleeve-7:43', { to: devnet.accounts.bob.address, data: '0x' })
    expect([first.nonce, second.nonce]).toEqual([0, 1])
    expect(await devnet.publicClient.getTransactionCount({ address: account.address })).toBe(2)
    journal.close()
  })

  it('crash after the intent is journaled but before broadcast: the restart broadcasts the same signed bytes', async () => {
    const account = freshAccount()
    await fund(account.address)
    const path = nextPath()
    const offline = { ...devnet.publicClient, sendRawTransaction: async () => { throw new Error('connection refused') } } as unknown as typeof devnet.publicClient
    const crashed = new TxJournal({ path, account, publicClient: offline, finalityDepth: 0 })
    await expect(crashed.send('offramp:sleeve-7:1', { to: devnet.accounts.bob.address, data: '0x' })).rejects.toThrow(TxFailedError)
    const intent = crashed.get('offramp:sleeve-7:1')!
    crashed.close()
    const restarted = new TxJournal({ path, account, publicClient: devnet.publicClient, finalityDepth: 0 })
    const [recovered] = await restarted.recover()
    expect(recovered).toMatchObject({ key: 'offramp:sleeve-7:1', hash: intent.hash, nonce: 0, status: 'final' })
    expect(await devnet.publicClient.getTransactionCount({ address: account.address })).toBe(1)
    restarted.close()
  })

  it('a dropped transaction is re-broadcast; one whose nonce was taken by another is marked replaced', async () => {
    const account = freshAccount()
    await fund(account.address)
    await devnet.testClient.setAutomine(false)
    try {
      const journal = new TxJournal({ path: nextPath(), account, publicClient: devnet.publicClient, finalityDepth: 0, receiptTimeoutMs: 1_000 })
      const sent = await journal.send('fund:42', { to: devnet.accounts.bob.address, data: '0x' })
      expect(sent.status).toBe('pending')
      await devnet.testClient.dropTransaction({ hash: sent.hash })
      await devnet.testClient.setAutomine(true)
      expect((await journal.resolve('fund:42')).status).toBe('final')

      await devnet.testClient.setAutomine(false)
      const other = await journal.send('fund:43', { to: devnet.accounts.bob.address, data: '0x' })
      await devnet.testClient.dropTransaction({ hash: other.hash })
      // Someone else (an operator tool with the same key) uses the nonce.
      await devnet.testClient.setAutomine(true)
      await devnet.walletFor(account).sendTransaction({ to: devnet.accounts.alice.address, value: 1n, nonce: other.nonce })
      expect((await journal.resolve('fund:43')).status).toBe('replaced')
      // The next action gets a fresh nonce past the replaced one.
      const next = await journal.send('fund:44', { to: devnet.accounts.bob.address, data: '0x' })
      expect(next).toMatchObject({ nonce: other.nonce + 1, status: 'final' })
      journal.close()
    } finally {
      await devnet.testClient.setAutomine(true)
    }
  })

  it('finality depth: mined first, final once deep enough; a reorg that drops the block re-opens the intent', async () => {
    const account = freshAccount()
    await fund(account.address)
    const journal = new TxJournal({ path: nextPath(), account, publicClient: devnet.publicClient, finalityDepth: 2 })
    const beforeTx = await devnet.snapshot()
    const sent = await journal.send('burn-check:44', { to: devnet.accounts.bob.address, data: '0x' })
    expect(sent.status).toBe('mined')
    await devnet.testClient.mine({ blocks: 2 })
    expect((await journal.resolve('burn-check:44')).status).toBe('final')
    const ref = { blockNumber: sent.blockNumber!, blockHash: sent.blockHash! }
    expect(await isCanonical(devnet.publicClient, ref)).toBe(true)
    await devnet.revert(beforeTx)
    await devnet.testClient.setNextBlockTimestamp({ timestamp: (await devnet.now()) + 7n })
    await devnet.testClient.mine({ blocks: 3 })
    expect(await isCanonical(devnet.publicClient, ref)).toBe(false)
    expect(await journal.checkReorgs()).toEqual(['burn-check:44'])
    // Back to pending: the signed bytes go out again and land in the new chain.
    await journal.resolve('burn-check:44')
    await devnet.testClient.mine({ blocks: 2 })
    expect((await journal.resolve('burn-check:44')).status).toBe('final')
    journal.close()
  })

  it('event keys are (chainId, txHash, logIndex)', () => {
    expect(chainEventKey({ chainId: 31337, txHash: '0xABCD', logIndex: 3 })).toBe('31337:0xabcd:3')
  })
})
