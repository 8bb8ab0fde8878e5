/** `halo beacon identity` config: strict, a key is required, the environment's key wins. */
import { describe, expect, it } from 'vitest'
import { parseIdentityBeaconConfig } from '../../../src/beacons/identity/config.js'

const key = `0x${'ab'.repeat(32)}`
const base = { networkId: 'idn-swiss', rpcUrl: 'http://127.0.0.1:8545', synome: { url: 'http://127.0.0.1:8080' }, chain: { registry: `0x${'11'.repeat(20)}` } }

describe('identity beacon config', () => {
  it('fills the defaults (batches of 200, chain clock, fromBlock 0 as a bigint)', () => {
    expect(parseIdentityBeaconConfig({ ...base, privateKey: key }, {})).toMatchObject({ maxBatch: 200, clock: { chainOffsetSeconds: 0 }, chain: { fromBlock: 0n, finalityDepth: 2 } })
  })
  it('refuses an unknown field, a batch above the registry limit and a missing key', () => {
    expect(() => parseIdentityBeaconConfig({ ...base, privateKey: key, extra: 1 }, {})).toThrow(/does not validate/)
    expect(() => parseIdentityBeaconConfig({ ...base, privateKey: key, maxBatch: 201 }, {})).toThrow(/does not validate/)
    expect(() => parseIdentityBeaconConfig(base, {})).toThrow(/HALO_IDENTITY_PRIVATE_KEY/)
  })
  it('HALO_IDENTITY_PRIVATE_KEY wins over the file', () => {
    const envKey = `0x${'cd'.repeat(32)}`
    expect(parseIdentityBeaconConfig({ ...base, privateKey: key }, { HALO_IDENTITY_PRIVATE_KEY: envKey }).privateKey).toBe(envKey)
  })
})
