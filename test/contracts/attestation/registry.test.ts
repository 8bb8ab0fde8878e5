/**
 * The on-chain attestation gate (issue 12, "beyond every anchor"): lpha-attest's key records
 * (sleeve id, attestation type, offboarding round, content hash, amount) in the
 * AttestationRegistry; `Controller.transferForSleeve` sends funds off chain only with a current
 * PRE_DEPLOYMENT record for that sleeve's round and only up to the amount it names. Before it, a
 * faulty lpha-nfat (relayer) key alone could send USDC off chain within its rate limit.
 */
import fc from 'fast-check'
import { beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { encodeFunctionData, keccak256, toBytes, type Abi, type Account, type Address } from 'viem'
import { deployAttestationRegistry } from '../../../src/chain/deploy/deployAttestationRegistry.js'
import { attestationSleeveKey, attestationTypeIndex } from '../../../src/chain/attestation.js'
import { attestationRegistryAbi, beamStateAbi, configuratorAbi, controllerAbi, usdcAbi } from '../../../src/chain/generated/index.js'
import { encodeCall } from '../../../src/chain/timelock.js'
import type { DevnetAccountName } from '../../../src/chain/devnet.js'
import { LIMIT, rateLimitKey } from '../../../src/domain/rateLimits.js'
import { useDevnet, type Devnet } from '../../fixtures/devnet.js'
import { deployStack, type Stack } from '../pau/stack.js'

let devnet: Devnet
let s: Stack
let registry: Address
let bank: Address
const SLEEVE = attestationSleeveKey('sleeve-senior-secured-1')
const PRE = attestationTypeIndex('PRE_DEPLOYMENT')
const AT_REST = attestationTypeIndex('AT_REST')
const USDC = (n: bigint) => n * 10n ** 6n
const HASH = keccak256(toBytes('attestation content'))
const DAY = 86_400n

beforeAll(async () => {
  devnet = await useDevnet()
  s = await deployStack(devnet)
  await s.onboard()
  bank = devnet.accounts.bob.address
  const { deployer, council, aBEAM, attestor, govOps } = devnet.accounts
  registry = await deployAttestationRegistry(devnet, { deployer, councilBeacon: council.address, timelock: s.timelock })
  const aBEAMRole = await devnet.publicClient.readContract({ address: registry, abi: attestationRegistryAbi, functionName: 'ABEAM_ROLE' })
  await devnet.write(council, { address: registry, abi: attestationRegistryAbi, functionName: 'grantRole', args: [aBEAMRole, aBEAM.address] })
  const setRegistry = encodeFunctionData({ abi: controllerAbi, functionName: 'setAttestationRegistry', args: [registry] })
  const key = rateLimitKey(LIMIT.SLEEVE_OFFRAMP, s.usdc, bank)
  await s.timelocked(
    encodeCall(registry, { abi: attestationRegistryAbi, functionName: 'addAttestor', args: [attestor.address] }),
    encodeCall(s.beamState, { abi: beamStateAbi, functionName: 'addInitControllerActions', args: [setRegistry, s.pau] }),
    s.addInit(key, USDC(50_000_000n), USDC(50_000_000n) / DAY),
  )
  await devnet.write(govOps, { address: s.configurator, abi: configuratorAbi, functionName: 'callControllerAction', args: [s.pau, setRegistry] })
  await s.setRateLimit(key, USDC(50_000_000n), USDC(50_000_000n) / DAY)
  await devnet.write(deployer, { address: s.usdc, abi: usdcAbi, functionName: 'mint', args: [s.proxy, USDC(100_000_000n)] })
  await devnet.increaseTime(DAY)
}, 120_000)
beforeEach(() => devnet.isolate())

const record = (type: number, round: bigint, amount: bigint, as: Account = devnet.accounts.attestor) =>
  devnet.write(as, { address: registry, abi: attestationRegistryAbi, functionName: 'record', args: [SLEEVE, type, round, HASH, amount] })
const offRamp = (round: bigint, amount: bigint, as: Account = devnet.accounts.relayer) =>
  devnet.write(as, { address: s.controller, abi: controllerAbi, functionName: 'transferForSleeve', args: [SLEEVE, round, s.usdc, bank, amount] })
const usdcOf = (who: Address) => devnet.publicClient.readContract({ address: s.usdc, abi: usdcAbi, functionName: 'balanceOf', args: [who] })

describe('the attestation-gated off-ramp', () => {
  it('a relayer alone cannot send a sleeve\'s USDC off chain: no PRE_DEPLOYMENT record, nothing leaves', async () => {
    await expect(offRamp(1n, USDC(1n))).rejects.toThrow(/NoCurrentAttestation/)
    // An AT_REST record for the same round does not open the gate.
    await record(AT_REST, 1n, USDC(30_000_000n))
    await expect(offRamp(1n, USDC(1n))).rejects.toThrow(/NoCurrentAttestation/)
    expect(await usdcOf(bank)).toBe(0n)
  })

  it('with a PRE_DEPLOYMENT record the off-ramp moves at most the attested amount, summed over calls', async () => {
    await record(PRE, 1n, USDC(30_000_000n))
    const receipt = await offRamp(1n, USDC(20_000_000n))
    expect(receipt.status).toBe('success')
    await expect(offRamp(1n, USDC(10_000_001n))).rejects.toThrow(/AttestedAmountExceeded/)
    await offRamp(1n, USDC(10_000_000n))
    expect(await usdcOf(bank)).toBe(USDC(30_000_000n))
    expect(await devnet.publicClient.readContract({ address: s.controller, abi: controllerAbi, functionName: 'sleeveOffRamped', args: [SLEEVE, 1n] })).toBe(USDC(30_000_000n))
  })

  it('an old round\'s attestation cannot be reused once a newer round is recorded', async () => {
    await record(PRE, 1n, USDC(30_000_000n))
    await record(PRE, 2n, USDC(5_000_000n))
    await expect(offRamp(1n, USDC(1n))).rejects.toThrow(/NoCurrentAttestation/)
    await offRamp(2n, USDC(5_000_000n))
  })

  it('an attestor cannot rewrite a round or go back: rounds only grow', async () => {
    await record(PRE, 3n, USDC(1n))
    await expect(record(PRE, 3n, USDC(30_000_000n))).rejects.toThrow(/RoundNotAfterLatest/)
    await expect(record(PRE, 2n, USDC(30_000_000n))).rejects.toThrow(/RoundNotAfterLatest/)
    await expect(devnet.write(devnet.accounts.attestor, { address: registry, abi: attestationRegistryAbi, functionName: 'record', args: [SLEEVE, PRE, 4n, `0x${'0'.repeat(64)}`, 1n] })).rejects.toThrow(/ZeroContentHash/)
  })

  it('the aBEAM revokes a record and removes the attestor instantly; the off-ramp stops', async () => {
    const { aBEAM, attestor } = devnet.accounts
    await record(PRE, 1n, USDC(30_000_000n))
    await devnet.write(aBEAM, { address: registry, abi: attestationRegistryAbi, functionName: 'revoke', args: [SLEEVE, PRE, 1n] })
    await expect(offRamp(1n, USDC(1n))).rejects.toThrow(/NoCurrentAttestation/)
    await devnet.write(aBEAM, { address: registry, abi: attestationRegistryAbi, functionName: 'removeAttestor', args: [attestor.address] })
    await expect(record(PRE, 2n, USDC(1n))).rejects.toThrow(/NotAttestor/)
  })

  it('the record carries what the Synome and lpla-verify match: content hash, amount, attestor', async () => {
    const receipt = await record(PRE, 1n, USDC(30_000_000n))
    const stored = await devnet.publicClient.readContract({ address: registry, abi: attestationRegistryAbi, functionName: 'attestationOf', args: [SLEEVE, PRE, 1n] })
    const block = await devnet.publicClient.getBlock({ blockNumber: receipt.blockNumber })
    expect(stored).toEqual({ contentHash: HASH, amount: USDC(30_000_000n), recordedAt: block.timestamp, revoked: false, attestor: devnet.accounts.attestor.address })
  })
})

describe('attestation registry access control', () => {
  const everyone: DevnetAccountName[] = ['deployer', 'council', 'aBEAM', 'govOps', 'relayer', 'freezer', 'attestor', 'attacker']
  const AUTH = /AccessControlUnauthorizedAccount|OnlyTimelock|OnlyABEAM|NotAttestor/
  const cases: Array<{ fn: string; args: () => readonly unknown[]; allowed: DevnetAccountName[] }> = [
    { fn: 'addAttestor', args: () => [devnet.accounts.attacker.address], allowed: [] },
    { fn: 'removeAttestor', args: () => [devnet.accounts.attestor.address], allowed: ['aBEAM'] },
    { fn: 'revoke', args: () => [SLEEVE, PRE, 1n], allowed: ['aBEAM'] },
    { fn: 'record', args: () => [SLEEVE, PRE, 1n, HASH, 1n], allowed: ['attestor'] },
    { fn: 'grantRole', args: () => [`0x${'0'.repeat(64)}`, devnet.accounts.attacker.address], allowed: ['council'] },
    { fn: 'revokeRole', args: () => [`0x${'0'.repeat(64)}`, devnet.accounts.council.address], allowed: ['council'] },
  ]

  it('the case list covers every state-changing function', () => {
    const external = (attestationRegistryAbi as Abi)
      .filter((item) => item.type === 'function' && item.stateMutability !== 'view' && item.stateMutability !== 'pure')
      .map((item) => (item as { name: string }).name)
      .filter((name) => name !== 'renounceRole')
    expect(external.filter((name) => !cases.some((c) => c.fn === name))).toEqual([])
  })

  for (const c of cases) {
    it(`${c.fn} refuses everyone but ${c.allowed.join(', ') || 'the timelock'}`, async () => {
      if (c.fn === 'revoke') await record(PRE, 1n, USDC(1n)) // something to revoke
      for (const name of everyone.filter((n) => !c.allowed.includes(n))) {
        await expect(devnet.write(devnet.accounts[name], { address: registry, abi: attestationRegistryAbi, functionName: c.fn, args: c.args() } as never), `${c.fn} by ${name}`).rejects.toThrow(AUTH)
      }
      for (const name of c.allowed) await devnet.write(devnet.accounts[name], { address: registry, abi: attestationRegistryAbi, functionName: c.fn, args: c.args() } as never)
    })
  }

  it('transferForSleeve only by the relayer; setAttestationRegistry only by the Configurator (an approved action)', async () => {
    await record(PRE, 1n, USDC(1n))
    for (const name of everyone.filter((n) => n !== 'relayer')) {
      await expect(offRamp(1n, USDC(1n), devnet.accounts[name]), name).rejects.toThrow(/AccessControlUnauthorizedAccount/)
      await expect(devnet.write(devnet.accounts[name], { address: s.controller, abi: controllerAbi, functionName: 'setAttestationRegistry', args: [devnet.accounts.attacker.address] }), name).rejects.toThrow(/AccessControlUnauthorizedAccount/)
    }
  })
})

describe('property: no off-ramp without a matching attestation', () => {
  type Step =
    | { kind: 'record'; type: number; round: number; amountUsdc: number }
    | { kind: 'revoke'; round: number }
    | { kind: 'offRamp'; round: number; amountUsdc: number }
  const step: fc.Arbitrary<Step> = fc.oneof(
    fc.record({ kind: fc.constant('record' as const), type: fc.constantFrom(PRE, AT_REST), round: fc.integer({ min: 1, max: 4 }), amountUsdc: fc.integer({ min: 1, max: 2_000 }) }),
    fc.record({ kind: fc.constant('revoke' as const), round: fc.integer({ min: 1, max: 4 }) }),
    { arbitrary: fc.record({ kind: fc.constant('offRamp' as const), round: fc.integer({ min: 1, max: 4 }), amountUsdc: fc.integer({ min: 1, max: 1_500 }) }), weight: 3 },
  )

  it('every accepted off-ramp had a current PRE_DEPLOYMENT record and stayed within its amount; refused ones moved nothing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 16 }), (steps) =>
        devnet.withSnapshot(async () => {
          const latest = new Map<number, number>() // type → latest round
          const pre = new Map<number, { amount: bigint; revoked: boolean }>() // round → PRE_DEPLOYMENT record
          const sent = new Map<number, bigint>()
          let paid = await usdcOf(bank)
          for (const st of steps) {
            if (st.kind === 'record') {
              const ok = st.round > (latest.get(st.type) ?? 0)
              const done = await record(st.type, BigInt(st.round), USDC(BigInt(st.amountUsdc))).then(() => true, () => false)
              expect(done, 'record').toBe(ok)
              if (ok) {
                latest.set(st.type, st.round)
                if (st.type === PRE) pre.set(st.round, { amount: USDC(BigInt(st.amountUsdc)), revoked: false })
              }
            } else if (st.kind === 'revoke') {
              const rec = pre.get(st.round)
              const done = await devnet.write(devnet.accounts.aBEAM, { address: registry, abi: attestationRegistryAbi, functionName: 'revoke', args: [SLEEVE, PRE, BigInt(st.round)] }).then(() => true, () => false)
              expect(done, 'revoke').toBe(rec !== undefined)
              if (rec) rec.revoked = true
            } else {
              const rec = pre.get(st.round)
              const amount = USDC(BigInt(st.amountUsdc))
              const total = (sent.get(st.round) ?? 0n) + amount
              const ok = rec !== undefined && !rec.revoked && latest.get(PRE) === st.round && total <= rec.amount
              const done = await offRamp(BigInt(st.round), amount).then(() => true, () => false)
              expect(done, 'off-ramp allowed exactly with a current attestation covering it').toBe(ok)
              if (ok) {
                sent.set(st.round, total)
                paid += amount
              }
            }
            expect(await usdcOf(bank), 'nothing leaves without a matching attestation').toBe(paid)
          }
          for (const [round, total] of sent) expect(total).toBeLessThanOrEqual(pre.get(round)!.amount)
        }),
      ),
      { numRuns: 30, endOnFailure: true },
    )
  })
})

