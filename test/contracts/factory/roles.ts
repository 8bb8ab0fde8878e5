/**
 * Every role of a contract, read from its RoleGranted/RoleRevoked events (so nothing can hide
 * from a hasRole guess list) and checked against hasRole.
 */
import { expect } from 'vitest'
import { getAddress, keccak256, parseEventLogs, stringToHex, type Address, type Hex } from 'viem'
import { almProxyAbi } from '../../../src/chain/generated/index.js'
import type { Devnet } from '../../fixtures/devnet.js'

export const ROLE = {
  admin: `0x${'0'.repeat(64)}` as Hex,
  controller: keccak256(stringToHex('CONTROLLER')),
  relayer: keccak256(stringToHex('RELAYER')),
  freezer: keccak256(stringToHex('FREEZER')),
  claimer: keccak256(stringToHex('NFAT_CLAIMER')),
  funder: keccak256(stringToHex('NFAT_FUNDER')),
  pauser: keccak256(stringToHex('NFAT_PAUSER')),
  writeDown: keccak256(stringToHex('NFAT_WRITE_DOWN')),
} as const

export async function roleHolders(devnet: Devnet, address: Address): Promise<Record<string, Address[]>> {
  const logs = await devnet.publicClient.getLogs({ address, fromBlock: 0n, toBlock: 'latest' })
  const events = parseEventLogs({ abi: almProxyAbi, logs, eventName: ['RoleGranted', 'RoleRevoked'] })
  const holders = new Map<Hex, Set<Address>>()
  for (const e of events) {
    const set = holders.get(e.args.role) ?? new Set<Address>()
    if (e.eventName === 'RoleGranted') set.add(getAddress(e.args.account))
    else set.delete(getAddress(e.args.account))
    holders.set(e.args.role, set)
  }
  const out: Record<string, Address[]> = {}
  for (const [role, set] of holders) {
    const members = [...set].sort()
    for (const member of members) {
      expect(await devnet.publicClient.readContract({ address, abi: almProxyAbi, functionName: 'hasRole', args: [role, member] }), `${role} ${member}`).toBe(true)
    }
    if (members.length > 0) out[nameOf(role)] = members
  }
  return out
}

const nameOf = (role: Hex) => Object.entries(ROLE).find(([, r]) => r === role)?.[0] ?? role

/** Exactly these holders per role (roles not named have none). */
export async function expectRoles(devnet: Devnet, address: Address, expected: Record<string, Address[]>, label: string) {
  const sorted = Object.fromEntries(Object.entries(expected).map(([role, members]) => [role, [...members].map((m) => getAddress(m)).sort()]))
  expect(await roleHolders(devnet, address), label).toEqual(sorted)
}
