/**
 * Seed 004 "Write Access Matrix": each row is allowed for its writer and refused (403, store
 * unchanged) for every other role, including an nfat key scoped to another Halo class.
 */
import { describe, expect, it } from 'vitest'
import { WRITE_ACCESS_MATRIX } from '../../src/domain/sleeve.js'
import { storeBackends, useStore } from '../fixtures/store.js'
import { SEED_STEPS, accounts, bootstrapRoles, clientsFor, riskData102, seedRunner, testClock, type Actor, type Clients, type Step } from './support.js'

const EXTRA: Record<string, { after: string; step: Step; writer: Actor }> = {
  writeRiskData: {
    after: 'att103',
    writer: 'nfat',
    step: { name: 'writeRiskData', at: '2026-05-01T00:00:00Z', run: (c) => c.nfat.send('writeRiskData', { sleeveId: 'sleeve-7', riskData: riskData102 }) },
  },
  overrideSleeveState: {
    after: 'att101',
    writer: 'operator',
    step: { name: 'override', at: '2026-04-01T12:00:00Z', run: (c) => c.operator.send('overrideSleeveState', { sleeveId: 'sleeve-7', to: 'FILLING', reason: 'off-ramp failed', assets: [{ type: 'USDS', amount: '75000000', location: 'facility-ALMProxy' }] }) },
  },
  overrideUnit: {
    after: 'sweep42',
    writer: 'operator',
    step: { name: 'overrideUnit', at: '2026-03-15T12:00:00Z', run: (c) => c.operator.send('overrideUnit', { unitId: 42, principal: '30000001', reason: 'principal keyed in wrong' }) },
  },
  registerCoreHalo: {
    after: 'createSleeve',
    writer: 'council',
    step: {
      name: 'registerCoreHalo',
      at: '2026-03-15T09:30:00Z',
      run: (c) => c.council.send('registerCoreHalo', { coreHaloId: 'morpho-usds', prime: 'spark', collateralType: 'Morpho vault', description: 'USDS lending vault', riskModelRef: 'liquid-defi', dataModelRef: 'rpc:erc4626' }),
    },
  },
  grantRole: {
    after: 'createSleeve',
    writer: 'council',
    step: { name: 'grantRole', at: '2026-03-15T09:30:00Z', run: (c) => c.council.send('grantRole', { address: accounts.stranger.address, role: 'attest', haloClasses: ['facility-A'] }) },
  },
  recordEntitlements: {
    after: 'unwind',
    writer: 'nfat',
    step: { name: 'recordEntitlements', at: '2026-10-01T12:10:00Z', run: (c) => c.nfat.send('recordEntitlements', { sleeveId: 'sleeve-7', returned: '78750000', final: false }) },
  },
  revokeRole: {
    after: 'createSleeve',
    writer: 'council',
    step: { name: 'revokeRole', at: '2026-03-15T09:30:00Z', run: (c) => c.council.send('revokeRole', { address: accounts.attest.address, role: 'attest' }) },
  },
}

/** Matrix operation → the seed step that performs it. */
const SEED_STEP_OF: Record<string, string> = {
  'Create sleeve': 'createSleeve',
  'Add unit to sleeve (sweep)': 'sweep42',
  'Update sleeve assets (offboarding sub-steps)': 'confirmReceipt',
  'Transition FILLING → OFFBOARDING': 'offboard',
  'Convert USDS → USDC (offboarding step 1)': 'convertToUsdc',
  'Post pre-deployment attestation': 'att101',
  'Send USDC externally (offboarding step 2)': 'sendUsdc',
  'Transition OFFBOARDING → DEPLOYING': 'deploy',
  'Post at-rest attestation': 'att102',
  'Transition DEPLOYING → AT REST': 'atRest',
  'Post periodic attestation': 'att103',
  'Update sleeve with periodic attestation': 'recordAtt103',
  'Transition AT REST → UNWINDING': 'unwind',
  'Update sleeve assets (unwinding sub-steps)': 'onRamp',
  'Mark units repayment-available': 'repaymentAvailable',
  'Close unit': 'close42',
  'Transition UNWINDING → CLOSED': 'close',
}

type Case = { operation: string; writer: Actor; stop: string; step: Step }
const cases: Case[] = [
  ...WRITE_ACCESS_MATRIX.map((row): Case => {
    const extra = EXTRA[row.command]
    if (extra && !SEED_STEP_OF[row.operation]) return { operation: row.operation, writer: row.role as Actor, stop: SEED_STEPS[SEED_STEPS.findIndex((s) => s.name === extra.after) + 1]!.name, step: extra.step }
    const name = SEED_STEP_OF[row.operation]
    if (!name) throw new Error(`matrix row without a test: ${row.operation}`)
    return { operation: row.operation, writer: row.role as Actor, stop: name, step: SEED_STEPS.find((s) => s.name === name)! }
  }),
  { operation: 'Register Halo class', writer: 'council', stop: 'registerHaloClass', step: SEED_STEPS[0]! },
  { operation: 'Publish risk framework', writer: 'council', stop: 'publishRiskFramework', step: SEED_STEPS[1]! },
  ...(['registerCoreHalo', 'grantRole', 'revokeRole'] as const).map((name): Case => ({ operation: name, writer: 'council', stop: 'sweep42', step: EXTRA[name]!.step })),
]

/** The same step, signed by `actor` instead of its writer. */
function as(c: Clients, actor: Actor): Clients {
  return Object.fromEntries(Object.keys(c).map((k) => [k, c[actor]])) as Clients
}

describe.each(storeBackends())('write-access matrix on $name', (backend) => {
  const store = useStore(backend)

  it.each(cases)('$operation: allowed for $writer only', async ({ writer, stop, step }) => {
    const time = testClock()
    const synome = await store.fresh({ clock: time.clock, roles: bootstrapRoles })
    const c = clientsFor(synome, time.clock)
    await seedRunner(c, time).until(stop)
    time.set(step.at)
    const before = await store.snapshot()
    for (const actor of Object.keys(accounts) as Actor[]) {
      if (actor === writer) continue
      await expect(step.run(as(c, actor)), `${actor} must be refused`).rejects.toMatchObject({ code: 'NOT_PERMITTED', status: 403 })
      expect(await store.snapshot()).toBe(before)
    }
    const result = await step.run(as(c, writer))
    expect(result).toMatchObject({ replayed: false })
    expect(await store.snapshot()).not.toBe(before)
  })
})
