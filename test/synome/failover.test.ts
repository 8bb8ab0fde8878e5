/**
 * Issue 19: PostgreSQL as the scale-out path survives a failover. Two servers on this machine
 * (a primary and a synchronous streaming standby); four writers load the Synome; the primary
 * is killed mid-load (immediate shutdown, like a crash) and the standby promoted. Writers
 * resend the same signed command until it is acknowledged. Then: every acknowledged command
 * is in the log at the position it was acknowledged with, none is applied twice, and the hash
 * chain verifies.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createInProcessClient } from '../../src/synome/client/inProcess.js'
import { createSynome } from '../../src/synome/create.js'
import { StoreUnavailableError } from '../../src/synome/errors.js'
import type { CommandResult, SynomeService } from '../../src/synome/service.js'
import type { SignedCommand } from '../../src/synome/signing.js'
import { postgresAvailable, startReplicatedPair, waitForSynchronousStandby } from '../support/pgCluster.js'
import { accounts, bootstrapRoles, HALO_CLASS, testClock } from './support.js'

const required = process.env.CI === 'true'
const run = postgresAvailable() || required ? describe : describe.skip

let pair: Awaited<ReturnType<typeof startReplicatedPair>>
let synome: SynomeService
const { clock } = testClock()

run('Synome on PostgreSQL: failover to a promoted synchronous standby', () => {
  beforeAll(async () => {
    pair = await startReplicatedPair()
    await waitForSynchronousStandby(pair.primary.url)
    synome = await createSynome({ databaseUrl: `${pair.primary.url},${pair.standby.url}`, roles: bootstrapRoles, clock })
    await createInProcessClient({ service: synome, account: accounts.council, clock }).send('registerHaloClass', { haloClass: HALO_CLASS }, { idempotencyKey: 'class' })
  }, 120_000)
  afterAll(async () => {
    await synome?.close().catch(() => {})
    pair?.stop()
  })

  it('loses no acknowledged command, applies none twice, and the chain verifies', async () => {
    const nfat = createInProcessClient({ service: synome, account: accounts.nfat, clock })
    const WRITERS = 4
    const PER_WRITER = 30
    const acknowledged = new Map<string, CommandResult>()
    let unavailable = 0
    let failedOver = false

    /** Resend one signed command until it is acknowledged (bounded: 400 tries, 50 ms apart). */
    async function deliver(signed: SignedCommand): Promise<CommandResult> {
      for (let attempt = 0; attempt < 400; attempt++) {
        try {
          return await synome.execute(signed)
        } catch (error) {
          if (!(error instanceof StoreUnavailableError)) throw error
          unavailable++
          await new Promise((r) => setTimeout(r, 50))
        }
      }
      throw new Error(`not delivered: ${signed.idempotencyKey}`)
    }

    const writer = async (w: number) => {
      for (let k = 0; k < PER_WRITER; k++) {
        const sleeveId = `sleeve-${w}-${k}`
        const signed = await nfat.sign('createSleeve', { sleeveId, haloClass: HALO_CLASS }, { idempotencyKey: `create:${sleeveId}` })
        acknowledged.set(signed.idempotencyKey, await deliver(signed))
        if (!failedOver && acknowledged.size >= 40) {
          failedOver = true
          pair.primary.kill()
          pair.standby.promote()
        }
      }
    }
    await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)))

    expect(failedOver).toBe(true)
    expect(unavailable).toBeGreaterThan(0)
    expect(acknowledged.size).toBe(WRITERS * PER_WRITER)

    // Read everything back from the promoted standby alone.
    const reader = await createSynome({ databaseUrl: pair.standby.url })
    try {
      const events = []
      for (let after = 0, page = 0; page < 1_000; page++) {
        const { events: batch, next } = await reader.events({ after, limit: 500 })
        events.push(...batch)
        if (batch.length === 0) break
        after = next
      }
      const byKey = new Map<string, number>()
      for (const e of events) byKey.set(e.idempotencyKey, (byKey.get(e.idempotencyKey) ?? 0) + 1)
      for (const [key, result] of acknowledged) {
        expect(byKey.get(key)).toBe(1)
        const event = events.find((e) => e.position === result.position)
        expect(event?.idempotencyKey).toBe(key)
        expect(event?.hash).toBe(result.hash)
      }
      expect((await reader.verifyLog()).ok).toBe(true)
      expect((await reader.list({ type: 'sleeve', limit: 500 })).items).toHaveLength(WRITERS * PER_WRITER)
    } finally {
      await reader.close()
    }
  }, 120_000)
})
