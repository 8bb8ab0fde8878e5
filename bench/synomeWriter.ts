/**
 * One concurrent writer of bench/synome.ts on PostgreSQL, in its own process (as a beacon
 * would be): opens its own service, signs its batch, waits for "go", executes, reports.
 */
import { privateKeyToAccount } from 'viem/accounts'
import { createSynome } from '../src/synome/create.js'
import { signBatch } from './synomeCommands.js'

const [databaseUrl, keyIndex, tag, countText] = process.argv.slice(2)
const account = privateKeyToAccount(`0x${Number(keyIndex).toString(16).padStart(64, '0')}`)
const synome = await createSynome({ databaseUrl: databaseUrl!, maxConnections: 1 })
const batch = await signBatch(account, tag!, Number(countText))
process.send!({ ready: true })
process.once('message', async () => {
  const started = performance.now()
  for (const signed of batch) await synome.execute(signed)
  process.send!({ done: true, ms: performance.now() - started, count: batch.length })
  await synome.close()
  process.disconnect()
})
