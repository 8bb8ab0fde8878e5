import { describe, expect, it } from 'vitest'
import { section } from '../../bench/gas/pau.js'
import { gasContext } from '../../bench/gas/section.js'
import { useDevnet } from '../fixtures/devnet.js'

describe('bench:gas PAU section', () => {
  it('measures every rate-limited action beside its plain counterpart, and SORL setRateLimit', async () => {
    const devnet = await useDevnet()
    const rows = await section.run(gasContext(devnet))
    const compared = rows.filter((r) => r.baseline)
    expect(compared.map((r) => r.baseline!.action)).toEqual([
      'USDS.transfer', 'PSM.swapUSDSToUSDC', 'PSM.swapUSDCToUSDS', 'sUSDS.deposit', 'sUSDS.withdraw', 'facility.deposit', 'facility.fund', 'facility.redeem', 'USDC.transfer',
    ])
    // The PAU adds a rate-limit read/write and proxy hops: more gas, but well under 3×
    // (the figures in docs/contracts.md come from the same code).
    for (const r of compared) {
      expect(r.gas).toBeGreaterThan(r.baseline!.gas)
      expect(r.gas).toBeLessThan(r.baseline!.gas * 3n)
    }
    expect(rows.filter((r) => r.action.startsWith('Configurator.setRateLimit'))).toHaveLength(3)
    const brake = rows.find((r) => r.action.startsWith('Configurator.stop'))
    expect(brake?.gas).toBeLessThan(300_000n) // one transaction, well inside any block

  })
})
