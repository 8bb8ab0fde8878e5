import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { UnsafeTokenIdError, unitIdOfTokenId } from '../../src/domain/unitId.js'
import { useDevnet, type Devnet } from '../fixtures/devnet.js'
import { M, createScenario, type Scenario } from './harness.js'

const MAX_SAFE = 2n ** 53n - 1n

let devnet: Devnet
let s: Scenario | undefined
beforeAll(async () => {
  devnet = await useDevnet()
})
afterEach(async () => {
  await s?.close()
  s = undefined
})

describe('NFAT tokenIds near 2^53 (a facility may start at any uint256)', () => {
  it('Number() would turn tokenId 2^53 + 1 into 2^53; the one conversion refuses it instead', () => {
    expect(BigInt(Number(2n ** 53n + 1n))).toBe(2n ** 53n) // the bug: another token's id
    expect(() => unitIdOfTokenId(2n ** 53n + 1n)).toThrow(UnsafeTokenIdError)
    expect(() => unitIdOfTokenId(2n ** 53n)).toThrow(expect.objectContaining({ code: 'TOKEN_ID_UNSAFE', meta: expect.objectContaining({ tokenId: '9007199254740992' }) }))
    expect(BigInt(unitIdOfTokenId(MAX_SAFE))).toBe(MAX_SAFE)
    expect(unitIdOfTokenId(42n)).toBe(42)
  })

  it('NFAT 2^53 − 1 round-trips to unit 9007199254740991; lpha-nfat refuses to claim a deposit into NFAT 2^53 and the deposit stays queued', async () => {
    s = await createScenario(devnet, { firstTokenId: MAX_SAFE })
    const { world } = s
    await s.at(0, '09:00')
    await world.deposit(world.people.spark, M('30'))
    await world.deposit(world.people.grove, M('25'))
    await s.at(0, '10:00')
    // Spark's claim becomes NFAT 2^53 − 1; Grove's would be NFAT 2^53, which no unitId can name.
    await expect(s.nfatTick()).rejects.toThrow(/TOKEN_ID_UNSAFE|9007199254740992 has no exact unitId/)
    const unit = await s.unit(Number(MAX_SAFE))
    expect(unit).toMatchObject({ unitId: 9007199254740991, nfat: { tokenId: '9007199254740991' }, principal: '30000000', depositorPrime: 'spark' })
    expect(BigInt(unit.unitId as number)).toBe(MAX_SAFE)
    expect(await s.sleeve()).toMatchObject({ linkedUnits: [9007199254740991] })
    expect(await world.queued(world.people.grove.address)).toBe(M('25'))
    // The next tick refuses again (no claim is ever sent for an id the Synome cannot hold).
    await expect(s.nfatTick()).rejects.toThrow(/no exact unitId/)
    expect(await world.queued(world.people.grove.address)).toBe(M('25'))
  })
})
