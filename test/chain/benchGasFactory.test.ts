import { describe, expect, it } from 'vitest'
import { section } from '../../bench/gas/factory.js'
import { gasContext } from '../../bench/gas/section.js'
import { useDevnet } from '../fixtures/devnet.js'

describe('bench:gas factory section', () => {
  it('an extra Term, Portfolio or Trading unit through the factory costs at most 0.2× deploying its contracts directly; a class is cheaper than its direct deployment', async () => {
    const devnet = await useDevnet()
    const rows = await section.run(gasContext(devnet))
    for (const r of rows) console.log(`${r.action.padEnd(70)} ${String(r.gas).padStart(9)}  vs ${r.baseline?.action} ${r.baseline?.gas}`)
    const [cls, unit, portfolioClass, portfolioUnit, tradingUnit] = rows
    expect(unit!.gas * 5n).toBeLessThanOrEqual(unit!.baseline!.gas)
    expect(cls!.gas).toBeLessThan(cls!.baseline!.gas)
    expect(portfolioUnit!.gas * 5n).toBeLessThanOrEqual(portfolioUnit!.baseline!.gas)
    expect(portfolioClass!.gas).toBeLessThan(portfolioClass!.baseline!.gas)
    expect(tradingUnit!.gas * 5n).toBeLessThanOrEqual(tradingUnit!.baseline!.gas)
  })
})
