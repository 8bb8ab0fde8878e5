/**
 * The beacons find everything by log topics: every facility event about a unit carries an
 * indexed tokenId, every event about a Prime's money an indexed depositor.
 */
import { describe, expect, it } from 'vitest'
import { nfatFacilityAbi } from '../../../src/chain/generated/index.js'

const events = nfatFacilityAbi.filter((item) => item.type === 'event')
const indexed = (name: string) =>
  events.find((e) => e.name === name)!.inputs.filter((i) => 'indexed' in i && i.indexed).map((i) => i.name)

describe('NFAT Facility events for the beacons', () => {
  it.each([
    ['Deposited', ['depositor']],
    ['Withdrawn', ['depositor']],
    ['Claimed', ['tokenId', 'depositor']],
    ['Funded', ['tokenId', 'depositor', 'funder']],
    ['Spent', ['tokenId', 'depositor', 'holder']],
    ['Redeemed', ['tokenId', 'depositor', 'holder']],
    ['WrittenDown', ['tokenId', 'depositor', 'writer']],
    ['OperatorRemoved', ['role', 'account', 'freezer']],
    ['WhitelistUpdated', ['account']],
    ['Transfer', ['from', 'to', 'tokenId']],
  ] as const)('%s indexes %j', (name, expected) => {
    expect(indexed(name)).toEqual(expected)
  })

  it('whitelist mode, pause and the retirement of the claim path are observable', () => {
    expect(events.map((e) => e.name)).toEqual(expect.arrayContaining(['WhitelistModeSet', 'Paused', 'Unpaused', 'RateLimitsControllerRenounced']))
  })
})
