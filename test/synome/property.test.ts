/**
 * A property run of random and malformed commands against the HTTP handler, from the middle
 * of the seed's lifecycle: never a 5xx, every rejection a typed problem+json with the status
 * of its code, and the store unchanged by every rejected command.
 */
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { createSynomeApp } from '../../src/synome/http/app.js'
import type { SynomeService } from '../../src/synome/service.js'
import { signCommand } from '../../src/synome/signing.js'
import { storeBackends, useStore } from '../fixtures/store.js'
import { HALO_CLASS, accounts, bootstrapRoles, clientsFor, seedRunner, testClock, unitPayload, type Actor } from './support.js'

const CODES: Record<string, number> = { INVALID_INPUT: 400, BAD_SIGNATURE: 401, NOT_PERMITTED: 403, NOT_FOUND: 404, PRECONDITION_FAILED: 409, VERSION_CONFLICT: 409, IDEMPOTENCY_CONFLICT: 409 }

describe.each(storeBackends())('random commands on $name', (backend) => {
  const store = useStore(backend)
  let synome: SynomeService
  const time = testClock()

  beforeAll(async () => {
    synome = await store.fresh({ clock: time.clock, roles: bootstrapRoles })
    await seedRunner(clientsFor(synome, time.clock), time).until('att102')
  })

  it('random and malformed commands: no 5xx, every rejection typed, rejected commands change nothing', { timeout: 120_000 }, async () => {
    const app = createSynomeApp(synome)
    const names = synome.commands.map((c) => c.name)
    const id = fc.constantFrom('sleeve-7', 'sleeve-8', 'sleeve-x', HALO_CLASS, 'facility-B', 'att-101', 'att-200', '', 'a b', '42')
    const amount = fc.oneof(fc.constantFrom('1', '0', '75000000', '1.5', '0.0000001', '-5', '1e3', 'abc'), fc.integer().map(String))
    const asset = fc.record({ type: fc.constantFrom('USDS', 'USDC', 'USD', 'aggregate-deployed', 'BTC'), amount, location: fc.constantFrom('facility-ALMProxy', 'in-transit', 'halo-bank-account', 'deploying', 'moon') }, { requiredKeys: [] })
    const payloads: Record<string, fc.Arbitrary<unknown>> = {
      createSleeve: fc.record({ sleeveId: id, haloClass: id }),
      sweepUnit: fc.record({ sleeveId: id, unit: fc.tuple(fc.integer({ min: -1, max: 60 }), amount).map(([u, a]) => unitPayload(u, a, 'spark')) }),
      updateSleeveAssets: fc.record({ sleeveId: id, assets: fc.array(asset, { maxLength: 3 }) }),
      transitionSleeve: fc.record({ sleeveId: id, to: fc.constantFrom('FILLING', 'OFFBOARDING', 'DEPLOYING', 'AT_REST', 'UNWINDING', 'CLOSED', 'LIMBO') }),
      postAttestation: fc.record({ attestationId: id, type: fc.constantFrom('PRE_DEPLOYMENT', 'AT_REST', 'PERIODIC', 'VIBES'), sleeveId: id, content: fc.object({ maxDepth: 2 }) }),
      closeUnit: fc.record({ unitId: fc.oneof(fc.integer({ min: 40, max: 46 }), fc.string()) }),
      markRepaymentAvailable: fc.record({ sleeveId: id, total: amount }),
      overrideSleeveState: fc.record({ sleeveId: id, to: fc.constantFrom('FILLING', 'CLOSED'), reason: fc.string({ maxLength: 5 }) }),
      grantRole: fc.record({ address: fc.constantFrom(accounts.stranger.address, '0x12', 'nope'), role: fc.constantFrom('nfat', 'council', 'king'), haloClasses: fc.array(id, { maxLength: 2 }) }),
    }
    const named = fc
      .oneof({ weight: 6, arbitrary: fc.constantFrom(...names) }, { weight: 1, arbitrary: fc.constantFrom('bogus', '', 'DROP TABLE events') })
      .chain((name) => fc.tuple(fc.constant(name), fc.oneof({ weight: 3, arbitrary: payloads[name] ?? fc.anything({ maxDepth: 3 }) }, { weight: 1, arbitrary: fc.anything({ maxDepth: 3 }) })))
    // one in five is a well-formed command of the right writer, so accepted commands interleave with the rejected
    const valid = fc.tuple(fc.constantFrom('createSleeve', 'sweepUnit'), fc.integer({ min: 0, max: 20 }), fc.integer({ min: 100, max: 1_000_000 })).map(([name, n, unit]) => ({
      named: [name, name === 'createSleeve' ? { sleeveId: `sleeve-r${n}`, haloClass: HALO_CLASS } : { sleeveId: `sleeve-r${n}`, unit: unitPayload(unit, '1000', 'spark') }] as [string, unknown],
      actor: 'nfat' as Actor,
      mutate: null,
      envelope: 'signed',
      key: `valid-${name}-${n}-${unit}`,
      expectedVersion: null,
    }))
    const random = fc.record({
      named,
      actor: fc.constantFrom(...(Object.keys(accounts) as Actor[])),
      mutate: fc.option(fc.tuple(fc.string({ maxLength: 8 }), fc.anything({ maxDepth: 2 })), { freq: 2 }),
      envelope: fc.constantFrom('signed', 'signed', 'signed', 'garbage-signature', 'other-signer', 'missing-field', 'extra-field', 'not-json', 'bad-issued-at'),
      key: fc.oneof(fc.uuid(), fc.constantFrom('k1', 'k2', 'nul\u0000key'), fc.string({ maxLength: 4 })),
      expectedVersion: fc.option(fc.integer({ min: -1, max: 40 }), { freq: 4 }),
    })
    const command = fc.oneof({ weight: 4, arbitrary: random }, { weight: 1, arbitrary: valid })
    time.set('2026-05-01T00:00:00Z')
    let count = 0
    let accepted = 0
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 8, maxLength: 20 }), async (commands) => {
        for (const cmd of commands) {
          count++
          const [name, generated] = cmd.named
          let payload = generated
          if (cmd.mutate && payload && typeof payload === 'object' && !Array.isArray(payload)) payload = { ...payload, [cmd.mutate[0]]: cmd.mutate[1] }
          let body: string
          try {
            const signed = await signCommand({ account: accounts[cmd.actor], command: name || 'x', payload, idempotencyKey: cmd.key, issuedAt: time.clock().toISOString(), expectedVersion: cmd.expectedVersion === null || cmd.expectedVersion < 0 ? undefined : cmd.expectedVersion })
            const envelope: Record<string, unknown> = { ...signed, command: name }
            if (cmd.envelope === 'garbage-signature') envelope.signature = '0xdeadbeef'
            if (cmd.envelope === 'other-signer') envelope.signer = accounts.council.address
            if (cmd.envelope === 'missing-field') delete envelope.idempotencyKey
            if (cmd.envelope === 'extra-field') envelope.sql = 'DROP TABLE events'
            if (cmd.envelope === 'bad-issued-at') envelope.issuedAt = 'tomorrow'
            if (cmd.expectedVersion === -1) envelope.expectedVersion = -1
            body = cmd.envelope === 'not-json' ? '{"command":' : JSON.stringify(envelope)
          } catch {
            body = JSON.stringify({ command: name, payload: null, idempotencyKey: cmd.key, issuedAt: 'x', signer: '0x0', signature: '0x' })
          }
          const before = await store.snapshot()
          const response = await app.request('/commands', { method: 'POST', body, headers: { 'content-type': 'application/json' } })
          expect(response.status, body).toBeLessThan(500)
          const result = (await response.json()) as { code?: string; status?: number }
          if (response.status >= 400) {
            expect(response.headers.get('content-type')).toContain('application/problem+json')
            expect(CODES[result.code!], JSON.stringify(result)).toBe(response.status)
            expect(await store.snapshot()).toBe(before)
          } else {
            accepted++
          }
        }
      }),
      { numRuns: 80, seed: 20261122 },
    )
    expect(count).toBeGreaterThan(900)
    expect(accepted).toBeGreaterThan(0)
    expect(await synome.verifyLog()).toMatchObject({ ok: true })
  })
})
