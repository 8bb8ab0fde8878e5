import { describe, expect, it } from 'vitest'
import { MANY_USERS, section } from '../../bench/gas/lcts.js'
import { gasContext } from '../../bench/gas/section.js'
import { useDevnet } from '../fixtures/devnet.js'

describe('bench:gas LCTS section', () => {
  it('every queue operation beside an ERC-20 transfer of the same run; settle and claim O(1) in users; the issue’s targets', async () => {
    const devnet = await useDevnet()
    const rows = await section.run(gasContext(devnet))
    const gas = (action: string, baseline = 'to a holder') => {
      const found = rows.find((r) => r.action === action && r.baseline!.action.endsWith(`${baseline})`))
      if (!found) throw new Error(`no row ${action} against ${baseline}`)
      return found
    }
    for (const action of ['subscribe (new position, ACTIVE generation)', 'exit (claim-and-exit, whole position)', 'claim (ACTIVE generation)', 'claimFor (keeper pays the user)', 'lock (ACTIVE → LOCKED)', 'settle (partial: convert, mint srUSDS, unlock)', 'claim from a FINALIZED generation']) {
      expect(gas(action).gas).toBeGreaterThan(0n)
    }
    // 1 vs 1,000 users: equal within 2% (here exactly equal: nothing iterates users)
    const within2pct = (a: bigint, b: bigint) => (a > b ? a - b : b - a) * 100n <= (a < b ? a : b) * 2n
    expect(within2pct(gas('settle, 1 user in the generation').gas, gas(`settle, ${MANY_USERS} users in the generation`).gas)).toBe(true)
    expect(within2pct(gas('claim, 1 user in the generation').gas, gas(`claim, ${MANY_USERS} users in the generation`).gas)).toBe(true)
    // targets: settle ≤ 150,000 whatever the users; claim ≤ 1.5× a transfer to a holder;
    // subscribe ≤ 2.0× the transfer that, like it, creates a holder record; a top-up ≤ 2.0× a transfer to a holder
    for (const r of rows.filter((r) => r.action.startsWith('settle'))) expect(r.gas).toBeLessThanOrEqual(150_000n)
    const claim = gas('claim (ACTIVE generation)')
    expect(claim.gas * 100n).toBeLessThanOrEqual(claim.baseline!.gas * 150n)
    const subscribe = gas('subscribe (new position, ACTIVE generation)', 'to a new holder')
    expect(subscribe.gas * 10n).toBeLessThanOrEqual(subscribe.baseline!.gas * 20n)
    const afterSettlement = gas('subscribe (new position after a settlement: rewardDebt slot too)', 'to a new holder')
    expect(afterSettlement.gas * 10n).toBeLessThanOrEqual(afterSettlement.baseline!.gas * 20n)
    const topUp = gas('subscribe (top-up, pays pending first)')
    expect(topUp.gas * 10n).toBeLessThanOrEqual(topUp.baseline!.gas * 20n)
  })
})
